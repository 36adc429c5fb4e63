"""Let Glacier requests reach pytest-glacier while moto's ``mock_aws`` is active.

moto answers botocore requests at the ``before-send`` event, for every AWS host it knows,
Glacier included, so a Glacier request would never reach botocore's ``_send`` (where
:mod:`~pytest_glacier.transports.botocore_send` serves it). While started, this transport makes
moto's stubber decline Glacier URLs: ``BotocoreStubber.__call__`` is wrapped at class level to
return ``None`` for them, which is botocore's "nobody answered" and lets the request continue to
``_send``. Every other service still reaches moto, and no request is handled twice. moto's
``requests``-level mock is covered by the requests transport, which hands Glacier URLs received
by any ``responses`` mock to us.

Stubber classes already imported when the mock starts are wrapped then; one imported while the
mock runs (``pytest.importorskip("moto")`` inside the test) is wrapped as its module finishes
loading, by a finder that watches the import system for that one module name.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

from pytest_glacier.transports.hosts import is_glacier_url
from pytest_glacier.transports.loaded import loaded_copies

if TYPE_CHECKING:
    from pytest_glacier.transports import Handler

_STUBBER_MODULE = "moto.core.botocore_stubber"
_MISSING = object()


def _stubber_classes() -> list[type]:
    classes: dict[int, type] = {}
    for _name, module in loaded_copies(_STUBBER_MODULE):
        cls = getattr(module, "BotocoreStubber", None)
        if isinstance(cls, type) and callable(getattr(cls, "__call__", None)):  # noqa: B004
            classes.setdefault(id(cls), cls)
    return list(classes.values())


def _declining_glacier(original: Callable[..., Any]) -> Callable[..., Any]:
    def call(self: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
        if is_glacier_url(getattr(request, "url", "")):
            return None
        return original(self, event_name, request, **kwargs)

    call.__wrapped__ = original  # type: ignore[attr-defined]
    return call


class MotoBypass:
    """A transport that serves nothing itself: it only keeps moto away from Glacier."""

    def __init__(self) -> None:
        self._saved: list[tuple[type, object]] = []
        self._watcher: _StubberImportWatcher | None = None

    def start(self, handler: Handler) -> None:
        del handler  # Glacier requests continue to botocore's _send, served there.
        if self._watcher is not None:
            return
        self._wrap_loaded()
        self._watcher = _StubberImportWatcher(self._imported)
        sys.meta_path.insert(0, self._watcher)

    def stop(self) -> None:
        watcher, self._watcher = self._watcher, None
        if watcher is not None and watcher in sys.meta_path:
            sys.meta_path.remove(watcher)
        saved, self._saved = self._saved, []
        for cls, original in reversed(saved):
            if original is _MISSING:
                delattr(cls, "__call__")
            else:
                setattr(cls, "__call__", original)  # noqa: B010

    def _imported(self) -> None:
        # The module keeps the loader that calls this (a later reload runs it again): only a
        # started bypass wraps anything.
        if self._watcher is not None:
            self._wrap_loaded()

    def _wrap_loaded(self) -> None:
        wrapped = {id(cls) for cls, _ in self._saved}
        for cls in _stubber_classes():
            if id(cls) in wrapped:
                continue
            self._saved.append((cls, cls.__dict__.get("__call__", _MISSING)))
            setattr(cls, "__call__", _declining_glacier(cls.__call__))  # noqa: B010


class _StubberImportWatcher(importlib.abc.MetaPathFinder):
    """Calls ``loaded`` once a module named like moto's stubber has been executed.

    It finds nothing itself: it asks the finders after it for the module's spec and hands back
    the same spec with a loader that runs the real one, then ``loaded``.
    """

    def __init__(self, loaded: Callable[[], None]) -> None:
        self._loaded = loaded

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != _STUBBER_MODULE and not fullname.endswith("." + _STUBBER_MODULE):
            return None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is self or find is None:
                continue
            spec = find(fullname, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader = _ThenCall(spec.loader, self._loaded)
                return spec  # type: ignore[no-any-return]
        return None


class _ThenCall(importlib.abc.Loader):
    """A loader that executes a module with ``loader``, then calls ``after``."""

    def __init__(self, loader: importlib.abc.Loader, after: Callable[[], None]) -> None:
        self._loader = loader
        self._after = after

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        self._after()

    def __getattr__(self, name: str) -> Any:  # get_source, get_filename...: the real loader's
        return getattr(self._loader, name)
