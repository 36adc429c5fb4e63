"""16 threads at once: part uploads of several uploads, completes, retrievals and listings.

Sixteen worker threads share one queue of tasks. Parts of five multipart uploads arrive in a
random order (some twice, as retrying clients send them); as soon as an upload's last part is
in, three completes of it race each other, and the first archive they make is retrieved by two
jobs, whole and by range, while the other uploads are still receiving parts. Small archives are
uploaded and retrieved alongside, and listings run throughout. Checked: every archive comes back
with exactly the bytes uploaded, every tree hash the mock reports is botocore's
(``calculate_tree_hash``), racing completes agree on one archive, and the final inventory lists
exactly what was stored. Every worker has a time limit: a deadlock fails the test instead of
hanging it.
"""

from __future__ import annotations

import json
import queue
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from glacier_helpers import tree_hash

from pytest_glacier import GlacierMock

THREADS = 16
MIB = 1024 * 1024
UPLOADS = 5
PARTS_PER_UPLOAD = 6
SMALL_ARCHIVES = 24
LISTINGS = 80
TIME_LIMIT = 90.0  # seconds for the whole storm
VAULT = "storm"
NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"}, max_pool_connections=4)


@dataclass
class Upload:
    index: int
    data: bytes
    upload_id: str = ""
    parts_left: int = PARTS_PER_UPLOAD
    archive_ids: list[str] = field(default_factory=list)
    retrieved: bool = False


@dataclass
class Storm:
    """Shared state of the storm, guarded by ``lock``."""

    uploads: list[Upload]
    clients: list[Any]
    tasks: queue.Queue[Callable[[Any], None] | None] = field(default_factory=queue.Queue)
    lock: threading.Lock = field(default_factory=threading.Lock)
    outstanding: int = 0
    errors: list[str] = field(default_factory=list)
    small: dict[str, bytes] = field(default_factory=dict)
    retrievals: int = 0

    def submit(self, task: Callable[[Any], None]) -> None:
        with self.lock:
            self.outstanding += 1
        self.tasks.put(task)

    def done(self) -> None:
        with self.lock:
            self.outstanding -= 1
            finished = self.outstanding == 0
        if finished:
            for _ in range(THREADS):
                self.tasks.put(None)

    def worker(self, client: Any) -> None:
        while True:
            task = self.tasks.get()
            if task is None:
                return
            try:
                task(client)
            except Exception as error:
                with self.lock:
                    self.errors.append(f"{type(error).__name__}: {error}")
            finally:
                self.done()


def part_task(storm: Storm, upload: Upload, number: int) -> Callable[[Any], None]:
    def run(client: Any) -> None:
        start = number * MIB
        piece = upload.data[start : start + MIB]
        answer = client.upload_multipart_part(
            vaultName=VAULT,
            uploadId=upload.upload_id,
            range=f"bytes {start}-{start + len(piece) - 1}/*",
            body=piece,
        )
        assert answer["checksum"] == tree_hash(piece)
        with storm.lock:
            upload.parts_left -= 1
            last = upload.parts_left == 0
        if last:
            for _ in range(3):
                storm.submit(complete_task(storm, upload))

    return run


def complete_task(storm: Storm, upload: Upload) -> Callable[[Any], None]:
    def run(client: Any) -> None:
        answer = client.complete_multipart_upload(
            vaultName=VAULT,
            uploadId=upload.upload_id,
            archiveSize=str(len(upload.data)),
            checksum=tree_hash(upload.data),
        )
        assert answer["checksum"] == tree_hash(upload.data)
        with storm.lock:
            upload.archive_ids.append(answer["archiveId"])
            first = not upload.retrieved
            upload.retrieved = True
        if first:
            storm.submit(retrieve_task(storm, answer["archiveId"], upload.data, ranged=False))
            storm.submit(retrieve_task(storm, answer["archiveId"], upload.data, ranged=True))

    return run


def retrieve_task(
    storm: Storm, archive_id: str, data: bytes, *, ranged: bool
) -> Callable[[Any], None]:
    def run(client: Any) -> None:
        parameters: dict[str, Any] = {"Type": "archive-retrieval", "ArchiveId": archive_id}
        expected = data
        if ranged and len(data) > 2 * MIB:
            parameters["RetrievalByteRange"] = f"{MIB}-{2 * MIB - 1}"
            expected = data[MIB : 2 * MIB]
        job_id = client.initiate_job(vaultName=VAULT, jobParameters=parameters)["jobId"]
        described = client.describe_job(vaultName=VAULT, jobId=job_id)
        assert described["StatusCode"] == "Succeeded"  # job_delays are zero
        assert described["ArchiveSHA256TreeHash"] == tree_hash(data)
        output = client.get_job_output(vaultName=VAULT, jobId=job_id)
        body = output["body"].read()
        assert body == expected, f"archive {archive_id[:12]}: wrong bytes back"
        assert output["checksum"] == tree_hash(expected)
        if len(expected) > MIB:
            half = client.get_job_output(vaultName=VAULT, jobId=job_id, range=f"bytes=0-{MIB - 1}")
            assert half["body"].read() == expected[:MIB]
            assert half["checksum"] == tree_hash(expected[:MIB])
        with storm.lock:
            storm.retrievals += 1

    return run


def small_task(storm: Storm, number: int) -> Callable[[Any], None]:
    def run(client: Any) -> None:
        data = random.Random(1000 + number).randbytes(1 + number * 997)
        answer = client.upload_archive(
            vaultName=VAULT, body=data, archiveDescription=f"small {number}"
        )
        assert answer["checksum"] == tree_hash(data)
        with storm.lock:
            storm.small[answer["archiveId"]] = data
        storm.submit(retrieve_task(storm, answer["archiveId"], data, ranged=False))

    return run


def listing_task(storm: Storm, number: int) -> Callable[[Any], None]:
    def run(client: Any) -> None:
        kind = number % 5
        if kind == 0:
            upload = storm.uploads[number % len(storm.uploads)]
            try:
                parts = client.list_parts(vaultName=VAULT, uploadId=upload.upload_id)["Parts"]
            except ClientError as error:  # completed meanwhile: a clean 404
                code = error.response["Error"]["Code"]
                if code != "ResourceNotFoundException":
                    raise
                return
            for part in parts:
                first, last = (int(x) for x in part["RangeInBytes"].split("-"))
                assert part["SHA256TreeHash"] == tree_hash(upload.data[first : last + 1])
        elif kind == 1:
            client.list_multipart_uploads(vaultName=VAULT)
        elif kind == 2:
            assert VAULT in [v["VaultName"] for v in client.list_vaults()["VaultList"]]
        elif kind == 3:
            client.describe_vault(vaultName=VAULT)
        else:
            for job in client.list_jobs(vaultName=VAULT)["JobList"]:
                assert job["StatusCode"] == "Succeeded"

    return run


def start_all(work: Callable[[int], None], count: int) -> list[threading.Thread]:
    """``work(0)`` to ``work(count - 1)``, each on a thread of its own, started."""
    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    return threads


def join_all(threads: list[threading.Thread], errors: list[str]) -> None:
    """Wait for every thread; fail on one still running (a deadlock) or on any error noted."""
    for thread in threads:
        thread.join(timeout=TIME_LIMIT)
    assert not any(thread.is_alive() for thread in threads), "deadlock?"
    assert not errors, errors[:5]


@pytest.mark.glacier(
    job_delays={"Standard": timedelta(0), "Inventory": timedelta(0)}, inventory="immediate"
)
def test_sixteen_threads_upload_complete_retrieve_and_list_at_once(
    glacier_mock: GlacierMock,
) -> None:
    rng = random.Random(7)
    sessions = [boto3.session.Session() for _ in range(THREADS)]
    clients = [s.client("glacier", region_name="us-east-1", config=NO_RETRIES) for s in sessions]
    clients[0].create_vault(vaultName=VAULT)
    uploads = []
    for index in range(UPLOADS):
        size = (PARTS_PER_UPLOAD - 1) * MIB + rng.randint(1, MIB)
        upload = Upload(index, random.Random(index).randbytes(size))
        upload.upload_id = clients[0].initiate_multipart_upload(
            vaultName=VAULT, partSize=str(MIB), archiveDescription=f"upload {index}"
        )["uploadId"]
        uploads.append(upload)
    storm = Storm(uploads, clients)

    initial: list[Callable[[Any], None]] = []
    for upload in uploads:
        numbers = list(range(PARTS_PER_UPLOAD))
        initial += [part_task(storm, upload, number) for number in numbers]
    initial += [small_task(storm, number) for number in range(SMALL_ARCHIVES)]
    initial += [listing_task(storm, number) for number in range(LISTINGS)]
    rng.shuffle(initial)
    for task in initial:
        storm.submit(task)

    threads = [
        threading.Thread(target=storm.worker, args=(client,), daemon=True, name=f"storm-{i}")
        for i, client in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIME_LIMIT)
    stuck = [thread.name for thread in threads if thread.is_alive()]
    assert not stuck, f"threads still running after {TIME_LIMIT} s (deadlock?): {stuck}"
    assert not storm.errors, "\n".join(storm.errors[:10])

    # Racing completes agree; every upload became one distinct archive.
    archives = {}
    for upload in uploads:
        assert len(upload.archive_ids) == 3
        assert len(set(upload.archive_ids)) == 1, upload.archive_ids
        archives[upload.archive_ids[0]] = upload.data
    archives.update(storm.small)
    assert len(archives) == UPLOADS + SMALL_ARCHIVES
    assert storm.retrievals == 2 * UPLOADS + SMALL_ARCHIVES

    # The inventory lists exactly what was stored, with the right sizes and tree hashes.
    client = clients[0]
    job = client.initiate_job(vaultName=VAULT, jobParameters={"Type": "inventory-retrieval"})
    inventory = client.get_job_output(vaultName=VAULT, jobId=job["jobId"])["body"].read()
    listed = {item["ArchiveId"]: item for item in json.loads(inventory)["ArchiveList"]}
    assert set(listed) == set(archives)
    for archive_id, data in archives.items():
        assert listed[archive_id]["Size"] == len(data)
        assert listed[archive_id]["SHA256TreeHash"] == tree_hash(data)
    assert client.list_multipart_uploads(vaultName=VAULT)["UploadsList"] == []
    unexpected = [
        call
        for call in glacier_mock.calls
        if call.error_code not in (None, "ResourceNotFoundException")
    ]
    assert not unexpected, unexpected[:5]


def test_parts_of_one_upload_from_sixteen_threads_with_repeats(glacier_mock: GlacierMock) -> None:
    """Every part sent by several threads at once (retries): the archive is still exact."""
    sessions = [boto3.session.Session() for _ in range(THREADS)]
    clients = [s.client("glacier", region_name="us-east-1", config=NO_RETRIES) for s in sessions]
    clients[0].create_vault(vaultName=VAULT)
    data = random.Random(99).randbytes(8 * MIB + 12345)
    upload_id = clients[0].initiate_multipart_upload(vaultName=VAULT, partSize=str(MIB))["uploadId"]
    numbers = [n for n in range(9) for _ in range(3)]
    random.Random(3).shuffle(numbers)
    errors: list[str] = []
    barrier = threading.Barrier(THREADS, timeout=30)

    def send(worker: int) -> None:
        client = clients[worker]
        try:
            barrier.wait()
            for number in numbers[worker::THREADS]:
                piece = data[number * MIB : (number + 1) * MIB]
                client.upload_multipart_part(
                    vaultName=VAULT,
                    uploadId=upload_id,
                    range=f"bytes {number * MIB}-{number * MIB + len(piece) - 1}/*",
                    body=piece,
                )
        except Exception as error:
            errors.append(repr(error))

    join_all(start_all(send, THREADS), errors)
    archive_id = clients[0].complete_multipart_upload(
        vaultName=VAULT, uploadId=upload_id, archiveSize=str(len(data)), checksum=tree_hash(data)
    )["archiveId"]
    job_id = clients[0].initiate_job(
        vaultName=VAULT, jobParameters={"Type": "archive-retrieval", "ArchiveId": archive_id}
    )["jobId"]
    glacier_mock.complete_jobs()
    output = clients[0].get_job_output(vaultName=VAULT, jobId=job_id)
    assert output["body"].read() == data
    assert output["checksum"] == tree_hash(data)


DELAYS = {
    "Expedited": timedelta(minutes=5),
    "Standard": timedelta(hours=5),
    "Bulk": timedelta(hours=12),
}


def test_jobs_started_and_polled_from_eight_threads_while_the_clock_moves(
    glacier_mock: GlacierMock,
) -> None:
    """The clock moves (and starts moving) while requests are in flight: every job completes
    exactly at creation + its tier's delay, none before, and nothing raises."""
    workers = 8
    sessions = [boto3.session.Session() for _ in range(workers)]
    clients: list[Any] = [
        s.client("glacier", region_name="us-east-1", config=NO_RETRIES) for s in sessions
    ]
    clients[0].create_vault(vaultName=VAULT)
    archive_id = clients[0].upload_archive(vaultName=VAULT, body=b"polled")["archiveId"]
    began = glacier_mock.now()
    started: dict[str, str] = {}
    errors: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def poll(worker: int) -> None:
        client = clients[worker]
        rng = random.Random(worker)
        try:
            for _ in range(25):
                tier = rng.choice(list(DELAYS))
                job_id = client.initiate_job(
                    vaultName=VAULT,
                    jobParameters={
                        "Type": "archive-retrieval",
                        "ArchiveId": archive_id,
                        "Tier": tier,
                    },
                )["jobId"]
                with lock:
                    started[job_id] = tier
                for job in client.list_jobs(vaultName=VAULT)["JobList"]:
                    check(job)
                if stop.is_set():
                    return
        except Exception as error:
            with lock:
                errors.append(repr(error))

    def check(job: dict[str, Any]) -> None:
        tier = started.get(job["JobId"])
        if tier is None or not job["Completed"]:
            return
        created = datetime_of(job["CreationDate"])
        completed = datetime_of(job["CompletionDate"])
        if completed - created != DELAYS[tier]:
            raise AssertionError(f"{tier} job completed after {completed - created}")

    threads = start_all(poll, workers)
    while any(thread.is_alive() for thread in threads):
        glacier_mock.advance(minutes=3)
        if glacier_mock.now() - began > timedelta(hours=8):
            stop.set()
        for thread in threads:
            thread.join(timeout=0.001)
    join_all(threads, errors)
    glacier_mock.advance(hours=12)
    listed = clients[0].list_jobs(vaultName=VAULT)["JobList"]
    by_id = {job["JobId"]: job for job in listed}
    for job_id in started:
        job = by_id.get(job_id)
        if job is None:  # completed more than 24 hours ago: expired, as it should
            continue
        assert job["StatusCode"] == "Succeeded"
        check(job)


def datetime_of(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_sixteen_threads_through_the_server(glacier_server: Any, glacier_mock: GlacierMock) -> None:
    """The same storm over real HTTP: uploads, retrievals and listings on kept-alive connections."""
    sessions = [boto3.session.Session() for _ in range(THREADS)]
    clients = [
        s.client(
            "glacier",
            region_name="us-east-1",
            endpoint_url=glacier_server.endpoint_url,
            config=NO_RETRIES,
        )
        for s in sessions
    ]
    clients[0].create_vault(vaultName=VAULT)
    errors: list[str] = []
    stored: dict[str, bytes] = {}
    lock = threading.Lock()

    def work(worker: int) -> None:
        client = clients[worker]
        try:
            for round_ in range(6):
                data = random.Random(worker * 100 + round_).randbytes(1000 * (worker + 1) + round_)
                archive_id = client.upload_archive(vaultName=VAULT, body=data)["archiveId"]
                with lock:
                    stored[archive_id] = data
                client.list_vaults()
                client.describe_vault(vaultName=VAULT)
        except Exception as error:
            with lock:
                errors.append(repr(error))

    join_all(start_all(work, THREADS), errors)
    assert len(stored) == THREADS * 6
    glacier_mock.take_inventory()
    job = clients[0].initiate_job(vaultName=VAULT, jobParameters={"Type": "inventory-retrieval"})
    glacier_mock.complete_jobs()
    body = clients[0].get_job_output(vaultName=VAULT, jobId=job["jobId"])["body"].read()
    listed = {a["ArchiveId"]: a for a in json.loads(body)["ArchiveList"]}
    assert set(listed) == set(stored)
    for archive_id, data in stored.items():
        assert listed[archive_id]["SHA256TreeHash"] == tree_hash(data)
