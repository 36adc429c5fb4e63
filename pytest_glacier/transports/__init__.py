"""How Glacier requests reach the wire layer.

A transport intercepts requests where some client library sends them, turns each one addressed
to a Glacier endpoint into an :class:`~pytest_glacier.wire.http.HttpRequest`, asks the handler,
and turns the :class:`~pytest_glacier.wire.http.HttpResponse` back into that library's response.
Everything else passes through untouched. It converts at the edge and does nothing more.

* :class:`BotocoreTransport`: botocore's HTTP send path (boto3 clients and resources).
* :class:`RequestsTransport`: the ``requests`` library, through ``responses``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from pytest_glacier.transports.aiobotocore_send import AiobotocoreTransport
from pytest_glacier.transports.botocore_send import BotocoreTransport
from pytest_glacier.transports.hosts import is_glacier_host, is_glacier_url
from pytest_glacier.transports.moto_bypass import MotoBypass
from pytest_glacier.transports.requests_transport import RequestsTransport
from pytest_glacier.wire.http import HttpRequest, HttpResponse

__all__ = [
    "AiobotocoreTransport",
    "BotocoreTransport",
    "Handler",
    "MotoBypass",
    "RequestsTransport",
    "Transport",
    "is_glacier_host",
    "is_glacier_url",
]

Handler = Callable[[HttpRequest], HttpResponse]
"""Serves one Glacier request: what a transport is started with."""


class Transport(Protocol):
    """Routes the Glacier requests of one client library to a handler while started."""

    def start(self, handler: Handler) -> None:
        """Begin intercepting; Glacier requests go to ``handler``."""

    def stop(self) -> None:
        """Stop intercepting and restore what was patched (a no-op when not started)."""
