"""x-amz-content-sha256 on the two upload operations: checked in decode(), handed on once."""

from __future__ import annotations

import hashlib

import pytest
from glacier_wire_samples import ENDPOINT

from pytest_glacier.backend.errors import InvalidSignatureException
from pytest_glacier.backend.treehash import chunk_digests
from pytest_glacier.wire import Headers, HttpRequest, decode

VERSION = {"x-amz-glacier-version": "2012-06-01"}
BODY = b"archive bytes"
SHA = hashlib.sha256(BODY).hexdigest()
UPLOADS = [
    ("POST", "/-/vaults/v/archives"),
    ("PUT", "/-/vaults/v/multipart-uploads/u"),
]


def request(method: str, path: str, body: bytes = BODY, /, **headers: str) -> HttpRequest:
    return HttpRequest(method, ENDPOINT + path, Headers({**VERSION, **headers}), body)


@pytest.mark.parametrize(("method", "path"), UPLOADS)
def test_a_matching_hash_passes_and_is_handed_on(method: str, path: str) -> None:
    for sent in (SHA, SHA.upper()):
        decoded = decode(request(method, path, **{"X-Amz-Content-SHA256": sent}))
        assert decoded.payload_sha256 == hashlib.sha256(BODY).digest()


@pytest.mark.parametrize("size", [1, 1024 * 1024, 3 * 1024 * 1024 + 5])
def test_the_chunk_digests_are_handed_on_with_it(size: int) -> None:
    # Computed with the SHA-256 (in a helper thread when large): the backend hashes nothing.
    body = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    sent = hashlib.sha256(body).hexdigest()
    decoded = decode(
        request("POST", "/-/vaults/v/archives", body, **{"x-amz-content-sha256": sent})
    )
    assert decoded.payload_sha256 == hashlib.sha256(body).digest()
    assert decoded.payload_chunk_digests == chunk_digests(body)


@pytest.mark.parametrize(("method", "path"), UPLOADS)
def test_absent_or_unsigned_payload_is_not_checked(method: str, path: str) -> None:
    assert decode(request(method, path)).payload_sha256 is None
    unsigned = request(method, path, **{"x-amz-content-sha256": "UNSIGNED-PAYLOAD"})
    assert decode(unsigned).payload_sha256 is None


@pytest.mark.parametrize(("method", "path"), UPLOADS)
@pytest.mark.parametrize("sent", [hashlib.sha256(b"other").hexdigest(), "not-a-hash", ""])
def test_a_hash_that_does_not_match_the_body_fails_the_signature(
    method: str, path: str, sent: str
) -> None:
    with pytest.raises(InvalidSignatureException) as raised:
        decode(request(method, path, **{"x-amz-content-sha256": sent}))
    assert raised.value.status == 403
    assert "does not match what was computed" in raised.value.message
    assert SHA in raised.value.message


def test_other_operations_are_not_hashed() -> None:
    decoded = decode(
        request("POST", "/-/vaults/v/jobs", b"{}", **{"x-amz-content-sha256": "0" * 64})
    )
    assert decoded.payload_sha256 is None
