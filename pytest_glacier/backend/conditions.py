"""The ``Condition`` element of IAM policies: operators, the keys Glacier knows, evaluation.

A condition block maps operators to ``{key: value or [values]}``. Every operator of a block must
hold, every key of an operator must hold, and a key holds when the request's value matches *any*
of the policy's values (for negated operators, *none*). The rules followed are IAM's:

* String (``StringEquals``, ``...IgnoreCase``, ``StringLike`` with ``*`` and ``?``), Numeric,
  Date, ``Bool``, ``BinaryEquals``, ``IpAddress`` / ``NotIpAddress``, ``Arn*`` and ``Null``.
* ``...IfExists`` (any operator but ``Null``): true when the key is absent from the request.
* A key absent from the request makes a condition false, except for negated operators
  (``StringNotEquals``, ``NumericNotEquals``, ``ArnNotLike``, ...), which are then true.
* ``ForAnyValue:`` / ``ForAllValues:`` for multi-valued keys (``aws:TagKeys``): at least one /
  every request value must pass; ``ForAllValues`` is true when the key is absent or empty.
* Operator names are case-sensitive, key names are not.

:func:`condition_problems` checks a block when a policy is set (unknown operators and keys are
refused, naming them); :func:`compile_conditions` turns a checked block into
:class:`Condition` objects that :func:`conditions_hold` evaluates against the request's values.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

KeyValues = Callable[[str], "Sequence[str] | None"]
"""The request's values of one condition key (given lower-cased); None when absent."""

# -- condition keys --------------------------------------------------------------------------

GLACIER_KEYS = frozenset({"glacier:archiveageindays"})
TAG_KEY_PREFIXES = (
    "glacier:resourcetag/",
    "aws:resourcetag/",
    "aws:requesttag/",
    "aws:principaltag/",
)
GLOBAL_KEYS = frozenset(
    key.lower()
    for key in (
        "aws:AssumedRoot",
        "aws:CalledVia",
        "aws:CalledViaFirst",
        "aws:CalledViaLast",
        "aws:CurrentTime",
        "aws:Ec2InstanceSourcePrivateIPv4",
        "aws:Ec2InstanceSourceVpc",
        "aws:EpochTime",
        "aws:FederatedProvider",
        "aws:MultiFactorAuthAge",
        "aws:MultiFactorAuthPresent",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalIsAWSService",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:PrincipalServiceName",
        "aws:PrincipalServiceNamesList",
        "aws:PrincipalType",
        "aws:Referer",
        "aws:RequestedRegion",
        "aws:ResourceAccount",
        "aws:ResourceOrgID",
        "aws:ResourceOrgPaths",
        "aws:SecureTransport",
        "aws:SourceAccount",
        "aws:SourceArn",
        "aws:SourceIdentity",
        "aws:SourceIp",
        "aws:SourceOrgID",
        "aws:SourceOrgPaths",
        "aws:SourceVpc",
        "aws:SourceVpcArn",
        "aws:SourceVpce",
        "aws:TagKeys",
        "aws:TokenIssueTime",
        "aws:UserAgent",
        "aws:userid",
        "aws:username",
        "aws:ViaAWSService",
        "aws:VpceAccount",
        "aws:VpceOrgID",
        "aws:VpceOrgPaths",
        "aws:VpcSourceIp",
    )
)
"""AWS's global condition keys: valid in any policy, whether or not the mock can give a value."""


def is_known_key(key: str) -> bool:
    """Whether ``key`` is a condition key a Glacier policy may use (case-insensitive)."""
    lower = key.lower()
    if lower in GLACIER_KEYS or lower in GLOBAL_KEYS:
        return True
    return any(lower.startswith(prefix) and len(lower) > len(prefix) for prefix in TAG_KEY_PREFIXES)


# -- operators -------------------------------------------------------------------------------

Matcher = Callable[[str, Any], bool]
"""(request value, parsed policy value) -> whether they match."""
Parser = Callable[[str], Any]
"""Parse one policy value (raises ValueError when it is not one this operator takes)."""


@dataclass(frozen=True)
class OperatorKind:
    """A base operator (no qualifier, no ``IfExists``): how to parse and match its values."""

    name: str
    parse: Parser
    match: Matcher
    negated: bool = False


@lru_cache(maxsize=1024)
def _glob(pattern: str) -> re.Pattern[str]:
    """IAM wildcards: ``*`` is any run of characters, ``?`` any one character."""
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), re.DOTALL)


def glob_match(pattern: str, value: str) -> bool:
    """Whether ``value`` matches ``pattern`` with IAM's ``*`` and ``?`` (case-sensitive)."""
    if "*" not in pattern and "?" not in pattern:
        return pattern == value
    return _glob(pattern).fullmatch(value) is not None


def parse_number(text: str) -> Decimal:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None
    if not number.is_finite():
        raise ValueError(f"{text!r} is not a finite number")
    return number


_EPOCH = re.compile(r"-?\d+(\.\d+)?")


def parse_date(text: str) -> datetime:
    """An ISO 8601 date or date-time (``Z`` or an offset; naive means UTC), or epoch seconds."""
    value = text.strip()
    if _EPOCH.fullmatch(value):
        try:
            return datetime.fromtimestamp(float(value), tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            raise ValueError(f"{text!r} is not a time between the years 1 and 9999") from None
    iso = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 date or epoch seconds") from None
    return when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when


def _parse_bool(text: str) -> str:
    lower = text.strip().lower()
    if lower not in ("true", "false"):
        raise ValueError(f"{text!r} is not true or false")
    return lower


def _parse_base64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{text!r} is not base64") from None


def _parse_network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        raise ValueError(f"{text!r} is not an IP address or CIDR range") from None


def _numeric(compare: Callable[[Decimal, Decimal], bool]) -> Matcher:
    def match(value: str, expected: Any) -> bool:
        try:
            return compare(parse_number(value), expected)
        except ValueError:
            return False

    return match


def _dated(compare: Callable[[datetime, datetime], bool]) -> Matcher:
    def match(value: str, expected: Any) -> bool:
        try:
            return compare(parse_date(value), expected)
        except ValueError:
            return False

    return match


def _in_network(value: str, network: Any) -> bool:
    # An address is never in a range of the other family (127.0.0.1 is not in ``::/0``), as in
    # IAM: ``["0.0.0.0/0", "::/0"]`` is how a policy names every address.
    try:
        return ipaddress.ip_address(value.strip()) in network
    except ValueError:
        return False


def _arn_like(value: str, pattern: str) -> bool:
    """ARN matching: component by component, each with wildcards, never across a ``:``."""
    pattern_parts = pattern.split(":", 5)
    value_parts = value.split(":", 5)
    if len(pattern_parts) != 6 or len(value_parts) != 6:
        return pattern == value
    return all(glob_match(p, v) for p, v in zip(pattern_parts, value_parts, strict=True))


def _base64_equals(value: str, expected: bytes) -> bool:
    try:
        return base64.b64decode(value, validate=True) == expected
    except (binascii.Error, ValueError):
        return value.encode() == expected


def _string(text: str) -> str:
    return text


def _folded(text: str) -> str:
    return text.casefold()


_KINDS: list[OperatorKind] = []


def _kind(name: str, parse: Parser, match: Matcher, *, negated_name: str | None = None) -> None:
    _KINDS.append(OperatorKind(name, parse, match))
    if negated_name:
        _KINDS.append(OperatorKind(negated_name, parse, match, negated=True))


_kind("StringEquals", _string, str.__eq__, negated_name="StringNotEquals")
_kind(
    "StringEqualsIgnoreCase",
    _folded,
    lambda value, expected: value.casefold() == expected,
    negated_name="StringNotEqualsIgnoreCase",
)
_kind("StringLike", _string, lambda v, p: glob_match(p, v), negated_name="StringNotLike")
_kind("NumericEquals", parse_number, _numeric(Decimal.__eq__), negated_name="NumericNotEquals")
_kind("NumericLessThan", parse_number, _numeric(Decimal.__lt__))
_kind("NumericLessThanEquals", parse_number, _numeric(Decimal.__le__))
_kind("NumericGreaterThan", parse_number, _numeric(Decimal.__gt__))
_kind("NumericGreaterThanEquals", parse_number, _numeric(Decimal.__ge__))
_kind("DateEquals", parse_date, _dated(datetime.__eq__), negated_name="DateNotEquals")
_kind("DateLessThan", parse_date, _dated(datetime.__lt__))
_kind("DateLessThanEquals", parse_date, _dated(datetime.__le__))
_kind("DateGreaterThan", parse_date, _dated(datetime.__gt__))
_kind("DateGreaterThanEquals", parse_date, _dated(datetime.__ge__))
_kind("Bool", _parse_bool, lambda value, expected: value.strip().lower() == expected)
_kind("BinaryEquals", _parse_base64, _base64_equals)
_kind("IpAddress", _parse_network, _in_network, negated_name="NotIpAddress")
_kind("ArnEquals", _string, _arn_like, negated_name="ArnNotEquals")
_kind("ArnLike", _string, _arn_like, negated_name="ArnNotLike")
_kind("Null", _parse_bool, lambda value, expected: False)  # evaluated on presence, see below

OPERATOR_KINDS: dict[str, OperatorKind] = {kind.name: kind for kind in _KINDS}
"""Every base operator by its name."""

IF_EXISTS = "IfExists"
QUALIFIERS = ("ForAnyValue:", "ForAllValues:")


@dataclass(frozen=True)
class Operator:
    """An operator as written: its base kind, its set qualifier and ``IfExists``."""

    kind: OperatorKind
    qualifier: str | None
    if_exists: bool


def parse_operator(name: str) -> Operator | None:
    """The operator ``name`` spells, or None when it is not an IAM condition operator."""
    qualifier = next((q for q in QUALIFIERS if name.startswith(q)), None)
    base = name[len(qualifier) :] if qualifier else name
    if_exists = base.endswith(IF_EXISTS) and base != IF_EXISTS
    if if_exists:
        base = base[: -len(IF_EXISTS)]
    kind = OPERATOR_KINDS.get(base)
    if kind is None or (kind.name == "Null" and (if_exists or qualifier)):
        return None
    return Operator(kind, qualifier[:-1] if qualifier else None, if_exists)


# -- checking a block when a policy is set ------------------------------------------------------


def _as_values(raw: object) -> list[str] | None:
    """A condition value as strings: JSON strings, numbers and booleans, alone or in a list."""
    items = raw if isinstance(raw, list) else [raw]
    if not items:
        return None
    values = []
    for item in items:
        if isinstance(item, bool):
            values.append("true" if item else "false")
        elif isinstance(item, (str, int, float)):
            values.append(str(item))
        else:
            return None
    return values


def condition_problems(block: Mapping[str, Any], where: str) -> list[str]:
    """Every problem with a statement's ``Condition`` object (already known to be an object)."""
    problems: list[str] = []
    for name, keys in block.items():
        operator = parse_operator(name)
        if operator is None:
            problems.append(f"{where} Condition uses unknown condition operator {name!r}")
            continue
        if not isinstance(keys, dict) or not keys:
            problems.append(f"{where} Condition {name} must be a non-empty object of key: values")
            continue
        for key, raw in keys.items():
            problems.extend(_key_problems(operator, name, key, raw, where))
    return problems


def _key_problems(operator: Operator, name: str, key: str, raw: object, where: str) -> list[str]:
    if not is_known_key(key):
        return [f"{where} Condition {name} uses unknown condition key {key!r}"]
    values = _as_values(raw)
    if values is None:
        expected = "a string, number or boolean, or a non-empty list of them"
        return [f"{where} Condition {name} {key!r} must be {expected}"]
    reasons = (_parse_error(operator.kind, value) for value in values)
    return [f"{where} Condition {name} {key!r}: {reason}" for reason in reasons if reason]


def _parse_error(kind: OperatorKind, value: str) -> str | None:
    try:
        kind.parse(value)
    except ValueError as exc:
        return str(exc)
    return None


# -- evaluation ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """One (operator, key, policy values) triple of a checked condition block."""

    operator: Operator
    key: str
    """Lower-cased."""
    values: tuple[Any, ...]
    """Parsed policy values."""

    def holds(self, lookup: KeyValues) -> bool:
        request_values = lookup(self.key)
        operator = self.operator
        if operator.kind.name == "Null":
            absent = not request_values
            return any((value == "true") == absent for value in self.values)
        if request_values is None or (operator.qualifier and not request_values):
            return self._holds_when_absent()
        passes = [self._passes(value) for value in request_values]
        # ForAllValues: every request value must pass. Unqualified negated operators: the
        # request's values must match none of the policy's, i.e. every one must pass.
        every = operator.qualifier == "ForAllValues" or (
            operator.kind.negated and operator.qualifier is None
        )
        return all(passes) if every else any(passes)

    def _holds_when_absent(self) -> bool:
        if self.operator.if_exists or self.operator.qualifier == "ForAllValues":
            return True
        if self.operator.qualifier == "ForAnyValue":
            return False
        return self.operator.kind.negated

    def _passes(self, value: str) -> bool:
        kind = self.operator.kind
        matched = any(kind.match(value, expected) for expected in self.values)
        return not matched if kind.negated else matched


def compile_conditions(block: Mapping[str, Any] | None) -> tuple[Condition, ...]:
    """The conditions of a block that :func:`condition_problems` accepted."""
    if not block:
        return ()
    compiled = []
    for name, keys in block.items():
        operator = parse_operator(name)
        if operator is None:  # pragma: no cover - refused when the policy was set
            raise ValueError(f"unknown condition operator {name!r}")
        for key, raw in keys.items():
            parsed = tuple(operator.kind.parse(value) for value in _as_values(raw) or ())
            compiled.append(Condition(operator, key.lower(), parsed))
    return tuple(compiled)


def conditions_hold(conditions: Sequence[Condition], lookup: KeyValues) -> bool:
    """Whether every condition holds for the request whose key values ``lookup`` gives."""
    return all(condition.holds(lookup) for condition in conditions)
