"""Serve Glacier requests sent by botocore, at the HTTP send seam of ``Endpoint``.

botocore sends every request through ``Endpoint._send(request)`` (after the ``before-send``
event, before urllib3). While a :class:`BotocoreTransport` is started, that method is replaced
*on the class*, so every client is served whatever its session or region and whenever it was
created, including clients created before the mock started. The replacement looks at the URL
first and only then converts anything:

* a Glacier client's request, whatever its ``endpoint_url``, or any request to a Glacier URL
  (see :func:`~pytest_glacier.transports.hosts.serves_glacier`) becomes an
  :class:`~pytest_glacier.wire.http.HttpRequest` for the handler, whose
  :class:`~pytest_glacier.wire.http.HttpResponse` goes back as a botocore ``AWSResponse``;
* anything else goes to the ``_send`` that was there before, untouched.

Every loaded copy of botocore is patched, because awscli may vendor its own under another module
name (``awscli.botocore``): any module named ``botocore.endpoint`` or ``*.botocore.endpoint``
with an ``Endpoint`` class that has ``_send``. Stopping puts back exactly what was there.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

import botocore.endpoint  # noqa: F401 (so the canonical copy is loaded, hence patched)

from pytest_glacier.transports.hosts import serves_glacier
from pytest_glacier.transports.loaded import loaded_copies
from pytest_glacier.wire.http import Headers, HttpRequest, HttpResponse, ResponseBody

if TYPE_CHECKING:
    from pytest_glacier.transports import Handler

__all__ = [
    "BotocoreTransport",
    "ResponseStream",
    "SendFunction",
    "header_text",
    "read_body",
    "to_aws_response",
    "to_http_request",
]

_ENDPOINT_MODULE = "botocore.endpoint"
_MISSING = object()

SendFunction = Callable[[Any, Any], Any]
"""``Endpoint._send(self, request) -> AWSResponse``: botocore objects are untyped here."""
Serve = Callable[[Any, Any], HttpResponse | None]
"""``(endpoint, request) -> response``, or ``None`` to send the request as botocore would."""


class BotocoreTransport:
    """Answers every Glacier request of every botocore client with the handler while started."""

    def __init__(self) -> None:
        self._handler: Handler | None = None
        self._patches: list[_SendPatch] = []

    def start(self, handler: Handler) -> None:
        """Patch every loaded botocore; starting again only replaces the handler."""
        self._handler = handler
        if not self._patches:
            self._patches = [_SendPatch.install(copy, self._serve) for copy in _botocore_copies()]

    def stop(self) -> None:
        """Restore the original ``_send`` methods (a no-op when not started)."""
        self._handler = None
        patches, self._patches = self._patches, []
        for patch in reversed(patches):
            patch.remove()

    def _serve(self, endpoint: Any, request: Any) -> HttpResponse | None:
        """The handler's answer to a Glacier request, or ``None`` to let it pass through."""
        handler = self._handler
        if handler is None or not serves_glacier(endpoint, request.url):
            return None
        return handler(to_http_request(request))


@dataclass(frozen=True)
class _BotocoreCopy:
    """One loaded botocore: its ``Endpoint`` class and its ``AWSResponse`` class."""

    endpoint_class: type
    response_class: type


def _botocore_copies() -> list[_BotocoreCopy]:
    """Every distinct botocore currently imported (the canonical one and vendored ones)."""
    copies: dict[int, _BotocoreCopy] = {}
    for name, module in loaded_copies(_ENDPOINT_MODULE):
        copy = _copy_of(name, module)
        if copy is not None:
            copies.setdefault(id(copy.endpoint_class), copy)
    return list(copies.values())


def _copy_of(name: str, module: ModuleType | None) -> _BotocoreCopy | None:
    endpoint_class = getattr(module, "Endpoint", None)
    if not isinstance(endpoint_class, type) or not callable(getattr(endpoint_class, "_send", None)):
        return None
    package = name.rpartition(".")[0]
    try:
        response_class = importlib.import_module(f"{package}.awsrequest").AWSResponse
    except (ImportError, AttributeError):
        return None  # something named like botocore that is not a copy of it
    return _BotocoreCopy(endpoint_class, response_class)


class _SendPatch:
    """``Endpoint._send`` of one botocore copy, replaced by a function that asks ``serve``."""

    def __init__(self, copy: _BotocoreCopy, serve: Serve) -> None:
        self._class = copy.endpoint_class
        self._saved = self._class.__dict__.get("_send", _MISSING)
        original: SendFunction = getattr(self._class, "_send")  # noqa: B009 (untyped botocore)
        response_class = copy.response_class

        def _send(endpoint: Any, request: Any) -> Any:
            response = serve(endpoint, request)
            if response is None:
                return original(endpoint, request)
            return to_aws_response(response_class, request.url, response)

        self._replacement = _send

    @classmethod
    def install(cls, copy: _BotocoreCopy, serve: Serve) -> _SendPatch:
        patch = cls(copy, serve)
        setattr(patch._class, "_send", patch._replacement)  # noqa: B010
        return patch

    def remove(self) -> None:
        """Put back what was there, unless someone patched on top of us since.

        In that case our function stays in their chain, but the transport is stopped by then,
        so it passes every request to the original ``_send``.
        """
        if self._class.__dict__.get("_send") is not self._replacement:
            return
        if self._saved is _MISSING:
            delattr(self._class, "_send")
        else:
            setattr(self._class, "_send", self._saved)  # noqa: B010


# -- botocore -> canonical ---------------------------------------------------------------------


def to_http_request(request: Any) -> HttpRequest:
    """An ``AWSPreparedRequest`` as an :class:`HttpRequest` (the body read in full)."""
    return HttpRequest(
        method=request.method,
        url=request.url,
        headers=Headers.keyed(_keyed_headers(request.headers)),
        body=read_body(request.body),
    )


def _keyed_headers(headers: Any) -> dict[str, tuple[str, str]]:
    """A prepared request's ``HeadersDict`` as ``{lower-case name: (name, text)}``.

    ``HeadersDict`` keeps each header under a key object holding the name as given and in lower
    case (``_key``, ``_lower``); reading those directly saves a Python-level call per header,
    which is most of the conversion. Any other mapping is read through ``items()``.
    """
    raw = getattr(headers, "_dict", None)
    if type(raw) is dict:
        try:
            # botocore sends the values as bytes, nearly always ASCII: decoded without a call.
            return {
                key._lower: (
                    key._key,
                    value.decode("ascii")
                    if type(value) is bytes and value.isascii()
                    else header_text(value),
                )
                for key, value in raw.items()
            }
        except AttributeError:
            pass  # not the HeadersDict this was written against
    return {str(key).lower(): (str(key), header_text(value)) for key, value in headers.items()}


def header_text(value: str | bytes) -> str:
    """botocore encodes header values to UTF-8 bytes just before sending; undo that."""
    if isinstance(value, str):
        return value
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


def read_body(body: object) -> bytes:
    """The bytes of a request body: bytes, str, a file-like object, chunks, or ``None``.

    A file-like body is read in full and, when seekable, put back where it was, so botocore can
    still rewind it for a retry. (Shared with the ``requests`` transport, whose bodies may also
    be an iterable of chunks.)
    """
    if body is None:
        return b""
    if isinstance(body, bytes | bytearray | memoryview):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    if callable(getattr(body, "read", None)):
        return _read_stream(body)
    if isinstance(body, Iterable):
        return b"".join(_chunk_bytes(chunk) for chunk in body)
    raise TypeError(f"cannot read a request body of type {type(body).__name__}")


def _chunk_bytes(chunk: object) -> bytes:
    if isinstance(chunk, str):
        return chunk.encode("utf-8")
    if isinstance(chunk, bytes | bytearray | memoryview):
        return bytes(chunk)
    raise TypeError(f"cannot read a request body chunk of type {type(chunk).__name__}")


def _read_stream(stream: Any) -> bytes:
    position = _position(stream)
    data = stream.read()
    if position is not None:
        stream.seek(position)
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def _position(stream: Any) -> int | None:
    try:
        return int(stream.tell()) if stream.seekable() else None
    except (AttributeError, OSError, ValueError):
        return None


# -- canonical -> botocore ---------------------------------------------------------------------


def to_aws_response(response_class: type, url: str, response: HttpResponse) -> Any:
    """An :class:`HttpResponse` as an ``AWSResponse`` of the given botocore copy."""
    headers = dict(response.headers.pairs())
    return response_class(url, response.status, headers, ResponseStream(response.body))


def _as_bytes(piece: bytes | memoryview) -> bytes:
    """``piece`` as bytes: a view of a whole stored part is that part, any other view a copy.

    Copying happens only here, at the edge, and not at all when a read asks for whole parts.
    """
    if isinstance(piece, bytes):
        return piece
    whole = piece.obj
    if type(whole) is bytes and piece.nbytes == len(whole):
        return whole
    return bytes(piece)


class ResponseStream:
    """The ``raw`` of an ``AWSResponse``: what botocore reads a response body from.

    botocore joins ``stream()`` for ordinary responses and wraps the object in a
    ``StreamingBody`` (which calls ``read(amt)``) for GetJobOutput. A streamed
    :class:`ResponseBody` is pulled chunk by chunk as it is read, never joined up front.
    """

    def __init__(self, body: bytes | ResponseBody) -> None:
        chunks: Iterable[bytes | memoryview] = body if isinstance(body, ResponseBody) else (body,)
        self._chunks: Iterator[bytes | memoryview] = iter(chunks)
        self._pending: bytes | memoryview = b""  # the chunk being read, from ``_offset`` on
        self._offset = 0
        self._position = 0

    def stream(self, amt: int | None = None, decode_content: bool | None = None) -> Iterator[bytes]:
        """Yield the rest of the body: in the chunks it was made of, or of at most ``amt``."""
        del decode_content  # urllib3's signature; the body is never content-encoded
        if not amt and self._offset >= len(self._pending):
            # Nothing partly read (botocore reading a whole response): the chunks as they are.
            for chunk in self._chunks:
                self._position += len(chunk)
                yield _as_bytes(chunk)
            return
        while chunk := self._next_chunk(amt or None):
            yield _as_bytes(chunk)

    def read(self, amt: int | None = None) -> bytes:
        """Up to ``amt`` bytes (all that is left when ``amt`` is ``None`` or negative)."""
        wanted = None if amt is None or amt < 0 else amt
        pieces: list[bytes | memoryview] = []
        while wanted is None or wanted > 0:
            piece = self._next_chunk(wanted)
            if not piece:
                break
            pieces.append(piece)
            wanted = None if wanted is None else wanted - len(piece)
        return _as_bytes(pieces[0]) if len(pieces) == 1 else b"".join(pieces)

    def readinto(self, buffer: bytearray | memoryview) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def close(self) -> None:
        """Drop the rest of the body (closing a generator of chunks, if it is one)."""
        close = getattr(self._chunks, "close", None)
        if callable(close):
            close()
        self._chunks = iter(())
        self._pending, self._offset = b"", 0

    def _next_chunk(self, limit: int | None) -> bytes | memoryview:
        """The next piece of at most ``limit`` bytes; ``b""`` at the end of the body.

        A whole chunk is handed on as it is; only a partial read copies (just what it returns).
        """
        while self._offset >= len(self._pending):
            chunk = next(self._chunks, None)
            if chunk is None:
                return b""
            self._pending, self._offset = chunk, 0
        start = self._offset
        end = len(self._pending) if limit is None else min(start + limit, len(self._pending))
        self._offset = end
        self._position += end - start
        whole = start == 0 and end == len(self._pending)
        return self._pending if whole else self._pending[start:end]
