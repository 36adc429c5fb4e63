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
from pytest_glacier.backend.job_select import SelectRequest, parse_select
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
    select: SelectRequest | None = None


def parse_job_parameters(params: Mapping[str, Any] | None, ctx: RequestContext) -> JobRequest:
    """Check an InitiateJob ``jobParameters`` body (everything that does not need the vault)."""
    params = params or {}
    job_type = params.get("Type")
    if job_type is None:
        raise MissingParameterValueException(
            "Required parameter missing: Type. Give the job Type: 'archive-retrieval', "
            "'inventory-retrieval' or 'select'."
        )
    if job_type not in JOB_TYPES:
        raise InvalidParameterValueException(
            f"Invalid job type: {job_type!r}. Type must be 'archive-retrieval', "
            f"'inventory-retrieval' or 'select'."
        )
    if job_type != SELECT:
        for select_only in ("SelectParameters", "OutputLocation"):
            _refuse(params, select_only, job_type, "select jobs")
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
        return JobRequest(
            ARCHIVE_RETRIEVAL,
            archive_id=_archive_id(params, job_type, "retrieve"),
            byte_range=params.get("RetrievalByteRange"),
            **common,
        )
    if job_type == SELECT:
        _refuse(params, "RetrievalByteRange", job_type, "archive-retrieval jobs")
        archive_id = _archive_id(params, job_type, "query")
        return JobRequest(SELECT, archive_id=archive_id, select=parse_select(params), **common)
    for archive_only in ("ArchiveId", "RetrievalByteRange"):
        _refuse(params, archive_only, job_type, "archive-retrieval jobs")
    inventory = parse_query(params.get("Format"), params.get("InventoryRetrievalParameters"))
    return JobRequest(INVENTORY_RETRIEVAL, inventory=inventory, **common)


def _archive_id(params: Mapping[str, Any], job_type: str, verb: str) -> str:
    """The ArchiveId an archive-retrieval or select job needs (neither takes inventory fields)."""
    for inventory_only in ("Format", "InventoryRetrievalParameters"):
        _refuse(params, inventory_only, job_type, "inventory-retrieval jobs")
    archive_id = params.get("ArchiveId")
    if not archive_id:
        raise MissingParameterValueException(
            f"Required parameter missing: ArchiveId. Give the ArchiveId of the archive to "
            f"{verb}: {job_type} jobs need one."
        )
    return str(archive_id)


def _refuse(params: Mapping[str, Any], name: str, job_type: str, valid_for: str) -> None:
    if params.get(name) is not None:
        raise InvalidParameterValueException(
            f"{name} is not valid for {job_type} jobs (it is only used by {valid_for}). "
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
