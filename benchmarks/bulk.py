"""A large archive through the mock: wall time against the floor, and peak memory.

The workload, timed as a whole for each contender in alternating rounds:

1. InitiateMultipartUpload, then every part (``part_size`` slices of the source, as any uploader
   makes them), then CompleteMultipartUpload with the archive's tree hash, which the uploader
   computes (botocore hashes each part, not the whole archive);
2. InitiateJob for the whole archive; on the mock, ``complete_jobs()`` (time is simulated);
3. GetJobOutput, read in ``part_size`` chunks and dropped, as a download to disk would.

The floor makes the same calls answered at ``before-send`` with the mock's own responses (the
job output streams the same bytes), so it is the uploader's and botocore's cost: both hashes of
every part (``x-amz-content-sha256`` and the tree hash), signing, parsing, reading the body. The
note gives the ratio without the uploader's own tree hash of the archive too (its median time
subtracted from both), the stricter figure.

Memory is measured in a separate pass with ``tracemalloc`` (every Python allocation, ``bytes``
included), against a baseline measured in the same process: making the source and slicing it
into parts one at a time, which is what the code under test holds without any mock. The figure
is how much the mock's upload and retrieval peak above that, per byte of archive: 1.0 means
the archive is held exactly once (the stored parts), nothing more.
"""

from __future__ import annotations

import gc
import io
import os
import statistics
import time
import tracemalloc
from collections.abc import Iterator
from typing import Any

from botocore.utils import calculate_tree_hash
from harness import CannedResponses, Figure, floor_client, glacier_client, ratio_figure

from pytest_glacier import GlacierMock, mock_glacier

MIB = 1024 * 1024
VAULT = "bench"
WALL_LIMIT = 1.5
MEMORY_LIMIT = 1.1


class LargeArchive:
    """The source bytes and what is known of them before any call."""

    def __init__(self, size: int, part_size: int) -> None:
        self.size = size
        self.part_size = part_size
        self.source = os.urandom(size)

    def tree_hash(self) -> str:
        """What the uploader computes for CompleteMultipartUpload."""
        return str(calculate_tree_hash(io.BytesIO(self.source)))  # type: ignore[arg-type]

    def chunks(self) -> Iterator[memoryview]:
        view = memoryview(self.source)
        for offset in range(0, self.size, self.part_size):
            yield view[offset : offset + self.part_size]


def round_trip(client: Any, archive: LargeArchive, mock: GlacierMock | None) -> None:
    """Upload ``archive`` in parts, retrieve it, read it back in ``part_size`` chunks."""
    size, part_size, source = archive.size, archive.part_size, archive.source
    upload_id = client.initiate_multipart_upload(vaultName=VAULT, partSize=str(part_size))[
        "uploadId"
    ]
    for offset in range(0, size, part_size):
        part = source[offset : offset + part_size]
        client.upload_multipart_part(
            vaultName=VAULT,
            uploadId=upload_id,
            range=f"bytes {offset}-{offset + len(part) - 1}/*",
            body=part,
        )
        del part
    archive_id = client.complete_multipart_upload(
        vaultName=VAULT, uploadId=upload_id, archiveSize=str(size), checksum=archive.tree_hash()
    )["archiveId"]
    job_id = client.initiate_job(
        vaultName=VAULT,
        jobParameters={"Type": "archive-retrieval", "ArchiveId": archive_id, "Tier": "Bulk"},
    )["jobId"]
    if mock is not None:
        mock.complete_jobs(VAULT)
    body = client.get_job_output(vaultName=VAULT, jobId=job_id)["body"]
    received = 0
    while chunk := body.read(part_size):
        received += len(chunk)
        del chunk
    if received != size:
        raise AssertionError(f"read back {received} bytes of {size}")


def bulk_figures(*, smoke: bool) -> list[Figure]:
    size, part_size = (4 * MIB, 1 * MIB) if smoke else (256 * MIB, 8 * MIB)
    rounds = 1 if smoke else 3
    archive = LargeArchive(size, part_size)
    label = f"{size // MIB} MiB multipart ({part_size // MIB} MiB parts) + retrieval"

    # One untimed run through the mock, whose responses become the floor's.
    canned = CannedResponses()
    mock_client = glacier_client()
    canned.capture(mock_client)
    with mock_glacier() as mock:
        mock_client.create_vault(vaultName=VAULT)
        round_trip(mock_client, archive, mock)
    canned.responses["GetJobOutput"].body = archive.chunks
    mock_client = glacier_client()  # without the capturing hook
    floor = floor_client(canned)

    def mock_round() -> float:
        with mock_glacier() as mock:
            mock_client.create_vault(vaultName=VAULT)
            return _timed_once(lambda: round_trip(mock_client, archive, mock))

    def floor_round() -> float:
        return _timed_once(lambda: round_trip(floor, archive, None))

    times: dict[str, list[float]] = {"mock": [], "floor": [], "tree hash": []}
    for index in range(rounds):
        order = [
            ("mock", mock_round),
            ("floor", floor_round),
            ("tree hash", lambda: _timed_once(archive.tree_hash)),
        ]
        for name, run in order if index % 2 == 0 else order[::-1]:
            times[name].append(run())
    mock_s, floor_s, hash_s = (statistics.median(times[name]) for name in times)
    wall = ratio_figure(
        f"wall time: {label}",
        mock_s,
        "floor",
        floor_s,
        WALL_LIMIT,
        unit="s",
        note=(
            f"without the uploader's own tree hash of the archive ({hash_s:.3f} s): "
            f"{(mock_s - hash_s) / (floor_s - hash_s):.2f} x the floor"
        ),
    )
    return [wall, memory_figure(archive, label)]


def _timed_once(action: Any) -> float:
    gc.collect()
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def memory_figure(archive: LargeArchive, label: str) -> Figure:
    """Peak memory of the mock's round trip above holding and slicing the data, per byte."""
    client = glacier_client()
    size, part_size = archive.size, archive.part_size
    with mock_glacier() as mock:
        client.create_vault(vaultName=VAULT)
        gc.collect()
        tracemalloc.start()
        try:
            # The baseline: the data, and one part sliced from it at a time.
            tracemalloc.reset_peak()
            start = tracemalloc.get_traced_memory()[0]
            for offset in range(0, size, part_size):
                part = archive.source[offset : offset + part_size]
                del part
            baseline = tracemalloc.get_traced_memory()[1] - start + size  # + the data itself

            tracemalloc.reset_peak()
            start = tracemalloc.get_traced_memory()[0]
            round_trip(client, archive, mock)
            peak = tracemalloc.get_traced_memory()[1] - start + size
        finally:
            tracemalloc.stop()
    # The row's ratio is the figure itself: what the round trip adds per byte of archive.
    above = (peak - baseline) / size
    return Figure(
        f"peak memory: {label}",
        (peak - baseline) / MIB,
        "MiB",
        "archive size",
        size / MIB,
        target=f"<= {MEMORY_LIMIT:g} x archive size",
        met=above <= MEMORY_LIMIT,
        note=(
            f"peak {peak / MIB:,.2f} MiB against a baseline of {baseline / MIB:,.2f} MiB that "
            f"holds the data and slices one part at a time; 1.00 x means the archive is held once"
        ),
    )
