"""The one clock of the mock, built on freezegun.

The mock and the code under test share one notion of time: ``datetime.now()`` and ``time.time()``
in the test see exactly what the mock sees. While a mock is active, time runs on a *ticking*
freezegun clock that the mock can move forward. If the test already froze or moved time with
freezegun (``freeze_time``, pytest-freezer's ``freezer``), the mock follows that clock instead of
starting its own, and moving the mock's time moves the test's freezer.

freezegun is imported here and nowhere else.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol, cast

import freezegun.api
from freezegun import freeze_time

REAL_TIME_MODULES = ["_pytest.timing", "pytest_timeout"]
"""Modules that keep real time: pytest's durations and reports, and pytest-timeout, must not jump
with ``advance()``. Only these, not all of ``_pytest``: freezegun also ignores any call made
within a few frames of an ignored module, which would include the test functions themselves."""


class _Factory(Protocol):
    """What freezegun keeps on its stack of active freezers."""

    def __call__(self) -> datetime: ...

    def move_to(self, target_datetime: datetime) -> None: ...


def _active_factory() -> _Factory | None:
    factories = cast("list[_Factory]", freezegun.api.freeze_factories)
    return factories[-1] if factories else None


def real_now() -> datetime:
    """The wall-clock time, whatever freezegun is doing."""
    return freezegun.api.real_datetime.now(timezone.utc)


def _aware_utc(value: datetime) -> datetime:
    """A plain aware UTC datetime (freezegun's factories give naive UTC, maybe FakeDatetime)."""
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return datetime(
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
        tzinfo=timezone.utc,
    )


class Clock:
    """Simulated time for one mock: start, read, move forward, stop.

    ``start_time`` (aware) sets the simulated time at start; None means the real time now, or
    the test's frozen time when the test already uses freezegun.
    """

    def __init__(self, start_time: datetime | None = None) -> None:
        self._start_time = start_time
        self._own_freezer: Any = None
        self._real_sleep: Callable[[float], None] | None = None  # time.sleep while patched
        self._on_sleep: Callable[[float], None] | None = None

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> None:
        if _active_factory() is None:
            start = self._start_time or real_now()
            self._own_freezer = freeze_time(_naive_utc(start), tick=True, ignore=REAL_TIME_MODULES)
            self._own_freezer.start()
        elif self._start_time is not None:
            self.move_to(self._start_time)

    def stop(self) -> None:
        self.restore_sleep()
        if self._own_freezer is not None:
            self._own_freezer.stop()
            self._own_freezer = None

    # -- reading and moving -------------------------------------------------------------------

    def now(self) -> datetime:
        """The current simulated time, aware UTC (whatever ``TZ`` says)."""
        factory = _active_factory()
        return _aware_utc(factory()) if factory is not None else real_now()

    def move_to(self, when: datetime) -> None:
        """Set the simulated time (on the freezer on top of freezegun's stack)."""
        factory = _active_factory()
        if factory is None:
            raise RuntimeError(
                "The Glacier mock's clock is not running: freezegun has no active freezer. "
                "Move time while the mock is active."
            )
        # move_to, not tick(): on a ticking freezer tick() drops the real time elapsed since
        # the last move.
        factory.move_to(_naive_utc(when))

    def advance(self, delta: timedelta) -> datetime:
        """Move the simulated time forward by ``delta``; return the new time."""
        target = self.now() + delta
        self.move_to(target)
        return target

    # -- time.sleep ---------------------------------------------------------------------------

    def patch_sleep(self, on_sleep: Callable[[float], None]) -> None:
        """Make ``time.sleep(n)`` call ``on_sleep(n)`` instead of sleeping, until restored.

        Patched on the ``time`` module, so code that calls ``time.sleep`` (botocore's waiters
        and retry backoff among it) is covered; a ``from time import sleep`` taken earlier is not.
        """
        if self._real_sleep is None:
            self._real_sleep = time.sleep
            time.sleep = _sleep_shim(on_sleep)  # type: ignore[assignment]

    def restore_sleep(self) -> None:
        if self._real_sleep is not None:
            time.sleep = self._real_sleep  # type: ignore[assignment]
            self._real_sleep = None


def _sleep_shim(on_sleep: Callable[[float], None]) -> Callable[[float], None]:
    def sleep(seconds: float, /) -> None:
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        on_sleep(seconds)

    return sleep


def _naive_utc(when: datetime) -> datetime:
    """freezegun works in naive UTC."""
    if when.tzinfo is None:
        return when
    return when.astimezone(timezone.utc).replace(tzinfo=None)


def parse_start_time(value: datetime | str) -> datetime:
    """An aware UTC datetime from an aware datetime or an ISO 8601 string.

    A string without an offset is taken as UTC; a naive datetime is refused, because which
    zone it means cannot be known.
    """
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"start_time {value!r} is not an ISO 8601 date or time; "
                f"use e.g. '2024-01-01T00:00:00Z'"
            ) from None
        return _aware_utc(parsed) if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    if value.tzinfo is None:
        raise ValueError(
            f"start_time {value!r} is a naive datetime; pass an aware one such as "
            f"datetime(2024, 1, 1, tzinfo=timezone.utc), or an ISO string"
        )
    return _aware_utc(value)
