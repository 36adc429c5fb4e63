"""The "glacier" section of a failing test's report: what the test asked of Glacier, and when.

A failure in code that waits on Glacier is usually about order and time: which calls were made,
which failed, and where simulated time stood when jobs were due or inventories ran. This renders
both from a mock's records, as plain text (pytest prints it under a ``glacier`` heading).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from pytest_glacier.backend.timeline import TimelineEntry
from pytest_glacier.records import Call

MAX_CALLS = 200
"""A runaway polling loop can make thousands of calls: show the first and last ones."""


def render_report(calls: Sequence[Call], timeline: Iterable[TimelineEntry]) -> str:
    """The report text: the calls made, then the timeline of simulated time."""
    lines = [f"Glacier calls ({len(calls)}):"]
    lines += [f"  {line}" for line in _call_lines(calls)] or ["  (none)"]
    entries = sorted(timeline, key=lambda entry: entry.at)
    lines.append(f"Simulated time ({len(entries)} events):")
    lines += [f"  {_when(entry.at)}  {entry.what}" for entry in entries] or ["  (none)"]
    return "\n".join(lines)


def _call_lines(calls: Sequence[Call]) -> list[str]:
    if len(calls) <= MAX_CALLS:
        return [_call_line(i, call) for i, call in enumerate(calls, 1)]
    head, tail = MAX_CALLS // 2, MAX_CALLS // 2
    skipped = len(calls) - head - tail
    return (
        [_call_line(i, call) for i, call in enumerate(calls[:head], 1)]
        + [f"... {skipped} more calls ..."]
        + [_call_line(i, call) for i, call in enumerate(calls[-tail:], len(calls) - tail + 1)]
    )


def _call_line(number: int, call: Call) -> str:
    when = _when(call.at) if call.at else "?"
    vault = f" vault={call.vault_name}" if call.vault_name else ""
    outcome = str(call.status_code)
    if call.error_code:
        outcome += f" {call.error_code}: {call.error_message or ''}".rstrip(": ")
    return f"{number:>3}. {when}  {call.operation} [{call.region}]{vault} -> {outcome}"


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S")
