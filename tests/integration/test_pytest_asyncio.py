"""Under pytest-asyncio: an async test with the fixture and an aiobotocore client."""

from __future__ import annotations

import pytest

from pytest_glacier import GlacierMock

pytest.importorskip("pytest_asyncio")
aiobotocore_session = pytest.importorskip("aiobotocore.session")


@pytest.mark.asyncio
async def test_async_test_with_the_fixture(glacier_mock: GlacierMock) -> None:
    session = aiobotocore_session.get_session()
    async with session.create_client("glacier", region_name="us-east-1") as client:
        await client.create_vault(vaultName="asyncio")
        described = await client.describe_vault(vaultName="asyncio")
    assert described["VaultName"] == "asyncio"
    glacier_mock.advance(hours=1)
    assert [call.operation for call in glacier_mock.calls] == ["CreateVault", "DescribeVault"]
