"""``GlacierMock``: one active in-process Glacier, with its clock and its transports.

A mock ties the layers together: a :class:`~pytest_glacier.clock.Clock`, a backend holding the
state, the :class:`~pytest_glacier.service.GlacierService` that serves HTTP requests, and the
transports that route botocore and ``requests`` traffic to it. Only one mock is active at a time.
"""

from __future__ import annotations

import copy
import math
import os
import sys
import threading
from collections.abc import Mapping
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any

from pytest_glacier import started
from pytest_glacier.backend import Backend
from pytest_glacier.backend.inventory import take_snapshot
from pytest_glacier.backend.jobs import complete_now, fail_now
from pytest_glacier.clock import Clock
from pytest_glacier.faults import FaultInjector
from pytest_glacier.options import Options, build_options
from pytest_glacier.records import Call, Notification
from pytest_glacier.report import render_report
from pytest_glacier.retry_backoff import RetryBackoffInSimulatedTime
from pytest_glacier.service import GlacierService
from pytest_glacier.transports import (
    AiobotocoreTransport,
    BotocoreTransport,
    MotoBypass,
    RequestsTransport,
    Transport,
)
from pytest_glacier.wire.http import HttpRequest, HttpResponse
from pytest_glacier.wire.model import service_model
from pytest_glacier.wire.signature import SignatureChecker

_active_lock = threading.Lock()
_active: GlacierMock | None = None


FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
}
"""Set for the mock's lifetime where the environment has none, so botocore can sign requests."""


class MockInternalError(AssertionError):
    """The mock raised an exception while serving a request: a bug in pytest-glacier."""


def active_mock() -> GlacierMock:
    """The active :class:`GlacierMock`; ``RuntimeError`` when none is active."""
    mock = _active
    if mock is None:
        raise RuntimeError(
            "No Glacier mock is active. Use the glacier_mock fixture, decorate the test with "
            "@mock_glacier, or enter `with mock_glacier() as glacier:` first."
        )
    return mock


class GlacierMock:
    """An in-process Amazon Glacier for one test (CONTRACT §3)."""

    def __init__(self, options: Options | None = None, **option_values: Any) -> None:
        if options is not None and option_values:
            raise TypeError("pass either an Options object or keyword options, not both")
        self.options = options if options is not None else build_options(option_values)
        self._clock = Clock(self.options.start_time)
        self._backend = Backend(self._clock, self.options.backend_settings())
        self._faults = FaultInjector()
        self._service = GlacierService(
            self._backend, self._faults, _signature_checker(self.options)
        )
        self._transports: list[Transport] = [
            BotocoreTransport(),
            AiobotocoreTransport(),
            RequestsTransport(),
            MotoBypass(),
        ]
        self._retry_backoff = RetryBackoffInSimulatedTime(self._sleep)
        self._saved_environ: dict[str, str | None] = {}
        self._saved_boto3_session: object = None
        self._started = False

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> GlacierMock:
        global _active  # noqa: PLW0603 (one process-wide active mock is the point)
        with _active_lock:
            if _active is not None:
                raise RuntimeError(
                    "A Glacier mock is already active: mocks cannot be nested. Use the active "
                    "one (the glacier_mock fixture, or pytest_glacier.active_mock()) instead of "
                    "starting another with mock_glacier."
                )
            _active = self
            for listener in started.listeners:
                listener.append(self)
        try:
            self._clock.start()
            self._backend.reset()
            if self.options.sleep_advances:
                self._clock.patch_sleep(self._sleep)
            self._set_fake_credentials()
            for transport in self._transports:
                transport.start(self._service.handle)  # what handle() does, one call less
            self._retry_backoff.start()
        except BaseException:
            self._teardown()
            raise
        self._started = True
        return self

    def stop(self) -> None:
        """Stop intercepting, restore time and the environment; raise if the mock had a bug."""
        if not self._started:
            return
        self._started = False
        self._teardown()
        bugs = self._service.bugs
        if bugs:
            raise MockInternalError(
                "pytest-glacier raised an exception while serving a request (answered as a 500 "
                "ServiceUnavailableException). This is a bug in pytest-glacier:\n\n"
                + "\n".join(bugs)
            )

    def _teardown(self) -> None:
        global _active  # noqa: PLW0603
        self._retry_backoff.stop()
        for transport in reversed(self._transports):
            transport.stop()
        self._restore_environ()
        self._clock.stop()
        with _active_lock:
            if _active is self:
                _active = None

    def __enter__(self) -> GlacierMock:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None:
            self.stop()
            return
        # The test already failed: report that, and do not hide it behind a mock bug.
        try:
            self.stop()
        except MockInternalError as bug:
            exc.add_note(str(bug)) if hasattr(exc, "add_note") else None

    # -- serving ------------------------------------------------------------------------------

    def handle(self, request: HttpRequest) -> HttpResponse:
        """Serve one Glacier HTTP request (what every transport calls)."""
        return self._service.handle(request)

    # -- the contract -------------------------------------------------------------------------

    @property
    def account_id(self) -> str:
        """The account that ``-`` resolves to."""
        return self.options.account_id

    def now(self) -> datetime:
        """The mock's current time, timezone-aware UTC."""
        return self._clock.now()

    def advance(
        self,
        delta: timedelta | float | None = None,
        /,
        *,
        days: float = 0,
        hours: float = 0,
        minutes: float = 0,
        seconds: float = 0,
    ) -> datetime:
        """Move simulated time forward; everything due by the new time happens. Returns it."""
        try:
            step = _as_timedelta(delta) + _parts_as_timedelta(days, hours, minutes, seconds)
            _ = self.now() + step  # an OverflowError beyond what a datetime holds
        except OverflowError:
            parts = {"days": days, "hours": hours, "minutes": minutes, "seconds": seconds}
            given = ", ".join(
                [repr(delta)] * (delta is not None)
                + [f"{name}={value!r}" for name, value in parts.items() if value]
            )
            raise ValueError(
                f"advance({given}) would move the clock past the year 9999, the end of "
                f"Python's datetime; advance by less."
            ) from None
        new_time = self._clock.advance(step)
        self._backend.timeline.add(new_time, f"advance(+{step}) moved the clock here")
        self._backend.catch_up()
        return new_time

    def complete_jobs(
        self, vault_name: str | None = None, *, region: str | None = None
    ) -> list[str]:
        """Complete every in-progress job now, whatever its tier; returns their job ids.

        Of one vault (every vault of that name when ``region`` is None) or of all vaults, in one
        region or every region; ``CompletionDate`` is now. Notifications are sent as usual.
        """
        with self._backend.lock:
            if vault_name is not None and not any(
                vault_name in state.vaults for state in self._backend.region_states(region)
            ):
                raise ValueError(self._no_such_vault(vault_name, region, "complete_jobs"))
            return complete_now(self._backend, vault_name, region)

    def fail_job(self, job_id: str, message: str = "The job failed.") -> None:
        """Finish one in-progress job as Failed with ``message`` (its StatusMessage).

        A job id that is unknown, expired or already finished is a ``ValueError`` naming it.
        """
        fail_now(self._backend, job_id, message)

    def take_inventory(self, vault_name: str | None = None, *, region: str | None = None) -> None:
        """Generate the vault inventory now, for one vault or all, in one region or all."""
        with self._backend.lock:
            self._backend.catch_up()
            vaults = [
                vault
                for state in self._backend.region_states(region)
                for vault in state.vaults.values()
                if vault_name is None or vault.name == vault_name
            ]
            if vault_name is not None and not vaults:
                raise ValueError(self._no_such_vault(vault_name, region, "take_inventory"))
            now = self._backend.now()
            for vault in vaults:
                take_snapshot(self._backend, vault, now)

    def _no_such_vault(self, vault_name: str, region: str | None, method: str) -> str:
        existing = sorted(
            {
                f"{vault.name} ({state.region})"
                for state in self._backend.region_states()
                for vault in state.vaults.values()
            }
        )
        where = f" in {region}" if region else ""
        known = ", ".join(existing) if existing else "none"
        return f"{method}: no vault named {vault_name!r}{where}. Existing vaults: {known}"

    @property
    def notifications(self) -> list[Notification]:
        """SNS messages Glacier would have published, oldest first.

        ``message`` is the job description as DescribeJob returns it. Jobs that fell due since
        the last request complete first, so what is listed is what the current time implies.
        """
        with self._backend.lock:
            self._backend.catch_up()
            return [
                Notification(item.topic_arn, item.subject, copy.deepcopy(item.message))
                for item in self._backend.notifications
            ]

    @property
    def calls(self) -> list[Call]:
        """Every Glacier request served, oldest first (a new list each time)."""
        return self._service.calls

    def inject_error(
        self,
        operation: str,
        code: str = "ServiceUnavailableException",
        *,
        times: int = 1,
        status_code: int | None = None,
        message: str | None = None,
    ) -> None:
        """Make the next ``times`` requests for ``operation`` (or ``"*"``) fail with ``code``."""
        names = service_model().operation_names
        if operation != "*" and operation not in names:
            raise ValueError(
                f"inject_error: unknown operation {operation!r}. Use a Glacier operation's "
                f"model name (e.g. 'UploadArchive') or '*'; known: {', '.join(names)}"
            )
        if isinstance(times, bool) or not isinstance(times, int) or times < 1:
            raise ValueError(f"inject_error: times must be a positive int, got {times!r}")
        if status_code is not None and not 400 <= status_code <= 599:
            raise ValueError(f"inject_error: status_code must be 400-599, got {status_code!r}")
        self._faults.add(operation, code, times, status_code, message)

    def reset(self) -> None:
        """Forget all state: vaults, jobs, calls, notifications, injected errors."""
        self._backend.reset()
        self._service.clear_calls()
        self._faults.clear()

    def failure_report(self) -> str:
        """The calls made and the simulated-time events, for a failing test's report."""
        return render_report(self.calls, list(self._backend.timeline.entries))

    # -- helpers ------------------------------------------------------------------------------

    def _sleep(self, seconds: float) -> None:
        self.advance(seconds)

    def _set_fake_credentials(self) -> None:
        # An empty variable is no value to botocore (NoCredentialsError): it counts as unset.
        for name, value in FAKE_CREDENTIALS.items():
            if not os.environ.get(name):
                self._saved_environ[name] = os.environ.get(name)
                os.environ[name] = value
        if not os.environ.get("AWS_DEFAULT_REGION") and not os.environ.get("AWS_REGION"):
            self._saved_environ["AWS_DEFAULT_REGION"] = os.environ.get("AWS_DEFAULT_REGION")
            os.environ["AWS_DEFAULT_REGION"] = "us-east-1"

        # boto3's default session caches the credentials it first resolves: without a fresh one,
        # the test would sign with whatever an earlier test (or no mock) left cached there, and
        # code after the test with the mock's fake keys.
        boto3 = sys.modules.get("boto3")
        if boto3 is not None:
            self._saved_boto3_session = getattr(boto3, "DEFAULT_SESSION", None)
            setattr(boto3, "DEFAULT_SESSION", None)  # noqa: B010 (boto3 is untyped here)

    def _restore_environ(self) -> None:
        for name, value in self._saved_environ.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_environ.clear()
        boto3 = sys.modules.get("boto3")
        if boto3 is not None:
            setattr(boto3, "DEFAULT_SESSION", self._saved_boto3_session)  # noqa: B010
        self._saved_boto3_session = None


def _as_timedelta(delta: object) -> timedelta:
    if delta is None:
        return timedelta(0)
    if isinstance(delta, timedelta):
        step = delta
    elif isinstance(delta, (int, float)) and not isinstance(delta, bool):
        if math.isnan(delta):
            raise ValueError("advance() takes a number of seconds, got nan")
        step = timedelta(seconds=delta)
    else:
        raise TypeError(
            f"advance() takes a timedelta or a number of seconds (int or float), "
            f"got {type(delta).__name__}: {delta!r}"
        )
    if step < timedelta(0):
        raise ValueError(f"advance() cannot move time backwards: got {delta!r}")
    return step


def _parts_as_timedelta(days: float, hours: float, minutes: float, seconds: float) -> timedelta:
    parts: Mapping[str, float] = {
        "days": days,
        "hours": hours,
        "minutes": minutes,
        "seconds": seconds,
    }
    for name, value in parts.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(
                f"advance({name}=...) takes a number, got {type(value).__name__}: {value!r}"
            )
        if value < 0:
            raise ValueError(f"advance() cannot move time backwards: got {name}={value!r}")
    return timedelta(**parts)


def _signature_checker(options: Options) -> SignatureChecker | None:
    """The checker for ``verify_signatures``, knowing the ``credentials`` option's keys.

    The fake key pair the mock puts in the environment (``testing`` / ``testing``) is known too,
    so that clients created in the test verify without naming it; ``credentials`` may give that
    key another secret. Any other key must be listed in ``credentials``.
    """
    if not options.verify_signatures:
        return None
    known = {FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"]: FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"]}
    known.update(options.credentials)
    return SignatureChecker(known)
