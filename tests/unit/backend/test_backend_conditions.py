"""IAM condition operators and keys (backend/conditions.py), unit and property tests.

The property tests state IAM's rules against a plain model: for every operator, the condition
holds exactly when the documented rule says it does, for single values, absent keys,
``...IfExists``, and the ``ForAnyValue`` / ``ForAllValues`` qualifiers of multi-valued keys.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_glacier.backend.conditions import (
    OPERATOR_KINDS,
    compile_conditions,
    condition_problems,
    conditions_hold,
    glob_match,
    is_known_key,
    parse_date,
    parse_operator,
)

KEY = "aws:username"
MULTI = "aws:TagKeys"


def holds(block: dict[str, Any], values: Mapping[str, Sequence[str]]) -> bool:
    """Evaluate a condition block against request values keyed by (any-case) key name."""
    assert condition_problems(block, "statement 1") == []
    lowered = {key.lower(): list(value) for key, value in values.items()}
    return conditions_hold(compile_conditions(block), lowered.get)


def one(operator: str, policy: Any, request: str | None, key: str = KEY) -> bool:
    return holds({operator: {key: policy}}, {} if request is None else {key: [request]})


# -- string operators ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "policy", "request_value", "expected"),
    [
        ("StringEquals", "alice", "alice", True),
        ("StringEquals", "alice", "Alice", False),
        ("StringEquals", ["bob", "alice"], "alice", True),
        ("StringNotEquals", "alice", "bob", True),
        ("StringNotEquals", ["bob", "alice"], "alice", False),
        ("StringEqualsIgnoreCase", "ALICE", "alice", True),
        ("StringNotEqualsIgnoreCase", "ALICE", "alice", False),
        ("StringLike", "al*", "alice", True),
        ("StringLike", "a?ice", "alice", True),
        ("StringLike", "a?ice", "allice", False),
        ("StringLike", "*", "", True),
        ("StringLike", "al.ce", "alice", False),  # only * and ? are wildcards
        ("StringNotLike", ["x*", "y*"], "alice", True),
        ("StringNotLike", "a*", "alice", False),
    ],
)
def test_string_operators(operator: str, policy: Any, request_value: str, expected: bool) -> None:
    assert one(operator, policy, request_value) is expected


@given(value=st.text(max_size=20), other=st.text(max_size=20))
def test_string_equals_is_exact_and_string_not_equals_its_negation(value: str, other: str) -> None:
    assert one("StringEquals", other, value) is (value == other)
    assert one("StringNotEquals", other, value) is (value != other)


@given(value=st.text(max_size=20), other=st.text(max_size=20))
def test_ignore_case_compares_case_folded(value: str, other: str) -> None:
    assert one("StringEqualsIgnoreCase", other, value) is (value.casefold() == other.casefold())


@given(
    prefix=st.text(max_size=8),
    middle=st.text(max_size=8),
    suffix=st.text(max_size=8),
)
def test_star_matches_any_run_of_characters(prefix: str, middle: str, suffix: str) -> None:
    literal_prefix = prefix.replace("*", "").replace("?", "")
    literal_suffix = suffix.replace("*", "").replace("?", "")
    pattern = f"{literal_prefix}*{literal_suffix}"
    assert glob_match(pattern, literal_prefix + middle + literal_suffix)
    assert one("StringLike", pattern, literal_prefix + middle + literal_suffix)


@given(value=st.text(min_size=1, max_size=10))
def test_question_mark_matches_exactly_one_character(value: str) -> None:
    assert glob_match("?" * len(value), value)
    assert not glob_match("?" * (len(value) + 1), value)


# -- numeric operators ---------------------------------------------------------------------------

NUMERIC_RULES = {
    "NumericEquals": lambda a, b: a == b,
    "NumericNotEquals": lambda a, b: a != b,
    "NumericLessThan": lambda a, b: a < b,
    "NumericLessThanEquals": lambda a, b: a <= b,
    "NumericGreaterThan": lambda a, b: a > b,
    "NumericGreaterThanEquals": lambda a, b: a >= b,
}

numbers = st.one_of(
    st.integers(-(10**20), 10**20),
    st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-1000, max_value=1000),
)


@given(operator=st.sampled_from(sorted(NUMERIC_RULES)), request=numbers, policy=numbers)
def test_numeric_operators_compare_exactly(operator: str, request: Any, policy: Any) -> None:
    # Exact decimal comparison: no float rounding, even for 20-digit integers.
    expected = NUMERIC_RULES[operator](Decimal(request), Decimal(policy))
    assert one(operator, str(policy), str(request), "glacier:ArchiveAgeInDays") is expected


def test_numeric_policy_values_may_be_json_numbers() -> None:
    assert one("NumericLessThan", 365, "364", "glacier:ArchiveAgeInDays")
    assert not one("NumericLessThan", 365, "365", "glacier:ArchiveAgeInDays")
    assert one("NumericLessThanEquals", 365.5, "365", "glacier:ArchiveAgeInDays")


def test_a_request_value_that_is_not_a_number_matches_nothing() -> None:
    assert not one("NumericEquals", "1", "one", "glacier:ArchiveAgeInDays")
    assert one("NumericNotEquals", "1", "one", "glacier:ArchiveAgeInDays")


# -- date operators ------------------------------------------------------------------------------

DATE_RULES = {
    "DateEquals": lambda a, b: a == b,
    "DateNotEquals": lambda a, b: a != b,
    "DateLessThan": lambda a, b: a < b,
    "DateLessThanEquals": lambda a, b: a <= b,
    "DateGreaterThan": lambda a, b: a > b,
    "DateGreaterThanEquals": lambda a, b: a >= b,
}

dates = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(timezone.utc)
).map(lambda d: d.replace(microsecond=0))


@given(operator=st.sampled_from(sorted(DATE_RULES)), request=dates, policy=dates)
def test_date_operators(operator: str, request: datetime, policy: datetime) -> None:
    expected = DATE_RULES[operator](request, policy)
    policy_text = policy.strftime("%Y-%m-%dT%H:%M:%SZ")
    request_text = request.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert one(operator, policy_text, request_text, "aws:CurrentTime") is expected


@given(when=dates)
def test_dates_may_be_iso_with_offsets_or_epoch_seconds(when: datetime) -> None:
    assert parse_date(when.strftime("%Y-%m-%dT%H:%M:%SZ")) == when
    assert parse_date(str(int(when.timestamp()))) == when
    shifted = when.astimezone(timezone(timedelta(hours=5, minutes=30)))
    assert parse_date(shifted.isoformat()) == when
    assert parse_date(when.replace(tzinfo=None).isoformat()) == when  # naive is UTC


def test_a_date_only_value_is_midnight_utc() -> None:
    assert parse_date("2030-01-15") == datetime(2030, 1, 15, tzinfo=timezone.utc)


# -- Bool, Null, Binary, IP, ARN -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "request_value", "expected"),
    [
        ("true", "true", True),
        ("false", "true", False),
        (True, "true", True),  # a JSON boolean in the policy
        ("TRUE", "true", True),
        (False, "false", True),
    ],
)
def test_bool(policy: Any, request_value: str, expected: bool) -> None:
    assert one("Bool", policy, request_value, "aws:SecureTransport") is expected


@given(present=st.booleans(), wants_absent=st.booleans())
def test_null_checks_presence(present: bool, wants_absent: bool) -> None:
    values = {KEY: ["x"]} if present else {}
    assert holds({"Null": {KEY: str(wants_absent).lower()}}, values) is (wants_absent != present)


def test_binary_equals_compares_base64() -> None:
    assert one("BinaryEquals", "QmluYXJ5", "QmluYXJ5", "aws:userid")
    assert not one("BinaryEquals", "QmluYXJ5", "T3RoZXI=", "aws:userid")


@pytest.mark.parametrize(
    ("operator", "policy", "address", "expected"),
    [
        ("IpAddress", "203.0.113.0/24", "203.0.113.7", True),
        ("IpAddress", "203.0.113.0/24", "198.51.100.7", False),
        ("NotIpAddress", "203.0.113.0/24", "198.51.100.7", True),
        ("IpAddress", "2001:db8::/32", "2001:db8::1", True),
        ("IpAddress", "203.0.113.0/24", "not-an-ip", False),
        ("IpAddress", "127.0.0.1", "127.0.0.1", True),  # a bare address is a /32
        ("IpAddress", "127.0.0.1", "127.0.0.2", False),
        ("IpAddress", "10.1.2.3/8", "10.200.0.1", True),  # host bits in the range are ignored
        ("IpAddress", "0.0.0.0/0", "127.0.0.1", True),
        # An address is never in a range of the other family.
        ("IpAddress", "::/0", "127.0.0.1", False),
        ("IpAddress", "0.0.0.0/0", "::1", False),
        # Any one range of the list holding the address is a match, so NotIpAddress is false.
        ("IpAddress", ["10.0.0.0/8", "127.0.0.0/8"], "127.0.0.1", True),
        ("NotIpAddress", ["0.0.0.0/0", "::/0"], "127.0.0.1", False),
        ("NotIpAddress", ["0.0.0.0/0", "::/0"], "2001:db8::1", False),
        ("NotIpAddress", ["10.0.0.0/8", "::/0"], "127.0.0.1", True),
    ],
)
def test_ip_address(operator: str, policy: Any, address: str, expected: bool) -> None:
    assert one(operator, policy, address, "aws:SourceIp") is expected


@pytest.mark.parametrize(
    ("operator", "policy", "arn", "expected"),
    [
        (
            "ArnEquals",
            "arn:aws:iam::111122223333:user/alice",
            "arn:aws:iam::111122223333:user/alice",
            True,
        ),
        ("ArnLike", "arn:aws:iam::111122223333:user/*", "arn:aws:iam::111122223333:user/bob", True),
        ("ArnLike", "arn:aws:iam::*:root", "arn:aws:iam::111122223333:root", True),
        ("ArnLike", "arn:aws:iam::*", "arn:aws:iam::111122223333:root", False),  # 6 parts
        ("ArnNotLike", "arn:aws:iam::111122223333:*", "arn:aws:iam::444455556666:root", True),
        ("ArnNotEquals", "arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:root", False),
    ],
)
def test_arn_operators(operator: str, policy: str, arn: str, expected: bool) -> None:
    assert one(operator, policy, arn, "aws:PrincipalArn") is expected


# -- absent keys and IfExists --------------------------------------------------------------------

POSITIVE = sorted(name for name, kind in OPERATOR_KINDS.items() if not kind.negated)
NEGATED = sorted(name for name, kind in OPERATOR_KINDS.items() if kind.negated)
SAMPLE_VALUE = {
    "String": "x",
    "Numeric": "1",
    "Date": "2030-01-01T00:00:00Z",
    "Bool": "true",
    "Binary": "eA==",
    "IpAddress": "10.0.0.0/8",
    "NotIpAddress": "10.0.0.0/8",
    "Arn": "arn:aws:iam::111122223333:root",
    "Null": "false",
}


def sample(operator: str) -> str:
    return next(value for prefix, value in SAMPLE_VALUE.items() if operator.startswith(prefix))


@pytest.mark.parametrize("operator", [name for name in POSITIVE if name != "Null"])
def test_an_absent_key_makes_a_positive_operator_false(operator: str) -> None:
    assert one(operator, sample(operator), None) is False


@pytest.mark.parametrize("operator", NEGATED)
def test_an_absent_key_makes_a_negated_operator_true(operator: str) -> None:
    assert one(operator, sample(operator), None) is True


@pytest.mark.parametrize("operator", [name for name in OPERATOR_KINDS if name != "Null"])
def test_if_exists_is_true_when_absent(operator: str) -> None:
    assert one(f"{operator}IfExists", sample(operator), None) is True


@given(request=st.integers(0, 1000), policy=st.integers(0, 1000))
def test_if_exists_evaluates_normally_when_present(request: int, policy: int) -> None:
    key = "glacier:ArchiveAgeInDays"
    plain = one("NumericLessThan", str(policy), str(request), key)
    assert one("NumericLessThanIfExists", str(policy), str(request), key) is plain


# -- multi-valued keys ---------------------------------------------------------------------------

tag_sets = st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=4, unique=True)


@given(request=tag_sets, policy=tag_sets.filter(bool))
def test_for_all_values_means_every_request_value_is_allowed(
    request: list[str], policy: list[str]
) -> None:
    got = holds({"ForAllValues:StringEquals": {MULTI: policy}}, {MULTI: request})
    assert got is set(request).issubset(policy)  # true for no values at all


@given(request=tag_sets, policy=tag_sets.filter(bool))
def test_for_any_value_means_some_request_value_matches(
    request: list[str], policy: list[str]
) -> None:
    got = holds({"ForAnyValue:StringEquals": {MULTI: policy}}, {MULTI: request})
    assert got is bool(set(request) & set(policy))


@given(request=tag_sets, policy=tag_sets.filter(bool))
def test_negated_qualified_operators(request: list[str], policy: list[str]) -> None:
    all_not = holds({"ForAllValues:StringNotEquals": {MULTI: policy}}, {MULTI: request})
    any_not = holds({"ForAnyValue:StringNotEquals": {MULTI: policy}}, {MULTI: request})
    assert all_not is not bool(set(request) & set(policy))
    assert any_not is bool(set(request) - set(policy))


def test_qualifiers_on_an_absent_key() -> None:
    assert holds({"ForAllValues:StringEquals": {MULTI: "a"}}, {}) is True
    assert holds({"ForAnyValue:StringEquals": {MULTI: "a"}}, {}) is False


# -- combining -----------------------------------------------------------------------------------


@given(
    age=st.integers(0, 800),
    limit=st.integers(0, 800),
    hold=st.sampled_from(["true", "false", None]),
)
def test_every_operator_and_key_of_a_block_must_hold(
    age: int, limit: int, hold: str | None
) -> None:
    block = {
        "NumericLessThan": {"glacier:ArchiveAgeInDays": str(limit)},
        "StringEquals": {"glacier:ResourceTag/LegalHold": "true"},
    }
    values = {"glacier:ArchiveAgeInDays": [str(age)]}
    if hold is not None:
        values["glacier:ResourceTag/LegalHold"] = [hold]
    assert holds(block, values) is (age < limit and hold == "true")


def test_keys_are_case_insensitive() -> None:
    block = {"NumericLessThan": {"glacier:ArchiveAgeinDays": "365"}}  # as one DG example spells it
    assert holds(block, {"GLACIER:ARCHIVEAGEINDAYS": ["3"]})


# -- checking blocks when a policy is set --------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "StringEquals",
        "StringNotLikeIfExists",
        "ForAnyValue:StringLike",
        "ForAllValues:StringEqualsIgnoreCaseIfExists",
        "NumericGreaterThanEqualsIfExists",
        "DateLessThan",
        "Bool",
        "BoolIfExists",
        "Null",
        "ArnLike",
        "IpAddress",
        "BinaryEquals",
    ],
)
def test_operator_names_are_recognised(name: str) -> None:
    assert parse_operator(name) is not None


@pytest.mark.parametrize(
    "name",
    ["StringEqual", "stringequals", "NullIfExists", "ForAnyValue:Null", "ForSomeValues:StringLike"],
)
def test_unknown_operators_are_not(name: str) -> None:
    assert parse_operator(name) is None


@pytest.mark.parametrize(
    "key",
    [
        "glacier:ArchiveAgeInDays",
        "glacier:resourcetag/LegalHold",
        "aws:ResourceTag/x",
        "aws:RequestTag/x",
        "aws:TagKeys",
        "aws:CurrentTime",
        "AWS:SecureTransport",
        "aws:PrincipalAccount",
        "aws:username",
        "aws:userid",
        "aws:SourceIp",
    ],
)
def test_known_keys(key: str) -> None:
    assert is_known_key(key)


@pytest.mark.parametrize(
    "key", ["glacier:ArchiveAge", "glacier:ResourceTag/", "s3:prefix", "aws:Whatever", "age"]
)
def test_unknown_keys(key: str) -> None:
    assert not is_known_key(key)


def test_problems_name_unknown_operators_and_keys() -> None:
    problems = condition_problems(
        {
            "NumericLessThen": {"glacier:ArchiveAgeInDays": "365"},
            "StringEquals": {"glacier:Tag": "x", "aws:username": "ok"},
        },
        "statement 2",
    )
    assert problems == [
        "statement 2 Condition uses unknown condition operator 'NumericLessThen'",
        "statement 2 Condition StringEquals uses unknown condition key 'glacier:Tag'",
    ]


@pytest.mark.parametrize(
    ("block", "fragment"),
    [
        ({"NumericLessThan": {"glacier:ArchiveAgeInDays": "a year"}}, "'a year' is not a number"),
        ({"NumericLessThan": {"glacier:ArchiveAgeInDays": "NaN"}}, "not a finite number"),
        ({"DateLessThan": {"aws:CurrentTime": "tomorrow"}}, "is not an ISO 8601 date"),
        ({"Bool": {"aws:SecureTransport": "yes"}}, "'yes' is not true or false"),
        ({"Null": {"aws:username": "maybe"}}, "'maybe' is not true or false"),
        ({"IpAddress": {"aws:SourceIp": "300.1.1.1"}}, "not an IP address"),
        ({"StringEquals": {"aws:username": {"a": 1}}}, "must be a string, number or boolean"),
        ({"StringEquals": {"aws:username": []}}, "must be a string, number or boolean"),
        ({"StringEquals": {}}, "must be a non-empty object"),
        ({"StringEquals": "x"}, "must be a non-empty object"),
    ],
)
def test_bad_values_are_problems(block: dict[str, Any], fragment: str) -> None:
    problems = condition_problems(block, "statement 1")
    assert len(problems) == 1
    assert fragment in problems[0]
