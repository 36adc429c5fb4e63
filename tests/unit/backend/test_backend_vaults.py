"""CreateVault, DescribeVault, ListVaults and DeleteVault, with the daily inventory behind them.

UploadArchive and DeleteArchive are not served yet, so these tests write archives straight into a
vault and record the write with :func:`inventory.record_write`, as those operations will.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from backend_fakes import CTX, OTHER_ACCOUNT, OTHER_REGION, REGION, Harness
from hypothesis import given
from hypothesis import strategies as st

from pytest_glacier.backend import BackendSettings, RequestContext
from pytest_glacier.backend.archives import Archive
from pytest_glacier.backend.errors import (
    AccessDeniedException,
    InvalidParameterValueException,
    LimitExceededException,
    ResourceNotFoundException,
)
from pytest_glacier.backend.inventory import ARCHIVE_OVERHEAD_BYTES, record_write
from pytest_glacier.backend.vaults import MAX_VAULTS_PER_REGION, Vault

ARN_PREFIX = f"arn:aws:glacier:{REGION}:{CTX.account_id}:vaults/"
NEXT_MIDNIGHT = datetime(2030, 1, 16, tzinfo=timezone.utc)


def vault_of(g: Harness, name: str = "vault", ctx: RequestContext = CTX) -> Vault:
    return g.backend.region_state(ctx.account_id, ctx.region).vaults[name]


def put_archive(g: Harness, name: str = "vault", size: int = 1024) -> str:
    """Store an archive directly, as UploadArchive will, and record the write."""
    vault = vault_of(g, name)
    archive = Archive(f"archive-{len(vault.archives)}", "", g.clock.now(), size, "0" * 64)
    vault.archives[archive.archive_id] = archive
    record_write(g.backend, vault)
    return archive.archive_id


def drop_archive(g: Harness, archive_id: str, name: str = "vault") -> None:
    vault = vault_of(g, name)
    del vault.archives[archive_id]
    record_write(g.backend, vault)


def describe(g: Harness, name: str = "vault", ctx: RequestContext = CTX) -> dict[str, Any]:
    return g.call("DescribeVault", ctx, vault_name=name)


def list_vaults(g: Harness, **params: Any) -> dict[str, Any]:
    return g.call("ListVaults", **params)


# -- CreateVault --------------------------------------------------------------------------------


def test_create_returns_the_location() -> None:
    g = Harness()
    assert g.call("CreateVault", vault_name="photos") == {
        "location": f"/{CTX.account_id}/vaults/photos"
    }


def test_create_with_an_explicit_account_id() -> None:
    g = Harness()
    output = g.call("CreateVault", account_id=CTX.account_id, vault_name="photos")
    assert output == {"location": f"/{CTX.account_id}/vaults/photos"}


def test_create_in_another_account_is_access_denied() -> None:
    with pytest.raises(AccessDeniedException) as err:
        Harness().call("CreateVault", account_id=OTHER_ACCOUNT, vault_name="photos")
    assert err.value.status == 403


def test_create_is_idempotent_and_changes_nothing() -> None:
    g = Harness()
    g.create_vault("photos")
    before = describe(g, "photos")
    g.advance(timedelta(hours=1))
    assert g.call("CreateVault", vault_name="photos") == {
        "location": f"/{CTX.account_id}/vaults/photos"
    }
    assert describe(g, "photos") == before
    assert len(list_vaults(g)["VaultList"]) == 1


@pytest.mark.parametrize("name", ["a", "A-z_0.9", "x" * 255, "...", "-_-"])
def test_valid_names(name: str) -> None:
    g = Harness()
    g.create_vault(name)
    assert describe(g, name)["VaultName"] == name


@pytest.mark.parametrize(
    "name", ["", "x" * 256, "has space", "slash/y", "colon:z", "ümlaut", "a+b"]
)
def test_invalid_names_are_refused(name: str) -> None:
    g = Harness()
    with pytest.raises(InvalidParameterValueException) as err:
        g.create_vault(name)
    assert err.value.status == 400
    assert err.value.message.startswith(f"Invalid vault name: {name!r}")
    assert list_vaults(g)["VaultList"] == []


@given(st.text(max_size=300))
def test_a_name_is_valid_exactly_when_it_matches_the_documented_rule(name: str) -> None:
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")
    valid = 1 <= len(name) <= 255 and set(name) <= allowed
    g = Harness()
    try:
        g.create_vault(name)
    except InvalidParameterValueException:
        assert not valid
    else:
        assert valid


def test_names_are_case_sensitive() -> None:
    g = Harness()
    g.create_vault("Vault")
    g.create_vault("vault")
    assert [v["VaultName"] for v in list_vaults(g)["VaultList"]] == ["Vault", "vault"]


def test_the_thousandth_vault_is_the_last() -> None:
    g = Harness()
    for i in range(MAX_VAULTS_PER_REGION):
        g.create_vault(f"v{i:04d}")
    with pytest.raises(LimitExceededException) as err:
        g.create_vault("one-too-many")
    assert err.value.status == 400
    assert "1000" in err.value.message
    # Re-creating an existing vault at the limit is still a no-op success.
    g.create_vault("v0000")
    # The limit is per account and region.
    g.create_vault("elsewhere", RequestContext(OTHER_REGION, CTX.account_id))
    g.create_vault("elsewhere", RequestContext(REGION, OTHER_ACCOUNT))
    # Deleting one frees a slot.
    g.call("DeleteVault", vault_name="v0000")
    g.create_vault("one-too-many")


# -- DescribeVault and the inventory ------------------------------------------------------------


def test_describe_a_new_vault() -> None:
    g = Harness()
    g.create_vault("vault")
    assert describe(g) == {
        "VaultARN": ARN_PREFIX + "vault",
        "VaultName": "vault",
        "CreationDate": "2030-01-15T12:00:00.000Z",
        "LastInventoryDate": None,
        "NumberOfArchives": 0,
        "SizeInBytes": 0,
    }


def test_describe_a_missing_vault_is_the_real_404() -> None:
    with pytest.raises(ResourceNotFoundException) as err:
        describe(Harness(), "nope")
    assert err.value.status == 404
    assert err.value.message == f"Vault not found for ARN: {ARN_PREFIX}nope"


def test_a_name_no_vault_could_have_is_echoed_raw() -> None:
    with pytest.raises(ResourceNotFoundException) as err:
        describe(Harness(), "testz:z")
    assert err.value.message == "Vault not found for ARN: testz:z"


def test_arns_carry_the_partition() -> None:
    g = Harness()
    ctx = RequestContext("cn-north-1", CTX.account_id)
    g.create_vault("vault", ctx)
    assert (
        describe(g, ctx=ctx)["VaultARN"]
        == f"arn:aws-cn:glacier:cn-north-1:{CTX.account_id}:vaults/vault"
    )


def test_describe_shows_the_last_inventory_not_live_contents() -> None:
    g = Harness()
    g.create_vault("vault")
    put_archive(g, size=3_145_728)
    assert describe(g)["NumberOfArchives"] == 0
    assert describe(g)["LastInventoryDate"] is None

    g.move_to(NEXT_MIDNIGHT - timedelta(microseconds=1))
    assert describe(g)["LastInventoryDate"] is None

    g.move_to(NEXT_MIDNIGHT + timedelta(hours=1))
    after = describe(g)
    assert after["LastInventoryDate"] == "2030-01-16T00:00:00.000Z"
    assert after["NumberOfArchives"] == 1
    assert after["SizeInBytes"] == 3_178_496 == 3_145_728 + ARCHIVE_OVERHEAD_BYTES

    put_archive(g, size=10)
    assert describe(g) == after


def test_only_vaults_written_since_the_last_inventory_get_a_new_one() -> None:
    g = Harness()
    g.create_vault("busy")
    g.create_vault("quiet")
    put_archive(g, "busy")
    g.move_to(NEXT_MIDNIGHT + timedelta(hours=1))
    assert describe(g, "busy")["LastInventoryDate"] == "2030-01-16T00:00:00.000Z"
    assert describe(g, "quiet")["LastInventoryDate"] is None

    g.move_to(NEXT_MIDNIGHT + timedelta(days=3))
    assert describe(g, "busy")["LastInventoryDate"] == "2030-01-16T00:00:00.000Z"


def test_a_long_jump_takes_one_inventory_at_the_first_midnight() -> None:
    g = Harness()
    g.create_vault("vault")
    put_archive(g)
    g.move_to(NEXT_MIDNIGHT + timedelta(days=10, hours=5))
    assert describe(g)["LastInventoryDate"] == "2030-01-16T00:00:00.000Z"


def test_writes_after_midnight_wait_for_the_next_one() -> None:
    g = Harness()
    g.create_vault("vault")
    first = put_archive(g)
    g.move_to(NEXT_MIDNIGHT + timedelta(hours=1))
    drop_archive(g, first)
    put_archive(g)
    put_archive(g)
    assert describe(g)["NumberOfArchives"] == 1
    g.move_to(NEXT_MIDNIGHT + timedelta(days=1, seconds=1))
    assert describe(g)["NumberOfArchives"] == 2
    assert describe(g)["LastInventoryDate"] == "2030-01-17T00:00:00.000Z"


def test_immediate_inventory_mode_keeps_describe_live() -> None:
    g = Harness(settings=BackendSettings(inventory="immediate"))
    g.create_vault("vault")
    assert describe(g)["LastInventoryDate"] == "2030-01-15T12:00:00.000Z"
    g.advance(timedelta(minutes=5))
    put_archive(g, size=100)
    assert describe(g)["NumberOfArchives"] == 1
    assert describe(g)["SizeInBytes"] == 100 + ARCHIVE_OVERHEAD_BYTES
    assert describe(g)["LastInventoryDate"] == "2030-01-15T12:05:00.000Z"


# -- ListVaults ---------------------------------------------------------------------------------


def names_of(page: dict[str, Any]) -> list[str]:
    return [vault["VaultName"] for vault in page["VaultList"]]


def make(g: Harness, count: int) -> list[str]:
    names = [f"v{i:02d}" for i in range(count)]
    for name in reversed(names):
        g.create_vault(name)
    return names


def test_list_without_vaults() -> None:
    assert list_vaults(Harness()) == {"VaultList": [], "Marker": None}


def test_list_items_are_described_and_sorted_by_name() -> None:
    g = Harness()
    for name in ("b", "a", "C", "_"):
        g.create_vault(name)
    page = list_vaults(g)
    assert names_of(page) == ["C", "_", "a", "b"]
    assert page["VaultList"][2] == describe(g, "a")
    assert page["Marker"] is None


def test_default_page_is_ten_then_the_marker_continues() -> None:
    g = Harness()
    names = make(g, 23)
    first = list_vaults(g)
    assert names_of(first) == names[:10]
    assert first["Marker"] == ARN_PREFIX + names[10]
    second = list_vaults(g, marker=first["Marker"])
    assert names_of(second) == names[10:20]
    third = list_vaults(g, marker=second["Marker"])
    assert names_of(third) == names[20:]
    assert third["Marker"] is None


@pytest.mark.parametrize("limit", ["1", "3", "7", "10"])
def test_paging_with_a_limit_visits_every_vault_once(limit: str) -> None:
    g = Harness()
    names = make(g, 12)
    seen: list[str] = []
    marker = None
    while True:
        page = list_vaults(g, limit=limit, marker=marker)
        assert len(page["VaultList"]) <= int(limit)
        seen += names_of(page)
        marker = page["Marker"]
        if marker is None:
            break
    assert seen == names


def test_an_exact_last_page_has_no_marker() -> None:
    g = Harness()
    names = make(g, 10)
    page = list_vaults(g, limit="5", marker=ARN_PREFIX + names[5])
    assert names_of(page) == names[5:]
    assert page["Marker"] is None


@pytest.mark.parametrize("limit", ["11", "50", "1000", "99999999999999999999"])
def test_a_limit_above_ten_is_clamped(limit: str) -> None:
    g = Harness()
    names = make(g, 15)
    page = list_vaults(g, limit=limit)
    assert names_of(page) == names[:10]
    assert page["Marker"] == ARN_PREFIX + names[10]


@pytest.mark.parametrize(
    "limit", ["0", "-1", "abc", "", "1.5", " ", "²", "٣", " 2", "2 ", "\t2", "2\n", "+2"]
)
def test_an_invalid_limit_is_refused(limit: str) -> None:
    g = Harness()
    with pytest.raises(InvalidParameterValueException) as err:
        list_vaults(g, limit=limit)
    assert err.value.status == 400
    assert err.value.message.startswith(f"Invalid limit: {limit!r}")


@given(st.text(max_size=8))
def test_any_limit_text_pages_or_is_refused_never_crashes(limit: str) -> None:
    g = Harness()
    make(g, 12)
    try:
        page = list_vaults(g, limit=limit)
    except InvalidParameterValueException:
        # Taken exactly as sent: surrounding whitespace is not part of an integer.
        assert not (limit.isascii() and limit.isdigit() and int(limit) >= 1)
    else:
        assert len(page["VaultList"]) == min(int(limit), 10)


def test_an_empty_marker_starts_from_the_beginning() -> None:
    g = Harness()
    names = make(g, 3)
    assert names_of(list_vaults(g, marker="")) == names


@pytest.mark.parametrize("marker", ["v01", "arn:aws:s3:::bucket", f"{ARN_PREFIX}"])
def test_a_marker_that_is_not_a_vault_arn_is_refused(marker: str) -> None:
    g = Harness()
    make(g, 3)
    with pytest.raises(InvalidParameterValueException, match="Invalid marker"):
        list_vaults(g, marker=marker)


def test_a_marker_whose_vault_was_deleted_still_positions_the_page() -> None:
    g = Harness()
    names = make(g, 5)
    marker = list_vaults(g, limit="2")["Marker"]
    assert marker == ARN_PREFIX + names[2]
    g.call("DeleteVault", vault_name=names[2])
    assert names_of(list_vaults(g, marker=marker)) == names[3:]


def test_list_is_per_account_and_region() -> None:
    g = Harness()
    other_region = RequestContext(OTHER_REGION, CTX.account_id)
    other_account = RequestContext(REGION, OTHER_ACCOUNT)
    g.create_vault("mine")
    g.create_vault("theirs", other_account)
    g.create_vault("away", other_region)
    assert names_of(list_vaults(g)) == ["mine"]
    assert names_of(g.call("ListVaults", other_region)) == ["away"]
    assert names_of(g.call("ListVaults", other_account)) == ["theirs"]


# -- DeleteVault --------------------------------------------------------------------------------


def refuse_delete(g: Harness, name: str = "vault") -> None:
    with pytest.raises(InvalidParameterValueException) as err:
        g.call("DeleteVault", vault_name=name)
    assert err.value.status == 400
    assert err.value.message == f"Vault not empty or recently written to: {ARN_PREFIX}{name}"


def test_a_new_vault_can_be_deleted_at_once() -> None:
    g = Harness()
    g.create_vault("vault")
    assert g.call("DeleteVault", vault_name="vault") == {}
    with pytest.raises(ResourceNotFoundException):
        describe(g)


def test_deleting_a_missing_vault_is_404() -> None:
    g = Harness()
    g.create_vault("vault")
    g.call("DeleteVault", vault_name="vault")
    with pytest.raises(ResourceNotFoundException) as err:
        g.call("DeleteVault", vault_name="vault")
    assert err.value.message == f"Vault not found for ARN: {ARN_PREFIX}vault"


def test_a_vault_written_since_the_last_inventory_cannot_be_deleted() -> None:
    g = Harness()
    g.create_vault("vault")
    archive = put_archive(g)
    drop_archive(g, archive)  # empty now, but written since the last inventory
    refuse_delete(g)
    assert describe(g)["VaultName"] == "vault"


def test_a_vault_with_archives_at_the_last_inventory_cannot_be_deleted() -> None:
    g = Harness()
    g.create_vault("vault")
    archive = put_archive(g)
    g.move_to(NEXT_MIDNIGHT + timedelta(hours=1))
    refuse_delete(g)
    drop_archive(g, archive)
    refuse_delete(g)  # the inventory still shows the archive
    g.move_to(NEXT_MIDNIGHT + timedelta(days=1, hours=1))
    assert describe(g)["NumberOfArchives"] == 0
    assert g.call("DeleteVault", vault_name="vault") == {}


def test_a_deleted_vault_can_be_created_again_fresh() -> None:
    g = Harness()
    g.create_vault("vault")
    g.call("DeleteVault", vault_name="vault")
    g.advance(timedelta(minutes=1))
    g.create_vault("vault")
    assert describe(g)["CreationDate"] == "2030-01-15T12:01:00.000Z"


def test_the_timeline_shows_a_vault_created_before_its_immediate_inventory() -> None:
    g = Harness(settings=BackendSettings(inventory="immediate"))
    g.create_vault()

    what = [entry.what for entry in g.backend.timeline.entries]

    assert what[0] == f"vault vault created in {REGION}"
    assert len(what) > 1
    assert "inventory" in what[1]
