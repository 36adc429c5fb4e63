"""The quickstart from the README: a backup vault, tags, and simulated time."""

from __future__ import annotations

import datetime

import boto3
import pytest

from pytest_glacier import GlacierMock


def test_create_and_describe_a_vault(glacier_mock: GlacierMock) -> None:
    client = boto3.client("glacier", region_name="eu-west-1")
    client.create_vault(vaultName="backups")

    vault = client.describe_vault(vaultName="backups")

    assert vault["VaultARN"] == "arn:aws:glacier:eu-west-1:123456789012:vaults/backups"
    assert vault["NumberOfArchives"] == 0
    assert [call.operation for call in glacier_mock.calls] == ["CreateVault", "DescribeVault"]


def test_tags_on_a_vault(glacier_mock: GlacierMock) -> None:
    client = boto3.client("glacier", region_name="eu-west-1")
    client.create_vault(vaultName="backups")

    client.add_tags_to_vault(vaultName="backups", Tags={"team": "storage"})

    assert client.list_tags_for_vault(vaultName="backups")["Tags"] == {"team": "storage"}


def test_time_moves_for_the_mock_and_for_your_code(glacier_mock: GlacierMock) -> None:
    before = glacier_mock.now()
    glacier_mock.advance(hours=5)

    assert glacier_mock.now() - before >= datetime.timedelta(hours=5)
    assert (
        abs(datetime.datetime.now(datetime.timezone.utc) - glacier_mock.now()).total_seconds() < 5
    )


@pytest.mark.glacier(account_id="111122223333")
def test_options_come_from_the_marker(glacier_mock: GlacierMock) -> None:
    client = boto3.client("glacier", region_name="us-west-2")
    location = client.create_vault(vaultName="audit")["location"]

    assert location == "/111122223333/vaults/audit"
