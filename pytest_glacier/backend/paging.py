"""The ``limit`` and ``marker`` query parameters of Glacier's list operations (GLACIER_SPEC §3)."""

from __future__ import annotations

from pytest_glacier.backend.errors import InvalidParameterValueException
from pytest_glacier.backend.numeric_text import is_digits, parse_long


def parse_limit(raw: str | None, *, default: int, maximum: int) -> int:
    """The page size a ``limit`` parameter asks for.

    Absent means ``default``. Glacier documents ``limit`` as a string holding an integer of at
    least 1; values above the documented maximum are clamped to it (GLACIER_SPEC §3, UNCONFIRMED:
    clamp rather than reject), anything else is an InvalidParameterValueException.
    """
    if raw is None:
        return default
    text = raw.strip()
    value = parse_long(text)
    if value is None and is_digits(text) and text.strip("0"):
        value = maximum  # beyond a long: more than any page holds
    if value is None or value < 1:
        raise InvalidParameterValueException(
            f"Invalid limit: {raw!r}. The limit must be a whole number of at least 1 "
            f"(pages hold at most {maximum} items)."
        )
    return min(value, maximum)
