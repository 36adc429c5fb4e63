"""The one clock of the mock, built on freezegun.

The mock and the code under test share one notion of time: ``datetime.now()`` and ``time.time()``
in the test see exactly what the mock sees. A mock's clock is the real time until the test first
moves it (``advance()``, or ``time.sleep`` with ``sleep_advances``): only then does a *ticking*
freezegun clock start, at the new time, and keep running until the mock stops. Starting a freezer
patches every loaded module (tens of milliseconds), so a test that never moves time never pays
for it, and botocore's own calls to ``datetime`` and ``time`` stay the real, fast ones. With a
``start_time`` the freezer starts with the mock. If the test already froze or moved time with
freezegun (``freeze_time``, pytest-freezer's ``freezer``), the mock follows that clock instead of
starting its own, and moving the mock's time moves the test's freezer.

freezegun is imported here and nowhere else, and only when a freezer must start: until something
imports it, no freezer can be running.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol, cast

_FREEZEGUN_API = "freezegun.api"

REAL_TIME_MODULES = ["_pytest.timing", "pytest_timeout"]
"""Modules that keep real time: pytest's durations and reports, and pytest-timeout, must not jump
with ``advance()``. Only these, not all of ``_pytest``: freezegun also ignores any call made
within a few frames of an ignored module, which would include the test functions themselves."""


class _Factory(Protocol):
    """What freezegun keeps on its stack of active freezers."""

    def __call__(self) -> datetime: ...

    def move_to(self, target_datetime: datetime) -> None: ...


def _active_factory() -> _Factory | None:
    api = sys.modules.get(_FREEZEGUN_API)
    # None while freezegun was never imported, or is being imported by another thread (in
    # sys.modules, not yet executed): either way nothing is frozen yet.
    factories = cast("list[_Factory] | None", getattr(api, "freeze_factories", None))
    return factories[-1] if factories else None


def real_now() -> datetime:
    """The wall-clock time, whatever freezegun is doing."""
    api = sys.modules.get(_FREEZEGUN_API)
    # While a freezer runs, even this module's ``datetime`` may be freezegun's: use the real one.
    real_datetime: type[datetime] = getattr(api, "real_datetime", datetime)
    return real_datetime.now(timezone.utc)


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
        self._running = False
        self._moving = threading.RLock()
        """Held while time moves: two threads advancing at once (retry backoff, sleep) must not
        both start a freezer, nor lose one of their steps."""
        self._own_freezer: Any = None
        self._real_sleep: Callable[[float], None] | None = None  # time.sleep while patched
        self._on_sleep: Callable[[float], None] | None = None

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> None:
        """Start at ``start_time`` if given; else on the real time (or the test's freezer)."""
        self._running = True
        if self._start_time is not None:
            self.move_to(self._start_time)

    def stop(self) -> None:
        with self._moving:
            self._running = False
            self.restore_sleep()
            if self._own_freezer is not None:
                self._own_freezer.stop()
                self._own_freezer = None

    # -- reading and moving -------------------------------------------------------------------

    def now(self) -> datetime:
        """The current simulated time, aware UTC (whatever ``TZ`` says)."""
        # Asked several times per request: one look at freezegun, not one per helper.
        api = sys.modules.get(_FREEZEGUN_API)
        if api is None:  # freezegun never imported: nothing can be frozen or patched
            return datetime.now(timezone.utc)
        # Missing attributes: another thread is importing freezegun; nothing is patched yet.
        factories = getattr(api, "freeze_factories", None)
        return _aware_utc(factories[-1]()) if factories else real_now()

    def move_to(self, when: datetime) -> None:
        """Set the simulated time: on the freezer on top of freezegun's stack, if there is one;
        else by starting this clock's own ticking freezer at ``when``."""
        with self._moving:
            if not self._running:
                raise RuntimeError(
                    "The Glacier mock's clock is not running: move time while the mock is active."
                )
            factory = _active_factory()
            if factory is None:
                from freezegun import freeze_time  # noqa: PLC0415 (only when time first moves)

                freezer = freeze_time(_naive_utc(when), tick=True, ignore=REAL_TIME_MODULES)
                freezer.start()
                self._own_freezer = freezer
                return
            # move_to, not tick(): on a ticking freezer tick() drops the real time elapsed since
            # the last move.
            factory.move_to(_naive_utc(when))

    def advance(self, delta: timedelta) -> datetime:
        """Move the simulated time forward by ``delta``; return the new time."""
        with self._moving:
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
