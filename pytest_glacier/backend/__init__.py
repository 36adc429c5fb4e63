"""The in-memory Glacier: a pure state machine with no HTTP, botocore or pytest in it.

One module per Glacier noun (``vaults``, ``tags``, ``policies``, ``notifications``,
``retrieval_policy``, ``capacity``, ``inventory``, ``archives``), each registering the
operations it serves; :class:`~pytest_glacier.backend.glacier.Backend` ties them together.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_glacier.backend.context import RequestContext
from pytest_glacier.backend.errors import GlacierError
from pytest_glacier.backend.glacier import Backend
from pytest_glacier.backend.settings import BackendSettings

if TYPE_CHECKING:
    from pytest_glacier.backend.timeline import EventSource


def event_sources() -> tuple[EventSource, ...]:
    """Import every noun module (registering its operations) and return the timed-event sources.

    Kept in one place so that the registry is complete whichever module is imported first.
    """
    from pytest_glacier.backend import (  # noqa: PLC0415
        capacity,
        inventory,
        notifications,
        policies,
        retrieval_policy,
        tags,
        vaults,
    )

    del capacity, notifications, policies, retrieval_policy, tags, vaults
    return (inventory.DailyInventory(),)


__all__ = ["Backend", "BackendSettings", "GlacierError", "RequestContext", "event_sources"]
