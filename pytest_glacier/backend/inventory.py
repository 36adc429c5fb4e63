"""Vault inventories: the daily snapshot that DescribeVault and inventory jobs report.

Real Glacier does not report live contents. About once a day it takes an inventory of each vault
written since the last one; DescribeVault counts, inventory-retrieval jobs and DeleteVault's
emptiness check all read that snapshot (GLACIER_SPEC §5.6, §8). The mock does the same at each
00:00 UTC of simulated time, or keeps the snapshot always current with ``inventory="immediate"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from pytest_glacier.backend.dates import next_midnight
from pytest_glacier.backend.timeline import event_source

if TYPE_CHECKING:  # archives imports this module (record_write)
    from pytest_glacier.backend.archives import Archive
    from pytest_glacier.backend.glacier import Backend
    from pytest_glacier.backend.vaults import Vault

ARCHIVE_OVERHEAD_BYTES = 32 * 1024
"""What DescribeVault's SizeInBytes adds per archive (GLACIER_SPEC §2.1: 3,145,728 -> 3,178,496)."""


@dataclass(frozen=True)
class InventorySnapshot:
    """A vault's contents as of one inventory."""

    date: datetime
    archives: tuple[Archive, ...]

    @property
    def number_of_archives(self) -> int:
        return len(self.archives)

    @property
    def size_in_bytes(self) -> int:
        return sum(archive.size + ARCHIVE_OVERHEAD_BYTES for archive in self.archives)


@dataclass
class VaultInventory:
    """The last snapshot of one vault, and whether the vault changed since."""

    last: InventorySnapshot | None = None
    written_since: datetime | None = None
    """When the first write after ``last`` happened; None while nothing changed."""

    @property
    def dirty(self) -> bool:
        return self.written_since is not None


def take_snapshot(glacier: Backend, vault: Vault, at: datetime) -> None:
    """Make ``vault``'s inventory reflect its contents now, dated ``at``."""
    vault.inventory.last = InventorySnapshot(at, tuple(vault.archives.values()))
    vault.inventory.written_since = None
    glacier.timeline.add(at, f"inventory of vault {vault.name}: {len(vault.archives)} archive(s)")


def record_write(glacier: Backend, vault: Vault) -> None:
    """Note a write (an archive added or deleted) for the next inventory and for DeleteVault."""
    now = glacier.now()
    if glacier.settings.inventory == "immediate":
        take_snapshot(glacier, vault, now)
    elif vault.inventory.written_since is None:
        vault.inventory.written_since = now
        glacier.schedule(next_midnight(now))


def record_creation(glacier: Backend, vault: Vault) -> None:
    """A new vault has no inventory yet, except in ``immediate`` mode where it always has one."""
    if glacier.settings.inventory == "immediate":
        take_snapshot(glacier, vault, vault.creation_date)


def is_empty_and_quiet(vault: Vault) -> bool:
    """DeleteVault's precondition: no archives as of the last inventory, no write since it."""
    inventory = vault.inventory
    if inventory.dirty:
        return False
    return inventory.last is None or inventory.last.number_of_archives == 0


def _dirty_vaults(glacier: Backend) -> list[Vault]:
    return [
        vault
        for state in glacier.region_states()
        for vault in state.vaults.values()
        if vault.inventory.dirty
    ]


@event_source
class DailyInventory:
    """The inventory Glacier takes at each 00:00 UTC of every vault written since its last one."""

    def next_due(self, glacier: Backend, after: datetime) -> datetime | None:
        if glacier.settings.inventory != "daily" or not _dirty_vaults(glacier):
            return None
        return next_midnight(after)

    def fire(self, glacier: Backend, at: datetime) -> None:
        for vault in _dirty_vaults(glacier):
            take_snapshot(glacier, vault, at)
