"""The data retrieval policy of an account in a region: set and get (GLACIER_SPEC §2.6, §7.1).

The policy has exactly one rule, whose ``Strategy`` is ``None`` (no limit), ``FreeTier`` or
``BytesPerHour`` (with a ``BytesPerHour`` rate). An account that never set one has no retrieval
limit, ``{"Rules": [{"Strategy": "None"}]}`` (GLACIER_SPEC §9: the Developer Guide's default).
InitiateJob reads the rule in force through :func:`current_rule`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pytest_glacier.backend.context import RequestContext
from pytest_glacier.backend.errors import (
    InvalidParameterValueException,
    MissingParameterValueException,
)
from pytest_glacier.backend.glacier import Backend
from pytest_glacier.backend.operations import Output, operation
from pytest_glacier.backend.state import RegionState
from pytest_glacier.backend.vaults import region_of

BYTES_PER_HOUR = "BytesPerHour"
FREE_TIER = "FreeTier"
NO_LIMIT = "None"
STRATEGIES = (BYTES_PER_HOUR, FREE_TIER, NO_LIMIT)
MAX_BYTES_PER_HOUR = 2**63 - 1


@dataclass(frozen=True)
class RetrievalRule:
    """The one rule of a data retrieval policy; ``bytes_per_hour`` only for ``BytesPerHour``."""

    strategy: str
    bytes_per_hour: int | None = None

    def to_wire(self) -> dict[str, Any]:
        """The rule as a ``DataRetrievalRule`` structure."""
        rule: dict[str, Any] = {"Strategy": self.strategy}
        if self.bytes_per_hour is not None:
            rule["BytesPerHour"] = self.bytes_per_hour
        return rule


DEFAULT_RULE = RetrievalRule(NO_LIMIT)


def current_rule(state: RegionState) -> RetrievalRule:
    """The rule in force for one account in one region."""
    if state.retrieval_policy is None:
        return DEFAULT_RULE
    rule = state.retrieval_policy["Rules"][0]
    return RetrievalRule(rule["Strategy"], rule.get("BytesPerHour"))


def parse_policy(policy: dict[str, Any] | None) -> RetrievalRule:
    """Check a ``DataRetrievalPolicy`` structure and return its one rule."""
    if policy is None:
        raise MissingParameterValueException("Required parameter missing: Policy")
    rules = policy.get("Rules")
    if not isinstance(rules, list) or len(rules) != 1:
        count = len(rules) if isinstance(rules, list) else 0
        raise InvalidParameterValueException(
            f"Invalid data retrieval policy: it has {count} rules. A data retrieval policy "
            f"must have exactly one rule."
        )
    return _parse_rule(rules[0])


def _parse_rule(rule: object) -> RetrievalRule:
    if not isinstance(rule, dict):
        raise InvalidParameterValueException(
            f"Invalid data retrieval rule: {rule!r}. A rule is an object with a Strategy."
        )
    strategy = rule.get("Strategy")
    if strategy not in STRATEGIES:
        received = "no Strategy" if strategy is None else f"Strategy {strategy!r}"
        raise InvalidParameterValueException(
            f"Invalid data retrieval rule: it has {received}. Strategy must be one of "
            f"{', '.join(repr(name) for name in STRATEGIES)}."
        )
    rate = rule.get("BytesPerHour")
    if strategy == BYTES_PER_HOUR:
        return RetrievalRule(strategy, _parse_rate(rate))
    if rate is not None:
        raise InvalidParameterValueException(
            f"Invalid data retrieval rule: BytesPerHour ({rate!r}) is only allowed with the "
            f"BytesPerHour strategy, not with {strategy}. Remove BytesPerHour."
        )
    return RetrievalRule(strategy)


def _parse_rate(rate: object) -> int:
    if rate is None:
        raise InvalidParameterValueException(
            "Invalid data retrieval rule: the BytesPerHour strategy needs a BytesPerHour value, "
            f"a whole number from 1 to {MAX_BYTES_PER_HOUR}."
        )
    if isinstance(rate, bool) or not isinstance(rate, int) or not 1 <= rate <= MAX_BYTES_PER_HOUR:
        raise InvalidParameterValueException(
            f"Invalid BytesPerHour: {rate!r}. BytesPerHour must be a whole number from 1 to "
            f"{MAX_BYTES_PER_HOUR}."
        )
    return rate


@operation("SetDataRetrievalPolicy")
def set_data_retrieval_policy(
    glacier: Backend,
    ctx: RequestContext,
    *,
    account_id: str,
    policy: dict[str, Any] | None = None,
) -> Output:
    state = region_of(glacier, ctx, account_id)
    rule = parse_policy(policy)
    state.retrieval_policy = {"Rules": [rule.to_wire()]}
    glacier.timeline.add(
        glacier.now(), f"data retrieval policy of {state.region} set to {rule.strategy}"
    )
    return {}


@operation("GetDataRetrievalPolicy")
def get_data_retrieval_policy(glacier: Backend, ctx: RequestContext, *, account_id: str) -> Output:
    state = region_of(glacier, ctx, account_id)
    return {"Policy": {"Rules": [current_rule(state).to_wire()]}}
