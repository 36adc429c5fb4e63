"""The ``limit`` and ``marker`` query parameters of Glacier's list operations (GLACIER_SPEC §3)."""

from __future__ import annotations

from pytest_glacier.backend.errors import InvalidParameterValueException


def parse_limit(raw: str | None, *, default: int, maximum: int) -> int:
    """The page size a ``limit`` parameter asks for.

    Absent means ``default``. Glacier documents ``limit`` as a string holding an integer of at
    least 1; values above the documented maximum are clamped to it (GLACIER_SPEC §3, UNCONFIRMED:
    clamp rather than reject), anything else is an InvalidParameterValueException.
    """
    if raw is None:
        return default
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise InvalidParameterValueException(
            f"Invalid limit: {raw!r}. The limit must be a whole number of at least 1 "
            f"(pages hold at most {maximum} items)."
        )
    return min(int(text), maximum)
