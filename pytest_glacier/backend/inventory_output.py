"""What an inventory-retrieval job returns: the vault's inventory as JSON or CSV (§5.4-5.5).

An inventory job reads the vault's last inventory snapshot (never live contents), keeps the
archives created in ``[StartDate, EndDate)``, resumes after a previous job's ``Marker`` and stops
after ``Limit`` archives; the marker of the next page is then reported in the job description.

The formats are exactly the real ones:

* JSON, compact, keys in this order::

    {"VaultARN":...,"InventoryDate":...,"ArchiveList":[{"ArchiveId":...,"ArchiveDescription":...,
    "CreationDate":...,"Size":...,"SHA256TreeHash":...}]}

* CSV: the header ``ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash`` then one row
  per archive, ``\\n`` line ends (UNCONFIRMED terminator, §9). A field containing ``,`` or ``"`` is
  wrapped in double quotes and each ``"`` in it is written ``\\"``; a backslash is left as it is
  (observed: ``a,1\\"2`` -> ``"a,1\\\\"2"``). Other fields are written bare (only descriptions can
  contain those characters).

Dates are ISO 8601 UTC to the second. Archives are listed oldest first (by creation date, then
in upload order).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pytest_glacier.backend.archives import Archive
from pytest_glacier.backend.dates import as_utc, iso_seconds
from pytest_glacier.backend.errors import InvalidParameterValueException
from pytest_glacier.backend.inventory import InventorySnapshot
from pytest_glacier.backend.numeric_text import parse_whole

JSON = "JSON"
CSV = "CSV"
FORMATS = (JSON, CSV)
CONTENT_TYPES = {JSON: "application/json", CSV: "text/csv"}
CSV_HEADER = "ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash"

_MARKER_SEPARATOR = "|"


@dataclass(frozen=True)
class MarkerPosition:
    """Where a marker resumes: at archive ``archive_id``, created at ``creation_date``."""

    creation_date: datetime
    archive_id: str


@dataclass(frozen=True)
class InventoryQuery:
    """An inventory job's ``Format`` and ``InventoryRetrievalParameters``, checked.

    The ``*_text`` fields keep the values exactly as given, which is how the job description
    reports them.
    """

    format: str = JSON
    start_date_text: str | None = None
    end_date_text: str | None = None
    limit_text: str | None = None
    marker: str | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    limit: int | None = None
    resume_at: MarkerPosition | None = None


@dataclass(frozen=True)
class InventoryPage:
    """One inventory job's output and the marker of the page after it (None: no more)."""

    body: bytes
    next_marker: str | None


# -- parsing the request -------------------------------------------------------------------------


def parse_query(fmt: object, params: Mapping[str, Any] | None) -> InventoryQuery:
    """Check ``Format`` and ``InventoryRetrievalParameters`` of an inventory-retrieval job."""
    if fmt is None:
        fmt = JSON
    if fmt not in FORMATS:
        raise InvalidParameterValueException(
            f"Invalid Format: {fmt!r}. An inventory can be retrieved as 'JSON' (the default) "
            f"or 'CSV'."
        )
    params = params or {}
    start_text, end_text = params.get("StartDate"), params.get("EndDate")
    start = _parse_date("StartDate", start_text)
    end = _parse_date("EndDate", end_text)
    if start is not None and end is not None and start > end:
        raise InvalidParameterValueException(
            f"Invalid inventory date range: StartDate {start_text} is later than EndDate "
            f"{end_text}. StartDate must not be later than EndDate."
        )
    limit_text = params.get("Limit")
    marker = params.get("Marker")
    return InventoryQuery(
        format=str(fmt),
        start_date_text=start_text,
        end_date_text=end_text,
        limit_text=limit_text,
        marker=marker,
        start_date=start,
        end_date=end,
        limit=_parse_limit(limit_text),
        resume_at=decode_marker(marker) if marker is not None else None,
    )


def _parse_date(name: str, text: str | None) -> datetime | None:
    if text is None:
        return None
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        parsed = as_utc(datetime.fromisoformat(value)) if "T" in value else None
    except (ValueError, OverflowError):  # OverflowError: an offset that moves it past year 9999
        parsed = None
    if parsed is None:
        raise InvalidParameterValueException(
            f"Invalid {name}: {text!r}. Give an ISO 8601 date and time in UTC, such as "
            f"2013-03-20T17:03:43Z."
        )
    return parsed


def _parse_limit(text: str | None) -> int | None:
    if text is None:
        return None
    stripped = text.strip()
    limit = parse_whole(stripped)  # beyond a long: more archives than any vault holds
    if limit is None or limit < 1:
        raise InvalidParameterValueException(
            f"Invalid Limit: {text!r}. The inventory Limit must be a whole number of at least 1, "
            f"given as a string."
        )
    return limit


# -- markers --------------------------------------------------------------------------------------


def encode_marker(archive: Archive) -> str:
    """An opaque marker that resumes an inventory listing at ``archive``.

    URL-safe base64 (``[A-Za-z0-9_-]``, as real markers) of the archive's creation time and id,
    so that the listing resumes at the right place even if that archive was deleted since.
    """
    raw = f"{as_utc(archive.creation_date).isoformat()}{_MARKER_SEPARATOR}{archive.archive_id}"
    return base64.urlsafe_b64encode(raw.encode("ascii")).decode("ascii").rstrip("=")


def decode_marker(marker: str) -> MarkerPosition:
    """The position a marker made by :func:`encode_marker` names; 400 for anything else."""
    try:
        padded = marker + "=" * (-len(marker) % 4)
        raw = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
        when, archive_id = raw.split(_MARKER_SEPARATOR, 1)
        return MarkerPosition(as_utc(datetime.fromisoformat(when)), archive_id)
    except (ValueError, OverflowError, UnicodeError, binascii.Error):
        raise InvalidParameterValueException(
            f"Invalid Marker: {marker!r}. Use the Marker from the InventoryRetrievalParameters "
            f"of a completed inventory job of this vault (DescribeJob), or no Marker to start "
            f"from the first archive."
        ) from None


# -- rendering -------------------------------------------------------------------------------------


def select(
    archives: tuple[Archive, ...], query: InventoryQuery
) -> tuple[list[Archive], str | None]:
    """The archives of one page of the listing, and the marker of the next page."""
    listed = sorted(archives, key=lambda archive: as_utc(archive.creation_date))
    if query.start_date is not None:
        listed = [a for a in listed if as_utc(a.creation_date) >= query.start_date]
    if query.end_date is not None:
        listed = [a for a in listed if as_utc(a.creation_date) < query.end_date]
    if query.resume_at is not None:
        listed = listed[_resume_index(listed, query.resume_at) :]
    if query.limit is None or len(listed) <= query.limit:
        return listed, None
    return listed[: query.limit], encode_marker(listed[query.limit])


def _resume_index(listed: list[Archive], position: MarkerPosition) -> int:
    for index, archive in enumerate(listed):
        if archive.archive_id == position.archive_id:
            return index
    # The archive the marker names is gone: resume at the first one created at or after it.
    for index, archive in enumerate(listed):
        if as_utc(archive.creation_date) >= position.creation_date:
            return index
    return len(listed)


def render(vault_arn: str, snapshot: InventorySnapshot, query: InventoryQuery) -> InventoryPage:
    """The output of an inventory job reading ``snapshot`` with ``query``."""
    archives, next_marker = select(snapshot.archives, query)
    if query.format == CSV:
        body = render_csv(archives)
    else:
        body = render_json(vault_arn, snapshot.date, archives)
    return InventoryPage(body, next_marker)


def render_json(vault_arn: str, inventory_date: datetime, archives: list[Archive]) -> bytes:
    """The JSON inventory document, compact and with the real key order."""
    document = {
        "VaultARN": vault_arn,
        "InventoryDate": iso_seconds(inventory_date),
        "ArchiveList": [
            {
                "ArchiveId": archive.archive_id,
                "ArchiveDescription": archive.description or "",
                "CreationDate": iso_seconds(archive.creation_date),
                "Size": archive.size,
                "SHA256TreeHash": archive.tree_hash,
            }
            for archive in archives
        ],
    }
    return json.dumps(document, separators=(",", ":")).encode("ascii")


def render_csv(archives: list[Archive]) -> bytes:
    """The CSV inventory: header row, one row per archive, ``\\n`` line ends."""
    lines = [CSV_HEADER]
    lines.extend(
        ",".join(
            (
                csv_field(archive.archive_id),
                csv_field(archive.description or ""),
                iso_seconds(archive.creation_date),
                str(archive.size),
                csv_field(archive.tree_hash),
            )
        )
        for archive in archives
    )
    return ("\n".join(lines) + "\n").encode("ascii", "backslashreplace")


def csv_field(text: str) -> str:
    """A CSV field as Glacier writes it: quoted when it holds ``,`` or ``"`` (``"`` -> ``\\"``)."""
    if "," in text or '"' in text:
        return '"' + text.replace('"', '\\"') + '"'
    return text
