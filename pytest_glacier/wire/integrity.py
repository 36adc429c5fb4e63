"""``x-amz-content-sha256``: the payload hash SigV4 signs for Glacier's two upload operations.

UploadArchive and UploadMultipartPart carry their body's plain SHA-256 in ``x-amz-content-sha256``
(GLACIER_SPEC §1.3). It is part of the signature, not a model member, so the backend never sees
it: it is checked here. A value that is neither ``UNSIGNED-PAYLOAD`` nor the SHA-256 of the bytes
received fails the signature, 403 ``InvalidSignatureException``; a request without the header is
taken as it is (raw REST clients and presigned URLs may omit it).

What is computed here is handed on (:class:`PayloadHashes`, in ``Decoded``), so the backend
never hashes the body again: with the SHA-256 come the SHA-256 of each 1 MiB chunk, the leaves
of the tree hash the backend checks and keeps. For a body of at most 1 MiB the one leaf *is* the
SHA-256. A larger body needs both, which are two full passes of SHA-256 over it: the chunks are
hashed in a helper thread while this one computes the SHA-256 (``hashlib`` releases the GIL while
it hashes), so checking a large part takes about the time of one pass.
"""

from __future__ import annotations

import hashlib
import threading
from typing import NamedTuple

from pytest_glacier.backend.errors import InvalidSignatureException
from pytest_glacier.backend.treehash import MIB, chunk_digests
from pytest_glacier.wire.http import HttpRequest

CONTENT_SHA256_HEADER = "x-amz-content-sha256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
STREAMING_OPERATIONS = frozenset({"UploadArchive", "UploadMultipartPart"})
"""The operations whose body is an archive or a part, signed through its SHA-256."""


class PayloadHashes(NamedTuple):
    """What checking an upload's body computed, for the backend to use instead of hashing."""

    sha256: bytes
    chunk_digests: tuple[bytes, ...]
    """The SHA-256 of each 1 MiB chunk of the body: the leaves of its tree hash."""


def check_payload_hash(request: HttpRequest, operation: str) -> PayloadHashes | None:
    """Check ``x-amz-content-sha256`` of an upload; what was computed, when it was.

    Returns ``None`` for other operations and when there is nothing to check.
    """
    if operation not in STREAMING_OPERATIONS:
        return None
    sent = request.headers.get(CONTENT_SHA256_HEADER)
    if sent is None or sent.strip() == UNSIGNED_PAYLOAD:
        return None
    digest, leaves = _hash_payload(request.body)
    if sent.strip().lower() != digest.hex():
        # The real text is unknown (GLACIER_SPEC §2.3, UNCONFIRMED).
        raise InvalidSignatureException(
            f"The provided '{CONTENT_SHA256_HEADER}' header does not match what was computed: "
            f"received {sent!r}, but the SHA-256 of the {len(request.body)}-byte payload is "
            f"{digest.hex()}. The header must be the plain SHA-256 (hex) of the exact bytes "
            f"sent (not their tree hash), or {UNSIGNED_PAYLOAD}."
        )
    return PayloadHashes(digest, leaves)


def _hash_payload(body: bytes) -> tuple[bytes, tuple[bytes, ...]]:
    """The SHA-256 of ``body`` and of each of its 1 MiB chunks, the two at once when large."""
    if len(body) <= MIB:
        digest = hashlib.sha256(body).digest()
        return digest, (digest,)
    leaves: list[tuple[bytes, ...]] = []
    helper = threading.Thread(
        target=lambda: leaves.append(chunk_digests(body)), name="pytest-glacier-tree-hash"
    )
    helper.start()
    try:
        digest = hashlib.sha256(body).digest()
    finally:
        helper.join()
    return digest, leaves[0]
