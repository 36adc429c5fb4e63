"""SignatureChecker on canonical requests, signed by botocore as other clients would sign them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any

import pytest
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from freezegun import freeze_time

from pytest_glacier.backend.errors import (
    InvalidSignatureException,
    MissingAuthenticationTokenException,
    UnrecognizedClientException,
)
from pytest_glacier.wire import Headers, HttpRequest
from pytest_glacier.wire.signature import MISMATCH, SignatureChecker

KEY, SECRET = "AKIDEXAMPLE", "secret"
URL = "https://glacier.eu-west-1.amazonaws.com/-/vaults/v/jobs?limit=2&statuscode=Succeeded"
NOW = datetime(2030, 1, 15, 12, 0, tzinfo=timezone.utc)
CHECKER = SignatureChecker({KEY: SECRET})


def as_http(request: AWSRequest, body: bytes = b"") -> HttpRequest:
    return HttpRequest(
        str(request.method), str(request.url), Headers(request.headers.items()), body
    )


def signed(
    signer_class: type[SigV4Auth] = SigV4Auth,
    *,
    method: str = "GET",
    url: str = URL,
    body: bytes = b"",
    secret: str = SECRET,
    headers: dict[str, str] | None = None,
) -> AWSRequest:
    request = AWSRequest(
        method=method,
        url=url,
        data=body,
        headers={"x-amz-glacier-version": "2012-06-01", **(headers or {})},
    )
    with freeze_time(NOW):
        signer_class(Credentials(KEY, secret), "glacier", "eu-west-1").add_auth(request)
    return request


def test_a_botocore_signature_verifies() -> None:
    CHECKER.verify(as_http(signed()), NOW)


def test_a_json_body_is_part_of_the_signature() -> None:
    body = b'{"Tags": {"a": "b"}}'
    request = signed(method="POST", url=URL.partition("?")[0] + "?operation=add", body=body)
    CHECKER.verify(as_http(request, body), NOW)
    with pytest.raises(InvalidSignatureException) as err:
        CHECKER.verify(as_http(request, body.replace(b"b", b"c")), NOW)
    assert err.value.message == MISMATCH


def test_a_date_header_instead_of_x_amz_date() -> None:
    request = signed(headers={"Date": format_datetime(NOW, usegmt=True)})
    assert "X-Amz-Date" not in request.headers
    CHECKER.verify(as_http(request), NOW)


class SignsUserAgent(SigV4Auth):
    """A client that signs a header botocore never signs."""

    def headers_to_sign(self, request: AWSRequest) -> Any:
        headers = super().headers_to_sign(request)
        headers["user-agent"] = request.headers["User-Agent"]
        return headers


def test_headers_are_the_ones_the_client_signed() -> None:
    request = signed(SignsUserAgent, headers={"User-Agent": "other-sdk/1.0"})
    assert "user-agent" in request.headers["Authorization"]
    CHECKER.verify(as_http(request), NOW)
    changed = as_http(request)
    changed.headers["User-Agent"] = "other-sdk/2.0"
    with pytest.raises(InvalidSignatureException):
        CHECKER.verify(changed, NOW)


def test_a_signed_header_that_is_missing_fails() -> None:
    request = as_http(signed())
    del request.headers["x-amz-glacier-version"]
    with pytest.raises(InvalidSignatureException):
        CHECKER.verify(request, NOW)


def test_the_query_string_is_part_of_the_signature() -> None:
    request = as_http(signed())
    request.url = request.url.replace("limit=2", "limit=3")
    with pytest.raises(InvalidSignatureException):
        CHECKER.verify(request, NOW)


def test_the_region_in_the_scope_is_the_one_signed_with() -> None:
    request = as_http(signed())
    request.headers["Authorization"] = request.headers["Authorization"].replace(
        "/eu-west-1/", "/us-east-1/"
    )
    with pytest.raises(InvalidSignatureException):
        CHECKER.verify(request, NOW)


def test_unknown_key_and_missing_authentication() -> None:
    with pytest.raises(UnrecognizedClientException):
        SignatureChecker({}).verify(as_http(signed()), NOW)
    with pytest.raises(MissingAuthenticationTokenException):
        CHECKER.verify(HttpRequest("GET", URL, Headers()), NOW)


def presigned(expires: int = 3600) -> str:
    request = AWSRequest(method="GET", url=URL)
    with freeze_time(NOW):
        SigV4QueryAuth(Credentials(KEY, SECRET), "glacier", "eu-west-1", expires).add_auth(request)
    return str(request.url)


def test_a_presigned_url_verifies_until_it_expires() -> None:
    url = presigned(600)
    CHECKER.verify(HttpRequest("GET", url, Headers()), NOW + timedelta(seconds=600))
    with pytest.raises(InvalidSignatureException, match=r"^Signature expired: "):
        CHECKER.verify(HttpRequest("GET", url, Headers()), NOW + timedelta(seconds=601))


def test_a_presigned_url_may_use_unsigned_payload() -> None:
    # Other SDKs presign with UNSIGNED-PAYLOAD instead of the empty body's hash.
    class UnsignedPayload(SigV4QueryAuth):
        def payload(self, request: AWSRequest) -> str:
            return "UNSIGNED-PAYLOAD"

    request = AWSRequest(method="GET", url=URL)
    with freeze_time(NOW):
        UnsignedPayload(Credentials(KEY, SECRET), "glacier", "eu-west-1").add_auth(request)
    CHECKER.verify(HttpRequest("GET", str(request.url), Headers()), NOW)


def test_a_presigned_url_with_its_signature_parameter_moved_still_verifies() -> None:
    url = presigned()
    base, _, query = url.partition("?")
    pairs = query.split("&")
    reordered = f"{base}?{'&'.join([pairs[-1], *pairs[:-1]])}"
    CHECKER.verify(HttpRequest("GET", reordered, Headers()), NOW)
