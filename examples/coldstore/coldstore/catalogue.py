"""The local catalogue: what coldstore put in which vault, kept as one JSON file.

Glacier only lists a vault's archives through an inventory job that takes hours, so archival
tools keep their own record of every archive id, with what they need to find and verify it
later: the file's name, size and tree hash, and when it was uploaded.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .errors import CatalogueError, NotInCatalogue

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Entry:
    """One archive in the vault."""

    archive_id: str
    name: str
    size: int
    tree_hash: str
    uploaded_at: datetime

    def to_json(self) -> dict[str, Any]:
        """The entry as stored in the catalogue file."""
        return {**dataclasses.asdict(self), "uploaded_at": self.uploaded_at.isoformat()}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Entry:
        """An entry read back from the catalogue file."""
        return cls(
            archive_id=str(raw["archive_id"]),
            name=str(raw["name"]),
            size=int(raw["size"]),
            tree_hash=str(raw["tree_hash"]),
            uploaded_at=datetime.fromisoformat(raw["uploaded_at"]),
        )


@dataclass
class Catalogue:
    """The catalogue of one vault, read from and saved to ``path``."""

    path: Path
    vault: str
    region: str | None = None
    retention_days: int | None = None
    entries: list[Entry] = field(default_factory=list)

    @classmethod
    def open(cls, path: Path, *, vault: str | None = None, region: str | None = None) -> Catalogue:
        """The catalogue at ``path``, or a new empty one for ``vault`` if there is no file yet.

        An existing catalogue belongs to one vault: asking for another one is an error, so that
        archive ids are never looked for in the wrong vault.
        """
        if not path.exists():
            return cls(path=path, vault=vault or "coldstore", region=region)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            catalogue = cls(
                path=path,
                vault=str(raw["vault"]),
                region=raw.get("region"),
                retention_days=raw.get("retention_days"),
                entries=[Entry.from_json(item) for item in raw["archives"]],
            )
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CatalogueError(f"cannot read the catalogue {path}: {error}") from error
        if vault is not None and vault != catalogue.vault:
            raise CatalogueError(
                f"the catalogue {path} is for vault {catalogue.vault!r}, not {vault!r}"
            )
        if region is not None and catalogue.region is not None and region != catalogue.region:
            raise CatalogueError(
                f"the catalogue {path} is for region {catalogue.region}, not {region}"
            )
        return catalogue

    def save(self) -> None:
        """Write the catalogue atomically: a crash leaves the old file or the new one."""
        document = {
            "format": FORMAT_VERSION,
            "vault": self.vault,
            "region": self.region,
            "retention_days": self.retention_days,
            "archives": [entry.to_json() for entry in self.entries],
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(document, stream, indent=2)
                stream.write("\n")
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def add(self, entry: Entry) -> None:
        """Record a new archive and save."""
        self.entries.append(entry)
        self.save()

    def remove(self, archive_id: str) -> None:
        """Forget an archive and save."""
        self.entries = [entry for entry in self.entries if entry.archive_id != archive_id]
        self.save()

    def find(self, name_or_id: str) -> Entry:
        """The archive with that id, or the newest upload of a file with that name."""
        for entry in self.entries:
            if entry.archive_id == name_or_id:
                return entry
        named = [entry for entry in self.entries if entry.name == name_or_id]
        if not named:
            raise NotInCatalogue(
                f"no archive named or with id {name_or_id!r} in the catalogue {self.path} "
                f"(try 'coldstore list')"
            )
        return max(named, key=lambda entry: entry.uploaded_at)
