"""Whether Glacier accepts a new retrieval: Expedited capacity and the data retrieval policy (§7).

Both checks run when InitiateJob is about to create an archive-retrieval job, and refuse it
synchronously as real Glacier does.

**Expedited capacity** (GLACIER_SPEC §7.2). Without provisioned capacity real Glacier "typically"
accepts Expedited retrievals. The mock accepts them unless the ``expedited_capacity=False``
option says capacity is short: then an Expedited retrieval is accepted only while the account
holds an unexpired provisioned-capacity unit in the region, and refused otherwise with 503
``InsufficientCapacityException``. The per-unit rate (3 retrievals per 5 minutes) is not metered.

**Data retrieval policy** (GLACIER_SPEC §7.1). Only Standard archive retrievals are metered
(Expedited, Bulk and inventory jobs never are); a refusal is 400 ``PolicyEnforcedException``,
``InitiateJob request denied by current data retrieval policy.`` The exact formulas are not
published, so the mock uses these (documented) rules, where a job's bytes are the size of its
retrieved range:

* ``BytesPerHour``: refused when the bytes of the account's Standard retrievals that were started
  in the last hour and are still in progress, plus this retrieval's bytes, exceed
  ``BytesPerHour``. (Each job is counted against the hour in which it starts.)
* ``FreeTier``: the free allowance of the 2014 launch, 5 % of the bytes stored in the region
  prorated daily: ``allowance = stored_bytes * 5 // 100 // days_in_this_month`` per UTC day, where
  ``stored_bytes`` is the size of every archive in the account's vaults of that region now.
  Refused when the bytes of the Standard retrievals started on the same UTC day, plus this one,
  exceed the allowance.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from pytest_glacier.backend.capacity import has_active_capacity
from pytest_glacier.backend.errors import InsufficientCapacityException, PolicyEnforcedException
from pytest_glacier.backend.glacier import Backend
from pytest_glacier.backend.job_params import EXPEDITED, STANDARD
from pytest_glacier.backend.retrieval_policy import BYTES_PER_HOUR, FREE_TIER, current_rule
from pytest_glacier.backend.state import RegionState

if TYPE_CHECKING:
    from pytest_glacier.backend.jobs import Job

POLICY_DENIED = "InitiateJob request denied by current data retrieval policy."
FREE_TIER_PERCENT = 5
RATE_WINDOW = timedelta(hours=1)


def admit_retrieval(
    glacier: Backend, state: RegionState, tier: str, size: int, now: datetime
) -> None:
    """Refuse a new archive retrieval of ``size`` bytes in ``tier`` at ``now`` if Glacier would."""
    if tier == EXPEDITED:
        _check_expedited_capacity(glacier, state, now)
    elif tier == STANDARD:
        _check_retrieval_policy(state, now, size)


def _check_expedited_capacity(glacier: Backend, state: RegionState, now: datetime) -> None:
    if glacier.settings.expedited_capacity or has_active_capacity(state, now):
        return
    raise InsufficientCapacityException(
        "There is not enough capacity to process this Expedited retrieval request "
        "(the mock runs with expedited_capacity=False). Buy provisioned capacity with "
        "PurchaseProvisionedCapacity, retry later, or use the Standard or Bulk tier."
    )


def _check_retrieval_policy(state: RegionState, now: datetime, size: int) -> None:
    rule = current_rule(state)
    if rule.strategy == BYTES_PER_HOUR and rule.bytes_per_hour is not None:
        recent = sum(
            job.retrieved_bytes
            for job in _standard_retrievals(state)
            if not job.completed and job.creation_date > now - RATE_WINDOW
        )
        if recent + size > rule.bytes_per_hour:
            raise PolicyEnforcedException(POLICY_DENIED)
    elif rule.strategy == FREE_TIER:
        today = now.date()
        retrieved = sum(
            job.retrieved_bytes
            for job in _standard_retrievals(state)
            if job.creation_date.date() == today
        )
        if retrieved + size > free_tier_daily_allowance(state, now):
            raise PolicyEnforcedException(POLICY_DENIED)


def free_tier_daily_allowance(state: RegionState, now: datetime) -> int:
    """Bytes a ``FreeTier`` policy lets an account retrieve on the UTC day of ``now``."""
    stored = sum(
        archive.size for vault in state.vaults.values() for archive in vault.archives.values()
    )
    days = calendar.monthrange(now.year, now.month)[1]
    return stored * FREE_TIER_PERCENT // 100 // days


def _standard_retrievals(state: RegionState) -> Iterator[Job]:
    for vault in state.vaults.values():
        for job in vault.jobs.values():
            if job.is_archive_retrieval and job.tier == STANDARD:
                yield job
