"""InitiateJob's job parameters, checked (GLACIER_SPEC §2.5, §3, §4.3).

:func:`parse_job_parameters` turns the ``jobParameters`` body into a :class:`JobRequest` or
refuses it with the error real Glacier gives. What needs the vault (the archive, its size, the
vault's inventory) is checked by the caller; :func:`parse_byte_range` checks a
``RetrievalByteRange`` against the archive's size.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pytest_glacier.backend.archives import check_description
from pytest_glacier.backend.context import RequestContext
from pytest_glacier.backend.errors import (
    InvalidParameterValueException,
    MissingParameterValueException,
)
from pytest_glacier.backend.inventory_output import InventoryQuery, parse_query
from pytest_glacier.backend.notifications import parse_topic_arn
from pytest_glacier.backend.numeric_text import parse_long
from pytest_glacier.backend.treehash import MIB

ARCHIVE_RETRIEVAL = "archive-retrieval"
INVENTORY_RETRIEVAL = "inventory-retrieval"
SELECT = "select"
JOB_TYPES = (ARCHIVE_RETRIEVAL, INVENTORY_RETRIEVAL, SELECT)

EXPEDITED = "Expedited"
STANDARD = "Standard"
BULK = "Bulk"
TIERS = (EXPEDITED, STANDARD, BULK)

_BYTE_RANGE = re.compile(r"([0-9]+)-([0-9]+)")


@dataclass(frozen=True)
class JobRequest:
    """The checked parameters of one InitiateJob request."""

    type: str
    tier: str
    description: str | None = None
    sns_topic: str | None = None
    archive_id: str | None = None
    byte_range: str | None = None
    inventory: InventoryQuery | None = None


def parse_job_parameters(params: Mapping[str, Any] | None, ctx: RequestContext) -> JobRequest:
    """Check an InitiateJob ``jobParameters`` body (everything that does not need the vault)."""
    params = params or {}
    job_type = params.get("Type")
    if job_type is None:
        raise MissingParameterValueException(
            "Required parameter missing: Type. Give the job Type: 'archive-retrieval' or "
            "'inventory-retrieval'."
        )
    if job_type == SELECT:
        raise InvalidParameterValueException(
            "Select jobs (Type 'select', S3 Glacier Select) are not supported by pytest-glacier. "
            "Use an 'archive-retrieval' job and query the archive's bytes in the test instead."
        )
    if job_type not in JOB_TYPES:
        raise InvalidParameterValueException(
            f"Invalid job type: {job_type!r}. Type must be 'archive-retrieval' or "
            f"'inventory-retrieval' ('select' is not supported by pytest-glacier)."
        )
    for select_only in ("SelectParameters", "OutputLocation"):
        if params.get(select_only) is not None:
            raise InvalidParameterValueException(
                f"{select_only} is only valid for select jobs, not for a {job_type} job. "
                f"Remove {select_only}."
            )
    tier = params.get("Tier", STANDARD)
    if tier not in TIERS:
        raise InvalidParameterValueException(
            f"Invalid Tier: {tier!r}. Tier must be one of {', '.join(TIERS)} (default Standard)."
        )
    sns_topic = params.get("SNSTopic")
    common = {
        "tier": tier,
        "description": _description(params.get("Description")),
        "sns_topic": parse_topic_arn(sns_topic, ctx) if sns_topic is not None else None,
    }
    if job_type == ARCHIVE_RETRIEVAL:
        for inventory_only in ("Format", "InventoryRetrievalParameters"):
            _refuse(params, inventory_only, job_type, "inventory-retrieval jobs")
        archive_id = params.get("ArchiveId")
        if not archive_id:
            raise MissingParameterValueException(
                "Required parameter missing: ArchiveId. An archive-retrieval job needs the "
                "ArchiveId of the archive to retrieve."
            )
        return JobRequest(
            ARCHIVE_RETRIEVAL,
            archive_id=archive_id,
            byte_range=params.get("RetrievalByteRange"),
            **common,
        )
    for archive_only in ("ArchiveId", "RetrievalByteRange"):
        _refuse(params, archive_only, job_type, "archive-retrieval jobs")
    inventory = parse_query(params.get("Format"), params.get("InventoryRetrievalParameters"))
    return JobRequest(INVENTORY_RETRIEVAL, inventory=inventory, **common)


def _refuse(params: Mapping[str, Any], name: str, job_type: str, valid_for: str) -> None:
    if params.get(name) is not None:
        raise InvalidParameterValueException(
            f"{name} is not valid for a {job_type} job (it is only used by {valid_for}). "
            f"Remove {name}."
        )


def _description(description: str | None) -> str | None:
    check_description(description, kind="job")
    return description


def parse_byte_range(text: str | None, size: int) -> tuple[int, int]:
    """``RetrievalByteRange`` ``"S-E"`` (inclusive) as ``[start, end)`` of an archive of ``size``.

    No range means the whole archive. A range must be megabyte-aligned (GLACIER_SPEC §4.3): S a
    multiple of 1 MiB, and E + 1 a multiple of 1 MiB or E the archive's last byte.
    """
    if text is None:
        return 0, size
    match = _BYTE_RANGE.fullmatch(text)
    if match is None:
        raise InvalidParameterValueException(
            f"Invalid RetrievalByteRange: {text!r}. Give it as 'StartByte-EndByte' (inclusive), "
            f"e.g. '0-{MIB - 1}'."
        )
    first, last = parse_long(match[1]), parse_long(match[2])
    if first is None or last is None or first > last or last >= size:
        raise InvalidParameterValueException(
            f"Invalid RetrievalByteRange: {text}. The range must lie within the archive's "
            f"{size} bytes (0-{size - 1}) and its end must not come before its start."
        )
    if first % MIB or ((last + 1) % MIB and last != size - 1):
        raise InvalidParameterValueException(
            f"Invalid RetrievalByteRange: {text}. The range must be megabyte aligned: its start "
            f"a multiple of 1048576 and its end one byte before a multiple of 1048576 or the "
            f"archive's last byte ({size - 1})."
        )
    return first, last + 1
