"""The SHA-256 tree hash Glacier checks every upload with (GLACIER_SPEC §4).

The data is cut into 1 MiB chunks (the last may be shorter); each chunk's SHA-256 is a leaf;
adjacent nodes are paired left to right, parent = SHA-256(left ‖ right) over the raw 32-byte
digests, and an odd node at the end of a level is carried up unchanged. The root is the tree hash
(lowercase hex on the wire). Data of at most 1 MiB therefore has tree hash == plain SHA-256, and
empty data the SHA-256 of nothing (as botocore computes it).

Because a multipart part size is 1 MiB x 2^n, every full part is a complete subtree, so the tree
hash of a whole archive is :func:`combine` of its parts' tree hashes (§4.2): completing an upload
never re-reads its bytes. In the same way the tree hash of any byte range that starts on a 1 MiB
boundary and ends on one (or at the end of the archive) is :func:`combine` of the chunk digests it
covers (:func:`range_digest`), which is what range retrievals need; whether Glacier *returns* that
hash for a range is a separate question (:func:`is_tree_hash_aligned`, §4.3-4.4).

Nothing here copies the data it hashes: chunks are hashed through ``memoryview`` slices, and a
partial chunk is kept as a running SHA-256 rather than a buffer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

Buffer = bytes | bytearray | memoryview
"""Bytes-like data the tree hash reads without copying."""

MIB = 1024 * 1024
"""The tree hash chunk size: 1 MiB."""

_EMPTY = hashlib.sha256(b"").digest()


def combine(digests: Sequence[bytes]) -> bytes:
    """The root of the tree whose lowest level is ``digests`` (raw 32-byte digests, in order).

    Pairs adjacent nodes left to right, carrying an odd last node up unchanged, until one is
    left. ``combine([d]) == d``. Used on chunk digests (the whole tree) or on the tree hashes of
    consecutive multipart parts (GLACIER_SPEC §4.2).
    """
    if not digests:
        raise ValueError("combine() needs at least one digest")
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
    """An incremental tree hash: feed bytes-like data with :meth:`update`, in any pieces.

    Full 1 MiB chunks are hashed straight from the caller's buffer; a chunk that spans two
    updates is fed to a running SHA-256, so no data is ever buffered or copied.
    """

    def __init__(self, data: Buffer = b"") -> None:
        self._leaves: list[bytes] = []
        self._chunk = hashlib.sha256()
        self._chunk_length = 0
        if data:
            self.update(data)

    def update(self, data: Buffer) -> None:
        view = memoryview(data).cast("B")
        offset = 0
        if self._chunk_length:
            take = min(MIB - self._chunk_length, len(view))
            self._feed(view[:take])
            offset = take
        while len(view) - offset >= MIB:
            self._leaves.append(hashlib.sha256(view[offset : offset + MIB]).digest())
            offset += MIB
        if offset < len(view):
            self._feed(view[offset:])

    def _feed(self, piece: memoryview) -> None:
        self._chunk.update(piece)
        self._chunk_length += len(piece)
        if self._chunk_length == MIB:
            self._leaves.append(self._chunk.digest())
            self._chunk = hashlib.sha256()
            self._chunk_length = 0

    def leaves(self) -> tuple[bytes, ...]:
        """The SHA-256 of each 1 MiB chunk so far (the one leaf of empty data: SHA-256 of b"")."""
        if self._chunk_length:
            return (*self._leaves, self._chunk.digest())
        return tuple(self._leaves) if self._leaves else (_EMPTY,)

    def digest(self) -> bytes:
        """The raw 32-byte tree hash of everything fed so far."""
        return combine(self.leaves())

    def hexdigest(self) -> str:
        """The tree hash as Glacier writes it: 64 lowercase hex characters."""
        return self.digest().hex()


def chunk_digests(data: Buffer, *, sha256: bytes | None = None) -> tuple[bytes, ...]:
    """The SHA-256 of each 1 MiB chunk of ``data`` (one leaf, SHA-256 of b"", when empty).

    ``sha256`` is the plain SHA-256 of the whole of ``data`` when the caller already has it (the
    wire layer computes it to check ``x-amz-content-sha256``): data of at most one chunk then
    needs no hashing at all.
    """
    if sha256 is not None and memoryview(data).nbytes <= MIB:
        return (sha256,)
    return TreeHash(data).leaves()


def tree_hash(data: Buffer) -> str:
    """The tree hash of ``data``, as 64 lowercase hex characters."""
    return TreeHash(data).hexdigest()


def range_digest(leaves: Sequence[bytes], start: int, end: int) -> bytes:
    """The raw tree hash of bytes ``[start, end)`` of data whose chunk digests are ``leaves``.

    ``start`` must be a multiple of 1 MiB and ``end`` a multiple of 1 MiB or the end of the data
    (a "megabyte-aligned" range, GLACIER_SPEC §4.3): the range's own chunks are then exactly the
    data's chunks ``start // MiB`` up to ``ceil(end / MiB)``, so no byte is read again.
    """
    first, last = start // MIB, -(-end // MIB)
    if start % MIB or not 0 <= first < last <= len(leaves):
        raise ValueError(
            f"bytes {start}-{end - 1} are not a megabyte-aligned range of data with "
            f"{len(leaves)} chunk(s)"
        )
    return combine(leaves[first:last])


def is_tree_hash_aligned(start: int, end: int, size: int) -> bool:
    """Whether bytes ``[start, end)`` of ``size`` bytes form one node of the data's tree.

    GLACIER_SPEC §4.3: with P = start / 1 MiB and N = ceil(size / 1 MiB), the range is aligned
    iff for some i >= 0, P is a multiple of 2^i and the range ends at chunk min(P + 2^i, N). Such
    ranges are the ones Glacier returns a tree hash for on retrieval (§4.4).
    """
    if start % MIB or not 0 <= start < end <= size:
        return False
    first, chunks = start // MIB, -(-size // MIB)
    span = 1
    while first % span == 0:
        stop = min(first + span, chunks)
        if end == min(stop * MIB, size):
            return True
        if stop == chunks:
            return False
        span *= 2
    return False
