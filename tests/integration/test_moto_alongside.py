"""moto's ``mock_aws`` in the same test: Glacier reaches us, everything else reaches moto."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests

from pytest_glacier import GlacierMock, mock_glacier

moto = pytest.importorskip("moto")

GLACIER = "https://glacier.us-east-1.amazonaws.com"


def exercise(glacier_mock: GlacierMock) -> None:
    glacier: Any = boto3.client("glacier", region_name="us-east-1")
    s3: Any = boto3.client("s3", region_name="us-east-1")
    glacier.create_vault(vaultName="ours")
    s3.create_bucket(Bucket="theirs")

    assert [v["VaultName"] for v in glacier.list_vaults()["VaultList"]] == ["ours"]
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["theirs"]
    # Each Glacier request was served once, by us; S3 never reached us.
    assert [c.operation for c in glacier_mock.calls] == ["CreateVault", "ListVaults"]
    # requests to Glacier reach us too, whichever responses mock sees them first.
    listed = requests.get(
        f"{GLACIER}/-/vaults", headers={"x-amz-glacier-version": "2012-06-01"}, timeout=5
    )
    assert listed.json()["VaultList"][0]["VaultName"] == "ours"


def test_moto_started_first() -> None:
    with moto.mock_aws(), mock_glacier() as glacier:
        exercise(glacier)


def test_moto_started_second() -> None:
    with mock_glacier() as glacier, moto.mock_aws():
        exercise(glacier)


@pytest.fixture
def aws() -> Iterator[None]:
    with moto.mock_aws():
        yield


def test_fixtures_in_either_order(aws: None, glacier_mock: GlacierMock) -> None:
    exercise(glacier_mock)


def test_moto_still_gets_glacier_after_our_mock_stops() -> None:
    with moto.mock_aws():
        with mock_glacier():
            pass
        client: Any = boto3.client("glacier", region_name="us-east-1")
        client.create_vault(vaultName="motos")
        assert [v["VaultName"] for v in client.list_vaults()["VaultList"]] == ["motos"]
