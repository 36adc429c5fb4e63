"""The retry-backoff proxy: which of botocore's sleeps advance the clock, and which really sleep."""

from __future__ import annotations

import time
from typing import Any

import botocore.endpoint
import pytest

from pytest_glacier.retry_backoff import RetryBackoffInSimulatedTime

GLACIER_URL = "https://glacier.us-east-1.amazonaws.com/-/vaults"
S3_URL = "https://s3.us-east-1.amazonaws.com/bucket"


@pytest.fixture
def backoff() -> Any:
    advanced: list[float] = []
    patch = RetryBackoffInSimulatedTime(advanced.append)
    patch.start()
    yield advanced
    patch.stop()


@pytest.fixture
def real_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    return slept


def _needs_retry(request_dict: Any, seconds: float, self: Any = None) -> None:
    """Stands in for ``Endpoint._needs_retry``: the proxy looks for this name and its locals."""
    botocore.endpoint.time.sleep(seconds)  # type: ignore[attr-defined]


class GlacierEndpoint:
    _endpoint_prefix = "glacier"  # what botocore's Endpoint of a Glacier client carries


def test_backoff_before_a_glacier_retry_advances_the_clock(
    backoff: list[float], real_sleeps: list[float]
) -> None:
    _needs_retry({"url": GLACIER_URL}, 1.5)
    assert backoff == [1.5]
    assert real_sleeps == []


def test_a_glacier_client_on_a_custom_endpoint_retries_in_simulated_time(
    backoff: list[float], real_sleeps: list[float]
) -> None:
    _needs_retry({"url": "http://localhost:4566/-/vaults"}, 2.0, self=GlacierEndpoint())
    assert backoff == [2.0]
    assert real_sleeps == []


def test_backoff_before_another_services_retry_really_sleeps(
    backoff: list[float], real_sleeps: list[float]
) -> None:
    _needs_retry({"url": S3_URL}, 0.25)
    assert backoff == []
    assert real_sleeps == [0.25]


def test_any_other_sleep_in_botocore_endpoint_really_sleeps(
    backoff: list[float], real_sleeps: list[float]
) -> None:
    request_dict = {"url": GLACIER_URL}  # the right local, but not in _needs_retry
    botocore.endpoint.time.sleep(0.5)  # type: ignore[attr-defined]
    del request_dict
    assert backoff == []
    assert real_sleeps == [0.5]


def test_a_request_dict_without_a_url_really_sleeps(
    backoff: list[float], real_sleeps: list[float]
) -> None:
    _needs_retry(None, 0.1)
    assert backoff == []
    assert real_sleeps == [0.1]


def test_stopping_puts_back_the_time_module() -> None:
    before = botocore.endpoint.time  # type: ignore[attr-defined]
    patch = RetryBackoffInSimulatedTime(lambda seconds: None)
    patch.start()
    assert botocore.endpoint.time is not before  # type: ignore[attr-defined]
    assert botocore.endpoint.time.monotonic() > 0  # type: ignore[attr-defined]
    patch.stop()
    assert botocore.endpoint.time is before  # type: ignore[attr-defined]
