"""Time as the backend sees it: the clock protocol and Glacier's date formats.

The backend never reads the system time itself: it asks a :class:`Clock` (the real one lives in
``pytest_glacier.clock`` and is built on freezegun). Everything here works on aware UTC datetimes.
"""

from __future__ import annotations

import calendar
import functools
from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    """The one source of time for the backend."""

    def now(self) -> datetime:
        """The current simulated time, timezone-aware UTC."""
        ...


def as_utc(when: datetime) -> datetime:
    """``when`` as an aware UTC datetime (naive values are taken to be UTC already)."""
    tzinfo = when.tzinfo
    if tzinfo is timezone.utc:
        return when  # already is (the common case: every time the backend makes)
    if tzinfo is None:
        return when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc)


@functools.lru_cache(maxsize=4096)
def iso_millis(when: datetime) -> str:
    """The format of JSON body dates: ``2012-03-20T17:03:43.221Z`` (GLACIER_SPEC §1.8)."""
    # Cached: the same few dates (a vault's creation, a job's) are described again and again.
    # Equal datetimes are the same instant, hence the same text, whatever their time zone.
    # isoformat() truncates to milliseconds, as Glacier does; "+00:00" becomes "Z".
    return as_utc(when).isoformat(timespec="milliseconds")[:-6] + "Z"


def iso_seconds(when: datetime) -> str:
    """The format of inventory dates: ``2015-04-06T22:24:34Z`` (GLACIER_SPEC §1.8)."""
    return as_utc(when).isoformat(timespec="seconds")[:-6] + "Z"


def next_midnight(after: datetime) -> datetime:
    """The first 00:00 UTC strictly after ``after``."""
    after = as_utc(after)
    midnight = after.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + timedelta(days=1)


def add_one_month(when: datetime) -> datetime:
    """The same clock time one calendar month later, clamped to the month's last day.

    Aug 31 -> Sep 30, Jan 31 -> Feb 28 (or 29): the provisioned-capacity term (GLACIER_SPEC §7.2).
    """
    year, month = (when.year + 1, 1) if when.month == 12 else (when.year, when.month + 1)
    last_day = calendar.monthrange(year, month)[1]
    return when.replace(year=year, month=month, day=min(when.day, last_day))
