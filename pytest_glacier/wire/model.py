"""The botocore service model of Amazon Glacier (API 2012-06-01), and each shape's layout.

Everything the wire layer knows about Glacier's HTTP interface (paths, methods, status codes,
which member travels in which header) comes from this model, so nothing here restates it by
hand. It is read with botocore's standard loader (the same search path a client uses) rather
than through a session, so session-level event handlers and customisations play no part.

:func:`layout` precomputes, once per input or output shape, which members travel in the URI,
the query string, headers, the status code, the payload or the JSON body; the parser and the
serializer then only loop over those short tuples."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from botocore.loaders import create_loader
from botocore.model import ServiceModel, Shape, StructureShape

SERVICE_NAME = "glacier"
API_VERSION = "2012-06-01"


@functools.cache
def service_model() -> ServiceModel:
    """Glacier's service model; parsed on first use, then shared (it is read-only)."""
    data = create_loader().load_service_model(SERVICE_NAME, "service-2", api_version=API_VERSION)
    return ServiceModel(data, service_name=SERVICE_NAME)


@dataclass(frozen=True)
class Member:
    """One member of a structure, with the name it travels under on the wire."""

    name: str
    """The model member name, e.g. ``vaultName``: the key in params and outputs."""
    wire: str
    """``serialization['name']`` (URI label, query key, header name or JSON key)."""
    shape: Shape


@dataclass(frozen=True)
class Layout:
    """Where each member of an operation's input or output structure travels (rest-json).

    Computed once per shape so that parsing or serializing a request only loops over short
    tuples instead of re-reading the model's traits.
    """

    uri: tuple[Member, ...] = ()
    querystring: tuple[Member, ...] = ()
    header: tuple[Member, ...] = ()
    status: Member | None = None
    payload: Member | None = None
    """The member named by the structure's ``payload`` trait: it *is* the whole body."""
    body: tuple[Member, ...] = ()
    """Members without a location; together they form one JSON object (no ``payload``)."""


_LOCATIONS = {"uri", "querystring", "header", "statusCode"}


@functools.cache  # one entry per shape of the model
def layout(shape: StructureShape | None) -> Layout:
    """The :class:`Layout` of an input or output shape (``None``: no members at all)."""
    if shape is None:
        return Layout()
    by_location: dict[str | None, list[Member]] = {}
    for member in members(shape):
        location = member.shape.serialization.get("location")
        if location is not None and location not in _LOCATIONS:
            # "headers" (prefix maps) never occurs in Glacier's model; fail loudly if it appears.
            raise ValueError(f"{shape.name}.{member.name}: location {location!r} is not supported")
        by_location.setdefault(location, []).append(member)
    payload_name = shape.serialization.get("payload")
    body = by_location.get(None, [])
    payload = next((m for m in body if m.name == payload_name), None)
    return Layout(
        uri=tuple(by_location.get("uri", ())),
        querystring=tuple(by_location.get("querystring", ())),
        header=tuple(by_location.get("header", ())),
        status=next(iter(by_location.get("statusCode", ())), None),
        payload=payload,
        body=() if payload_name else tuple(body),
    )


@functools.cache  # one entry per shape of the model
def members(shape: StructureShape) -> tuple[Member, ...]:
    """A structure's members in model order, with their wire names."""
    return tuple(
        Member(name, member.serialization.get("name", name), member)
        for name, member in shape.members.items()
    )
