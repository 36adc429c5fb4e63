"""Set/Get/DeleteVaultAccessPolicy and the policy-document checks (GLACIER_SPEC §2.1, §3)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from backend_fakes import CTX, OTHER_ACCOUNT, OTHER_REGION, REGION, Harness

from pytest_glacier.backend import RequestContext
from pytest_glacier.backend.errors import (
    InvalidParameterValueException,
    MissingParameterValueException,
    ResourceNotFoundException,
)
from pytest_glacier.backend.policies import MAX_POLICY_BYTES, validate_policy_document

VAULT_ARN = f"arn:aws:glacier:{REGION}:{CTX.account_id}:vaults/vault"


def statement(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "Sid": "cross-account-read",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
        "Action": ["glacier:InitiateJob", "glacier:GetJobOutput"],
        "Resource": VAULT_ARN,
    }
    base.update(overrides)
    return {key: value for key, value in base.items() if value is not None}


def policy_text(*statements: dict[str, Any], **top: Any) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements), **top})


VALID = policy_text(statement())


@pytest.fixture
def g() -> Harness:
    harness = Harness()
    harness.create_vault("vault")
    return harness


def set_policy(g: Harness, text: object, vault: str = "vault") -> None:
    g.call("SetVaultAccessPolicy", vault_name=vault, policy={"Policy": text})


def get_policy(g: Harness, vault: str = "vault", ctx: RequestContext = CTX) -> str:
    output = g.call("GetVaultAccessPolicy", ctx, vault_name=vault)
    assert list(output) == ["policy"]
    text: str = output["policy"]["Policy"]
    return text


def invalid_message(g: Harness, text: str) -> str:
    with pytest.raises(InvalidParameterValueException) as err:
        set_policy(g, text)
    assert err.value.status == 400
    return err.value.message


# -- set, get, delete ---------------------------------------------------------------------------


def test_set_then_get_returns_the_text_exactly_as_given(g: Harness) -> None:
    text = (
        '{ "Version":"2012-10-17",\n  "Statement": [ {"Effect":"Deny","Principal":"*",'
        '"Action":"glacier:DeleteArchive","Resource":"*"} ] }'
    )
    assert g.call("SetVaultAccessPolicy", vault_name="vault", policy={"Policy": text}) == {}
    assert get_policy(g) == text


def test_set_overwrites_the_previous_policy(g: Harness) -> None:
    set_policy(g, VALID)
    other = policy_text(statement(Effect="Deny"))
    set_policy(g, other)
    assert get_policy(g) == other


def test_get_without_a_policy_is_404(g: Harness) -> None:
    with pytest.raises(ResourceNotFoundException) as err:
        get_policy(g)
    assert err.value.status == 404
    assert err.value.message == "No vault access policy is set for: vault"


def test_delete_removes_the_policy_and_is_idempotent(g: Harness) -> None:
    set_policy(g, VALID)
    assert g.call("DeleteVaultAccessPolicy", vault_name="vault") == {}
    with pytest.raises(ResourceNotFoundException):
        get_policy(g)
    assert g.call("DeleteVaultAccessPolicy", vault_name="vault") == {}


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("SetVaultAccessPolicy", {"policy": {"Policy": VALID}}),
        ("GetVaultAccessPolicy", {}),
        ("DeleteVaultAccessPolicy", {}),
    ],
)
def test_a_missing_vault_is_the_real_404(
    g: Harness, operation: str, params: dict[str, object]
) -> None:
    with pytest.raises(ResourceNotFoundException) as err:
        g.call(operation, vault_name="nope", **params)
    assert err.value.message == (
        f"Vault not found for ARN: arn:aws:glacier:{REGION}:{CTX.account_id}:vaults/nope"
    )


def test_the_policy_goes_with_the_vault(g: Harness) -> None:
    set_policy(g, VALID)
    g.call("DeleteVault", vault_name="vault")
    g.create_vault("vault")
    with pytest.raises(ResourceNotFoundException):
        get_policy(g)


def test_policies_are_per_vault_account_and_region(g: Harness) -> None:
    other_region = RequestContext(OTHER_REGION, CTX.account_id)
    other_account = RequestContext(REGION, OTHER_ACCOUNT)
    g.create_vault("second")
    g.create_vault("vault", other_region)
    g.create_vault("vault", other_account)
    set_policy(g, VALID)
    for vault, ctx in (("second", CTX), ("vault", other_region), ("vault", other_account)):
        with pytest.raises(ResourceNotFoundException):
            get_policy(g, vault, ctx)


# -- missing and oversized ----------------------------------------------------------------------


@pytest.mark.parametrize("payload", [None, {}, {"Policy": None}])
def test_a_missing_policy_is_missing_parameter(g: Harness, payload: dict[str, Any] | None) -> None:
    with pytest.raises(MissingParameterValueException) as err:
        g.call("SetVaultAccessPolicy", vault_name="vault", policy=payload)
    assert err.value.status == 400
    assert err.value.message == "Required parameter missing: Policy"


def padded(size: int) -> str:
    """A valid policy of exactly ``size`` bytes of UTF-8, padded inside its Sid."""
    base = policy_text(statement(Sid=""))
    return policy_text(statement(Sid="x" * (size - len(base.encode()))))


def test_a_policy_of_exactly_20_kb_is_accepted(g: Harness) -> None:
    text = padded(MAX_POLICY_BYTES)
    assert len(text.encode()) == MAX_POLICY_BYTES
    set_policy(g, text)
    assert get_policy(g) == text


def test_a_policy_over_20_kb_is_refused_and_the_old_one_stays(g: Harness) -> None:
    set_policy(g, VALID)
    message = invalid_message(g, padded(MAX_POLICY_BYTES + 1))
    assert "too large: 20481 bytes" in message
    assert "20480 bytes" in message
    assert get_policy(g) == VALID


def test_the_size_limit_counts_utf8_bytes_not_characters(g: Harness) -> None:
    text = json.dumps(
        {"Version": "2012-10-17", "Statement": [statement(Sid="é" * 10_300)]},
        ensure_ascii=False,
    )
    assert len(text) < MAX_POLICY_BYTES < len(text.encode())
    assert "too large" in invalid_message(g, text)


def test_a_non_string_policy_is_refused(g: Harness) -> None:
    message = invalid_message(g, {"Statement": []})  # type: ignore[arg-type]
    assert "expected the policy document as a JSON string" in message


# -- structure ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{not json", "the policy is not valid JSON"),
        ("", "the policy is not valid JSON"),
        ("[]", "the policy must be a JSON object, not an array"),
        ('"text"', "the policy must be a JSON object, not a string"),
        ('{"Version": "2012-10-17"}', "the policy has no Statement"),
        ('{"Statement": []}', "Statement must be an object or a non-empty list of objects"),
        ('{"Statement": "x"}', "Statement must be an object or a non-empty list of objects"),
        ('{"Statement": [1]}', "statement 1 must be a JSON object, not a number"),
        (policy_text(statement(), Version="2020-01-01"), "Version '2020-01-01' is not one of"),
    ],
)
def test_document_level_problems(g: Harness, text: str, problem: str) -> None:
    message = invalid_message(g, text)
    assert message.startswith("The specified vault access policy is invalid: ")
    assert problem in message
    assert message.endswith("Provide a valid policy.")


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"Effect": None}, "statement 1 has no Effect"),
        ({"Effect": "allow"}, "statement 1 has Effect 'allow'; expected 'Allow' or 'Deny'"),
        ({"Action": None}, "statement 1 has no Action or NotAction"),
        ({"NotAction": "glacier:*"}, "statement 1 has both Action and NotAction"),
        ({"Principal": None}, "statement 1 has no Principal or NotPrincipal"),
        ({"NotPrincipal": "*"}, "statement 1 has both Principal and NotPrincipal"),
        ({"NotResource": "*"}, "statement 1 has both Resource and NotResource"),
        ({"Action": []}, "statement 1 Action must be a string or a non-empty list of strings"),
        ({"Action": [1]}, "statement 1 Action must be a string or a non-empty list of strings"),
        ({"Principal": "someone"}, "statement 1 Principal must be '*' or a non-empty object"),
        ({"Principal": {}}, "statement 1 Principal must be '*' or a non-empty object"),
        ({"Principal": {"AWS": 5}}, "statement 1 Principal 'AWS' must be a string or list"),
        ({"Condition": "x"}, "statement 1 Condition must be a JSON object, not a string"),
        ({"Sid": 7}, "statement 1 Sid must be a string, not a number"),
    ],
)
def test_statement_problems(g: Harness, overrides: dict[str, Any], problem: str) -> None:
    assert problem in invalid_message(g, policy_text(statement(**overrides)))


def test_every_problem_is_listed_with_its_statement_number(g: Harness) -> None:
    text = policy_text(statement(), statement(Effect=None), statement(Action=None, Principal=None))
    message = invalid_message(g, text)
    assert message == (
        "The specified vault access policy is invalid: statement 2 has no Effect; "
        "statement 3 has no Action or NotAction; statement 3 has no Principal or NotPrincipal. "
        "Provide a valid policy."
    )


def test_an_invalid_policy_leaves_the_current_one_in_place(g: Harness) -> None:
    set_policy(g, VALID)
    invalid_message(g, policy_text(statement(Effect=None)))
    assert get_policy(g) == VALID


def test_a_single_statement_object_is_accepted(g: Harness) -> None:
    text = json.dumps({"Statement": statement()})
    set_policy(g, text)
    assert get_policy(g) == text


# -- the parsed form ----------------------------------------------------------------------------


def test_validate_returns_a_normalised_document() -> None:
    text = json.dumps(
        {
            "Version": "2012-10-17",
            "Id": "policy-1",
            "Statement": [
                statement(),
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "NotAction": "glacier:ListJobs",
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
            ],
        }
    )
    document = validate_policy_document(text, kind="vault access")
    assert document["Version"] == "2012-10-17"
    assert document["Id"] == "policy-1"
    first, second = document["Statement"]
    assert first == {
        "Sid": "cross-account-read",
        "Effect": "Allow",
        "Principal": {"AWS": ["arn:aws:iam::210987654321:root"]},
        "NotPrincipal": None,
        "Action": ["glacier:InitiateJob", "glacier:GetJobOutput"],
        "NotAction": None,
        "Resource": [VAULT_ARN],
        "NotResource": None,
        "Condition": None,
    }
    assert second["Principal"] == {"*": ["*"]}
    assert second["NotAction"] == ["glacier:ListJobs"]
    assert second["Action"] is None
    assert second["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_validate_names_the_kind_of_policy() -> None:
    with pytest.raises(InvalidParameterValueException) as err:
        validate_policy_document("{}", kind="vault lock")
    assert err.value.message.startswith("The specified vault lock policy is invalid: ")


def test_validate_without_text_is_missing_parameter() -> None:
    with pytest.raises(MissingParameterValueException):
        validate_policy_document(None, kind="vault lock")
