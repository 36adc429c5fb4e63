"""Helpers for the wire tests: sample values walked from shapes, and botocore on the other end.

The tests never hand-write a request or a response for an operation: inputs and outputs are
generated from the model, botocore's own serializer builds the request a real client would
send, and botocore's own parser reads our responses the way a real client would.
"""

from __future__ import annotations

import io
from datetime import datetime, timezone
from typing import Any

from botocore.awsrequest import HeadersDict, create_request_object, prepare_request_dict
from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape
from botocore.parsers import create_parser
from botocore.response import StreamingBody
from botocore.serialize import create_serializer

from pytest_glacier.wire import Headers, HttpRequest, HttpResponse

ENDPOINT = "https://glacier.us-east-1.amazonaws.com"
REQUEST_ID = "AAABZpJrTyioDC_HsOmHae8EZp_uBSJr6cnGOLKp_XJCl-Q"
DATE = datetime(2017, 2, 10, 12, 0, 0, tzinfo=timezone.utc)
ARCHIVE_BYTES = b"archive bytes \x00\xff\n" * 3

# Realistic text for members whose name says what they hold; anything else gets "<name>-sample".
_STRINGS = {
    "accountId": "-",
    "vaultName": "example-vault_1.0",
    "uploadId": "OW2fM5iVylEpFEMM9_HpKowRapC3vn5sSL39_396UW9zLFUWVrnRHaPjUJddQ5OxSHVXjYt",
    "jobId": "HkF9p6o7yjhFx-K3CGl6fuSm6VzW9T7esGQfco8nUXVYwS0jlb5gq1JZ55yHgt5vP54ZShjo",
    "archiveId": "-NkbByEejwEggmBz2fTHgJrg0XBoDfjP4q6iu87-TjhqG6eGoOY9Z8i1_AUyUsuhPAdTqLHy8p",
    "lockId": "AE863rKkWZU53SLW5be4DUcW",
    "limit": "10",
    "partSize": "1048576",
    "archiveSize": "3145728",
    "checksum": "beb0fe31a1c7ca8c6c04d574ea906e3f97b31fdca7571defb5b44dca89b5af60",
    "range": "bytes 0-1048575/*",
    "contentType": "application/octet-stream",
    "archiveDescription": "my archive: 2024/01 (final)",
}


def sample(shape: Shape, name: str = "", depth: int = 0) -> Any:
    """A representative value for ``shape``: every member filled, two items per list/map."""
    if isinstance(shape, StructureShape):
        return {
            member: sample(member_shape, member, depth + 1)
            for member, member_shape in shape.members.items()
            if member_shape.serialization.get("location") != "statusCode"
        }
    if isinstance(shape, ListShape):
        return [sample(shape.member, name, depth + 1) for _ in range(2)]
    if isinstance(shape, MapShape):
        return {f"key{i}": sample(shape.value, name, depth + 1) for i in (1, 2)}
    return _scalar(shape, name)


def _scalar(shape: Shape, name: str) -> Any:
    kind = shape.type_name
    if kind == "string":
        enum = getattr(shape, "enum", None)
        return enum[0] if enum else _STRINGS.get(name, f"{name}-sample")
    if kind == "integer":
        return 42
    if kind == "long":
        return 2**40 + 7
    if kind == "boolean":
        return True
    if kind in ("float", "double"):
        return 1.5
    if kind == "blob":
        return ARCHIVE_BYTES if shape.serialization.get("streaming") else b"blob\x00"
    if kind == "timestamp":
        return DATE
    raise AssertionError(f"no sample for shape type {kind}")


def sample_input(operation: OperationModel) -> dict[str, Any]:
    shape = operation.input_shape
    return {} if shape is None else dict(sample(shape))


def sample_output(operation: OperationModel) -> dict[str, Any]:
    shape = operation.output_shape
    if shape is None:
        return {}
    output = dict(sample(shape))
    for member, member_shape in shape.members.items():
        if member_shape.serialization.get("location") == "statusCode":
            output[member] = 206  # GetJobOutput of a range: must win over http.responseCode
    return output


# -- botocore as the client ----------------------------------------------------------------------


def botocore_request(
    operation: OperationModel, params: dict[str, Any], *, version_header: bool = True
) -> HttpRequest:
    """The request botocore would send for ``params`` (unsigned), as an :class:`HttpRequest`.

    botocore's client adds ``x-amz-glacier-version`` in an event handler, not in the
    serializer, so it is added here.
    """
    serializer = create_serializer("rest-json", include_validation=False)
    request_dict = serializer.serialize_to_request(params, operation)
    if version_header:
        request_dict["headers"]["x-amz-glacier-version"] = operation.service_model.api_version
    prepare_request_dict(request_dict, endpoint_url=ENDPOINT)
    prepared = create_request_object(request_dict).prepare()
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    assert isinstance(body, bytes)
    return HttpRequest(prepared.method, prepared.url, Headers(prepared.headers.items()), body)


def botocore_parse(operation: OperationModel, response: HttpResponse) -> dict[str, Any]:
    """What botocore's client returns for ``response`` (as ``convert_to_response_dict`` does)."""
    raw = response.read_body()
    body: bytes | StreamingBody = raw
    if operation.has_streaming_output and response.status < 300:
        body = StreamingBody(io.BytesIO(raw), len(raw))
    response_dict = {
        "status_code": response.status,
        "headers": HeadersDict(dict(response.headers.items())),
        "body": body,
    }
    parser = create_parser("rest-json")
    # botocore's stubs say Shape, but the parser takes None for operations without output.
    parsed: dict[str, Any] = parser.parse(response_dict, operation.output_shape)  # type: ignore[arg-type]
    return parsed
