"""Vault access and lock policies enforced on real boto3 calls, across accounts (GLACIER_SPEC §6).

Cross-account callers are clients signed with an access key that the ``accounts`` option maps to
another account; ``accountId`` names the owner's account, as with real Glacier.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from glacier_helpers import error_of

from pytest_glacier import GlacierMock

OWNER = "123456789012"
PARTNER = "210987654321"
STRANGER = "333333333333"
REGION = "us-east-1"
VAULT_ARN = f"arn:aws:glacier:{REGION}:{OWNER}:vaults/shared"

ACCOUNTS = {
    "AKIAPARTNER": PARTNER,
    "AKIASTRANGER": STRANGER,
    "AKIAALICE": f"arn:aws:iam::{PARTNER}:user/alice",
}
pytestmark = pytest.mark.glacier(accounts=ACCOUNTS)
NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})


def client_for(access_key: str) -> Any:
    return boto3.client(
        "glacier",
        region_name=REGION,
        aws_access_key_id=access_key,
        aws_secret_access_key="secret",
        config=NO_RETRIES,
    )


@pytest.fixture
def owner(no_retry_glacier: Any) -> Any:
    no_retry_glacier.create_vault(vaultName="shared")
    return no_retry_glacier


@pytest.fixture
def partner(glacier_mock: GlacierMock) -> Any:
    return client_for("AKIAPARTNER")


@pytest.fixture
def stranger(glacier_mock: GlacierMock) -> Any:
    return client_for("AKIASTRANGER")


def set_policy(owner: Any, *statements: dict[str, Any]) -> str:
    text = json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
    owner.set_vault_access_policy(vaultName="shared", policy={"Policy": text})
    return text


def assert_denied(call: Any, **params: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    status, code, message = error_of(excinfo)
    assert (status, code) == (403, "AccessDeniedException")
    return message


# -- cross-account ---------------------------------------------------------------------------------


def test_another_account_is_denied_without_a_policy(owner: Any, partner: Any) -> None:
    message = assert_denied(partner.describe_vault, accountId=OWNER, vaultName="shared")
    assert message == (
        f"User: arn:aws:iam::{PARTNER}:root is not authorized to perform: glacier:DescribeVault "
        f"on resource: {VAULT_ARN} because no resource-based policy allows the "
        f"glacier:DescribeVault action"
    )


def test_a_grant_lets_another_account_read_and_tag(
    owner: Any, partner: Any, stranger: Any, glacier_mock: GlacierMock
) -> None:
    set_policy(
        owner,
        {
            "Sid": "partner-read-and-tag",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
            "Action": ["glacier:DescribeVault", "glacier:ListTagsForVault", "glacier:AddTags*"],
            "Resource": VAULT_ARN,
        },
    )
    assert partner.describe_vault(accountId=OWNER, vaultName="shared")["VaultARN"] == VAULT_ARN
    partner.add_tags_to_vault(accountId=OWNER, vaultName="shared", Tags={"seen-by": "partner"})
    assert owner.list_tags_for_vault(vaultName="shared")["Tags"] == {"seen-by": "partner"}
    assert_denied(partner.delete_vault, accountId=OWNER, vaultName="shared")
    assert_denied(stranger.describe_vault, accountId=OWNER, vaultName="shared")
    assert [call.account_id for call in glacier_mock.calls[-4:]] == [
        PARTNER,
        OWNER,
        PARTNER,
        STRANGER,
    ]


def test_another_account_cannot_learn_whether_a_vault_exists(owner: Any, partner: Any) -> None:
    set_policy(owner, {"Effect": "Allow", "Principal": "*", "Action": "glacier:*"})
    message = assert_denied(partner.describe_vault, accountId=OWNER, vaultName="missing")
    assert "vaults/missing because no resource-based policy allows" in message
    assert_denied(partner.create_vault, accountId=OWNER, vaultName="planted")


def test_dash_means_the_callers_own_account(owner: Any, partner: Any) -> None:
    set_policy(owner, {"Effect": "Allow", "Principal": "*", "Action": "glacier:*"})
    with pytest.raises(ClientError) as excinfo:
        partner.describe_vault(vaultName="shared")  # accountId '-': the partner's own account
    assert error_of(excinfo)[:2] == (404, "ResourceNotFoundException")
    partner.create_vault(vaultName="shared")
    assert partner.describe_vault(vaultName="shared")["VaultARN"].split(":")[4] == PARTNER


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.list_vaults(accountId=OWNER),
        lambda c: c.get_data_retrieval_policy(accountId=OWNER),
        lambda c: c.list_provisioned_capacity(accountId=OWNER),
        lambda c: c.purchase_provisioned_capacity(accountId=OWNER),
    ],
)
def test_account_level_operations_of_another_account_are_denied(
    owner: Any, partner: Any, call: Any
) -> None:
    set_policy(owner, {"Effect": "Allow", "Principal": "*", "Action": "*"})
    assert_denied(call, c=partner)


def test_a_user_principal(owner: Any, glacier_mock: GlacierMock) -> None:
    alice = client_for("AKIAALICE")
    set_policy(
        owner,
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:user/alice"},
            "Action": "glacier:DescribeVault",
        },
    )
    alice.describe_vault(accountId=OWNER, vaultName="shared")
    message = assert_denied(
        client_for("AKIAPARTNER").describe_vault, accountId=OWNER, vaultName="shared"
    )
    assert message.startswith(f"User: arn:aws:iam::{PARTNER}:root ")


def test_principal_account_condition(owner: Any, partner: Any, stranger: Any) -> None:
    set_policy(
        owner,
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "glacier:DescribeVault",
            "Condition": {"StringEquals": {"aws:PrincipalAccount": PARTNER}},
        },
    )
    partner.describe_vault(accountId=OWNER, vaultName="shared")
    assert_denied(stranger.describe_vault, accountId=OWNER, vaultName="shared")


# -- explicit deny ---------------------------------------------------------------------------------


def test_an_explicit_deny_binds_the_owner_too(owner: Any) -> None:
    set_policy(
        owner,
        {
            "Sid": "no-notification-changes",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "glacier:*Notifications",
        },
    )
    message = assert_denied(owner.delete_vault_notifications, vaultName="shared")
    assert message.endswith(
        "with an explicit deny in a resource-based policy (the vault access policy, statement "
        "'no-notification-changes')"
    )
    owner.describe_vault(vaultName="shared")


def test_removing_the_policy_lifts_the_deny(owner: Any) -> None:
    set_policy(owner, {"Effect": "Deny", "Principal": "*", "Action": "glacier:ListTagsForVault"})
    assert_denied(owner.list_tags_for_vault, vaultName="shared")
    owner.delete_vault_access_policy(vaultName="shared")
    owner.list_tags_for_vault(vaultName="shared")


def test_the_lock_policy_and_access_policy_are_both_evaluated(owner: Any, partner: Any) -> None:
    set_policy(owner, {"Effect": "Allow", "Principal": {"AWS": PARTNER}, "Action": "glacier:*"})
    lock_policy = json.dumps(
        {
            "Statement": [
                {
                    "Effect": "Deny",
                    "Principal": {"AWS": PARTNER},
                    "Action": "glacier:AddTagsToVault",
                }
            ]
        }
    )
    lock_id = owner.initiate_vault_lock(vaultName="shared", policy={"Policy": lock_policy})[
        "lockId"
    ]
    owner.complete_vault_lock(vaultName="shared", lockId=lock_id)
    partner.list_tags_for_vault(accountId=OWNER, vaultName="shared")
    message = assert_denied(
        partner.add_tags_to_vault, accountId=OWNER, vaultName="shared", Tags={"a": "b"}
    )
    assert "(the vault lock policy, statement 1)" in message


def test_the_policy_text_is_returned_exactly(owner: Any) -> None:
    text = set_policy(owner, {"Effect": "Deny", "Principal": "*", "Action": "glacier:Nothing"})
    assert owner.get_vault_access_policy(vaultName="shared")["policy"]["Policy"] == text


def test_unknown_condition_keys_are_refused_when_set(owner: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        set_policy(
            owner,
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "glacier:DeleteArchive",
                "Condition": {"NumericLessThan": {"glacier:ArchiveAge": "365"}},
            },
        )
    status, code, message = error_of(excinfo)
    assert (status, code) == (400, "InvalidParameterValueException")
    assert "unknown condition key 'glacier:ArchiveAge'" in message


def test_requests_come_from_the_local_machine(owner: Any) -> None:
    def deny_describe_outside(addresses: list[str]) -> None:
        set_policy(
            owner,
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "glacier:DescribeVault",
                "Condition": {"NotIpAddress": {"aws:SourceIp": addresses}},
            },
        )

    deny_describe_outside(["0.0.0.0/0", "::/0"])  # every address: the Deny never applies
    owner.describe_vault(vaultName="shared")
    deny_describe_outside(["127.0.0.1/32"])
    owner.describe_vault(vaultName="shared")
    deny_describe_outside(["10.0.0.0/8"])
    message = assert_denied(owner.describe_vault, vaultName="shared")
    assert message.endswith(
        "with an explicit deny in a resource-based policy (the vault access policy, statement 1)"
    )


# -- legal hold ------------------------------------------------------------------------------------

LEGAL_HOLD = {
    "Sid": "legal-hold",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "glacier:DeleteArchive",
    "Resource": VAULT_ARN,
    "Condition": {"StringLike": {"glacier:ResourceTag/LegalHold": ["true", ""]}},
}


def test_a_legal_hold_tag_blocks_deletes(owner: Any) -> None:
    set_policy(owner, LEGAL_HOLD)
    archive_id = owner.upload_archive(vaultName="shared", body=b"evidence")["archiveId"]
    owner.add_tags_to_vault(vaultName="shared", Tags={"LegalHold": "true"})
    message = assert_denied(owner.delete_archive, vaultName="shared", archiveId=archive_id)
    assert "statement 'legal-hold'" in message
    owner.remove_tags_from_vault(vaultName="shared", TagKeys=["LegalHold"])
    owner.delete_archive(vaultName="shared", archiveId=archive_id)


def test_secure_transport_deny_applies_to_plain_http(glacier_mock: GlacierMock) -> None:
    plain = boto3.client(
        "glacier",
        region_name=REGION,
        endpoint_url=f"http://glacier.{REGION}.amazonaws.com",
        config=NO_RETRIES,
    )
    plain.create_vault(vaultName="shared")
    set_policy(
        plain,
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "glacier:ListTagsForVault",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
    )
    assert_denied(plain.list_tags_for_vault, vaultName="shared")
    secure = boto3.client("glacier", region_name=REGION, config=NO_RETRIES)
    secure.list_tags_for_vault(vaultName="shared")
