"""Peak memory of a multipart upload into the mock, against a baseline measured in the same run.

Run by hand (it is not collected by pytest)::

    .venv/bin/python benchmarks/bench_multipart_memory.py [--size-mib 256] [--part-size-mib 8]
                                                         [--threads 1]

What it measures, with ``tracemalloc`` (every allocation Python makes, bytes objects included):

1. **baseline**: generating the source data and slicing it into parts one at a time, as any
   uploader does: about ``size + one part``. This is what the code under test costs without us.
2. **upload**: the same, plus sending every part through boto3 into the mock (botocore computes
   both hashes, the mock parses, hashes and stores each part) and completing the upload. The mock
   must keep the archive once: the peak should exceed the baseline by about ``size`` (the stored
   parts), not by a multiple of it.
3. **read back**: streaming the stored archive (``Archive.iter_bytes``) through a tree hash; the
   views are zero-copy, so this should add next to nothing.

Ratios are printed against the baseline and against the archive size, so the numbers mean the
same on any machine.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
from botocore.utils import calculate_tree_hash

from pytest_glacier import mock_glacier
from pytest_glacier.backend.treehash import TreeHash

MIB = 1024 * 1024
ACCOUNT = "123456789012"
REGION = "us-east-1"


def mib(n: float) -> str:
    return f"{n / MIB:8.1f} MiB"


def measure_baseline(size: int, part_size: int) -> tuple[bytes, int]:
    """Peak of making the source and slicing every part (each dropped after use)."""
    tracemalloc.reset_peak()
    start = tracemalloc.get_traced_memory()[0]
    source = os.urandom(size)
    for offset in range(0, size, part_size):
        part = source[offset : offset + part_size]
        del part
    return source, tracemalloc.get_traced_memory()[1] - start


def upload(client: Any, source: bytes, part_size: int, threads: int) -> str:
    upload_id = client.initiate_multipart_upload(vaultName="bench", partSize=str(part_size))[
        "uploadId"
    ]

    def send(offset: int) -> None:
        part = source[offset : offset + part_size]
        client.upload_multipart_part(
            vaultName="bench",
            uploadId=upload_id,
            range=f"bytes {offset}-{offset + len(part) - 1}/*",
            body=part,
        )

    offsets = range(0, len(source), part_size)
    if threads == 1:
        for offset in offsets:
            send(offset)
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(send, offsets))
    return str(
        client.complete_multipart_upload(
            vaultName="bench",
            uploadId=upload_id,
            archiveSize=str(len(source)),
            checksum=calculate_tree_hash(io.BytesIO(source)),  # type: ignore[arg-type]
        )["archiveId"]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--size-mib", type=int, default=256)
    parser.add_argument("--part-size-mib", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    size, part_size = args.size_mib * MIB, args.part_size_mib * MIB

    with mock_glacier() as glacier:
        client = boto3.client("glacier", region_name=REGION)
        client.create_vault(vaultName="bench")
        small = b"warm-up" * 1000  # load every code path once, outside the measurement
        warm = upload(client, small, MIB, 1)
        client.delete_archive(vaultName="bench", archiveId=warm)
        gc.collect()

        tracemalloc.start()
        source, baseline = measure_baseline(size, part_size)

        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0] - len(source)
        began = time.perf_counter()
        archive_id = upload(client, source, part_size, args.threads)
        elapsed = time.perf_counter() - began
        current, peak = tracemalloc.get_traced_memory()
        upload_peak = peak - before

        archive = (
            glacier._backend.region_state(ACCOUNT, REGION).vaults["bench"].archives[archive_id]
        )
        tracemalloc.reset_peak()
        at_rest = tracemalloc.get_traced_memory()[0]
        hasher = TreeHash()
        for view in archive.iter_bytes():
            hasher.update(view)
        read_peak = tracemalloc.get_traced_memory()[1] - at_rest
        tracemalloc.stop()

        assert hasher.hexdigest() == archive.tree_hash
        assert b"".join(archive.iter_bytes(0, 16)) == source[:16]

    print(
        f"multipart upload of {mib(size).strip()} in {mib(part_size).strip()} parts, "
        f"{args.threads} thread(s), {elapsed:.2f} s"
    )
    print(f"  baseline peak (source + slicing parts):   {mib(baseline)}")
    print(f"  upload peak (same, through boto3 + mock): {mib(upload_peak)}")
    print(f"  held after complete (source + archive):   {mib(current - before)}")
    print(f"  read-back stream, extra peak:             {mib(read_peak)}")
    print(f"  upload peak / baseline peak:              {upload_peak / baseline:8.2f}")
    print(
        f"  (upload peak - baseline) / archive size:  {(upload_peak - baseline) / size:8.2f}"
        "   (1.00 = the archive held exactly once)"
    )
    print(f"  read-back extra / archive size:           {read_peak / size:8.4f}")


if __name__ == "__main__":
    main()
