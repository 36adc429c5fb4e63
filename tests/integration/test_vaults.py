"""Vaults through boto3, as users call them (GLACIER_SPEC §2.1, §3, §8)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from glacier_helpers import error_of

from pytest_glacier import GlacierMock

ACCOUNT = "123456789012"


def test_create_vault_returns_location_with_the_real_account_id(glacier: Any) -> None:
    response = glacier.create_vault(vaultName="backups")
    assert response["location"] == f"/{ACCOUNT}/vaults/backups"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 201
    request_id = response["ResponseMetadata"]["RequestId"]
    assert len(request_id) == 47


def test_create_vault_is_idempotent(glacier: Any) -> None:
    first = glacier.create_vault(vaultName="backups")
    created = glacier.describe_vault(vaultName="backups")["CreationDate"]
    second = glacier.create_vault(vaultName="backups")
    assert first["location"] == second["location"]
    assert glacier.describe_vault(vaultName="backups")["CreationDate"] == created
    assert len(glacier.list_vaults()["VaultList"]) == 1


@pytest.mark.parametrize("name", ["a", "A-b_c.d", "x" * 255, "0123456789"])
def test_valid_vault_names(glacier: Any, name: str) -> None:
    glacier.create_vault(vaultName=name)
    assert glacier.describe_vault(vaultName=name)["VaultName"] == name


@pytest.mark.parametrize("name", ["", "x" * 256, "with space", "colon:name", "slash%2F", "ünï"])
def test_invalid_vault_names_are_refused(no_retry_glacier: Any, name: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        no_retry_glacier.create_vault(vaultName=name)
    status, code, message = error_of(excinfo)
    assert (status, code) == (400, "InvalidParameterValueException")
    assert "vault name" in message


def test_describe_new_vault(glacier: Any, glacier_mock: GlacierMock) -> None:
    glacier.create_vault(vaultName="v")
    vault = glacier.describe_vault(vaultName="v")
    assert vault["VaultARN"] == f"arn:aws:glacier:us-east-1:{ACCOUNT}:vaults/v"
    assert vault["VaultName"] == "v"
    assert vault["NumberOfArchives"] == 0
    assert vault["SizeInBytes"] == 0
    assert "LastInventoryDate" not in vault
    created = vault["CreationDate"]
    assert created.endswith("Z")
    assert len(created) == len("2012-03-20T17:03:43.221Z")


def test_missing_vault_is_the_real_404(no_retry_glacier: Any) -> None:
    with pytest.raises(no_retry_glacier.exceptions.ResourceNotFoundException) as excinfo:
        no_retry_glacier.describe_vault(vaultName="nope")
    assert error_of(excinfo) == (
        404,
        "ResourceNotFoundException",
        f"Vault not found for ARN: arn:aws:glacier:us-east-1:{ACCOUNT}:vaults/nope",
    )


def test_missing_vault_with_an_impossible_name_echoes_the_name(no_retry_glacier: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        no_retry_glacier.describe_vault(vaultName="testz:z")
    assert error_of(excinfo)[2] == "Vault not found for ARN: testz:z"


def test_create_vault_with_an_empty_name_says_what_a_name_is(no_retry_glacier: Any) -> None:
    # botocore sends PUT /-/vaults/: it reaches CreateVault instead of missing every route.
    with pytest.raises(ClientError) as excinfo:
        no_retry_glacier.create_vault(vaultName="")
    assert error_of(excinfo) == (
        400,
        "InvalidParameterValueException",
        (
            "Invalid vault name: ''. A vault name is 1 to 255 characters of a-z, A-Z, 0-9, "
            "'_' (underscore), '-' (hyphen) and '.' (period)."
        ),
    )


EMPTY_NAME_CALLS: list[tuple[str, dict[str, Any]]] = [
    ("describe_vault", {}),
    ("delete_vault", {}),
    ("list_tags_for_vault", {}),
    ("add_tags_to_vault", {"Tags": {"k": "v"}}),
    ("remove_tags_from_vault", {"TagKeys": ["k"]}),
    ("get_vault_access_policy", {}),
    ("set_vault_access_policy", {"policy": {"Policy": '{"Version":"2012-10-17","Statement":[]}'}}),
    ("delete_vault_access_policy", {}),
    ("get_vault_notifications", {}),
    (
        "set_vault_notifications",
        {
            "vaultNotificationConfig": {
                "SNSTopic": f"arn:aws:sns:us-east-1:{ACCOUNT}:topic",
                "Events": ["ArchiveRetrievalCompleted"],
            }
        },
    ),
    ("delete_vault_notifications", {}),
    ("list_jobs", {}),
    ("initiate_job", {"jobParameters": {"Type": "inventory-retrieval"}}),
    ("upload_archive", {"body": b"data"}),
    ("list_multipart_uploads", {}),
    ("initiate_multipart_upload", {"partSize": str(1024 * 1024)}),
    ("describe_job", {"jobId": "j"}),
    ("get_job_output", {"jobId": "j"}),
    ("delete_archive", {"archiveId": "a"}),
    ("list_parts", {"uploadId": "u"}),
    ("upload_multipart_part", {"uploadId": "u", "range": "bytes 0-3/*", "body": b"data"}),
    ("complete_multipart_upload", {"uploadId": "u", "archiveSize": "4", "checksum": "0" * 64}),
    ("abort_multipart_upload", {"uploadId": "u"}),
    ("initiate_vault_lock", {"policy": {"Policy": '{"Version":"2012-10-17","Statement":[]}'}}),
    ("complete_vault_lock", {"lockId": "l"}),
    ("get_vault_lock", {}),
    ("abort_vault_lock", {}),
]


@pytest.mark.parametrize(
    ("method", "kwargs"), EMPTY_NAME_CALLS, ids=[c[0] for c in EMPTY_NAME_CALLS]
)
def test_an_empty_vault_name_is_the_vault_lookups_404(
    no_retry_glacier: Any, method: str, kwargs: dict[str, Any]
) -> None:
    # The same answer as any name that could never be a vault's: the raw name, here nothing.
    no_retry_glacier.create_vault(vaultName="v")  # an existing vault changes nothing
    with pytest.raises(ClientError) as excinfo:
        getattr(no_retry_glacier, method)(vaultName="", **kwargs)
    assert error_of(excinfo) == (404, "ResourceNotFoundException", "Vault not found for ARN: ")


def test_list_vaults_is_untouched_by_empty_vault_names(glacier: Any) -> None:
    glacier.create_vault(vaultName="v")
    assert [v["VaultName"] for v in glacier.list_vaults()["VaultList"]] == ["v"]


def test_explicit_account_id_that_is_not_ours_is_access_denied(no_retry_glacier: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        no_retry_glacier.create_vault(accountId="999999999999", vaultName="v")
    status, code, _ = error_of(excinfo)
    assert (status, code) == (403, "AccessDeniedException")


def test_explicit_own_account_id_works(glacier: Any) -> None:
    glacier.create_vault(accountId=ACCOUNT, vaultName="v")
    assert glacier.describe_vault(accountId="-", vaultName="v")["VaultName"] == "v"


def test_vaults_are_per_region(glacier_mock: GlacierMock) -> None:
    east = boto3.client("glacier", region_name="us-east-1")
    west = boto3.client("glacier", region_name="eu-west-1")
    east.create_vault(vaultName="same")
    west.create_vault(vaultName="same")
    west.create_vault(vaultName="only-west")
    assert [v["VaultName"] for v in east.list_vaults()["VaultList"]] == ["same"]
    assert [v["VaultARN"] for v in west.list_vaults()["VaultList"]] == [
        f"arn:aws:glacier:eu-west-1:{ACCOUNT}:vaults/only-west",
        f"arn:aws:glacier:eu-west-1:{ACCOUNT}:vaults/same",
    ]


@pytest.mark.glacier(accounts={"AKIAOTHERACCOUNT0001": "210987654321"})
def test_vaults_are_per_account(glacier_mock: GlacierMock, glacier: Any) -> None:
    other = boto3.client(
        "glacier",
        region_name="us-east-1",
        aws_access_key_id="AKIAOTHERACCOUNT0001",
        aws_secret_access_key="secret",
    )
    other.create_vault(vaultName="theirs")
    glacier.create_vault(vaultName="ours")
    assert [v["VaultName"] for v in other.list_vaults()["VaultList"]] == ["theirs"]
    assert other.describe_vault(vaultName="theirs")["VaultARN"].split(":")[4] == "210987654321"
    assert [v["VaultName"] for v in glacier.list_vaults()["VaultList"]] == ["ours"]


def test_list_vaults_is_sorted_and_paged_by_ten(glacier: Any) -> None:
    names = [f"vault-{i:02d}" for i in range(23)]
    for name in reversed(names):
        glacier.create_vault(vaultName=name)

    first = glacier.list_vaults()
    assert [v["VaultName"] for v in first["VaultList"]] == names[:10]
    assert first["Marker"] == f"arn:aws:glacier:us-east-1:{ACCOUNT}:vaults/vault-10"

    second = glacier.list_vaults(marker=first["Marker"], limit="5")
    assert [v["VaultName"] for v in second["VaultList"]] == names[10:15]

    pages = glacier.get_paginator("list_vaults").paginate()
    assert [v["VaultName"] for page in pages for v in page["VaultList"]] == names


def test_list_vaults_limit_above_ten_is_clamped(glacier: Any) -> None:
    for i in range(12):
        glacier.create_vault(vaultName=f"v{i:02d}")
    page = glacier.list_vaults(limit="1000")
    assert len(page["VaultList"]) == 10
    assert "Marker" in page


@pytest.mark.parametrize("limit", ["0", "-1", "ten", "1.5"])
def test_list_vaults_invalid_limit(no_retry_glacier: Any, limit: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        no_retry_glacier.list_vaults(limit=limit)
    assert error_of(excinfo)[:2] == (400, "InvalidParameterValueException")


@pytest.mark.parametrize(
    "operation", ["list_vaults", "list_jobs", "list_multipart_uploads", "list_parts"]
)
@pytest.mark.parametrize("limit", [" 2", "2 ", "\t2", "+2", ""])
def test_every_list_operation_takes_the_limit_exactly_as_sent(
    no_retry_glacier: Any, operation: str, limit: str
) -> None:
    # One rule for the four list operations: whitespace or a sign makes it no integer (§3).
    no_retry_glacier.create_vault(vaultName="v")
    upload_id = no_retry_glacier.initiate_multipart_upload(vaultName="v", partSize=str(2**20))[
        "uploadId"
    ]
    scope = {
        "list_vaults": {},
        "list_jobs": {"vaultName": "v"},
        "list_multipart_uploads": {"vaultName": "v"},
        "list_parts": {"vaultName": "v", "uploadId": upload_id},
    }[operation]
    with pytest.raises(ClientError) as excinfo:
        getattr(no_retry_glacier, operation)(limit=limit, **scope)
    status, code, message = error_of(excinfo)
    assert (status, code) == (400, "InvalidParameterValueException")
    assert message.startswith(f"Invalid limit: {limit!r}. The limit must be a whole number")
    assert (
        getattr(no_retry_glacier, operation)(limit="2", **scope)["ResponseMetadata"][
            "HTTPStatusCode"
        ]
        == 200
    )


def test_list_vaults_empty(glacier: Any) -> None:
    response = glacier.list_vaults()
    assert response["VaultList"] == []
    assert "Marker" not in response


def test_new_vault_can_be_deleted_at_once(glacier: Any) -> None:
    glacier.create_vault(vaultName="v")
    response = glacier.delete_vault(vaultName="v")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert glacier.list_vaults()["VaultList"] == []


def test_deleting_a_missing_vault_is_404(no_retry_glacier: Any) -> None:
    with pytest.raises(no_retry_glacier.exceptions.ResourceNotFoundException):
        no_retry_glacier.delete_vault(vaultName="never")


def test_delete_removes_tags_policy_and_notifications(glacier: Any) -> None:
    glacier.create_vault(vaultName="v")
    glacier.add_tags_to_vault(vaultName="v", Tags={"k": "v"})
    glacier.delete_vault(vaultName="v")
    glacier.create_vault(vaultName="v")
    assert glacier.list_tags_for_vault(vaultName="v")["Tags"] == {}


def test_waiters_work(glacier: Any) -> None:
    glacier.create_vault(vaultName="v")
    glacier.get_waiter("vault_exists").wait(vaultName="v")
    glacier.delete_vault(vaultName="v")
    glacier.get_waiter("vault_not_exists").wait(vaultName="v")


@pytest.mark.glacier(sleep_advances=True)
def test_vault_exists_waiter_polls_in_simulated_time(
    glacier_mock: GlacierMock, glacier: Any
) -> None:
    from botocore.exceptions import WaiterError

    start = glacier_mock.now()
    with pytest.raises(WaiterError):
        glacier.get_waiter("vault_exists").wait(vaultName="never")
    # 15 attempts, 3 s apart: 42 s of simulated time, none of it slept for real.
    assert glacier_mock.now() - start >= timedelta(seconds=42)


def test_take_inventory_sets_last_inventory_date(glacier: Any, glacier_mock: GlacierMock) -> None:
    glacier.create_vault(vaultName="v")
    glacier_mock.take_inventory("v")
    vault = glacier.describe_vault(vaultName="v")
    assert vault["LastInventoryDate"].startswith(glacier_mock.now().strftime("%Y-%m-%dT%H"))
    assert vault["NumberOfArchives"] == 0


def test_take_inventory_of_an_unknown_vault_says_which_exist(
    glacier: Any, glacier_mock: GlacierMock
) -> None:
    glacier.create_vault(vaultName="real")
    with pytest.raises(ValueError, match=r"no vault named 'nope'.*real \(us-east-1\)"):
        glacier_mock.take_inventory("nope")


@pytest.mark.glacier(inventory="immediate")
def test_immediate_inventory_mode_has_an_inventory_at_once(glacier: Any) -> None:
    glacier.create_vault(vaultName="v")
    assert "LastInventoryDate" in glacier.describe_vault(vaultName="v")


def test_vault_limit_is_one_thousand_per_region(
    glacier_mock: GlacierMock, no_retry_glacier: Any
) -> None:
    for i in range(1000):
        no_retry_glacier.create_vault(vaultName=f"v{i:04d}")
    with pytest.raises(no_retry_glacier.exceptions.LimitExceededException):
        no_retry_glacier.create_vault(vaultName="one-too-many")
    # Creating one that exists is still fine, and another region has its own limit.
    no_retry_glacier.create_vault(vaultName="v0000")
    boto3.client("glacier", region_name="eu-west-1").create_vault(vaultName="elsewhere")
