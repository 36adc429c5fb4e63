"""HTTP fuzzing: thousands of random and malformed requests, every answer one Glacier could give.

Requests come from :mod:`glacier_fuzz_corpus` (seeded, so a failure names the seed that
reproduces it): through ``requests`` in-process, through ``requests`` over real HTTP to the
loopback server, and as raw bytes on sockets to the server, where the HTTP framing itself is
broken too. Each answer must be a 2xx or a documented Glacier error with its documented status
(GLACIER_SPEC §1.5); a 500 from a bug in the mock fails the test twice over (here, and at the
``glacier_mock`` fixture's teardown). After the raw-socket storm the server must still serve.

Bounded in time: the request counts come from ``GLACIER_FUZZ_REQUESTS`` (default 2000 in-process;
the HTTP variants send a fraction of it), every socket has a timeout, and the server's stall
timeout is short.
"""

from __future__ import annotations

import contextlib
import random
import socket
import time
from collections.abc import Iterator, Mapping
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError
from glacier_fuzz_corpus import FuzzRequest, Known, random_request, raw_http, seed_resources
from reliability_support import fuzz_requests, fuzz_seed, problem_with_answer

from pytest_glacier import GlacierMock, GlacierServer
from pytest_glacier.backend import operations
from pytest_glacier.mock import MockInternalError

ENDPOINT = "https://glacier.us-east-1.amazonaws.com"
NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})
SOCKET_TIMEOUT = 5.0
STALL_TIMEOUT = 0.5
TIME_LIMIT = 60.0  # seconds any one fuzz loop may run, whatever the request count


@pytest.fixture
def known(glacier_mock: GlacierMock) -> Known:
    client = boto3.client("glacier", region_name="us-east-1", config=NO_RETRIES)
    known = Known()
    seed_resources(client, glacier_mock, known)
    return known


def reseed(glacier_mock: GlacierMock, known: Known) -> None:
    """The fuzz may have deleted the vaults: bring them back (errors are fine here)."""
    client = boto3.client("glacier", region_name="us-east-1", config=NO_RETRIES)
    with contextlib.suppress(ClientError):
        seed_resources(client, glacier_mock, known)


def send_and_check(
    session: requests.Session,
    endpoint: str,
    fuzzed: FuzzRequest,
    problems: list[str],
    headers: Mapping[str, Any] | None = None,
) -> None:
    """Send one fuzzed request; note it in ``problems`` if Glacier could not give its answer."""
    response = session.request(
        fuzzed.method,
        endpoint + fuzzed.target,
        headers=fuzzed.headers if headers is None else headers,
        data=fuzzed.body,
        timeout=SOCKET_TIMEOUT,
    )
    problem = problem_with_answer(
        response.status_code, response.content, head=fuzzed.method == "HEAD"
    )
    if problem:
        problems.append(f"{problem}\n    request: {fuzzed.describe()}")


def assert_no_problems(problems: list[str], sent: int, seed: int) -> None:
    if problems:
        listed = "\n".join(problems[:15])
        pytest.fail(
            f"{len(problems)} of {sent} fuzzed requests got an answer Glacier could not give "
            f"(seed {seed}; set GLACIER_FUZZ_SEED to vary it):\n{listed}"
        )


def test_random_requests_in_process_get_documented_answers(
    glacier_mock: GlacierMock, known: Known
) -> None:
    seed = fuzz_seed(1)
    rng = random.Random(seed)
    session = requests.Session()
    problems: list[str] = []
    deadline = time.monotonic() + TIME_LIMIT
    sent = 0
    for sent in range(1, fuzz_requests() + 1):
        if sent % 300 == 0:
            reseed(glacier_mock, known)
        fuzzed = random_request(rng, known)
        send_and_check(session, ENDPOINT, fuzzed, problems)
        if time.monotonic() > deadline:
            break
    assert_no_problems(problems, sent, seed)
    assert len(glacier_mock.calls) >= sent  # every one reached the mock, none the network


SIGNED_HEADERS = ["host", "host;x-amz-date", "", ";;", "host;x-amz-glacier-version;x-amz-date"]
PRESIGNED = (
    "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=testing%2F20200101%2Fus-east-1%2Fglacier"
    "%2Faws4_request&X-Amz-SignedHeaders=host&X-Amz-Signature=00&X-Amz-Date="
)


@pytest.mark.glacier(verify_signatures=True)
def test_random_requests_with_signature_checking_get_documented_answers(
    glacier_mock: GlacierMock,
) -> None:
    """Forged, broken and missing signatures (headers and presigned queries) get 400 / 403."""
    seed = fuzz_seed(5)
    rng = random.Random(seed)
    known = Known()
    session = requests.Session()
    problems: list[str] = []
    count = max(fuzz_requests() // 3, 50)
    for _ in range(count):
        fuzzed = random_request(rng, known)
        if rng.random() < 0.7:
            fuzzed.headers["Authorization"] = (
                "AWS4-HMAC-SHA256 Credential=testing/20200101/us-east-1/glacier/aws4_request, "
                f"SignedHeaders={rng.choice(SIGNED_HEADERS)}, "
                f"Signature={rng.choice(['00', '', 'z' * 64, 'a' * 5000])}"
            )
            fuzzed.headers["x-amz-date"] = rng.choice(
                ["20200101T000000Z", "x", "", "99999999T999999Z"]
            )
            if rng.random() < 0.3:
                del fuzzed.headers["x-amz-date"]
                fuzzed.headers["Date"] = rng.choice(
                    ["Fri, 31 Dec 9999 23:59:59 -1000", "x", "Mon, 01 Jan 0001 00:00:00 +2300"]
                )
        elif rng.random() < 0.5:
            separator = "&" if "?" in fuzzed.target else "?"
            fuzzed.target += (
                f"{separator}{PRESIGNED}{rng.choice(['20200101T000000Z', 'x'])}"
                f"&X-Amz-Expires={rng.choice(['1', '604800', '9' * 30, '9' * 5000, '-1'])}"
            )
        send_and_check(session, ENDPOINT, fuzzed, problems)
    assert_no_problems(problems, count, seed)


@pytest.fixture
def short_timeout_server(glacier_mock: GlacierMock) -> Iterator[GlacierServer]:
    """A server of its own with a short stall timeout, so broken framing costs little time."""
    with GlacierServer(timeout=STALL_TIMEOUT) as server:
        server.serve(glacier_mock.handle)
        yield server


def test_random_requests_over_http_get_documented_answers(
    glacier_server: GlacierServer, glacier_mock: GlacierMock, known: Known
) -> None:
    seed = fuzz_seed(2)
    rng = random.Random(seed)
    session = requests.Session()
    problems: list[str] = []
    deadline = time.monotonic() + TIME_LIMIT
    count = max(fuzz_requests() // 5, 50)
    sent = 0
    for sent in range(1, count + 1):  # noqa: B007
        fuzzed = random_request(rng, known)
        if fuzzed.method in ("CONNECT",):
            continue  # requests would ask the server to open a tunnel
        # as UTF-8 bytes on the wire: http.client sends str header values as latin-1 only
        headers = {k: v.encode() if isinstance(v, str) else v for k, v in fuzzed.headers.items()}
        send_and_check(session, glacier_server.endpoint_url, fuzzed, problems, headers=headers)
        if time.monotonic() > deadline:
            break
    assert_no_problems(problems, sent, seed)


# -- raw sockets --------------------------------------------------------------------------------


def exchange(port: int, data: bytes) -> bytes:
    """Send ``data``, half-close, and read until the server closes (or the timeout)."""
    with socket.create_connection(("127.0.0.1", port), timeout=SOCKET_TIMEOUT) as sock:
        try:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server may close first on a request it refuses early
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except ConnectionResetError:
            pass
        return received


def parse_responses(data: bytes) -> list[tuple[int, bytes, bool, str]]:
    """The HTTP/1.1 responses in ``data``: (status, body, bodiless, problem or "").

    A response whose announced body is not there, because the stream ends or the next status
    line follows at once, answered a HEAD request (the server may also have split one request
    into several, so which request each answer belongs to is not known): it is ``bodiless``.
    """
    answers: list[tuple[int, bytes, bool, str]] = []
    rest = data
    while rest:
        head, separator, rest = rest.partition(b"\r\n\r\n")
        if not separator:
            answers.append((0, b"", False, f"a truncated response: {head[:200]!r}"))
            break
        lines = head.split(b"\r\n")
        parts = lines[0].split(b" ", 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
            answers.append((0, b"", False, f"no status line: {head[:200]!r}"))
            break
        status = int(parts[1])
        if status == 100:
            continue
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        if status in (204, 304) or (length and (not rest or rest.startswith(b"HTTP/1."))):
            answers.append((status, b"", True, ""))
            continue
        body, rest = rest[:length], rest[length:]
        if len(body) < length:
            answers.append((status, body, False, f"{len(body)} bytes of a {length}-byte body"))
            break
        answers.append((status, body, False, ""))
    return answers


def answer_problems(data: bytes, received: bytes) -> list[str]:
    problems = []
    if not received and data.strip():
        return [f"no answer at all\n    sent: {data[:300]!r}"]
    for status, body, bodiless, framing_problem in parse_responses(received):
        problem = framing_problem or problem_with_answer(status, body, head=bodiless)
        if problem:
            problems.append(f"{problem}\n    sent: {data[:300]!r}")
    return problems


def assert_still_serving(server: GlacierServer) -> None:
    session = requests.Session()
    response = session.get(
        server.endpoint_url + "/-/vaults",
        headers={"x-amz-glacier-version": "2012-06-01"},
        timeout=SOCKET_TIMEOUT,
    )
    assert response.status_code == 200, response.text


def test_raw_malformed_http_gets_documented_answers_and_the_server_keeps_serving(
    short_timeout_server: GlacierServer, known: Known
) -> None:
    seed = fuzz_seed(3)
    rng = random.Random(seed)
    host = f"127.0.0.1:{short_timeout_server.port}"
    problems: list[str] = []
    deadline = time.monotonic() + TIME_LIMIT
    count = max(fuzz_requests() // 4, 50)
    sent = 0
    for sent in range(1, count + 1):
        pipelined = [random_request(rng, known) for _ in range(rng.choice([1, 1, 1, 2, 3]))]
        data = b"".join(raw_http(rng, fuzzed, host) for fuzzed in pipelined)
        if rng.random() < 0.05:
            data = rng.randbytes(rng.randint(1, 300))  # not HTTP at all
        problems += answer_problems(data, exchange(short_timeout_server.port, data))
        if sent % 50 == 0:
            assert_still_serving(short_timeout_server)
        if time.monotonic() > deadline:
            break
    assert_no_problems(problems, sent, seed)
    assert_still_serving(short_timeout_server)


def test_raw_requests_to_the_session_server_keep_it_serving(
    glacier_server: GlacierServer, known: Known
) -> None:
    """The ``glacier_server`` fixture's own server, several requests per kept-open connection."""
    seed = fuzz_seed(4)
    rng = random.Random(seed)
    host = f"127.0.0.1:{glacier_server.port}"
    problems: list[str] = []
    for _ in range(40):
        pipelined = [random_request(rng, known) for _ in range(5)]
        # Well-framed requests only: a broken one would make the server wait for the rest.
        data = b""
        for fuzzed in pipelined:
            headers = "".join(
                f"{name}: {value if isinstance(value, str) else value.decode('latin-1')}\r\n"
                for name, value in fuzzed.headers.items()
            )
            data += (
                f"{fuzzed.method} {fuzzed.target} HTTP/1.1\r\nHost: {host}\r\n{headers}"
                f"Content-Length: {len(fuzzed.body)}\r\n\r\n"
            ).encode("latin-1", "replace") + fuzzed.body
        problems += answer_problems(data, exchange(glacier_server.port, data))
    assert_no_problems(problems, 200, seed)
    assert_still_serving(glacier_server)


# -- the fuzz would notice a bug -------------------------------------------------------------------


def test_a_bug_in_the_mock_is_caught_by_the_fuzz_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make one handler raise: the answer fails the check, and the mock fails at teardown."""
    registration = operations.OPERATIONS["ListVaults"]

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise KeyError("a bug")

    monkeypatch.setitem(
        operations.OPERATIONS, "ListVaults", operations.Registration("ListVaults", broken, True)
    )
    mock = GlacierMock().start()
    try:
        response = requests.get(
            ENDPOINT + "/-/vaults", headers={"x-amz-glacier-version": "2012-06-01"}, timeout=5
        )
    finally:
        with pytest.raises(MockInternalError, match="KeyError"):
            mock.stop()
    problem = problem_with_answer(response.status_code, response.content)
    assert problem is not None
    assert "bug" in problem
    assert registration.name == "ListVaults"
