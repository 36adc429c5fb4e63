"""Initiate/Complete/Abort/GetVaultLock and the 24-hour expiry (GLACIER_SPEC §2.2, §6.1)."""

from __future__ import annotations

import json
import string
from datetime import timedelta
from typing import Any

import pytest
from backend_fakes import CTX, REGION, START, Harness

from pytest_glacier.backend.errors import (
    AccessDeniedException,
    InvalidParameterValueException,
    MissingParameterValueException,
    ResourceNotFoundException,
)
from pytest_glacier.backend.policies import MAX_POLICY_BYTES
from pytest_glacier.backend.vault_lock import INVALID_LOCK_POLICY

VAULT_ARN = f"arn:aws:glacier:{REGION}:{CTX.account_id}:vaults/vault"
POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "deny-based-on-archive-age",
                "Principal": "*",
                "Effect": "Deny",
                "Action": "glacier:DeleteArchive",
                "Resource": [VAULT_ARN],
                "Condition": {"NumericLessThan": {"glacier:ArchiveAgeInDays": "365"}},
            }
        ],
    }
)
OTHER_POLICY = POLICY.replace("365", "30")


@pytest.fixture
def g() -> Harness:
    harness = Harness()
    harness.create_vault("vault")
    return harness


def initiate(g: Harness, text: Any = POLICY, vault: str = "vault") -> str:
    lock_id: str = g.call("InitiateVaultLock", vault_name=vault, policy={"Policy": text})["lockId"]
    return lock_id


def complete(g: Harness, lock_id: str) -> None:
    assert g.call("CompleteVaultLock", vault_name="vault", lock_id=lock_id) == {}


def get(g: Harness) -> dict[str, Any]:
    return g.call("GetVaultLock", vault_name="vault")


def abort(g: Harness) -> None:
    assert g.call("AbortVaultLock", vault_name="vault") == {}


def assert_no_lock(g: Harness) -> None:
    with pytest.raises(ResourceNotFoundException) as err:
        get(g)
    assert err.value.message == "No vault lock policy is set for: vault"


# -- from no lock ------------------------------------------------------------------------------


def test_initiate_returns_a_24_character_alphanumeric_lock_id(g: Harness) -> None:
    lock_id = initiate(g)
    assert len(lock_id) == 24
    assert set(lock_id) <= set(string.ascii_letters + string.digits)


def test_get_without_a_lock_is_404(g: Harness) -> None:
    assert_no_lock(g)


def test_complete_without_a_lock_is_invalid_parameter(g: Harness) -> None:
    with pytest.raises(InvalidParameterValueException) as err:
        g.call("CompleteVaultLock", vault_name="vault", lock_id="AE863rKkWZU53SLW5be4DUcW")
    assert err.value.status == 400
    assert "AE863rKkWZU53SLW5be4DUcW" in err.value.message


def test_abort_without_a_lock_succeeds(g: Harness) -> None:
    abort(g)
    abort(g)


# -- InProgress ----------------------------------------------------------------------------------


def test_in_progress_lock_is_described_with_its_expiry(g: Harness) -> None:
    initiate(g)
    assert get(g) == {
        "Policy": POLICY,
        "State": "InProgress",
        "CreationDate": "2030-01-15T12:00:00.000Z",
        "ExpirationDate": "2030-01-16T12:00:00.000Z",
    }


def test_the_policy_text_is_kept_exactly(g: Harness) -> None:
    text = '{  "Statement" : {"Effect":"Deny","Principal":"*","NotAction":"glacier:Get*"}\n}'
    initiate(g, text)
    assert get(g)["Policy"] == text


def test_initiate_while_in_progress_is_access_denied(g: Harness) -> None:
    first = initiate(g)
    with pytest.raises(AccessDeniedException) as err:
        initiate(g, OTHER_POLICY)
    assert err.value.status == 403
    assert "in progress" in err.value.message
    assert get(g)["Policy"] == POLICY
    complete(g, first)


def test_complete_with_the_right_id_locks(g: Harness) -> None:
    lock_id = initiate(g)
    g.advance(timedelta(hours=3))
    complete(g, lock_id)
    state = get(g)
    assert state["State"] == "Locked"
    assert state["ExpirationDate"] is None
    assert state["CreationDate"] == "2030-01-15T12:00:00.000Z"


def test_complete_with_a_wrong_id_is_invalid_parameter(g: Harness) -> None:
    initiate(g)
    with pytest.raises(InvalidParameterValueException) as err:
        g.call("CompleteVaultLock", vault_name="vault", lock_id="wrong")
    assert "Invalid lock ID: wrong" in err.value.message
    assert get(g)["State"] == "InProgress"


def test_abort_removes_an_in_progress_lock(g: Harness) -> None:
    lock_id = initiate(g)
    abort(g)
    assert_no_lock(g)
    with pytest.raises(InvalidParameterValueException):
        complete(g, lock_id)


def test_abort_and_initiate_can_repeat_and_each_initiate_issues_a_new_id(g: Harness) -> None:
    ids = set()
    for _ in range(5):
        ids.add(initiate(g))
        abort(g)
    assert len(ids) == 5


# -- expiry --------------------------------------------------------------------------------------


def test_an_in_progress_lock_lasts_until_just_before_24_hours(g: Harness) -> None:
    initiate(g)
    g.advance(timedelta(hours=24) - timedelta(microseconds=1))
    assert get(g)["State"] == "InProgress"


def test_an_in_progress_lock_expires_exactly_24_hours_after_initiation(g: Harness) -> None:
    lock_id = initiate(g)
    g.advance(timedelta(hours=24))
    assert_no_lock(g)
    with pytest.raises(InvalidParameterValueException):
        complete(g, lock_id)
    assert initiate(g) != lock_id  # the vault behaves as if never locked


def test_the_expiry_is_on_the_timeline_at_its_exact_time(g: Harness) -> None:
    lock_id = initiate(g)
    g.advance(timedelta(days=3))
    expiries = [entry for entry in g.backend.timeline.entries if "expired" in entry.what]
    assert len(expiries) == 1
    assert expiries[0].at == START + timedelta(hours=24)
    assert lock_id in expiries[0].what


def test_the_expiry_happens_when_time_moves_even_without_a_request(g: Harness) -> None:
    initiate(g)
    g.advance(timedelta(hours=25))  # Harness.advance catches up, as GlacierMock.advance does
    assert g.backend.region_state(CTX.account_id, REGION).vaults["vault"].lock is None


def test_a_locked_policy_never_expires(g: Harness) -> None:
    complete(g, initiate(g))
    g.advance(timedelta(days=3650))
    assert get(g)["State"] == "Locked"


def test_a_clock_moved_back_and_forward_still_expires_the_lock(g: Harness) -> None:
    g.advance(timedelta(days=5))
    g.move_to(START)  # a test moved freezegun back
    initiate(g)
    g.move_to(START + timedelta(days=1))
    assert_no_lock(g)


# -- Locked --------------------------------------------------------------------------------------


@pytest.fixture
def locked(g: Harness) -> str:
    lock_id = initiate(g)
    complete(g, lock_id)
    return lock_id


def test_complete_again_with_the_same_id_is_idempotent(g: Harness, locked: str) -> None:
    complete(g, locked)
    assert get(g)["State"] == "Locked"


def test_complete_with_another_id_when_locked_is_access_denied(g: Harness, locked: str) -> None:
    with pytest.raises(AccessDeniedException):
        complete(g, "another")


def test_abort_when_locked_is_access_denied(g: Harness, locked: str) -> None:
    with pytest.raises(AccessDeniedException) as err:
        abort(g)
    assert "can never be aborted" in err.value.message
    assert get(g)["Policy"] == POLICY


def test_initiate_when_locked_is_access_denied(g: Harness, locked: str) -> None:
    with pytest.raises(AccessDeniedException) as err:
        initiate(g, OTHER_POLICY)
    assert "already locked" in err.value.message
    assert get(g)["Policy"] == POLICY


def test_the_access_policy_stays_editable_on_a_locked_vault(g: Harness, locked: str) -> None:
    g.call("SetVaultAccessPolicy", vault_name="vault", policy={"Policy": OTHER_POLICY})
    g.call("DeleteVaultAccessPolicy", vault_name="vault")
    g.call("AddTagsToVault", vault_name="vault", tags={"k": "v"})
    assert get(g)["Policy"] == POLICY


# -- invalid policies ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        "[]",
        '{"Statement": []}',
        json.dumps({"Statement": [{"Effect": "Maybe", "Principal": "*", "Action": "*"}]}),
        json.dumps({"Statement": [{"Effect": "Deny", "Action": "*"}]}),  # no Principal
    ],
)
def test_an_invalid_policy_gets_the_real_message(g: Harness, text: str) -> None:
    with pytest.raises(InvalidParameterValueException) as err:
        initiate(g, text)
    assert err.value.status == 400
    assert err.value.message == INVALID_LOCK_POLICY
    assert_no_lock(g)


def test_unknown_condition_operators_and_keys_get_only_the_real_message(g: Harness) -> None:
    text = json.dumps(
        {
            "Statement": [
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "glacier:DeleteArchive",
                    "Condition": {
                        "NumericLessThen": {"glacier:ArchiveAgeInDays": "365"},
                        "StringEquals": {"glacier:Owner": "me"},
                    },
                }
            ]
        }
    )
    with pytest.raises(InvalidParameterValueException) as err:
        initiate(g, text)
    assert err.value.message == INVALID_LOCK_POLICY
    assert_no_lock(g)


def test_an_unknown_numeric_operator_gets_only_the_real_message(g: Harness) -> None:
    statement = json.loads(POLICY)["Statement"][0]
    statement["Condition"] = {"NumericFoo": {"glacier:ArchiveAgeInDays": "1"}}
    with pytest.raises(InvalidParameterValueException) as err:
        initiate(g, json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    assert err.value.message == INVALID_LOCK_POLICY


def test_a_policy_over_20_kb_gets_only_the_real_message(g: Harness) -> None:
    statement = json.loads(POLICY)["Statement"][0]
    statement["Sid"] = "x" * MAX_POLICY_BYTES
    with pytest.raises(InvalidParameterValueException) as err:
        initiate(g, json.dumps({"Statement": [statement]}))
    assert err.value.status == 400
    assert err.value.message == INVALID_LOCK_POLICY
    assert_no_lock(g)


def test_a_policy_of_exactly_20_kb_is_accepted(g: Harness) -> None:
    statement = json.loads(POLICY)["Statement"][0]
    statement["Sid"] = ""
    base = len(json.dumps({"Statement": [statement]}).encode())
    statement["Sid"] = "x" * (MAX_POLICY_BYTES - base)
    text = json.dumps({"Statement": [statement]})
    assert len(text.encode()) == MAX_POLICY_BYTES
    initiate(g, text)
    assert get(g)["Policy"] == text


@pytest.mark.parametrize("payload", [None, {}, {"Policy": None}])
def test_a_missing_policy_is_missing_parameter(g: Harness, payload: dict[str, Any] | None) -> None:
    with pytest.raises(MissingParameterValueException):
        g.call("InitiateVaultLock", vault_name="vault", policy=payload)


def test_a_policy_that_is_not_a_string_is_invalid(g: Harness) -> None:
    with pytest.raises(InvalidParameterValueException) as err:
        initiate(g, {"Statement": []})
    assert err.value.message == INVALID_LOCK_POLICY


# -- vaults --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("InitiateVaultLock", {"policy": {"Policy": POLICY}}),
        ("CompleteVaultLock", {"lock_id": "x"}),
        ("AbortVaultLock", {}),
        ("GetVaultLock", {}),
    ],
)
def test_a_missing_vault_is_the_real_404(
    g: Harness, operation: str, params: dict[str, Any]
) -> None:
    with pytest.raises(ResourceNotFoundException) as err:
        g.call(operation, vault_name="nope", **params)
    assert err.value.message == (
        f"Vault not found for ARN: arn:aws:glacier:{REGION}:{CTX.account_id}:vaults/nope"
    )


def test_the_lock_goes_with_the_vault(g: Harness, locked: str) -> None:
    g.call("DeleteVault", vault_name="vault")
    g.create_vault("vault")
    assert_no_lock(g)


def test_locks_are_per_vault(g: Harness) -> None:
    g.create_vault("other")
    initiate(g)
    with pytest.raises(ResourceNotFoundException):
        g.call("GetVaultLock", vault_name="other")
