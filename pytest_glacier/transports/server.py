"""Serve Glacier over real HTTP on loopback, for code outside the process (CONTRACT §5).

A :class:`GlacierServer` is a small threaded HTTP/1.1 server (``http.server``, one daemon thread
per connection, keep-alive) in a daemon thread of its own. It binds to ``127.0.0.1`` on a free
port unless told otherwise, and converts at the edge like every other transport: each request
becomes an :class:`~pytest_glacier.wire.http.HttpRequest` (absolute URL built from the ``Host``
header and the raw path and query as received, the body read by ``Content-Length`` or in
``chunked`` transfer coding), and the handler's
:class:`~pytest_glacier.wire.http.HttpResponse` is written back, a streamed body chunk by chunk.

The server outlives the mocks it serves: :meth:`GlacierServer.serve` binds it to a handler (the
active mock's ``handle``) and :meth:`GlacierServer.stop_serving` unbinds it. With no handler
bound, every request gets a Glacier-shaped 503 ``ServiceUnavailableException``.

It is meant to survive whatever a client does. A connection that stalls longer than
:attr:`GlacierServer.timeout` is dropped, with a 408 ``RequestTimeoutException`` when it stalls
in the middle of a request body (GLACIER_SPEC §2.3: "body not received in time"); a bad request
line or header block gets the 400 of ``http.server``; a body shorter than its ``Content-Length``
(the client closed its side) or a broken chunked body gets a 400 and the connection is
closed; an exception in one connection is logged (logger ``pytest_glacier.server``, at debug
level: nothing is printed per request) and never stops the server.
:meth:`GlacierServer.shutdown` stops accepting, closes the connections still open, releases the
port and joins the server thread.
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import socketserver
import threading
import time
from datetime import datetime, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from pytest_glacier.backend.errors import (
    BadRequest,
    GlacierError,
    RequestTimeoutException,
    ServiceUnavailableException,
)
from pytest_glacier.backend.ids import request_id
from pytest_glacier.backend.numeric_text import parse_long
from pytest_glacier.transports.hosts import own_server_started, own_server_stopped
from pytest_glacier.wire import encode_error
from pytest_glacier.wire.http import Headers, HttpRequest, HttpResponse, ResponseBody

if TYPE_CHECKING:
    from pytest_glacier.transports import Handler

__all__ = ["GlacierServer"]

logger = logging.getLogger("pytest_glacier.server")

_READ_SIZE = 1 << 20  # bodies are read in pieces: a bogus Content-Length allocates nothing
_LINGER_SECONDS = 1.0  # how long a closing connection drains what the client still sends
_LINGER_BYTES = 16 << 20
_MAX_LINE = 65536  # request, chunk-size and trailer lines
_MAX_EMPTY_LINES = 16  # skipped before a request line
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}")
_HOST_HEADER = re.compile(r"[A-Za-z0-9._~\-]+(?::[0-9]*)?|\[[0-9A-Fa-f:.]+\](?::[0-9]*)?")
_NO_BODY_STATUSES = frozenset({204, 304})

NO_MOCK_MESSAGE = (
    "No Glacier mock is active on this pytest-glacier server: it answers only while a test "
    "uses the glacier_server fixture (or `python -m pytest_glacier serve` runs)."
)


class _BadBody(Exception):
    """The request body does not match its framing (Content-Length or chunked)."""


class GlacierServer:
    """A loopback HTTP server that hands Glacier requests to a handler (the active mock).

    ``port=0`` (the default) picks a free port. Use it as a context manager, or call
    :meth:`start` and :meth:`shutdown`.
    """

    timeout: ClassVar[float] = 20.0
    """Seconds a connection may stay silent (between requests or mid-request) before it is
    dropped; lower it on a subclass or pass ``timeout=`` for tests."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, timeout: float | None = None):
        self._host = host
        self._requested_port = port
        self._timeout = self.timeout if timeout is None else timeout
        self._handler: Handler | None = None
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> GlacierServer:
        """Bind the port and serve in a daemon thread (a no-op when already running)."""
        if self._httpd is not None:
            return self
        httpd = _HTTPServer((self._host, self._requested_port), self, self._timeout)
        thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"pytest-glacier server {self._host}:{httpd.server_address[1]}",
            daemon=True,
        )
        self._httpd, self._thread = httpd, thread
        thread.start()
        for url in self._addresses():
            own_server_started(url)  # in-process Glacier clients sent here reach it over HTTP
        return self

    def _addresses(self) -> tuple[str, ...]:
        return (self.endpoint_url, f"http://localhost:{self.port}")

    def shutdown(self) -> None:
        """Stop serving, close open connections, release the port (a no-op when not running)."""
        self._handler = None
        if self._httpd is None:
            return
        for url in self._addresses():
            own_server_stopped(url)
        httpd, thread = self._httpd, self._thread
        self._httpd = self._thread = None
        httpd.shutdown()  # returns once serve_forever has left its loop
        httpd.close_connections()
        httpd.server_close()
        if thread is not None:
            thread.join(timeout=10)

    def __enter__(self) -> GlacierServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.shutdown()

    @property
    def running(self) -> bool:
        return self._httpd is not None

    # -- where it is --------------------------------------------------------------------------

    @property
    def host(self) -> str:
        return self._host

    @property
    def port(self) -> int:
        """The bound port (the free one picked when started with ``port=0``)."""
        if self._httpd is None:
            raise RuntimeError("the Glacier server is not running: call start() first")
        return int(self._httpd.server_address[1])

    @property
    def endpoint_url(self) -> str:
        """``http://127.0.0.1:<port>``: what ``AWS_ENDPOINT_URL_GLACIER`` is set to."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    # -- what it serves -----------------------------------------------------------------------

    def serve(self, handler: Handler) -> None:
        """Answer every request with ``handler`` from now on (replacing any previous one)."""
        self._handler = handler

    def stop_serving(self) -> None:
        """Answer 503 until :meth:`serve` is called again."""
        self._handler = None

    @property
    def handler(self) -> Handler | None:
        return self._handler

    def __repr__(self) -> str:
        where = self.endpoint_url if self.running else "not running"
        return f"<GlacierServer {where}>"


class _HTTPServer(socketserver.ThreadingMixIn, HTTPServer):
    """``ThreadingHTTPServer`` that knows its :class:`GlacierServer` and its open connections."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = 128  # socketserver's 5 resets connections a parallel test suite opens

    def __init__(self, address: tuple[str, int], owner: GlacierServer, timeout: float) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.owner = owner
        self.connection_timeout = timeout
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _RequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's FQDN, which can wait on DNS: skip that.
        socketserver.TCPServer.server_bind(self)
        self.server_name = str(self.server_address[0])
        self.server_port = int(self.server_address[1])
        host = f"[{self.server_name}]" if ":" in self.server_name else self.server_name
        self.authority = f"{host}:{self.server_port}"

    def track(self, connection: socket.socket, *, open_: bool) -> None:
        with self._connections_lock:
            if open_:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def close_connections(self) -> None:
        """Shut down every connection still open, so their threads see EOF and end."""
        with self._connections_lock:
            connections, self._connections = self._connections, set()
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by the client or its thread
                connection.shutdown(socket.SHUT_RDWR)

    def shutdown_request(self, request: Any) -> None:
        """Close a connection gracefully ("lingering close"), never with a reset.

        Closing a socket that still has unread input makes the kernel send a reset, which can
        destroy answers already written but not yet received (a client that pipelined a request
        after one that was refused). So: send FIN first, drain the input briefly, then close.
        """
        try:
            request.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + _LINGER_SECONDS
            drained = 0
            while drained < _LINGER_BYTES:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                request.settimeout(remaining)
                piece = request.recv(65536)
                if not piece:
                    break
                drained += len(piece)
        except OSError:  # timeouts included: the client neither sent more nor closed
            pass
        self.close_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # socketserver prints the traceback to stderr by default; one bad connection is not news.
        logger.debug("error on a connection from %s", client_address, exc_info=True)


class _RequestHandler(BaseHTTPRequestHandler):
    """One connection: parse each request, ask the handler, write the answer."""

    protocol_version = "HTTP/1.1"
    default_request_version = "HTTP/1.1"  # so that even a garbled request line gets a status line
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    server_version = "pytest-glacier"
    sys_version = ""
    server: _HTTPServer
    raw_requestline: bytes
    _body_received = 0
    """Body bytes of the current request read so far (for the 408 message)."""
    _body_announced: int | None = None
    """The current request's ``Content-Length``; None for a chunked body."""

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.connection_timeout)
        self.server.track(self.connection, open_=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, open_=False)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base's name)
        logger.debug("%s " + format, self.address_string(), *args)

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except _BadBody as problem:
            self.close_connection = True
            self._write(_error(BadRequest(str(problem))))
            return
        except TimeoutError:
            # The client is still there but stopped sending: tell it why it is dropped, as
            # Glacier does (a client waiting for its answer would otherwise see a bare close).
            self.close_connection = True
            self._write(_error(self._body_timeout()))
            return
        except ConnectionError:
            self.close_connection = True  # gone mid-body: nobody to answer
            return
        handler = self.server.owner.handler
        if handler is None:
            self._write(_error(_NoMock(NO_MOCK_MESSAGE)))
            return
        try:
            request = self._to_http_request(body)
        except ValueError as problem:  # an absolute-form target that is not a URL
            self._write(_error(BadRequest(f"Invalid request target: {problem}")))
            return
        try:
            response = handler(request)
        except Exception as bug:  # the service answers its own bugs; this is a last resort
            logger.exception("the Glacier handler raised")
            message = f"pytest-glacier server error: {type(bug).__name__}: {bug}"
            response = _error(_InternalError(message))
        self._write(response)

    # http.server calls do_<METHOD>; Glacier's router decides what each method may do.
    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _serve  # noqa: N815

    def parse_request(self) -> bool:
        self.command, self.request_version = "", self.default_request_version  # for send_error
        # RFC 9112 §2.2: empty lines before a request line are ignored, not a reason to hang up.
        for _ in range(_MAX_EMPTY_LINES):
            if self.raw_requestline.strip() or not self.raw_requestline:
                break
            self.raw_requestline = self.rfile.readline(_MAX_LINE + 1)
        if self.raw_requestline and not self.raw_requestline.strip():
            self.send_error(
                HTTPStatus.BAD_REQUEST,
                f"more than {_MAX_EMPTY_LINES} empty lines before the request line",
            )
            return False
        if len(self.raw_requestline) > _MAX_LINE:
            self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
            return False
        line = str(self.raw_requestline, "iso-8859-1")
        if line.strip("\r\n") and not line.split():  # only bytes str.split() takes for spaces
            self.send_error(HTTPStatus.BAD_REQUEST, f"Bad request syntax ({line[:40]!r})")
            return False
        return super().parse_request()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own refusals, answered as Glacier would: JSON, never an HTML page.

        A method without a ``do_`` method (501 in http.server) goes to the router like any
        other, which answers the 404 of a request no operation serves. Everything else
        http.server refuses (a request line, header block or version it cannot parse) is a
        400 ``BadRequest``, and the connection is closed.
        """
        if code == HTTPStatus.NOT_IMPLEMENTED and self.command:
            self._serve()
            return
        self.close_connection = True
        reason = message or self.responses.get(code, ("",))[0]
        self._write(_error(BadRequest(f"Malformed HTTP request ({code}: {reason}).")))

    # -- request: HTTP -> canonical -------------------------------------------------------------

    def _to_http_request(self, body: bytes) -> HttpRequest:
        target = self.path
        if not target.lower().startswith(("http://", "https://")):  # origin-form (the usual)
            target = f"http://{self._authority()}{target if target.startswith('/') else '/'}"
        else:
            urlsplit(target)  # ValueError for what is no URL (e.g. "http://[::1")
        return HttpRequest(
            method=self.command,
            url=target,
            headers=Headers(self.headers.items()),
            body=body,
        )

    def _authority(self) -> str:
        host = (self.headers.get("Host") or "").strip()
        if _HOST_HEADER.fullmatch(host):
            return host
        return self.server.authority

    def _body_timeout(self) -> RequestTimeoutException:
        if self._body_announced is None:
            received = f"{self._body_received} bytes of a chunked body arrived"
        else:
            received = (
                f"{self._body_received} of the {self._body_announced} bytes announced by "
                f"Content-Length arrived"
            )
        return RequestTimeoutException(
            f"Request body not received in time: {received}, then nothing for "
            f"{self.server.connection_timeout:g} seconds. Send the whole body without pausing "
            f"(and a Content-Length equal to its size); the connection is closed."
        )

    def _read_body(self) -> bytes:
        self._body_received, self._body_announced = 0, None
        transfer_encoding = (self.headers.get("Transfer-Encoding") or "").strip().lower()
        if transfer_encoding:
            if transfer_encoding != "chunked":
                raise _BadBody(f"unsupported Transfer-Encoding: {transfer_encoding!r}")
            return self._read_chunked()
        lengths = {value.strip() for value in self.headers.get_all("Content-Length") or []}
        if not lengths:
            return b""
        if len(lengths) > 1:
            raise _BadBody(f"conflicting Content-Length headers: {sorted(lengths)}")
        (text,) = lengths
        length = parse_long(text)  # ASCII digits only ("²".isdigit() is true), at most a long
        if length is None:
            raise _BadBody(f"invalid Content-Length: {text[:40]!r}")
        self._body_announced = length
        return self._read_exactly(length)

    def _read_exactly(self, length: int) -> bytes:
        pieces: list[bytes] = []
        remaining = length
        while remaining > 0:
            # read1, not read: one receive at a time, so that a timeout loses no count of what
            # arrived before it (read would discard its partial result with the exception).
            piece = self.rfile.read1(min(remaining, _READ_SIZE))
            if not piece:
                raise _BadBody(
                    f"the body ended after {length - remaining} of the {length} bytes announced"
                )
            pieces.append(piece)
            remaining -= len(piece)
            self._body_received += len(piece)
        return b"".join(pieces)

    def _read_chunked(self) -> bytes:
        pieces: list[bytes] = []
        while True:
            size_field = self._read_line().split(b";", 1)[0].strip()
            if not _CHUNK_SIZE.fullmatch(size_field):
                raise _BadBody(f"invalid chunk size: {size_field[:32]!r}")
            size = int(size_field, 16)
            if size == 0:
                break
            pieces.append(self._read_exactly(size))
            if self._read_line().strip():
                raise _BadBody("a chunk is longer than its size")
        while self._read_line().strip():  # trailer fields, ignored
            pass
        return b"".join(pieces)

    def _read_line(self) -> bytes:
        line = self.rfile.readline(_MAX_LINE + 1)
        if len(line) > _MAX_LINE:
            raise _BadBody("a line of the chunked body is too long")
        if not line.endswith(b"\n"):
            raise _BadBody("the chunked body ended early")
        return line

    # -- response: canonical -> HTTP ------------------------------------------------------------

    def _write(self, response: HttpResponse) -> None:
        if self.request_version == "HTTP/0.9":
            # An HTTP/0.9 answer has no status line: answer as HTTP/1.0 instead (and close).
            self.request_version = "HTTP/1.0"
        try:
            self.send_response_only(response.status)
            for name, value in response.headers.items():
                if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                    self.send_header(name, value)
            has_body = response.status not in _NO_BODY_STATUSES and response.status >= 200
            if has_body:
                self.send_header("Content-Length", str(response.content_length))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if has_body and self.command != "HEAD":
                self._write_body(response.body, response.content_length)
            self.wfile.flush()
        except (TimeoutError, ConnectionError):
            self.close_connection = True
        finally:
            _close(response.body)

    def _write_body(self, body: bytes | ResponseBody, length: int) -> None:
        if isinstance(body, bytes):
            self.wfile.write(body)
            return
        written = 0
        for chunk in body:
            if chunk:
                self.wfile.write(chunk)
                written += len(chunk)
        if written != length:  # the framing is broken now: the client must not reuse it
            logger.error("a streamed body had %d bytes, not the %d announced", written, length)
            self.close_connection = True


class _NoMock(ServiceUnavailableException):
    """No mock to answer: 503, the status of a service that is there but not serving yet."""

    status = 503


class _InternalError(ServiceUnavailableException):
    """The handler itself raised (the service answers its own bugs: this is a last resort)."""

    status = 500


def _error(error: GlacierError) -> HttpResponse:
    """An error the server answers itself (no mock, a request it cannot read), shaped and
    headed as every other Glacier error response: the same serializer makes it."""
    return encode_error(error, request_id=request_id(), date=datetime.now(timezone.utc))


def _close(body: bytes | ResponseBody) -> None:
    close = getattr(iter(body), "close", None) if isinstance(body, ResponseBody) else None
    if callable(close):
        close()
