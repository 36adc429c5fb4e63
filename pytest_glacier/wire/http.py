"""The canonical HTTP request and response every transport converts to and from.

A transport (botocore's send path, ``requests`` through ``responses``, the loopback server)
builds an :class:`HttpRequest` from whatever it intercepted, hands it to the wire layer, and turns
the :class:`HttpResponse` it gets back into its own response type. Nothing else crosses the
boundary.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TypeVar, overload
from urllib.parse import SplitResult, parse_qsl, urlsplit

# Streamed bodies are made by the backend (job output), so the type lives there.
from pytest_glacier.backend.streams import ResponseBody

__all__ = ["Headers", "HttpRequest", "HttpResponse", "ResponseBody"]

T = TypeVar("T")


class Headers(Mapping[str, str]):
    """Case-insensitive HTTP headers that keep the spelling they were given."""

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        # type() first: isinstance() against the Mapping ABC is slow, and most calls pass a dict.
        pairs = items.items() if type(items) is dict or isinstance(items, Mapping) else items
        self._items: dict[str, tuple[str, str]] = {
            name.lower(): (name, value) for name, value in pairs
        }

    @classmethod
    def keyed(cls, items: dict[str, tuple[str, str]]) -> Headers:
        """Headers made from ``{lowercase name: (name as given, value)}``, taken as it is.

        For transports converting many requests: no second pass over the headers.
        """
        headers = cls.__new__(cls)
        headers._items = items
        return headers

    def __setitem__(self, name: str, value: str) -> None:
        self._items[name.lower()] = (name, value)

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __delitem__(self, name: str) -> None:
        del self._items[name.lower()]

    @overload
    def get(self, name: str, /) -> str | None: ...

    @overload
    def get(self, name: str, /, default: str | T) -> str | T: ...

    def get(self, name: str, /, default: object = None) -> object:
        item = self._items.get(name.lower())
        return default if item is None else item[1]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items

    def __iter__(self) -> Iterator[str]:
        return (original for original, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Headers({dict(self.items())!r})"

    def pairs(self) -> list[tuple[str, str]]:
        """Every ``(name, value)`` with the name as given: what transports hand on."""
        return list(self._items.values())


@dataclass
class HttpRequest:
    """One HTTP request as it arrived: ``url`` is absolute (scheme, host, path, query).

    The URL is taken apart once (again only if ``url`` is replaced), however often its parts
    are asked for.
    """

    method: str
    url: str
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""
    _parsed: tuple[str, SplitResult, list[tuple[str, str]]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def _url_parts(self) -> tuple[str, SplitResult, list[tuple[str, str]]]:
        parsed = self._parsed
        if parsed is None or parsed[0] is not self.url:
            parts = urlsplit(self.url)
            query = parse_qsl(parts.query, keep_blank_values=True) if parts.query else []
            parsed = self._parsed = (self.url, parts, query)
        return parsed

    @property
    def host(self) -> str:
        return (self._url_parts()[1].hostname or "").lower()

    @property
    def path(self) -> str:
        """The raw (still percent-encoded) path."""
        return self._url_parts()[1].path or "/"

    @property
    def query(self) -> list[tuple[str, str]]:
        """The decoded query parameters, in order, repeated names kept."""
        return self._url_parts()[2]

    @property
    def is_secure(self) -> bool:
        return self._url_parts()[1].scheme == "https"


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
