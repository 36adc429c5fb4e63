"""Restoring archives: a whole archive, a byte range of one, and the output in pieces."""

from __future__ import annotations

import hashlib

import boto3

from pytest_glacier import GlacierMock

MiB = 1024 * 1024
TOPIC = "arn:aws:sns:eu-west-1:123456789012:restores"


def test_restore_a_whole_archive(glacier_mock: GlacierMock) -> None:
    client = boto3.client("glacier", region_name="eu-west-1")
    client.create_vault(vaultName="backups")
    archive_id = client.upload_archive(vaultName="backups", body=b"data")["archiveId"]
    job_id = client.initiate_job(
        vaultName="backups",
        jobParameters={"Type": "archive-retrieval", "ArchiveId": archive_id, "SNSTopic": TOPIC},
    )["jobId"]
    assert client.describe_job(vaultName="backups", jobId=job_id)["StatusCode"] == "InProgress"

    glacier_mock.advance(hours=5)  # a Standard retrieval; or: glacier_mock.complete_jobs()

    assert client.get_job_output(vaultName="backups", jobId=job_id)["body"].read() == b"data"
    [notification] = glacier_mock.notifications  # what Glacier would have published to SNS
    assert notification.topic_arn == TOPIC
    assert notification.message["StatusCode"] == "Succeeded"


def test_restore_a_range_and_download_it_in_pieces(glacier_mock: GlacierMock) -> None:
    client = boto3.client("glacier", region_name="eu-west-1")
    client.create_vault(vaultName="backups")
    data = bytes(range(256)) * (4 * MiB // 256)  # 4 MiB
    archive_id = client.upload_archive(vaultName="backups", body=data)["archiveId"]

    # Retrieve the last 2 MiB only: RetrievalByteRange must be megabyte-aligned.
    job_id = client.initiate_job(
        vaultName="backups",
        jobParameters={
            "Type": "archive-retrieval",
            "ArchiveId": archive_id,
            "RetrievalByteRange": f"{2 * MiB}-{4 * MiB - 1}",
            "Tier": "Bulk",
        },
    )["jobId"]
    glacier_mock.advance(hours=12)

    # Download the job's output 1 MiB at a time: the Range is relative to the output.
    piece = client.get_job_output(vaultName="backups", jobId=job_id, range=f"bytes=0-{MiB - 1}")
    assert piece["status"] == 206
    assert piece["contentRange"] == f"bytes 0-{MiB - 1}/{2 * MiB}"
    body = piece["body"].read()
    assert body == data[2 * MiB : 3 * MiB]
    # A tree-hash-aligned piece comes with its tree hash (of one 1 MiB chunk: its SHA-256).
    assert piece["checksum"] == hashlib.sha256(body).hexdigest()
