"""pytest-glacier: an in-process Amazon Glacier for tests, with simulated time.

Use the ``glacier_mock`` fixture, or :func:`mock_glacier` as a decorator or context manager.
Importing this package does not import pytest: the pytest plugin lives in
:mod:`pytest_glacier.plugin` and is loaded through the ``pytest11`` entry point.

Importing it does not import botocore either: each name below is imported from its module when
first used (PEP 562), so that pytest starts as fast with the plugin installed as without it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_glacier.decorator import mock_glacier
    from pytest_glacier.mock import GlacierMock, MockInternalError, active_mock
    from pytest_glacier.options import Options
    from pytest_glacier.records import Call, Notification
    from pytest_glacier.transports.server import GlacierServer

__all__ = [
    "Call",
    "GlacierMock",
    "GlacierServer",
    "MockInternalError",
    "Notification",
    "Options",
    "active_mock",
    "mock_glacier",
]

_HOMES = {
    "Call": "pytest_glacier.records",
    "GlacierMock": "pytest_glacier.mock",
    "GlacierServer": "pytest_glacier.transports.server",
    "MockInternalError": "pytest_glacier.mock",
    "Notification": "pytest_glacier.records",
    "Options": "pytest_glacier.options",
    "active_mock": "pytest_glacier.mock",
    "mock_glacier": "pytest_glacier.decorator",
}
"""Where each exported name lives."""


if not TYPE_CHECKING:  # type checkers see the imports above, and no catch-all __getattr__

    def __getattr__(name: str) -> Any:
        home = _HOMES.get(name)
        if home is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        globals()[name] = value  # later lookups find it directly
        return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
