"""Shape types Glacier's model does not use yet (integers in headers, timestamps, blobs in JSON).

Glacier types almost everything as strings, so the per-operation round trips never exercise
most conversions. This synthetic rest-json model has one member of each type in each location;
botocore serializes and parses it on the other end, as for the real model.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from botocore.model import OperationModel, ServiceModel
from glacier_wire_samples import DATE, botocore_parse, botocore_request

from pytest_glacier.backend.errors import SerializationException
from pytest_glacier.wire import Headers, HttpRequest
from pytest_glacier.wire.model import layout
from pytest_glacier.wire.parser import parse_request
from pytest_glacier.wire.serializer import serialize_result

SCALARS = {
    "Str": "String",
    "Int": "Integer",
    "Lng": "Long",
    "Bool": "Boolean",
    "Dbl": "Double",
    "Time": "Timestamp",
}


def _members(location: str | None, prefix: str) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, shape in SCALARS.items():
        member: dict[str, Any] = {"shape": shape}
        if location is not None:
            member.update(location=location, locationName=f"{prefix}{name.lower()}")
        result[f"{prefix}{name}"] = member
    return result


MODEL = {
    "version": "2.0",
    "metadata": {
        "apiVersion": "2020-01-01",
        "endpointPrefix": "synthetic",
        "protocol": "rest-json",
        "serviceId": "Synthetic",
        "signatureVersion": "v4",
    },
    "operations": {
        "Everything": {
            "name": "Everything",
            "http": {"method": "POST", "requestUri": "/things/{Id}", "responseCode": 200},
            "input": {"shape": "EverythingInput"},
            "output": {"shape": "EverythingOutput"},
        },
        "Text": {
            "name": "Text",
            "http": {"method": "PUT", "requestUri": "/text"},
            "input": {"shape": "TextInput"},
        },
    },
    "shapes": {
        "EverythingInput": {
            "type": "structure",
            "required": ["Id"],
            "members": {
                "Id": {"shape": "Integer", "location": "uri", "locationName": "Id"},
                **_members("querystring", "q"),
                **_members("header", "x-h-"),
                "QList": {"shape": "Strings", "location": "querystring", "locationName": "each"},
                **_members(None, "b"),
                "BBlob": {"shape": "Blob", "locationName": "blob"},
                "BItems": {"shape": "Items"},
                "BMap": {"shape": "IntMap"},
            },
        },
        "EverythingOutput": {
            "type": "structure",
            "members": {
                **_members("header", "x-o-"),
                **_members(None, "o"),
                "OIso": {"shape": "IsoTimestamp"},
                "OBlob": {"shape": "Blob", "locationName": "blob"},
                "OItems": {"shape": "Items"},
            },
        },
        "TextInput": {
            "type": "structure",
            "members": {"Text": {"shape": "String"}},
            "payload": "Text",
        },
        "Item": {
            "type": "structure",
            "members": {"Name": {"shape": "String", "locationName": "n"}},
        },
        "Items": {"type": "list", "member": {"shape": "Item"}},
        "Strings": {"type": "list", "member": {"shape": "String"}},
        "IntMap": {"type": "map", "key": {"shape": "String"}, "value": {"shape": "Integer"}},
        "String": {"type": "string"},
        "Integer": {"type": "integer"},
        "Long": {"type": "long"},
        "Boolean": {"type": "boolean"},
        "Double": {"type": "double"},
        "Timestamp": {"type": "timestamp"},
        "IsoTimestamp": {"type": "timestamp", "timestampFormat": "iso8601"},
        "Blob": {"type": "blob"},
    },
}

SERVICE = ServiceModel(MODEL, service_name="synthetic")
EVERYTHING: OperationModel = SERVICE.operation_model("Everything")
VALUES: dict[str, Any] = {
    "Str": "text with spaces",
    "Int": -7,
    "Lng": 2**53,
    "Bool": False,
    "Dbl": 2.25,
    "Time": DATE,
}


def _values(prefix: str) -> dict[str, Any]:
    return {f"{prefix}{name}": value for name, value in VALUES.items()}


def test_every_type_in_every_request_location_round_trips() -> None:
    params = {
        "Id": 12,
        **_values("q"),
        **_values("x-h-"),
        "QList": ["a", "b c"],
        **_values("b"),
        "BBlob": b"\x00\x01binary",
        "BItems": [{"Name": "one"}, {"Name": "two"}],
        "BMap": {"k": 1},
    }
    request = botocore_request(EVERYTHING, params, version_header=False)

    parsed = parse_request(request, EVERYTHING, {"Id": "12"})

    assert parsed == params
    assert parsed["qTime"].tzinfo is not None


def test_every_type_in_every_response_location_round_trips() -> None:
    output = {
        **_values("x-o-"),
        **_values("o"),
        "OIso": DATE,
        "OBlob": b"\xffbytes",
        "OItems": [{"Name": "n1"}, {"Name": None}],
    }

    response = serialize_result(EVERYTHING, output, request_id="r", date=DATE)
    parsed = botocore_parse(EVERYTHING, response)

    del parsed["ResponseMetadata"]
    output["OItems"] = [{"Name": "n1"}, {}]  # botocore drops the null member
    assert parsed == output
    assert response.headers["x-o-bool"] == "false"
    assert response.headers["x-o-time"] == "Fri, 10 Feb 2017 12:00:00 GMT"
    assert b'"oTime":1486728000,"OIso":"2017-02-10T12:00:00Z"' in response.read_body()


def test_a_string_payload_is_the_decoded_body() -> None:
    operation = SERVICE.operation_model("Text")
    request = HttpRequest("PUT", "http://x/text", Headers(), "héllo".encode())

    assert parse_request(request, operation, {}) == {"Text": "héllo"}
    assert parse_request(HttpRequest("PUT", "http://x/text"), operation, {}) == {}


def test_a_string_payload_must_be_utf8() -> None:
    operation = SERVICE.operation_model("Text")

    with pytest.raises(SerializationException, match="must be UTF-8 text"):
        parse_request(HttpRequest("PUT", "http://x/text", body=b"\xff"), operation, {})


def _request(query: str = "", body: bytes = b"", /, **headers: str) -> HttpRequest:
    return HttpRequest("POST", f"http://x/things/1?{query}", Headers(headers), body)


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (
            _request("qint=seven"),
            r"The query parameter qint must be of type integer; received 'seven'\.",
        ),
        (_request("qbool=yes"), r"query parameter qbool must be of type boolean; received 'yes'"),
        (_request(**{"x-h-dbl": "x"}), r"header x-h-dbl must be of type double; received 'x'"),
        (_request(**{"x-h-time": "someday"}), r"header x-h-time must be of type timestamp"),
        (_request(**{"x-h-time": "1e400"}), r"header x-h-time must be of type timestamp"),
        (
            _request("", b'{"bInt": true}'),
            r"Expected a JSON integer for bInt, received the JSON boolean true",
        ),
        (_request("", b'{"bDbl": "1"}'), r"Expected a JSON number for bDbl"),
        (_request("", b'{"bBool": 1}'), r"Expected a JSON boolean for bBool"),
        (_request("", b'{"blob": "!!"}'), r"Expected base64 data for blob, received '!!'"),
        (_request("", b'{"blob": 5}'), r"Expected a base64 JSON string for blob"),
        (
            _request("", b'{"bTime": []}'),
            r"Expected a timestamp \(epoch seconds or ISO 8601\) for bTime",
        ),
        (_request("", b'{"bTime": "soon"}'), r"Expected a timestamp for bTime, received 'soon'"),
        (_request("", b'{"BMap": []}'), r"Expected a JSON object for BMap, received a JSON array"),
    ],
)
def test_type_errors_say_what_was_received(request_: HttpRequest, message: str) -> None:
    with pytest.raises(SerializationException, match=message):
        parse_request(request_, EVERYTHING, {"Id": "1"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1486728000", DATE),
        ("2017-02-10T12:00:00Z", DATE),
        ("2017-02-10T13:00:00+01:00", DATE),
        ("2017-02-10T12:00:00", DATE),  # no offset: UTC, not local time
        ("Fri, 10 Feb 2017 12:00:00 GMT", DATE),
    ],
)
def test_timestamps_in_every_format_become_aware_utc(text: str, expected: datetime) -> None:
    parsed = parse_request(_request(**{"x-h-time": text}), EVERYTHING, {"Id": "1"})["x-h-Time"]

    assert parsed == expected
    assert parsed.tzinfo == timezone.utc


def test_layouts_are_computed_once_per_shape() -> None:
    assert layout(EVERYTHING.input_shape) is layout(EVERYTHING.input_shape)
    assert [m.name for m in layout(EVERYTHING.input_shape).querystring][-1] == "QList"
