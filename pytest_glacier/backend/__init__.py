"""The in-memory Glacier: a pure state machine with no HTTP, botocore or pytest in it.

One module per Glacier noun (``vaults``, ``tags``, ``policies``, ``notifications``,
``retrieval_policy``, ``capacity``, ``inventory``, ``archives``), each registering the
operations it serves; :class:`~pytest_glacier.backend.glacier.Backend` ties them together.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil

from pytest_glacier.backend.context import RequestContext
from pytest_glacier.backend.errors import GlacierError
from pytest_glacier.backend.glacier import Backend
from pytest_glacier.backend.settings import BackendSettings
from pytest_glacier.backend.timeline import EVENT_SOURCE_TYPES, EventSource


def event_sources() -> tuple[EventSource, ...]:
    """Import every module of this package and return fresh instances of its event sources.

    Importing a noun module registers its operations (``@operation``) and its timed-event
    sources (``@event_source``), so the registries are complete whichever module was imported
    first, and a new noun module needs no list to be updated.
    """
    _import_every_module()
    return tuple(source_type() for source_type in EVENT_SOURCE_TYPES)


@functools.cache
def _import_every_module() -> None:
    # Once per process: listing the package's files costs more than a mock's whole start.
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


__all__ = ["Backend", "BackendSettings", "GlacierError", "RequestContext", "event_sources"]
