"""Inventory retrieval through boto3: the vault's daily snapshot as JSON or CSV (§5.4-5.6)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError

from pytest_glacier import GlacierMock

ACCOUNT = "123456789012"
ARN = f"arn:aws:glacier:us-east-1:{ACCOUNT}:vaults/v"
GLACIER = "https://glacier.us-east-1.amazonaws.com"
VERSION = {"x-amz-glacier-version": "2012-06-01"}
START = "2030-03-14T15:09:26Z"


def inventory_job(client: Any, **params: Any) -> str:
    job_id: str = client.initiate_job(
        vaultName="v", jobParameters={"Type": "inventory-retrieval", **params}
    )["jobId"]
    return job_id


def read_output(client: Any, job_id: str) -> tuple[str, bytes]:
    result = client.get_job_output(vaultName="v", jobId=job_id)
    return result["contentType"], result["body"].read()


@pytest.fixture
def vault(no_retry_glacier: Any) -> str:
    no_retry_glacier.create_vault(vaultName="v")
    return "v"


def test_refused_before_the_first_inventory(no_retry_glacier: Any, vault: str) -> None:
    no_retry_glacier.upload_archive(vaultName="v", body=b"data")
    with pytest.raises(ClientError) as excinfo:
        inventory_job(no_retry_glacier)
    response = excinfo.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert response["Error"]["Code"] == "ResourceNotFoundException"
    assert response["Error"]["Message"] == (
        f"Inventory retrieval jobs for vault {ARN} cannot be initiated yet, as Amazon Glacier "
        f"has not yet generated an initial inventory for this vault."
    )


@pytest.mark.glacier(start_time=START)
def test_inventory_after_a_day_as_json(
    glacier_mock: GlacierMock, no_retry_glacier: Any, vault: str
) -> None:
    first = no_retry_glacier.upload_archive(
        vaultName="v", body=b"first", archiveDescription="the first"
    )
    glacier_mock.advance(days=1)  # the inventory of 2030-03-15 00:00 UTC
    second = no_retry_glacier.upload_archive(vaultName="v", body=b"second")  # after it
    job_id = inventory_job(no_retry_glacier, Description="inventory")
    glacier_mock.advance(hours=4)

    job = no_retry_glacier.describe_job(vaultName="v", jobId=job_id)
    assert job["Action"] == "InventoryRetrieval"
    assert job["StatusCode"] == "Succeeded"
    assert job["InventoryRetrievalParameters"] == {"Format": "JSON"}
    assert "ArchiveId" not in job
    content_type, body = read_output(no_retry_glacier, job_id)
    assert content_type == "application/json"
    assert job["InventorySizeInBytes"] == len(body)
    created = datetime.fromisoformat(START[:-1]).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert (
        body
        == (
            f'{{"VaultARN":"{ARN}","InventoryDate":"2030-03-15T00:00:00Z","ArchiveList":['
            f'{{"ArchiveId":"{first["archiveId"]}","ArchiveDescription":"the first",'
            f'"CreationDate":"{created}","Size":5,'
            f'"SHA256TreeHash":"{first["checksum"]}"}}]}}'
        ).encode()
    )
    assert second["archiveId"] not in body.decode()


def test_inventory_as_csv(glacier_mock: GlacierMock, no_retry_glacier: Any, vault: str) -> None:
    upload = no_retry_glacier.upload_archive(
        vaultName="v", body=b"csv", archiveDescription='quote " and, comma'
    )
    glacier_mock.take_inventory("v")
    job_id = inventory_job(no_retry_glacier, Format="CSV")
    glacier_mock.complete_jobs()
    content_type, body = read_output(no_retry_glacier, job_id)
    assert content_type == "text/csv"
    header, row, end = body.decode().split("\n")
    assert header == "ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash"
    assert row.startswith(f'{upload["archiveId"]},"quote \\" and, comma",')
    assert row.endswith(f",3,{upload['checksum']}")
    assert end == ""


def test_the_raw_content_type_is_exactly_application_json(
    glacier_mock: GlacierMock, no_retry_glacier: Any, vault: str
) -> None:
    glacier_mock.take_inventory("v")
    job_id = inventory_job(no_retry_glacier)
    glacier_mock.complete_jobs()
    response = requests.get(
        f"{GLACIER}/-/vaults/v/jobs/{job_id}/output", headers=VERSION, timeout=5
    )
    assert response.headers["Content-Type"] == "application/json"
    assert "x-amz-sha256-tree-hash" not in response.headers
    assert response.json()["ArchiveList"] == []


def test_paging_an_inventory_with_limit_and_marker(
    glacier_mock: GlacierMock, no_retry_glacier: Any, vault: str
) -> None:
    uploaded = []
    for n in range(5):
        uploaded.append(no_retry_glacier.upload_archive(vaultName="v", body=b"%d" % n)["archiveId"])
        glacier_mock.advance(seconds=2)
    glacier_mock.advance(days=1)
    seen: list[str] = []
    parameters: dict[str, str] = {"Limit": "2"}
    while True:
        job_id = inventory_job(no_retry_glacier, InventoryRetrievalParameters=parameters)
        glacier_mock.complete_jobs()
        _, body = read_output(no_retry_glacier, job_id)
        seen.extend(item["ArchiveId"] for item in json.loads(body)["ArchiveList"])
        job = no_retry_glacier.describe_job(vaultName="v", jobId=job_id)
        marker = job["InventoryRetrievalParameters"].get("Marker")
        if marker is None:
            break
        assert set(marker) <= set(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
        )
        parameters = {"Limit": "2", "Marker": marker}
    assert seen == uploaded


@pytest.mark.glacier(inventory="immediate")
def test_inventory_date_range(glacier_mock: GlacierMock, no_retry_glacier: Any, vault: str) -> None:
    old = no_retry_glacier.upload_archive(vaultName="v", body=b"old")["archiveId"]
    glacier_mock.advance(hours=1)
    split = glacier_mock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    new = no_retry_glacier.upload_archive(vaultName="v", body=b"new")["archiveId"]
    later = (glacier_mock.now() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    before = inventory_job(no_retry_glacier, InventoryRetrievalParameters={"EndDate": split})
    after = inventory_job(
        no_retry_glacier, InventoryRetrievalParameters={"StartDate": split, "EndDate": later}
    )
    glacier_mock.complete_jobs()
    assert [
        a["ArchiveId"] for a in json.loads(read_output(no_retry_glacier, before)[1])["ArchiveList"]
    ] == [old]
    assert [
        a["ArchiveId"] for a in json.loads(read_output(no_retry_glacier, after)[1])["ArchiveList"]
    ] == [new]
    job = no_retry_glacier.describe_job(vaultName="v", jobId=after)
    assert job["InventoryRetrievalParameters"] == {
        "Format": "JSON",
        "StartDate": split,
        "EndDate": later,
    }


@pytest.mark.parametrize(
    "params",
    [
        {"Format": "XML"},
        {"InventoryRetrievalParameters": {"Limit": "0"}},
        {"InventoryRetrievalParameters": {"StartDate": "last week"}},
        {"InventoryRetrievalParameters": {"Marker": "bogus marker"}},
        {"ArchiveId": "some-archive"},
        {"RetrievalByteRange": "0-1048575"},
    ],
)
def test_invalid_inventory_parameters(
    glacier_mock: GlacierMock, no_retry_glacier: Any, vault: str, params: dict[str, Any]
) -> None:
    glacier_mock.take_inventory("v")
    with pytest.raises(ClientError) as excinfo:
        inventory_job(no_retry_glacier, **params)
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterValueException"


def test_an_inventory_range_of_the_output(
    glacier_mock: GlacierMock, no_retry_glacier: Any, vault: str
) -> None:
    glacier_mock.take_inventory("v")
    job_id = inventory_job(no_retry_glacier)
    glacier_mock.complete_jobs()
    whole = read_output(no_retry_glacier, job_id)[1]
    part = no_retry_glacier.get_job_output(vaultName="v", jobId=job_id, range="bytes=0-9")
    assert part["status"] == 206
    assert part["contentRange"] == f"bytes 0-9/{len(whole)}"
    assert part["body"].read() == whole[:10]
    assert "checksum" not in part


def test_inventory_dates_are_utc_seconds(glacier_mock: GlacierMock, glacier: Any) -> None:
    glacier.create_vault(vaultName="v")
    glacier.upload_archive(vaultName="v", body=b"x")
    glacier_mock.take_inventory()
    job_id = inventory_job(glacier)
    glacier_mock.complete_jobs()
    document = json.loads(read_output(glacier, job_id)[1])
    stamp = document["ArchiveList"][0]["CreationDate"]
    parsed = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    assert abs(parsed - glacier_mock.now()) < timedelta(seconds=5)
