"""The AWS CLI run in-process (``awscli.clidriver``) is served like any botocore client."""

from __future__ import annotations

import json

import pytest

from pytest_glacier import GlacierMock

clidriver = pytest.importorskip("awscli.clidriver")


def aws(*args: str) -> int:
    return int(clidriver.create_clidriver().main([*args, "--region", "eu-west-1"]))


def test_cli_creates_and_lists_vaults(
    glacier_mock: GlacierMock, capsys: pytest.CaptureFixture[str]
) -> None:
    assert aws("glacier", "create-vault", "--account-id", "-", "--vault-name", "cli") == 0
    capsys.readouterr()
    assert aws("glacier", "list-vaults", "--account-id", "-", "--output", "json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [vault["VaultName"] for vault in listed["VaultList"]] == ["cli"]
    assert [call.operation for call in glacier_mock.calls] == ["CreateVault", "ListVaults"]


def test_cli_reports_glacier_errors(
    glacier_mock: GlacierMock, capsys: pytest.CaptureFixture[str]
) -> None:
    assert aws("glacier", "describe-vault", "--account-id", "-", "--vault-name", "nope") != 0
    assert "ResourceNotFoundException" in capsys.readouterr().err
