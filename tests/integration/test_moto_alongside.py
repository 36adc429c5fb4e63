"""moto's ``mock_aws`` in the same test: Glacier reaches us, everything else reaches moto."""

from __future__ import annotations

import os
import subprocess
import sys
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


MOTO_IMPORTED_LATE = """
import sys
import boto3
from pytest_glacier import mock_glacier

assert "moto" not in sys.modules
with mock_glacier() as glacier:
    import moto  # first imported while the mock runs, as pytest.importorskip in a test does

    with moto.mock_aws():
        boto3.client("glacier", region_name="us-east-1").create_vault(vaultName="ours")
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="theirs")
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["theirs"]
    assert [call.operation for call in glacier.calls] == ["CreateVault"]
# The mock has stopped: moto gets Glacier back.
with moto.mock_aws():
    glacier_client = boto3.client("glacier", region_name="us-east-1")
    glacier_client.create_vault(vaultName="motos")
    assert [v["VaultName"] for v in glacier_client.list_vaults()["VaultList"]] == ["motos"]
print("ok")
"""


def test_moto_first_imported_while_the_mock_runs() -> None:
    environment = {**os.environ, "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"}
    result = subprocess.run(
        [sys.executable, "-c", MOTO_IMPORTED_LATE],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
