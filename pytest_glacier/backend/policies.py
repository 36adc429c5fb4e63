"""Vault access policies: set, get and delete, and the policy-document checks (GLACIER_SPEC §2.1).

A vault has at most one access policy, an IAM resource policy of up to 20 KB. The mock keeps the
text exactly as it was set and returns it unchanged. Checking is structural:
:func:`validate_policy_document` refuses what real Glacier refuses for sure (not JSON, no
statements, a statement without Effect, Action or Principal) and returns the document in a
normalised form (:class:`PolicyDocument`) that policy evaluation can walk without re-checking
types. InitiateVaultLock reuses it with ``kind="vault lock"``, and answers any refusal with the
lock's own fixed message.

Conditions are checked too (:mod:`pytest_glacier.backend.conditions`): an operator or a key that
IAM does not know is refused when the policy is set, naming it, rather than silently never
matching later. ``"AWS"`` principals must be ``*``, an account id or an ARN.
"""

from __future__ import annotations

import json
from typing import Any, Literal, TypedDict

from pytest_glacier.backend.accounts import is_account_id
from pytest_glacier.backend.arns import parse_identity
from pytest_glacier.backend.conditions import condition_problems
from pytest_glacier.backend.context import RequestContext
from pytest_glacier.backend.errors import (
    InvalidParameterValueException,
    MissingParameterValueException,
    ResourceNotFoundException,
)
from pytest_glacier.backend.glacier import Backend
from pytest_glacier.backend.operations import Output, operation
from pytest_glacier.backend.vaults import get_vault

MAX_POLICY_BYTES = 20 * 1024
"""20 KB of UTF-8 text (DG:api-SetVaultAccessPolicy, api-InitiateVaultLock)."""
POLICY_VERSIONS = ("2012-10-17", "2008-10-17")

Effect = Literal["Allow", "Deny"]


class PolicyStatement(TypedDict):
    """One statement, normalised: every key present; absent elements are None.

    Action, NotAction, Resource and NotResource become lists of strings. A principal becomes a
    map from principal type to a list of strings; the bare ``"*"`` becomes ``{"*": ["*"]}``.
    """

    Sid: str | None
    Effect: Effect
    Principal: dict[str, list[str]] | None
    NotPrincipal: dict[str, list[str]] | None
    Action: list[str] | None
    NotAction: list[str] | None
    Resource: list[str] | None
    NotResource: list[str] | None
    Condition: dict[str, Any] | None


class PolicyDocument(TypedDict):
    """A policy document as :func:`validate_policy_document` returns it."""

    Version: str | None
    Id: str | None
    Statement: list[PolicyStatement]


class _Problems:
    """The reasons a policy is invalid, gathered so that one error can name them all."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, problem: str) -> None:
        self.items.append(problem)


class InvalidPolicyDocument(InvalidParameterValueException):
    """A policy text refused by :func:`validate_policy_document` (a missing one is not).

    Its message says what was wrong; InitiateVaultLock replaces it with the lock's own message.
    """


def validate_policy_document(text: str | None, *, kind: str) -> PolicyDocument:
    """Check a policy's text and return it parsed and normalised.

    ``kind`` names the policy in messages: ``"vault access"`` or ``"vault lock"``. Raises
    MissingParameterValueException when there is no text, InvalidParameterValueException when
    it is too large or not a structurally valid policy (the message lists every problem found).
    """
    if text is None:
        raise MissingParameterValueException("Required parameter missing: Policy")
    size = len(text.encode("utf-8"))
    if size > MAX_POLICY_BYTES:
        raise InvalidPolicyDocument(
            f"The specified {kind} policy is too large: {size} bytes. A {kind} policy can be at "
            f"most {MAX_POLICY_BYTES} bytes (20 KB) of UTF-8 text."
        )
    problems = _Problems()
    document = _parse_document(text, problems)
    if document is None or problems.items:
        raise InvalidPolicyDocument(
            f"The specified {kind} policy is invalid: {'; '.join(problems.items)}. "
            f"Provide a valid policy."
        )
    return document


def _parse_document(text: str, problems: _Problems) -> PolicyDocument | None:
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
        problems.add(f"the policy is not valid JSON ({exc})")
        return None
    if not isinstance(raw, dict):
        problems.add(f"the policy must be a JSON object, not {_json_type(raw)}")
        return None
    version = _optional_string(raw, "Version", "the policy", problems)
    if version is not None and version not in POLICY_VERSIONS:
        problems.add(f"the policy Version {version!r} is not one of {', '.join(POLICY_VERSIONS)}")
    policy_id = _optional_string(raw, "Id", "the policy", problems)
    statements = _parse_statements(raw.get("Statement"), problems)
    return {"Version": version, "Id": policy_id, "Statement": statements}


def _parse_statements(raw: object, problems: _Problems) -> list[PolicyStatement]:
    if raw is None:
        problems.add("the policy has no Statement")
        return []
    items = [raw] if isinstance(raw, dict) else raw
    if not isinstance(items, list) or not items:
        problems.add("Statement must be an object or a non-empty list of objects")
        return []
    statements = []
    for number, item in enumerate(items, start=1):
        statement = _parse_statement(item, f"statement {number}", problems)
        if statement is not None:
            statements.append(statement)
    return statements


def _parse_statement(raw: object, where: str, problems: _Problems) -> PolicyStatement | None:
    if not isinstance(raw, dict):
        problems.add(f"{where} must be a JSON object, not {_json_type(raw)}")
        return None
    before = len(problems.items)
    statement: PolicyStatement = {
        "Sid": _optional_string(raw, "Sid", where, problems),
        "Effect": _parse_effect(raw, where, problems),
        "Principal": _parse_principal(raw, "Principal", where, problems),
        "NotPrincipal": _parse_principal(raw, "NotPrincipal", where, problems),
        "Action": _string_list(raw, "Action", where, problems),
        "NotAction": _string_list(raw, "NotAction", where, problems),
        "Resource": _string_list(raw, "Resource", where, problems),
        "NotResource": _string_list(raw, "NotResource", where, problems),
        "Condition": _parse_condition(raw, where, problems),
    }
    _exactly_one_of(raw, ("Action", "NotAction"), where, problems)
    _exactly_one_of(raw, ("Principal", "NotPrincipal"), where, problems)
    _at_most_one_of(raw, ("Resource", "NotResource"), where, problems)
    return statement if len(problems.items) == before else None


def _parse_effect(raw: dict[str, Any], where: str, problems: _Problems) -> Effect:
    effect = raw.get("Effect")
    if effect is None:
        problems.add(f"{where} has no Effect")
    elif effect not in ("Allow", "Deny"):
        problems.add(f"{where} has Effect {effect!r}; expected 'Allow' or 'Deny'")
    return "Deny" if effect == "Deny" else "Allow"


def _parse_principal(
    raw: dict[str, Any], name: str, where: str, problems: _Problems
) -> dict[str, list[str]] | None:
    value = raw.get(name)
    if value is None:
        return None
    if value == "*":
        return {"*": ["*"]}
    if not isinstance(value, dict) or not value:
        problems.add(f"{where} {name} must be '*' or a non-empty object such as {{\"AWS\": ...}}")
        return None
    principal: dict[str, list[str]] = {}
    for principal_type, ids in value.items():
        parsed = _as_string_list(ids)
        if parsed is None:
            problems.add(f"{where} {name} {principal_type!r} must be a string or list of strings")
            continue
        if principal_type == "AWS":
            for bad in (value for value in parsed if not _is_aws_principal(value)):
                problems.add(
                    f"{where} {name} 'AWS' value {bad!r} is not '*', a 12-digit account id or "
                    f"an IAM ARN (arn:aws:iam::<account>:root, ...:user/<name>, ...:role/<name>)"
                )
        principal[principal_type] = parsed
    return principal


def _is_aws_principal(value: str) -> bool:
    """``*``, a 12-digit account id, or the ARN of an account, IAM user or role, or STS session."""
    return value == "*" or is_account_id(value) or parse_identity(value) is not None


def _parse_condition(raw: dict[str, Any], where: str, problems: _Problems) -> dict[str, Any] | None:
    value = raw.get("Condition")
    if value is None:
        return None
    if not isinstance(value, dict):
        problems.add(f"{where} Condition must be a JSON object, not {_json_type(value)}")
        return None
    for problem in condition_problems(value, where):
        problems.add(problem)
    return value


def _string_list(
    raw: dict[str, Any], name: str, where: str, problems: _Problems
) -> list[str] | None:
    if name not in raw:
        return None
    parsed = _as_string_list(raw[name])
    if parsed is None:
        problems.add(f"{where} {name} must be a string or a non-empty list of strings")
    return parsed


def _as_string_list(value: object) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        return list(value)
    return None


def _optional_string(raw: dict[str, Any], name: str, where: str, problems: _Problems) -> str | None:
    value = raw.get(name)
    if value is not None and not isinstance(value, str):
        problems.add(f"{where} {name} must be a string, not {_json_type(value)}")
        return None
    return value


def _exactly_one_of(
    raw: dict[str, Any], names: tuple[str, str], where: str, problems: _Problems
) -> None:
    present = [name for name in names if name in raw]
    if not present:
        problems.add(f"{where} has no {names[0]} or {names[1]}")
    elif len(present) > 1:
        problems.add(f"{where} has both {names[0]} and {names[1]}; use one of them")


def _at_most_one_of(
    raw: dict[str, Any], names: tuple[str, str], where: str, problems: _Problems
) -> None:
    if all(name in raw for name in names):
        problems.add(f"{where} has both {names[0]} and {names[1]}; use one of them")


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if value is None:
        return "null"
    names: dict[type[object], str] = {str: "a string", list: "an array", dict: "an object"}
    return names.get(type(value), type(value).__name__)


@operation("SetVaultAccessPolicy")
def set_vault_access_policy(
    glacier: Backend,
    ctx: RequestContext,
    *,
    account_id: str,
    vault_name: str,
    policy: dict[str, Any] | None = None,
) -> Output:
    vault = get_vault(glacier, ctx, account_id, vault_name)
    text = None if policy is None else policy.get("Policy")
    if text is not None and not isinstance(text, str):
        raise InvalidParameterValueException(
            f"Invalid Policy: expected the policy document as a JSON string, got "
            f'{_json_type(text)}. Send {{"Policy": "<policy JSON as text>"}}.'
        )
    validate_policy_document(text, kind="vault access")
    vault.access_policy = text
    return {}


@operation("GetVaultAccessPolicy")
def get_vault_access_policy(
    glacier: Backend, ctx: RequestContext, *, account_id: str, vault_name: str
) -> Output:
    vault = get_vault(glacier, ctx, account_id, vault_name)
    if vault.access_policy is None:
        # The real message names the vault, not its ARN (seen in duo-labs/cloudmapper#745).
        raise ResourceNotFoundException(f"No vault access policy is set for: {vault.name}")
    return {"policy": {"Policy": vault.access_policy}}


@operation("DeleteVaultAccessPolicy")
def delete_vault_access_policy(
    glacier: Backend, ctx: RequestContext, *, account_id: str, vault_name: str
) -> Output:
    vault = get_vault(glacier, ctx, account_id, vault_name)
    vault.access_policy = None
    return {}
