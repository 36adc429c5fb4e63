"""The log of served calls: recorded as plain values, made ``Call`` objects when read."""

from __future__ import annotations

import threading
from datetime import datetime, timezone

from pytest_glacier.records import Call
from pytest_glacier.service import _CallLog

AT = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _fields(operation: str, status: int = 200) -> tuple:  # type: ignore[type-arg]
    return (operation, "us-east-1", {"vaultName": "v"}, status, None, None, "123456789012", AT)


def test_a_read_sees_every_call_in_order_and_builds_each_once() -> None:
    log = _CallLog()
    log.add(_fields("CreateVault"))
    first = log.snapshot()
    log.add(_fields("DescribeVault", 404))

    second = log.snapshot()

    assert [call.operation for call in second] == ["CreateVault", "DescribeVault"]
    assert second[0] is first[0]
    assert second[1] == Call(
        operation="DescribeVault",
        region="us-east-1",
        params={"vaultName": "v"},
        status_code=404,
        account_id="123456789012",
        at=AT,
    )
    assert second is not log.snapshot()  # a new list each time: callers may keep or change it


def test_clear_forgets_built_and_pending_calls() -> None:
    log = _CallLog()
    log.add(_fields("CreateVault"))
    log.snapshot()
    log.add(_fields("DescribeVault"))

    log.clear()

    assert log.snapshot() == []


def test_calls_recorded_while_others_read_are_all_kept() -> None:
    log = _CallLog()

    def record() -> None:
        for _ in range(500):
            log.add(_fields("DescribeVault"))

    def read() -> None:
        for _ in range(200):
            log.snapshot()

    threads = [threading.Thread(target=record) for _ in range(4)]
    threads += [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(log.snapshot()) == 2000
