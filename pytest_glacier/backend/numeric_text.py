"""Whole numbers that Glacier receives as text: ``limit``, part and archive sizes, byte ranges.

Glacier's numbers are Java longs. Text such as ``"9" * 5000`` is all digits, yet Python refuses
to convert it (``int()`` stops at 4,300 digits), so every such value is read here: a number
beyond a long is never converted, and each caller decides what that means (clamped, or refused
with the error its own parameter gets).
"""

from __future__ import annotations

MAX_LONG = 2**63 - 1
_MAX_LONG_DIGITS = len(str(MAX_LONG))


def is_digits(text: str) -> bool:
    """Whether ``text`` is one or more ASCII digits (no sign, no space, no other script)."""
    return text.isascii() and text.isdigit()


def parse_long(text: str) -> int | None:
    """``text`` as an int when it is ASCII digits naming at most ``2**63 - 1``; else None."""
    if not is_digits(text):
        return None
    significant = text.lstrip("0")
    if len(significant) > _MAX_LONG_DIGITS:
        return None
    value = int(significant or "0")
    return value if value <= MAX_LONG else None


def parse_whole(text: str) -> int | None:
    """``text`` as an int when it is ASCII digits, a number beyond a long read as ``MAX_LONG``.

    For counts and positions (a page size, a byte offset), where more than a long is simply
    more than anything Glacier holds; None when ``text`` is not digits at all.
    """
    if not is_digits(text):
        return None
    value = parse_long(text)
    return MAX_LONG if value is None else value
