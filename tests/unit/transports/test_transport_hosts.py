"""Which hosts and URLs count as Glacier endpoints."""

from __future__ import annotations

import json
from pathlib import Path

import botocore
import pytest

from pytest_glacier.backend.arns import partition_of
from pytest_glacier.transports import is_glacier_host, is_glacier_url
from pytest_glacier.transports.hosts import GLACIER_URL_PATTERN

GLACIER_HOSTS = [
    "glacier.us-east-1.amazonaws.com",
    "glacier.eu-west-1.amazonaws.com",
    "glacier-fips.us-east-1.amazonaws.com",
    "glacier.us-east-1.api.aws",
    "glacier-fips.us-east-1.api.aws",
    "glacier.cn-north-1.amazonaws.com.cn",
    "glacier-fips.cn-northwest-1.amazonaws.com.cn",
    "glacier.cn-north-1.api.amazonwebservices.com.cn",
    "glacier.us-gov-west-1.amazonaws.com",
    "glacier-fips.us-gov-east-1.api.aws",
    "glacier.us-iso-east-1.c2s.ic.gov",
    "glacier.us-iso-east-1.api.aws.ic.gov",
    "glacier.us-isob-east-1.sc2s.sgov.gov",
    "glacier-fips.us-isob-east-1.api.aws.scloud",
    "glacier.eu-isoe-west-1.cloud.adc-e.uk",
    "glacier.us-isof-south-1.csp.hci.ic.gov",
    "glacier.eusc-de-east-1.amazonaws.eu",
    "glacier.eusc-de-east-1.api.amazonwebservices.eu",
    "GLACIER.US-EAST-1.AMAZONAWS.COM",
    "Glacier-Fips.us-west-2.Amazonaws.com",
    "glacier.us-east-1.amazonaws.com:443",
    "glacier.us-east-1.amazonaws.com:8443",
]

OTHER_HOSTS = [
    "s3.us-east-1.amazonaws.com",
    "sts.amazonaws.com",
    "sts.us-east-1.amazonaws.com",
    "localhost",
    "localhost:8080",
    "127.0.0.1",
    "example.com",
    "glacier.example.com",
    "glacier.amazonaws.com",  # no region: not an endpoint botocore produces
    "glacier.us-east-1.amazonaws.com.evil.example",
    "evil-glacier.us-east-1.amazonaws.com",
    "glacierx.us-east-1.amazonaws.com",
    "glacier.us.east.1.amazonaws.com",
    "my.glacier.us-east-1.amazonaws.com",
    "glacier.us-east-1.amazonaws.com:port",
    "",
]


@pytest.mark.parametrize("host", GLACIER_HOSTS)
def test_glacier_hosts_match(host: str) -> None:
    assert is_glacier_host(host)
    assert is_glacier_url(f"https://{host}/-/vaults")
    assert is_glacier_url(f"http://{host}")


@pytest.mark.parametrize("host", OTHER_HOSTS)
def test_other_hosts_do_not_match(host: str) -> None:
    assert not is_glacier_host(host)
    assert not is_glacier_url(f"https://{host}/-/vaults")


@pytest.mark.parametrize(
    "url",
    [
        "https://glacier.us-east-1.amazonaws.com",
        "https://glacier.us-east-1.amazonaws.com/",
        "https://glacier.us-east-1.amazonaws.com?x=1",
        "https://glacier.us-east-1.amazonaws.com/-/vaults/v?X-Amz-Signature=abc",
        "HTTPS://glacier.us-east-1.amazonaws.com/-/vaults",
        "https://user:pw@glacier.us-east-1.amazonaws.com/-/vaults",
    ],
)
def test_glacier_urls_match(url: str) -> None:
    assert is_glacier_url(url)
    assert GLACIER_URL_PATTERN.match(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://s3.us-east-1.amazonaws.com/glacier.us-east-1.amazonaws.com",
        "https://example.com/?next=https://glacier.us-east-1.amazonaws.com/",
        "https://glacier.us-east-1.amazonaws.com.example.com/",
        "https://glacier.us-east-1.amazonaws.com@example.com/",
        "ftp://glacier.us-east-1.amazonaws.com/",
        "glacier.us-east-1.amazonaws.com/-/vaults",
    ],
)
def test_lookalike_urls_do_not_match(url: str) -> None:
    assert not is_glacier_url(url)


def test_a_host_with_a_path_is_not_a_host() -> None:
    assert not is_glacier_host("glacier.us-east-1.amazonaws.com/-/vaults")


def _partitions() -> list[dict[str, object]]:
    path = Path(botocore.__file__).parent / "data" / "partitions.json"
    partitions: list[dict[str, object]] = json.loads(path.read_text())["partitions"]
    return partitions


@pytest.mark.parametrize("partition", _partitions(), ids=lambda p: str(p["id"]))
def test_every_partition_of_the_installed_botocore_is_known(partition: dict[str, object]) -> None:
    """A partition botocore adds later must not be missed silently."""
    outputs = partition["outputs"]
    assert isinstance(outputs, dict)
    region = "xx-test-1"
    for suffix in (outputs["dnsSuffix"], outputs["dualStackDnsSuffix"]):
        for prefix in ("glacier", "glacier-fips"):
            assert is_glacier_host(f"{prefix}.{region}.{suffix}"), (partition["id"], suffix)


@pytest.mark.parametrize("partition", _partitions(), ids=lambda p: str(p["id"]))
def test_every_region_of_the_installed_botocore_has_its_partition(
    partition: dict[str, object],
) -> None:
    regions = partition["regions"]
    assert isinstance(regions, dict)
    for region in regions:
        if region.startswith(("aws-", "fips-")) or region.endswith("-fips"):
            continue  # pseudo-regions, not names of places
        assert partition_of(region) == partition["id"], region
