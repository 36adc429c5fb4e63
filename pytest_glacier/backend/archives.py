"""Archives: the immutable blobs stored in a vault, UploadArchive and DeleteArchive (GLACIER_SPEC
§2.3).

An archive keeps its bytes exactly as they arrived, as a tuple of parts (one for UploadArchive,
one per part for a multipart upload), never joined into one copy: reading it back is a stream of
zero-copy views over those parts. With them it keeps the SHA-256 of each 1 MiB chunk (32 bytes
per MiB), so the tree hash of any megabyte-aligned range is computed without reading a byte.

UploadArchive hashes the body without holding the backend lock (it registers with
``locked=False`` and takes the lock only to look the vault up and to store the archive).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from pytest_glacier.backend import ids
from pytest_glacier.backend.context import RequestContext
from pytest_glacier.backend.errors import (
    InvalidParameterValueException,
    MissingParameterValueException,
)
from pytest_glacier.backend.glacier import Backend
from pytest_glacier.backend.inventory import record_write
from pytest_glacier.backend.operations import Output, operation
from pytest_glacier.backend.state import RegionState
from pytest_glacier.backend.treehash import Buffer, TreeHash, chunk_digests, combine, range_digest
from pytest_glacier.backend.vaults import Vault, get_vault, region_of, vault_not_found

MAX_DESCRIPTION_LENGTH = 1_024
MAX_UPLOAD_ARCHIVE_SIZE = 4 * 1024**3
"""The largest body one UploadArchive takes: 4 GiB (GLACIER_SPEC §2.3, "up to 4 GB")."""
TREE_HASH_HEADER = "x-amz-sha256-tree-hash"


@dataclass(frozen=True, eq=False)
class Archive:
    """One stored archive. Its bytes and metadata never change once stored."""

    archive_id: str
    description: str
    creation_date: datetime
    size: int
    tree_hash: str
    """Lowercase hex SHA-256 tree hash of the whole archive."""
    parts: tuple[bytes, ...] = ()
    """The archive's bytes in order, as stored (parts may differ in length)."""
    chunk_digests: tuple[bytes, ...] = ()
    """SHA-256 of each 1 MiB chunk of the archive, in order; empty when not known."""

    def iter_bytes(self, start: int = 0, end: int | None = None) -> Iterator[memoryview]:
        """Zero-copy views of bytes ``[start, end)`` of the archive, in order."""
        stop = self.size if end is None else min(end, self.size)
        offset = 0
        for part in self.parts:
            part_end = offset + len(part)
            if part_end > start and offset < stop:
                lo = max(start - offset, 0)
                hi = min(stop, part_end) - offset
                yield memoryview(part)[lo:hi]
            if part_end >= stop:
                break
            offset = part_end

    def range_tree_hash(self, start: int = 0, end: int | None = None) -> str:
        """The tree hash (hex) of bytes ``[start, end)``, a megabyte-aligned range.

        ``start`` must be a multiple of 1 MiB and ``end`` one too or the archive's end (what
        InitiateJob's ``RetrievalByteRange`` requires). Computed from :attr:`chunk_digests`
        without reading the bytes; whether Glacier reports it for a range is
        :func:`~pytest_glacier.backend.treehash.is_tree_hash_aligned`.
        """
        stop = self.size if end is None else end
        if self.chunk_digests:
            return range_digest(self.chunk_digests, start, stop).hex()
        hasher = TreeHash()  # an archive made without its chunk digests
        for view in self.iter_bytes(start, stop):
            hasher.update(view)
        return hasher.hexdigest()


# -- checks shared with multipart uploads ------------------------------------------------------


def check_description(description: str | None, kind: str = "archive") -> None:
    """A description is at most 1,024 printable ASCII characters (GLACIER_SPEC §3).

    The same rule holds for archive descriptions and job descriptions; ``kind`` names which one
    in the message. UploadArchive checks its description as sent: only multipart uploads strip
    leading spaces (§2.4, see :func:`~pytest_glacier.backend.multipart.multipart_description`).
    """
    if description is None:
        return
    check_description_length(description, kind)
    check_description_characters(description, kind)


def check_description_length(description: str, kind: str = "archive", *, stripped: int = 0) -> None:
    """At most 1,024 characters; ``stripped`` leading spaces were dropped before measuring."""
    if len(description) > MAX_DESCRIPTION_LENGTH:
        spaces = "1 leading space is" if stripped == 1 else f"{stripped} leading spaces are"
        after = f" once its {spaces} stripped" if stripped else ""
        raise InvalidParameterValueException(
            f"Invalid {kind} description: it is {len(description)} characters long{after}; "
            f"{kind} descriptions are at most {MAX_DESCRIPTION_LENGTH} characters."
        )


def check_description_characters(description: str, kind: str = "archive") -> None:
    """Only 0x20 (space) to 0x7E (~); the message gives the position in ``description``."""
    for position, char in enumerate(description):
        if not " " <= char <= "~":
            raise InvalidParameterValueException(
                f"Invalid {kind} description: character {char!r} at position {position} is not "
                f"printable ASCII: {kind} descriptions may contain only the characters "
                f"0x20 (space) to 0x7E (~)."
            )


def require_tree_hash(checksum: str | None) -> str:
    """The ``x-amz-sha256-tree-hash`` header, which every upload must carry.

    An empty or blank header counts as missing (GLACIER_SPEC §1.6): HTTP ignores whitespace
    around a header value, so it carries no hash at all, and comparing it would blame the body
    ("Checksum mismatch: expected , computed ...") for a header that was never filled in.
    """
    if checksum is None or not checksum.strip():
        raise MissingParameterValueException(f"Required parameter missing: {TREE_HASH_HEADER}")
    return checksum


def verify_tree_hash(sent: str, computed: bytes) -> None:
    """Refuse a body whose tree hash is not the one the client sent (hex, any case)."""
    if sent.strip().lower() != computed.hex():
        raise InvalidParameterValueException(
            f"Checksum mismatch: expected {sent}, computed {computed.hex()}"
        )


def body_digests(body: Buffer, ctx: RequestContext) -> tuple[bytes, ...]:
    """The chunk digests of an upload's body (reusing the wire layer's hashes when it can)."""
    if ctx.payload_chunk_digests is not None:
        return ctx.payload_chunk_digests
    return chunk_digests(body, sha256=ctx.payload_sha256)


def store(glacier: Backend, state: RegionState, vault: Vault, archive: Archive) -> Output:
    """Put a new archive in ``vault`` (a write); the caller holds the backend lock.

    Returns what UploadArchive and CompleteMultipartUpload answer: location, checksum, id.
    """
    vault.archives[archive.archive_id] = archive
    state.archive_vaults[archive.archive_id] = vault.name
    record_write(glacier, vault)
    glacier.timeline.add(
        archive.creation_date,
        "archive {:.12}... ({} bytes) stored in vault {}",
        archive.archive_id,
        archive.size,
        vault.name,
    )
    return {
        "location": archive_location(vault, archive.archive_id),
        "checksum": archive.tree_hash,
        "archiveId": archive.archive_id,
    }


def archive_location(vault: Vault, archive_id: str) -> str:
    return f"/{vault.account_id}/vaults/{vault.name}/archives/{archive_id}"


# -- operations ----------------------------------------------------------------------------------


@operation("UploadArchive", locked=False)
def upload_archive(
    glacier: Backend,
    ctx: RequestContext,
    *,
    account_id: str,
    vault_name: str,
    body: bytes = b"",
    archive_description: str | None = None,
    checksum: str | None = None,
) -> Output:
    # Locks itself: hashing a large body takes long, so it happens outside the lock unless the
    # wire layer has already hashed it (then the upload is stored under the same lock).
    with glacier.lock:
        vault = get_vault(glacier, ctx, account_id, vault_name)
        if ctx.payload_chunk_digests is not None:
            upload = _checked_upload(ctx, body, archive_description, checksum)
            return _store_upload(glacier, ctx, account_id, vault, upload)
    upload = _checked_upload(ctx, body, archive_description, checksum)  # hashing: no lock held
    with glacier.lock:
        state = region_of(glacier, ctx, account_id)
        if state.vaults.get(vault_name) is not vault:  # deleted while the body was hashed
            raise vault_not_found(state, vault_name)
        return _store_upload(glacier, ctx, account_id, vault, upload)


class _Upload(NamedTuple):
    """An UploadArchive body that passed every check, with its tree hash."""

    data: bytes
    description: str
    leaves: tuple[bytes, ...]
    tree_hash: bytes


def _checked_upload(
    ctx: RequestContext, body: bytes, description: str | None, checksum: str | None
) -> _Upload:
    sent = require_tree_hash(checksum)
    if not body:
        raise InvalidParameterValueException("Invalid Content-Length: 0")
    if len(body) > MAX_UPLOAD_ARCHIVE_SIZE:
        raise InvalidParameterValueException(
            f"Invalid Content-Length: {len(body)}. One UploadArchive request takes 1 to "
            f"{MAX_UPLOAD_ARCHIVE_SIZE} bytes (4 GiB); upload larger archives in parts with a "
            f"multipart upload."
        )
    check_description(description)
    data = body if isinstance(body, bytes) else bytes(body)
    leaves = body_digests(data, ctx)
    digest = combine(leaves)
    verify_tree_hash(sent, digest)
    return _Upload(data, description or "", leaves, digest)


def _store_upload(
    glacier: Backend, ctx: RequestContext, account_id: str, vault: Vault, upload: _Upload
) -> Output:
    """Store a checked upload as a new archive; the caller holds the lock."""
    state = region_of(glacier, ctx, account_id)
    archive = Archive(
        archive_id=ids.archive_id(),
        description=upload.description,
        creation_date=glacier.now(),
        size=len(upload.data),
        tree_hash=upload.tree_hash.hex(),
        parts=(upload.data,),
        chunk_digests=upload.leaves,
    )
    return store(glacier, state, vault, archive)


@operation("DeleteArchive")
def delete_archive(
    glacier: Backend, ctx: RequestContext, *, account_id: str, vault_name: str, archive_id: str
) -> Output:
    vault = get_vault(glacier, ctx, account_id, vault_name)
    state = region_of(glacier, ctx, account_id)
    archive = vault.archives.pop(archive_id, None)
    if archive is not None:
        state.archive_vaults.pop(archive_id, None)
        record_write(glacier, vault)
        glacier.timeline.add(
            glacier.now(), f"archive {archive_id[:12]}... deleted from vault {vault.name}"
        )
        return {}
    holder = state.archive_vaults.get(archive_id)
    if holder is not None and holder != vault.name:
        # Observed text (GLACIER_SPEC §1.6): the ARN of the vault the request named.
        raise InvalidParameterValueException(f"Invalid vault name: {vault.arn}")
    # Already deleted, or never existed: DeleteArchive is idempotent (GLACIER_SPEC §2.3).
    return {}
