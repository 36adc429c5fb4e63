"""While a mock is active, no Glacier request reaches the network.

Name resolution and socket connects are trapped for the whole test: ``socket.getaddrinfo``,
``socket.create_connection`` and ``socket.socket.connect`` / ``connect_ex`` record what they are
asked and refuse anything that is not loopback, loudly. Then every Glacier path is driven:
botocore clients of every region of every partition, FIPS and dual-stack endpoints, a custom
``endpoint_url``, a boto3 resource, streaming uploads and downloads, ``requests`` raw and
presigned, methods ``requests`` would otherwise pass on, and aiobotocore. Not one lookup or
connect may name a Glacier host. A control run without the mock shows the trap does catch a
Glacier request that escapes.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError

from pytest_glacier import GlacierMock, mock_glacier
from pytest_glacier.transports import is_glacier_host

NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=2)
LOOPBACK = ("127.0.0.1", "::1", "localhost")
HEADERS = {"x-amz-glacier-version": "2012-06-01"}


class Escape(OSError):
    """A connection the test forbids."""


class NetworkTrap:
    """Records every name lookup and connect; lets only loopback through."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.lookups: list[str] = []
        self.connects: list[str] = []
        real_getaddrinfo = socket.getaddrinfo
        real_connect = socket.socket.connect
        real_connect_ex = socket.socket.connect_ex
        real_create_connection = socket.create_connection

        def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            name = host.decode() if isinstance(host, bytes) else str(host)
            self.lookups.append(name)
            if name not in LOOPBACK:
                raise Escape(f"name lookup of {name} while the network is trapped")
            return real_getaddrinfo(host, *args, **kwargs)

        def allowed(address: Any) -> bool:
            return isinstance(address, tuple) and str(address[0]) in LOOPBACK

        def connect(sock: socket.socket, address: Any) -> None:
            self.connects.append(repr(address))
            if not allowed(address):
                raise Escape(f"connect to {address!r} while the network is trapped")
            real_connect(sock, address)

        def connect_ex(sock: socket.socket, address: Any) -> int:
            self.connects.append(repr(address))
            if not allowed(address):
                raise Escape(f"connect to {address!r} while the network is trapped")
            return real_connect_ex(sock, address)

        def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
            self.connects.append(repr(address))
            if not allowed(address):
                raise Escape(f"connection to {address!r} while the network is trapped")
            return real_create_connection(address, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        monkeypatch.setattr(socket.socket, "connect", connect)
        monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
        monkeypatch.setattr(socket, "create_connection", create_connection)

    def glacier_lookups(self) -> list[str]:
        return [host for host in self.lookups if is_glacier_host(host)]

    def foreign(self) -> list[str]:
        return [h for h in self.lookups if h not in LOOPBACK] + [
            c for c in self.connects if not any(loopback in c for loopback in LOOPBACK)
        ]


aiobotocore_session: Any = pytest.importorskip("aiobotocore.session")


@pytest.fixture
def trap(monkeypatch: pytest.MonkeyPatch) -> NetworkTrap:
    return NetworkTrap(monkeypatch)


def every_region() -> list[str]:
    session = boto3.session.Session()
    return [
        region
        for partition in session.get_available_partitions()
        for region in session.get_available_regions("glacier", partition_name=partition)
    ]


def test_the_trap_catches_a_glacier_request_that_escapes(trap: NetworkTrap) -> None:
    """Control: without a mock, a Glacier call does try the network, and the trap sees it."""
    client = boto3.client(
        "glacier",
        region_name="eu-west-1",
        aws_access_key_id="a",
        aws_secret_access_key="b",
        config=NO_RETRIES,
    )
    with pytest.raises(EndpointConnectionError):
        client.list_vaults()
    with pytest.raises(requests.ConnectionError):
        requests.get("https://glacier.eu-west-1.amazonaws.com/-/vaults", timeout=2)
    assert trap.glacier_lookups() == ["glacier.eu-west-1.amazonaws.com"] * 2


def test_no_glacier_request_reaches_the_network(
    glacier_mock: GlacierMock, trap: NetworkTrap
) -> None:
    regions = every_region()
    assert len(regions) > 20
    for region in regions:
        client = boto3.client("glacier", region_name=region, config=NO_RETRIES)
        client.create_vault(vaultName="v")
        assert [v["VaultName"] for v in client.list_vaults()["VaultList"]] == ["v"]

    variants: list[tuple[str, Config]] = [
        ("us-east-1", NO_RETRIES.merge(Config(use_fips_endpoint=True))),
        ("us-gov-west-1", NO_RETRIES.merge(Config(use_fips_endpoint=True))),
        ("ca-central-1", NO_RETRIES.merge(Config(use_fips_endpoint=True))),
        ("us-east-1", NO_RETRIES.merge(Config(use_dualstack_endpoint=True))),
        ("eu-west-1", NO_RETRIES.merge(Config(use_dualstack_endpoint=True))),
        ("cn-north-1", NO_RETRIES.merge(Config(use_dualstack_endpoint=True))),
        (
            "us-east-1",
            NO_RETRIES.merge(Config(use_dualstack_endpoint=True, use_fips_endpoint=True)),
        ),
    ]
    for region, config in variants:
        client = boto3.client("glacier", region_name=region, config=config)
        client.create_vault(vaultName="variant")
        client.describe_vault(vaultName="variant")

    custom = boto3.client(
        "glacier",
        region_name="eu-west-1",
        endpoint_url="https://glacier.eu-west-1.amazonaws.com",
        config=NO_RETRIES,
    )
    custom.list_vaults()

    resource = boto3.resource("glacier", region_name="us-east-1")
    vault = resource.Vault("-", "resource-vault")
    vault.create()
    archive = vault.upload_archive(archiveDescription="x", body=b"streamed bytes")

    client = boto3.client("glacier", region_name="us-east-1", config=NO_RETRIES)
    job_id = client.initiate_job(
        vaultName="resource-vault",
        jobParameters={"Type": "archive-retrieval", "ArchiveId": archive.id},
    )["jobId"]
    glacier_mock.complete_jobs()
    body = client.get_job_output(vaultName="resource-vault", jobId=job_id)["body"]
    assert body.read() == b"streamed bytes"
    upload_id = client.initiate_multipart_upload(vaultName="resource-vault", partSize="1048576")[
        "uploadId"
    ]
    client.upload_multipart_part(
        vaultName="resource-vault", uploadId=upload_id, range="bytes 0-2/*", body=b"abc"
    )

    raw = requests.get(
        "https://glacier.us-east-1.amazonaws.com/-/vaults", headers=HEADERS, timeout=5
    )
    assert raw.status_code == 200
    presigned = client.generate_presigned_url(
        "describe_vault", Params={"accountId": "-", "vaultName": "resource-vault"}
    )
    assert requests.get(presigned, timeout=5).status_code == 200
    for method in ("HEAD", "PATCH", "OPTIONS", "TRACE", "FOO"):
        answer = requests.request(
            method, "https://glacier-fips.us-east-1.amazonaws.com/-/vaults", timeout=5
        )
        assert answer.status_code in (400, 404)

    async def aio() -> list[str]:
        session = aiobotocore_session.get_session()
        async with session.create_client("glacier", region_name="ap-south-1") as aio_client:
            await aio_client.create_vault(vaultName="aio")
            listed = await aio_client.list_vaults()
            return [v["VaultName"] for v in listed["VaultList"]]

    assert asyncio.run(aio()) == ["aio", "v"]

    assert trap.glacier_lookups() == []
    assert trap.foreign() == []


def test_no_glacier_request_escapes_a_decorated_function(trap: NetworkTrap) -> None:
    @mock_glacier
    def code_under_test() -> None:
        boto3.client("glacier", region_name="sa-east-1", config=NO_RETRIES).create_vault(
            vaultName="v"
        )
        requests.put(
            "https://glacier.sa-east-1.amazonaws.com/-/vaults/w", headers=HEADERS, timeout=5
        )

    code_under_test()
    assert trap.foreign() == []
