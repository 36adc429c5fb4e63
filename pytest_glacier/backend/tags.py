"""Vault tags: add, list and remove (GLACIER_SPEC §2.1, §3).

A vault holds at most 50 tags (the Developer Guide's figure; botocore's doc string says 10, see
GLACIER_SPEC §9) and a request adds or removes 1 to 10 at a time. Keys are 1-128 characters and
must not start with ``aws:``; values are 0-255 characters. Both may contain only Unicode letters,
digits, spaces and ``_ . / = + - @``. Every request is validated in full before anything changes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from pytest_glacier.backend.context import RequestContext
from pytest_glacier.backend.errors import (
    InvalidParameterValueException,
    LimitExceededException,
    MissingParameterValueException,
)
from pytest_glacier.backend.glacier import Backend
from pytest_glacier.backend.operations import Output, operation
from pytest_glacier.backend.vaults import get_vault

MAX_TAGS_PER_VAULT = 50
MAX_TAGS_PER_REQUEST = 10
MAX_KEY_LENGTH = 128
MAX_VALUE_LENGTH = 255
RESERVED_PREFIX = "aws:"
ALLOWED_SYMBOLS = frozenset("_./=+-@")
ALLOWED_DESCRIPTION = "Unicode letters, digits, spaces and the characters _ . / = + - @"

_LETTER_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo"})
_DIGIT_CATEGORIES = frozenset({"Nd"})
_SPACE_CATEGORIES = frozenset({"Zs"})
_ALLOWED_CATEGORIES = _LETTER_CATEGORIES | _DIGIT_CATEGORIES | _SPACE_CATEGORIES

TAG_LIMIT_MESSAGE = (
    "The quota for the number of tags that can be assigned to this resource has been reached."
)
"""GLACIER_SPEC §1.6 (UNCONFIRMED, the only message known)."""


def is_allowed_character(char: str) -> bool:
    """Whether one character may appear in a tag key or value."""
    return char in ALLOWED_SYMBOLS or unicodedata.category(char) in _ALLOWED_CATEGORIES


def _first_bad_character(text: str) -> str | None:
    return next((char for char in text if not is_allowed_character(char)), None)


def validate_tag_key(key: str) -> None:
    """Refuse a tag key that breaks Glacier's rules, saying what is wrong."""
    if not isinstance(key, str):  # e.g. null in TagKeys: the parser keeps list items as sent
        raise InvalidParameterValueException(f"Invalid tag key: {key!r}. A tag key is a string.")
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        raise InvalidParameterValueException(
            f"Invalid tag key: {key!r} is {len(key)} characters long. Tag keys must be 1 to "
            f"{MAX_KEY_LENGTH} characters long."
        )
    if key.lower().startswith(RESERVED_PREFIX):
        raise InvalidParameterValueException(
            f"Invalid tag key: {key!r}. Tag keys must not start with {RESERVED_PREFIX!r}, a "
            f"prefix reserved for AWS."
        )
    bad = _first_bad_character(key)
    if bad is not None:
        raise InvalidParameterValueException(
            f"Invalid tag key: {key!r} contains {bad!r}. Tag keys may contain only "
            f"{ALLOWED_DESCRIPTION}."
        )


def validate_tag_value(key: str, value: str) -> None:
    """Refuse a tag value that breaks Glacier's rules, saying what is wrong."""
    if not isinstance(value, str):  # e.g. {"Tags": {"k": null}}
        raise InvalidParameterValueException(
            f"Invalid value for tag {key!r}: {value!r}. A tag value is a string (it may be empty)."
        )
    if len(value) > MAX_VALUE_LENGTH:
        raise InvalidParameterValueException(
            f"Invalid value for tag {key!r}: the value is {len(value)} characters long. Tag "
            f"values must be at most {MAX_VALUE_LENGTH} characters long."
        )
    bad = _first_bad_character(value)
    if bad is not None:
        raise InvalidParameterValueException(
            f"Invalid value for tag {key!r}: {value!r} contains {bad!r}. Tag values may "
            f"contain only {ALLOWED_DESCRIPTION}."
        )


def _check_request_size(count: int, what: str) -> None:
    if not 1 <= count <= MAX_TAGS_PER_REQUEST:
        raise InvalidParameterValueException(
            f"Invalid number of {what}: {count}. A request must name 1 to "
            f"{MAX_TAGS_PER_REQUEST} {what}."
        )


def _check_vault_limit(current: Iterable[str], added: Iterable[str]) -> None:
    if len(set(current) | set(added)) > MAX_TAGS_PER_VAULT:
        raise LimitExceededException(TAG_LIMIT_MESSAGE)


@operation("AddTagsToVault")
def add_tags_to_vault(
    glacier: Backend,
    ctx: RequestContext,
    *,
    account_id: str,
    vault_name: str,
    tags: dict[str, str] | None = None,
) -> Output:
    vault = get_vault(glacier, ctx, account_id, vault_name)
    if tags is None:
        raise MissingParameterValueException("Required parameter missing: Tags")
    _check_request_size(len(tags), "tags")
    for key, value in tags.items():
        validate_tag_key(key)
        validate_tag_value(key, value)
    _check_vault_limit(vault.tags, tags)
    vault.tags.update(tags)
    return {}


@operation("ListTagsForVault")
def list_tags_for_vault(
    glacier: Backend, ctx: RequestContext, *, account_id: str, vault_name: str
) -> Output:
    vault = get_vault(glacier, ctx, account_id, vault_name)
    return {"Tags": dict(vault.tags)}


@operation("RemoveTagsFromVault")
def remove_tags_from_vault(
    glacier: Backend,
    ctx: RequestContext,
    *,
    account_id: str,
    vault_name: str,
    tag_keys: list[str] | None = None,
) -> Output:
    vault = get_vault(glacier, ctx, account_id, vault_name)
    if tag_keys is None:
        raise MissingParameterValueException("Required parameter missing: TagKeys")
    _check_request_size(len(tag_keys), "tag keys")
    for key in tag_keys:
        validate_tag_key(key)
    for key in tag_keys:
        vault.tags.pop(key, None)
    return {}
