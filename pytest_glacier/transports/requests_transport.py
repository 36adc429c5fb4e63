"""Serve Glacier requests made with ``requests`` (raw REST calls, presigned URLs) via responses.

While a :class:`RequestsTransport` is started, a ``responses.RequestsMock`` of our own is active.
It has one callback per HTTP method on a regular expression of Glacier URLs (see
:mod:`pytest_glacier.transports.hosts`); the callback converts the ``PreparedRequest`` to an
:class:`~pytest_glacier.wire.http.HttpRequest`, asks the handler, and returns the answer as
``(status, headers, body)``. Every other URL passes through to where it would have gone.

``responses`` patches ``HTTPAdapter.send``, and each ``RequestsMock`` sends what it does not
match to a "real" send captured when ``responses`` was imported. So two active mocks bypass each
other unless told otherwise. Ours must coexist with one the user activates in the same test:

* **Theirs started before ours.** Ours is created with ``real_adapter_send=`` the
  ``HTTPAdapter.send`` current at our start, which is their mock's send: what ours passes
  through reaches their mock, whose registered URLs keep working.
* **Theirs started after ours** (``@responses.activate``, ``with responses.RequestsMock()``).
  Their send is now outermost and would answer Glacier URLs itself (with "Connection refused by
  Responses", or by passing them to the network). So while we are started,
  ``RequestsMock._on_request``, the method every mock's send calls, is wrapped on the class: a
  Glacier URL received by any other mock instance is handed to ours (still through
  ``responses``, so it is recorded and answered like any request ours receives directly); every
  other URL stays with the mock that received it. The wrapper is removed on stop, and is inert
  after that if it cannot be removed because something wrapped the method on top of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import responses
from requests import ConnectionError as RequestsConnectionError
from requests import PreparedRequest
from requests.adapters import HTTPAdapter

from pytest_glacier.transports.botocore_send import header_text, read_body
from pytest_glacier.transports.hosts import GLACIER_URL_PATTERN, is_glacier_url
from pytest_glacier.wire.http import Headers, HttpRequest, HttpResponse

if TYPE_CHECKING:
    from pytest_glacier.transports import Handler

__all__ = ["RequestsTransport", "to_callback_result", "to_http_request"]

_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")
_EVERY_URL = re.compile("")  # as a passthru prefix: whatever ours does not match goes on

CallbackResult = tuple[int, dict[str, str], bytes]
"""What a ``responses`` callback returns: status, headers, body."""

OnRequest = Callable[..., Any]
"""``RequestsMock._on_request(self, adapter, request, **kwargs)`` (untyped in ``responses``)."""


class RequestsTransport:
    """Answers every Glacier request made with ``requests`` with the handler while started."""

    def __init__(self) -> None:
        self._handler: Handler | None = None
        self._mock: responses.RequestsMock | None = None
        self._hook: _OnRequestHook | None = None

    def start(self, handler: Handler) -> None:
        """Activate our ``RequestsMock``; starting again only replaces the handler."""
        self._handler = handler
        if self._mock is not None:
            return
        mock = responses.RequestsMock(
            assert_all_requests_are_fired=False,
            real_adapter_send=HTTPAdapter.send,  # whatever is current: maybe a user's mock
        )
        mock.add_passthru(_EVERY_URL)
        for method in _METHODS:
            mock.add_callback(
                method, GLACIER_URL_PATTERN, callback=self._respond, content_type=None
            )
        # Any other method (TRACE, or one made up) to a Glacier URL is the mock's to answer
        # too: passed through, it would reach the network.
        mock.add(
            _OtherMethodCallback("OTHER", GLACIER_URL_PATTERN, self._respond, content_type=None)
        )
        self._hook = _OnRequestHook.install(mock)
        mock.start()
        self._mock = mock

    def stop(self) -> None:
        """Deactivate our mock and the ``_on_request`` wrapper (a no-op when not started)."""
        self._handler = None
        mock, hook = self._mock, self._hook
        self._mock = self._hook = None
        if mock is not None:
            mock.stop(allow_assert=False)
        if hook is not None:
            hook.remove()

    def _respond(self, request: PreparedRequest) -> CallbackResult:
        handler = self._handler
        if handler is None:  # a request racing with stop()
            raise RequestsConnectionError("pytest-glacier's Glacier mock has stopped")
        return to_callback_result(handler(to_http_request(request)), request.method)


class _OtherMethodCallback(responses.CallbackResponse):
    """A callback for Glacier URLs requested with a method none of ``_METHODS`` is."""

    def matches(self, request: PreparedRequest) -> tuple[bool, str]:
        if request.method in _METHODS:
            return False, "Method is served by another callback"
        if not is_glacier_url(str(request.url or "")):
            return False, "URL does not match"
        return True, ""


class _OnRequestHook:
    """``RequestsMock._on_request`` wrapped on the class: other mocks hand Glacier URLs to ours."""

    def __init__(self, ours: responses.RequestsMock) -> None:
        self._saved = vars(responses.RequestsMock).get("_on_request")
        self._active = True
        original: OnRequest = responses.RequestsMock._on_request

        def _on_request(mock: responses.RequestsMock, adapter: Any, req: Any, **kwargs: Any) -> Any:
            if mock is not ours and self._active and is_glacier_url(str(req.url or "")):
                mock = ours
            return original(mock, adapter, req, **kwargs)

        self._wrapper = _on_request

    @classmethod
    def install(cls, ours: responses.RequestsMock) -> _OnRequestHook:
        hook = cls(ours)
        setattr(responses.RequestsMock, "_on_request", hook._wrapper)  # noqa: B010
        return hook

    def remove(self) -> None:
        self._active = False
        if vars(responses.RequestsMock).get("_on_request") is not self._wrapper:
            return  # wrapped again on top of ours: leave theirs, ours is inert now
        if self._saved is None:
            delattr(responses.RequestsMock, "_on_request")
        else:
            setattr(responses.RequestsMock, "_on_request", self._saved)  # noqa: B010


# -- requests -> canonical ---------------------------------------------------------------------


def to_http_request(request: PreparedRequest) -> HttpRequest:
    """A ``PreparedRequest`` as an :class:`HttpRequest` (the body read in full)."""
    headers = Headers((name, header_text(value)) for name, value in request.headers.items())
    return HttpRequest(
        method=request.method or "GET",
        url=str(request.url or ""),
        headers=headers,
        body=read_body(request.body),
    )


# -- canonical -> responses --------------------------------------------------------------------


def to_callback_result(response: HttpResponse, method: str | None = None) -> CallbackResult:
    """An :class:`HttpResponse` as a ``responses`` callback result (a streamed body is joined).

    The answer to a ``HEAD`` request has no body on the wire, whatever the handler returned.
    """
    body = b"" if method == "HEAD" else response.read_body()
    return response.status, dict(response.headers.items()), body
