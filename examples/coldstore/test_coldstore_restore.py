"""coldstore's restores: hours of polling in simulated time, ranged downloads, verification."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import boto3
import pytest
from coldstore import MIB, Catalogue, ColdStore, ColdStoreError, IntegrityError, RestoreError
from coldstore_support import REGION, VAULT, make_file, make_store

from pytest_glacier import GlacierMock

SIZE = 3 * MIB + 500_000


def operations(glacier_mock: GlacierMock) -> list[str]:
    return [call.operation for call in glacier_mock.calls]


@pytest.mark.glacier(sleep_advances=True)
def test_a_whole_file_comes_back_byte_for_byte(glacier_mock: GlacierMock, tmp_path: Path) -> None:
    path, data = make_file(tmp_path, "raw.tar", SIZE)
    store = make_store(tmp_path)
    store.upload(path, part_size=MIB)
    started = glacier_mock.now()
    before = len(glacier_mock.calls)

    result = store.restore("raw.tar", tmp_path / "restored.tar", poll_interval=600, chunk_size=MIB)

    assert (tmp_path / "restored.tar").read_bytes() == data
    # A Standard retrieval takes 5 hours: 30 sleeps of 10 minutes, no real waiting.
    assert result.waited == timedelta(hours=5)
    assert glacier_mock.now() - started >= timedelta(hours=5)
    made = operations(glacier_mock)[before:]
    assert made == ["InitiateJob"] + ["DescribeJob"] * 31 + ["GetJobOutput"] * 4
    assert [call.params["range"] for call in glacier_mock.calls[-4:]] == [
        "bytes=0-1048575",
        "bytes=1048576-2097151",
        "bytes=2097152-3145727",
        "bytes=3145728-3645727",
    ]
    assert result.verified_chunks == 4  # Glacier sent a tree hash with every 1 MiB piece
    assert result.whole_verified
    assert result.tree_hash == store.catalogue.entries[0].tree_hash
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "catalogue.json",
        "raw.tar",
        "restored.tar",
    ]


@pytest.mark.glacier(sleep_advances=True)
def test_a_byte_range_is_restored(glacier_mock: GlacierMock, tmp_path: Path) -> None:
    path, data = make_file(tmp_path, "raw.tar", SIZE)
    store = make_store(tmp_path)
    store.upload(path, part_size=MIB)

    middle = store.restore(
        "raw.tar", tmp_path / "middle", byte_range=(MIB, 3 * MIB - 1), tier="Bulk"
    )
    tail = store.restore("raw.tar", tmp_path / "tail", byte_range=(3 * MIB, SIZE - 1))

    assert (tmp_path / "middle").read_bytes() == data[MIB : 3 * MIB]
    assert (tmp_path / "tail").read_bytes() == data[3 * MIB :]
    assert middle.waited == timedelta(hours=12)  # Bulk
    # Glacier sends tree hashes only for tree-hash-aligned ranges: MiB 1-2 of 4 is not one.
    assert (middle.whole_verified, middle.verified_chunks) == (False, 0)
    assert (tail.whole_verified, tail.verified_chunks) == (True, 1)
    jobs = [
        call.params["jobParameters"]
        for call in glacier_mock.calls
        if call.operation == "InitiateJob"
    ]
    assert [job["RetrievalByteRange"] for job in jobs] == ["1048576-3145727", "3145728-3645727"]
    assert [job["Tier"] for job in jobs] == ["Bulk", "Standard"]


def test_a_range_glacier_would_refuse_is_refused_locally(
    glacier_mock: GlacierMock, tmp_path: Path
) -> None:
    store = make_store(tmp_path)
    store.upload(make_file(tmp_path, "raw.tar", SIZE)[0], part_size=MIB)

    with pytest.raises(ColdStoreError, match="not megabyte-aligned"):
        store.restore("raw.tar", tmp_path / "out", byte_range=(100, MIB - 1))
    with pytest.raises(ColdStoreError, match="not within the archive"):
        store.restore("raw.tar", tmp_path / "out", byte_range=(0, SIZE))
    assert "InitiateJob" not in operations(glacier_mock)


@pytest.mark.glacier(sleep_advances=True)
def test_a_damaged_catalogue_hash_is_detected(glacier_mock: GlacierMock, tmp_path: Path) -> None:
    store = make_store(tmp_path)
    store.upload(make_file(tmp_path, "raw.tar", SIZE)[0], part_size=MIB)
    catalogue_file = tmp_path / "catalogue.json"
    document = json.loads(catalogue_file.read_text())
    document["archives"][0]["tree_hash"] = "0" * 64
    catalogue_file.write_text(json.dumps(document))
    client = boto3.client("glacier", region_name=REGION)
    damaged = ColdStore(client, Catalogue.open(catalogue_file))

    with pytest.raises(IntegrityError, match="but the catalogue recorded 0000"):
        damaged.restore("raw.tar", tmp_path / "restored.tar")

    # Nothing half-restored is left behind.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalogue.json", "raw.tar"]


@pytest.mark.glacier(sleep_advances=True)
def test_a_slow_job_is_picked_up_later(glacier_mock: GlacierMock, tmp_path: Path) -> None:
    path, data = make_file(tmp_path, "notes.txt", 5000)
    store = make_store(tmp_path)
    store.upload(path)

    with pytest.raises(RestoreError, match="still in progress after 1:00:00") as raised:
        store.restore("notes.txt", tmp_path / "out", tier="Bulk", max_wait=timedelta(hours=1))
    client = boto3.client("glacier", region_name=REGION)
    (job,) = client.list_jobs(vaultName=VAULT)["JobList"]
    assert f"--job-id {job['JobId']}" in str(raised.value)

    glacier_mock.advance(hours=12)
    before = len(glacier_mock.calls)
    result = store.restore("notes.txt", tmp_path / "out", job_id=job["JobId"])

    assert (tmp_path / "out").read_bytes() == data
    assert result.waited == timedelta(0)
    assert operations(glacier_mock)[before:] == ["DescribeJob", "GetJobOutput"]


def test_a_failed_job_is_reported(glacier_mock: GlacierMock, tmp_path: Path) -> None:
    store = make_store(tmp_path)
    store.upload(make_file(tmp_path, "notes.txt", 5000)[0])
    with pytest.raises(RestoreError, match="still in progress"):
        store.restore("notes.txt", tmp_path / "out", max_wait=timedelta(0))
    client = boto3.client("glacier", region_name=REGION)
    (job,) = client.list_jobs(vaultName=VAULT)["JobList"]

    glacier_mock.fail_job(job["JobId"], "The archive could not be read.")

    with pytest.raises(RestoreError, match=r"failed: The archive could not be read\."):
        store.restore("notes.txt", tmp_path / "out", job_id=job["JobId"])
    assert not (tmp_path / "out").exists()


@pytest.mark.glacier(sleep_advances=True)
def test_throttled_polls_are_retried(glacier_mock: GlacierMock, tmp_path: Path) -> None:
    path, data = make_file(tmp_path, "notes.txt", 5000)
    store = make_store(tmp_path)
    store.upload(path)
    glacier_mock.inject_error("DescribeJob", "ThrottlingException", times=2)

    store.restore("notes.txt", tmp_path / "out", tier="Expedited", poll_interval=60)

    assert (tmp_path / "out").read_bytes() == data
    throttled = [call for call in glacier_mock.calls if call.error_code == "ThrottlingException"]
    assert len(throttled) == 2
