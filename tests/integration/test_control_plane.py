"""Tags, access policy, notifications, retrieval policy, provisioned capacity through boto3."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pytest_glacier import GlacierMock

ACCOUNT = "123456789012"
POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "cross-account-upload",
                "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
                "Effect": "Allow",
                "Action": "glacier:UploadArchive",
                "Resource": f"arn:aws:glacier:us-east-1:{ACCOUNT}:vaults/v",
            }
        ],
    },
    indent=2,
)
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:glacier-jobs"


@pytest.fixture
def vault(no_retry_glacier: Any) -> str:
    no_retry_glacier.create_vault(vaultName="v")
    return "v"


def code_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[int, str]:
    response = excinfo.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]


# -- tags --------------------------------------------------------------------------------------


def test_tags_add_list_overwrite_remove(no_retry_glacier: Any, vault: str) -> None:
    client = no_retry_glacier
    assert client.list_tags_for_vault(vaultName=vault)["Tags"] == {}
    client.add_tags_to_vault(vaultName=vault, Tags={"team": "storage", "empty": ""})
    client.add_tags_to_vault(vaultName=vault, Tags={"team": "archive"})
    assert client.list_tags_for_vault(vaultName=vault)["Tags"] == {
        "team": "archive",
        "empty": "",
    }
    client.remove_tags_from_vault(vaultName=vault, TagKeys=["team", "absent"])
    assert client.list_tags_for_vault(vaultName=vault)["Tags"] == {"empty": ""}


def test_at_most_fifty_tags_per_vault(no_retry_glacier: Any, vault: str) -> None:
    for batch in range(5):
        tags = {f"k{batch}-{i}": "v" for i in range(10)}
        no_retry_glacier.add_tags_to_vault(vaultName=vault, Tags=tags)
    with pytest.raises(ClientError) as excinfo:
        no_retry_glacier.add_tags_to_vault(vaultName=vault, Tags={"one-more": "v"})
    assert code_of(excinfo) == (400, "LimitExceededException")
    assert len(no_retry_glacier.list_tags_for_vault(vaultName=vault)["Tags"]) == 50


@pytest.mark.parametrize(
    "tags",
    [{f"k{i}": "v" for i in range(11)}, {"aws:reserved": "v"}, {"k" * 129: "v"}, {"k": "v" * 256}],
)
def test_invalid_tags_are_refused(no_retry_glacier: Any, vault: str, tags: dict[str, str]) -> None:
    with pytest.raises(ClientError) as excinfo:
        no_retry_glacier.add_tags_to_vault(vaultName=vault, Tags=tags)
    assert code_of(excinfo) == (400, "InvalidParameterValueException")
    assert no_retry_glacier.list_tags_for_vault(vaultName=vault)["Tags"] == {}


def test_tags_on_a_missing_vault(no_retry_glacier: Any) -> None:
    with pytest.raises(no_retry_glacier.exceptions.ResourceNotFoundException):
        no_retry_glacier.add_tags_to_vault(vaultName="nope", Tags={"k": "v"})


# -- vault access policy -------------------------------------------------------------------------


def test_access_policy_is_stored_exactly(no_retry_glacier: Any, vault: str) -> None:
    client = no_retry_glacier
    client.set_vault_access_policy(vaultName=vault, policy={"Policy": POLICY})
    assert client.get_vault_access_policy(vaultName=vault)["policy"] == {"Policy": POLICY}
    client.delete_vault_access_policy(vaultName=vault)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_vault_access_policy(vaultName=vault)
    # Delete is idempotent.
    client.delete_vault_access_policy(vaultName=vault)


@pytest.mark.parametrize(
    "policy",
    ["not json", "[]", json.dumps({"Version": "2012-10-17"}), json.dumps({"Statement": []})],
)
def test_invalid_access_policy_is_refused(no_retry_glacier: Any, vault: str, policy: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        no_retry_glacier.set_vault_access_policy(vaultName=vault, policy={"Policy": policy})
    assert code_of(excinfo) == (400, "InvalidParameterValueException")


def test_oversized_access_policy_is_refused(no_retry_glacier: Any, vault: str) -> None:
    statement = json.loads(POLICY)["Statement"][0]
    big = json.dumps({"Statement": [dict(statement, Sid=f"s{i}") for i in range(200)]})
    assert len(big) > 20 * 1024
    with pytest.raises(ClientError) as excinfo:
        no_retry_glacier.set_vault_access_policy(vaultName=vault, policy={"Policy": big})
    assert code_of(excinfo) == (400, "InvalidParameterValueException")


# -- notifications -------------------------------------------------------------------------------


def test_notifications_set_get_delete(no_retry_glacier: Any, vault: str) -> None:
    client = no_retry_glacier
    config = {"SNSTopic": TOPIC, "Events": ["ArchiveRetrievalCompleted"]}
    client.set_vault_notifications(vaultName=vault, vaultNotificationConfig=config)
    assert client.get_vault_notifications(vaultName=vault)["vaultNotificationConfig"] == config
    client.delete_vault_notifications(vaultName=vault)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_vault_notifications(vaultName=vault)
    client.delete_vault_notifications(vaultName=vault)


@pytest.mark.parametrize(
    "config",
    [
        {"SNSTopic": TOPIC, "Events": ["SomethingElse"]},
        {"SNSTopic": "not-an-arn", "Events": ["ArchiveRetrievalCompleted"]},
        {
            "SNSTopic": TOPIC.replace("us-east-1", "eu-west-1"),
            "Events": ["ArchiveRetrievalCompleted"],
        },
    ],
)
def test_invalid_notification_config(
    no_retry_glacier: Any, vault: str, config: dict[str, Any]
) -> None:
    with pytest.raises(ClientError) as excinfo:
        no_retry_glacier.set_vault_notifications(vaultName=vault, vaultNotificationConfig=config)
    assert code_of(excinfo) == (400, "InvalidParameterValueException")


# -- data retrieval policy -----------------------------------------------------------------------


def test_retrieval_policy_default_and_set(no_retry_glacier: Any) -> None:
    client = no_retry_glacier
    assert client.get_data_retrieval_policy()["Policy"] == {"Rules": [{"Strategy": "None"}]}
    rules = [{"Strategy": "BytesPerHour", "BytesPerHour": 10_000_000}]
    client.set_data_retrieval_policy(Policy={"Rules": rules})
    assert client.get_data_retrieval_policy()["Policy"] == {"Rules": rules}
    client.set_data_retrieval_policy(Policy={"Rules": [{"Strategy": "FreeTier"}]})
    assert client.get_data_retrieval_policy()["Policy"] == {"Rules": [{"Strategy": "FreeTier"}]}


@pytest.mark.parametrize(
    "rules",
    [
        [{"Strategy": "BytesPerHour"}],
        [{"Strategy": "FreeTier", "BytesPerHour": 5}],
        [{"Strategy": "Unlimited"}],
        [{"Strategy": "None"}, {"Strategy": "FreeTier"}],
    ],
)
def test_invalid_retrieval_policy(no_retry_glacier: Any, rules: list[dict[str, Any]]) -> None:
    with pytest.raises(ClientError) as excinfo:
        no_retry_glacier.set_data_retrieval_policy(Policy={"Rules": rules})
    assert code_of(excinfo) == (400, "InvalidParameterValueException")


# -- provisioned capacity ------------------------------------------------------------------------


def test_capacity_term_is_one_calendar_month(no_retry_glacier: Any) -> None:
    from freezegun import freeze_time

    # A frozen (not ticking) clock: the dates below are exact however slow the machine is.
    with freeze_time("2025-01-31T10:20:30.456"):
        capacity_id = no_retry_glacier.purchase_provisioned_capacity()["capacityId"]
        [unit] = no_retry_glacier.list_provisioned_capacity()["ProvisionedCapacityList"]
    assert len(capacity_id) == 24
    assert capacity_id.isalnum()
    assert unit["CapacityId"] == capacity_id
    assert unit["StartDate"] == "2025-01-31T10:20:30.456Z"
    assert unit["ExpirationDate"] == "2025-02-28T10:20:30.000Z"


def test_capacity_limit_and_expiry(glacier_mock: GlacierMock, no_retry_glacier: Any) -> None:
    client = no_retry_glacier
    client.purchase_provisioned_capacity()
    client.purchase_provisioned_capacity()
    with pytest.raises(ClientError) as excinfo:
        client.purchase_provisioned_capacity()
    assert code_of(excinfo) == (400, "LimitExceededException")

    glacier_mock.advance(days=32)
    assert client.list_provisioned_capacity()["ProvisionedCapacityList"] == []
    client.purchase_provisioned_capacity()


# -- daily inventory -----------------------------------------------------------------------------


@pytest.mark.glacier(start_time=datetime(2025, 3, 1, 22, 0, tzinfo=timezone.utc))
def test_no_inventory_for_a_vault_never_written(glacier_mock: GlacierMock, glacier: Any) -> None:
    glacier.create_vault(vaultName="v")
    glacier_mock.advance(timedelta(days=3))
    assert "LastInventoryDate" not in glacier.describe_vault(vaultName="v")
