"""Archives: the immutable blobs stored in a vault (GLACIER_SPEC §2.3).

This module holds the archive record that vault inventories are built from. UploadArchive and
DeleteArchive arrive with the data plane.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Archive:
    """One stored archive. Its bytes and metadata never change once stored."""

    archive_id: str
    description: str
    creation_date: datetime
    size: int
    tree_hash: str
