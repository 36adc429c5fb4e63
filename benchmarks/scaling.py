"""How the mock's cost grows with the size of its state.

* **CompleteMultipartUpload, 1,000 parts vs 10** (1 MiB parts), and **10 parts of 64 MiB vs 10
  of 1 MiB**: completing must cost per part, not per byte (the archive's tree hash is combined
  from the parts' hashes; no byte is read again). The uploads are filled through the backend
  (each part is the same bytes object with its hashes computed once), because uploading a
  thousand parts through boto3 for every round would take longer than everything else; only the
  timed CompleteMultipartUpload goes through boto3.
* **Inventory of 100,000 archives**: InitiateJob (inventory-retrieval), the job completed with
  ``complete_jobs()``, and GetJobOutput read to the end, all timed together. The archives are
  stored through the backend (100,000 UploadArchive calls would take a minute), then the vault's
  inventory is taken (``take_inventory()``, untimed), as Glacier does daily.
* **One ListVaults page with 1,000 vaults vs 10**: two regions of one mock, one with 1,000 vaults
  (Glacier's limit per region), one with 10, created through boto3; the same first page of 10 is
  asked of each, alternately.
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta
from typing import Any

import boto3
from harness import ACCOUNT, REGION, Figure, alternate, glacier_client, ratio_figure, timed

from pytest_glacier import GlacierMock, mock_glacier
from pytest_glacier.backend.archives import Archive, store
from pytest_glacier.backend.multipart import Part
from pytest_glacier.backend.treehash import MIB, chunk_digests, combine

VAULT = "bench"
PARTS_LIMIT = 100.0
"""1,000 parts against 10: at most linear in the number of parts."""
BYTES_LIMIT = 1.5
"""64 MiB parts against 1 MiB parts, 10 of each: the bytes must not matter."""
INVENTORY_LIMIT_S = 1.0
LIST_VAULTS_LIMIT = 1.5


# -- CompleteMultipartUpload ---------------------------------------------------------------------


def _filled_upload(mock: GlacierMock, client: Any, parts: int, part_size: int) -> tuple[str, str]:
    """An upload of ``parts`` parts of ``part_size`` bytes, put in place through the backend."""
    upload_id = client.initiate_multipart_upload(vaultName=VAULT, partSize=str(part_size))[
        "uploadId"
    ]
    data = _part_data(part_size)
    leaves = chunk_digests(data)
    digest = combine(leaves)
    backend = mock._backend
    with backend.lock:
        upload = backend.region_state(ACCOUNT, REGION).vaults[VAULT].uploads[upload_id]
        for number in range(parts):
            part = Part(number * part_size, data, leaves, digest)
            upload.parts[part.start] = part
            upload.revision += 1
    return upload_id, combine([digest] * parts).hex()


_DATA: dict[int, bytes] = {}


def _part_data(size: int) -> bytes:
    if size not in _DATA:
        _DATA[size] = bytes(range(256)) * (size // 256)
    return _DATA[size]


def complete_figures(*, smoke: bool, rounds: int) -> list[Figure]:
    many, few, big = (20, 2, 2 * MIB) if smoke else (1_000, 10, 64 * MIB)
    client = glacier_client()

    def complete_time(parts: int, part_size: int) -> float:
        with mock_glacier() as mock:
            client.create_vault(vaultName=VAULT)
            upload_id, checksum = _filled_upload(mock, client, parts, part_size)

            def complete() -> None:
                client.complete_multipart_upload(
                    vaultName=VAULT,
                    uploadId=upload_id,
                    archiveSize=str(parts * part_size),
                    checksum=checksum,
                )

            return timed(complete)

    medians = alternate(
        {
            "many": lambda: complete_time(many, MIB),
            "few": lambda: complete_time(few, MIB),
            "big": lambda: complete_time(few, big),
        },
        rounds,
    )
    per_part_us = (medians["many"] - medians["few"]) / (many - few) * 1e6
    return [
        ratio_figure(
            f"CompleteMultipartUpload: {many:,} parts vs {few} (1 MiB each)",
            medians["many"] * 1e3,
            f"{few} parts",
            medians["few"] * 1e3,
            PARTS_LIMIT,
            unit="ms",
            note=f"{per_part_us:.1f} us per extra part",
        ),
        ratio_figure(
            f"CompleteMultipartUpload: {few} parts of {big // MIB} MiB vs of 1 MiB",
            medians["big"] * 1e3,
            f"{few} x 1 MiB",
            medians["few"] * 1e3,
            BYTES_LIMIT,
            unit="ms",
        ),
    ]


# -- inventory -----------------------------------------------------------------------------------


def inventory_figure(*, smoke: bool, rounds: int) -> Figure:
    count = 1_000 if smoke else 100_000
    client = glacier_client()
    with mock_glacier() as mock:
        client.create_vault(vaultName=VAULT)
        _store_archives(mock, count)
        mock.take_inventory(VAULT)

        def inventory_round() -> float:
            start = time.perf_counter()
            job_id = client.initiate_job(
                vaultName=VAULT, jobParameters={"Type": "inventory-retrieval"}
            )["jobId"]
            mock.complete_jobs(VAULT)
            body = client.get_job_output(vaultName=VAULT, jobId=job_id)["body"].read()
            elapsed = time.perf_counter() - start
            if body.count(b'"ArchiveId"') != count:
                raise AssertionError("the inventory does not list every archive")
            return elapsed

        seconds = statistics.median(inventory_round() for _ in range(rounds))
    return Figure(
        f"inventory of {count:,} archives: initiate, complete, read",
        seconds,
        "s",
        target=f"<= {INVENTORY_LIMIT_S:g} s",
        met=seconds <= INVENTORY_LIMIT_S,
    )


def _store_archives(mock: GlacierMock, count: int) -> None:
    """``count`` one-byte archives, one second apart, stored as UploadArchive stores them."""
    backend = mock._backend
    data = b"x"
    tree_hash = combine(chunk_digests(data)).hex()
    start = mock.now() - timedelta(seconds=count)
    with backend.lock:
        state = backend.region_state(ACCOUNT, REGION)
        vault = state.vaults[VAULT]
        for number in range(count):
            archive = Archive(
                archive_id=f"{number:0138d}",
                description=f"archive {number}",
                creation_date=start + timedelta(seconds=number),
                size=len(data),
                tree_hash=tree_hash,
                parts=(data,),
            )
            store(backend, state, vault, archive)


# -- ListVaults ----------------------------------------------------------------------------------


def list_vaults_figure(*, smoke: bool, rounds: int, batch: int) -> Figure:
    many, few = (30, 10) if smoke else (1_000, 10)
    crowded = boto3.client("glacier", region_name="eu-west-1")
    quiet = boto3.client("glacier", region_name="us-east-1")
    with mock_glacier():
        for number in range(many):
            crowded.create_vault(vaultName=f"vault-{number:04d}")
        for number in range(few):
            quiet.create_vault(vaultName=f"vault-{number:04d}")
        medians = alternate(
            {
                "many": lambda: timed(crowded.list_vaults, batch),
                "few": lambda: timed(quiet.list_vaults, batch),
            },
            rounds,
        )
    return ratio_figure(
        f"one ListVaults page: {many:,} vaults vs {few}",
        medians["many"] * 1e6,
        f"{few} vaults",
        medians["few"] * 1e6,
        LIST_VAULTS_LIMIT,
    )


def scaling_figures(*, smoke: bool) -> list[Figure]:
    rounds = 1 if smoke else 9
    return [
        *complete_figures(smoke=smoke, rounds=rounds),
        inventory_figure(smoke=smoke, rounds=1 if smoke else 5),
        list_vaults_figure(smoke=smoke, rounds=rounds, batch=3 if smoke else 100),
    ]
