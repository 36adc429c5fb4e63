"""Turn an :class:`HttpRequest` into an operation's input parameters (server-side rest-json).

This is botocore's rest-json *serializer* run backwards. The operation's input shape says where
each member travels (its ``location`` trait):

* ``uri``: a ``{label}`` of the request URI (already percent-decoded by the router);
* ``querystring``: a query parameter;
* ``header``: a request header (looked up case-insensitively, value kept exactly as sent);
* the structure's ``payload`` member is the whole body: raw bytes for a blob (always present
  for a streaming blob, ``b""`` included), or a JSON document for a structure;
* otherwise members without a location are the keys of one JSON object body.

Values are converted by shape type: text from the URI, query and headers becomes ``int``,
``bool`` (``true``/``false``), ``float`` or an aware UTC ``datetime``; JSON values are checked
against the shape (a JSON string for a string member, an integer for a long, ...) and walked
recursively. Results are keyed by model member names (``vaultName``, not ``VaultName``), and
members the request does not carry are left out rather than set to ``None``.

Everything the client got wrong raises :class:`SerializationException` (400) with a message that
says what was received and what was expected. Operations that take no body ignore any body
sent (the JS SDK v2 sends ``{}`` on CreateVault and InitiateMultipartUpload).
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
from collections.abc import Callable
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, cast

from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape

from pytest_glacier.backend.errors import SerializationException
from pytest_glacier.wire.http import HttpRequest
from pytest_glacier.wire.model import Layout, Member, layout, members


def parse_request(
    request: HttpRequest, operation: OperationModel, labels: dict[str, str]
) -> dict[str, Any]:
    """The input parameters of ``operation`` carried by ``request``, keyed by member name."""
    plan = layout(operation.input_shape)
    params: dict[str, Any] = {}
    for member in plan.uri:
        if member.wire in labels:
            params[member.name] = from_text(member, labels[member.wire], "URI label")
    if plan.querystring and request.query:
        _parse_query(plan, request.query, params)
    for member in plan.header:
        value = request.headers.get(member.wire)
        if value is not None:
            params[member.name] = from_text(member, value, "header")
    if plan.payload is not None:
        _parse_payload(plan.payload, request.body, params)
    elif plan.body:
        _parse_body_members(plan.body, request.body, operation.name, params)
    return params


# -- text locations (URI, query string, headers) -----------------------------------------------


def _parse_query(plan: Layout, query: list[tuple[str, str]], params: dict[str, Any]) -> None:
    values: dict[str, list[str]] = {}
    for key, value in query:
        values.setdefault(key, []).append(value)
    for member in plan.querystring:
        found = values.get(member.wire)
        if not found:
            continue
        if isinstance(member.shape, ListShape):
            item = Member(member.name, member.wire, member.shape.member)
            params[member.name] = [from_text(item, v, "query parameter") for v in found]
        else:
            # A repeated scalar parameter: the first occurrence wins.
            params[member.name] = from_text(member, found[0], "query parameter")


def from_text(member: Member, text: str, where: str) -> Any:
    """Convert one URI label, query parameter or header value to the member's type."""
    kind = member.shape.type_name
    if kind == "string":
        return text  # most members: nothing to convert
    try:
        if kind in ("integer", "long"):
            return int(text)
        if kind in ("float", "double"):
            return float(text)
        if kind == "boolean":
            return {"true": True, "false": False}[text.lower()]
        if kind == "timestamp":
            return _parse_time_text(text)
    except (ValueError, KeyError):
        raise SerializationException(
            f"The {where} {member.wire} must be of type {kind}; received {text!r}."
        ) from None
    return text


def _parse_time_text(text: str) -> datetime:
    """Epoch seconds, ISO 8601 or RFC 1123 text as an aware UTC datetime (``ValueError``)."""
    for parse in (_from_epoch, _from_iso8601, parsedate_to_datetime):
        try:
            parsed = parse(text)
        except (ValueError, TypeError, OverflowError, OSError):
            continue  # each parser fails in its own way on text in another format
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=timezone.utc)  # no offset given: UTC, not local time
        return parsed.astimezone(timezone.utc)
    raise ValueError(f"not a timestamp: {text!r}")


def _from_epoch(text: str) -> datetime:
    return datetime.fromtimestamp(float(text), timezone.utc)


def _from_iso8601(text: str) -> datetime:
    # Python 3.10's fromisoformat() does not accept a trailing "Z".
    return datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)


# -- the body ----------------------------------------------------------------------------------


def _parse_payload(member: Member, body: bytes, params: dict[str, Any]) -> None:
    shape = member.shape
    if shape.type_name == "blob":
        if body or shape.serialization.get("streaming"):
            params[member.name] = body
    elif shape.type_name == "string":
        if body:
            params[member.name] = _decode_text(body, member.name)
    else:
        document = _load_json(body, member.name, shape)
        if document is not None:
            params[member.name] = from_json(shape, document, member.name)


def _parse_body_members(
    body_members: tuple[Member, ...], body: bytes, operation: str, params: dict[str, Any]
) -> None:
    document = _load_json(body, f"the {operation} request body", None)
    if document is None:
        return
    if not isinstance(document, dict):
        raise _wrong_type(f"the {operation} request body", "a JSON object", document)
    for member in body_members:
        value = document.get(member.wire)
        if value is not None:
            params[member.name] = from_json(member.shape, value, member.wire)


def _load_json(body: bytes, what: str, shape: Shape | None) -> Any:
    """The parsed JSON body, or ``None`` when there is none (empty or ``null``)."""
    if not body.strip():
        return None
    try:
        return _parse_json(body)
    except (ValueError, RecursionError) as error:  # RecursionError: absurdly deep nesting
        expected = f"a JSON object ({shape.name})" if shape is not None else "a JSON object"
        preview = body[:80] + (b"..." if len(body) > 80 else b"")
        raise SerializationException(
            f"Could not parse {what} as JSON ({error}): expected {expected}, "
            f"received {len(body)} bytes: {preview!r}."
        ) from None


_DECODER = json.JSONDecoder()


def _parse_json(body: bytes) -> Any:
    """``json.loads(body)``, with one decoder for every request.

    UTF-8 text (what every SDK sends) goes straight to the decoder; anything else (a UTF-16 or
    UTF-32 body, or bytes that are not UTF-8) takes ``json.loads``, which detects the encoding
    and explains what is wrong.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return json.loads(body)
    if text.startswith("\ufeff"):
        return json.loads(body)  # a UTF-8 byte order mark, which json.loads skips
    return _DECODER.decode(text)


def _decode_text(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise SerializationException(
            f"{what} must be UTF-8 text; received {body[:80]!r}."
        ) from None


# -- JSON values, by shape type ------------------------------------------------------------------


def from_json(shape: Shape, value: Any, where: str) -> Any:
    """Check a decoded JSON value against ``shape`` and convert it; ``where`` names it in errors."""
    return _FROM_JSON.get(shape.type_name, _as_is)(shape, value, where)


def _structure(shape: Shape, value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _wrong_type(where, "a JSON object", value)
    # The document's keys, not the shape's members, are walked: a request sends few of them.
    # Keys that are not members of the shape are ignored.
    by_wire = _members_by_wire(cast("StructureShape", shape))
    return {
        m.name: _plain_text(m.shape, item) or from_json(m.shape, item, f"{where}.{m.wire}")
        for key, item in value.items()
        if item is not None and (m := by_wire.get(key)) is not None
    }


@functools.cache  # one entry per structure shape of the model
def _members_by_wire(shape: StructureShape) -> dict[str, Member]:
    return {m.wire: m for m in members(shape)}


def _list(shape: Shape, value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise _wrong_type(where, "a JSON array", value)
    item_shape = cast("ListShape", shape).member
    return [
        None
        if item is None
        else _plain_text(item_shape, item) or from_json(item_shape, item, f"{where}[{index}]")
        for index, item in enumerate(value)
    ]


def _map(shape: Shape, value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _wrong_type(where, "a JSON object", value)
    value_shape = cast("MapShape", shape).value
    return {
        key: None
        if item is None
        else _plain_text(value_shape, item) or from_json(value_shape, item, f"{where}.{key}")
        for key, item in value.items()
    }


def _plain_text(shape: Shape, value: Any) -> str | None:
    """``value`` when it is non-empty ASCII text for a string member: valid as it is.

    Most members are such text; taking them here saves spelling out where each one sits in the
    document, which only an error message needs. Anything else (``None``) is checked in full.
    """
    if type(value) is str and value and value.isascii() and shape.type_name == "string":
        return value
    return None


def _string(shape: Shape, value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise _wrong_type(where, "a JSON string", value)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # "\ud800": valid JSON syntax, but no Unicode text
        raise SerializationException(
            f"Expected Unicode text for {where}, received a string with a lone surrogate "
            f"escape: {value[:80]!r}."
        ) from None
    return value


def _integer(shape: Shape, value: Any, where: str) -> int:
    # bool is an int subclass in Python, but true is not a number in JSON.
    if not isinstance(value, int) or isinstance(value, bool):
        raise _wrong_type(where, "a JSON integer", value)
    return value


def _number(shape: Shape, value: Any, where: str) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise _wrong_type(where, "a JSON number", value)
    return float(value)


def _boolean(shape: Shape, value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise _wrong_type(where, "a JSON boolean", value)
    return value


def _blob(shape: Shape, value: Any, where: str) -> bytes:
    if not isinstance(value, str):
        raise _wrong_type(where, "a base64 JSON string", value)
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error:
        raise SerializationException(
            f"Expected base64 data for {where}, received {value[:80]!r}."
        ) from None


def _timestamp(shape: Shape, value: Any, where: str) -> datetime:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _wrong_type(where, "a timestamp (epoch seconds or ISO 8601)", value)
    try:
        return _parse_time_text(str(value))
    except ValueError:
        raise SerializationException(
            f"Expected a timestamp for {where}, received {value!r}."
        ) from None


def _as_is(shape: Shape, value: Any, where: str) -> Any:
    return value


_FROM_JSON: dict[str, Callable[[Shape, Any, str], Any]] = {
    "structure": _structure,
    "list": _list,
    "map": _map,
    "string": _string,
    "integer": _integer,
    "long": _integer,
    "float": _number,
    "double": _number,
    "boolean": _boolean,
    "blob": _blob,
    "timestamp": _timestamp,
}


def _wrong_type(where: str, expected: str, value: Any) -> SerializationException:
    return SerializationException(f"Expected {expected} for {where}, received {_json_kind(value)}.")


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"the JSON boolean {json.dumps(value)}"
    if isinstance(value, (int, float)):
        return f"the JSON number {value!r}"
    if isinstance(value, str):
        return f"the JSON string {value[:80]!r}"
    if isinstance(value, list):
        return f"a JSON array of {len(value)} items"
    if isinstance(value, dict):
        return "a JSON object"
    return "JSON null"
