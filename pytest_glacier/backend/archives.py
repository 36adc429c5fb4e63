"""Archives: the immutable blobs stored in a vault (GLACIER_SPEC §2.3).

An archive keeps its bytes exactly as they arrived, as a tuple of parts (one for UploadArchive,
one per part for a multipart upload), never joined into one copy: reading it back is a stream of
zero-copy views over those parts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime


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
