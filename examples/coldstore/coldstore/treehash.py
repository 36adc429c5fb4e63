"""Glacier's SHA-256 tree hash, computed incrementally.

Glacier hashes every 1 MiB chunk of a payload with SHA-256, then hashes adjacent pairs of
digests level by level (an odd digest at the end of a level moves up unchanged) until one is
left. Feeding bytes in any pieces gives the same result, so a file can be hashed while it is
read or downloaded, and the chunk digests of a part can be kept to hash the whole archive
without reading it again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

MIB = 1024 * 1024


def combine(digests: Sequence[bytes]) -> bytes:
    """The root of the tree over ``digests`` (raw 32-byte SHA-256 digests, in order)."""
    if not digests:
        return hashlib.sha256(b"").digest()
    level = list(digests)
    while len(level) > 1:
        paired = [
            hashlib.sha256(level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


class TreeHash:
    """An incremental tree hash: ``update()`` with bytes, then ``hexdigest()``."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._current = hashlib.sha256()
        self._current_size = 0
        self.size = 0

    def update(self, data: bytes | memoryview) -> None:
        """Feed the next bytes of the payload."""
        view = memoryview(data)
        self.size += len(view)
        while view:
            take = min(MIB - self._current_size, len(view))
            self._current.update(view[:take])
            self._current_size += take
            view = view[take:]
            if self._current_size == MIB:
                self._chunks.append(self._current.digest())
                self._current = hashlib.sha256()
                self._current_size = 0

    def chunk_digests(self) -> list[bytes]:
        """The SHA-256 digest of every 1 MiB chunk fed so far (the last one may be short)."""
        if self._current_size:
            return [*self._chunks, self._current.digest()]
        return list(self._chunks)

    def hexdigest(self) -> str:
        """The tree hash of everything fed so far, as lowercase hex."""
        return combine(self.chunk_digests()).hex()


def tree_hash(data: bytes | memoryview) -> str:
    """The tree hash of ``data``, as lowercase hex."""
    hasher = TreeHash()
    hasher.update(data)
    return hasher.hexdigest()
