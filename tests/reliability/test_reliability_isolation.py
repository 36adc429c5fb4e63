"""A test that fails mid-way leaves nothing behind.

A pytester run holds tests that fail on purpose in every way a mock can be cut short: an
exception in the test body (with the server, ``sleep_advances`` and a retried call in flight),
in a fixture after the mock, in a fixture's teardown, in a ``@mock_glacier`` function, in a
``with mock_glacier()`` block under the test's own freezegun clock, in a decorated
``unittest.TestCase``'s ``setUp``, with moto's ``mock_aws`` and an aiobotocore client active,
and a bug inside the mock itself. After each, a check compares the process with a snapshot taken
before any test ran: botocore's ``Endpoint._send`` and ``_needs_retry`` and the ``time`` its
retry backoff sleeps with, ``responses``' ``_on_request`` and ``HTTPAdapter.send``, moto's
stubber, aiobotocore's ``AioEndpoint._send``, ``time.sleep``, freezegun's freezers and
``datetime``, boto3's default session, every environment variable; and no mock is active and
the session's server answers its "no mock" 503.

The run happens twice in a subprocess: in file order (each failure followed by its check), and
in pytest-randomly's random order with the check done before every test as well.
"""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

CONFTEST = """
import datetime
import os
import time

import aiobotocore.endpoint
import boto3
import botocore.endpoint
import freezegun.api
import pytest
import requests
import requests.adapters
import responses
from moto.core.botocore_stubber import BotocoreStubber

from pytest_glacier import active_mock


def snapshot():
    return {
        "Endpoint._send": botocore.endpoint.Endpoint.__dict__.get("_send"),
        "Endpoint._needs_retry": botocore.endpoint.Endpoint.__dict__.get("_needs_retry"),
        "botocore.endpoint.time": botocore.endpoint.time,
        "RequestsMock._on_request": responses.RequestsMock.__dict__.get("_on_request"),
        "HTTPAdapter.send": requests.adapters.HTTPAdapter.send,
        "BotocoreStubber.__call__": BotocoreStubber.__dict__.get("__call__"),
        "AioEndpoint._send": aiobotocore.endpoint.AioEndpoint.__dict__.get("_send"),
        "time.sleep": time.sleep,
        "time.time": time.time,
        "time.monotonic": time.monotonic,
        "datetime.datetime": datetime.datetime,
        "datetime.date": datetime.date,
        "freezers": list(freezegun.api.freeze_factories),
        "environ": {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"},
        "boto3.DEFAULT_SESSION": boto3.DEFAULT_SESSION,
    }


BASELINE = snapshot()


def assert_nothing_left(server=None):
    now = snapshot()
    changed = {key: (BASELINE[key], now[key]) for key in BASELINE if now[key] != BASELINE[key]}
    if "environ" in changed:
        before, after = changed["environ"]
        changed["environ"] = {
            name: (before.get(name), after.get(name))
            for name in before.keys() | after.keys()
            if before.get(name) != after.get(name)
        }
    assert not changed, f"left behind: {changed}"
    with pytest.raises(RuntimeError):
        active_mock()
    if server is not None:
        assert server.handler is None
        if server.running:
            answer = requests.get(server.endpoint_url + "/-/vaults", timeout=5)
            assert answer.status_code == 503


@pytest.fixture(autouse=CHECK_BEFORE_EVERY_TEST)
def nothing_left_before(_glacier_http_server):
    assert_nothing_left(_glacier_http_server)
"""

TESTS = """
import asyncio
import unittest

import aiobotocore.session
import boto3
import pytest
from botocore.config import Config
from conftest import assert_nothing_left
from freezegun import freeze_time
from moto import mock_aws

from pytest_glacier import mock_glacier
from pytest_glacier.backend import operations


def client():
    return boto3.client("glacier", region_name="eu-west-1")


@pytest.mark.glacier(sleep_advances=True)
def test_01_body_fails(glacier_server, glacier_mock, monkeypatch):
    monkeypatch.setenv("SOMETHING_OF_THE_TEST", "1")
    client().create_vault(vaultName="v")
    glacier_mock.inject_error("DescribeVault", "ThrottlingException")
    retrying = boto3.client(
        "glacier", region_name="eu-west-1", config=Config(retries={"total_max_attempts": 3})
    )
    retrying.describe_vault(vaultName="v")  # retried after a backoff in simulated time
    import time

    time.sleep(3600)  # advances the clock
    raise RuntimeError("the test body failed")


def test_01_check(_glacier_http_server):
    assert_nothing_left(_glacier_http_server)


@pytest.fixture
def broken_after_mock(glacier_mock):
    client().create_vault(vaultName="v")
    raise RuntimeError("a fixture after the mock failed")


def test_02_fixture_fails(broken_after_mock):
    pass


def test_02_check(_glacier_http_server):
    assert_nothing_left(_glacier_http_server)


@pytest.fixture
def broken_teardown(glacier_server, glacier_mock):
    yield
    raise RuntimeError("a fixture's teardown failed")


def test_03_fixture_teardown_fails(broken_teardown):
    client().create_vault(vaultName="v")


def test_03_check(_glacier_http_server):
    assert_nothing_left(_glacier_http_server)


@mock_glacier(sleep_advances=True)
def test_04_decorated_function_fails():
    client().create_vault(vaultName="v")
    raise RuntimeError("a decorated function failed")


def test_04_check(_glacier_http_server):
    assert_nothing_left(_glacier_http_server)


def test_05_with_block_under_freezegun_fails():
    with freeze_time("2020-01-01"):
        with mock_glacier() as glacier:
            client().create_vault(vaultName="v")
            glacier.advance(days=3)
            raise RuntimeError("a with block failed")


def test_05_check(_glacier_http_server):
    assert_nothing_left(_glacier_http_server)


@mock_glacier
class TestSetUpFails(unittest.TestCase):
    def setUp(self):
        client().create_vault(vaultName="v")
        raise RuntimeError("setUp failed")

    def test_06_never_runs(self):
        pass


def test_06_check(_glacier_http_server):
    assert_nothing_left(_glacier_http_server)


def test_07_moto_and_aiobotocore_fail(glacier_mock):
    async def use_aiobotocore():
        session = aiobotocore.session.get_session()
        async with session.create_client("glacier", region_name="eu-west-1") as aio:
            await aio.create_vault(vaultName="aio")

    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="b")
        client().create_vault(vaultName="v")
        asyncio.run(use_aiobotocore())
        raise RuntimeError("failed with moto and aiobotocore active")


def test_07_check(_glacier_http_server):
    assert_nothing_left(_glacier_http_server)


def test_08_bug_in_the_mock(glacier_mock, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("a bug")

    monkeypatch.setitem(
        operations.OPERATIONS, "ListVaults", operations.Registration("ListVaults", broken, True)
    )
    boto3.client(
        "glacier", region_name="eu-west-1", config=Config(retries={"total_max_attempts": 1})
    ).list_vaults()


def test_08_check(_glacier_http_server):
    assert_nothing_left(_glacier_http_server)
"""

EXPECTED = {"passed": 9, "failed": 6, "errors": 3}
"""The eight checks and 03's body pass; 01, 04, 05, 06 (setUp), 07 and 08 fail (08: the client
gets the 500); 02 errors at setup, 03 at teardown and 08 again at teardown (the mock's bug)."""


@pytest.fixture
def isolation_project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest(CONFTEST.replace("CHECK_BEFORE_EVERY_TEST", "True"))
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(test_fails_midway=TESTS)
    return pytester


def test_failures_mid_way_leave_nothing_behind_in_file_order(
    isolation_project: pytest.Pytester,
) -> None:
    result = isolation_project.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(**EXPECTED)
    result.stdout.no_fnmatch_line("*left behind*")
    result.stdout.fnmatch_lines(["*MockInternalError*", "*KeyError: 'a bug'*"])


def test_failures_mid_way_leave_nothing_behind_in_random_order(
    isolation_project: pytest.Pytester,
) -> None:
    result = isolation_project.runpytest_subprocess("-p", "randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(**EXPECTED)
    result.stdout.no_fnmatch_line("*left behind*")
