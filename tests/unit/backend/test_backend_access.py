"""Policy evaluation for every vault request (backend/access.py, GLACIER_SPEC §1.2, §6.2, §6.3).

The vault access policy and the vault lock policy are evaluated the IAM way: an explicit Deny in
either wins, the vault's own account needs no Allow, another account needs one.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from backend_fakes import ACCOUNT, CTX, OTHER_ACCOUNT, REGION, START, Harness

from pytest_glacier.backend import RequestContext
from pytest_glacier.backend.access import authorize, principal_matches
from pytest_glacier.backend.archives import Archive
from pytest_glacier.backend.arns import parse_identity
from pytest_glacier.backend.errors import (
    AccessDeniedException,
    InvalidParameterValueException,
    ResourceNotFoundException,
)
from pytest_glacier.backend.vaults import Vault
from pytest_glacier.options import build_options

VAULT_ARN = f"arn:aws:glacier:{REGION}:{ACCOUNT}:vaults/vault"
FOREIGN = RequestContext(REGION, OTHER_ACCOUNT)
THIRD = RequestContext(REGION, "333333333333")


def statement(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"Effect": "Allow", "Principal": "*", "Action": "glacier:*"}
    base.update(fields)
    return {key: value for key, value in base.items() if value is not None}


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@pytest.fixture
def g() -> Harness:
    harness = Harness()
    harness.create_vault("vault")
    return harness


def vault_of(g: Harness, name: str = "vault") -> Vault:
    return g.backend.region_state(ACCOUNT, REGION).vaults[name]


def set_access_policy(g: Harness, *statements: dict[str, Any]) -> None:
    g.call("SetVaultAccessPolicy", vault_name="vault", policy={"Policy": policy(*statements)})


def lock(g: Harness, *statements: dict[str, Any], complete: bool = True) -> str:
    output = g.call("InitiateVaultLock", vault_name="vault", policy={"Policy": policy(*statements)})
    lock_id: str = output["lockId"]
    if complete:
        g.call("CompleteVaultLock", vault_name="vault", lock_id=lock_id)
    return lock_id


def put_archive(g: Harness, archive_id: str, age: timedelta = timedelta(0)) -> Archive:
    """Store an archive uploaded ``age`` ago, straight into the backend's state."""
    archive = Archive(
        archive_id=archive_id,
        description="",
        creation_date=g.clock.now() - age,
        size=1,
        tree_hash="00",
        parts=(b"x",),
    )
    vault_of(g).archives[archive_id] = archive
    g.backend.region_state(ACCOUNT, REGION).archive_vaults[archive_id] = "vault"
    return archive


def describe_as(g: Harness, ctx: RequestContext, account: str = ACCOUNT) -> Any:
    return g.call("DescribeVault", ctx, account_id=account, vault_name="vault")


def denied_message(g: Harness, operation: str, ctx: RequestContext = CTX, **params: Any) -> str:
    params.setdefault("vault_name", "vault")
    with pytest.raises(AccessDeniedException) as err:
        g.call(operation, ctx, **params)
    assert err.value.status == 403
    return err.value.message


# -- no policy -------------------------------------------------------------------------------------


def test_without_a_policy_the_owner_may_do_everything(g: Harness) -> None:
    g.call("AddTagsToVault", vault_name="vault", tags={"a": "b"})
    assert describe_as(g, CTX)["VaultName"] == "vault"
    assert describe_as(g, CTX, "-")["VaultName"] == "vault"


def test_without_a_policy_another_account_is_denied(g: Harness) -> None:
    message = denied_message(g, "DescribeVault", FOREIGN, account_id=ACCOUNT)
    assert message == (
        f"User: arn:aws:iam::{OTHER_ACCOUNT}:root is not authorized to perform: "
        f"glacier:DescribeVault on resource: {VAULT_ARN} because no resource-based policy allows "
        f"the glacier:DescribeVault action"
    )


def test_another_accounts_missing_vault_is_denied_not_404(g: Harness) -> None:
    message = denied_message(g, "DescribeVault", FOREIGN, account_id=ACCOUNT, vault_name="nope")
    assert f"arn:aws:glacier:{REGION}:{ACCOUNT}:vaults/nope" in message
    with pytest.raises(AccessDeniedException):
        g.call("CreateVault", FOREIGN, account_id=ACCOUNT, vault_name="new")
    assert "new" not in g.backend.region_state(ACCOUNT, REGION).vaults


def test_the_owners_missing_vault_is_still_404(g: Harness) -> None:
    with pytest.raises(ResourceNotFoundException):
        g.call("DescribeVault", vault_name="nope")


@pytest.mark.parametrize(
    ("operation", "params", "resource"),
    [
        ("ListVaults", {}, "vaults/*"),
        ("GetDataRetrievalPolicy", {}, "policies/retrieval-limit-policy"),
        ("SetDataRetrievalPolicy", {"policy": {"Rules": [{"Strategy": "None"}]}}, "policies/"),
        ("ListProvisionedCapacity", {}, ":*"),
        ("PurchaseProvisionedCapacity", {}, ":*"),
    ],
)
def test_account_level_operations_of_another_account_are_denied(
    g: Harness, operation: str, params: dict[str, Any], resource: str
) -> None:
    set_access_policy(g, statement())  # vault policies do not reach account-level operations
    with pytest.raises(AccessDeniedException) as err:
        g.call(operation, FOREIGN, account_id=ACCOUNT, **params)
    assert f"glacier:{operation} on resource: arn:aws:glacier:{REGION}:{ACCOUNT}" in str(err.value)
    assert resource in err.value.message


@pytest.mark.parametrize("account", ["1234-5678-9012", "12345", "abc"])
def test_a_malformed_account_id_is_denied(g: Harness, account: str) -> None:
    with pytest.raises(AccessDeniedException) as err:
        g.call("DescribeVault", account_id=account, vault_name="vault")
    assert f"Access denied for account ID: {account}" in err.value.message


# -- cross-account grants --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "principal",
    [
        "*",
        {"AWS": "*"},
        {"AWS": OTHER_ACCOUNT},
        {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
        {"AWS": ["arn:aws:iam::444455556666:root", OTHER_ACCOUNT]},
    ],
)
def test_an_allow_grants_another_account(g: Harness, principal: Any) -> None:
    set_access_policy(g, statement(Principal=principal, Action="glacier:DescribeVault"))
    assert describe_as(g, FOREIGN)["VaultARN"] == VAULT_ARN


def test_an_allow_for_one_account_does_not_grant_another(g: Harness) -> None:
    set_access_policy(g, statement(Principal={"AWS": OTHER_ACCOUNT}))
    denied_message(g, "DescribeVault", THIRD, account_id=ACCOUNT)


def test_a_grant_is_per_action(g: Harness) -> None:
    set_access_policy(
        g, statement(Principal={"AWS": OTHER_ACCOUNT}, Action="glacier:ListTagsForVault")
    )
    g.call("ListTagsForVault", FOREIGN, account_id=ACCOUNT, vault_name="vault")
    denied_message(g, "AddTagsToVault", FOREIGN, account_id=ACCOUNT, tags={"a": "b"})


def test_a_granted_caller_acts_on_the_owners_vault(g: Harness) -> None:
    set_access_policy(g, statement(Principal={"AWS": OTHER_ACCOUNT}))
    g.call("AddTagsToVault", FOREIGN, account_id=ACCOUNT, vault_name="vault", tags={"by": "other"})
    assert g.call("ListTagsForVault", vault_name="vault")["Tags"] == {"by": "other"}
    # '-' still means the caller's own account, where there is no such vault.
    with pytest.raises(ResourceNotFoundException):
        g.call("ListTagsForVault", FOREIGN, vault_name="vault")


@pytest.mark.parametrize(
    ("action", "allowed"),
    [
        ("glacier:DescribeVault", True),
        ("glacier:describevault", True),  # action names are case-insensitive
        ("glacier:Describe*", True),
        ("glacier:D?scribeVault", True),
        ("glacier:*", True),
        ("*", True),
        (["glacier:ListJobs", "glacier:DescribeVault"], True),
        ("glacier:DescribeJob", False),
        ("s3:DescribeVault", False),
        ("glacier:Describe", False),
    ],
)
def test_action_patterns(g: Harness, action: Any, allowed: bool) -> None:
    set_access_policy(g, statement(Principal={"AWS": OTHER_ACCOUNT}, Action=action))
    if allowed:
        describe_as(g, FOREIGN)
    else:
        denied_message(g, "DescribeVault", FOREIGN, account_id=ACCOUNT)


def test_not_action_applies_to_every_other_action(g: Harness) -> None:
    set_access_policy(
        g, statement(Principal={"AWS": OTHER_ACCOUNT}, Action=None, NotAction="glacier:Delete*")
    )
    describe_as(g, FOREIGN)
    denied_message(g, "DeleteVaultNotifications", FOREIGN, account_id=ACCOUNT)


@pytest.mark.parametrize(
    ("resource", "allowed"),
    [
        (VAULT_ARN, True),
        (f"arn:aws:glacier:{REGION}:{ACCOUNT}:vaults/*", True),
        ("arn:aws:glacier:*:*:vaults/vau?t", True),
        ("*", True),
        (f"arn:aws:glacier:{REGION}:{ACCOUNT}:vaults/other", False),
        (f"arn:aws:glacier:{REGION}:{ACCOUNT}:vaults/VAULT", False),  # ARNs are case-sensitive
    ],
)
def test_resource_patterns(g: Harness, resource: str, allowed: bool) -> None:
    set_access_policy(g, statement(Principal={"AWS": OTHER_ACCOUNT}, Resource=resource))
    if allowed:
        describe_as(g, FOREIGN)
    else:
        denied_message(g, "DescribeVault", FOREIGN, account_id=ACCOUNT)


def test_not_resource(g: Harness) -> None:
    set_access_policy(
        g, statement(Effect="Deny", NotResource=f"arn:aws:glacier:{REGION}:{ACCOUNT}:vaults/x*")
    )
    denied_message(g, "DescribeVault")


# -- explicit deny wins ----------------------------------------------------------------------------


def test_an_explicit_deny_applies_to_the_owner_too(g: Harness) -> None:
    set_access_policy(g, statement(Sid="no-tags", Effect="Deny", Action="glacier:AddTagsToVault"))
    message = denied_message(g, "AddTagsToVault", tags={"a": "b"})
    assert message == (
        f"User: arn:aws:iam::{ACCOUNT}:root is not authorized to perform: glacier:AddTagsToVault "
        f"on resource: {VAULT_ARN} with an explicit deny in a resource-based policy (the vault "
        f"access policy, statement 'no-tags')"
    )
    describe_as(g, CTX)


def test_deny_beats_allow_in_the_same_policy(g: Harness) -> None:
    set_access_policy(
        g,
        statement(Principal={"AWS": OTHER_ACCOUNT}),
        statement(Effect="Deny", Principal={"AWS": OTHER_ACCOUNT}, Action="glacier:DescribeVault"),
    )
    denied_message(g, "DescribeVault", FOREIGN, account_id=ACCOUNT)
    g.call("ListTagsForVault", FOREIGN, account_id=ACCOUNT, vault_name="vault")


def test_a_lock_policy_deny_beats_an_access_policy_allow(g: Harness) -> None:
    set_access_policy(g, statement(Principal={"AWS": OTHER_ACCOUNT}))
    lock(g, statement(Effect="Deny", Principal={"AWS": OTHER_ACCOUNT}, Action="glacier:Describe*"))
    message = denied_message(g, "DescribeVault", FOREIGN, account_id=ACCOUNT)
    assert "(the vault lock policy, statement 1)" in message


def test_an_allow_in_the_lock_policy_grants_too(g: Harness) -> None:
    lock(g, statement(Principal={"AWS": OTHER_ACCOUNT}, Action="glacier:DescribeVault"))
    describe_as(g, FOREIGN)


def test_an_in_progress_lock_is_enforced(g: Harness) -> None:
    lock(g, statement(Effect="Deny", Action="glacier:AddTagsToVault"), complete=False)
    denied_message(g, "AddTagsToVault", tags={"a": "b"})
    g.call("AbortVaultLock", vault_name="vault")
    g.call("AddTagsToVault", vault_name="vault", tags={"a": "b"})


def test_an_expired_lock_is_no_longer_enforced(g: Harness) -> None:
    lock(g, statement(Effect="Deny", Action="glacier:AddTagsToVault"), complete=False)
    g.advance(timedelta(hours=24))
    g.call("AddTagsToVault", vault_name="vault", tags={"a": "b"})


# -- the lock policy and the operations that manage it ---------------------------------------------

DENY_ALL = statement(Effect="Deny", Resource=VAULT_ARN)


def test_an_in_progress_lock_denying_everything_can_still_be_read_and_aborted(
    g: Harness,
) -> None:
    lock(g, DENY_ALL, complete=False)
    denied_message(g, "DescribeVault")  # enforced on everything else
    assert g.call("GetVaultLock", vault_name="vault")["State"] == "InProgress"
    g.call("AbortVaultLock", vault_name="vault")
    describe_as(g, CTX)


def test_an_in_progress_lock_denying_everything_can_still_be_completed(g: Harness) -> None:
    lock_id = lock(g, DENY_ALL, complete=False)
    g.call("CompleteVaultLock", vault_name="vault", lock_id=lock_id)
    assert g.call("GetVaultLock", vault_name="vault")["State"] == "Locked"
    g.call("CompleteVaultLock", vault_name="vault", lock_id=lock_id)  # idempotent, still allowed
    denied_message(g, "DescribeVault")


def test_lock_operations_give_their_own_answer_not_the_lock_policys_deny(g: Harness) -> None:
    lock_id = lock(g, DENY_ALL, complete=False)
    message = denied_message(g, "InitiateVaultLock", policy={"Policy": policy(DENY_ALL)})
    assert "already in progress" in message
    with pytest.raises(InvalidParameterValueException) as err:
        g.call("CompleteVaultLock", vault_name="vault", lock_id="wrong")
    assert "Invalid lock ID: wrong" in err.value.message
    g.call("CompleteVaultLock", vault_name="vault", lock_id=lock_id)
    assert "can never be aborted" in denied_message(g, "AbortVaultLock")


def test_the_access_policy_still_governs_lock_operations(g: Harness) -> None:
    set_access_policy(g, statement(Effect="Deny", Action="glacier:AbortVaultLock"))
    lock(g, DENY_ALL, complete=False)
    message = denied_message(g, "AbortVaultLock")
    assert message.endswith("(the vault access policy, statement 1)")
    g.call("GetVaultLock", vault_name="vault")


def test_an_allow_in_the_lock_policy_does_not_grant_lock_operations(g: Harness) -> None:
    lock(g, statement(Principal={"AWS": OTHER_ACCOUNT}))
    describe_as(g, FOREIGN)
    message = denied_message(g, "GetVaultLock", FOREIGN, account_id=ACCOUNT)
    assert message.endswith(
        "because no resource-based policy allows the glacier:GetVaultLock action"
    )


def test_a_deny_for_another_principal_does_not_apply(g: Harness) -> None:
    set_access_policy(g, statement(Effect="Deny", Principal={"AWS": OTHER_ACCOUNT}))
    describe_as(g, CTX)


# -- principals ------------------------------------------------------------------------------------


def user(name: str, account: str = OTHER_ACCOUNT) -> RequestContext:
    return RequestContext(REGION, account, principal_arn=f"arn:aws:iam::{account}:user/{name}")


def test_a_user_principal_names_only_that_user(g: Harness) -> None:
    set_access_policy(g, statement(Principal={"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:user/alice"}))
    describe_as(g, user("alice"))
    denied_message(g, "DescribeVault", user("bob"), account_id=ACCOUNT)
    denied_message(g, "DescribeVault", FOREIGN, account_id=ACCOUNT)  # the root is not alice


def test_the_account_principal_names_every_identity_in_it(g: Harness) -> None:
    set_access_policy(g, statement(Principal={"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"}))
    describe_as(g, user("bob"))


def test_a_role_principal_names_its_sessions(g: Harness) -> None:
    role = f"arn:aws:iam::{OTHER_ACCOUNT}:role/auditor"
    set_access_policy(g, statement(Principal={"AWS": role}))
    session = f"arn:aws:sts::{OTHER_ACCOUNT}:assumed-role/auditor/jane"
    describe_as(g, RequestContext(REGION, OTHER_ACCOUNT, principal_arn=session))
    other = f"arn:aws:sts::{OTHER_ACCOUNT}:assumed-role/admin/jane"
    denied_message(
        g,
        "DescribeVault",
        RequestContext(REGION, OTHER_ACCOUNT, principal_arn=other),
        account_id=ACCOUNT,
    )


def test_not_principal_exempts_the_named(g: Harness) -> None:
    set_access_policy(
        g, statement(Effect="Deny", Principal=None, NotPrincipal={"AWS": ACCOUNT}, Action="*")
    )
    describe_as(g, CTX)
    lock(g, statement(Principal={"AWS": OTHER_ACCOUNT}))  # an allow cannot beat the deny
    denied_message(g, "DescribeVault", FOREIGN, account_id=ACCOUNT)


def test_service_principals_never_name_a_caller(g: Harness) -> None:
    set_access_policy(g, statement(Principal={"Service": "glacier.amazonaws.com"}))
    denied_message(g, "DescribeVault", FOREIGN, account_id=ACCOUNT)


@pytest.mark.parametrize(
    ("value", "caller_arn", "expected"),
    [
        ("*", "arn:aws:iam::111122223333:root", True),
        ("111122223333", "arn:aws:iam::111122223333:user/a", True),
        ("111122223333", "arn:aws:iam::444455556666:root", False),
        ("arn:aws:iam::111122223333:user/a", "arn:aws:iam::111122223333:user/a", True),
        ("arn:aws:iam::111122223333:user/a", "arn:aws:iam::111122223333:user/b", False),
        ("arn:aws:iam::111122223333:user/a", "arn:aws:iam::111122223333:root", False),
        ("arn:aws:iam::111122223333:role/r", "arn:aws:sts::111122223333:assumed-role/r/s", True),
        ("arn:aws:iam::111122223333:role/p/r", "arn:aws:sts::111122223333:assumed-role/r/s", True),
        (
            "arn:aws:sts::111122223333:assumed-role/r/s",
            "arn:aws:sts::111122223333:assumed-role/r/s",
            True,
        ),
        ("arn:aws:iam::111122223333:group/g", "arn:aws:iam::111122223333:root", False),
    ],
)
def test_principal_matching(value: str, caller_arn: str, expected: bool) -> None:
    caller = parse_identity(caller_arn)
    assert caller is not None
    assert principal_matches(value, caller) is expected


@pytest.mark.parametrize(
    "principal",
    ["bob", "arn:aws:iam::111122223333:group/g", "arn:aws:iam::111122223333:user/", "1234"],
)
def test_a_malformed_aws_principal_is_refused_when_set(g: Harness, principal: str) -> None:
    with pytest.raises(InvalidParameterValueException) as err:
        set_access_policy(g, statement(Principal={"AWS": principal}))
    expected = f"'AWS' value {principal!r} is not '*', a 12-digit account id or an IAM ARN"
    assert expected in str(err.value)


# -- condition keys --------------------------------------------------------------------------------

RETENTION = statement(
    Sid="deny-based-on-archive-age",
    Effect="Deny",
    Action="glacier:DeleteArchive",
    Resource=VAULT_ARN,
    Condition={"NumericLessThan": {"glacier:ArchiveAgeInDays": "365"}},
)


def test_archive_age_counts_whole_days_since_upload(g: Harness) -> None:
    lock(g, RETENTION)
    put_archive(g, "young", timedelta(days=365) - timedelta(seconds=1))
    put_archive(g, "old", timedelta(days=365))
    message = denied_message(g, "DeleteArchive", archive_id="young")
    assert "statement 'deny-based-on-archive-age'" in message
    g.call("DeleteArchive", vault_name="vault", archive_id="old")
    assert "old" not in vault_of(g).archives


def test_archive_age_follows_the_clock(g: Harness) -> None:
    lock(g, RETENTION)
    put_archive(g, "a")
    denied_message(g, "DeleteArchive", archive_id="a")
    g.advance(timedelta(days=364, hours=23))
    denied_message(g, "DeleteArchive", archive_id="a")
    g.advance(timedelta(hours=1))
    g.call("DeleteArchive", vault_name="vault", archive_id="a")


def test_archive_age_is_absent_for_an_unknown_archive(g: Harness) -> None:
    lock(g, RETENTION)
    g.call("DeleteArchive", vault_name="vault", archive_id="never-existed")  # no age: no deny


def test_archive_age_of_a_retrieval_job_is_its_archives(g: Harness) -> None:
    lock(g, {**RETENTION, "Action": "glacier:InitiateJob"})
    archive = put_archive(g, "a", timedelta(days=10))
    job = {"Type": "archive-retrieval", "ArchiveId": "a"}
    with pytest.raises(AccessDeniedException):
        authorize(g.backend, CTX, "InitiateJob", vault_of(g), params={"job_parameters": job})
    with pytest.raises(AccessDeniedException):
        authorize(g.backend, CTX, "InitiateJob", vault_of(g), archive)
    inventory = {"Type": "inventory-retrieval"}
    authorize(g.backend, CTX, "InitiateJob", vault_of(g), params={"job_parameters": inventory})
    with pytest.raises(AccessDeniedException):
        g.call("InitiateJob", vault_name="vault", job_parameters=job)


LEGAL_HOLD = statement(
    Sid="legal-hold",
    Effect="Deny",
    Action="glacier:DeleteArchive",
    Condition={"StringLike": {"glacier:ResourceTag/LegalHold": ["true", ""]}},
)


def test_a_legal_hold_tag_blocks_deletion_until_removed(g: Harness) -> None:
    lock(g, LEGAL_HOLD)
    put_archive(g, "a")
    g.call("AddTagsToVault", vault_name="vault", tags={"LegalHold": "true"})
    assert "statement 'legal-hold'" in denied_message(g, "DeleteArchive", archive_id="a")
    g.call("AddTagsToVault", vault_name="vault", tags={"LegalHold": ""})
    denied_message(g, "DeleteArchive", archive_id="a")
    g.call("AddTagsToVault", vault_name="vault", tags={"LegalHold": "false"})
    g.call("DeleteArchive", vault_name="vault", archive_id="a")


def test_resource_tags_are_matched_without_regard_to_key_case(g: Harness) -> None:
    lock(g, LEGAL_HOLD)
    put_archive(g, "a")
    g.call("AddTagsToVault", vault_name="vault", tags={"legalhold": "true"})
    denied_message(g, "DeleteArchive", archive_id="a")


def test_resource_tags_are_absent_for_operations_that_do_not_carry_them(g: Harness) -> None:
    set_access_policy(
        g,
        statement(
            Effect="Deny",
            Action="glacier:*",
            Condition={"StringEquals": {"aws:ResourceTag/frozen": "yes"}},
        ),
    )
    g.call("AddTagsToVault", vault_name="vault", tags={"frozen": "yes"})
    describe_as(g, CTX)  # DescribeVault carries no resource tags (GLACIER_SPEC §6.3)
    denied_message(g, "DeleteVault")


def test_request_tags_and_tag_keys(g: Harness) -> None:
    set_access_policy(
        g,
        statement(
            Effect="Deny",
            Action="glacier:AddTagsToVault",
            Condition={"ForAnyValue:StringLike": {"aws:TagKeys": "aws-*"}},
        ),
        statement(
            Effect="Deny",
            Action="glacier:AddTagsToVault",
            Condition={"StringEquals": {"aws:RequestTag/env": "prod"}},
        ),
        statement(
            Effect="Deny",
            Action="glacier:RemoveTagsFromVault",
            Condition={"ForAnyValue:StringEquals": {"aws:TagKeys": "owner"}},
        ),
    )
    g.call("AddTagsToVault", vault_name="vault", tags={"owner": "a", "env": "dev"})
    denied_message(g, "AddTagsToVault", tags={"aws-thing": "x"})
    denied_message(g, "AddTagsToVault", tags={"env": "prod"})
    denied_message(g, "RemoveTagsFromVault", tag_keys=["env", "owner"])
    g.call("RemoveTagsFromVault", vault_name="vault", tag_keys=["env"])


def test_secure_transport(g: Harness) -> None:
    set_access_policy(
        g, statement(Effect="Deny", Condition={"Bool": {"aws:SecureTransport": "false"}})
    )
    describe_as(g, CTX)
    plain_http = RequestContext(REGION, ACCOUNT, secure_transport=False)
    denied_message(g, "DescribeVault", plain_http)


def test_current_time(g: Harness) -> None:
    cutoff = (START + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    set_access_policy(
        g, statement(Effect="Deny", Condition={"DateGreaterThan": {"aws:CurrentTime": cutoff}})
    )
    describe_as(g, CTX)
    g.advance(timedelta(days=30, seconds=1))
    denied_message(g, "DescribeVault")


def test_epoch_time(g: Harness) -> None:
    cutoff = int((START + timedelta(days=1)).timestamp())
    set_access_policy(
        g, statement(Effect="Deny", Condition={"NumericGreaterThan": {"aws:EpochTime": cutoff}})
    )
    describe_as(g, CTX)
    g.advance(timedelta(days=2))
    denied_message(g, "DescribeVault")


def test_principal_account(g: Harness) -> None:
    set_access_policy(
        g,
        statement(
            Principal="*",
            Action="glacier:DescribeVault",
            Condition={"StringEquals": {"aws:PrincipalAccount": [OTHER_ACCOUNT]}},
        ),
    )
    describe_as(g, FOREIGN)
    denied_message(g, "DescribeVault", THIRD, account_id=ACCOUNT)


def test_username_and_userid(g: Harness) -> None:
    set_access_policy(
        g,
        statement(Effect="Deny", Condition={"StringEquals": {"aws:username": "mallory"}}),
        statement(Effect="Deny", Condition={"StringEquals": {"aws:userid": "333333333333"}}),
        statement(Principal={"AWS": [OTHER_ACCOUNT, "333333333333"]}),
    )
    describe_as(g, user("alice"))
    denied_message(g, "DescribeVault", user("mallory"), account_id=ACCOUNT)
    describe_as(g, FOREIGN)
    denied_message(g, "DescribeVault", THIRD, account_id=ACCOUNT)


def test_principal_arn_type_and_region(g: Harness) -> None:
    session = f"arn:aws:sts::{OTHER_ACCOUNT}:assumed-role/auditor/jane"
    set_access_policy(
        g,
        statement(
            Principal="*",
            Action="glacier:DescribeVault",
            Condition={
                "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{OTHER_ACCOUNT}:role/aud*"},
                "StringEquals": {"aws:PrincipalType": "AssumedRole", "aws:RequestedRegion": REGION},
            },
        ),
    )
    describe_as(g, RequestContext(REGION, OTHER_ACCOUNT, principal_arn=session))
    denied_message(g, "DescribeVault", FOREIGN, account_id=ACCOUNT)


def test_keys_without_a_value_in_the_mock_are_absent(g: Harness) -> None:
    set_access_policy(
        g,
        statement(Effect="Deny", Condition={"Bool": {"aws:MultiFactorAuthPresent": "false"}}),
        statement(Effect="Deny", Condition={"Null": {"aws:SourceVpc": "false"}}),
    )
    describe_as(g, CTX)


@pytest.mark.parametrize(
    ("operator", "addresses", "deny_applies"),
    [
        ("NotIpAddress", ["0.0.0.0/0", "::/0"], False),  # every address: never applies
        ("NotIpAddress", "127.0.0.0/8", False),
        ("NotIpAddress", "127.0.0.1", False),
        ("NotIpAddress", "10.0.0.0/8", True),
        ("NotIpAddress", "::1", True),  # an IPv6 range never holds an IPv4 address
        ("IpAddress", "127.0.0.0/8", True),
        ("IpAddress", ["203.0.113.0/24", "127.0.0.2"], False),
        ("IpAddress", "::/0", False),
    ],
)
def test_the_source_ip_is_the_local_machine(
    g: Harness, operator: str, addresses: Any, deny_applies: bool
) -> None:
    set_access_policy(
        g,
        statement(
            Effect="Deny",
            Action="glacier:DescribeVault",
            Condition={operator: {"aws:SourceIp": addresses}},
        ),
    )
    if deny_applies:
        denied_message(g, "DescribeVault")
    else:
        describe_as(g, CTX)


def test_if_exists_also_applies_when_the_key_is_absent(g: Harness) -> None:
    set_access_policy(
        g,
        statement(
            Effect="Deny",
            Action="glacier:DeleteArchive",
            Condition={"NumericLessThanIfExists": {"glacier:ArchiveAgeInDays": "30"}},
        ),
    )
    put_archive(g, "young", timedelta(days=29))
    put_archive(g, "old", timedelta(days=30))
    denied_message(g, "DeleteArchive", archive_id="young")
    denied_message(g, "DeleteArchive", archive_id="unknown")  # no age: IfExists holds
    g.call("DeleteArchive", vault_name="vault", archive_id="old")


# -- the accounts option with identities -----------------------------------------------------------


def test_accounts_may_name_users_and_roles() -> None:
    options = build_options(
        {
            "accounts": {
                "AKOTHER": OTHER_ACCOUNT,
                "AKALICE": f"arn:aws:iam::{OTHER_ACCOUNT}:user/alice",
                "AKROLE": f"arn:aws:sts::{OTHER_ACCOUNT}:assumed-role/auditor/jane",
            }
        }
    )
    settings = options.backend_settings()
    assert settings.account_for_key("AKALICE") == OTHER_ACCOUNT
    assert settings.account_for_key("AKROLE") == OTHER_ACCOUNT
    assert settings.principal_for_key("AKALICE") == f"arn:aws:iam::{OTHER_ACCOUNT}:user/alice"
    assert settings.principal_for_key("AKOTHER") is None
    assert settings.principal_for_key(None) is None


@pytest.mark.parametrize(
    "value", ["arn:aws:iam::1234:user/a", "arn:aws:s3:::bucket", "arn:aws:iam::111122223333:"]
)
def test_accounts_refuses_other_arns(value: str) -> None:
    with pytest.raises(ValueError, match="accounts"):
        build_options({"accounts": {"AK": value}})
