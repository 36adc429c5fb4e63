"""Bodies streamed rather than held as one ``bytes`` object: job output over stored parts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator


class ResponseBody:
    """A response body that is streamed rather than held as one ``bytes`` object.

    Job output (archive bytes) is served from the stored parts without joining them; a body is
    an iterable of chunks with a known total length. A chunk may be a ``memoryview`` of stored
    bytes: transports turn chunks into ``bytes`` only as they hand them on.
    """

    def __init__(self, chunks: Iterable[bytes | memoryview], length: int) -> None:
        self._chunks = iter(chunks)
        self.length = length

    def __iter__(self) -> Iterator[bytes | memoryview]:
        return self._chunks

    def read_all(self) -> bytes:
        return b"".join(self._chunks)
