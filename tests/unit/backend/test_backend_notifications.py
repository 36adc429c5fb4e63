"""Set/Get/DeleteVaultNotifications and the topic lookup jobs use (GLACIER_SPEC §2.1, §5.7)."""

from __future__ import annotations

from typing import Any

import pytest
from backend_fakes import CTX, OTHER_ACCOUNT, OTHER_REGION, REGION, Harness

from pytest_glacier.backend import RequestContext
from pytest_glacier.backend.errors import (
    InvalidParameterValueException,
    MissingParameterValueException,
    ResourceNotFoundException,
)
from pytest_glacier.backend.notifications import vault_topic_for_event

TOPIC = f"arn:aws:sns:{REGION}:{CTX.account_id}:glacier-jobs"
BOTH = ["ArchiveRetrievalCompleted", "InventoryRetrievalCompleted"]


@pytest.fixture
def g() -> Harness:
    harness = Harness()
    harness.create_vault("vault")
    return harness


def set_config(
    g: Harness, config: dict[str, Any] | None, vault: str = "vault", ctx: RequestContext = CTX
) -> None:
    g.call("SetVaultNotifications", ctx, vault_name=vault, vault_notification_config=config)


def get_config(g: Harness, vault: str = "vault", ctx: RequestContext = CTX) -> dict[str, Any]:
    output = g.call("GetVaultNotifications", ctx, vault_name=vault)
    assert list(output) == ["vaultNotificationConfig"]
    config: dict[str, Any] = output["vaultNotificationConfig"]
    return config


def refused(g: Harness, config: dict[str, Any] | None) -> InvalidParameterValueException:
    with pytest.raises(InvalidParameterValueException) as err:
        set_config(g, config)
    assert err.value.status == 400
    return err.value


# -- set, get, delete ---------------------------------------------------------------------------


def test_set_then_get(g: Harness) -> None:
    config = {"SNSTopic": TOPIC, "Events": BOTH}
    assert (
        g.call("SetVaultNotifications", vault_name="vault", vault_notification_config=config) == {}
    )
    assert get_config(g) == config


def test_set_replaces_the_previous_configuration(g: Harness) -> None:
    set_config(g, {"SNSTopic": TOPIC, "Events": BOTH})
    other = f"{TOPIC}-2"
    set_config(g, {"SNSTopic": other, "Events": ["InventoryRetrievalCompleted"]})
    assert get_config(g) == {"SNSTopic": other, "Events": ["InventoryRetrievalCompleted"]}


def test_get_without_a_configuration_is_404(g: Harness) -> None:
    with pytest.raises(ResourceNotFoundException) as err:
        get_config(g)
    assert err.value.status == 404
    assert err.value.message == "No notification configuration is set for vault: vault"


def test_delete_removes_the_configuration_and_is_idempotent(g: Harness) -> None:
    set_config(g, {"SNSTopic": TOPIC, "Events": BOTH})
    assert g.call("DeleteVaultNotifications", vault_name="vault") == {}
    with pytest.raises(ResourceNotFoundException):
        get_config(g)
    assert g.call("DeleteVaultNotifications", vault_name="vault") == {}


def test_get_returns_a_copy(g: Harness) -> None:
    set_config(g, {"SNSTopic": TOPIC, "Events": ["ArchiveRetrievalCompleted"]})
    get_config(g)["Events"].append("InventoryRetrievalCompleted")
    assert get_config(g)["Events"] == ["ArchiveRetrievalCompleted"]


def test_set_keeps_no_reference_to_the_callers_list(g: Harness) -> None:
    events = ["ArchiveRetrievalCompleted"]
    set_config(g, {"SNSTopic": TOPIC, "Events": events})
    events.append("bogus")
    assert get_config(g)["Events"] == ["ArchiveRetrievalCompleted"]


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        (
            "SetVaultNotifications",
            {"vault_notification_config": {"SNSTopic": TOPIC, "Events": BOTH}},
        ),
        ("GetVaultNotifications", {}),
        ("DeleteVaultNotifications", {}),
    ],
)
def test_a_missing_vault_is_the_real_404(
    g: Harness, operation: str, params: dict[str, object]
) -> None:
    with pytest.raises(ResourceNotFoundException, match=r"^Vault not found for ARN: arn:aws:"):
        g.call(operation, vault_name="nope", **params)


# -- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "member"),
    [
        (None, "SNSTopic"),
        ({}, "SNSTopic"),
        ({"Events": BOTH}, "SNSTopic"),
        ({"SNSTopic": TOPIC}, "Events"),
        ({"SNSTopic": TOPIC, "Events": None}, "Events"),
    ],
)
def test_both_members_are_required(g: Harness, config: dict[str, Any] | None, member: str) -> None:
    with pytest.raises(MissingParameterValueException) as err:
        set_config(g, config)
    assert err.value.status == 400
    assert err.value.message == f"Required parameter missing: {member}"


def test_events_must_not_be_empty(g: Harness) -> None:
    assert "non-empty list" in refused(g, {"SNSTopic": TOPIC, "Events": []}).message


@pytest.mark.parametrize("event", ["ArchiveRetrievalComplete", "archiveretrievalcompleted", ""])
def test_unknown_events_are_refused(g: Harness, event: str) -> None:
    error = refused(g, {"SNSTopic": TOPIC, "Events": ["ArchiveRetrievalCompleted", event]})
    assert error.message == (
        f"Invalid event: {event!r}. Supported events are ArchiveRetrievalCompleted, "
        f"InventoryRetrievalCompleted."
    )


@pytest.mark.parametrize(
    "topic",
    [
        "",
        "glacier-jobs",
        f"arn:aws:sqs:{REGION}:{CTX.account_id}:queue",
        f"arn:aws:sns:{REGION}:1234:short-account",
        f"arn:aws:sns:{REGION}:{CTX.account_id}:",
        f"arn:aws:sns:{REGION}:{CTX.account_id}:bad name",
        f"arn:aws:sns:{REGION}:{CTX.account_id}:" + "t" * 257,
        f"arn:aws-cn:sns:{REGION}:{CTX.account_id}:wrong-partition",
    ],
)
def test_the_topic_must_be_an_sns_topic_arn(g: Harness, topic: str) -> None:
    error = refused(g, {"SNSTopic": topic, "Events": BOTH})
    assert error.message.startswith("Invalid SNSTopic: ")


def test_a_topic_in_another_region_is_refused_with_the_real_message(g: Harness) -> None:
    topic = f"arn:aws:sns:{OTHER_REGION}:{CTX.account_id}:glacier-jobs"
    error = refused(g, {"SNSTopic": topic, "Events": BOTH})
    assert error.message == f"SNS topics must be in the local AWS region: {topic}"


def test_a_topic_of_another_account_in_the_region_is_accepted(g: Harness) -> None:
    topic = f"arn:aws:sns:{REGION}:{OTHER_ACCOUNT}:shared"
    set_config(g, {"SNSTopic": topic, "Events": BOTH})
    assert get_config(g)["SNSTopic"] == topic


def test_other_partitions_take_their_own_topic_arns() -> None:
    g = Harness()
    ctx = RequestContext("cn-north-1", CTX.account_id)
    g.create_vault("vault", ctx)
    topic = f"arn:aws-cn:sns:cn-north-1:{CTX.account_id}:jobs"
    set_config(g, {"SNSTopic": topic, "Events": BOTH}, ctx=ctx)
    assert get_config(g, ctx=ctx)["SNSTopic"] == topic


def test_a_refused_configuration_leaves_the_current_one(g: Harness) -> None:
    set_config(g, {"SNSTopic": TOPIC, "Events": BOTH})
    refused(g, {"SNSTopic": TOPIC, "Events": ["Nope"]})
    refused(g, {"SNSTopic": "nope", "Events": BOTH})
    assert get_config(g) == {"SNSTopic": TOPIC, "Events": BOTH}


# -- isolation and the topic lookup -------------------------------------------------------------


def test_configurations_are_per_vault_account_and_region(g: Harness) -> None:
    other_region = RequestContext(OTHER_REGION, CTX.account_id)
    other_account = RequestContext(REGION, OTHER_ACCOUNT)
    g.create_vault("second")
    g.create_vault("vault", other_region)
    g.create_vault("vault", other_account)
    set_config(g, {"SNSTopic": TOPIC, "Events": BOTH})
    for vault, ctx in (("second", CTX), ("vault", other_region), ("vault", other_account)):
        with pytest.raises(ResourceNotFoundException):
            get_config(g, vault, ctx)


def test_the_configuration_goes_with_the_vault(g: Harness) -> None:
    set_config(g, {"SNSTopic": TOPIC, "Events": BOTH})
    g.call("DeleteVault", vault_name="vault")
    g.create_vault("vault")
    with pytest.raises(ResourceNotFoundException):
        get_config(g)


def test_vault_topic_for_event(g: Harness) -> None:
    vault = g.backend.region_state(CTX.account_id, REGION).vaults["vault"]
    assert vault_topic_for_event(vault, "ArchiveRetrievalCompleted") is None
    set_config(g, {"SNSTopic": TOPIC, "Events": ["InventoryRetrievalCompleted"]})
    assert vault_topic_for_event(vault, "InventoryRetrievalCompleted") == TOPIC
    assert vault_topic_for_event(vault, "ArchiveRetrievalCompleted") is None
    g.call("DeleteVaultNotifications", vault_name="vault")
    assert vault_topic_for_event(vault, "InventoryRetrievalCompleted") is None
