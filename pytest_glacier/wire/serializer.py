"""Turn a backend result or error into an :class:`HttpResponse` (server-side rest-json).

This is botocore's rest-json *parser* run backwards. The operation's output shape says where
each member of the backend's output dict goes:

* ``statusCode``: the HTTP status (GetJobOutput's ``status``: 200, or 206 for a range); when
  the output does not carry it, the operation's ``http.responseCode`` (default 200) is used;
* ``header``: a response header, as text;
* the structure's ``payload`` member is the whole body: the bytes (or a streamed
  :class:`ResponseBody`) of a blob, or the JSON document of a structure;
* otherwise members without a location form one JSON object.

The null rule: a member the output carries with the value ``None`` is written as JSON ``null``;
a member the output does not carry is left out. The backend decides which is right (job
descriptions carry every key, ``null`` where it does not apply, as real Glacier does). An
output key that is not a member of the shape is a backend bug and raises :class:`ValueError`.

Every response carries ``x-amzn-RequestId``, ``Date`` (RFC 1123) and ``Content-Length``; JSON
bodies carry ``Content-Type: application/json``; a response without body content has neither a
body nor a ``Content-Type``. Errors become ``{"code":..., "message":..., "type":...}``.
JSON is compact and ASCII-only (non-ASCII text is ``\\u`` escaped, which every JSON parser reads
back unchanged and which cannot fail on text that is not valid UTF-8).
"""

from __future__ import annotations

import base64
import functools
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Any, cast

from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape

from pytest_glacier.backend.errors import GlacierError
from pytest_glacier.wire.http import Headers, HttpResponse, ResponseBody
from pytest_glacier.wire.model import Member, layout, members

JSON_CONTENT_TYPE = "application/json"
BINARY_CONTENT_TYPE = "application/octet-stream"

Body = bytes | ResponseBody
Converter = Callable[[Shape, Any], Any]
BodyMember = tuple[str, str, Shape, Converter | None]
"""A member of a JSON body: name, wire name, shape, converter (None: JSON as it is)."""


def serialize_result(
    operation: OperationModel, output: Mapping[str, Any], *, request_id: str, date: datetime
) -> HttpResponse:
    """The success response of ``operation`` for the backend's ``output`` dict."""
    plan = _output_plan(operation)
    if not output.keys() <= plan.member_names:
        _check_members(operation.output_shape, output, operation.name)  # raises, naming them
    headers = _common_headers(request_id, date)
    for name, wire, key in plan.headers:
        value = output.get(name)
        if value is not None:
            headers[key] = (wire, value if type(value) is str else header_text(value))
    if plan.payload is not None:
        body, content_type = _payload(plan.payload, output.get(plan.payload.name))
    elif plan.body:
        document = output if plan.body_as_is else _document(plan.body, output)
        body, content_type = _dump(document), JSON_CONTENT_TYPE
    else:
        body, content_type = b"", None
    if content_type is not None and "content-type" not in headers:
        headers["content-type"] = ("Content-Type", content_type)
    length = body.length if isinstance(body, ResponseBody) else len(body)
    headers["content-length"] = ("Content-Length", str(length))
    status = output.get(plan.status) if plan.status is not None else None
    return HttpResponse(
        plan.default_status if status is None else int(status), Headers.keyed(headers), body
    )


@dataclass(frozen=True)
class _OutputPlan:
    """What :func:`serialize_result` needs of one operation's output, read from the model once.

    Serializing is on every request's path: one lookup of this plan replaces walking the
    layout, the shape's traits and the converters each time.
    """

    member_names: frozenset[str]
    default_status: int
    """The operation's ``http.responseCode`` (200 unless the model says otherwise)."""
    status: str | None
    """The member carrying the status code, when the output has one (GetJobOutput)."""
    headers: tuple[tuple[str, str, str], ...]
    """(member name, header name, header name in lower case) of each header member."""
    payload: Member | None
    body: tuple[BodyMember, ...]
    body_as_is: bool
    """Whether the output dict *is* the JSON body: every member is in the body, under its own
    name, with a JSON-ready value (most outputs). It is then encoded without a copy."""


@functools.cache  # one entry per operation of the model
def _output_plan(operation: OperationModel) -> _OutputPlan:
    shape = operation.output_shape
    plan = layout(shape)
    return _OutputPlan(
        member_names=_member_names(shape),
        default_status=int(operation.http.get("responseCode", 200)),
        status=plan.status.name if plan.status is not None else None,
        headers=tuple((m.name, m.wire, m.wire.lower()) for m in plan.header),
        payload=plan.payload,
        body=_converters(shape, body_only=True) if plan.body and shape is not None else (),
        body_as_is=(
            shape is not None
            and bool(plan.body)
            and len(plan.body) == len(shape.members)
            and all(m.wire == m.name and _json_ready(m.shape) for m in plan.body)
        ),
    )


_SCALARS_AS_IS = frozenset({"string", "integer", "long", "boolean", "float", "double"})


@functools.cache  # one entry per shape of the model
def _json_ready(shape: Shape, depth: int = 0) -> bool:
    """Whether a value of ``shape`` is sent as the backend gives it.

    True for text, numbers and booleans, and for lists, maps and structures made only of them
    (structure members under their own names). Timestamps are formatted and blobs base64
    encoded, so neither is. The backend builds its outputs keyed by member names, so such a
    value needs no copy; only the top level is checked for stray keys.
    """
    kind = shape.type_name
    if kind in _SCALARS_AS_IS:
        return True
    if depth > _MAX_DEPTH:
        return False  # a recursive shape (Glacier's model has none): convert it
    if kind == "list":
        return _json_ready(cast("ListShape", shape).member, depth + 1)
    if kind == "map":
        return _json_ready(cast("MapShape", shape).value, depth + 1)
    if kind == "structure":
        return all(
            m.wire == m.name and _json_ready(m.shape, depth + 1)
            for m in members(cast("StructureShape", shape))
        )
    return False


_MAX_DEPTH = 16


def serialize_error(error: GlacierError, *, request_id: str, date: datetime) -> HttpResponse:
    """The error response for ``error``: its status and ``{"code", "message", "type"}``."""
    body = _dump({"code": error.code, "message": error.message, "type": error.fault})
    headers = _common_headers(request_id, date)
    headers["content-type"] = ("Content-Type", JSON_CONTENT_TYPE)
    headers["content-length"] = ("Content-Length", str(len(body)))
    return HttpResponse(error.status, Headers.keyed(headers), body)


# -- status, headers ---------------------------------------------------------------------------


def _common_headers(request_id: str, date: datetime) -> dict[str, tuple[str, str]]:
    """The headers of every response, keyed as :meth:`Headers.keyed` takes them."""
    return {
        "x-amzn-requestid": ("x-amzn-RequestId", request_id),
        "date": ("Date", http_date(date)),
    }


def http_date(date: datetime) -> str:
    """``date`` as an RFC 1123 HTTP date (``Wed, 10 Feb 2017 12:00:00 GMT``)."""
    if date.tzinfo is None:
        raise ValueError(f"the response date must be timezone-aware, got {date!r}")
    return _http_date_of_second(math.floor(date.timestamp()))


@functools.lru_cache(maxsize=64)
def _http_date_of_second(seconds: int) -> str:
    # One formatting per second of time however many responses carry it.
    return format_datetime(datetime.fromtimestamp(seconds, timezone.utc), usegmt=True)


def header_text(value: Any) -> str:
    """A header member's value as header text (rest-json conventions)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return http_date(value)
    return str(value)


# -- body --------------------------------------------------------------------------------------


def _document(body: tuple[BodyMember, ...], output: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON body of an output whose members have no location: the members it carries."""
    return {
        wire: value if convert is None or value is None else convert(shape, value)
        for name, wire, shape, convert in body
        if (value := output.get(name, _ABSENT)) is not _ABSENT
    }


def _payload(member: Member, value: Any) -> tuple[Body, str | None]:
    if member.shape.type_name in ("blob", "string"):
        if isinstance(value, str):
            value = value.encode("utf-8")
        # Keep bytes and streamed bodies as they are: archives can be large.
        body: Body = b"" if value is None else value
        return body, BINARY_CONTENT_TYPE
    if value is None:
        # A structure payload of null would not be a document botocore can parse.
        return b"", None
    return _dump(to_json(member.shape, value)), JSON_CONTENT_TYPE


def _json_encoder() -> Callable[[Any], str]:
    """Compact, ASCII-only JSON text of a document of plain JSON values.

    ``JSONEncoder.encode`` builds a new C encoder for every document; on CPython the C encoder
    is made once here and reused (it keeps no state between documents when circular-reference
    checking is off, which a tree of fresh dicts and lists does not need).
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # no C accelerator (another Python implementation)
        return json.JSONEncoder(separators=(",", ":"), check_circular=False).encode
    # Arguments: markers, default, encoder, indent, key separator, item separator, sort_keys,
    # skipkeys, allow_nan.
    encode = make(
        None, _not_json, json.encoder.encode_basestring_ascii, None, ":", ",", False, False, True
    )

    def encode_document(document: Any) -> str:
        return "".join(encode(document, 0))

    return encode_document


def _not_json(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} is not JSON serializable: {value!r}")


_encode_json = _json_encoder()


def _dump(document: Any) -> bytes:
    return _encode_json(document).encode("ascii")


# -- JSON values, by shape type ------------------------------------------------------------------


def to_json(shape: Shape, value: Any) -> Any:
    """``value`` as a JSON-ready value for ``shape``; ``None`` stays ``None`` (JSON null)."""
    if value is None:
        return None
    convert = _TO_JSON.get(shape.type_name)
    return value if convert is None else convert(shape, value)


def _structure(shape: Shape, value: Any) -> dict[str, Any]:
    structure = cast("StructureShape", shape)
    _check_members(structure, value, structure.name)
    return _document(_converters(structure, body_only=False), value)


def _list(shape: Shape, value: Any) -> list[Any]:
    item_shape = cast("ListShape", shape).member
    return [to_json(item_shape, item) for item in value]


def _map(shape: Shape, value: Any) -> dict[str, Any]:
    value_shape = cast("MapShape", shape).value
    return {str(key): to_json(value_shape, item) for key, item in value.items()}


def _blob(shape: Shape, value: Any) -> str:
    return base64.b64encode(value).decode("ascii")


def _timestamp(shape: Shape, value: Any) -> Any:
    if not isinstance(value, datetime):
        return value
    if shape.serialization.get("timestampFormat") == "iso8601":
        return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    seconds = value.timestamp()  # rest-json bodies default to epoch seconds
    return int(seconds) if seconds.is_integer() else seconds


_TO_JSON: dict[str, Callable[[Shape, Any], Any]] = {
    "structure": _structure,
    "list": _list,
    "map": _map,
    "blob": _blob,
    "timestamp": _timestamp,
}


_ABSENT = object()


@functools.cache  # one entry per shape of the model
def _converters(shape: StructureShape, *, body_only: bool) -> tuple[BodyMember, ...]:
    """Name, wire name, shape and converter (None: JSON as it is) of each member of ``shape``
    (only those of its JSON body, when ``body_only``)."""
    chosen = layout(shape).body if body_only else members(shape)
    return tuple((m.name, m.wire, m.shape, _TO_JSON.get(m.shape.type_name)) for m in chosen)


@functools.cache  # one entry per shape of the model
def _member_names(shape: StructureShape | None) -> frozenset[str]:
    return frozenset(shape.members) if shape is not None else frozenset()


def _check_members(shape: StructureShape | None, value: Mapping[str, Any], where: str) -> None:
    # Backend outputs are keyed by member names; a stray key is a typo that would otherwise
    # vanish silently from the response.
    known = _member_names(shape)
    if value.keys() <= known:
        return
    unknown = value.keys() - known
    if unknown:
        raise ValueError(
            f"{where}: {sorted(unknown)} are not members of the output shape "
            f"{shape.name if shape else '(none)'}; its members are {sorted(known)}"
        )
