"""The JSON text of response bodies: compact, ASCII-only, the same with or without C speedups."""

from __future__ import annotations

import json

import pytest
from glacier_wire_samples import DATE, sample_output

from pytest_glacier.wire import serializer, service_model

DOCUMENT = {"a": [1, 2.5, None, True, "caf\u00e9 \ud800"], "b": {"c": "x"}, "n": -0.0}


def test_bodies_are_compact_ascii_json() -> None:
    text = serializer._dump(DOCUMENT)

    assert text == b'{"a":[1,2.5,null,true,"caf\\u00e9 \\ud800"],"b":{"c":"x"},"n":-0.0}'
    assert json.loads(text) == DOCUMENT


def test_without_the_c_encoder_the_text_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json.encoder, "c_make_encoder", None)

    encode = serializer._json_encoder()

    assert encode(DOCUMENT).encode("ascii") == serializer._dump(DOCUMENT)


def test_a_value_json_cannot_hold_is_a_type_error_naming_it() -> None:
    with pytest.raises(TypeError, match="bytes is not JSON serializable"):
        serializer._dump({"a": b"raw"})


def _operations_sent_as_given() -> list[str]:
    model = service_model()
    return [
        name
        for name in model.operation_names
        if serializer._output_plan(model.operation_model(name)).body_as_is
    ]


def test_outputs_of_text_numbers_and_structures_of_them_are_sent_as_given() -> None:
    # Not a timestamp or a blob among them: a copy member by member would change nothing.
    assert {"DescribeVault", "ListVaults", "DescribeJob", "ListJobs"} <= set(
        _operations_sent_as_given()
    )
    model = service_model()
    for name in ("GetJobOutput", "UploadArchive", "GetVaultAccessPolicy"):
        assert not serializer._output_plan(model.operation_model(name)).body_as_is, name


@pytest.mark.parametrize("name", _operations_sent_as_given())
def test_a_body_sent_as_given_is_the_text_a_member_by_member_copy_makes(name: str) -> None:
    operation = service_model().operation_model(name)
    output = sample_output(operation)
    plan = serializer._output_plan(operation)

    response = serializer.serialize_result(operation, output, request_id="r", date=DATE)

    assert response.body == serializer._dump(serializer._document(plan.body, output))
