"""The canonical HTTP request and response every transport converts to and from.

A transport (botocore's send path, ``requests`` through ``responses``, the loopback server)
builds an :class:`HttpRequest` from whatever it intercepted, hands it to the wire layer, and turns
the :class:`HttpResponse` it gets back into its own response type. Nothing else crosses the
boundary.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

# Streamed bodies are made by the backend (job output), so the type lives there.
from pytest_glacier.backend.streams import ResponseBody

__all__ = ["Headers", "HttpRequest", "HttpResponse", "ResponseBody"]


class Headers(Mapping[str, str]):
    """Case-insensitive HTTP headers that keep the spelling they were given."""

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        self._items: dict[str, tuple[str, str]] = {}
        pairs = items.items() if isinstance(items, Mapping) else items
        for name, value in pairs:
            self[name] = value

    def __setitem__(self, name: str, value: str) -> None:
        self._items[name.lower()] = (name, value)

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __delitem__(self, name: str) -> None:
        del self._items[name.lower()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items

    def __iter__(self) -> Iterator[str]:
        return (original for original, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Headers({dict(self.items())!r})"


@dataclass
class HttpRequest:
    """One HTTP request as it arrived: ``url`` is absolute (scheme, host, path, query)."""

    method: str
    url: str
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()

    @property
    def path(self) -> str:
        """The raw (still percent-encoded) path."""
        return urlsplit(self.url).path or "/"

    @property
    def query(self) -> list[tuple[str, str]]:
        """The decoded query parameters, in order, repeated names kept."""
        return parse_qsl(urlsplit(self.url).query, keep_blank_values=True)

    @property
    def is_secure(self) -> bool:
        return urlsplit(self.url).scheme == "https"


@dataclass
class HttpResponse:
    """One HTTP response. ``body`` is bytes, or a :class:`ResponseBody` for streamed output."""

    status: int
    headers: Headers = field(default_factory=Headers)
    body: bytes | ResponseBody = b""

    @property
    def content_length(self) -> int:
        return self.body.length if isinstance(self.body, ResponseBody) else len(self.body)

    def read_body(self) -> bytes:
        """The whole body as bytes (consumes a streamed body)."""
        return self.body.read_all() if isinstance(self.body, ResponseBody) else self.body
