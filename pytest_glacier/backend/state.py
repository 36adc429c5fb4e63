"""The state of one (account, region): its vaults and its account-level settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pytest_glacier.backend.arns import partition_of

if TYPE_CHECKING:
    from pytest_glacier.backend.capacity import CapacityUnit
    from pytest_glacier.backend.vaults import Vault


@dataclass
class RegionState:
    """Everything Glacier keeps for one account in one region (GLACIER_SPEC §1.1: scope)."""

    account_id: str
    region: str
    vaults: dict[str, Vault] = field(default_factory=dict)
    retrieval_policy: dict[str, Any] | None = None
    """The data retrieval policy as set (``{"Rules": [...]}``), None when never set."""
    capacity_units: list[CapacityUnit] = field(default_factory=list)
    archive_vaults: dict[str, str] = field(default_factory=dict)
    """Archive id -> name of the vault holding it, for every archive stored in this region."""

    @property
    def partition(self) -> str:
        return partition_of(self.region)
