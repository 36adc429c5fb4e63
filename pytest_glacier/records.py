"""What a test can inspect after the fact: the calls served and the notifications sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Call:
    """One Glacier request the mock served.

    ``params`` holds the input members by their model names (``vaultName``,
    ``archiveDescription``, ...); a streaming body is left out.
    """

    operation: str
    region: str
    params: dict[str, Any]
    status_code: int
    error_code: str | None = None
    error_message: str | None = None
    account_id: str | None = None
    at: datetime | None = None

    @property
    def vault_name(self) -> str | None:
        name = self.params.get("vaultName")
        return name if isinstance(name, str) else None


@dataclass(frozen=True)
class Notification:
    """An SNS message Glacier would have published (GLACIER_SPEC §5.7).

    ``message`` is the job description exactly as DescribeJob returns it.
    """

    topic_arn: str
    subject: str
    message: dict[str, Any] = field(default_factory=dict)
