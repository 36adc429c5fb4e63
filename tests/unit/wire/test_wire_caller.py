"""The caller: region and access key from the SigV4 scope, a presigned URL, or the host."""

from __future__ import annotations

import pytest

from pytest_glacier.wire import Caller, Headers, HttpRequest, caller_of

AUTH = (
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/eu-west-3/glacier/aws4_request, "
    "SignedHeaders=host;x-amz-date;x-amz-glacier-version, Signature=abc123"
)


def request(url: str, **headers: str) -> HttpRequest:
    return HttpRequest("GET", url, Headers(headers))


def test_region_and_key_from_the_authorization_header() -> None:
    caller = caller_of(
        request("https://glacier.us-east-1.amazonaws.com/-/vaults", Authorization=AUTH)
    )

    assert caller == Caller(region="eu-west-3", access_key_id="AKIDEXAMPLE", presigned=False)


def test_authorization_header_name_is_case_insensitive() -> None:
    assert (
        caller_of(request("http://localhost:5000/-/vaults", authorization=AUTH)).region
        == "eu-west-3"
    )


def test_region_from_a_presigned_url() -> None:
    url = (
        "https://glacier.us-east-1.amazonaws.com/-/vaults/v?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=AKIDEXAMPLE%2F20250101%2Fap-south-1%2Fglacier%2Faws4_request"
        "&X-Amz-Date=20250101T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host"
        "&X-Amz-Signature=abc"
    )

    assert caller_of(request(url)) == Caller("ap-south-1", "AKIDEXAMPLE", presigned=True)


def test_a_signature_alone_marks_a_presigned_url() -> None:
    caller = caller_of(
        request("https://glacier.sa-east-1.amazonaws.com/-/vaults?X-Amz-Signature=x")
    )

    assert caller == Caller("sa-east-1", None, presigned=True)


@pytest.mark.parametrize(
    ("host", "region"),
    [
        ("glacier.eu-central-1.amazonaws.com", "eu-central-1"),
        ("glacier-fips.us-gov-west-1.amazonaws.com", "us-gov-west-1"),
        ("glacier.us-east-2.api.aws", "us-east-2"),
        ("glacier.dualstack.us-west-2.amazonaws.com", "us-west-2"),
        ("glacier.cn-north-1.amazonaws.com.cn", "cn-north-1"),
        ("GLACIER.EU-WEST-1.AMAZONAWS.COM", "eu-west-1"),
    ],
)
def test_region_from_the_host(host: str, region: str) -> None:
    assert caller_of(request(f"https://{host}/-/vaults")) == Caller(region, None, presigned=False)


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:5000/-/vaults",
        "https://s3.eu-west-1.amazonaws.com/-/vaults",
        "http://[::1]/",
    ],
)
def test_default_region_when_nothing_says(url: str) -> None:
    assert caller_of(request(url)).region == "us-east-1"


@pytest.mark.parametrize(
    "authorization",
    [
        "AWS4-HMAC-SHA256 Credential=broken, Signature=x",
        "AWS AKID:signature",  # SigV2 carries no region
        "Bearer token",
    ],
)
def test_unusable_authorization_falls_back_to_the_host(authorization: str) -> None:
    url = "https://glacier.eu-north-1.amazonaws.com/-/vaults"

    assert caller_of(request(url, Authorization=authorization)) == Caller("eu-north-1", None, False)


@pytest.mark.parametrize(
    ("url", "region"),
    [
        ("http://127.0.0.1:8080/-/vaults", "us-east-1"),
        ("https://glacier.ap-south-1.amazonaws.com/-/vaults", "ap-south-1"),
    ],
)
def test_a_scope_region_that_is_no_region_gives_way_to_the_host(url: str, region: str) -> None:
    # boto 2 derives the scope from the host name: 127.0.0.1 signs as region "0", service "127".
    authorization = "AWS4-HMAC-SHA256 Credential=AKID/20260101/0/127/aws4_request, Signature=x"

    assert caller_of(request(url, Authorization=authorization)) == Caller(region, "AKID", False)


@pytest.mark.parametrize("region", ["us-gov-west-1", "eu-isoe-west-1", "eusc-de-east-1"])
def test_every_shape_of_region_name_is_one(region: str) -> None:
    authorization = f"AWS4-HMAC-SHA256 Credential=AKID/20260101/{region}/glacier/aws4_request, S=x"

    assert caller_of(request("http://localhost/-/vaults", Authorization=authorization)).region == (
        region
    )
