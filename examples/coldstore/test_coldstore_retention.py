"""coldstore's retention: a vault lock Glacier enforces, days passing in simulated time."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from coldstore import ColdStoreError, LockError
from coldstore_support import REGION, VAULT, make_file, make_store

from pytest_glacier import GlacierMock


def test_the_lock_refuses_deletes_until_the_retention_has_passed(
    glacier_mock: GlacierMock, tmp_path: Path
) -> None:
    store = make_store(tmp_path)
    old = store.upload(make_file(tmp_path, "2023.tar", 1000)[0])
    store.lock(30)
    glacier_mock.advance(days=10)
    young = store.upload(make_file(tmp_path, "2024.tar", 1000)[0])

    # Asking for more than the lock allows: Glacier, not coldstore, says no.
    early = store.prune(older_than_days=7)
    assert early.deleted == []
    assert [entry for entry, _ in early.refused] == [old]
    assert early.refused[0][1].startswith("AccessDeniedException: ")
    assert store.catalogue.entries == [old, young]

    glacier_mock.advance(days=20)  # old is 30 days old, young 20
    later = store.prune(older_than_days=7)
    assert later.deleted == [old]
    assert [entry for entry, _ in later.refused] == [young]

    glacier_mock.advance(days=10)
    last = store.prune()  # the retention recorded by lock(): 30 days
    assert (last.deleted, last.refused) == ([young], [])
    assert store.catalogue.entries == []
    deletes = [call for call in glacier_mock.calls if call.operation == "DeleteArchive"]
    assert [call.status_code for call in deletes] == [403, 204, 403, 204]


def test_the_lock_is_a_completed_vault_lock(glacier_mock: GlacierMock, tmp_path: Path) -> None:
    store = make_store(tmp_path)

    store.lock(365)

    assert [call.operation for call in glacier_mock.calls] == [
        "CreateVault",
        "DescribeVault",
        "InitiateVaultLock",
        "CompleteVaultLock",
    ]
    client = boto3.client("glacier", region_name=REGION)
    lock = client.get_vault_lock(vaultName=VAULT)
    assert lock["State"] == "Locked"
    (statement,) = json.loads(lock["Policy"])["Statement"]
    assert statement["Action"] == "glacier:DeleteArchive"
    assert statement["Condition"] == {"NumericLessThan": {"glacier:ArchiveAgeInDays": "365"}}
    assert json.loads((tmp_path / "catalogue.json").read_text())["retention_days"] == 365


def test_a_locked_vault_cannot_be_locked_again(glacier_mock: GlacierMock, tmp_path: Path) -> None:
    store = make_store(tmp_path)
    store.lock(30)

    with pytest.raises(LockError, match=r"already has a vault lock \(Locked\)"):
        store.lock(10)


def test_prune_needs_a_retention(glacier_mock: GlacierMock, tmp_path: Path) -> None:
    store = make_store(tmp_path)

    with pytest.raises(ColdStoreError, match="no retention period"):
        store.prune()
