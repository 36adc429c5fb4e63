"""Timestamps are aware UTC whatever ``TZ`` says (DESIGN: pin TZ at least once)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timezone
from typing import Any

import pytest

from pytest_glacier import GlacierMock


@pytest.fixture(params=["America/Los_Angeles", "Asia/Kolkata"])
def non_utc_tz(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


@pytest.mark.glacier(start_time="2024-03-10T23:30:00Z")
def test_dates_are_utc_under_a_non_utc_tz(
    non_utc_tz: str, glacier_mock: GlacierMock, glacier: Any
) -> None:
    assert time.localtime().tm_gmtoff != 0
    now = glacier_mock.now()
    assert now.tzinfo == timezone.utc
    assert (now.day, now.hour) == (10, 23)
    glacier.create_vault(vaultName="v")
    assert glacier.describe_vault(vaultName="v")["CreationDate"].startswith("2024-03-10T23:30")
    glacier_mock.advance(hours=1)
    glacier_mock.take_inventory("v")
    last = glacier.describe_vault(vaultName="v")["LastInventoryDate"]
    assert last.startswith("2024-03-11T00:30")
