"""Errors a test asked for: ``GlacierMock.inject_error`` (CONTRACT §3)."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from pytest_glacier.backend.errors import GlacierError, error_for_code


@dataclass
class _Fault:
    operation: str
    code: str
    remaining: int
    status_code: int | None
    message: str | None


class FaultInjector:
    """The pending injected errors, consumed oldest first, one per matching request."""

    def __init__(self) -> None:
        self._faults: list[_Fault] = []
        self._lock = threading.Lock()

    def add(
        self, operation: str, code: str, times: int, status_code: int | None, message: str | None
    ) -> None:
        with self._lock:
            self._faults.append(_Fault(operation, code, times, status_code, message))

    def take(self, operation: str) -> GlacierError | None:
        """The error the next ``operation`` request must fail with, if one is pending."""
        if not self._faults:
            return None  # the usual case, asked on every request: no lock needed to see it
        with self._lock:
            for fault in self._faults:
                if fault.operation in ("*", operation):
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                    message = fault.message or (
                        f"{fault.code} injected by glacier_mock.inject_error() for {operation}"
                    )
                    return error_for_code(fault.code, message, fault.status_code)
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
