"""Provisioned capacity units: purchase and list (GLACIER_SPEC §2.6, §7.2).

A unit guarantees Expedited retrieval capacity for one calendar month from its purchase. An
account holds at most two unexpired units per region. Expiry is computed from the dates when
read, so a unit simply stops being listed or counted once its expiration date has passed
(GLACIER_SPEC §9: expired units are not listed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pytest_glacier.backend import ids
from pytest_glacier.backend.context import RequestContext
from pytest_glacier.backend.dates import add_one_month, iso_millis
from pytest_glacier.backend.errors import LimitExceededException
from pytest_glacier.backend.glacier import Backend
from pytest_glacier.backend.operations import Output, operation
from pytest_glacier.backend.state import RegionState
from pytest_glacier.backend.vaults import region_of

MAX_UNITS_PER_ACCOUNT = 2


@dataclass(frozen=True)
class CapacityUnit:
    """One purchased unit; it is in force from ``start_date`` until ``expiration_date``."""

    capacity_id: str
    start_date: datetime
    expiration_date: datetime

    def is_active(self, now: datetime) -> bool:
        """Whether the unit has not expired yet at ``now``."""
        return now < self.expiration_date

    def to_wire(self) -> dict[str, str]:
        """The unit as a ``ProvisionedCapacityDescription`` structure."""
        return {
            "CapacityId": self.capacity_id,
            "StartDate": iso_millis(self.start_date),
            "ExpirationDate": iso_millis(self.expiration_date),
        }


def new_unit(purchased: datetime) -> CapacityUnit:
    """A unit bought at ``purchased``: it expires one calendar month later, to the second."""
    expiration = add_one_month(purchased).replace(microsecond=0)
    return CapacityUnit(ids.capacity_id(), purchased, expiration)


def active_units(state: RegionState, now: datetime) -> list[CapacityUnit]:
    """The units of one account in one region that are in force at ``now``, oldest first."""
    return [unit for unit in state.capacity_units if unit.is_active(now)]


def has_active_capacity(state: RegionState, now: datetime) -> bool:
    """Whether the account has at least one unexpired unit (Expedited retrievals rely on it)."""
    return bool(active_units(state, now))


@operation("PurchaseProvisionedCapacity")
def purchase_provisioned_capacity(
    glacier: Backend, ctx: RequestContext, *, account_id: str
) -> Output:
    state = region_of(glacier, ctx, account_id)
    now = glacier.now()
    if len(active_units(state, now)) >= MAX_UNITS_PER_ACCOUNT:
        raise LimitExceededException(
            f"The request would exceed the account's limit of provisioned capacity units "
            f"({MAX_UNITS_PER_ACCOUNT})."
        )
    unit = new_unit(now)
    state.capacity_units.append(unit)
    glacier.timeline.add(
        now,
        f"provisioned capacity unit {unit.capacity_id} bought in {state.region}, expires "
        f"{iso_millis(unit.expiration_date)}",
    )
    return {"capacityId": unit.capacity_id}


@operation("ListProvisionedCapacity")
def list_provisioned_capacity(glacier: Backend, ctx: RequestContext, *, account_id: str) -> Output:
    state = region_of(glacier, ctx, account_id)
    units = active_units(state, glacier.now())
    return {"ProvisionedCapacityList": [unit.to_wire() for unit in units]}
