"""The ini options of the pytest run in progress, for mocks that pytest does not start.

The ``glacier_mock`` fixture reads ini from its request; ``mock_glacier()`` (a decorator or a
``with`` block in a test) has no pytest config to read, so the plugin hands the run's ini options
here when it configures and takes them back when it unconfigures. Outside pytest there are none.
Kept free of imports so that loading the plugin stays cheap.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_stack: list[dict[str, Any]] = []
"""The ini options of each pytest run configured in this process, innermost last (a pytester
run inside a run stacks its own)."""


def push(values: Mapping[str, Any]) -> None:
    """Make ``values`` (option name -> value) the defaults of ``mock_glacier()`` until popped."""
    _stack.append(dict(values))


def pop() -> None:
    if _stack:
        _stack.pop()


def current() -> dict[str, Any]:
    """The options ``mock_glacier()`` starts from: the innermost run's ini, or none."""
    return dict(_stack[-1]) if _stack else {}
