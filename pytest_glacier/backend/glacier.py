"""The in-memory Glacier: state for every (account, region), one lock, and simulated time.

:class:`Backend` is what the wire layer talks to: :meth:`Backend.dispatch` runs one operation
by its model name. The operations themselves live in one module per Glacier noun (``vaults``,
``tags``, ``policies``, ...), registered in :mod:`pytest_glacier.backend.operations`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pytest_glacier.backend.context import RequestContext
from pytest_glacier.backend.dates import Clock, as_utc
from pytest_glacier.backend.errors import NotImplementedYet
from pytest_glacier.backend.operations import OPERATIONS, Output
from pytest_glacier.backend.settings import BackendSettings
from pytest_glacier.backend.state import RegionState
from pytest_glacier.backend.timeline import EventSource, Timeline

if TYPE_CHECKING:
    from pytest_glacier.backend.notifications import PublishedNotification


class Backend:
    """All of Glacier's state for one mock, and the operations on it."""

    def __init__(self, clock: Clock, settings: BackendSettings | None = None) -> None:
        from pytest_glacier.backend import event_sources  # noqa: PLC0415 (registers operations)

        self.clock = clock
        self.settings = settings or BackendSettings()
        self.lock = threading.RLock()
        self.timeline = Timeline()
        self.notifications: list[PublishedNotification] = []
        """SNS messages Glacier would have published (job completions), oldest first."""
        self._event_sources: tuple[EventSource, ...] = event_sources()
        from pytest_glacier.backend.access import authorize_request  # noqa: PLC0415 (cycle)

        self._authorize = authorize_request
        self._regions: dict[tuple[str, str], RegionState] = {}
        self._caught_up_to = as_utc(clock.now())
        self._next_event_at: datetime | None = None
        """No timed event is due before this (None: none is scheduled); see :meth:`schedule`."""

    # -- operations ---------------------------------------------------------------------------

    def dispatch(
        self,
        operation: str,
        ctx: RequestContext,
        params: dict[str, Any],
        *,
        now: datetime | None = None,
    ) -> Output:
        """Serve one Glacier operation; ``params`` are its input members in snake_case.

        ``now`` is the time the request arrived, when the caller already read the clock.
        Raises a :class:`~pytest_glacier.backend.errors.GlacierError` for every refusal.
        """
        registration = OPERATIONS.get(operation)
        if registration is None:
            raise NotImplementedYet(operation)
        # Every request is authorized against the vault's policies (backend/access.py) before
        # the operation acts; under the lock, and in the same critical section as a locked
        # handler, so no policy change can slip in between.
        with self.lock:
            self._catch_up(self.now() if now is None else as_utc(now))
            self._authorize(self, ctx, operation, params)
            if registration.locked:
                return registration.handler(self, ctx, **params)
        return registration.handler(self, ctx, **params)

    # -- state --------------------------------------------------------------------------------

    def region_state(self, account_id: str, region: str) -> RegionState:
        """The state of one account in one region, created empty on first use."""
        key = (account_id, region)
        state = self._regions.get(key)
        if state is None:
            state = self._regions[key] = RegionState(account_id=account_id, region=region)
        return state

    def find_region_state(self, account_id: str, region: str) -> RegionState | None:
        """The state of one account in one region if it was ever used (never creates it)."""
        return self._regions.get((account_id, region))

    def region_states(self, region: str | None = None) -> Iterator[RegionState]:
        """Every (account, region) state that exists, optionally of one region only."""
        for state in list(self._regions.values()):
            if region is None or state.region == region:
                yield state

    def reset(self) -> None:
        """Forget every vault, setting and event."""
        with self.lock:
            self._regions.clear()
            self.timeline.entries.clear()
            self.notifications.clear()
            self._caught_up_to = as_utc(self.clock.now())
            self._next_event_at = None

    # -- time ---------------------------------------------------------------------------------

    def now(self) -> datetime:
        return as_utc(self.clock.now())

    def schedule(self, at: datetime) -> None:
        """Note that a timed event may be due at ``at``; the caller holds the lock.

        Whoever creates a timed event (a job, the first write since a vault's last inventory,
        an InProgress vault lock) calls this, so that :meth:`catch_up` costs one comparison
        until the earliest such time instead of asking every event source on every request. A
        time that turns out to have nothing due (the job was completed early, the vault
        deleted) only makes the next catch-up look and find nothing.
        """
        if self._next_event_at is None or at < self._next_event_at:
            self._next_event_at = at

    def catch_up(self) -> None:
        """Fire every timed event due by now, oldest first.

        Called before each operation and whenever a test moves the clock, so that what a request
        sees is exactly what real Glacier would show at this simulated time. If the clock went
        backwards (a test moved freezegun back), nothing fires and nothing is undone.
        """
        with self.lock:
            self._catch_up(self.now())

    def _catch_up(self, now: datetime) -> None:
        next_event_at = self._next_event_at
        if next_event_at is not None and next_event_at <= now:
            self._fire_due(now)
        elif now > self._caught_up_to:
            self._caught_up_to = now

    def _fire_due(self, now: datetime) -> None:
        """Fire the due events in time order, then remember when the next one is due."""
        while True:
            earliest = self._earliest_event()
            if earliest is None or earliest[0] > now:
                break
            at, source = earliest
            self._caught_up_to = at
            source.fire(self, at)
        self._caught_up_to = max(self._caught_up_to, now)
        self._next_event_at = earliest[0] if earliest is not None else None

    def _earliest_event(self) -> tuple[datetime, EventSource] | None:
        earliest: tuple[datetime, EventSource] | None = None
        for source in self._event_sources:
            at = source.next_due(self, self._caught_up_to)
            if at is not None and (earliest is None or at < earliest[0]):
                earliest = (at, source)
        return earliest
