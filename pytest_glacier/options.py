"""The options of a mock: validated once, from the marker, ``mock_glacier(...)`` or ini.

Every option has one name and one meaning wherever it is given (CONTRACT §4). Validation is
strict: an unknown option or a wrong type is a ``TypeError`` naming it, a bad value a
``ValueError``, both raised before the mock starts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any, cast

from pytest_glacier.backend.accounts import is_account_id
from pytest_glacier.backend.arns import parse_identity
from pytest_glacier.backend.settings import (
    DEFAULT_ACCOUNT_ID,
    DEFAULT_JOB_DELAYS,
    BackendSettings,
    InventoryMode,
)
from pytest_glacier.clock import parse_start_time

INVENTORY_MODES = ("daily", "immediate")


@dataclass(frozen=True)
class Options:
    """The validated options of one mock. Build with :func:`build_options`."""

    account_id: str = DEFAULT_ACCOUNT_ID
    accounts: Mapping[str, str] = field(default_factory=dict)
    job_delays: Mapping[str, timedelta] = field(default_factory=lambda: dict(DEFAULT_JOB_DELAYS))
    inventory: InventoryMode = "daily"
    sleep_advances: bool = False
    expedited_capacity: bool = True
    start_time: datetime | None = None
    verify_signatures: bool = False
    credentials: Mapping[str, str] = field(default_factory=dict)

    def backend_settings(self) -> BackendSettings:
        return BackendSettings(
            account_id=self.account_id,
            accounts={key: _account_of(value) for key, value in self.accounts.items()},
            principals={
                key: value for key, value in self.accounts.items() if value.startswith("arn:")
            },
            inventory=self.inventory,
            job_delays=dict(self.job_delays),
            expedited_capacity=self.expedited_capacity,
        )


OPTION_NAMES = tuple(f.name for f in fields(Options))


def build_options(values: Mapping[str, Any]) -> Options:
    """Validate ``values`` (option name -> value) into :class:`Options`."""
    unknown = [name for name in values if name not in OPTION_NAMES]
    if unknown:
        raise TypeError(
            f"unknown Glacier mock option{'s' if len(unknown) > 1 else ''}: "
            f"{', '.join(map(repr, unknown))}. Valid options: {', '.join(OPTION_NAMES)}"
        )
    validated = {name: _VALIDATORS[name](value) for name, value in values.items()}
    return Options(**validated)


def merge_option_values(*layers: Mapping[str, Any]) -> dict[str, Any]:
    """Merge option layers key by key; later layers win (ini, then farthest to closest marker)."""
    merged: dict[str, Any] = {}
    for layer in layers:
        merged.update(layer)
    return merged


# -- one validator per option ------------------------------------------------------------------


def _type_error(name: str, expected: str, value: object) -> TypeError:
    return TypeError(
        f"Glacier mock option {name!r} must be {expected}, got {type(value).__name__}: {value!r}"
    )


def _account_id(value: object, name: str = "account_id") -> str:
    if not isinstance(value, str):
        raise _type_error(name, "a 12-digit account id string", value)
    if not is_account_id(value):
        raise ValueError(
            f"Glacier mock option {name!r} must be 12 digits without hyphens "
            f"(e.g. '111122223333'), got {value!r}"
        )
    return value


def _account_of(value: str) -> str:
    """The account of an ``accounts`` value: an account id, or the account in an IAM ARN."""
    identity = parse_identity(value)
    return value if identity is None else identity.account


def _accounts(value: object) -> dict[str, str]:
    """``{access_key_id: account_id}``; a value may also be the IAM ARN of a user or role of
    that account (``arn:aws:iam::111122223333:user/alice``), which policies can then name."""
    if not isinstance(value, Mapping):
        raise _type_error("accounts", "a dict of {access_key_id: account_id}", value)
    result: dict[str, str] = {}
    for key, account in value.items():
        if not isinstance(key, str) or not key:
            raise _type_error("accounts", "a dict keyed by access key id strings", key)
        if isinstance(account, str) and account.startswith("arn:"):
            if parse_identity(account) is None:
                raise ValueError(
                    f"Glacier mock option accounts[{key!r}] must be a 12-digit account id or "
                    f"the ARN of an IAM user or role (arn:aws:iam::111122223333:user/alice, "
                    f"arn:aws:iam::111122223333:role/admin, or an sts assumed-role ARN), "
                    f"got {account!r}"
                )
            result[key] = account
            continue
        result[key] = _account_id(account, f"accounts[{key!r}]")
    return result


def _job_delays(value: object) -> dict[str, timedelta]:
    if not isinstance(value, Mapping):
        raise _type_error("job_delays", "a dict of {tier: timedelta}", value)
    delays = dict(DEFAULT_JOB_DELAYS)
    for tier, delay in value.items():
        if tier not in DEFAULT_JOB_DELAYS:
            raise ValueError(
                f"Glacier mock option 'job_delays' has an unknown tier {tier!r}; "
                f"tiers are {', '.join(DEFAULT_JOB_DELAYS)}"
            )
        delays[tier] = _delay(tier, delay)
    return delays


def _delay(tier: str, delay: object) -> timedelta:
    if isinstance(delay, bool) or not isinstance(delay, (timedelta, int, float)):
        raise _type_error(f"job_delays[{tier!r}]", "a timedelta (or seconds)", delay)
    result = delay if isinstance(delay, timedelta) else timedelta(seconds=delay)
    if result < timedelta(0):
        raise ValueError(f"Glacier mock option job_delays[{tier!r}] is negative: {delay!r}")
    return result


def _inventory(value: object) -> InventoryMode:
    if not isinstance(value, str):
        raise _type_error("inventory", "'daily' or 'immediate'", value)
    if value not in INVENTORY_MODES:
        raise ValueError(
            f"Glacier mock option 'inventory' must be 'daily' or 'immediate', got {value!r}"
        )
    return cast("InventoryMode", value)


def _flag(name: str) -> Any:
    def validate(value: object) -> bool:
        if not isinstance(value, bool):
            raise _type_error(name, "True or False", value)
        return value

    return validate


def _start_time(value: object) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, (datetime, str)):
        raise _type_error("start_time", "an aware datetime or an ISO 8601 string", value)
    return parse_start_time(value)


def _credentials(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise _type_error("credentials", "a dict of {access_key_id: secret_access_key}", value)
    for key, secret in value.items():
        if not isinstance(key, str) or not isinstance(secret, str):
            raise _type_error("credentials", "a dict of str to str", {key: secret})
    return dict(value)


_VALIDATORS: dict[str, Any] = {
    "account_id": _account_id,
    "accounts": _accounts,
    "job_delays": _job_delays,
    "inventory": _inventory,
    "sleep_advances": _flag("sleep_advances"),
    "expedited_capacity": _flag("expedited_capacity"),
    "start_time": _start_time,
    "verify_signatures": _flag("verify_signatures"),
    "credentials": _credentials,
}
