"""Vault notification configuration: set, get and delete (GLACIER_SPEC §2.1, §5.7).

A vault names at most one SNS topic and the job events that are published to it. Glacier does
not check that the topic exists or that it may publish to it, only that the ARN is an SNS topic
of the vault's own region. Job completion asks :func:`vault_topic_for_event` where to publish,
and records each message it would publish as a :class:`PublishedNotification`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pytest_glacier.backend.context import RequestContext
from pytest_glacier.backend.errors import (
    InvalidParameterValueException,
    MissingParameterValueException,
    ResourceNotFoundException,
)
from pytest_glacier.backend.glacier import Backend
from pytest_glacier.backend.operations import Output, operation
from pytest_glacier.backend.vaults import Vault, get_vault

ARCHIVE_RETRIEVAL_COMPLETED = "ArchiveRetrievalCompleted"
INVENTORY_RETRIEVAL_COMPLETED = "InventoryRetrievalCompleted"
EVENTS = (ARCHIVE_RETRIEVAL_COMPLETED, INVENTORY_RETRIEVAL_COMPLETED)

SNS_TOPIC_ARN = re.compile(
    r"arn:(?P<partition>aws|aws-cn|aws-us-gov):sns:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"(?P<name>[A-Za-z0-9_-]{1,256}(?:\.fifo)?)"
)
"""``arn:<partition>:sns:<region>:<12-digit account>:<topic name>``."""


NOTIFICATION_SUBJECT = "Notification From AWS Glacier"
"""The subject of job notifications (GLACIER_SPEC §5.7: the real SNS subject is UNCONFIRMED)."""


@dataclass(frozen=True)
class PublishedNotification:
    """An SNS message Glacier would have published when a job completed.

    ``message`` is the job description exactly as DescribeJob returns it (every key, nulls
    included). ``GlacierMock.notifications`` shows these as ``pytest_glacier.Notification``.
    """

    topic_arn: str
    message: dict[str, Any]
    subject: str = NOTIFICATION_SUBJECT


def parse_topic_arn(topic: str, ctx: RequestContext) -> str:
    """Check that ``topic`` is an SNS topic ARN of the caller's region; return it unchanged."""
    match = SNS_TOPIC_ARN.fullmatch(topic)
    if match is None:
        raise InvalidParameterValueException(
            f"Invalid SNSTopic: {topic!r} is not an SNS topic ARN. Expected "
            f"arn:{ctx.partition}:sns:{ctx.region}:<12-digit account ID>:<topic name>."
        )
    if match["region"] != ctx.region:
        # GLACIER_SPEC §1.6: InitiateJob's message, assumed to be SetVaultNotifications' too.
        raise InvalidParameterValueException(f"SNS topics must be in the local AWS region: {topic}")
    if match["partition"] != ctx.partition:
        raise InvalidParameterValueException(
            f"Invalid SNSTopic: {topic!r} names partition {match['partition']!r}, but region "
            f"{ctx.region} is in partition {ctx.partition!r}."
        )
    return topic


def _events(raw: object) -> list[str]:
    if not isinstance(raw, list) or not raw:
        raise InvalidParameterValueException(
            f"Invalid Events: {raw!r}. Events must be a non-empty list of {' and '.join(EVENTS)}."
        )
    for event in raw:
        if event not in EVENTS:
            raise InvalidParameterValueException(
                f"Invalid event: {event!r}. Supported events are {', '.join(EVENTS)}."
            )
    return list(raw)


def _required(config: dict[str, Any], name: str) -> Any:
    value = config.get(name)
    if value is None:
        raise MissingParameterValueException(f"Required parameter missing: {name}")
    return value


def vault_topic_for_event(vault: Vault, event: str) -> str | None:
    """The SNS topic to publish ``event`` of ``vault`` to, None when it is not configured."""
    config = vault.notification_config
    if config is None or event not in config["Events"]:
        return None
    topic: str = config["SNSTopic"]
    return topic


@operation("SetVaultNotifications")
def set_vault_notifications(
    glacier: Backend,
    ctx: RequestContext,
    *,
    account_id: str,
    vault_name: str,
    vault_notification_config: dict[str, Any] | None = None,
) -> Output:
    vault = get_vault(glacier, ctx, account_id, vault_name)
    config = vault_notification_config or {}
    topic = _required(config, "SNSTopic")
    events = _required(config, "Events")
    if not isinstance(topic, str):
        raise InvalidParameterValueException(
            f"Invalid SNSTopic: {topic!r}. Expected an SNS topic ARN as a string."
        )
    vault.notification_config = {
        "SNSTopic": parse_topic_arn(topic, ctx),
        "Events": _events(events),
    }
    return {}


@operation("GetVaultNotifications")
def get_vault_notifications(
    glacier: Backend, ctx: RequestContext, *, account_id: str, vault_name: str
) -> Output:
    vault = get_vault(glacier, ctx, account_id, vault_name)
    config = vault.notification_config
    if config is None:
        # Real message as quoted in the Terraform AWS provider's Glacier vault resource.
        raise ResourceNotFoundException(
            f"No notification configuration is set for vault: {vault.name}"
        )
    return {
        "vaultNotificationConfig": {
            "SNSTopic": config["SNSTopic"],
            "Events": list(config["Events"]),
        }
    }


@operation("DeleteVaultNotifications")
def delete_vault_notifications(
    glacier: Backend, ctx: RequestContext, *, account_id: str, vault_name: str
) -> Output:
    vault = get_vault(glacier, ctx, account_id, vault_name)
    vault.notification_config = None
    return {}
