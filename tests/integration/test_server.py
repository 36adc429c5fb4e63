"""The loopback HTTP server: conversion at the edge, robustness against bad clients, shutdown.

Raw sockets talk to 127.0.0.1 only. Every socket has a timeout, and a server whose stall timeout
is lowered to a fraction of a second drops stalled clients quickly; after each misbehaving
client, a normal request must still succeed.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
from collections.abc import Iterator

import boto3
import pytest

from pytest_glacier import GlacierMock, GlacierServer
from pytest_glacier.wire.http import Headers, HttpRequest, HttpResponse, ResponseBody

VERSION = {"x-amz-glacier-version": "2012-06-01"}
STALL_TIMEOUT = 0.5  # the server drops a silent connection after this long
SOCKET_TIMEOUT = 5.0  # no test waits longer than this on any one socket operation


@pytest.fixture
def server(glacier_mock: GlacierMock) -> Iterator[GlacierServer]:
    """A server of its own (not the session's), with a short stall timeout, serving the mock."""
    with GlacierServer(timeout=STALL_TIMEOUT) as server:
        server.serve(glacier_mock.handle)
        yield server


@pytest.fixture
def bare_server() -> Iterator[GlacierServer]:
    with GlacierServer(timeout=STALL_TIMEOUT) as server:
        yield server


def connect(server: GlacierServer) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=SOCKET_TIMEOUT)


def receive_all(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def read_response(sock: socket.socket) -> bytes:
    """One whole response (headers and a ``Content-Length`` body) from a kept-open connection."""
    data = b""

    def more() -> bytes:
        chunk = sock.recv(65536)
        assert chunk, f"the server closed the connection after {data!r}"
        return chunk

    while b"\r\n\r\n" not in data:
        data += more()
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.lower().split(b"\r\n")
        if line.startswith(b"content-length:")
    )
    while len(body) < length:
        chunk = more()
        body, data = body + chunk, data + chunk
    return data


def request(
    server: GlacierServer,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=SOCKET_TIMEOUT)
    try:
        connection.request(method, path, body=body, headers={**VERSION, **(headers or {})})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def assert_still_serving(server: GlacierServer) -> None:
    status, _headers, body = request(server, "GET", "/-/vaults")
    assert status == 200, body
    assert "VaultList" in json.loads(body)


# -- serving the mock ----------------------------------------------------------------------------


def test_requests_reach_the_mock_state(server: GlacierServer, glacier_mock: GlacierMock) -> None:
    status, headers, body = request(server, "PUT", "/-/vaults/over-http")
    assert status == 201, body
    assert headers["Location"] == f"/{glacier_mock.account_id}/vaults/over-http"
    assert headers["Content-Length"] == "0"

    in_process = boto3.client("glacier", region_name="us-east-1")
    assert [v["VaultName"] for v in in_process.list_vaults()["VaultList"]] == ["over-http"]
    assert [call.operation for call in glacier_mock.calls] == ["CreateVault", "ListVaults"]


def test_error_responses_keep_glacier_shape(server: GlacierServer) -> None:
    status, headers, body = request(server, "GET", "/-/vaults/missing")
    assert status == 404
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body)["code"] == "ResourceNotFoundException"


def test_keep_alive_serves_several_requests_on_one_connection(server: GlacierServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=SOCKET_TIMEOUT)
    try:
        for name in ("a", "b", "c"):
            connection.request("PUT", f"/-/vaults/{name}", headers=VERSION)
            response = connection.getresponse()
            response.read()
            assert response.status == 201
        first_socket = connection.sock
        connection.request("GET", "/-/vaults", headers=VERSION)
        names = [v["VaultName"] for v in json.loads(connection.getresponse().read())["VaultList"]]
        assert connection.sock is first_socket
        assert names == ["a", "b", "c"]
    finally:
        connection.close()


def test_chunked_request_body_is_read(server: GlacierServer) -> None:
    request(server, "PUT", "/-/vaults/tagged")
    payload = json.dumps({"Tags": {"team": "storage"}}).encode()
    sock = connect(server)
    with sock:
        head = (
            b"POST /-/vaults/tagged/tags?operation=add HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"x-amz-glacier-version: 2012-06-01\r\nTransfer-Encoding: chunked\r\n"
            b"Connection: close\r\n\r\n"
        )
        chunks = b"".join(
            b"%x;ext=1\r\n%s\r\n" % (len(part), part) for part in (payload[:5], payload[5:])
        )
        sock.sendall(head + chunks + b"0\r\nTrailer: x\r\n\r\n")
        assert receive_all(sock).startswith(b"HTTP/1.1 204")
    status, _headers, body = request(server, "GET", "/-/vaults/tagged/tags")
    assert (status, json.loads(body)) == (200, {"Tags": {"team": "storage"}})


def test_head_gets_headers_only_and_the_connection_stays_usable(server: GlacierServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=SOCKET_TIMEOUT)
    try:
        connection.request("HEAD", "/-/vaults/missing", headers=VERSION)
        head = connection.getresponse()
        assert head.read() == b""
        assert int(head.getheader("Content-Length") or "0") > 0
        connection.request("GET", "/-/vaults", headers=VERSION)
        assert connection.getresponse().status == 200
    finally:
        connection.close()


# -- conversion at the edge ----------------------------------------------------------------------


class Recorder:
    """A handler that remembers what it was given and answers with ``response``."""

    def __init__(self, response: HttpResponse | None = None) -> None:
        self.requests: list[HttpRequest] = []
        self.response = response or HttpResponse(200, Headers({"X-Test": "yes"}), b"ok")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.requests.append(request)
        return self.response


def test_request_is_converted_with_host_raw_path_and_query(bare_server: GlacierServer) -> None:
    recorder = Recorder()
    bare_server.serve(recorder)
    status, headers, body = request(
        bare_server,
        "POST",
        "/-/vaults/v%20x/jobs?limit=2&marker=a%2Fb",
        body=b'{"k": 1}',
        headers={"Host": "glacier.eu-west-1.amazonaws.com", "X-Custom": "1"},
    )
    assert (status, headers["X-Test"], body) == (200, "yes", b"ok")
    (received,) = recorder.requests
    assert received.method == "POST"
    assert (
        received.url
        == "http://glacier.eu-west-1.amazonaws.com/-/vaults/v%20x/jobs?limit=2&marker=a%2Fb"
    )
    assert received.query == [("limit", "2"), ("marker", "a/b")]
    assert received.headers["x-custom"] == "1"
    assert received.body == b'{"k": 1}'


def test_a_missing_or_bad_host_header_falls_back_to_the_server_address(
    bare_server: GlacierServer,
) -> None:
    recorder = Recorder()
    bare_server.serve(recorder)
    for host_line in (b"", b"Host: bad host/x\r\n"):
        with connect(bare_server) as sock:
            sock.sendall(b"GET /-/vaults HTTP/1.1\r\n" + host_line + b"Connection: close\r\n\r\n")
            assert receive_all(sock).startswith(b"HTTP/1.1 200")
    assert [r.url for r in recorder.requests] == [f"{bare_server.endpoint_url}/-/vaults"] * 2


def test_streamed_body_is_written_chunk_by_chunk(bare_server: GlacierServer) -> None:
    chunks = [b"a" * 70000, b"", b"b" * 5]

    def handler(request: HttpRequest) -> HttpResponse:
        return HttpResponse(200, Headers(), ResponseBody(iter(chunks), 70005))

    bare_server.serve(handler)
    status, headers, body = request(bare_server, "GET", "/stream")
    assert (status, headers["Content-Length"], body) == (200, "70005", b"".join(chunks))


def test_a_streamed_body_shorter_than_announced_closes_the_connection(
    bare_server: GlacierServer,
) -> None:
    bare_server.serve(lambda request: HttpResponse(200, Headers(), ResponseBody([b"abc"], 10)))
    with connect(bare_server) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert receive_all(sock).endswith(b"\r\n\r\nabc")


def test_no_content_responses_have_no_body_framing(bare_server: GlacierServer) -> None:
    bare_server.serve(lambda request: HttpResponse(204, Headers({"x-amzn-RequestId": "r"})))
    with connect(bare_server) as sock:
        sock.sendall(b"DELETE /-/vaults/v HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer = receive_all(sock)
    assert answer.startswith(b"HTTP/1.1 204")
    assert b"content-length" not in answer.lower()


def test_without_a_mock_the_server_answers_a_glacier_shaped_503(bare_server: GlacierServer) -> None:
    status, headers, body = request(bare_server, "GET", "/-/vaults")
    assert status == 503
    assert headers["Content-Type"] == "application/json"
    error = json.loads(body)
    assert error["code"] == "ServiceUnavailableException"
    assert error["type"] == "Server"
    assert error["message"].startswith("No Glacier mock is active")
    assert len(headers["x-amzn-RequestId"]) == 47
    assert headers["Content-Length"] == str(len(body))


def test_serve_and_stop_serving_rebind_the_handler(bare_server: GlacierServer) -> None:
    bare_server.serve(Recorder())
    assert request(bare_server, "GET", "/")[0] == 200
    bare_server.stop_serving()
    assert request(bare_server, "GET", "/")[0] == 503


def test_an_exception_in_the_handler_is_a_500_and_the_server_goes_on(
    bare_server: GlacierServer,
) -> None:
    def broken(request: HttpRequest) -> HttpResponse:
        raise RuntimeError("boom")

    bare_server.serve(broken)
    status, _headers, body = request(bare_server, "GET", "/")
    assert status == 500
    assert json.loads(body)["message"] == "pytest-glacier server error: RuntimeError: boom"
    bare_server.serve(Recorder())
    assert request(bare_server, "GET", "/")[0] == 200


# -- robustness ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("blank_lines", "status"), [(16, b"200"), (17, b"400")])
def test_empty_lines_before_a_request_line(
    server: GlacierServer, blank_lines: int, status: bytes
) -> None:
    request_line = b"GET /-/vaults HTTP/1.1\r\nHost: x\r\nx-amz-glacier-version: 2012-06-01\r\n"
    with connect(server) as sock:
        sock.sendall(b"\r\n" * blank_lines + request_line + b"Connection: close\r\n\r\n")
        assert receive_all(sock).startswith(b"HTTP/1.1 " + status)
    assert_still_serving(server)


def test_bad_request_line_gets_400(server: GlacierServer) -> None:
    with connect(server) as sock:
        sock.sendall(b"GET /-/vaults with spaces HTTP/1.1\r\nHost: x\r\n\r\n")
        assert receive_all(sock).startswith(b"HTTP/1.1 400")
    assert_still_serving(server)


@pytest.mark.parametrize(
    "garbage",
    [
        b"\x00\xff\xfe garbage \x80\r\n\r\n",
        b"\r\n" * 3 + b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",  # a TLS ClientHello
        b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n",  # a request line too long
        b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * 200 + b"\r\n",  # too many headers
        b"GET / HTTP/2.0\r\n\r\n",
    ],
    ids=["binary", "tls", "long-line", "many-headers", "http2"],
)
def test_garbage_bytes_never_stop_the_server(server: GlacierServer, garbage: bytes) -> None:
    with connect(server) as sock:
        sock.sendall(garbage)
        sock.shutdown(socket.SHUT_WR)
        receive_all(sock)  # whatever the answer, the connection ends
    assert_still_serving(server)


def test_content_length_larger_than_the_body_then_close_gets_400(server: GlacierServer) -> None:
    with connect(server) as sock:
        sock.sendall(
            b"PUT /-/vaults/v HTTP/1.1\r\nHost: x\r\nx-amz-glacier-version: 2012-06-01\r\n"
            b"Content-Length: 100\r\n\r\n0123456789"
        )
        sock.shutdown(socket.SHUT_WR)
        answer = receive_all(sock)
    assert answer.startswith(b"HTTP/1.1 400")
    assert b"the body ended after 10 of the 100 bytes announced" in answer
    assert_still_serving(server)
    assert request(server, "GET", "/-/vaults/v")[0] == 404  # nothing was served


def test_content_length_smaller_than_the_body_does_not_confuse_the_next_request(
    server: GlacierServer,
) -> None:
    with connect(server) as sock:
        sock.sendall(
            b"PUT /-/vaults/v HTTP/1.1\r\nHost: x\r\nx-amz-glacier-version: 2012-06-01\r\n"
            b"Content-Length: 2\r\n\r\n{}trailing junk HTTP/1.1\r\n\r\n"
        )
        sock.shutdown(socket.SHUT_WR)
        answer = receive_all(sock)
    assert answer.startswith(b"HTTP/1.1 201")
    # The junk, read as the next request line: method "trailing" has no route, a Glacier 404.
    assert b"HTTP/1.1 404" in answer
    assert b"No Glacier operation matches TRAILING /" in answer
    assert_still_serving(server)


@pytest.mark.parametrize(
    "framing",
    [
        b"Content-Length: abc\r\n",
        b"Content-Length: -5\r\n",
        b"Content-Length: 3\r\nContent-Length: 4\r\n",
        b"Transfer-Encoding: gzip\r\n",
    ],
    ids=["not-a-number", "negative", "conflicting", "unknown-coding"],
)
def test_invalid_body_framing_gets_400(server: GlacierServer, framing: bytes) -> None:
    with connect(server) as sock:
        sock.sendall(b"PUT /-/vaults/v HTTP/1.1\r\nHost: x\r\n" + framing + b"\r\nabc")
        answer = receive_all(sock)  # the server closes after the 400
    assert answer.startswith(b"HTTP/1.1 400")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert json.loads(body)["code"] == "BadRequest"
    assert b"\r\nx-amzn-RequestId: " in head  # headed as every Glacier error
    assert_still_serving(server)


@pytest.mark.parametrize(
    "body",
    [b"5\r\nab", b"zz\r\nabc\r\n0\r\n\r\n", b"2\r\nabcdef\r\n0\r\n\r\n", b"3\r\nabc\r\n"],
    ids=["truncated-chunk", "bad-size", "chunk-too-long", "no-last-chunk"],
)
def test_broken_chunked_bodies_get_400(server: GlacierServer, body: bytes) -> None:
    with connect(server) as sock:
        sock.sendall(
            b"PUT /-/vaults/v HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + body
        )
        sock.shutdown(socket.SHUT_WR)
        assert receive_all(sock).startswith(b"HTTP/1.1 400")
    assert_still_serving(server)


@pytest.mark.parametrize(
    "partial",
    [
        b"",  # connects and says nothing
        b"GET /-/vaults HT",  # half a request line
        b"GET /-/vaults HTTP/1.1\r\nHost: x\r\n",  # headers never end
    ],
    ids=["silent", "request-line", "headers"],
)
def test_a_stalled_client_is_dropped_and_others_are_served_meanwhile(
    server: GlacierServer, partial: bytes
) -> None:
    with connect(server) as sock:
        sock.sendall(partial)
        assert_still_serving(server)  # while that client stalls
        assert receive_all(sock) == b""  # dropped after STALL_TIMEOUT, without an answer
    assert_still_serving(server)


@pytest.mark.parametrize(
    ("framing", "body", "received"),
    [
        (
            b"Content-Length: 100\r\n",
            b"0123",
            b"4 of the 100 bytes announced by Content-Length arrived",
        ),
        (
            b"Transfer-Encoding: chunked\r\n",
            b"3\r\nabc\r\n5\r\nab",
            b"5 bytes of a chunked body arrived",
        ),
    ],
    ids=["content-length", "chunked"],
)
def test_a_body_that_stalls_gets_408_then_the_connection_closes(
    server: GlacierServer, glacier_mock: GlacierMock, framing: bytes, body: bytes, received: bytes
) -> None:
    # GLACIER_SPEC §2.3: a body not received in time is a 408, not a silent close.
    with connect(server) as sock:
        sock.sendall(
            b"POST /-/vaults/v/archives HTTP/1.1\r\nHost: x\r\n"
            b"x-amz-glacier-version: 2012-06-01\r\n" + framing + b"\r\n" + body
        )
        assert_still_serving(server)  # while that client stalls
        answer = receive_all(sock)  # after STALL_TIMEOUT: the answer, then the close
    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408")
    assert b"\r\nConnection: close" in head
    assert b"\r\nx-amzn-RequestId: " in head  # headed as every Glacier error
    error = json.loads(payload)
    assert (error["code"], error["type"]) == ("RequestTimeoutException", "Client")
    assert error["message"] == (
        f"Request body not received in time: {received.decode()}, then nothing for "
        f"{STALL_TIMEOUT:g} seconds. Send the whole body without pausing (and a Content-Length "
        f"equal to its size); the connection is closed."
    )
    assert_still_serving(server)
    assert [c.operation for c in glacier_mock.calls] == ["ListVaults"] * 2  # the upload never did


def test_many_concurrent_clients_are_served(
    server: GlacierServer, glacier_mock: GlacierMock
) -> None:
    results: list[int] = []

    def create(n: int) -> None:
        results.append(request(server, "PUT", f"/-/vaults/v{n}")[0])

    threads = [threading.Thread(target=create, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SOCKET_TIMEOUT)
    assert results == [201] * 16
    created = {call.params["vaultName"] for call in glacier_mock.calls if call.status_code == 201}
    assert created == {f"v{n}" for n in range(16)}


# -- lifecycle -----------------------------------------------------------------------------------


def _server_threads(port: int) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.endswith(f":{port}") and t.is_alive()]


def test_shutdown_ends_the_thread_closes_connections_and_releases_the_port() -> None:
    server = GlacierServer(timeout=30).start()
    port = server.port
    assert server.endpoint_url == f"http://127.0.0.1:{port}"
    assert len(_server_threads(port)) == 1
    idle = connect(server)
    idle.sendall(b"GET /-/vaults HTTP/1.1\r\nHost: x\r\n\r\n")  # served (503), then kept open
    assert read_response(idle).startswith(b"HTTP/1.1 503")

    server.shutdown()

    assert not server.running
    assert _server_threads(port) == []
    with idle:
        assert receive_all(idle) == b""  # closed by the server, not after its 30 s timeout
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=SOCKET_TIMEOUT).close()
    with socket.socket() as probe:  # the port can be bound again
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))
    server.shutdown()  # twice is fine


def test_a_stopped_server_can_start_again_on_a_free_port() -> None:
    server = GlacierServer()
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.endpoint_url
    assert repr(server) == "<GlacierServer not running>"
    with server:
        assert repr(server) == f"<GlacierServer {server.endpoint_url}>"
        assert server.start() is server  # already running: a no-op
    with server:
        server.serve(Recorder())
        assert request(server, "GET", "/")[0] == 200


def test_binds_loopback_by_default(bare_server: GlacierServer) -> None:
    assert bare_server.host == "127.0.0.1"
    with connect(bare_server) as sock:
        assert sock.getpeername() == ("127.0.0.1", bare_server.port)
