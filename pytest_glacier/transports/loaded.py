"""Every loaded copy of a module: botocore may be vendored (``awscli.botocore``), and so may moto.

Transports patch classes in each copy when a mock starts. Finding them means looking through
``sys.modules``, thousands of names in a large test suite, at every start; the answer is kept
while ``sys.modules`` has the same size and still holds the very modules found.
"""

from __future__ import annotations

import sys
import threading
from types import ModuleType

_cache: dict[str, tuple[int, tuple[tuple[str, ModuleType], ...]]] = {}
_cache_lock = threading.Lock()


def loaded_copies(name: str) -> tuple[tuple[str, ModuleType], ...]:
    """``(module name, module)`` of every loaded module named ``name`` or ``*.name``."""
    modules = sys.modules
    with _cache_lock:
        cached = _cache.get(name)
        if (
            cached is not None
            and cached[0] == len(modules)
            and all(modules.get(found) is module for found, module in cached[1])
        ):
            return cached[1]
        suffix = "." + name
        copies = tuple(
            (found, module)
            for found, module in list(modules.items())
            if isinstance(module, ModuleType) and (found == name or found.endswith(suffix))
        )
        _cache[name] = (len(modules), copies)
        return copies
