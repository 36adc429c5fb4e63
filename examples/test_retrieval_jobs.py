"""The README's "Retrieval jobs and time": a restore, and code that polls with time.sleep."""

from __future__ import annotations

import time

import boto3
import pytest

from pytest_glacier import GlacierMock


def test_restore(glacier_mock: GlacierMock) -> None:
    client = boto3.client("glacier", region_name="eu-west-1")
    client.create_vault(vaultName="backups")
    archive_id = client.upload_archive(vaultName="backups", body=b"data")["archiveId"]
    job_id = client.initiate_job(
        vaultName="backups",
        jobParameters={
            "Type": "archive-retrieval",
            "ArchiveId": archive_id,
            "SNSTopic": "arn:aws:sns:eu-west-1:123456789012:restores",
        },
    )["jobId"]

    glacier_mock.advance(hours=5)  # or: glacier_mock.complete_jobs()
    assert client.get_job_output(vaultName="backups", jobId=job_id)["body"].read() == b"data"
    assert glacier_mock.notifications[0].message["StatusCode"] == "Succeeded"


def wait_for_job(client: object, vault: str, job_id: str) -> None:
    """Code under test: poll every ten minutes until the job is done."""
    describe = getattr(client, "describe_job")  # noqa: B009 (any Glacier client)
    while describe(vaultName=vault, jobId=job_id)["StatusCode"] == "InProgress":
        time.sleep(600)


@pytest.mark.glacier(sleep_advances=True)
def test_code_that_polls(glacier_mock: GlacierMock) -> None:
    client = boto3.client("glacier", region_name="eu-west-1")
    client.create_vault(vaultName="backups")
    glacier_mock.take_inventory()
    job_id = client.initiate_job(
        vaultName="backups", jobParameters={"Type": "inventory-retrieval"}
    )["jobId"]

    wait_for_job(client, "backups", job_id)  # four simulated hours, no real waiting

    inventory = client.get_job_output(vaultName="backups", jobId=job_id)["body"].read()
    assert inventory.startswith(b'{"VaultARN":"arn:aws:glacier:eu-west-1:123456789012:')
