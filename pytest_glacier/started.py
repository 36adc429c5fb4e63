"""Who wants to hear about mocks starting: the plugin, for a failing test's report.

Kept apart from :mod:`pytest_glacier.mock` so that the plugin's per-test hooks can listen without
importing the mock (and botocore with it) in a test that never starts one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_glacier.mock import GlacierMock

listeners: list[list[GlacierMock]] = []
"""One list per open :func:`recently_started` block; a starting mock appends itself to each."""


@contextmanager
def recently_started() -> Iterator[list[GlacierMock]]:
    """Collect the mocks started inside the ``with`` block (for the failure report)."""
    started: list[GlacierMock] = []
    listeners.append(started)
    try:
        yield started
    finally:
        listeners.remove(started)
