"""botocore's retry backoff for Glacier requests, spent in simulated time.

When a Glacier request served by the mock fails with a retryable error (500, 503,
``ThrottlingException``, an injected fault...), botocore sleeps before the next attempt: up to
seconds of real time per retry. While a mock is active those sleeps advance the mock's clock
instead, as if the time had passed, so a test of retry behaviour costs no wall-clock time.

botocore sleeps with ``time.sleep`` inside ``Endpoint._needs_retry``. That method is wrapped at
class level (in every loaded botocore copy) to mark the current thread while it decides on a
Glacier retry, and the ``time`` name of ``botocore.endpoint`` is replaced by a proxy whose
``sleep`` advances the clock for a marked thread and really sleeps for any other. Retries of other
services, and other threads, keep sleeping for real.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

from pytest_glacier.transports.hosts import is_glacier_url
from pytest_glacier.transports.loaded import loaded_copies

_ENDPOINT_MODULE = "botocore.endpoint"
_glacier_retry = threading.local()


class _TimeProxy(ModuleType):
    """``time``, except that ``sleep`` advances the mock clock during a Glacier retry."""

    def __init__(self, advance: Callable[[float], None]) -> None:
        super().__init__("time")
        self._advance = advance

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)

    def sleep(self, seconds: float) -> None:
        if getattr(_glacier_retry, "active", False):
            self._advance(seconds)
        else:
            time.sleep(seconds)


def _marking(original: Callable[..., Any]) -> Callable[..., Any]:
    def _needs_retry(
        endpoint: Any,
        attempts: int,
        operation_model: Any,
        request_dict: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        url = request_dict.get("url", "") if isinstance(request_dict, dict) else ""
        if not is_glacier_url(url):
            return original(endpoint, attempts, operation_model, request_dict, *args, **kwargs)
        _glacier_retry.active = True
        try:
            return original(endpoint, attempts, operation_model, request_dict, *args, **kwargs)
        finally:
            _glacier_retry.active = False

    return _needs_retry


class RetryBackoffInSimulatedTime:
    """While started, botocore's backoff before a Glacier retry advances the clock instead."""

    def __init__(self, advance: Callable[[float], None]) -> None:
        self._advance = advance
        self._saved: list[tuple[ModuleType, object, type, object]] = []

    def start(self) -> None:
        for module in _endpoint_modules():
            endpoint_class = getattr(module, "Endpoint", None)
            if not isinstance(endpoint_class, type) or "_needs_retry" not in vars(endpoint_class):
                continue
            original = vars(endpoint_class)["_needs_retry"]
            self._saved.append((module, module.time, endpoint_class, original))
            module.time = _TimeProxy(self._advance)  # type: ignore[attr-defined]
            setattr(endpoint_class, "_needs_retry", _marking(original))  # noqa: B010

    def stop(self) -> None:
        saved, self._saved = self._saved, []
        for module, original_time, endpoint_class, original in reversed(saved):
            module.time = original_time  # type: ignore[attr-defined]
            setattr(endpoint_class, "_needs_retry", original)  # noqa: B010


def _endpoint_modules() -> list[ModuleType]:
    return [
        module
        for _name, module in loaded_copies(_ENDPOINT_MODULE)
        if isinstance(getattr(module, "time", None), ModuleType)
    ]
