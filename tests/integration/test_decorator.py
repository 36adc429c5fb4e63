"""``mock_glacier`` as users write it: bare, with options, async, on TestCase, as a context."""

from __future__ import annotations

import asyncio
import inspect
import os
import unittest

import boto3
import pytest

from pytest_glacier import GlacierMock, active_mock, mock_glacier


def vault_names(region: str = "us-east-1") -> list[str]:
    client = boto3.client("glacier", region_name=region)
    return [vault["VaultName"] for vault in client.list_vaults()["VaultList"]]


@mock_glacier
def test_bare_decorator_serves_glacier() -> None:
    boto3.client("glacier", region_name="us-east-1").create_vault(vaultName="bare")
    assert vault_names() == ["bare"]
    assert isinstance(active_mock(), GlacierMock)


@mock_glacier(account_id="111122223333")
def test_decorator_with_options() -> None:
    client = boto3.client("glacier", region_name="us-east-1")
    assert client.create_vault(vaultName="v")["location"] == "/111122223333/vaults/v"
    assert active_mock().account_id == "111122223333"


def test_each_call_gets_a_fresh_mock() -> None:
    seen: list[list[str]] = []

    @mock_glacier
    def create_one() -> None:
        seen.append(vault_names())
        boto3.client("glacier", region_name="us-east-1").create_vault(vaultName="once")

    create_one()
    create_one()
    assert seen == [[], []]


def test_decorated_function_keeps_its_name_and_kind() -> None:
    def plain() -> None: ...

    async def coroutine() -> None: ...

    assert mock_glacier(plain).__name__ == "plain"
    assert inspect.iscoroutinefunction(mock_glacier(coroutine))
    assert inspect.iscoroutinefunction(mock_glacier(account_id="111122223333")(coroutine))


def test_async_function_runs_inside_the_mock() -> None:
    @mock_glacier
    async def run() -> list[str]:
        boto3.client("glacier", region_name="us-east-1").create_vault(vaultName="async")
        await asyncio.sleep(0)
        return vault_names()

    assert asyncio.run(run()) == ["async"]
    with pytest.raises(RuntimeError, match="No Glacier mock is active"):
        active_mock()


def test_context_manager_yields_the_glacier_mock() -> None:
    with mock_glacier(inventory="immediate") as glacier:
        assert isinstance(glacier, GlacierMock)
        assert active_mock() is glacier
        assert glacier.options.inventory == "immediate"
    with pytest.raises(RuntimeError):
        active_mock()


def test_nesting_is_an_error_with_a_clear_message() -> None:
    with mock_glacier(), pytest.raises(RuntimeError, match="cannot be nested"):  # noqa: SIM117
        with mock_glacier():
            pass


def test_unknown_option_is_a_type_error_naming_it() -> None:
    with pytest.raises(TypeError, match="'acount_id'"):
        mock_glacier(acount_id="111122223333")


def test_environment_credentials_are_set_and_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "mine")
    with mock_glacier():
        assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
        assert os.environ["AWS_SECRET_ACCESS_KEY"] == "mine"
        assert boto3.client("glacier").list_vaults()["VaultList"] == []
    assert "AWS_ACCESS_KEY_ID" not in os.environ
    assert "AWS_DEFAULT_REGION" not in os.environ
    assert os.environ["AWS_SECRET_ACCESS_KEY"] == "mine"


def test_empty_credential_variables_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"):
        monkeypatch.setenv(name, "")
    monkeypatch.delenv("AWS_REGION", raising=False)
    with mock_glacier():
        assert boto3.client("glacier").list_vaults()["VaultList"] == []
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"):
        assert os.environ[name] == ""  # put back as they were


@mock_glacier
class TestDecoratedTestCase(unittest.TestCase):
    def setUp(self) -> None:
        # setUp runs inside the mock.
        self.glacier = active_mock()
        self.client = boto3.client("glacier", region_name="us-east-1")
        self.client.create_vault(vaultName="from-setup")

    def tearDown(self) -> None:
        # tearDown too.
        assert active_mock() is self.glacier

    def test_one(self) -> None:
        self.client.create_vault(vaultName="one")
        assert vault_names() == ["from-setup", "one"]

    def test_two_gets_a_fresh_mock(self) -> None:
        assert vault_names() == ["from-setup"]


@mock_glacier
class TestPlainClass:
    def test_method_is_mocked(self) -> None:
        assert vault_names() == []


@mock_glacier(account_id="111122223333")
class TestSubclassOfADecoratedTestCase(TestDecoratedTestCase):
    """A decorated subclass of a decorated TestCase: one mock per test, with its own options."""

    def test_its_options_win(self) -> None:
        assert active_mock().account_id == "111122223333"
