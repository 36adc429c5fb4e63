"""aiobotocore (and aioboto3-style) clients are served in-process (optional dependency)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from pytest_glacier import GlacierMock, mock_glacier

aiobotocore_session = pytest.importorskip("aiobotocore.session")


async def create_and_list(region: str = "us-east-1") -> tuple[dict[str, Any], list[str]]:
    session = aiobotocore_session.get_session()
    async with session.create_client("glacier", region_name=region) as client:
        created = await client.create_vault(vaultName="async-vault")
        listed = await client.list_vaults()
        return created, [vault["VaultName"] for vault in listed["VaultList"]]


def test_aiobotocore_client_is_served(glacier_mock: GlacierMock) -> None:
    created, names = asyncio.run(create_and_list("eu-west-1"))
    assert created["location"] == "/123456789012/vaults/async-vault"
    assert names == ["async-vault"]
    assert [c.operation for c in glacier_mock.calls] == ["CreateVault", "ListVaults"]
    assert glacier_mock.calls[0].region == "eu-west-1"


def test_async_errors_are_glacier_errors(glacier_mock: GlacierMock) -> None:
    async def describe_missing() -> str:
        session = aiobotocore_session.get_session()
        async with session.create_client("glacier", region_name="us-east-1") as client:
            try:
                await client.describe_vault(vaultName="missing")
            except client.exceptions.ResourceNotFoundException as error:
                return str(error.response["Error"]["Message"])
        return "no error"

    message = asyncio.run(describe_missing())
    assert message.startswith("Vault not found for ARN: arn:aws:glacier:us-east-1:")


def test_decorated_coroutine_with_an_async_client() -> None:
    @mock_glacier
    async def run() -> list[str]:
        return (await create_and_list())[1]

    assert asyncio.run(run()) == ["async-vault"]


def test_non_glacier_requests_pass_through(glacier_mock: GlacierMock) -> None:
    from botocore.config import Config

    async def list_buckets() -> None:
        session = aiobotocore_session.get_session()
        async with session.create_client(
            "s3",
            region_name="us-east-1",
            endpoint_url="http://127.0.0.1:9",
            config=Config(retries={"total_max_attempts": 1}, connect_timeout=1),
        ) as client:
            await client.list_buckets()

    with pytest.raises(Exception, match="Could not connect"):
        asyncio.run(list_buckets())
    assert glacier_mock.calls == []


def test_job_output_streams_with_async_read(glacier_mock: GlacierMock) -> None:
    data = bytes(range(256)) * 8192  # 2 MiB

    async def retrieve() -> tuple[bytes, bytes, str]:
        session = aiobotocore_session.get_session()
        async with session.create_client("glacier", region_name="us-east-1") as client:
            await client.create_vault(vaultName="v")
            archive = await client.upload_archive(vaultName="v", body=data)
            job = await client.initiate_job(
                vaultName="v",
                jobParameters={"Type": "archive-retrieval", "ArchiveId": archive["archiveId"]},
            )
            glacier_mock.complete_jobs()
            whole = await client.get_job_output(vaultName="v", jobId=job["jobId"])
            first = await whole["body"].read(1000)
            rest = await whole["body"].read()
            ranged = await client.get_job_output(
                vaultName="v", jobId=job["jobId"], range="bytes=1048576-2097151"
            )
            return first + rest, await ranged["body"].read(), ranged["contentRange"]

    whole, ranged, content_range = asyncio.run(retrieve())
    assert whole == data
    assert ranged == data[1048576:]
    assert content_range == "bytes 1048576-2097151/2097152"
