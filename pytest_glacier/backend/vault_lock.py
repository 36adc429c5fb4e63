"""Vault lock: initiate, complete, abort and get, and the 24-hour expiry (GLACIER_SPEC §2.2, §6).

A vault has at most one lock policy. InitiateVaultLock installs it ``InProgress`` with a new lock
id; CompleteVaultLock with that id makes it ``Locked``, and a Locked policy never changes or goes
away (it is enforced, like the access policy, by :mod:`pytest_glacier.backend.access`, in both
states, on every operation but the four lock operations themselves, so that an InProgress lock
can always be completed, aborted or read). An InProgress lock that is not completed expires
exactly 24 hours after it was initiated: :class:`VaultLockExpiry` removes it at that simulated
time (and writes it on the timeline), so ``advance(hours=24)`` shows the vault as if no lock had
ever been initiated.

Where GLACIER_SPEC §6.1 marks a transition UNCONFIRMED, its recommendation is followed:
CompleteVaultLock without a lock in progress is a 400 InvalidParameterValueException, and
InitiateVaultLock on a Locked vault a 403 AccessDeniedException.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from pytest_glacier.backend import ids
from pytest_glacier.backend.context import RequestContext
from pytest_glacier.backend.dates import iso_millis
from pytest_glacier.backend.errors import (
    AccessDeniedException,
    InvalidParameterValueException,
    ResourceNotFoundException,
)
from pytest_glacier.backend.glacier import Backend
from pytest_glacier.backend.operations import Output, operation
from pytest_glacier.backend.policies import InvalidPolicyDocument, validate_policy_document
from pytest_glacier.backend.timeline import event_source
from pytest_glacier.backend.vaults import get_vault

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pytest_glacier.backend.vaults import Vault

LockState = Literal["InProgress", "Locked"]
IN_PROGRESS: LockState = "InProgress"
LOCKED: LockState = "Locked"
IN_PROGRESS_LIFETIME = timedelta(hours=24)
"""How long an InProgress lock lasts before it expires (DG:api-InitiateVaultLock)."""

INVALID_LOCK_POLICY = "The specified vault lock policy is invalid. Provide a valid policy."
"""The real message for any invalid lock policy, exactly and with nothing added (GLACIER_SPEC
§1.6): whatever was wrong (not JSON, not a policy, an unknown condition key, over 20 KB)."""


@dataclass(eq=False)
class VaultLock:
    """A vault's lock policy and its state."""

    lock_id: str
    policy: str
    """The lock policy exactly as it was given."""
    state: LockState
    creation_date: datetime

    @property
    def expiration_date(self) -> datetime:
        """When an InProgress lock expires: 24 hours after it was initiated."""
        return self.creation_date + IN_PROGRESS_LIFETIME


def _expire(glacier: Backend, vault: Vault, lock: VaultLock, at: datetime) -> None:
    vault.lock = None
    glacier.timeline.add(
        at,
        f"vault lock {lock.lock_id} of vault {vault.name} expired: it was not completed within "
        f"24 hours of its initiation, so its policy was removed",
    )


def _in_progress(glacier: Backend) -> Iterator[tuple[Vault, VaultLock]]:
    for state in glacier.region_states():
        for vault in state.vaults.values():
            lock = vault.lock
            if lock is not None and lock.state == IN_PROGRESS:
                yield vault, lock


@event_source
class VaultLockExpiry:
    """Removes each InProgress vault lock exactly 24 hours after it was initiated."""

    def next_due(self, glacier: Backend, after: datetime) -> datetime | None:
        # Every InProgress lock's expiry counts, even one before ``after``: a lock initiated
        # after the test moved the clock back expires in the past of the latest catch-up, and
        # must still expire when time reaches it again (as jobs do).
        del after
        return min((lock.expiration_date for _, lock in _in_progress(glacier)), default=None)

    def fire(self, glacier: Backend, at: datetime) -> None:
        for vault, lock in list(_in_progress(glacier)):
            if lock.expiration_date <= at:
                _expire(glacier, vault, lock, lock.expiration_date)


def _checked_lock_policy(policy: dict[str, Any] | None) -> str:
    """The lock policy's text; a policy that is there but invalid gets the real message.

    The reasons :func:`validate_policy_document` gives are dropped on purpose: real Glacier
    answers every invalid lock policy with this one message, and code that matches on it must
    behave the same against the mock. (SetVaultAccessPolicy, whose real message is not known,
    keeps them.)
    """
    text = None if policy is None else policy.get("Policy")
    if text is not None and not isinstance(text, str):
        raise InvalidParameterValueException(INVALID_LOCK_POLICY)
    try:
        validate_policy_document(text, kind="vault lock")
    except InvalidPolicyDocument:
        raise InvalidParameterValueException(INVALID_LOCK_POLICY) from None
    assert text is not None  # validate_policy_document refuses a missing policy
    return text


@operation("InitiateVaultLock")
def initiate_vault_lock(
    glacier: Backend,
    ctx: RequestContext,
    *,
    account_id: str,
    vault_name: str,
    policy: dict[str, Any] | None = None,
) -> Output:
    vault = get_vault(glacier, ctx, account_id, vault_name)
    lock = vault.lock
    if lock is not None and lock.state == LOCKED:
        raise AccessDeniedException(
            f"Vault {vault.arn} is already locked: a Locked vault lock policy can never be "
            f"changed or replaced."
        )
    if lock is not None:
        raise AccessDeniedException(
            f"A vault lock is already in progress for {vault.arn} (lock ID {lock.lock_id}). "
            f"Abort it with AbortVaultLock before initiating a new one."
        )
    text = _checked_lock_policy(policy)
    now = glacier.now()
    vault.lock = VaultLock(ids.lock_id(), text, IN_PROGRESS, now)
    glacier.schedule(vault.lock.expiration_date)
    glacier.timeline.add(
        now,
        f"vault lock {vault.lock.lock_id} initiated on vault {vault.name} (InProgress; expires "
        f"{iso_millis(vault.lock.expiration_date)} unless completed)",
    )
    return {"lockId": vault.lock.lock_id}


@operation("CompleteVaultLock")
def complete_vault_lock(
    glacier: Backend, ctx: RequestContext, *, account_id: str, vault_name: str, lock_id: str
) -> Output:
    vault = get_vault(glacier, ctx, account_id, vault_name)
    lock = vault.lock
    if lock is None:
        raise InvalidParameterValueException(
            f"Invalid lock ID: {lock_id}. No vault lock is in progress for {vault.arn}; "
            f"InitiateVaultLock starts one, and an InProgress lock expires 24 hours after it "
            f"was initiated."
        )
    if lock.state == LOCKED:
        if lock_id == lock.lock_id:
            return {}  # completing again with the same id changes nothing
        raise AccessDeniedException(
            f"Vault {vault.arn} is already locked, and {lock_id} is not the lock ID it was "
            f"locked with."
        )
    if lock_id != lock.lock_id:
        raise InvalidParameterValueException(
            f"Invalid lock ID: {lock_id}. It is not the ID of the vault lock in progress for "
            f"{vault.arn}."
        )
    lock.state = LOCKED
    glacier.timeline.add(
        glacier.now(), f"vault lock {lock.lock_id} of vault {vault.name} completed (Locked)"
    )
    return {}


@operation("AbortVaultLock")
def abort_vault_lock(
    glacier: Backend, ctx: RequestContext, *, account_id: str, vault_name: str
) -> Output:
    vault = get_vault(glacier, ctx, account_id, vault_name)
    lock = vault.lock
    if lock is None:
        return {}  # idempotent
    if lock.state == LOCKED:
        raise AccessDeniedException(
            f"Vault {vault.arn} is locked: a Locked vault lock policy can never be aborted or "
            f"removed."
        )
    vault.lock = None
    glacier.timeline.add(glacier.now(), f"vault lock {lock.lock_id} of vault {vault.name} aborted")
    return {}


@operation("GetVaultLock")
def get_vault_lock(
    glacier: Backend, ctx: RequestContext, *, account_id: str, vault_name: str
) -> Output:
    vault = get_vault(glacier, ctx, account_id, vault_name)
    lock = vault.lock
    if lock is None:
        raise ResourceNotFoundException(f"No vault lock policy is set for: {vault.name}")
    return {
        "Policy": lock.policy,
        "State": lock.state,
        # While InProgress: when the lock expires. A Locked lock never does (GLACIER_SPEC §2.2:
        # "may be null when Locked").
        "ExpirationDate": iso_millis(lock.expiration_date) if lock.state == IN_PROGRESS else None,
        "CreationDate": iso_millis(lock.creation_date),
    }
