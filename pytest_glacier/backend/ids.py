"""Opaque identifiers in the shapes real Glacier uses (GLACIER_SPEC §1.7).

Every id is random: two identical uploads never share an archive id. Lengths and alphabets are
the ones observed from the real service.
"""

from __future__ import annotations

import base64
import os
import secrets
import string

_ALPHANUMERIC = string.ascii_letters + string.digits


def _url_safe(length: int) -> str:
    """``length`` random characters of ``[A-Za-z0-9_-]``."""
    raw = os.urandom(length * 3 // 4 + 3)
    return base64.urlsafe_b64encode(raw).decode("ascii")[:length]


def _alphanumeric(length: int) -> str:
    return "".join(secrets.choice(_ALPHANUMERIC) for _ in range(length))


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


def request_id() -> str:
    """47 characters of ``[A-Za-z0-9_-]``, as in ``x-amzn-RequestId``."""
    return _url_safe(47)
