"""Serve Glacier requests sent by aiobotocore (and so aioboto3), in-process.

aiobotocore's ``AioEndpoint`` awaits ``self._send(request)`` where botocore calls it plainly, and
reads the response through awaitables: ``await response.content`` for ordinary bodies and an
``AioStreamingBody`` over ``raw.content.read(n)`` for GetJobOutput. While started, this transport
replaces ``AioEndpoint._send`` at class level with a coroutine that answers Glacier URLs from the
handler (converted with the same functions as the botocore transport) and awaits the original
``_send`` for everything else.

aiobotocore is optional: only a copy already imported when the mock starts is patched (import
aiobotocore or aioboto3 at the top of the test module, as usual).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from pytest_glacier.transports.botocore_send import ResponseStream, to_http_request
from pytest_glacier.transports.hosts import serves_glacier
from pytest_glacier.wire.http import HttpResponse

if TYPE_CHECKING:
    from pytest_glacier.transports import Handler

_ENDPOINT_MODULE = "aiobotocore.endpoint"
_AWSREQUEST_MODULE = "aiobotocore.awsrequest"
_MISSING = object()

AsyncSend = Callable[[Any, Any], Coroutine[Any, Any, Any]]


class AsyncResponseStream:
    """The ``raw`` of an ``AioAWSResponse``: awaitable reads over a :class:`ResponseStream`."""

    def __init__(self, url: str, body: HttpResponse) -> None:
        self.url = url
        self._stream = ResponseStream(body.body)
        self._at_eof = False
        self.content = self  # aiohttp's ClientResponse.content is the reader itself here

    async def read(self, amt: int = -1) -> bytes:
        data = self._stream.read(None if amt is None or amt < 0 else amt)
        if not data and amt != 0:
            self._at_eof = True
        return data

    def at_eof(self) -> bool:
        return self._at_eof

    def close(self) -> None:
        self._stream.close()
        self._at_eof = True

    def release(self) -> None:
        self.close()


class AiobotocoreTransport:
    """Answers every Glacier request of every aiobotocore client with the handler while started."""

    def __init__(self) -> None:
        self._handler: Handler | None = None
        self._saved: tuple[type, object] | None = None

    def start(self, handler: Handler) -> None:
        self._handler = handler
        endpoint_module = sys.modules.get(_ENDPOINT_MODULE)
        awsrequest_module = sys.modules.get(_AWSREQUEST_MODULE)
        if self._saved is not None or endpoint_module is None or awsrequest_module is None:
            return
        endpoint_class = getattr(endpoint_module, "AioEndpoint", None)
        response_class = getattr(awsrequest_module, "AioAWSResponse", None)
        if not isinstance(endpoint_class, type) or not isinstance(response_class, type):
            return
        self._saved = (endpoint_class, endpoint_class.__dict__.get("_send", _MISSING))
        original: AsyncSend = getattr(endpoint_class, "_send")  # noqa: B009
        setattr(endpoint_class, "_send", self._replacement(original, response_class))  # noqa: B010

    def stop(self) -> None:
        self._handler = None
        saved, self._saved = self._saved, None
        if saved is None:
            return
        endpoint_class, original = saved
        if original is _MISSING:
            delattr(endpoint_class, "_send")
        else:
            setattr(endpoint_class, "_send", original)  # noqa: B010

    def _replacement(self, original: AsyncSend, response_class: type) -> AsyncSend:
        async def _send(endpoint: Any, request: Any) -> Any:
            handler = self._handler
            if handler is None or not serves_glacier(endpoint, request.url):
                return await original(endpoint, request)
            response = handler(to_http_request(request))
            headers = dict(response.headers.pairs())
            raw = AsyncResponseStream(request.url, response)
            return response_class(request.url, response.status, headers, raw)

        return _send
