"""Which requests reach the mock: every Glacier request, nothing else (CONTRACT §1)."""

from __future__ import annotations

from typing import Any

import boto3
import botocore.session
import pytest
import requests
import responses
from botocore.config import Config

from pytest_glacier import GlacierMock, mock_glacier


def test_client_created_before_the_mock_is_served() -> None:
    early = boto3.client(
        "glacier",
        region_name="eu-central-1",
        aws_access_key_id="AKIAEXAMPLE",
        aws_secret_access_key="secret",
    )
    with mock_glacier() as glacier:
        early.create_vault(vaultName="early")
        assert glacier.calls[0].region == "eu-central-1"


def test_botocore_session_and_boto3_resource_are_served(glacier_mock: GlacierMock) -> None:
    session = botocore.session.get_session()
    client: Any = session.create_client("glacier", region_name="sa-east-1")
    client.create_vault(vaultName="from-botocore")
    resource = boto3.resource("glacier", region_name="sa-east-1")
    assert [vault.name for vault in resource.vaults.all()] == ["from-botocore"]


@pytest.mark.parametrize(
    "config",
    [
        Config(use_fips_endpoint=True),
        Config(use_dualstack_endpoint=True),
    ],
    ids=["fips", "dualstack"],
)
def test_endpoint_variants_are_served(glacier_mock: GlacierMock, config: Config) -> None:
    client = boto3.client("glacier", region_name="us-east-2", config=config)
    client.create_vault(vaultName="variant")
    assert glacier_mock.calls[-1].region == "us-east-2"


@pytest.mark.parametrize("region", ["cn-north-1", "us-gov-west-1"])
def test_other_partitions_are_served(glacier_mock: GlacierMock, region: str) -> None:
    client = boto3.client("glacier", region_name=region)
    client.create_vault(vaultName="v")
    arn = client.describe_vault(vaultName="v")["VaultARN"]
    partition = "aws-cn" if region.startswith("cn-") else "aws-us-gov"
    assert arn.startswith(f"arn:{partition}:glacier:{region}:")


def test_custom_endpoint_url_on_a_glacier_host_is_served(glacier_mock: GlacierMock) -> None:
    client = boto3.client(
        "glacier",
        region_name="eu-west-1",
        endpoint_url="https://glacier.eu-west-1.amazonaws.com",
    )
    client.create_vault(vaultName="custom")
    assert len(glacier_mock.calls) == 1


def test_other_services_pass_through(glacier_mock: GlacierMock) -> None:
    s3 = boto3.client(
        "s3",
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:9",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=1),
    )
    with pytest.raises(Exception, match="Could not connect"):
        s3.list_buckets()
    assert glacier_mock.calls == []


@pytest.mark.parametrize(
    "endpoint_url",
    [
        "http://localhost:4566",
        "https://vpce-0a1b2c3d-abcd1234.glacier.us-east-1.vpce.amazonaws.com",
    ],
    ids=["localhost", "vpc-endpoint"],
)
def test_a_glacier_client_is_served_whatever_its_endpoint_url(
    glacier_mock: GlacierMock, endpoint_url: str
) -> None:
    client = boto3.client("glacier", region_name="us-east-1", endpoint_url=endpoint_url)
    client.create_vault(vaultName="v")
    assert [call.operation for call in glacier_mock.calls] == ["CreateVault"]


def test_aws_endpoint_url_glacier_does_not_take_requests_out_of_the_process(
    glacier_mock: GlacierMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_GLACIER", "http://127.0.0.1:9")
    boto3.client("glacier", region_name="us-east-1").list_vaults()
    assert [call.operation for call in glacier_mock.calls] == ["ListVaults"]


# -- requests ------------------------------------------------------------------------------------

GLACIER = "https://glacier.us-east-1.amazonaws.com"
VERSION = {"x-amz-glacier-version": "2012-06-01"}


def test_raw_requests_calls_are_served(glacier_mock: GlacierMock) -> None:
    created = requests.put(f"{GLACIER}/-/vaults/raw", headers=VERSION, timeout=5)
    assert created.status_code == 201
    assert created.headers["Location"] == "/123456789012/vaults/raw"
    listed = requests.get(f"{GLACIER}/-/vaults", headers=VERSION, timeout=5)
    assert listed.json()["VaultList"][0]["VaultName"] == "raw"
    assert listed.json()["Marker"] is None
    assert "x-amzn-RequestId" in listed.headers


def test_raw_request_without_api_version_is_refused(glacier_mock: GlacierMock) -> None:
    response = requests.get(f"{GLACIER}/-/vaults", timeout=5)
    assert response.status_code == 400
    assert response.json() == {
        "code": "MissingParameterValueException",
        "message": "Required parameter missing: API version",
        "type": "Client",
    }


def test_presigned_urls_are_served(glacier_mock: GlacierMock, glacier: Any) -> None:
    glacier.create_vault(vaultName="signed")
    url = glacier.generate_presigned_url("describe_vault", Params={"vaultName": "signed"})
    response = requests.get(url, timeout=5)
    assert response.status_code == 200
    assert response.json()["VaultName"] == "signed"


def test_a_users_own_responses_mock_keeps_working(glacier_mock: GlacierMock) -> None:
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, "https://example.com/ping", json={"pong": True})
        assert requests.get("https://example.com/ping", timeout=5).json() == {"pong": True}
        created = requests.put(f"{GLACIER}/-/vaults/both", headers=VERSION, timeout=5)
        assert created.status_code == 201


@responses.activate
def test_responses_started_before_the_mock_keeps_working() -> None:
    responses.add(responses.GET, "https://example.com/ping", json={"pong": True})
    with mock_glacier():
        assert requests.get("https://example.com/ping", timeout=5).json() == {"pong": True}
        assert requests.put(f"{GLACIER}/-/vaults/x", headers=VERSION, timeout=5).status_code == 201
