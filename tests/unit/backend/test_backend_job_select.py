"""Select jobs' own parameters: what is required, the model's value sets, the limits."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest

from pytest_glacier.backend.errors import (
    GlacierError,
    InvalidParameterValueException,
    MissingParameterValueException,
)
from pytest_glacier.backend.job_select import _ENUMS, MAX_EXPRESSION_CHARS, parse_select

SELECTION = {"ExpressionType": "SQL", "Expression": "SELECT s._1 FROM archive s"}
LOCATION = {"S3": {"BucketName": "b", "Prefix": "p"}}


def params(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"SelectParameters": SELECTION, "OutputLocation": LOCATION}
    base.update(changes)
    return {name: value for name, value in base.items() if value is not None}


def test_the_least_a_select_job_needs() -> None:
    request = parse_select(params())
    assert (request.parameters, request.output_location) == (SELECTION, LOCATION)


@pytest.mark.parametrize(
    ("prefix", "path"),
    [("p", "p/JOB/"), ("a/b/", "a/b/JOB/"), ("", "JOB/")],
)
def test_the_output_path_is_the_prefix_then_the_job_id(prefix: str, path: str) -> None:
    request = parse_select(params(OutputLocation={"S3": {"BucketName": "b", "Prefix": prefix}}))
    assert request.output_path("JOB") == path


@pytest.mark.parametrize(
    ("changes", "error", "needle"),
    [
        ({"SelectParameters": None}, MissingParameterValueException, "SelectParameters"),
        ({"OutputLocation": None}, MissingParameterValueException, "OutputLocation"),
        ({"OutputLocation": {}}, MissingParameterValueException, "OutputLocation.S3"),
        (
            {"OutputLocation": {"S3": {"Prefix": "p"}}},
            MissingParameterValueException,
            "OutputLocation.S3.BucketName",
        ),
        (
            {"OutputLocation": {"S3": {"BucketName": "b"}}},
            MissingParameterValueException,
            "OutputLocation.S3.Prefix",
        ),
        (
            {"OutputLocation": {"S3": {"BucketName": "b", "Prefix": "é" * 257}}},
            InvalidParameterValueException,
            "514 bytes; the limit is 512",
        ),
        (
            {"SelectParameters": {"Expression": "SELECT 1"}},
            MissingParameterValueException,
            "ExpressionType",
        ),
        (
            {"SelectParameters": {"ExpressionType": "SQL"}},
            MissingParameterValueException,
            "SelectParameters.Expression",
        ),
        (
            {"SelectParameters": {"ExpressionType": "SQL", "Expression": "x" * 128_001}},
            InvalidParameterValueException,
            f"the limit is {MAX_EXPRESSION_CHARS}",
        ),
        (
            {"SelectParameters": {**SELECTION, "ExpressionType": "JSONPath"}},
            InvalidParameterValueException,
            "Invalid SelectParameters.ExpressionType: 'JSONPath'. Valid values: SQL.",
        ),
        (
            {"SelectParameters": {**SELECTION, "InputSerialization": {}}},
            InvalidParameterValueException,
            "CSV only",
        ),
        (
            {
                "SelectParameters": {
                    **SELECTION,
                    "InputSerialization": {"csv": {"FileHeaderInfo": "x"}},
                }
            },
            InvalidParameterValueException,
            "SelectParameters.InputSerialization.csv.FileHeaderInfo",
        ),
        (
            {"OutputLocation": {"S3": {**LOCATION["S3"], "StorageClass": "GLACIER"}}},
            InvalidParameterValueException,
            "OutputLocation.S3.StorageClass: 'GLACIER'",
        ),
        (
            {
                "OutputLocation": {
                    "S3": {
                        **LOCATION["S3"],
                        "AccessControlList": [{"Grantee": {"Type": "User"}, "Permission": "READ"}],
                    }
                }
            },
            InvalidParameterValueException,
            "OutputLocation.S3.AccessControlList[0].Grantee.Type: 'User'",
        ),
    ],
)
def test_what_a_select_job_refuses(
    changes: dict[str, Any], error: type[GlacierError], needle: str
) -> None:
    with pytest.raises(error) as excinfo:
        parse_select(params(**changes))
    assert needle in excinfo.value.message


def _model_enums() -> dict[str, set[str]]:
    """Every enum-restricted member of the select shapes in botocore's model, by member name."""
    model = botocore.session.get_session().get_service_model("glacier")
    found: dict[str, set[str]] = {}
    pending: list[Any] = [model.shape_for("SelectParameters"), model.shape_for("OutputLocation")]
    while pending:
        shape = pending.pop()
        for name, member in getattr(shape, "members", {}).items():
            if getattr(member, "enum", None):
                found.setdefault(name, set()).update(member.enum)
            pending.append(member)
        # A list's items (AccessControlList), a map's values (Tagging, UserMetadata).
        children = (getattr(shape, "member", None), getattr(shape, "value", None))
        pending.extend(child for child in children if child is not None)
    return found


def test_the_value_sets_are_those_of_botocores_model() -> None:
    assert {name: set(values) for name, values in _ENUMS.items()} == _model_enums()
