"""The ``limit`` and ``marker`` query parameters of Glacier's list operations (GLACIER_SPEC §3)."""

from __future__ import annotations

from pytest_glacier.backend.errors import InvalidParameterValueException
from pytest_glacier.backend.numeric_text import parse_whole


def parse_limit(raw: str | None, *, default: int, maximum: int) -> int:
    """The page size a ``limit`` parameter asks for (ListVaults, ListJobs, ListMultipartUploads,
    ListParts: one rule for all four).

    Absent means ``default``. Glacier documents ``limit`` as a string holding an integer of at
    least 1; values above the documented maximum are clamped to it (GLACIER_SPEC §3, UNCONFIRMED:
    clamp rather than reject), anything else is an InvalidParameterValueException. The text is
    taken exactly as sent: ``" 2"`` or ``"2 "`` is not an integer (§3: non-integer -> 400), and
    accepting it would let a test pass here that real Glacier could fail.
    """
    if raw is None:
        return default
    value = parse_whole(raw)  # beyond a long: more than any page holds, clamped below
    if value is None or value < 1:
        raise InvalidParameterValueException(
            f"Invalid limit: {raw!r}. The limit must be a whole number of at least 1, written "
            f"in ASCII digits only (no sign, spaces or decimal point); pages hold at most "
            f"{maximum} items."
        )
    return min(value, maximum)
