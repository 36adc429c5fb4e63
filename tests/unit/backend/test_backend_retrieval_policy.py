"""SetDataRetrievalPolicy and GetDataRetrievalPolicy (GLACIER_SPEC §2.6, §7.1)."""

from __future__ import annotations

from typing import Any

import pytest
from backend_fakes import CTX, OTHER_ACCOUNT, OTHER_REGION, REGION, Harness
from hypothesis import given
from hypothesis import strategies as st

from pytest_glacier.backend import RequestContext
from pytest_glacier.backend.errors import (
    AccessDeniedException,
    InvalidParameterValueException,
    MissingParameterValueException,
)
from pytest_glacier.backend.retrieval_policy import (
    MAX_BYTES_PER_HOUR,
    RetrievalRule,
    current_rule,
)

DEFAULT = {"Policy": {"Rules": [{"Strategy": "None"}]}}


def get(g: Harness, ctx: RequestContext = CTX) -> dict[str, Any]:
    return g.call("GetDataRetrievalPolicy", ctx)


def put(g: Harness, *rules: dict[str, Any], ctx: RequestContext = CTX) -> dict[str, Any]:
    return g.call("SetDataRetrievalPolicy", ctx, policy={"Rules": list(rules)})


def refused(g: Harness, policy: object) -> str:
    with pytest.raises(InvalidParameterValueException) as err:
        g.call("SetDataRetrievalPolicy", policy=policy)
    assert err.value.status == 400
    return err.value.message


def test_the_default_is_no_retrieval_limit() -> None:
    assert get(Harness()) == DEFAULT


@pytest.mark.parametrize(
    "rule",
    [
        {"Strategy": "None"},
        {"Strategy": "FreeTier"},
        {"Strategy": "BytesPerHour", "BytesPerHour": 1},
    ],
)
def test_set_then_get(rule: dict[str, Any]) -> None:
    g = Harness()
    assert put(g, rule) == {}
    assert get(g) == {"Policy": {"Rules": [rule]}}


def test_the_largest_rate_is_accepted() -> None:
    g = Harness()
    put(g, {"Strategy": "BytesPerHour", "BytesPerHour": MAX_BYTES_PER_HOUR})
    assert get(g)["Policy"]["Rules"][0]["BytesPerHour"] == 2**63 - 1


def test_a_new_policy_replaces_the_old_one_and_drops_its_rate() -> None:
    g = Harness()
    put(g, {"Strategy": "BytesPerHour", "BytesPerHour": 10_000})
    put(g, {"Strategy": "FreeTier"})
    assert get(g) == {"Policy": {"Rules": [{"Strategy": "FreeTier"}]}}


def test_get_returns_a_copy() -> None:
    g = Harness()
    put(g, {"Strategy": "FreeTier"})
    get(g)["Policy"]["Rules"][0]["Strategy"] = "None"
    assert get(g) == {"Policy": {"Rules": [{"Strategy": "FreeTier"}]}}


def test_unknown_members_of_a_rule_are_not_stored() -> None:
    g = Harness()
    put(g, {"Strategy": "FreeTier", "Extra": 1})
    assert get(g) == {"Policy": {"Rules": [{"Strategy": "FreeTier"}]}}


def test_a_missing_policy_is_missing_parameter() -> None:
    with pytest.raises(MissingParameterValueException) as err:
        Harness().call("SetDataRetrievalPolicy", policy=None)
    assert err.value.status == 400
    assert err.value.message == "Required parameter missing: Policy"


@pytest.mark.parametrize(
    ("policy", "count"), [({}, 0), ({"Rules": []}, 0), ({"Rules": [{"Strategy": "None"}] * 2}, 2)]
)
def test_exactly_one_rule(policy: dict[str, Any], count: int) -> None:
    message = refused(Harness(), policy)
    assert message == (
        f"Invalid data retrieval policy: it has {count} rules. A data retrieval policy must "
        f"have exactly one rule."
    )


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        ({}, "it has no Strategy"),
        ({"Strategy": "none"}, "it has Strategy 'none'"),
        ({"Strategy": "Unlimited"}, "it has Strategy 'Unlimited'"),
        ({"Strategy": "BytesPerHour"}, "needs a BytesPerHour value"),
        ({"Strategy": "BytesPerHour", "BytesPerHour": 0}, "Invalid BytesPerHour: 0"),
        ({"Strategy": "BytesPerHour", "BytesPerHour": -5}, "Invalid BytesPerHour: -5"),
        ({"Strategy": "BytesPerHour", "BytesPerHour": 2**63}, f"Invalid BytesPerHour: {2**63}"),
        ({"Strategy": "BytesPerHour", "BytesPerHour": 1.5}, "Invalid BytesPerHour: 1.5"),
        ({"Strategy": "BytesPerHour", "BytesPerHour": True}, "Invalid BytesPerHour: True"),
        ({"Strategy": "BytesPerHour", "BytesPerHour": "10"}, "Invalid BytesPerHour: '10'"),
        ({"Strategy": "FreeTier", "BytesPerHour": 10}, "only allowed with the BytesPerHour"),
        ({"Strategy": "None", "BytesPerHour": 10}, "only allowed with the BytesPerHour"),
    ],
)
def test_invalid_rules(rule: dict[str, Any], fragment: str) -> None:
    assert fragment in refused(Harness(), {"Rules": [rule]})


def test_a_rule_that_is_not_an_object_is_refused() -> None:
    assert "A rule is an object" in refused(Harness(), {"Rules": ["FreeTier"]})


def test_a_refused_policy_leaves_the_current_one() -> None:
    g = Harness()
    put(g, {"Strategy": "FreeTier"})
    refused(g, {"Rules": [{"Strategy": "BytesPerHour"}]})
    assert get(g) == {"Policy": {"Rules": [{"Strategy": "FreeTier"}]}}


@given(st.integers())
def test_bytes_per_hour_accepts_exactly_1_to_2_pow_63_minus_1(rate: int) -> None:
    g = Harness()
    rule = {"Strategy": "BytesPerHour", "BytesPerHour": rate}
    if 1 <= rate <= MAX_BYTES_PER_HOUR:
        put(g, rule)
        assert get(g) == {"Policy": {"Rules": [rule]}}
    else:
        refused(g, {"Rules": [rule]})
        assert get(g) == DEFAULT


def test_the_policy_is_per_account_and_region() -> None:
    g = Harness()
    other_region = RequestContext(OTHER_REGION, CTX.account_id)
    other_account = RequestContext(REGION, OTHER_ACCOUNT)
    put(g, {"Strategy": "FreeTier"})
    assert get(g, other_region) == DEFAULT
    assert get(g, other_account) == DEFAULT
    put(g, {"Strategy": "BytesPerHour", "BytesPerHour": 5}, ctx=other_region)
    assert get(g) == {"Policy": {"Rules": [{"Strategy": "FreeTier"}]}}


def test_an_explicit_account_id_must_be_the_callers() -> None:
    g = Harness()
    assert g.call("GetDataRetrievalPolicy", account_id=CTX.account_id) == DEFAULT
    with pytest.raises(AccessDeniedException):
        g.call("SetDataRetrievalPolicy", account_id=OTHER_ACCOUNT, policy={"Rules": []})


def test_current_rule_is_what_initiate_job_reads() -> None:
    g = Harness()
    state = g.backend.region_state(CTX.account_id, REGION)
    assert current_rule(state) == RetrievalRule("None")
    put(g, {"Strategy": "BytesPerHour", "BytesPerHour": 42})
    assert current_rule(state) == RetrievalRule("BytesPerHour", 42)
