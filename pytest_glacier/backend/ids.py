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


def _reseed() -> None:
    _random.seed(os.urandom(32))
    for pool in _pools:
        pool.clear()


if hasattr(os, "register_at_fork"):  # a forked child must not repeat its parent's ids
    os.register_at_fork(after_in_child=_reseed)


def _url_safe(length: int) -> str:
    """``length`` random characters of ``[A-Za-z0-9_-]``."""
    raw = _random.randbytes(length * 3 // 4 + 3)
    return base64.urlsafe_b64encode(raw).decode("ascii")[:length]


def _alphanumeric(length: int) -> str:
    return "".join(_random.choices(_ALPHANUMERIC, k=length))


class _IdPool:
    """Random ``[A-Za-z0-9_-]`` ids of one length, made a batch at a time.

    Ids are made on the request path (one per job, upload, archive; one request id per
    response): making a batch in one go costs about what making a single id does.
    """

    def __init__(self, length: int, batch: int) -> None:
        self.length = length
        self.batch = batch
        self._ready: list[str] = []
        _pools.append(self)

    def take(self) -> str:
        try:
            return self._ready.pop()
        except IndexError:
            size = self.length
            text = _url_safe(size * self.batch)
            self._ready = [text[start : start + size] for start in range(0, len(text), size)]
            return self._ready.pop()

    def clear(self) -> None:
        self._ready = []


_pools: list[_IdPool] = []
_archive_ids = _IdPool(138, 64)
_job_or_upload_ids = _IdPool(92, 64)
_request_ids = _IdPool(47, 1000)


def archive_id() -> str:
    """138 characters of ``[A-Za-z0-9_-]``."""
    return _archive_ids.take()


def upload_id() -> str:
    """92 characters of ``[A-Za-z0-9_-]``."""
    return _job_or_upload_ids.take()


def job_id() -> str:
    """92 characters of ``[A-Za-z0-9_-]``."""
    return _job_or_upload_ids.take()


def request_id() -> str:
    """47 characters of ``[A-Za-z0-9_-]``, as in ``x-amzn-RequestId``."""
    return _request_ids.take()


def lock_id() -> str:
    """24 characters of ``[A-Za-z0-9]``."""
    return _alphanumeric(24)


def capacity_id() -> str:
    """24 characters of ``[A-Za-z0-9]``."""
    return _alphanumeric(24)
