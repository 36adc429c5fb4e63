"""Vault lock through boto3: the lifecycle of GLACIER_SPEC §6.1 and the retention policy of §6.3."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError
from glacier_helpers import error_of

from pytest_glacier import GlacierMock
from pytest_glacier.backend.archives import Archive

ACCOUNT = "123456789012"
REGION = "us-east-1"
VAULT_ARN = f"arn:aws:glacier:{REGION}:{ACCOUNT}:vaults/records"
INVALID = "The specified vault lock policy is invalid. Provide a valid policy."

RETENTION_POLICY = json.dumps(
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


def parse(text: str) -> datetime:
    assert text.endswith("Z")
    assert len(text) == len("2030-01-15T12:00:00.000Z")
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


@pytest.fixture
def vault(no_retry_glacier: Any) -> str:
    no_retry_glacier.create_vault(vaultName="records")
    return "records"


def initiate(client: Any, text: str = RETENTION_POLICY) -> str:
    lock_id: str = client.initiate_vault_lock(vaultName="records", policy={"Policy": text})[
        "lockId"
    ]
    return lock_id


def insert_archive(glacier_mock: GlacierMock, archive_id: str, age: timedelta) -> None:
    """Put an archive straight into the backend, as if uploaded ``age`` ago."""
    state = glacier_mock._backend.region_state(ACCOUNT, REGION)
    state.vaults["records"].archives[archive_id] = Archive(
        archive_id=archive_id,
        description="",
        creation_date=glacier_mock.now() - age,
        size=4,
        tree_hash="00",
        parts=(b"data",),
    )
    state.archive_vaults[archive_id] = "records"


def test_the_whole_lifecycle(no_retry_glacier: Any, vault: str, glacier_mock: GlacierMock) -> None:
    client = no_retry_glacier
    with pytest.raises(ClientError) as excinfo:
        client.get_vault_lock(vaultName=vault)
    assert error_of(excinfo)[:2] == (404, "ResourceNotFoundException")

    response = client.initiate_vault_lock(vaultName=vault, policy={"Policy": RETENTION_POLICY})
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 201
    lock_id = response["lockId"]
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amz-lock-id"] == lock_id

    state = client.get_vault_lock(vaultName=vault)
    assert state["Policy"] == RETENTION_POLICY
    assert state["State"] == "InProgress"
    assert abs(parse(state["CreationDate"]) - glacier_mock.now()) < timedelta(seconds=1)

    completed = client.complete_vault_lock(vaultName=vault, lockId=lock_id)
    assert completed["ResponseMetadata"]["HTTPStatusCode"] == 204
    state = client.get_vault_lock(vaultName=vault)
    assert state["State"] == "Locked"
    assert "ExpirationDate" not in state  # null when Locked; botocore drops it
    assert state["Policy"] == RETENTION_POLICY

    assert [call.operation for call in glacier_mock.calls][-5:] == [
        "GetVaultLock",
        "InitiateVaultLock",
        "GetVaultLock",
        "CompleteVaultLock",
        "GetVaultLock",
    ]


def test_expiration_date_is_24_hours_after_creation(no_retry_glacier: Any, vault: str) -> None:
    initiate(no_retry_glacier)
    state = no_retry_glacier.get_vault_lock(vaultName=vault)
    assert parse(state["ExpirationDate"]) - parse(state["CreationDate"]) == timedelta(hours=24)


@pytest.mark.parametrize(
    ("setup", "call", "expected"),
    [
        ("none", "complete", (400, "InvalidParameterValueException")),
        ("none", "abort", None),
        ("in_progress", "initiate", (403, "AccessDeniedException")),
        ("in_progress", "complete_wrong", (400, "InvalidParameterValueException")),
        ("in_progress", "abort", None),
        ("locked", "initiate", (403, "AccessDeniedException")),
        ("locked", "complete_right", None),
        ("locked", "complete_wrong", (403, "AccessDeniedException")),
        ("locked", "abort", (403, "AccessDeniedException")),
    ],
)
def test_state_transitions(
    no_retry_glacier: Any, vault: str, setup: str, call: str, expected: tuple[int, str] | None
) -> None:
    client = no_retry_glacier
    lock_id = "AE863rKkWZU53SLW5be4DUcW"
    if setup != "none":
        lock_id = initiate(client)
    if setup == "locked":
        client.complete_vault_lock(vaultName=vault, lockId=lock_id)
    actions: dict[str, Callable[[], object]] = {
        "initiate": lambda: initiate(client),
        "complete": lambda: client.complete_vault_lock(vaultName=vault, lockId=lock_id),
        "complete_right": lambda: client.complete_vault_lock(vaultName=vault, lockId=lock_id),
        "complete_wrong": lambda: client.complete_vault_lock(
            vaultName=vault, lockId="wrongwrongwrongwrongwron"
        ),
        "abort": lambda: client.abort_vault_lock(vaultName=vault),
    }
    if expected is None:
        actions[call]()
        return
    with pytest.raises(ClientError) as excinfo:
        actions[call]()
    assert error_of(excinfo)[:2] == expected


def test_an_in_progress_lock_expires_after_24_hours(
    no_retry_glacier: Any, vault: str, glacier_mock: GlacierMock
) -> None:
    lock_id = initiate(no_retry_glacier)
    glacier_mock.advance(hours=23, minutes=59)
    assert no_retry_glacier.get_vault_lock(vaultName=vault)["State"] == "InProgress"
    glacier_mock.advance(minutes=1)
    with pytest.raises(ClientError) as excinfo:
        no_retry_glacier.get_vault_lock(vaultName=vault)
    assert error_of(excinfo)[:2] == (404, "ResourceNotFoundException")
    with pytest.raises(ClientError) as excinfo:
        no_retry_glacier.complete_vault_lock(vaultName=vault, lockId=lock_id)
    assert error_of(excinfo)[:2] == (400, "InvalidParameterValueException")
    assert initiate(no_retry_glacier) != lock_id


def test_a_locked_policy_never_changes_or_disappears(
    no_retry_glacier: Any, vault: str, glacier_mock: GlacierMock
) -> None:
    no_retry_glacier.complete_vault_lock(vaultName=vault, lockId=initiate(no_retry_glacier))
    glacier_mock.advance(days=3 * 365)
    for attempt in (
        lambda: no_retry_glacier.abort_vault_lock(vaultName=vault),
        lambda: initiate(no_retry_glacier, RETENTION_POLICY.replace("365", "1")),
    ):
        with pytest.raises(ClientError):
            attempt()
    state = no_retry_glacier.get_vault_lock(vaultName=vault)
    assert (state["State"], state["Policy"]) == ("Locked", RETENTION_POLICY)


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "{}",
        json.dumps({"Statement": [{"Effect": "Deny", "Action": "*"}]}),
        RETENTION_POLICY.replace("NumericLessThan", "NumericFoo"),  # unknown operator
        RETENTION_POLICY.replace("ArchiveAgeInDays", "ArchiveAge"),  # unknown key
        RETENTION_POLICY.replace("deny-based-on-archive-age", "x" * 20 * 1024),  # over 20 KB
    ],
    ids=["not-json", "empty", "no-principal", "operator", "key", "too-large"],
)
def test_an_invalid_policy_gets_exactly_the_real_error(
    no_retry_glacier: Any, vault: str, text: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        initiate(no_retry_glacier, text)
    assert error_of(excinfo) == (400, "InvalidParameterValueException", INVALID)


def test_a_missing_vault_is_404(no_retry_glacier: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        no_retry_glacier.initiate_vault_lock(vaultName="nope", policy={"Policy": RETENTION_POLICY})
    assert error_of(excinfo) == (
        404,
        "ResourceNotFoundException",
        f"Vault not found for ARN: arn:aws:glacier:{REGION}:{ACCOUNT}:vaults/nope",
    )


# -- the canonical retention policy ----------------------------------------------------------------


def test_retention_with_an_archive_in_the_backend(
    no_retry_glacier: Any, vault: str, glacier_mock: GlacierMock
) -> None:
    no_retry_glacier.complete_vault_lock(vaultName=vault, lockId=initiate(no_retry_glacier))
    insert_archive(glacier_mock, "young", timedelta(0))
    with pytest.raises(ClientError) as excinfo:
        no_retry_glacier.delete_archive(vaultName=vault, archiveId="young")
    status, code, message = error_of(excinfo)
    assert (status, code) == (403, "AccessDeniedException")
    assert message == (
        f"User: arn:aws:iam::{ACCOUNT}:root is not authorized to perform: glacier:DeleteArchive "
        f"on resource: {VAULT_ARN} with an explicit deny in a resource-based policy (the vault "
        f"lock policy, statement 'deny-based-on-archive-age')"
    )
    glacier_mock.advance(days=365)
    no_retry_glacier.delete_archive(vaultName=vault, archiveId="young")
    state = glacier_mock._backend.region_state(ACCOUNT, REGION)
    assert "young" not in state.vaults[vault].archives


def test_retention_with_uploaded_archives(
    no_retry_glacier: Any, vault: str, glacier_mock: GlacierMock
) -> None:
    no_retry_glacier.complete_vault_lock(vaultName=vault, lockId=initiate(no_retry_glacier))
    archive_id = no_retry_glacier.upload_archive(vaultName=vault, body=b"ledger 2030")["archiveId"]
    with pytest.raises(ClientError) as excinfo:
        no_retry_glacier.delete_archive(vaultName=vault, archiveId=archive_id)
    assert error_of(excinfo)[:2] == (403, "AccessDeniedException")
    glacier_mock.advance(days=364, hours=23)
    with pytest.raises(ClientError):
        no_retry_glacier.delete_archive(vaultName=vault, archiveId=archive_id)
    glacier_mock.advance(hours=1)
    no_retry_glacier.delete_archive(vaultName=vault, archiveId=archive_id)
    # Uploads stay allowed throughout: the lock only denies young deletions.
    no_retry_glacier.upload_archive(vaultName=vault, body=b"ledger 2031")


def test_the_lock_is_enforced_while_in_progress(
    no_retry_glacier: Any, vault: str, glacier_mock: GlacierMock
) -> None:
    initiate(no_retry_glacier)
    insert_archive(glacier_mock, "a", timedelta(days=10))
    with pytest.raises(ClientError):
        no_retry_glacier.delete_archive(vaultName=vault, archiveId="a")
    no_retry_glacier.abort_vault_lock(vaultName=vault)
    no_retry_glacier.delete_archive(vaultName=vault, archiveId="a")


def test_a_lock_denying_everything_can_still_be_read_aborted_and_completed(
    no_retry_glacier: Any, vault: str
) -> None:
    deny_all = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Deny", "Principal": "*", "Action": "glacier:*", "Resource": VAULT_ARN}
            ],
        }
    )
    initiate(no_retry_glacier, deny_all)
    with pytest.raises(ClientError) as excinfo:
        no_retry_glacier.describe_vault(vaultName=vault)
    assert error_of(excinfo)[:2] == (403, "AccessDeniedException")
    assert no_retry_glacier.get_vault_lock(vaultName=vault)["State"] == "InProgress"
    aborted = no_retry_glacier.abort_vault_lock(vaultName=vault)
    assert aborted["ResponseMetadata"]["HTTPStatusCode"] == 204
    no_retry_glacier.describe_vault(vaultName=vault)

    lock_id = initiate(no_retry_glacier, deny_all)
    completed = no_retry_glacier.complete_vault_lock(vaultName=vault, lockId=lock_id)
    assert completed["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert no_retry_glacier.get_vault_lock(vaultName=vault)["State"] == "Locked"


def test_reset_forgets_locks(no_retry_glacier: Any, vault: str, glacier_mock: GlacierMock) -> None:
    no_retry_glacier.complete_vault_lock(vaultName=vault, lockId=initiate(no_retry_glacier))
    glacier_mock.reset()
    no_retry_glacier.create_vault(vaultName=vault)
    with pytest.raises(ClientError) as excinfo:
        no_retry_glacier.get_vault_lock(vaultName=vault)
    assert error_of(excinfo)[:2] == (404, "ResourceNotFoundException")
