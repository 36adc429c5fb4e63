"""Every Glacier operation, both directions, against botocore's own serializer and parser.

Requests: a sample input walked from the input shape is serialized by botocore exactly as a
client would send it, and :func:`decode` must give back the same operation and the same params.
The only normalisation: streaming bodies come back as ``bytes`` (botocore accepts file objects
too, but the sample uses bytes, so params compare equal without conversion).

Responses: a sample output walked from the output shape is encoded, and botocore's parser must
read back the same dict (a streaming body compared by its bytes).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.model import OperationModel
from glacier_wire_samples import (
    ARCHIVE_BYTES,
    DATE,
    REQUEST_ID,
    botocore_parse,
    botocore_request,
    sample_input,
    sample_output,
)

from pytest_glacier.backend.errors import ERROR_CLASSES, GlacierError
from pytest_glacier.wire import ResponseBody, decode, encode_error, encode_result, service_model

OPERATION_NAMES = service_model().operation_names


def op(name: str) -> OperationModel:
    return service_model().operation_model(name)


def test_the_model_has_the_33_operations_of_the_spec() -> None:
    assert len(OPERATION_NAMES) == 33


@pytest.mark.parametrize("name", OPERATION_NAMES)
def test_decode_reads_back_what_botocore_sends(name: str) -> None:
    operation = op(name)
    params = sample_input(operation)

    decoded = decode(botocore_request(operation, params))

    assert decoded.operation is operation
    assert decoded.params == params
    assert decoded.caller.region == "us-east-1"


@pytest.mark.parametrize("name", OPERATION_NAMES)
def test_botocore_reads_back_what_encode_result_sends(name: str) -> None:
    operation = op(name)
    output = sample_output(operation)

    response = encode_result(operation, output, request_id=REQUEST_ID, date=DATE)
    parsed = botocore_parse(operation, response)

    metadata = parsed.pop("ResponseMetadata")
    if operation.has_streaming_output:
        parsed["body"] = parsed["body"].read()
    assert parsed == output
    assert metadata["RequestId"] == REQUEST_ID
    assert response.headers["Date"] == "Fri, 10 Feb 2017 12:00:00 GMT"
    assert response.headers["Content-Length"] == str(len(response.read_body()))


@pytest.mark.parametrize("name", OPERATION_NAMES)
def test_status_is_the_models_response_code(name: str) -> None:
    operation = op(name)
    output = {k: v for k, v in sample_output(operation).items() if k != "status"}

    response = encode_result(operation, output, request_id=REQUEST_ID, date=DATE)

    assert response.status == operation.http.get("responseCode", 200)


@pytest.mark.parametrize("name", OPERATION_NAMES)
def test_content_type_only_with_body_content(name: str) -> None:
    operation = op(name)

    response = encode_result(operation, sample_output(operation), request_id=REQUEST_ID, date=DATE)

    if response.read_body():
        assert "Content-Type" in response.headers
    else:
        assert "Content-Type" not in response.headers
        assert response.headers["Content-Length"] == "0"


def test_get_job_output_status_comes_from_the_output() -> None:
    output = {"status": 206, "body": b"part", "contentRange": "bytes 0-3/10"}

    response = encode_result(op("GetJobOutput"), output, request_id=REQUEST_ID, date=DATE)

    assert response.status == 206
    assert response.headers["Content-Range"] == "bytes 0-3/10"


def test_streamed_job_output_is_passed_through_without_joining() -> None:
    chunks = [ARCHIVE_BYTES, b"tail"]
    body = ResponseBody(iter(chunks), sum(map(len, chunks)))

    response = encode_result(op("GetJobOutput"), {"body": body}, request_id="r", date=DATE)

    assert response.body is body
    assert response.headers["Content-Length"] == str(body.length)
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert botocore_parse(op("GetJobOutput"), response)["body"].read() == ARCHIVE_BYTES + b"tail"


def test_job_output_content_type_member_wins() -> None:
    output = {"body": b"{}", "contentType": "application/json"}

    response = encode_result(op("GetJobOutput"), output, request_id="r", date=DATE)

    assert response.headers["Content-Type"] == "application/json"


# -- the null rule -------------------------------------------------------------------------------


def test_none_members_are_json_null_and_botocore_drops_them() -> None:
    operation = op("DescribeJob")
    output = sample_output(operation)
    nulls = ("ArchiveId", "CompletionDate", "SHA256TreeHash", "InventoryRetrievalParameters")
    for key in nulls:
        output[key] = None
    del output["SelectParameters"]  # absent: must be omitted, not null

    response = encode_result(operation, output, request_id=REQUEST_ID, date=DATE)
    raw = json.loads(response.read_body())
    parsed = botocore_parse(operation, response)

    assert all(raw[key] is None for key in nulls)
    assert "SelectParameters" not in raw
    assert not set(nulls) & parsed.keys()
    assert parsed["JobId"] == output["JobId"]


def test_none_inside_nested_structures_and_lists_is_json_null() -> None:
    operation = op("ListJobs")
    job = {"JobId": "j", "ArchiveId": None, "InventoryRetrievalParameters": {"Limit": None}}
    output: dict[str, Any] = {"JobList": [job], "Marker": None}

    raw = encode_result(operation, output, request_id="r", date=DATE).read_body()

    expected = b'{"JobList":[{"JobId":"j","ArchiveId":null,"InventoryRetrievalParameters":'
    assert raw == expected + b'{"Limit":null}}],"Marker":null}'


def test_structure_payloads_are_the_whole_body() -> None:
    policy = {"policy": {"Policy": '{"Version":"2012-10-17"}'}}

    response = encode_result(op("GetVaultAccessPolicy"), policy, request_id="r", date=DATE)

    assert response.read_body() == b'{"Policy":"{\\"Version\\":\\"2012-10-17\\"}"}'
    assert response.headers["Content-Type"] == "application/json"


def test_unknown_output_keys_are_a_backend_bug() -> None:
    with pytest.raises(ValueError, match=r"\['VaultArn'\] are not members"):
        encode_result(op("DescribeVault"), {"VaultArn": "x"}, request_id="r", date=DATE)


def test_response_date_must_be_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        encode_result(op("DeleteVault"), {}, request_id="r", date=DATE.replace(tzinfo=None))


# -- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(ERROR_CLASSES))
def test_every_error_class_reaches_botocore(code: str) -> None:
    error_class = ERROR_CLASSES[code]
    error: GlacierError = error_class(f"something about {code} went wrong")

    response = encode_error(error, request_id=REQUEST_ID, date=DATE)
    parsed = botocore_parse(op("DescribeVault"), response)

    assert response.status == error_class.status
    assert parsed["Error"]["Code"] == code
    assert parsed["Error"]["Message"] == error.message
    assert parsed["ResponseMetadata"]["HTTPStatusCode"] == error_class.status
    assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID
    assert response.headers["Content-Type"] == "application/json"


def test_error_body_is_compact_in_code_message_type_order() -> None:
    error = ERROR_CLASSES["ResourceNotFoundException"]("The job ID was not found: x")

    response = encode_error(error, request_id="r", date=DATE)

    assert response.read_body() == (
        b'{"code":"ResourceNotFoundException","message":"The job ID was not found: x",'
        b'"type":"Client"}'
    )
    assert response.headers["Content-Length"] == str(len(response.read_body()))


def test_server_faults_say_server() -> None:
    error = ERROR_CLASSES["ServiceUnavailableException"]("try later")

    body = json.loads(encode_error(error, request_id="r", date=DATE).read_body())

    assert body["type"] == "Server"
