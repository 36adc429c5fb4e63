"""Select jobs' own parameters, checked: ``SelectParameters`` and ``OutputLocation`` (§2.5, §5.1).

A select job (``Type: "select"``) runs an SQL expression over a CSV archive and writes what it
selects to an S3 location; DescribeJob shows the parameters back, and the job's output path
(``x-amz-job-output-path``, ``JobOutputPath``) is ``<Prefix>/<jobId>/``. The mock runs select
jobs through their life like any job (a tier's delay, completion, notification, expiry) but does
not evaluate the expression nor write to S3: GetJobOutput has nothing to return for them, as for
real Glacier, whose results are only in S3.

The value sets are those of botocore's Glacier model; the messages are the mock's own
(UNCONFIRMED: no real one is published).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from pytest_glacier.backend.errors import (
    InvalidParameterValueException,
    MissingParameterValueException,
)

MAX_EXPRESSION_CHARS = 128_000
"""GLACIER_SPEC §3: an SQL expression of at most 128,000 characters."""
MAX_PREFIX_BYTES = 512

_ENUMS: dict[str, tuple[str, ...]] = {
    "ExpressionType": ("SQL",),
    "FileHeaderInfo": ("USE", "IGNORE", "NONE"),
    "QuoteFields": ("ALWAYS", "ASNEEDED"),
    "EncryptionType": ("aws:kms", "AES256"),
    "CannedACL": (
        "private",
        "public-read",
        "public-read-write",
        "aws-exec-read",
        "authenticated-read",
        "bucket-owner-read",
        "bucket-owner-full-control",
    ),
    "StorageClass": ("STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA"),
    "Permission": ("FULL_CONTROL", "WRITE", "WRITE_ACP", "READ", "READ_ACP"),
    "Type": ("AmazonCustomerByEmail", "CanonicalUser", "Group"),
}
"""Members whose values botocore's model restricts, wherever they occur in the two objects."""


@dataclass(frozen=True)
class SelectRequest:
    """The checked select-only parameters of an InitiateJob request."""

    parameters: dict[str, Any]
    """``SelectParameters`` as given (DescribeJob shows them back)."""
    output_location: dict[str, Any]
    """``OutputLocation`` as given."""

    def output_path(self, job_id: str) -> str:
        """Where the job's results go under the bucket: ``<Prefix>/<jobId>/``."""
        prefix = str(self.output_location["S3"]["Prefix"])
        return f"{prefix.rstrip('/')}/{job_id}/" if prefix else f"{job_id}/"


def parse_select(params: Mapping[str, Any]) -> SelectRequest:
    """Check the ``SelectParameters`` and ``OutputLocation`` of a select job's parameters."""
    selection = _required(params, "SelectParameters", "with Expression and ExpressionType 'SQL'")
    _check_expression(selection)
    for name, member in (("InputSerialization", "input"), ("OutputSerialization", "output")):
        serialization = selection.get(name)
        if serialization is not None and serialization.get("csv") is None:
            raise InvalidParameterValueException(
                f"Invalid SelectParameters.{name}: {serialization!r}. Glacier Select reads and "
                f"writes CSV only: give {{'csv': {{...}}}} (or leave {name} out) for its {member}."
            )
    location = _required(params, "OutputLocation", "with S3: {'BucketName': ..., 'Prefix': ...}")
    s3 = _required(location, "S3", "with BucketName and Prefix", where="OutputLocation.")
    if not s3.get("BucketName"):
        raise MissingParameterValueException(
            "Required parameter missing: OutputLocation.S3.BucketName. Name the S3 bucket, in "
            "the vault's region, that receives the select job's results."
        )
    prefix_bytes = len(_prefix(s3).encode("utf-8"))
    if prefix_bytes > MAX_PREFIX_BYTES:
        raise InvalidParameterValueException(
            f"Invalid OutputLocation.S3.Prefix: it has {prefix_bytes} bytes; the limit is "
            f"{MAX_PREFIX_BYTES}."
        )
    for where, value in (("SelectParameters", selection), ("OutputLocation", location)):
        _check_enums(value, where)
    return SelectRequest(dict(selection), dict(location))


def _required(
    params: Mapping[str, Any], name: str, hint: str, *, where: str = ""
) -> Mapping[str, Any]:
    value = params.get(name)
    if value is None:
        raise MissingParameterValueException(
            f"Required parameter missing: {where}{name}. A select job needs {where}{name} {hint}."
        )
    return cast("Mapping[str, Any]", value)  # an object: the wire layer checked the types


def _prefix(s3: Mapping[str, Any]) -> str:
    value = s3.get("Prefix")
    if value is None:
        raise MissingParameterValueException(
            "Required parameter missing: OutputLocation.S3.Prefix. Give the key prefix under "
            "which the select job writes its results (the job's output path is "
            "<Prefix>/<jobId>/)."
        )
    return str(value)


def _check_expression(selection: Mapping[str, Any]) -> None:
    if selection.get("ExpressionType") is None:
        raise MissingParameterValueException(
            "Required parameter missing: SelectParameters.ExpressionType. Give 'SQL'."
        )
    expression = selection.get("Expression")
    if not expression:
        raise MissingParameterValueException(
            "Required parameter missing: SelectParameters.Expression. Give the SQL expression, "
            "e.g. 'SELECT * FROM archive'."
        )
    if len(expression) > MAX_EXPRESSION_CHARS:
        raise InvalidParameterValueException(
            f"Invalid SelectParameters.Expression: it has {len(expression)} characters; the "
            f"limit is {MAX_EXPRESSION_CHARS}."
        )


def _check_enums(value: Any, where: str) -> None:
    """Refuse a value outside the model's set for any restricted member, at any depth."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            _check_enums(item, f"{where}[{index}]")
        return
    if not isinstance(value, Mapping):
        return
    for name, member in value.items():
        allowed = _ENUMS.get(name)
        if allowed is not None and isinstance(member, str) and member not in allowed:
            raise InvalidParameterValueException(
                f"Invalid {where}.{name}: {member!r}. Valid values: {', '.join(allowed)}."
            )
        _check_enums(member, f"{where}.{name}")
