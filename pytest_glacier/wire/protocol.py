"""The wire layer's facade: decode a request, encode a result or an error.

Transports call :func:`decode` with the canonical :class:`HttpRequest`, hand the operation and
params to the backend, and call :func:`encode_result` or :func:`encode_error` with what came
back. Everything :func:`decode` raises is a :class:`GlacierError` that is the client's fault
(404 for a path no operation serves, 400 for a missing version header or a malformed body, 403
for an upload whose ``x-amz-content-sha256`` does not match its body), so a transport can answer
it with :func:`encode_error` directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.model import OperationModel

from pytest_glacier.backend.errors import GlacierError, MissingParameterValueException
from pytest_glacier.wire.caller import Caller, caller_of
from pytest_glacier.wire.http import HttpRequest
from pytest_glacier.wire.integrity import check_payload_hash
from pytest_glacier.wire.parser import parse_request
from pytest_glacier.wire.router import route
from pytest_glacier.wire.serializer import serialize_error, serialize_result

VERSION_HEADER = "x-amz-glacier-version"


@dataclass
class Decoded:
    """One request, understood: which operation, its input params, and who sent it."""

    operation: OperationModel
    params: dict[str, Any]
    """Input members keyed by model member name (``vaultName``), absent members left out."""
    caller: Caller
    payload_sha256: bytes | None = None
    """The body's SHA-256 when ``x-amz-content-sha256`` was checked (uploads only)."""
    payload_chunk_digests: tuple[bytes, ...] | None = None
    """With it, the SHA-256 of each 1 MiB chunk of the body (its tree hash's leaves)."""


def decode(request: HttpRequest) -> Decoded:
    """Route and parse ``request``; raises :class:`GlacierError` for a request Glacier refuses."""
    operation, labels = route(request.method, request.path, request.query)
    caller = caller_of(request)
    # Presigned URLs (generate_presigned_url) cannot carry the header, and Glacier takes them.
    if VERSION_HEADER not in request.headers and not caller.presigned:
        raise MissingParameterValueException("Required parameter missing: API version")
    params = parse_request(request, operation, labels)
    hashes = check_payload_hash(request, operation.name)
    if hashes is None:
        return Decoded(operation, params, caller)
    return Decoded(operation, params, caller, hashes.sha256, hashes.chunk_digests)


def identify(request: HttpRequest) -> tuple[OperationModel, Caller, dict[str, str]] | None:
    """The operation, caller and URI labels of a request :func:`decode` refused, when known.

    A request can be refused after its route is known (no version header, a body that does not
    parse, a wrong payload hash); it is still a call of that operation, by that caller, and is
    recorded so. None when even the route or the caller cannot be made out.
    """
    try:
        operation, labels = route(request.method, request.path, request.query)
        return operation, caller_of(request), labels
    except GlacierError:
        return None


encode_result = serialize_result
"""The success response for the backend's ``output`` of ``operation`` (its status, headers and
body). The serializer's own function: a wrapper would add a call to every request."""

encode_error = serialize_error
"""The error response for a :class:`GlacierError`: its status and its code, message and type."""
