"""AddTagsToVault, ListTagsForVault and RemoveTagsFromVault (GLACIER_SPEC §2.1, §3)."""

from __future__ import annotations

import unicodedata

import pytest
from backend_fakes import CTX, OTHER_ACCOUNT, OTHER_REGION, REGION, Harness
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_glacier.backend import RequestContext
from pytest_glacier.backend.errors import (
    AccessDeniedException,
    InvalidParameterValueException,
    LimitExceededException,
    MissingParameterValueException,
    ResourceNotFoundException,
)
from pytest_glacier.backend.tags import TAG_LIMIT_MESSAGE, is_allowed_character


@pytest.fixture
def g() -> Harness:
    harness = Harness()
    harness.create_vault("vault")
    return harness


def tags_of(g: Harness, vault: str = "vault", ctx: RequestContext = CTX) -> dict[str, str]:
    tags: dict[str, str] = g.call("ListTagsForVault", ctx, vault_name=vault)["Tags"]
    return tags


def add(g: Harness, tags: dict[str, str] | None, vault: str = "vault") -> None:
    g.call("AddTagsToVault", vault_name=vault, tags=tags)


def remove(g: Harness, keys: list[str] | None, vault: str = "vault") -> None:
    g.call("RemoveTagsFromVault", vault_name=vault, tag_keys=keys)


# -- add and list -------------------------------------------------------------------------------


def test_a_new_vault_has_no_tags(g: Harness) -> None:
    assert g.call("ListTagsForVault", vault_name="vault") == {"Tags": {}}


def test_add_returns_an_empty_output_and_list_shows_the_tags(g: Harness) -> None:
    assert g.call("AddTagsToVault", vault_name="vault", tags={"a": "1", "b": ""}) == {}
    assert tags_of(g) == {"a": "1", "b": ""}


def test_adding_an_existing_key_overwrites_its_value(g: Harness) -> None:
    add(g, {"owner": "alice", "env": "dev"})
    add(g, {"owner": "bob"})
    assert tags_of(g) == {"owner": "bob", "env": "dev"}


def test_keys_are_case_sensitive(g: Harness) -> None:
    add(g, {"Env": "1", "env": "2"})
    assert tags_of(g) == {"Env": "1", "env": "2"}


def test_list_returns_a_copy(g: Harness) -> None:
    add(g, {"a": "1"})
    tags_of(g)["b"] = "2"
    assert tags_of(g) == {"a": "1"}


def test_an_explicit_account_id_equal_to_the_caller_works(g: Harness) -> None:
    g.call("AddTagsToVault", account_id=CTX.account_id, vault_name="vault", tags={"a": "b"})
    assert tags_of(g) == {"a": "b"}


def test_another_account_id_is_access_denied(g: Harness) -> None:
    with pytest.raises(AccessDeniedException):
        g.call("ListTagsForVault", account_id=OTHER_ACCOUNT, vault_name="vault")


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("AddTagsToVault", {"tags": {"a": "b"}}),
        ("ListTagsForVault", {}),
        ("RemoveTagsFromVault", {"tag_keys": ["a"]}),
    ],
)
def test_a_missing_vault_is_the_real_404(
    g: Harness, operation: str, params: dict[str, object]
) -> None:
    with pytest.raises(ResourceNotFoundException) as err:
        g.call(operation, vault_name="nope", **params)
    assert err.value.status == 404
    assert err.value.message == (
        f"Vault not found for ARN: arn:aws:glacier:{REGION}:{CTX.account_id}:vaults/nope"
    )


# -- request size -------------------------------------------------------------------------------


def test_missing_tags_member(g: Harness) -> None:
    with pytest.raises(MissingParameterValueException) as err:
        add(g, None)
    assert err.value.status == 400
    assert err.value.message == "Required parameter missing: Tags"


def test_missing_tag_keys_member(g: Harness) -> None:
    with pytest.raises(MissingParameterValueException, match=r"^Required parameter missing: "):
        remove(g, None)
    with pytest.raises(MissingParameterValueException) as err:
        remove(g, None)
    assert err.value.message == "Required parameter missing: TagKeys"


@pytest.mark.parametrize("count", [0, 11])
def test_add_takes_one_to_ten_tags(g: Harness, count: int) -> None:
    with pytest.raises(InvalidParameterValueException, match=f"Invalid number of tags: {count}"):
        add(g, {f"k{i}": "v" for i in range(count)})
    assert tags_of(g) == {}


def test_add_takes_exactly_ten_tags(g: Harness) -> None:
    add(g, {f"k{i}": "v" for i in range(10)})
    assert len(tags_of(g)) == 10


@pytest.mark.parametrize("count", [0, 11])
def test_remove_takes_one_to_ten_keys(g: Harness, count: int) -> None:
    add(g, {"k0": "v"})
    with pytest.raises(InvalidParameterValueException, match="1 to 10 tag keys"):
        remove(g, [f"k{i}" for i in range(count)])
    assert tags_of(g) == {"k0": "v"}


# -- the 50-tag quota ---------------------------------------------------------------------------


def fill(g: Harness, count: int) -> None:
    for start in range(0, count, 10):
        add(g, {f"k{i}": "v" for i in range(start, min(start + 10, count))})


def test_a_vault_holds_fifty_tags(g: Harness) -> None:
    fill(g, 50)
    assert len(tags_of(g)) == 50


def test_the_fifty_first_tag_is_refused_and_nothing_changes(g: Harness) -> None:
    fill(g, 45)
    with pytest.raises(LimitExceededException) as err:
        add(g, {f"new{i}": "v" for i in range(6)})
    assert err.value.status == 400
    assert err.value.code == "LimitExceededException"
    assert err.value.message == TAG_LIMIT_MESSAGE
    assert len(tags_of(g)) == 45
    assert not any(key.startswith("new") for key in tags_of(g))


def test_overwriting_keys_does_not_count_against_the_quota(g: Harness) -> None:
    fill(g, 50)
    add(g, {"k0": "changed", "k49": "changed"})
    assert tags_of(g)["k0"] == "changed"
    assert len(tags_of(g)) == 50


def test_removing_tags_frees_quota(g: Harness) -> None:
    fill(g, 50)
    remove(g, ["k0"])
    add(g, {"fresh": "v"})
    assert len(tags_of(g)) == 50


# -- remove -------------------------------------------------------------------------------------


def test_remove_deletes_the_named_keys_only(g: Harness) -> None:
    add(g, {"a": "1", "b": "2", "c": "3"})
    assert g.call("RemoveTagsFromVault", vault_name="vault", tag_keys=["a", "c"]) == {}
    assert tags_of(g) == {"b": "2"}


def test_remove_is_idempotent(g: Harness) -> None:
    add(g, {"a": "1"})
    remove(g, ["a", "never-there"])
    remove(g, ["a"])
    assert tags_of(g) == {}


def test_remove_with_an_invalid_key_changes_nothing(g: Harness) -> None:
    add(g, {"a": "1"})
    with pytest.raises(InvalidParameterValueException):
        remove(g, ["a", "bad!key"])
    assert tags_of(g) == {"a": "1"}


# -- key and value rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        ("", "is 0 characters long"),
        ("k" * 129, "is 129 characters long"),
        ("aws:owner", "must not start with 'aws:'"),
        ("AWS:owner", "must not start with 'aws:'"),
        ("a:b", "contains ':'"),
        ("a!b", "contains '!'"),
        ("tab\there", "contains '\\t'"),
        ("semi;colon", "contains ';'"),
    ],
)
def test_invalid_keys_are_refused_with_the_reason(g: Harness, key: str, fragment: str) -> None:
    with pytest.raises(InvalidParameterValueException) as err:
        add(g, {"fine": "v", key: "v"})
    assert err.value.status == 400
    assert err.value.message.startswith(f"Invalid tag key: {key!r}")
    assert fragment in err.value.message
    assert tags_of(g) == {}


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("v" * 256, "256 characters long"),
        ("a,b", "contains ','"),
        ("line\nbreak", "contains '\\n'"),
    ],
)
def test_invalid_values_are_refused_with_the_reason(g: Harness, value: str, fragment: str) -> None:
    with pytest.raises(InvalidParameterValueException) as err:
        add(g, {"key": value})
    assert err.value.message.startswith("Invalid value for tag 'key'")
    assert fragment in err.value.message
    assert "_ . / = + - @" in err.value.message or "at most 255" in err.value.message
    assert tags_of(g) == {}


def test_boundary_lengths_are_accepted(g: Harness) -> None:
    add(g, {"k" * 128: "v" * 255, "x": ""})
    assert tags_of(g) == {"k" * 128: "v" * 255, "x": ""}


def test_unicode_letters_digits_spaces_and_symbols_are_accepted(g: Harness) -> None:
    tags = {"Ünïcødé 名前": "значение ١٢٣", "a_b.c/d=e+f-g@h": "_ . / = + - @"}
    add(g, tags)
    assert tags_of(g) == tags


def test_aws_colon_inside_a_key_is_refused_for_its_colon_not_its_prefix(g: Harness) -> None:
    with pytest.raises(InvalidParameterValueException, match="contains ':'"):
        add(g, {"my-aws:key": "v"})


# Tag text drawn from every Unicode category (surrogates excluded: they cannot travel in JSON
# text as lone code points), and short enough to stay within the length limits.
ANY_TEXT = st.text(st.characters(codec="utf-8"), min_size=1, max_size=20)
ALLOWED_CHAR = st.characters(
    categories=("Lu", "Ll", "Lt", "Lm", "Lo", "Nd", "Zs")
) | st.sampled_from("_./=+-@")


@settings(max_examples=200)
@given(ANY_TEXT)
def test_a_key_is_accepted_exactly_when_every_character_is_allowed(key: str) -> None:
    g = Harness()
    g.create_vault("vault")
    allowed = all(is_allowed_character(c) for c in key) and not key.lower().startswith("aws:")
    try:
        add(g, {key: "v"})
    except InvalidParameterValueException:
        assert not allowed
        assert tags_of(g) == {}
    else:
        assert allowed
        assert tags_of(g) == {key: "v"}


@settings(max_examples=200)
@given(st.text(ALLOWED_CHAR, min_size=1, max_size=128), st.text(ALLOWED_CHAR, max_size=255))
def test_keys_and_values_of_allowed_characters_round_trip(key: str, value: str) -> None:
    g = Harness()
    g.create_vault("vault")
    add(g, {key: value})
    assert tags_of(g) == {key: value}


@given(st.characters(codec="utf-8"))
def test_the_character_rule_matches_the_documented_classes(char: str) -> None:
    category = unicodedata.category(char)
    expected = category in {"Lu", "Ll", "Lt", "Lm", "Lo", "Nd", "Zs"} or char in "_./=+-@"
    assert is_allowed_character(char) == expected


@given(st.integers(min_value=129, max_value=400))
def test_keys_longer_than_128_characters_are_refused(length: int) -> None:
    g = Harness()
    g.create_vault("vault")
    with pytest.raises(InvalidParameterValueException, match=f"is {length} characters long"):
        add(g, {"k" * length: "v"})


# -- isolation ----------------------------------------------------------------------------------


def test_tags_belong_to_one_vault_account_and_region(g: Harness) -> None:
    other_region = RequestContext(OTHER_REGION, CTX.account_id)
    other_account = RequestContext(REGION, OTHER_ACCOUNT)
    g.create_vault("second")
    g.create_vault("vault", other_region)
    g.create_vault("vault", other_account)
    add(g, {"a": "1"})
    assert tags_of(g, "second") == {}
    assert tags_of(g, "vault", other_region) == {}
    assert tags_of(g, "vault", other_account) == {}


def test_tags_go_with_the_vault(g: Harness) -> None:
    add(g, {"a": "1"})
    g.call("DeleteVault", vault_name="vault")
    g.create_vault("vault")
    assert tags_of(g) == {}
