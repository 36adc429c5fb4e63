"""The options that change how the backend behaves, as plain values.

``pytest_glacier.options`` validates what users pass (marker, decorator, ini) and builds one of
these; the backend never sees the raw options.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal

InventoryMode = Literal["daily", "immediate"]

DEFAULT_ACCOUNT_ID = "123456789012"

DEFAULT_JOB_DELAYS: dict[str, timedelta] = {
    "Expedited": timedelta(minutes=5),
    "Standard": timedelta(hours=5),
    "Bulk": timedelta(hours=12),
    "Inventory": timedelta(hours=4),
}


@dataclass(frozen=True)
class BackendSettings:
    account_id: str = DEFAULT_ACCOUNT_ID
    accounts: dict[str, str] = field(default_factory=dict)
    """Access key id -> account id, for requests signed as another account."""
    principals: dict[str, str] = field(default_factory=dict)
    """Access key id -> IAM user or role ARN, for the keys ``accounts`` maps to an identity
    rather than to an account (policies can then name that user or role)."""
    inventory: InventoryMode = "daily"
    job_delays: dict[str, timedelta] = field(default_factory=lambda: dict(DEFAULT_JOB_DELAYS))
    expedited_capacity: bool = True

    def account_for_key(self, access_key_id: str | None) -> str:
        """The account a request signed with ``access_key_id`` acts as."""
        if access_key_id is None:
            return self.account_id
        return self.accounts.get(access_key_id, self.account_id)

    def principal_for_key(self, access_key_id: str | None) -> str | None:
        """The IAM identity a request signed with ``access_key_id`` acts as, if one was named."""
        return None if access_key_id is None else self.principals.get(access_key_id)
