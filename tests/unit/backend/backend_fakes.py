"""Test doubles for backend unit tests: a clock the test moves by hand, and a thin harness.

The harness calls the backend exactly as the wire layer does, ``Backend.dispatch(name, ctx,
params)``, so these tests exercise the operation registry and the lock too.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from pytest_glacier.backend import Backend, BackendSettings, RequestContext
from pytest_glacier.backend.operations import Output

ACCOUNT = "123456789012"
OTHER_ACCOUNT = "210987654321"
REGION = "us-east-1"
OTHER_REGION = "eu-west-1"
START = datetime(2030, 1, 15, 12, 0, 0, tzinfo=timezone.utc)

CTX = RequestContext(REGION, ACCOUNT)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0
) -> datetime:
    """An aware UTC datetime."""
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=timezone.utc)


class FakeClock:
    """A clock that stands still until the test moves it."""

    def __init__(self, start: datetime = START) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def set(self, when: datetime) -> None:
        self.current = when

    def advance(self, delta: timedelta) -> datetime:
        self.current += delta
        return self.current


class Harness:
    """A backend on a :class:`FakeClock`, with shorthands for the calls tests make most."""

    def __init__(self, start: datetime = START, settings: BackendSettings | None = None) -> None:
        self.clock = FakeClock(start)
        self.backend = Backend(self.clock, settings)

    def call(self, operation: str, ctx: RequestContext = CTX, /, **params: Any) -> Output:
        """Run ``operation``; ``account_id`` defaults to ``"-"`` (the caller's own account)."""
        params.setdefault("account_id", "-")
        try:
            return self.backend.dispatch(operation, ctx, params)
        finally:
            check_schedule(self.backend)

    def create_vault(self, name: str = "vault", ctx: RequestContext = CTX) -> str:
        self.call("CreateVault", ctx, vault_name=name)
        return name

    def move_to(self, when: datetime) -> None:
        """Move the clock and fire what fell due, as the real clock's ``advance`` does."""
        self.clock.set(when)
        self.backend.catch_up()
        check_schedule(self.backend)

    def advance(self, delta: timedelta) -> None:
        self.move_to(self.clock.now() + delta)


def check_schedule(backend: Backend) -> None:
    """Every timed event an event source knows of was passed to ``Backend.schedule``.

    ``catch_up`` asks the event sources only once the earliest scheduled time has come; an event
    created without scheduling it would never fire. Checked after every call of every backend
    unit test.
    """
    with backend.lock:
        due = [
            at
            for source in backend._event_sources
            if (at := source.next_due(backend, backend._caught_up_to)) is not None
        ]
        if due:
            scheduled = backend._next_event_at
            assert scheduled is not None, f"events due at {due} were never scheduled"
            assert scheduled <= min(due), f"scheduled {scheduled}, but an event is due {min(due)}"
