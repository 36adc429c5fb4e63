"""The independent model the state machine of ``test_reliability_model`` checks the mock against.

Plain data (vaults, archives with their bytes, inventory snapshots, uploads, jobs, locks) and
the rules of simulated time, written from GLACIER_SPEC and CONTRACT, not from the mock's code:
a job completes at creation + its tier's delay and expires 24 hours later, the daily inventory
snapshots every vault written since its last one at 00:00 UTC, an InProgress lock expires 24
hours after it was initiated, a finished upload is forgotten after a day. Events due at the same
time are applied inventory first, then job completions, expiries and lock expiries (only the
first order matters: the model starts half a second after a whole second, so a job never falls
due exactly at midnight).
"""

from __future__ import annotations

import calendar
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import boto3
from botocore.config import Config

REGIONS = ("us-east-1", "eu-west-1")
ACCOUNT = "123456789012"
MIB = 1024 * 1024
DELAYS = {
    "Expedited": timedelta(minutes=5),
    "Standard": timedelta(hours=5),
    "Bulk": timedelta(hours=12),
    "Inventory": timedelta(hours=4),
}
DAY = timedelta(hours=24)
OVERHEAD = 32 * 1024
VAULT_NAMES = ("a", "b", "c")
TAG_KEYS = tuple(f"k{i}" for i in range(60))


@cache
def client(region: str) -> Any:
    return boto3.client(
        "glacier",
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}),
    )


def iso_millis(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def lock_policy(region: str, vault: str) -> str:
    # Denies another account only: enforced on every request, harmless to the model's own.
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Deny",
                    "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                    "Action": "glacier:DeleteArchive",
                    "Resource": f"arn:aws:glacier:{region}:{ACCOUNT}:vaults/{vault}",
                }
            ],
        }
    )


def access_policy(number: int) -> str:
    return json.dumps(
        {
            "Statement": [
                {
                    "Sid": f"s{number}",
                    "Effect": "Allow",
                    "Principal": {"AWS": "111122223333"},
                    "Action": ["glacier:DescribeVault", "glacier:ListJobs"][: number % 2 + 1],
                }
            ]
        }
    )


def one_month_later(when: datetime) -> datetime:
    year, month = (when.year + 1, 1) if when.month == 12 else (when.year, when.month + 1)
    day = min(when.day, calendar.monthrange(year, month)[1])
    return when.replace(year=year, month=month, day=day, microsecond=0)


# -- the model -----------------------------------------------------------------------------------


@dataclass
class MArchive:
    archive_id: str
    data: bytes
    created: datetime


@dataclass
class MJob:
    job_id: str
    vault: str
    created: datetime
    due: datetime
    tier: str
    archive: MArchive | None = None
    start: int = 0
    end: int = 0
    format: str = "JSON"
    sns_topic: str | None = None
    status: str = "InProgress"
    completed_at: datetime | None = None
    inventory: tuple[MArchive, ...] | None = None
    inventory_date: datetime | None = None
    seen: list[str] = field(default_factory=list)

    @property
    def retrieved(self) -> int:
        return self.end - self.start if self.archive else 0


@dataclass
class MUpload:
    upload_id: str
    data: bytes
    part_size: int
    uploaded: set[int] = field(default_factory=set)
    status: str = "InProgress"
    finished_at: datetime | None = None
    archive_id: str | None = None

    @property
    def parts(self) -> int:
        return -(-len(self.data) // self.part_size)

    def part(self, number: int) -> bytes:
        return self.data[number * self.part_size : (number + 1) * self.part_size]


@dataclass
class MLock:
    lock_id: str
    policy: str
    state: str
    created: datetime


@dataclass
class MVault:
    name: str
    archives: dict[str, MArchive] = field(default_factory=dict)
    snapshot: tuple[MArchive, ...] | None = None
    snapshot_date: datetime | None = None
    dirty: bool = False
    tags: dict[str, str] = field(default_factory=dict)
    access_policy: str | None = None
    notifications: tuple[str, list[str]] | None = None
    jobs: dict[str, MJob] = field(default_factory=dict)
    uploads: dict[str, MUpload] = field(default_factory=dict)
    lock: MLock | None = None


@dataclass
class MRegion:
    vaults: dict[str, MVault] = field(default_factory=dict)
    strategy: str = "None"
    bytes_per_hour: int | None = None
    capacity: list[datetime] = field(default_factory=list)
    home: dict[str, str] = field(default_factory=dict)
    """Live archive id -> the vault holding it."""


class Failure(AssertionError):
    pass


class ModelState:
    """What Glacier must show, per region, at the model's time ``now``."""

    def __init__(self, start: datetime) -> None:
        self.now = start
        self.regions = {region: MRegion() for region in REGIONS}
        self.notified: Counter[tuple[str, str, str]] = Counter()
        """(topic, job id, status) of every notification Glacier publishes."""
        self.gone_jobs: set[str] = set()

    def vaults(self) -> list[tuple[str, str]]:
        return sorted((r, name) for r, state in self.regions.items() for name in state.vaults)

    def vault(self, region: str, name: str) -> MVault:
        return self.regions[region].vaults[name]

    def write(self, vault: MVault) -> None:
        vault.dirty = True

    def finish_job(self, region: str, vault: MVault, job: MJob, at: datetime, status: str) -> None:
        job.status = status
        job.completed_at = at
        if job.archive is None and status == "Succeeded":
            job.inventory = vault.snapshot
            job.inventory_date = vault.snapshot_date
        event = "ArchiveRetrievalCompleted" if job.archive else "InventoryRetrievalCompleted"
        topics = [job.sns_topic]
        if vault.notifications and event in vault.notifications[1]:
            topics.append(vault.notifications[0])
        for topic in dict.fromkeys(t for t in topics if t is not None):
            self.notified[(topic, job.job_id, status)] += 1

    def take_snapshot(self, vault: MVault, at: datetime) -> None:
        vault.snapshot = tuple(vault.archives.values())
        vault.snapshot_date = at
        vault.dirty = False

    def forget_uploads(self) -> None:
        for state in self.regions.values():
            for vault in state.vaults.values():
                for upload_id, upload in list(vault.uploads.items()):
                    if upload.finished_at is not None and self.now >= upload.finished_at + DAY:
                        del vault.uploads[upload_id]

    def next_event(self, until: datetime) -> tuple[datetime, int, Any] | None:
        """The earliest due event up to ``until``: (time, order, action)."""
        events: list[tuple[datetime, int, Any]] = []
        if any(v.dirty for s in self.regions.values() for v in s.vaults.values()):
            midnight = (self.now + timedelta(days=1)).replace(
                hour=0, minute=0, second=0, microsecond=0
            )
            if midnight <= until:
                events.append((midnight, 0, ("inventory", midnight)))
        for region, state in self.regions.items():
            for vault in state.vaults.values():
                for job in vault.jobs.values():
                    if job.status == "InProgress" and job.due <= until:
                        events.append((job.due, 1, ("complete", region, vault, job)))
                    elif job.completed_at is not None and job.completed_at + DAY <= until:
                        events.append((job.completed_at + DAY, 2, ("expire", vault, job)))
                lock = vault.lock
                if lock and lock.state == "InProgress" and lock.created + DAY <= until:
                    events.append((lock.created + DAY, 3, ("unlock", vault)))
        return min(events, key=lambda e: (e[0], e[1])) if events else None

    def uploads(self) -> list[tuple[str, str, str]]:
        # In creation order, not by id: ids are random, draws must not depend on them.
        return [(r, name, u) for r, name in self.vaults() for u in self.vault(r, name).uploads]

    def admitted(self, region: str, tier: str, size: int) -> bool:
        """Whether the data retrieval policy lets a new archive retrieval through."""
        state = self.regions[region]
        if tier != "Standard" or state.strategy == "None":
            return True
        standard = [
            job
            for vault in state.vaults.values()
            for job in vault.jobs.values()
            if job.archive is not None and job.tier == "Standard"
        ]
        if state.strategy == "BytesPerHour":
            assert state.bytes_per_hour is not None
            recent = sum(
                j.retrieved
                for j in standard
                if j.status == "InProgress" and j.created > self.now - timedelta(hours=1)
            )
            return recent + size <= state.bytes_per_hour
        today = sum(j.retrieved for j in standard if j.created.date() == self.now.date())
        stored = sum(len(a.data) for v in state.vaults.values() for a in v.archives.values())
        allowance = stored * 5 // 100 // calendar.monthrange(self.now.year, self.now.month)[1]
        return today + size <= allowance

    def jobs(self) -> list[tuple[str, str, str]]:
        return [(r, name, j) for r, name in self.vaults() for j in self.vault(r, name).jobs]

    def apply_events(self, target: datetime) -> None:
        """Everything due up to ``target``, in time order, as the mock's catch-up does it."""
        while (event := self.next_event(target)) is not None:
            at, _, action = event
            self.now = max(self.now, at)
            kind = action[0]
            if kind == "inventory":
                for state in self.regions.values():
                    for vault in state.vaults.values():
                        if vault.dirty:
                            self.take_snapshot(vault, at)
            elif kind == "complete":
                _, region, vault, job = action
                self.finish_job(region, vault, job, job.due, "Succeeded")
            elif kind == "expire":
                _, vault, job = action
                del vault.jobs[job.job_id]
                self.gone_jobs.add(job.job_id)
            else:
                action[1].lock = None
        self.now = target
        self.forget_uploads()
