"""Let Glacier requests reach pytest-glacier while moto's ``mock_aws`` is active.

moto answers botocore requests at the ``before-send`` event, for every AWS host it knows,
Glacier included, so a Glacier request would never reach botocore's ``_send`` (where
:mod:`~pytest_glacier.transports.botocore_send` serves it). While started, this transport makes
moto's stubber decline Glacier URLs: ``BotocoreStubber.__call__`` is wrapped at class level to
return ``None`` for them, which is botocore's "nobody answered" and lets the request continue to
``_send``. Every other service still reaches moto, and no request is handled twice. moto's
``requests``-level mock is covered by the requests transport, which hands Glacier URLs received
by any ``responses`` mock to us.

Only stubber classes already imported when the mock starts are wrapped: import moto at the top
of the test module, as usual, not inside the test after the mock started.
"""

from __future__ import annotations

from collections.abc import Callable
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

    def start(self, handler: Handler) -> None:
        del handler  # Glacier requests continue to botocore's _send, served there.
        if self._saved:
            return
        for cls in _stubber_classes():
            saved = cls.__dict__.get("__call__", _MISSING)
            self._saved.append((cls, saved))
            setattr(cls, "__call__", _declining_glacier(cls.__call__))  # noqa: B010

    def stop(self) -> None:
        saved, self._saved = self._saved, []
        for cls, original in reversed(saved):
            if original is _MISSING:
                delattr(cls, "__call__")
            else:
                setattr(cls, "__call__", original)  # noqa: B010
