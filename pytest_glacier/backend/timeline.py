"""Simulated time's events: what is due when, and the log of what happened.

Nothing in the mock runs in the background. Instead, each source of timed events (the daily
inventory, job completion, lock expiry, ...) says when its next event is due, and
:meth:`Backend.catch_up` fires every due event in time order before a request is served and
whenever a test moves the clock. Code that creates a timed event also calls
:meth:`Backend.schedule` with its time, so that catching up costs one comparison until then.
The same events are written to a :class:`Timeline` so that a failing test can show what happened
in simulated time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple, Protocol, TypeVar

if TYPE_CHECKING:
    from pytest_glacier.backend.glacier import Backend


class EventSource(Protocol):
    """Something that makes events happen at given simulated times."""

    def next_due(self, glacier: Backend, after: datetime) -> datetime | None:
        """The time of this source's next event strictly after ``after``, if any."""
        ...

    def fire(self, glacier: Backend, at: datetime) -> None:
        """Make every event of this source due at ``at`` happen."""
        ...


S = TypeVar("S", bound=type)

EVENT_SOURCE_TYPES: list[type[EventSource]] = []
"""Every event source class, in registration order (which breaks ties between equal times)."""


def event_source(cls: S) -> S:
    """Register an :class:`EventSource` class; each backend gets its own instance of it."""
    EVENT_SOURCE_TYPES.append(cls)
    return cls


class TimelineEntry(NamedTuple):
    """One event: when, and a ``str.format`` template with its arguments.

    A named tuple rather than a dataclass: one is made for every upload and job, and a tuple
    is the cheapest immutable record to make."""

    at: datetime
    template: str
    arguments: tuple[object, ...] = ()

    @property
    def what(self) -> str:
        """The event in words (formatted when read: most timelines are never read)."""
        return self.template.format(*self.arguments) if self.arguments else self.template


@dataclass
class Timeline:
    """What happened in simulated time, oldest first."""

    entries: list[TimelineEntry] = field(default_factory=list)

    def add(self, at: datetime, template: str, *arguments: object) -> None:
        """Log an event; ``template.format(*arguments)`` describes it when the log is read.

        Events are logged on the request path (every job, every upload) and read only when a
        test fails, so formatting (dates especially) is left to the reader.
        """
        self.entries.append(TimelineEntry(at, template, arguments))
