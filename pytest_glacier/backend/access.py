"""Who may do what to a vault: IAM-style evaluation of the vault's resource policies.

Every vault-scoped request is authorized here after the vault is found and before the operation
acts (:func:`authorize_request`, called by :meth:`Backend.dispatch`). A vault has up to two
resource policies, its access policy and its vault lock policy (InProgress or Locked), and both
are evaluated as IAM evaluates resource-based policies (GLACIER_SPEC §6.2):

1. an explicit ``Deny`` in either policy that applies to the request wins;
2. otherwise a caller of the vault's own account is allowed (the mock has no IAM: every identity
   is taken to hold all Glacier permissions on its own account's vaults);
3. a caller of another account is allowed only when a statement ``Allow``\\ s it.

The lock policy does not govern the four operations that manage it (InitiateVaultLock,
CompleteVaultLock, AbortVaultLock, GetVaultLock); the access policy does
(:data:`LOCK_MANAGEMENT_OPERATIONS` says why).

A statement applies when its principal, action, resource and every condition match. The values
of condition keys come from the request (:class:`RequestFacts`). Account-level operations
(ListVaults, the data retrieval policy, provisioned capacity) have no resource policy: another
account is always denied.

No policy on the vault costs two dictionary lookups; a policy's text is parsed once and kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pytest_glacier.backend.accounts import resolve_account
from pytest_glacier.backend.arns import Identity, parse_identity, vault_arn
from pytest_glacier.backend.conditions import (
    Condition,
    compile_conditions,
    conditions_hold,
    glob_match,
)
from pytest_glacier.backend.context import RequestContext
from pytest_glacier.backend.dates import iso_seconds
from pytest_glacier.backend.errors import AccessDeniedException
from pytest_glacier.backend.policies import PolicyStatement, validate_policy_document

if TYPE_CHECKING:
    from pytest_glacier.backend.archives import Archive
    from pytest_glacier.backend.glacier import Backend
    from pytest_glacier.backend.vaults import Vault

RESOURCE_TAG_OPERATIONS = frozenset(
    {
        "AddTagsToVault",
        "RemoveTagsFromVault",
        "CompleteVaultLock",
        "InitiateVaultLock",
        "CompleteMultipartUpload",
        "DeleteArchive",
        "DeleteVault",
        "DeleteVaultAccessPolicy",
        "SetVaultAccessPolicy",
        "DeleteVaultNotifications",
        "SetVaultNotifications",
        "InitiateJob",
        "InitiateMultipartUpload",
        "UploadArchive",
        "UploadMultipartPart",
    }
)
"""The operations whose request carries ``glacier:ResourceTag/<key>`` (GLACIER_SPEC §6.3)."""

ARCHIVE_AGE_OPERATIONS = frozenset({"DeleteArchive", "InitiateJob"})
"""The operations whose request carries ``glacier:ArchiveAgeInDays`` (GLACIER_SPEC §6.3)."""

LOCK_MANAGEMENT_OPERATIONS = frozenset(
    {"InitiateVaultLock", "CompleteVaultLock", "AbortVaultLock", "GetVaultLock"}
)
"""The operations the vault lock policy is not evaluated for (the access policy still is).

GLACIER_SPEC §6.2 enforces an InProgress lock policy exactly as a Locked one, "the only difference
is that it can still be aborted", and §6.1 answers AbortVaultLock, and CompleteVaultLock with the
right lock id, with 204 unconditionally. An InProgress lock is there to be tested and then
completed or aborted: a policy that denies ``glacier:*`` must not lock its owner out of doing so.
"""

SOURCE_IP = "127.0.0.1"
"""The ``aws:SourceIp`` of every request: in-process calls come from the local machine.

Every real request has a source address, so the key is never absent; if it were, a Deny with
``NotIpAddress`` (true for an absent key) would deny every request.
"""


# -- the caller ------------------------------------------------------------------------------


def caller_identity(ctx: RequestContext) -> Identity:
    identity = parse_identity(ctx.caller_arn) if ctx.principal_arn else None
    if identity is None or identity.account != ctx.account_id:
        return Identity(
            f"arn:{ctx.partition}:iam::{ctx.account_id}:root", ctx.account_id, "Account"
        )
    return identity


def principal_matches(value: str, caller: Identity) -> bool:
    """Whether one ``"AWS"`` principal of a policy names the caller (or the caller's account)."""
    if value == "*":
        return True
    if value.isdigit():
        return value == caller.account
    named = parse_identity(value)
    if named is None or named.account != caller.account:
        return False
    if named.type == "Account":
        return True  # the account: every identity in it
    if named.type == "Role" and caller.type == "AssumedRole":
        return caller.name == named.name  # a session of that role (paths are not in its ARN)
    return caller.arn == value


# -- compiled policies ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    """One statement, ready to be matched against requests."""

    number: int
    sid: str | None
    deny: bool
    principals: tuple[str, ...] | None
    not_principals: tuple[str, ...] | None
    actions: tuple[str, ...] | None
    not_actions: tuple[str, ...] | None
    resources: tuple[str, ...] | None
    not_resources: tuple[str, ...] | None
    conditions: tuple[Condition, ...]

    def applies(self, caller: Identity, action: str, resource: str, facts: RequestFacts) -> bool:
        """Whether the statement covers this caller, action (lower-cased) and resource."""
        return (
            (self.principals is None or _any_principal(self.principals, caller))
            and (self.not_principals is None or not _any_principal(self.not_principals, caller))
            and (self.actions is None or _any_glob(self.actions, action))
            and (self.not_actions is None or not _any_glob(self.not_actions, action))
            and (self.resources is None or _any_glob(self.resources, resource))
            and (self.not_resources is None or not _any_glob(self.not_resources, resource))
            and conditions_hold(self.conditions, facts.values)
        )

    def describe(self) -> str:
        return f"statement {self.sid!r}" if self.sid else f"statement {self.number}"


def _any_principal(principals: Sequence[str], caller: Identity) -> bool:
    return any(principal_matches(value, caller) for value in principals)


def _any_glob(patterns: Sequence[str], value: str) -> bool:
    return any(glob_match(pattern, value) for pattern in patterns)


def _principals(principal: Mapping[str, list[str]] | None) -> tuple[str, ...] | None:
    if principal is None:
        return None
    values: list[str] = []
    for principal_type, ids in principal.items():
        if principal_type in ("*", "AWS"):
            values.extend(ids)
        # Service, Federated and CanonicalUser principals never name a caller of the mock.
    return tuple(values)


def _lowered(items: list[str] | None) -> tuple[str, ...] | None:
    return None if items is None else tuple(item.lower() for item in items)


def _compile_statement(number: int, raw: PolicyStatement) -> Statement:
    return Statement(
        number=number,
        sid=raw["Sid"],
        deny=raw["Effect"] == "Deny",
        principals=_principals(raw["Principal"]),
        not_principals=_principals(raw["NotPrincipal"]),
        actions=_lowered(raw["Action"]),  # action names are case-insensitive
        not_actions=_lowered(raw["NotAction"]),
        resources=None if raw["Resource"] is None else tuple(raw["Resource"]),
        not_resources=None if raw["NotResource"] is None else tuple(raw["NotResource"]),
        conditions=compile_conditions(raw["Condition"]),
    )


@lru_cache(maxsize=256)
def compiled_policy(text: str) -> tuple[Statement, ...]:
    """The statements of a policy text that was validated when it was set."""
    document = validate_policy_document(text, kind="vault")
    return tuple(
        _compile_statement(number, raw) for number, raw in enumerate(document["Statement"], 1)
    )


# -- the request's condition values --------------------------------------------------------------


class RequestFacts:
    """The values of condition keys for one request, computed only when a policy asks."""

    def __init__(
        self,
        *,
        glacier: Backend,
        ctx: RequestContext,
        caller: Identity,
        operation: str,
        vault: Vault,
        params: Mapping[str, Any],
        archive: Archive | None,
    ) -> None:
        self.glacier = glacier
        self.ctx = ctx
        self.caller = caller
        self.operation = operation
        self.vault = vault
        self.params = params
        self.archive = archive

    def values(self, key: str) -> Sequence[str] | None:
        """The request's values of condition key ``key`` (lower-cased), None when absent."""
        if key.startswith(("glacier:resourcetag/", "aws:resourcetag/")):
            if self.operation not in RESOURCE_TAG_OPERATIONS:
                return None
            return _tag_value(self.vault.tags, key.split("/", 1)[1])
        if key.startswith("aws:requesttag/"):
            return _tag_value(self._request_tags(), key.split("/", 1)[1])
        simple = _SIMPLE_KEYS.get(key)
        return simple(self) if simple else None

    def archive_age(self) -> list[str] | None:
        if self.operation not in ARCHIVE_AGE_OPERATIONS:
            return None
        archive = self.archive or self._named_archive()
        if archive is None:
            return None
        age = self.glacier.now() - archive.creation_date
        return [str(max(age, timedelta(0)) // timedelta(days=1))]

    def _named_archive(self) -> Archive | None:
        archive_id = self.params.get("archive_id")
        if archive_id is None:
            job = self.params.get("job_parameters")
            archive_id = job.get("ArchiveId") if isinstance(job, dict) else None
        if not isinstance(archive_id, str):
            return None
        return self.vault.archives.get(archive_id)

    def _request_tags(self) -> Mapping[str, str]:
        tags = self.params.get("tags") if self.operation == "AddTagsToVault" else None
        if not isinstance(tags, dict):
            return {}
        # Authorized before the handler checks the request: a null value is no tag value yet.
        return {key: value for key, value in tags.items() if isinstance(value, str)}

    def tag_keys(self) -> list[str] | None:
        if self.operation == "AddTagsToVault":
            return list(self._request_tags())
        if self.operation == "RemoveTagsFromVault":
            keys = self.params.get("tag_keys")
            return [key for key in keys if isinstance(key, str)] if isinstance(keys, list) else []
        return None

    def username(self) -> list[str] | None:
        return [self.caller.name] if self.caller.type == "User" and self.caller.name else None

    def userid(self) -> list[str] | None:
        # Only the root's is derivable: users' and roles' ids are IAM's own (AIDA..., AROA...).
        return [self.caller.account] if self.caller.type == "Account" else None


def _tag_value(tags: Mapping[str, str], key: str) -> list[str] | None:
    # Tag keys in condition keys are matched without regard to case.
    for name, value in tags.items():
        if name.lower() == key:
            return [value]
    return None


def _bool(value: bool) -> list[str]:
    return ["true" if value else "false"]


_SIMPLE_KEYS: dict[str, Any] = {
    "glacier:archiveageindays": RequestFacts.archive_age,
    "aws:tagkeys": RequestFacts.tag_keys,
    "aws:currenttime": lambda facts: [iso_seconds(facts.glacier.now())],
    "aws:epochtime": lambda facts: [str(int(facts.glacier.now().timestamp()))],
    "aws:securetransport": lambda facts: _bool(facts.ctx.secure_transport),
    "aws:principalaccount": lambda facts: [facts.caller.account],
    "aws:principalarn": lambda facts: [facts.caller.role_arn or facts.caller.arn],
    "aws:principaltype": lambda facts: [facts.caller.type],
    "aws:principalisawsservice": lambda facts: ["false"],
    "aws:viaawsservice": lambda facts: ["false"],
    "aws:requestedregion": lambda facts: [facts.ctx.region],
    "aws:sourceip": lambda facts: [SOURCE_IP],
    "aws:resourceaccount": lambda facts: [facts.vault.account_id],
    "aws:username": RequestFacts.username,
    "aws:userid": RequestFacts.userid,
}
"""Keys the mock has a value for, besides tags (the others are absent from every request)."""


# -- decisions -------------------------------------------------------------------------------------


def denied(caller: Identity, action: str, resource: str, by: str | None) -> AccessDeniedException:
    """AWS's wording; ``by`` names the policy and statement of an explicit deny."""
    prefix = f"User: {caller.arn} is not authorized to perform: {action} on resource: {resource}"
    if by is None:
        return AccessDeniedException(
            f"{prefix} because no resource-based policy allows the {action} action"
        )
    return AccessDeniedException(
        f"{prefix} with an explicit deny in a resource-based policy ({by})"
    )


def _lock_policy_governing(vault: Vault, operation: str) -> str | None:
    """The text of the vault's lock policy when it applies to ``operation``, else None."""
    if vault.lock is None or operation in LOCK_MANAGEMENT_OPERATIONS:
        return None
    return vault.lock.policy


def authorize(
    glacier: Backend,
    ctx: RequestContext,
    operation: str,
    vault: Vault,
    archive: Archive | None = None,
    *,
    params: Mapping[str, Any] | None = None,
) -> None:
    """Raise AccessDeniedException unless the vault's policies let the caller do ``operation``.

    ``archive`` is the archive the request acts on, when the caller already knows it; otherwise
    ``glacier:ArchiveAgeInDays`` comes from ``params`` (``archive_id``, or the ``ArchiveId`` of
    an archive-retrieval job).
    """
    lock_policy = _lock_policy_governing(vault, operation)
    own = vault.account_id == ctx.account_id
    if vault.access_policy is None and lock_policy is None and own:
        return
    caller = caller_identity(ctx)
    action = f"glacier:{operation}"
    action_key = action.lower()  # IAM action names compare case-insensitively
    facts = RequestFacts(
        glacier=glacier,
        ctx=ctx,
        caller=caller,
        operation=operation,
        vault=vault,
        params=params or {},
        archive=archive,
    )
    policies = []
    if lock_policy is not None:
        policies.append(("the vault lock policy", lock_policy))
    if vault.access_policy is not None:
        policies.append(("the vault access policy", vault.access_policy))
    allowed = own
    for label, text in policies:
        for statement in compiled_policy(text):
            if not statement.applies(caller, action_key, vault.arn, facts):
                continue
            if statement.deny:
                raise denied(caller, action, vault.arn, f"{label}, {statement.describe()}")
            allowed = True
    if not allowed:
        raise denied(caller, action, vault.arn, None)


_ACCOUNT_RESOURCES = {
    "ListVaults": "vaults/*",
    "GetDataRetrievalPolicy": "policies/retrieval-limit-policy",
    "SetDataRetrievalPolicy": "policies/retrieval-limit-policy",
}


def authorize_request(
    glacier: Backend, ctx: RequestContext, operation: str, params: Mapping[str, Any]
) -> None:
    """Authorize one request by its operation and params (what :meth:`Backend.dispatch` calls).

    The ``accountId`` segment names the account whose state is acted on: ``-`` or the caller's
    own id is the caller's account; another 12-digit id is that account, which the caller may
    reach only through a vault whose policy allows it. A vault that does not exist is left to
    the operation (its 404, or CreateVault) for the caller's own account, and denied otherwise.
    """
    account_id = params.get("account_id", "-")
    owner = resolve_account(ctx, account_id)
    vault_name = params.get("vault_name")
    if vault_name is None:
        if owner != ctx.account_id:
            resource = _ACCOUNT_RESOURCES.get(operation, "*")
            arn = f"arn:{ctx.partition}:glacier:{ctx.region}:{owner}:{resource}"
            raise denied(caller_identity(ctx), f"glacier:{operation}", arn, None)
        return
    state = glacier.find_region_state(owner, ctx.region)
    vault = state.vaults.get(vault_name) if state is not None else None
    if vault is None:
        if owner != ctx.account_id:
            arn = vault_arn(ctx.region, owner, vault_name)
            raise denied(caller_identity(ctx), f"glacier:{operation}", arn, None)
        return
    authorize(glacier, ctx, operation, vault, params=params)
