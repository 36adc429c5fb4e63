"""The tree hash against botocore's ``calculate_tree_hash``, the oracle every client uses.

Bounds, and why: sizes are drawn as ``k MiB + delta`` with ``k`` in 0..6 and ``delta`` in
-2..+2 bytes (and a few arbitrary sizes up to 3 MiB), because everything interesting happens at
1 MiB chunk boundaries: a chunk that is one byte short or long, an odd chunk carried up a level,
a power-of-two number of chunks. Data comes from a seeded PRNG rather than ``st.binary`` so that
multi-MiB examples stay cheap; what varies is the size and the split points.
"""

from __future__ import annotations

import hashlib
import random

import pytest
from glacier_helpers import tree_hash as oracle
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_glacier.backend.treehash import (
    MIB,
    TreeHash,
    chunk_digests,
    combine,
    is_tree_hash_aligned,
    range_digest,
    tree_hash,
)

NEAR_BOUNDARIES = st.builds(
    lambda k, delta: max(k * MIB + delta, 0),
    st.integers(min_value=0, max_value=6),
    st.integers(min_value=-2, max_value=2),
)
SIZES = st.one_of(NEAR_BOUNDARIES, st.integers(min_value=0, max_value=3 * MIB))
PART_SIZES = st.sampled_from([MIB, 2 * MIB, 4 * MIB])


def data_of(size: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(size)


@settings(max_examples=40, deadline=None)
@given(size=SIZES, seed=st.integers(0, 2**16))
def test_tree_hash_matches_botocore(size: int, seed: int) -> None:
    data = data_of(size, seed)
    assert tree_hash(data) == oracle(data)


@settings(max_examples=40, deadline=None)
@given(size=SIZES, cuts=st.lists(st.integers(min_value=0, max_value=7 * MIB), max_size=6))
def test_incremental_updates_in_any_pieces_give_the_same_hash(size: int, cuts: list[int]) -> None:
    data = data_of(size)
    hasher = TreeHash()
    start = 0
    for cut in sorted(c for c in cuts if c <= size):
        hasher.update(memoryview(data)[start:cut])
        start = cut
    hasher.update(data[start:])
    assert hasher.hexdigest() == oracle(data)
    assert hasher.digest() == bytes.fromhex(hasher.hexdigest())


@settings(max_examples=40, deadline=None)
@given(size=NEAR_BOUNDARIES.filter(lambda n: n > 0), part_size=PART_SIZES)
def test_combining_part_hashes_gives_the_whole_archive_hash(size: int, part_size: int) -> None:
    data = data_of(size)
    parts = [data[i : i + part_size] for i in range(0, size, part_size)]
    assert combine([TreeHash(part).digest() for part in parts]).hex() == oracle(data)


@settings(max_examples=40, deadline=None)
@given(size=NEAR_BOUNDARIES.filter(lambda n: n > 0), data=st.data())
def test_the_hash_of_a_megabyte_aligned_range_comes_from_the_chunk_digests(
    size: int, data: st.DataObject
) -> None:
    content = data_of(size)
    chunks = -(-size // MIB)
    first = data.draw(st.integers(0, chunks - 1))
    last = data.draw(st.integers(first + 1, chunks))
    start, end = first * MIB, min(last * MIB, size)

    leaves = chunk_digests(content)

    assert range_digest(leaves, start, end).hex() == oracle(content[start:end])


def test_empty_data_hashes_like_botocore() -> None:
    assert tree_hash(b"") == oracle(b"") == hashlib.sha256(b"").hexdigest()
    assert TreeHash().leaves() == (hashlib.sha256(b"").digest(),)


def test_up_to_one_mib_the_tree_hash_is_the_plain_sha256() -> None:
    data = data_of(MIB)
    assert tree_hash(data) == hashlib.sha256(data).hexdigest()
    assert tree_hash(data + b"x") != hashlib.sha256(data + b"x").hexdigest()


def test_a_known_sha256_is_reused_for_one_chunk_only() -> None:
    small, large = data_of(10), data_of(MIB + 1)
    known = b"\x01" * 32
    assert chunk_digests(small, sha256=known) == (known,)
    assert chunk_digests(large, sha256=known) == chunk_digests(large)


def test_combine_carries_an_odd_node_up_unchanged() -> None:
    a, b, c = (hashlib.sha256(bytes([i])).digest() for i in range(3))
    assert combine([a]) == a
    assert combine([a, b, c]) == hashlib.sha256(hashlib.sha256(a + b).digest() + c).digest()
    with pytest.raises(ValueError, match="at least one"):
        combine([])


def test_update_accepts_bytes_like_objects() -> None:
    data = data_of(MIB + 3)
    hasher = TreeHash(bytearray(data[:5]))
    hasher.update(memoryview(data)[5:])
    assert hasher.hexdigest() == oracle(data)


def test_range_digest_refuses_a_range_that_is_not_megabyte_aligned() -> None:
    leaves = chunk_digests(data_of(3 * MIB))
    with pytest.raises(ValueError, match="not a megabyte-aligned range"):
        range_digest(leaves, 1, MIB)
    with pytest.raises(ValueError, match="not a megabyte-aligned range"):
        range_digest(leaves, 0, 4 * MIB)


def tree_nodes(size: int) -> set[tuple[int, int]]:
    """Every node of the tree over ``size`` bytes, as a byte range, built as Glacier builds it."""
    chunks = -(-size // MIB)
    level = [(i * MIB, min((i + 1) * MIB, size)) for i in range(chunks)]
    nodes = set(level)
    while len(level) > 1:
        paired = [(level[i][0], level[i + 1][1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
        nodes.update(level)
    return nodes


@settings(max_examples=60, deadline=None)
@given(size=NEAR_BOUNDARIES.filter(lambda n: n > 0) | st.integers(1, 40 * MIB), data=st.data())
def test_tree_hash_alignment_is_exactly_the_nodes_of_the_tree(
    size: int, data: st.DataObject
) -> None:
    chunks = -(-size // MIB)
    first = data.draw(st.integers(0, chunks - 1))
    last = data.draw(st.integers(first + 1, chunks))
    start, end = first * MIB, min(last * MIB, size)

    assert is_tree_hash_aligned(start, end, size) == ((start, end) in tree_nodes(size))


def test_alignment_examples_from_the_developer_guide() -> None:
    size = 7 * MIB + 5
    assert is_tree_hash_aligned(0, size, size)  # the whole archive
    assert is_tree_hash_aligned(4 * MIB, size, size)  # the carried-up tail
    assert is_tree_hash_aligned(2 * MIB, 4 * MIB, size)
    assert is_tree_hash_aligned(MIB, 2 * MIB, size)  # odd chunk: one chunk only
    assert not is_tree_hash_aligned(MIB, 3 * MIB, size)  # odd start: one chunk only
    assert not is_tree_hash_aligned(2 * MIB, 6 * MIB, size)
    assert not is_tree_hash_aligned(0, 3 * MIB, size)
    assert not is_tree_hash_aligned(1, MIB, size)
    assert not is_tree_hash_aligned(0, size + 1, size)
