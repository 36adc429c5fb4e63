"""botocore's retry backoff for Glacier requests, spent in simulated time.

When a Glacier request served by the mock fails with a retryable error (500, 503,
``ThrottlingException``, an injected fault...), botocore sleeps before the next attempt: up to
seconds of real time per retry. While a mock is active those sleeps advance the mock's clock
instead, as if the time had passed, so a test of retry behaviour costs no wall-clock time.

botocore sleeps with ``time.sleep`` inside ``Endpoint._needs_retry``. The ``time`` name of
``botocore.endpoint`` (in every loaded botocore copy) is replaced by a proxy whose ``sleep`` looks
at the frame that called it: when that is ``_needs_retry`` deciding on a request the mock
serves, the clock advances; any other sleep (another service's retry, another caller) really
sleeps. The decision is made only when botocore sleeps, so requests that are not retried, nearly
all of them, pay nothing for it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import FrameType, ModuleType
from typing import Any

from pytest_glacier.transports.hosts import serves_glacier
from pytest_glacier.transports.loaded import loaded_copies

_ENDPOINT_MODULE = "botocore.endpoint"
_RETRY_METHOD = "_needs_retry"


class _TimeProxy(ModuleType):
    """``time``, except that ``sleep`` advances the mock clock before a Glacier retry."""

    def __init__(self, advance: Callable[[float], None]) -> None:
        super().__init__("time")
        self._advance = advance

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)

    def sleep(self, seconds: float) -> None:
        if _is_glacier_retry(sys._getframe(1)):
            self._advance(seconds)
        else:
            time.sleep(seconds)


def _is_glacier_retry(caller: FrameType) -> bool:
    """Whether ``caller`` is botocore's ``Endpoint._needs_retry`` about a Glacier request."""
    if caller.f_code.co_name != _RETRY_METHOD:
        return False
    request_dict = caller.f_locals.get("request_dict")
    url = request_dict.get("url", "") if isinstance(request_dict, dict) else ""
    return isinstance(url, str) and serves_glacier(caller.f_locals.get("self"), url)


class RetryBackoffInSimulatedTime:
    """While started, botocore's backoff before a Glacier retry advances the clock instead."""

    def __init__(self, advance: Callable[[float], None]) -> None:
        self._advance = advance
        self._saved: list[tuple[ModuleType, object]] = []

    def start(self) -> None:
        for module in _endpoint_modules():
            endpoint_class = getattr(module, "Endpoint", None)
            if not isinstance(endpoint_class, type) or _RETRY_METHOD not in vars(endpoint_class):
                continue
            self._saved.append((module, module.time))
            module.time = _TimeProxy(self._advance)  # type: ignore[attr-defined]

    def stop(self) -> None:
        saved, self._saved = self._saved, []
        for module, original_time in reversed(saved):
            module.time = original_time  # type: ignore[attr-defined]


def _endpoint_modules() -> list[ModuleType]:
    return [
        module
        for _name, module in loaded_copies(_ENDPOINT_MODULE)
        if isinstance(getattr(module, "time", None), ModuleType)
    ]
