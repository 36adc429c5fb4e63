"""decode(): the version header, bodies real clients send, and malformed requests."""

from __future__ import annotations

import pytest
from glacier_wire_samples import ENDPOINT, botocore_request

from pytest_glacier.backend.errors import (
    MissingParameterValueException,
    ResourceNotFoundException,
    SerializationException,
)
from pytest_glacier.wire import Headers, HttpRequest, decode, service_model

VERSION = {"x-amz-glacier-version": "2012-06-01"}


def request(method: str, path: str, body: bytes = b"", /, **headers: str) -> HttpRequest:
    return HttpRequest(method, ENDPOINT + path, Headers({**VERSION, **headers}), body)


def test_missing_version_header_is_refused() -> None:
    operation = service_model().operation_model("ListVaults")
    unversioned = botocore_request(operation, {"accountId": "-"}, version_header=False)

    with pytest.raises(
        MissingParameterValueException, match=r"^Required parameter missing: API version$"
    ):
        decode(unversioned)


def test_presigned_urls_need_no_version_header() -> None:
    credential = "AK%2F20250101%2Feu-west-1%2Fglacier%2Faws4_request"
    url = f"{ENDPOINT}/-/vaults/v/jobs/j/output?X-Amz-Credential={credential}&X-Amz-Signature=s"

    decoded = decode(HttpRequest("GET", url))

    assert decoded.operation.name == "GetJobOutput"
    assert decoded.params == {"accountId": "-", "vaultName": "v", "jobId": "j"}
    assert decoded.caller.presigned
    assert decoded.caller.region == "eu-west-1"


def test_routing_errors_come_before_the_version_check() -> None:
    with pytest.raises(ResourceNotFoundException):
        decode(HttpRequest("GET", ENDPOINT + "/nowhere"))


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("PUT", "/-/vaults/v", {}),
        ("POST", "/-/vaults/v/multipart-uploads", {"partSize": "1048576"}),
    ],
)
def test_js_sdk_empty_json_bodies_are_ignored_where_no_body_is_expected(
    method: str, path: str, expected: dict[str, str]
) -> None:
    decoded = decode(request(method, path, b"{}", **{"x-amz-part-size": "1048576"}))

    assert decoded.params == {"accountId": "-", "vaultName": "v", **expected}


def test_a_garbage_body_is_ignored_where_no_body_is_expected() -> None:
    assert decode(request("DELETE", "/-/vaults/v", b"not json")).params == {
        "accountId": "-",
        "vaultName": "v",
    }


def test_header_values_are_kept_exactly_as_sent() -> None:
    decoded = decode(
        request(
            "POST",
            "/-/vaults/v/multipart-uploads",
            **{"X-Amz-Part-Size": "0001048576", "x-amz-archive-description": "  spaced  "},
        )
    )

    assert decoded.params["partSize"] == "0001048576"
    assert decoded.params["archiveDescription"] == "  spaced  "


def test_streaming_payload_is_always_present() -> None:
    assert decode(request("POST", "/-/vaults/v/archives")).params["body"] == b""


def test_empty_structure_payload_is_absent() -> None:
    assert "jobParameters" not in decode(request("POST", "/-/vaults/v/jobs")).params


def test_empty_json_object_payload_is_an_empty_structure() -> None:
    assert decode(request("POST", "/-/vaults/v/jobs", b"{}")).params["jobParameters"] == {}


def test_json_nulls_are_treated_as_absent() -> None:
    body = b'{"Type":"inventory-retrieval","Description":null,"InventoryRetrievalParameters":null}'

    params = decode(request("POST", "/-/vaults/v/jobs", body)).params

    assert params["jobParameters"] == {"Type": "inventory-retrieval"}


def test_unknown_json_keys_are_ignored() -> None:
    params = decode(request("POST", "/-/vaults/v/tags?operation=add", b'{"Tags":{},"X":1}')).params

    assert params == {"accountId": "-", "vaultName": "v", "Tags": {}}


def test_body_members_without_payload_come_from_one_object() -> None:
    body = b'{"TagKeys":["a","b"]}'

    params = decode(request("POST", "/-/vaults/v/tags?operation=remove", body)).params

    assert params["TagKeys"] == ["a", "b"]


def test_query_members_are_parsed_and_repeated_scalars_keep_the_first() -> None:
    decoded = decode(
        request("GET", "/-/vaults/v/jobs?limit=5&limit=7&completed=true&statuscode=Failed")
    )

    assert decoded.params == {
        "accountId": "-",
        "vaultName": "v",
        "limit": "5",
        "completed": "true",
        "statuscode": "Failed",
    }


# -- malformed bodies ----------------------------------------------------------------------------


def test_invalid_json_says_what_was_received_and_expected() -> None:
    with pytest.raises(SerializationException) as caught:
        decode(request("POST", "/-/vaults/v/jobs", b'{"Type": '))

    message = caught.value.message
    assert message.startswith("Could not parse jobParameters as JSON (")
    assert "expected a JSON object (JobParameters), received 9 bytes: b'{\"Type\": '." in message
    assert caught.value.status == 400


def test_a_json_array_where_an_object_is_expected() -> None:
    with pytest.raises(
        SerializationException,
        match=r"^Expected a JSON object for jobParameters, received a JSON array of 0 items\.$",
    ):
        decode(request("POST", "/-/vaults/v/jobs", b"[]"))


def test_the_whole_body_of_body_members_must_be_an_object() -> None:
    with pytest.raises(
        SerializationException,
        match=r"Expected a JSON object for the AddTagsToVault request body, received the JSON "
        r"string 'x'",
    ):
        decode(request("POST", "/-/vaults/v/tags?operation=add", b'"x"'))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b'{"Type": 3}',
            r"Expected a JSON string for jobParameters.Type, received the JSON number 3\.",
        ),
        (
            b'{"InventoryRetrievalParameters": {"Limit": true}}',
            (
                r"Expected a JSON string for jobParameters.InventoryRetrievalParameters.Limit, "
                r"received the JSON boolean true\."
            ),
        ),
        (
            b'{"OutputLocation": {"S3": {"AccessControlList": {}}}}',
            (
                r"Expected a JSON array for jobParameters.OutputLocation.S3.AccessControlList, "
                r"received a JSON object\."
            ),
        ),
        (
            b'{"OutputLocation": {"S3": {"Tagging": {"k": 1}}}}',
            r"Expected a JSON string for jobParameters.OutputLocation.S3.Tagging.k",
        ),
    ],
)
def test_nested_wrong_types_name_the_member(body: bytes, message: str) -> None:
    with pytest.raises(SerializationException, match=message):
        decode(request("POST", "/-/vaults/v/jobs", body))


def test_wrong_type_in_a_list_names_the_index() -> None:
    with pytest.raises(
        SerializationException, match=r"TagKeys\[1\], received the JSON number 2\.$"
    ):
        decode(request("POST", "/-/vaults/v/tags?operation=remove", b'{"TagKeys":["a",2]}'))


def test_non_utf8_json_is_a_serialization_error() -> None:
    with pytest.raises(SerializationException, match="Could not parse"):
        decode(request("PUT", "/-/vaults/v/access-policy", b'{"Policy":"\xff"}'))


def test_absurdly_deep_json_is_a_serialization_error() -> None:
    body = b"[" * 100_000 + b"]" * 100_000

    with pytest.raises(SerializationException, match="Could not parse jobParameters as JSON"):
        decode(request("POST", "/-/vaults/v/jobs", body))
