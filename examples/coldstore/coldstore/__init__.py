"""coldstore: archive files in an Amazon Glacier vault, with a local catalogue.

A small example tool written against boto3's Glacier client (see ../README.md).
"""

from __future__ import annotations

from .catalogue import Catalogue, Entry
from .errors import (
    CatalogueError,
    ColdStoreError,
    IntegrityError,
    LockError,
    NotInCatalogue,
    RestoreError,
    UploadError,
)
from .store import ColdStore, PruneReport, RestoreResult
from .treehash import MIB, TreeHash, tree_hash

__all__ = [
    "MIB",
    "Catalogue",
    "CatalogueError",
    "ColdStore",
    "ColdStoreError",
    "Entry",
    "IntegrityError",
    "LockError",
    "NotInCatalogue",
    "PruneReport",
    "RestoreError",
    "RestoreResult",
    "TreeHash",
    "UploadError",
    "tree_hash",
]
