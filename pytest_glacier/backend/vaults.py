"""Vaults: create, describe, list and delete (GLACIER_SPEC §2.1, §3, §8).

Also the lookup every vault-scoped operation starts with, :func:`get_vault`, which answers the
real 404 for a vault that does not exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pytest_glacier.backend.accounts import resolve_account
from pytest_glacier.backend.arns import vault_arn, vault_name_from_arn
from pytest_glacier.backend.context import RequestContext
from pytest_glacier.backend.dates import iso_millis
from pytest_glacier.backend.errors import (
    InvalidParameterValueException,
    LimitExceededException,
    ResourceNotFoundException,
)
from pytest_glacier.backend.glacier import Backend
from pytest_glacier.backend.inventory import VaultInventory, is_empty_and_quiet, record_creation
from pytest_glacier.backend.operations import Output, operation
from pytest_glacier.backend.paging import parse_limit
from pytest_glacier.backend.state import RegionState

if TYPE_CHECKING:  # archives and multipart import this module (get_vault)
    from pytest_glacier.backend.archives import Archive
    from pytest_glacier.backend.jobs import Job
    from pytest_glacier.backend.multipart import MultipartUpload
    from pytest_glacier.backend.vault_lock import VaultLock

VAULT_NAME = re.compile(r"[a-zA-Z0-9_.\-]{1,255}")
MAX_VAULTS_PER_REGION = 1_000
LIST_VAULTS_DEFAULT_LIMIT = 10
LIST_VAULTS_MAX_LIMIT = 10


@dataclass(eq=False)
class Vault:
    """One vault and everything attached to it; all of it goes when the vault is deleted."""

    name: str
    arn: str
    creation_date: datetime
    account_id: str
    """The account that owns the vault (the one in its ARN)."""
    tags: dict[str, str] = field(default_factory=dict)
    access_policy: str | None = None
    """The vault access policy exactly as it was set."""
    notification_config: dict[str, Any] | None = None
    """``{"SNSTopic": ..., "Events": [...]}`` as set, or None."""
    archives: dict[str, Archive] = field(default_factory=dict)
    inventory: VaultInventory = field(default_factory=VaultInventory)
    jobs: dict[str, Job] = field(default_factory=dict)
    """Job id -> retrieval job: in progress, or completed less than 24 hours ago."""
    uploads: dict[str, MultipartUpload] = field(default_factory=dict)
    """Upload id -> multipart upload: in progress, or finished recently (kept for repeats)."""
    lock: VaultLock | None = None
    """The vault lock policy (InProgress or Locked), or None (GLACIER_SPEC §6)."""


def region_of(glacier: Backend, ctx: RequestContext, account_id: str) -> RegionState:
    """The state of the account that the ``accountId`` segment names, in the caller's region."""
    return glacier.region_state(resolve_account(ctx, account_id), ctx.region)


def get_vault(glacier: Backend, ctx: RequestContext, account_id: str, vault_name: str) -> Vault:
    """The vault a vault-scoped request names, or the real 404 (GLACIER_SPEC §1.6)."""
    state = region_of(glacier, ctx, account_id)
    vault = state.vaults.get(vault_name)
    if vault is None:
        raise vault_not_found(state, vault_name)
    return vault


def vault_not_found(state: RegionState, vault_name: str) -> ResourceNotFoundException:
    # Real Glacier names the ARN, except for a name that could never be a vault's: then it
    # echoes the raw name (observed: "Vault not found for ARN: testz:z").
    if VAULT_NAME.fullmatch(vault_name):
        name = vault_arn(state.region, state.account_id, vault_name)
    else:
        name = vault_name
    return ResourceNotFoundException(f"Vault not found for ARN: {name}")


def describe(vault: Vault) -> Output:
    """The vault as DescribeVault and ListVaults show it: counts from the last inventory."""
    last = vault.inventory.last
    return {
        "VaultARN": vault.arn,
        "VaultName": vault.name,
        "CreationDate": iso_millis(vault.creation_date),
        "LastInventoryDate": iso_millis(last.date) if last else None,
        "NumberOfArchives": last.number_of_archives if last else 0,
        "SizeInBytes": last.size_in_bytes if last else 0,
    }


@operation("CreateVault")
def create_vault(
    glacier: Backend, ctx: RequestContext, *, account_id: str, vault_name: str
) -> Output:
    state = region_of(glacier, ctx, account_id)
    if not VAULT_NAME.fullmatch(vault_name):
        raise InvalidParameterValueException(
            f"Invalid vault name: {vault_name!r}. A vault name is 1 to 255 characters of "
            f"a-z, A-Z, 0-9, '_' (underscore), '-' (hyphen) and '.' (period)."
        )
    location = f"/{state.account_id}/vaults/{vault_name}"
    if vault_name in state.vaults:
        return {"location": location}
    if len(state.vaults) >= MAX_VAULTS_PER_REGION:
        raise LimitExceededException(
            f"Cannot create vault {vault_name}: account {state.account_id} already has the "
            f"maximum of {MAX_VAULTS_PER_REGION} vaults in {state.region}. Delete vaults you "
            f"no longer need."
        )
    vault = Vault(
        name=vault_name,
        arn=vault_arn(state.region, state.account_id, vault_name),
        creation_date=glacier.now(),
        account_id=state.account_id,
    )
    state.vaults[vault_name] = vault
    # On the timeline before anything its creation causes (an immediate inventory).
    glacier.timeline.add(vault.creation_date, f"vault {vault_name} created in {state.region}")
    record_creation(glacier, vault)
    return {"location": location}


@operation("DescribeVault")
def describe_vault(
    glacier: Backend, ctx: RequestContext, *, account_id: str, vault_name: str
) -> Output:
    return describe(get_vault(glacier, ctx, account_id, vault_name))


@operation("ListVaults")
def list_vaults(
    glacier: Backend,
    ctx: RequestContext,
    *,
    account_id: str,
    marker: str | None = None,
    limit: str | None = None,
) -> Output:
    state = region_of(glacier, ctx, account_id)
    page_size = parse_limit(limit, default=LIST_VAULTS_DEFAULT_LIMIT, maximum=LIST_VAULTS_MAX_LIMIT)
    names = sorted(state.vaults)
    start_name = _marker_vault_name(marker)
    # The marker names the first vault of the page ("start at", GLACIER_SPEC §2.1: be
    # self-consistent); a vault deleted since still positions the page by name.
    remaining = [name for name in names if name >= start_name]
    page, rest = remaining[:page_size], remaining[page_size:]
    return {
        "VaultList": [describe(state.vaults[name]) for name in page],
        "Marker": state.vaults[rest[0]].arn if rest else None,
    }


def _marker_vault_name(marker: str | None) -> str:
    if not marker:
        return ""
    name = vault_name_from_arn(marker)
    if name is None:
        raise InvalidParameterValueException(
            f"Invalid marker: {marker!r}. Pass the Marker returned by the previous ListVaults "
            f"response (a vault ARN), or no marker to start from the first vault."
        )
    return name


@operation("DeleteVault")
def delete_vault(
    glacier: Backend, ctx: RequestContext, *, account_id: str, vault_name: str
) -> Output:
    state = region_of(glacier, ctx, account_id)
    vault = state.vaults.get(vault_name)
    if vault is None:
        raise vault_not_found(state, vault_name)
    if not is_empty_and_quiet(vault):
        raise InvalidParameterValueException(f"Vault not empty or recently written to: {vault.arn}")
    del state.vaults[vault_name]
    glacier.timeline.add(glacier.now(), f"vault {vault_name} deleted from {state.region}")
    return {}
