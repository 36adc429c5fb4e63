"""pytest-glacier: an in-process Amazon Glacier for tests, with simulated time.

Use the ``glacier_mock`` fixture, or :func:`mock_glacier` as a decorator or context manager.
Importing this package does not import pytest: the pytest plugin lives in
:mod:`pytest_glacier.plugin` and is loaded through the ``pytest11`` entry point.
"""

from __future__ import annotations

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
