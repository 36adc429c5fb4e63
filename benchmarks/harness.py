"""What every benchmark figure shares: timing in alternating rounds, the floor, the result rows.

* :func:`alternate` times several contenders (the mock, the floor, moto) in turns: round 1 runs
  each once, round 2 again, and so on, so that whatever the machine does meanwhile (frequency
  scaling, another process, the garbage collector) falls on all of them alike. Each figure is the
  median over rounds.
* :class:`CannedResponses` is the *floor*: a ``before-send`` hook on a boto3 client that answers
  each operation with a response captured from the mock (same status, headers and body), so
  botocore serializes, signs and parses exactly as it does against the mock, and nothing else
  runs. What the mock costs above the floor is the mock.
"""

from __future__ import annotations

import base64
import gc
import os
import statistics
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse

REGION = "us-east-1"
ACCOUNT = "123456789012"
"""The account the mock gives the default credentials."""


# -- results ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One line of the report: a measured value, what it is compared with, and the target."""

    name: str
    value: float
    unit: str
    baseline_name: str = ""
    baseline: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline


def ratio_figure(
    name: str,
    value: float,
    baseline_name: str,
    baseline: float,
    limit: float,
    unit: str = "us",
    note: str = "",
) -> Figure:
    """A figure whose target is ``value / baseline <= limit``."""
    return Figure(
        name,
        value,
        unit,
        baseline_name,
        baseline,
        target=f"<= {limit:g} x {baseline_name}",
        met=value <= limit * baseline,
        note=note,
    )


# -- timing ----------------------------------------------------------------------------------------


def timed(action: Callable[[], object], repeat: int = 1) -> float:
    """Seconds per call of ``action`` over ``repeat`` calls, with the garbage collector paused."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(repeat):
            action()
        return (time.perf_counter() - start) / repeat
    finally:
        gc.enable()


def alternate(contenders: dict[str, Callable[[], float]], rounds: int) -> dict[str, float]:
    """The median of each contender's result over ``rounds`` rounds, run in turns.

    Each contender is a function that measures once and returns seconds (typically per call).
    The order within a round is rotated each round, so none always runs first.
    """
    results: dict[str, list[float]] = {name: [] for name in contenders}
    names = list(contenders)
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            results[name].append(contenders[name]())
    return {name: statistics.median(values) for name, values in results.items()}


# -- the floor -------------------------------------------------------------------------------------


@dataclass
class Canned:
    """One captured response: status, headers and body (or a body made per request)."""

    status: int
    headers: dict[str, str]
    body: bytes | Callable[[], Iterable[bytes | memoryview]]


class CannedRaw:
    """The ``raw`` of an ``AWSResponse`` over canned bytes (what urllib3's response would be)."""

    def __init__(self, chunks: Iterable[bytes | memoryview]) -> None:
        self._chunks: Iterator[bytes | memoryview] = iter(chunks)
        self._pending: memoryview = memoryview(b"")

    def stream(self, amt: int | None = None, decode_content: bool | None = None) -> Iterator[bytes]:
        del decode_content
        while chunk := self.read(amt):
            yield chunk

    def read(self, amt: int | None = None) -> bytes:
        if not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return b""
            self._pending = memoryview(chunk)
        size = len(self._pending) if amt is None or amt < 0 else amt
        piece, self._pending = self._pending[:size], self._pending[size:]
        return bytes(piece)

    def close(self) -> None:
        self._chunks = iter(())


FRESH_ID_HEADERS = {
    "InitiateJob": "x-amz-job-id",
    "InitiateMultipartUpload": "x-amz-multipart-upload-id",
}
"""The id each of these responses carries, which the benchmarks' next calls put in their URL.

(An archive id is not: no benchmark reuses it, and a fresh one would only add to the floor.)"""


class _FreshIds:
    """Random url-safe ids of a given length, made in large batches (outside most timings)."""

    BATCH = 10_000

    def __init__(self) -> None:
        self._ready: dict[int, list[str]] = {}

    def take(self, length: int) -> str:
        ready = self._ready.setdefault(length, [])
        if not ready:
            text = base64.urlsafe_b64encode(os.urandom(length * self.BATCH)).decode("ascii")
            ready.extend(text[i : i + length] for i in range(0, length * self.BATCH, length))
        return ready.pop()


class CannedResponses:
    """The floor: a ``before-send`` hook answering each operation with a canned response.

    Responses are replayed as captured, except that an id the client uses in its next calls (a
    job id, an upload id, ...) is a fresh one each time, as the real service's and the mock's
    are. With the captured id replayed, every DescribeJob after it would ask for the same URL,
    and botocore's own per-URL caches would make the floor cheaper than botocore can ever be
    for the calls the mock serves (measured: about 26 us per InitiateJob + DescribeJob).
    """

    def __init__(self) -> None:
        self.responses: dict[str, Canned] = {}
        self._ids = _FreshIds()

    def capture(self, client: Any) -> None:
        """Record every response ``client`` receives from now on (the last one per operation)."""

        def record(http_response: AWSResponse, model: Any, **_: Any) -> None:
            # A streamed body (GetJobOutput) is the caller's to read: keep its headers only.
            body = b"" if model.has_streaming_output else http_response.content
            self.responses[model.name] = Canned(
                http_response.status_code, dict(http_response.headers), body
            )

        client.meta.events.register("after-call.glacier", record)

    def install(self, client: Any) -> None:
        """Answer ``client``'s requests with the canned responses, before anything is sent."""

        def answer(request: Any, **kwargs: Any) -> AWSResponse:
            # botocore names the event before-send.glacier.<OperationName>.
            operation = kwargs["event_name"].rsplit(".", 1)[-1]
            canned = self.responses[operation]
            body = canned.body
            chunks = (body,) if isinstance(body, bytes) else body()
            headers = canned.headers
            if operation in FRESH_ID_HEADERS:
                headers = self._with_fresh_id(headers, FRESH_ID_HEADERS[operation])
            return AWSResponse(request.url, canned.status, headers, CannedRaw(chunks))

        client.meta.events.register("before-send.glacier", answer)

    def _with_fresh_id(self, headers: dict[str, str], id_header: str) -> dict[str, str]:
        """``headers`` with a new id in ``id_header`` and in ``Location``, which ends with it."""
        fresh = dict(headers)
        for name, value in headers.items():
            if name.lower() == id_header:
                new_id = self._ids.take(len(value))
                fresh[name] = new_id
                for location in ("Location", "location"):
                    if location in fresh:
                        fresh[location] = fresh[location].replace(value, new_id)
        return fresh


def glacier_client() -> Any:
    """A boto3 Glacier client as users make them (default configuration)."""
    return boto3.client("glacier", region_name=REGION)


def floor_client(canned: CannedResponses) -> Any:
    client = glacier_client()
    canned.install(client)
    return client
