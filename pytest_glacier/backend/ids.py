"""Opaque identifiers in the shapes real Glacier uses (GLACIER_SPEC §1.7).

Every id is random: two identical uploads never share an archive id. Lengths and alphabets are
the ones observed from the real service.

The randomness is a private generator seeded once from the OS, not ``os.urandom`` per id: every
response carries a new request id, and a system call per request costs more than the rest of
making it. Ids need to be unique and look real, not to be secret; the generator is not the
``random`` module's own, so a test seeding ``random`` (pytest-randomly does) changes nothing.
"""

from __future__ import annotations

import base64
import os
import random
import string

_ALPHANUMERIC = string.ascii_letters + string.digits
_random = random.Random(os.urandom(32))  # noqa: S311 (unique and real-looking, not secret)
_request_ids: list[str] = []
"""Request ids made ahead, taken one per response."""


def _reseed() -> None:
    _random.seed(os.urandom(32))
    _request_ids.clear()


if hasattr(os, "register_at_fork"):  # a forked child must not repeat its parent's ids
    os.register_at_fork(after_in_child=_reseed)


def _url_safe(length: int) -> str:
    """``length`` random characters of ``[A-Za-z0-9_-]``."""
    raw = _random.randbytes(length * 3 // 4 + 3)
    return base64.urlsafe_b64encode(raw).decode("ascii")[:length]


def _alphanumeric(length: int) -> str:
    return "".join(_random.choices(_ALPHANUMERIC, k=length))


def archive_id() -> str:
    """138 characters of ``[A-Za-z0-9_-]``."""
    return _url_safe(138)


def upload_id() -> str:
    """92 characters of ``[A-Za-z0-9_-]``."""
    return _url_safe(92)


def job_id() -> str:
    """92 characters of ``[A-Za-z0-9_-]``."""
    return _url_safe(92)


def lock_id() -> str:
    """24 characters of ``[A-Za-z0-9]``."""
    return _alphanumeric(24)


def capacity_id() -> str:
    """24 characters of ``[A-Za-z0-9]``."""
    return _alphanumeric(24)


_REQUEST_ID_LENGTH = 47


def request_id() -> str:
    """47 characters of ``[A-Za-z0-9_-]``, as in ``x-amzn-RequestId``."""
    # Every response carries one: they are made a thousand at a time.
    try:
        return _request_ids.pop()
    except IndexError:
        text = _url_safe(_REQUEST_ID_LENGTH * 1000)
        _request_ids.extend(
            text[start : start + _REQUEST_ID_LENGTH]
            for start in range(0, len(text), _REQUEST_ID_LENGTH)
        )
        return _request_ids.pop()
