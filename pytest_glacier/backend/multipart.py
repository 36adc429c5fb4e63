"""Multipart uploads: initiate, upload parts, complete, abort, list (GLACIER_SPEC §2.4, §3, §4.2).

A part is kept exactly as it arrived (its body, the SHA-256 of each of its 1 MiB chunks and its
tree hash), keyed by the start of its byte range: uploading the same range again replaces it,
and parts may arrive in any order, from any number of threads. Completing an upload checks the
parts against ``x-amz-archive-size`` (no gap, every part but the last exactly the part size) and
the whole-archive tree hash, which is combined from the parts' tree hashes (§4.2) without reading
their bytes again; the archive then holds the very same part bodies.

A finished upload is remembered for a day of simulated time (:data:`FINISHED_UPLOAD_MEMORY`):
completing it again answers the same archive id and aborting an aborted upload succeeds, as
Glacier does "for a short time"; it is no longer listed, and every other operation on it is a
404. UploadMultipartPart and CompleteMultipartUpload hash (or combine hashes) without holding the
backend lock; they take it only to look the upload up and to store their result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from pytest_glacier.backend import ids
from pytest_glacier.backend.archives import (
    Archive,
    body_digests,
    check_description_characters,
    check_description_length,
    require_tree_hash,
    store,
    verify_tree_hash,
)
from pytest_glacier.backend.context import RequestContext
from pytest_glacier.backend.dates import iso_millis
from pytest_glacier.backend.errors import (
    InvalidParameterValueException,
    MissingParameterValueException,
    ResourceNotFoundException,
)
from pytest_glacier.backend.glacier import Backend
from pytest_glacier.backend.numeric_text import parse_long
from pytest_glacier.backend.operations import Output, operation
from pytest_glacier.backend.paging import parse_limit
from pytest_glacier.backend.state import RegionState
from pytest_glacier.backend.treehash import MIB, combine
from pytest_glacier.backend.vaults import Vault, get_vault, region_of, vault_not_found

MIN_PART_SIZE = MIB
MAX_PART_SIZE = 4 * 1024**3
MAX_PARTS = 10_000
LIST_DEFAULT_LIMIT = 50
LIST_MAX_LIMIT = 50
FINISHED_UPLOAD_MEMORY = timedelta(hours=24)
"""How long a completed or aborted upload id is remembered (for repeated Complete / Abort)."""

UploadStatus = Literal["InProgress", "Completed", "Aborted"]

_CONTENT_RANGE = re.compile(r"bytes\s+([0-9]+)-([0-9]+)/(\*|[0-9]+)", re.IGNORECASE)


@dataclass(frozen=True, eq=False)
class Part:
    """One uploaded part: bytes ``[start, start + len(data))`` of the archive."""

    start: int
    data: bytes
    chunk_digests: tuple[bytes, ...]
    """SHA-256 of each 1 MiB chunk of the part."""
    digest: bytes
    """The part's tree hash (raw 32 bytes)."""

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def end(self) -> int:
        """The last byte of the part (inclusive, as in ``RangeInBytes``)."""
        return self.start + len(self.data) - 1

    def describe(self) -> Output:
        """The part as ListParts shows it."""
        return {"RangeInBytes": f"{self.start}-{self.end}", "SHA256TreeHash": self.digest.hex()}


@dataclass(frozen=True)
class ContentRange:
    """A part's ``Content-Range: bytes <start>-<end>/<total or *>``; ``end`` is inclusive."""

    start: int
    end: int
    total: int | None

    @property
    def length(self) -> int:
        return self.end - self.start + 1


def parse_content_range(raw: str) -> ContentRange:
    """Parse ``bytes a-b/*`` (what most clients send) or ``bytes a-b/TOTAL`` (glacier-upload).

    Refuses text of any other form, a range that ends before it starts, and (when a total is
    given) a range that ends beyond it, with ``Invalid Content-Range: <header>``.
    """
    match = _CONTENT_RANGE.fullmatch(raw.strip())
    if match is None:
        raise InvalidParameterValueException(f"Invalid Content-Range: {raw}")
    start, end = parse_long(match[1]), parse_long(match[2])
    total = None if match[3] == "*" else parse_long(match[3])
    if start is None or end is None or (total is None and match[3] != "*"):
        raise InvalidParameterValueException(f"Invalid Content-Range: {raw}")  # beyond a long
    if end < start or (total is not None and end >= total):
        raise InvalidParameterValueException(f"Invalid Content-Range: {raw}")
    return ContentRange(start, end, total)


@dataclass(eq=False)
class MultipartUpload:
    """One multipart upload of a vault, in progress or recently finished."""

    upload_id: str
    vault_arn: str
    part_size: int
    description: str | None
    creation_date: datetime
    parts: dict[int, Part] = field(default_factory=dict)
    """Range start -> the part uploaded there last."""
    status: UploadStatus = "InProgress"
    finished_at: datetime | None = None
    completion: Output | None = None
    """What CompleteMultipartUpload answered, answered again to a repeated complete."""
    revision: int = 0
    """Bumped at every part stored, so a complete can tell that the parts it checked changed."""

    @property
    def in_progress(self) -> bool:
        return self.status == "InProgress"

    def repeated_completion(self) -> Output | None:
        """What a repeated CompleteMultipartUpload answers: the first one's output, if any."""
        return None if self.completion is None else dict(self.completion)

    def sorted_parts(self) -> list[Part]:
        return [self.parts[start] for start in sorted(self.parts)]

    def describe(self) -> Output:
        """The upload as ListMultipartUploads shows it (ListParts adds its parts)."""
        return {
            "MultipartUploadId": self.upload_id,
            "VaultARN": self.vault_arn,
            "ArchiveDescription": self.description,
            "CreationDate": iso_millis(self.creation_date),
            "PartSizeInBytes": self.part_size,
        }

    def finish(self, status: UploadStatus, at: datetime) -> None:
        """End the upload; its parts are released (a completed archive holds their bytes)."""
        self.status = status
        self.finished_at = at
        self.parts = {}


# -- lookups -----------------------------------------------------------------------------------


def upload_not_found(upload_id: str) -> ResourceNotFoundException:
    # GLACIER_SPEC §1.6, UNCONFIRMED: the only text known.
    return ResourceNotFoundException(f"The upload ID was not found: {upload_id}")


def find_upload(glacier: Backend, vault: Vault, upload_id: str) -> MultipartUpload | None:
    """The upload, in progress or finished within the last day; the caller holds the lock."""
    upload = vault.uploads.get(upload_id)
    if upload is not None and _forgotten(glacier, upload):
        del vault.uploads[upload_id]
        return None
    return upload


def open_upload(glacier: Backend, vault: Vault, upload_id: str) -> MultipartUpload:
    """The upload if it is in progress, else the 404 (GLACIER_SPEC §2.4)."""
    upload = find_upload(glacier, vault, upload_id)
    if upload is None or not upload.in_progress:
        raise upload_not_found(upload_id)
    return upload


def _forgotten(glacier: Backend, upload: MultipartUpload) -> bool:
    finished = upload.finished_at
    return finished is not None and glacier.now() >= finished + FINISHED_UPLOAD_MEMORY


def _forget_finished(glacier: Backend, vault: Vault) -> None:
    for upload_id in [u.upload_id for u in vault.uploads.values() if _forgotten(glacier, u)]:
        del vault.uploads[upload_id]


# -- InitiateMultipartUpload -------------------------------------------------------------------


def parse_part_size(raw: str | None) -> int:
    """``x-amz-part-size``: 1 MiB x 2^n, from 1 MiB to 4 GiB (GLACIER_SPEC §2.4)."""
    text = raw.strip() if raw is not None else ""
    size = parse_long(text) or 0
    if not MIN_PART_SIZE <= size <= MAX_PART_SIZE or size & (size - 1):
        # An empty (or blank) header carries no value, as if absent: Glacier's message calls
        # that "null" (GLACIER_SPEC §1.6), and "Invalid part size: ." would hide what is wrong.
        shown = raw if text else "null"
        raise InvalidParameterValueException(
            f"Invalid part size: {shown}. Part size must not be null, must be a power of two and "
            f"be between {MIN_PART_SIZE} and {MAX_PART_SIZE} bytes."
        )
    return size


def multipart_description(raw: str | None) -> str | None:
    """The description a multipart upload keeps: ``raw`` without its leading spaces.

    Glacier strips them (GLACIER_SPEC §2.4), so the 1,024-character limit applies to what is
    kept: ``" " + "x" * 1024`` is a valid description. Characters are checked as sent, so a
    position in the message points into the header the client sent (a space is printable, so
    stripping changes no verdict).
    """
    if raw is None:
        return None
    check_description_characters(raw)
    kept = raw.lstrip(" ")
    check_description_length(kept, stripped=len(raw) - len(kept))
    return kept


@operation("InitiateMultipartUpload")
def initiate_multipart_upload(
    glacier: Backend,
    ctx: RequestContext,
    *,
    account_id: str,
    vault_name: str,
    archive_description: str | None = None,
    part_size: str | None = None,
) -> Output:
    vault = get_vault(glacier, ctx, account_id, vault_name)
    size = parse_part_size(part_size)
    upload = MultipartUpload(
        upload_id=ids.upload_id(),
        vault_arn=vault.arn,
        part_size=size,
        description=multipart_description(archive_description),
        creation_date=glacier.now(),
    )
    _forget_finished(glacier, vault)
    vault.uploads[upload.upload_id] = upload
    location = f"/{vault.account_id}/vaults/{vault.name}/multipart-uploads/{upload.upload_id}"
    return {"location": location, "uploadId": upload.upload_id}


# -- UploadMultipartPart -----------------------------------------------------------------------


def check_part_range(raw: str, content_range: ContentRange, part_size: int, length: int) -> None:
    """A part's range against the body received and the upload's part size (GLACIER_SPEC §2.4)."""
    if content_range.length != length:
        raise InvalidParameterValueException(
            f"Content-Range: {raw} is incompatible with Content-Length: {length}"
        )
    if content_range.start % part_size:
        raise InvalidParameterValueException(
            f"Content-Range: {raw} is not aligned with the part size of this upload: a part must "
            f"start at a multiple of {part_size} bytes, and {content_range.start} is not one."
        )
    if content_range.length > part_size:
        raise InvalidParameterValueException(
            f"Content-Range: {raw} covers {content_range.length} bytes, more than the part size "
            f"of this upload ({part_size} bytes). Send one part of at most the part size per "
            f"request."
        )
    number = content_range.start // part_size + 1
    if number > MAX_PARTS:
        raise InvalidParameterValueException(
            f"This is part number {number} for the current multipart upload. It exceeds the "
            f"limit of {MAX_PARTS} parts."
        )


@operation("UploadMultipartPart", locked=False)
def upload_multipart_part(
    glacier: Backend,
    ctx: RequestContext,
    *,
    account_id: str,
    vault_name: str,
    upload_id: str,
    body: bytes = b"",
    checksum: str | None = None,
    range: str | None = None,  # noqa: A002 (the model's member name)
) -> Output:
    with glacier.lock:
        vault = get_vault(glacier, ctx, account_id, vault_name)
        upload = open_upload(glacier, vault, upload_id)
    if range is None:
        raise MissingParameterValueException("Required parameter missing: Content-Range")
    sent = require_tree_hash(checksum)
    data = body if isinstance(body, bytes) else bytes(body)
    content_range = parse_content_range(range)
    check_part_range(range, content_range, upload.part_size, len(data))
    leaves = body_digests(data, ctx)  # hashing: no lock held
    part = Part(content_range.start, data, leaves, combine(leaves))
    verify_tree_hash(sent, part.digest)
    with glacier.lock:
        if vault.uploads.get(upload_id) is not upload or not upload.in_progress:
            raise upload_not_found(upload_id)  # completed or aborted while the part arrived
        upload.parts[part.start] = part
        upload.revision += 1
    return {"checksum": part.digest.hex()}


# -- CompleteMultipartUpload -------------------------------------------------------------------


def parse_archive_size(raw: str | None) -> int:
    """``x-amz-archive-size``: the whole archive's size in bytes, at least 1."""
    if raw is None:
        raise MissingParameterValueException("Required parameter missing: x-amz-archive-size")
    size = parse_long(raw.strip())
    if size is None or size < 1:
        raise InvalidParameterValueException(
            f"Invalid x-amz-archive-size: {raw}. The archive size is the total size in bytes of "
            f"the uploaded parts, a whole number of at least 1."
        )
    return size


def check_parts(upload: MultipartUpload, parts: list[Part], archive_size: int) -> None:
    """The parts must cover bytes 0 to ``archive_size - 1`` exactly (GLACIER_SPEC §2.4)."""
    if not parts:
        raise InvalidParameterValueException(
            f"No parts have been uploaded for multipart upload {upload.upload_id}; upload the "
            f"archive's parts before completing it (x-amz-archive-size: {archive_size})."
        )
    offset = 0
    for index, part in enumerate(parts):
        if part.start > offset:
            raise InvalidParameterValueException(
                f"Missing part: bytes {offset}-{part.start - 1} of the archive were never "
                f"uploaded to multipart upload {upload.upload_id}. Upload every part of the "
                f"archive before completing the upload."
            )
        if index < len(parts) - 1 and part.size != upload.part_size:
            raise InvalidParameterValueException(
                f"The part at bytes {part.start}-{part.end} is {part.size} bytes long, but every "
                f"part except the last must be exactly the part size of the upload, "
                f"{upload.part_size} bytes. Upload that range again in full."
            )
        offset = part.end + 1
    if offset != archive_size:
        raise InvalidParameterValueException(
            f"Archive size mismatch: x-amz-archive-size is {archive_size}, but the parts of "
            f"multipart upload {upload.upload_id} hold bytes 0-{offset - 1} ({offset} bytes). "
            f"Pass the total size of the parts, or upload the missing ones."
        )


@operation("CompleteMultipartUpload", locked=False)
def complete_multipart_upload(
    glacier: Backend,
    ctx: RequestContext,
    *,
    account_id: str,
    vault_name: str,
    upload_id: str,
    archive_size: str | None = None,
    checksum: str | None = None,
) -> Output:
    with glacier.lock:
        vault = get_vault(glacier, ctx, account_id, vault_name)
        _completable(glacier, vault, upload_id)
    sent = require_tree_hash(checksum)
    size = parse_archive_size(archive_size)
    while True:
        with glacier.lock:
            upload = _completable(glacier, vault, upload_id)
            repeated = upload.repeated_completion()
            if repeated is not None:
                return repeated
            parts, revision = upload.sorted_parts(), upload.revision
        # Checks on a snapshot of the parts, without the lock: every failure leaves the upload
        # open, to be completed later with the right values.
        check_parts(upload, parts, size)
        digest = combine([part.digest for part in parts])
        if sent.strip().lower() != digest.hex():
            raise InvalidParameterValueException(f"Invalid x-amz-sha256-tree-hash: {sent}")
        with glacier.lock:
            if vault.uploads.get(upload_id) is not upload or upload.status == "Aborted":
                raise upload_not_found(upload_id)
            repeated = upload.repeated_completion()
            if repeated is not None:  # a concurrent complete won
                return repeated
            if upload.revision != revision:
                continue  # a part was re-uploaded meanwhile: check again
            state = region_of(glacier, ctx, account_id)
            return _complete(glacier, state, vault, upload, parts=parts, digest=digest)


def _completable(glacier: Backend, vault: Vault, upload_id: str) -> MultipartUpload:
    upload = find_upload(glacier, vault, upload_id)
    if upload is None or upload.status == "Aborted":
        raise upload_not_found(upload_id)
    return upload


def _complete(
    glacier: Backend,
    state: RegionState,
    vault: Vault,
    upload: MultipartUpload,
    *,
    parts: list[Part],
    digest: bytes,
) -> Output:
    """Turn the checked parts into an archive; the caller holds the lock."""
    if state.vaults.get(vault.name) is not vault:  # deleted while the parts were checked
        raise vault_not_found(state, vault.name)
    now = glacier.now()
    archive = Archive(
        archive_id=ids.archive_id(),
        description=upload.description or "",
        creation_date=now,
        size=parts[-1].end + 1,
        tree_hash=digest.hex(),
        parts=tuple(part.data for part in parts),
        chunk_digests=tuple(leaf for part in parts for leaf in part.chunk_digests),
    )
    upload.completion = store(glacier, state, vault, archive)
    upload.finish("Completed", now)
    return dict(upload.completion)


# -- AbortMultipartUpload ----------------------------------------------------------------------


@operation("AbortMultipartUpload")
def abort_multipart_upload(
    glacier: Backend, ctx: RequestContext, *, account_id: str, vault_name: str, upload_id: str
) -> Output:
    vault = get_vault(glacier, ctx, account_id, vault_name)
    upload = find_upload(glacier, vault, upload_id)
    if upload is None or upload.status == "Completed":
        raise upload_not_found(upload_id)
    if upload.in_progress:
        upload.finish("Aborted", glacier.now())
    return {}  # aborting again soon after is a success too


# -- ListParts, ListMultipartUploads -----------------------------------------------------------


def _part_marker(marker: str | None) -> int:
    """ListParts' marker is the range start of the first part of the page."""
    if not marker:
        return 0
    first = parse_long(marker.strip())
    if first is None:
        raise InvalidParameterValueException(
            f"Invalid marker: {marker!r}. Pass the Marker returned by the previous ListParts "
            f"response, or no marker to start from the first part."
        )
    return first


@operation("ListParts")
def list_parts(
    glacier: Backend,
    ctx: RequestContext,
    *,
    account_id: str,
    vault_name: str,
    upload_id: str,
    marker: str | None = None,
    limit: str | None = None,
) -> Output:
    vault = get_vault(glacier, ctx, account_id, vault_name)
    upload = open_upload(glacier, vault, upload_id)
    page_size = parse_limit(limit, default=LIST_DEFAULT_LIMIT, maximum=LIST_MAX_LIMIT)
    first = _part_marker(marker)
    remaining = [part for part in upload.sorted_parts() if part.start >= first]
    page, rest = remaining[:page_size], remaining[page_size:]
    return {
        **upload.describe(),
        "Parts": [part.describe() for part in page],
        "Marker": str(rest[0].start) if rest else None,
    }


@operation("ListMultipartUploads")
def list_multipart_uploads(
    glacier: Backend,
    ctx: RequestContext,
    *,
    account_id: str,
    vault_name: str,
    marker: str | None = None,
    limit: str | None = None,
) -> Output:
    vault = get_vault(glacier, ctx, account_id, vault_name)
    page_size = parse_limit(limit, default=LIST_DEFAULT_LIMIT, maximum=LIST_MAX_LIMIT)
    _forget_finished(glacier, vault)
    uploads = sorted(
        (upload for upload in vault.uploads.values() if upload.in_progress), key=_upload_order
    )
    if marker:
        # The marker is the id of the first upload of the page; an upload finished since still
        # positions the page (finished uploads are remembered for a day).
        start = vault.uploads.get(marker)
        if start is None:
            raise InvalidParameterValueException(
                f"Invalid marker: {marker!r}. Pass the Marker returned by the previous "
                f"ListMultipartUploads response, or no marker to start from the first upload."
            )
        uploads = [upload for upload in uploads if _upload_order(upload) >= _upload_order(start)]
    page, rest = uploads[:page_size], uploads[page_size:]
    return {
        "UploadsList": [upload.describe() for upload in page],
        "Marker": rest[0].upload_id if rest else None,
    }


def _upload_order(upload: MultipartUpload) -> tuple[datetime, str]:
    """Uploads are listed oldest first (ties by id)."""
    return (upload.creation_date, upload.upload_id)
