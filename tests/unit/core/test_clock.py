"""The clock: one simulated time on freezegun, shared with the code under test."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import freezegun.api
import pytest
from freezegun import freeze_time

from pytest_glacier.clock import Clock, parse_start_time, real_now


@pytest.fixture
def clock() -> Iterator[Clock]:
    clock = Clock()
    clock.start()
    yield clock
    clock.stop()


def test_starts_at_real_now_and_is_aware_utc(clock: Clock) -> None:
    now = clock.now()
    assert now.tzinfo == timezone.utc
    assert abs(now - real_now()) < timedelta(seconds=5)


def test_advance_moves_the_time_seen_by_code_under_test(clock: Clock) -> None:
    before = clock.now()
    new = clock.advance(timedelta(hours=5))

    assert timedelta(hours=5) <= new - before < timedelta(hours=5, seconds=1)
    assert abs(datetime.now(timezone.utc) - new) < timedelta(seconds=1)
    assert abs(time.time() - new.timestamp()) < 1


def test_runs_on_real_time_without_a_freezer_until_moved(clock: Clock) -> None:
    # Starting a freezer patches every loaded module: a clock that is never moved never does.
    assert freezegun.api.freeze_factories == []
    assert abs(datetime.now(timezone.utc) - clock.now()) < timedelta(seconds=1)
    assert abs(time.time() - clock.now().timestamp()) < 1

    moved = clock.advance(timedelta(days=3))

    assert len(freezegun.api.freeze_factories) == 1
    assert abs(clock.now() - moved) < timedelta(seconds=1)
    assert abs(datetime.now(timezone.utc) - clock.now()) < timedelta(seconds=1)
    assert abs(time.time() - clock.now().timestamp()) < 1
    assert clock.now() - real_now() > timedelta(days=3) - timedelta(seconds=1)


def test_stopping_an_unmoved_clock_leaves_no_trace() -> None:
    clock = Clock()
    clock.start()
    clock.stop()
    assert freezegun.api.freeze_factories == []
    assert type(datetime.now()) is freezegun.api.real_datetime


def test_a_start_time_freezes_from_the_start() -> None:
    clock = Clock(datetime(2030, 5, 6, tzinfo=timezone.utc))
    clock.start()
    try:
        assert len(freezegun.api.freeze_factories) == 1
        assert datetime.now(timezone.utc).year == 2030
    finally:
        clock.stop()
    assert freezegun.api.freeze_factories == []


def test_threads_moving_time_at_once_start_one_freezer_and_lose_no_step() -> None:
    clock = Clock()
    clock.start()
    try:
        before = clock.now()
        barrier = threading.Barrier(8)

        def move() -> None:
            barrier.wait()
            clock.advance(timedelta(hours=1))

        threads = [threading.Thread(target=move) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(freezegun.api.freeze_factories) == 1
        assert timedelta(hours=8) <= clock.now() - before < timedelta(hours=8, seconds=5)
    finally:
        clock.stop()
    assert freezegun.api.freeze_factories == []


def test_moving_a_clock_that_is_not_running_is_an_error() -> None:
    clock = Clock()
    with pytest.raises(RuntimeError, match="not running"):
        clock.advance(timedelta(hours=1))
    clock.start()
    clock.stop()
    with pytest.raises(RuntimeError, match="not running"):
        clock.advance(timedelta(hours=1))


def test_time_keeps_ticking_between_moves(clock: Clock) -> None:
    first = clock.now()
    real_start = real_now()
    while real_now() - real_start < timedelta(milliseconds=20):
        pass
    assert clock.now() > first


def test_advance_is_exact_even_after_real_time_passed() -> None:
    # freezegun's tick() on a ticking freezer drops real time elapsed since the last move;
    # the clock must not: advancing by 1h moves by 1h plus only the real time elapsed.
    clock = Clock(datetime(2030, 1, 1, tzinfo=timezone.utc))
    clock.start()
    try:
        start = clock.now()
        time.sleep(0.05)
        new = clock.advance(timedelta(hours=1))
        assert timedelta(hours=1, seconds=0.05) <= new - start < timedelta(hours=1, seconds=2)
    finally:
        clock.stop()


def test_start_time_sets_the_simulated_time() -> None:
    clock = Clock(datetime(2024, 2, 29, 12, tzinfo=timezone.utc))
    clock.start()
    try:
        assert clock.now() - datetime(2024, 2, 29, 12, tzinfo=timezone.utc) < timedelta(seconds=1)
        assert datetime.now(timezone.utc).year == 2024
    finally:
        clock.stop()
    assert datetime.now(timezone.utc).year >= 2025


def test_follows_a_freezer_the_test_already_started() -> None:
    with freeze_time("2020-06-01 10:00:00") as frozen:
        clock = Clock()
        clock.start()
        try:
            assert clock.now() == datetime(2020, 6, 1, 10, tzinfo=timezone.utc)
            clock.advance(timedelta(days=2))
            # The test's own freezer moved: the code under test sees the new time.
            assert datetime.now() == datetime(2020, 6, 3, 10)
            frozen.tick(timedelta(minutes=1))
            assert clock.now() == datetime(2020, 6, 3, 10, 1, tzinfo=timezone.utc)
        finally:
            clock.stop()
        assert datetime.now() == datetime(2020, 6, 3, 10, 1)


def test_follows_a_freezer_started_after_the_clock(clock: Clock) -> None:
    with freeze_time("2001-01-01"):
        assert clock.now() == datetime(2001, 1, 1, tzinfo=timezone.utc)
    assert clock.now().year >= 2025


def test_aware_utc_whatever_tz_says(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        clock = Clock(datetime(2024, 7, 1, 23, 30, tzinfo=timezone.utc))
        clock.start()
        try:
            now = clock.now()
            assert now.tzinfo == timezone.utc
            assert (now.day, now.hour) == (1, 23)
        finally:
            clock.stop()
    finally:
        monkeypatch.undo()
        time.tzset()


def test_sleep_patch_advances_instead_of_sleeping(clock: Clock) -> None:
    slept: list[float] = []
    clock.patch_sleep(slept.append)
    real_start = real_now()
    time.sleep(3600)
    assert real_now() - real_start < timedelta(seconds=1)
    assert slept == [3600]
    clock.restore_sleep()
    assert time.sleep is not None
    assert slept == [3600]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-01T00:00:00Z", datetime(2024, 1, 1, tzinfo=timezone.utc)),
        ("2024-01-01", datetime(2024, 1, 1, tzinfo=timezone.utc)),
        ("2024-01-01T02:00:00+02:00", datetime(2024, 1, 1, tzinfo=timezone.utc)),
    ],
)
def test_parse_start_time_strings(text: str, expected: datetime) -> None:
    assert parse_start_time(text) == expected


def test_parse_start_time_refuses_naive_datetimes_and_nonsense() -> None:
    with pytest.raises(ValueError, match="naive"):
        parse_start_time(datetime(2024, 1, 1))
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_start_time("next tuesday")
