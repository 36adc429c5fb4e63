"""``x-amz-content-sha256``: the payload hash SigV4 signs for Glacier's two upload operations.

UploadArchive and UploadMultipartPart carry their body's plain SHA-256 in ``x-amz-content-sha256``
(GLACIER_SPEC §1.3). It is part of the signature, not a model member, so the backend never sees
it: it is checked here. A value that is neither ``UNSIGNED-PAYLOAD`` nor the SHA-256 of the bytes
received fails the signature, 403 ``InvalidSignatureException``; a request without the header is
taken as it is (raw REST clients and presigned URLs may omit it).

The SHA-256 computed here is handed on (``Decoded.payload_sha256``): for a body of at most 1 MiB
it *is* the tree hash, so the backend need not hash that body again.
"""

from __future__ import annotations

import hashlib

from pytest_glacier.backend.errors import InvalidSignatureException
from pytest_glacier.wire.http import HttpRequest

CONTENT_SHA256_HEADER = "x-amz-content-sha256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
STREAMING_OPERATIONS = frozenset({"UploadArchive", "UploadMultipartPart"})
"""The operations whose body is an archive or a part, signed through its SHA-256."""


def check_payload_hash(request: HttpRequest, operation: str) -> bytes | None:
    """Check ``x-amz-content-sha256`` of an upload; the body's SHA-256 when it was computed.

    Returns ``None`` for other operations and when there is nothing to check.
    """
    if operation not in STREAMING_OPERATIONS:
        return None
    sent = request.headers.get(CONTENT_SHA256_HEADER)
    if sent is None or sent.strip() == UNSIGNED_PAYLOAD:
        return None
    digest = hashlib.sha256(request.body).digest()
    if sent.strip().lower() != digest.hex():
        # The real text is unknown (GLACIER_SPEC §2.3, UNCONFIRMED).
        raise InvalidSignatureException(
            f"The provided '{CONTENT_SHA256_HEADER}' header does not match what was computed: "
            f"received {sent!r}, but the SHA-256 of the {len(request.body)}-byte payload is "
            f"{digest.hex()}. The header must be the plain SHA-256 (hex) of the exact bytes "
            f"sent (not their tree hash), or {UNSIGNED_PAYLOAD}."
        )
    return digest
