"""Retrieval jobs: InitiateJob, DescribeJob, ListJobs, and their life in simulated time (§2.5, §5).

A job is ``InProgress`` until ``job_delays[tier]`` after its creation (inventory jobs use the
``"Inventory"`` delay, whatever their tier), then ``Succeeded`` with ``CompletionDate`` =
creation + delay. 24 hours after it completes, the job and its output are gone. Nothing runs in
the background: :class:`JobEvents` tells :meth:`Backend.catch_up` when the next completion or
expiry is due, so jobs finish in time order with the daily inventory (an inventory job that
completes at T returns the vault's snapshot as it is at T). ``GlacierMock.complete_jobs()`` and
``fail_job()`` finish jobs early through :func:`complete_now` and :func:`fail_now`.

On completion (Succeeded or Failed) a notification carrying the job description goes to the
job's ``SNSTopic`` and to the vault's notification topic if it subscribes to the event
(GLACIER_SPEC §5.7); a topic named by both gets one message.

Decisions where the spec is silent (UNCONFIRMED):

* An inventory job reports ``Tier`` as given, ``"Standard"`` by default; it has no effect.
* A job whose archive is deleted while it runs still succeeds: it keeps the archive's bytes.
  A new archive-retrieval for a deleted archive is refused with the 404 (the archive is gone).
* ListJobs lists oldest first; its marker is the job id of the next page's first job.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import attrgetter
from typing import Any

from pytest_glacier.backend import ids
from pytest_glacier.backend.archives import Archive
from pytest_glacier.backend.context import RequestContext
from pytest_glacier.backend.dates import iso_millis
from pytest_glacier.backend.errors import (
    InvalidParameterValueException,
    ResourceNotFoundException,
)
from pytest_glacier.backend.glacier import Backend
from pytest_glacier.backend.inventory_output import InventoryQuery, render
from pytest_glacier.backend.job_admission import admit_retrieval
from pytest_glacier.backend.job_params import (
    ARCHIVE_RETRIEVAL,
    INVENTORY_RETRIEVAL,
    SELECT,
    JobRequest,
    parse_byte_range,
    parse_job_parameters,
)
from pytest_glacier.backend.job_select import SelectRequest
from pytest_glacier.backend.notifications import (
    ARCHIVE_RETRIEVAL_COMPLETED,
    INVENTORY_RETRIEVAL_COMPLETED,
    PublishedNotification,
    vault_topic_for_event,
)
from pytest_glacier.backend.operations import Output, operation
from pytest_glacier.backend.paging import parse_limit
from pytest_glacier.backend.timeline import event_source
from pytest_glacier.backend.treehash import is_tree_hash_aligned
from pytest_glacier.backend.vaults import Vault, get_vault, region_of

IN_PROGRESS = "InProgress"
SUCCEEDED = "Succeeded"
FAILED = "Failed"
STATUS_CODES = (IN_PROGRESS, SUCCEEDED, FAILED)
IN_PROGRESS_MESSAGE = "Operation in progress."

ARCHIVE_ACTION = "ArchiveRetrieval"
INVENTORY_ACTION = "InventoryRetrieval"
SELECT_ACTION = "Select"
ACTIONS = {
    ARCHIVE_RETRIEVAL: ARCHIVE_ACTION,
    INVENTORY_RETRIEVAL: INVENTORY_ACTION,
    SELECT: SELECT_ACTION,
}
"""The job description's ``Action`` of each InitiateJob ``Type`` (GLACIER_SPEC §5.1)."""
INVENTORY_DELAY_KEY = "Inventory"

OUTPUT_LIFETIME = timedelta(hours=24)
"""How long a completed job and its output stay available (GLACIER_SPEC §3: at least 24 h)."""

LIST_JOBS_DEFAULT_LIMIT = 50
LIST_JOBS_MAX_LIMIT = 50


@dataclass(eq=False)
class Job:
    """One retrieval job of a vault."""

    job_id: str
    action: str
    vault_arn: str
    creation_date: datetime
    due: datetime
    """When the job completes by itself: creation + the tier's delay."""
    tier: str
    description: str | None = None
    sns_topic: str | None = None
    archive: Archive | None = None
    """The archive an archive-retrieval or select job reads (kept even if it is deleted)."""
    start: int = 0
    end: int = 0
    """The retrieved bytes ``[start, end)`` of the archive."""
    range_tree_hash: str | None = None
    """Tree hash of the retrieved range when it is tree-hash aligned, else None."""
    inventory_query: InventoryQuery | None = None
    select: SelectRequest | None = None
    status: str = IN_PROGRESS
    status_message: str = IN_PROGRESS_MESSAGE
    completion_date: datetime | None = None
    inventory_output: bytes | None = None
    next_marker: str | None = None

    @property
    def is_archive_retrieval(self) -> bool:
        return self.action == ARCHIVE_ACTION

    @property
    def completed(self) -> bool:
        return self.status != IN_PROGRESS

    @property
    def retrieved_bytes(self) -> int:
        return self.end - self.start if self.is_archive_retrieval else 0

    @property
    def whole_archive(self) -> bool:
        return self.archive is not None and (self.start, self.end) == (0, self.archive.size)

    @property
    def next_event(self) -> datetime:
        """When this job next changes by itself: its completion, or its expiry once complete."""
        if self.completion_date is None:
            return self.due
        return self.completion_date + OUTPUT_LIFETIME


def describe(job: Job) -> dict[str, Any]:
    """The job description, as DescribeJob, ListJobs and notifications show it (§5.3).

    Every member is present; the ones that do not apply to the job's type or status are null
    (a select job names its archive, but its sizes, hashes and range are an archive-retrieval's).
    """
    archive = job.archive if job.is_archive_retrieval else None
    done = job.status == SUCCEEDED
    select = job.select
    return {
        "JobId": job.job_id,
        "JobDescription": job.description,
        "Action": job.action,
        "ArchiveId": job.archive.archive_id if job.archive else None,
        "VaultARN": job.vault_arn,
        "CreationDate": iso_millis(job.creation_date),
        "Completed": job.completed,
        "StatusCode": job.status,
        "StatusMessage": job.status_message,
        "ArchiveSizeInBytes": archive.size if archive else None,
        "InventorySizeInBytes": (
            len(job.inventory_output) if done and job.inventory_output is not None else None
        ),
        "SNSTopic": job.sns_topic,
        "CompletionDate": iso_millis(job.completion_date) if job.completion_date else None,
        "SHA256TreeHash": _sha256_tree_hash(job),
        "ArchiveSHA256TreeHash": archive.tree_hash if archive else None,
        "RetrievalByteRange": f"{job.start}-{job.end - 1}" if archive else None,
        "Tier": job.tier,
        "InventoryRetrievalParameters": _inventory_parameters(job),
        "JobOutputPath": select.output_path(job.job_id) if select else None,
        "SelectParameters": select.parameters if select else None,
        "OutputLocation": select.output_location if select else None,
    }


def _sha256_tree_hash(job: Job) -> str | None:
    # GLACIER_SPEC §4.4: the range's tree hash when it is tree-hash aligned; null for a
    # whole-archive job still in progress.
    if job.whole_archive and not job.completed:
        return None
    return job.range_tree_hash


def _inventory_parameters(job: Job) -> dict[str, Any] | None:
    query = job.inventory_query
    if query is None:
        return None
    # Once the job completed, Marker is where the next page starts (null: nothing more).
    marker = job.next_marker if job.status == SUCCEEDED else query.marker
    return {
        "Format": query.format,
        "StartDate": query.start_date_text,
        "EndDate": query.end_date_text,
        "Limit": query.limit_text,
        "Marker": marker,
    }


# -- lookups ---------------------------------------------------------------------------------------


def get_job(vault: Vault, job_id: str) -> Job:
    """The job ``job_id`` of ``vault``, or the real 404."""
    job = vault.jobs.get(job_id)
    if job is None:
        raise ResourceNotFoundException(f"The job ID was not found: {job_id}")
    return job


def all_jobs(glacier: Backend, region: str | None = None) -> Iterator[tuple[Vault, Job]]:
    """Every job of every vault (of one region), with its vault."""
    for state in glacier.region_states(region):
        for vault in state.vaults.values():
            for job in list(vault.jobs.values()):
                yield vault, job


# -- life cycle --------------------------------------------------------------------------------


def finish(
    glacier: Backend, vault: Vault, job: Job, at: datetime, message: str | None = None
) -> None:
    """Complete ``job`` at ``at``: Succeeded, or Failed with ``message``; then notify."""
    job.completion_date = at
    if message is None:
        job.status, job.status_message = SUCCEEDED, SUCCEEDED
        if job.inventory_query is not None:
            snapshot = vault.inventory.last
            if snapshot is None:  # pragma: no cover - InitiateJob requires an inventory
                raise RuntimeError(f"inventory job {job.job_id} of a vault without inventory")
            page = render(vault.arn, snapshot, job.inventory_query)
            job.inventory_output, job.next_marker = page.body, page.next_marker
    else:
        job.status, job.status_message = FAILED, message
    glacier.schedule(job.next_event)  # its expiry
    glacier.timeline.add(at, f"job {job.job_id} of vault {vault.name} {job.status}")
    _notify(glacier, vault, job)


_VAULT_EVENTS = {
    ARCHIVE_ACTION: ARCHIVE_RETRIEVAL_COMPLETED,
    INVENTORY_ACTION: INVENTORY_RETRIEVAL_COMPLETED,
}
"""The vault notification event each action's completion is (a vault has none for select)."""


def _notify(glacier: Backend, vault: Vault, job: Job) -> None:
    event = _VAULT_EVENTS.get(job.action)
    topics = [job.sns_topic, vault_topic_for_event(vault, event) if event else None]
    for topic in dict.fromkeys(t for t in topics if t is not None):
        glacier.notifications.append(PublishedNotification(topic, describe(job)))


def expire(glacier: Backend, vault: Vault, job: Job) -> None:
    del vault.jobs[job.job_id]
    glacier.timeline.add(job.next_event, f"job {job.job_id} of vault {vault.name} expired")


@event_source
class JobEvents:
    """Job completions (creation + delay) and expiries (completion + 24 h).

    An event is due at its own time even when that is before ``after`` (possible only after a
    test moved the clock backwards and started a job there), so no job is ever stuck.
    """

    def next_due(self, glacier: Backend, after: datetime) -> datetime | None:
        del after
        return min((job.next_event for _, job in all_jobs(glacier)), default=None)

    def fire(self, glacier: Backend, at: datetime) -> None:
        for vault, job in all_jobs(glacier):
            if not job.completed and job.due <= at:
                finish(glacier, vault, job, job.due)
        for vault, job in all_jobs(glacier):
            if job.completed and job.next_event <= at:
                expire(glacier, vault, job)


def complete_now(
    glacier: Backend, vault_name: str | None = None, region: str | None = None
) -> list[str]:
    """Complete every in-progress job now (of one vault, or all), oldest first; their ids."""
    with glacier.lock:
        glacier.catch_up()
        now = glacier.now()
        done: list[str] = []
        for vault, job in _by_creation(all_jobs(glacier, region)):
            if not job.completed and vault_name in (None, vault.name):
                finish(glacier, vault, job, now)
                done.append(job.job_id)
        return done


def fail_now(glacier: Backend, job_id: str, message: str) -> None:
    """Finish the in-progress job ``job_id`` as Failed with ``message``."""
    with glacier.lock:
        glacier.catch_up()
        for vault, job in all_jobs(glacier):
            if job.job_id != job_id:
                continue
            if job.completed:
                raise ValueError(
                    f"fail_job: job {job_id} of vault {vault.name} already finished as "
                    f"{job.status}; only an InProgress job can be failed."
                )
            finish(glacier, vault, job, glacier.now(), message)
            return
        raise ValueError(
            f"fail_job: no job with id {job_id!r} (in any vault or region). It may never "
            f"have existed, or have expired 24 hours after it completed."
        )


def _by_creation(pairs: Iterator[tuple[Vault, Job]]) -> list[tuple[Vault, Job]]:
    return sorted(pairs, key=lambda pair: pair[1].creation_date)


# -- operations ------------------------------------------------------------------------------------


@operation("InitiateJob")
def initiate_job(
    glacier: Backend,
    ctx: RequestContext,
    *,
    account_id: str,
    vault_name: str,
    job_parameters: dict[str, Any] | None = None,
) -> Output:
    vault = get_vault(glacier, ctx, account_id, vault_name)
    request = parse_job_parameters(job_parameters, ctx)
    retrieved = _retrieved_range(vault, request)
    return _start(glacier, ctx, account_id, vault, request, retrieved=retrieved)


Retrieved = tuple[Archive | None, int, int]
"""What a job reads: the archive and the bytes ``[start, end)`` an archive-retrieval job returns
(a select job: its archive, no bytes; an inventory job: no archive)."""


def _start(
    glacier: Backend,
    ctx: RequestContext,
    account_id: str,
    vault: Vault,
    request: JobRequest,
    *,
    retrieved: Retrieved,
) -> Output:
    """Admit and create the job; the caller holds the lock."""
    archive, start, end = retrieved
    now = glacier.now()
    state = region_of(glacier, ctx, account_id)
    if archive is not None:
        admit_retrieval(glacier, state, request.tier, end - start, now)
    job = _create(
        glacier,
        vault,
        request,
        now,
        archive=archive,
        start=start,
        end=end,
        range_hash=_range_tree_hash(retrieved),
    )
    output: Output = {
        "location": f"/{state.account_id}/vaults/{vault.name}/jobs/{job.job_id}",
        "jobId": job.job_id,
    }
    if job.select is not None:
        output["jobOutputPath"] = job.select.output_path(job.job_id)
    return output


def _retrieved_range(vault: Vault, request: JobRequest) -> Retrieved:
    if request.type == INVENTORY_RETRIEVAL:
        if vault.inventory.last is None:
            raise ResourceNotFoundException(
                f"Inventory retrieval jobs for vault {vault.arn} cannot be initiated yet, as "
                f"Amazon Glacier has not yet generated an initial inventory for this vault."
            )
        return None, 0, 0
    archive = vault.archives.get(request.archive_id or "")
    if archive is None:
        raise ResourceNotFoundException(f"The archive ID was not found: {request.archive_id}")
    if request.type == SELECT:
        return archive, 0, 0
    start, end = parse_byte_range(request.byte_range, archive.size)
    return archive, start, end


def _range_tree_hash(retrieved: Retrieved) -> str | None:
    """The tree hash of what the job retrieves, when Glacier gives one.

    A whole archive's is known; a tree-hash aligned range's is combined from the archive's
    chunk digests (no byte is read); a range that is not aligned has none.
    """
    archive, start, end = retrieved
    if archive is None or start == end:  # an inventory or a select job
        return None
    if (start, end) == (0, archive.size):
        return archive.tree_hash
    if is_tree_hash_aligned(start, end, archive.size):
        return archive.range_tree_hash(start, end)
    return None


def _create(
    glacier: Backend,
    vault: Vault,
    request: JobRequest,
    now: datetime,
    *,
    archive: Archive | None,
    start: int,
    end: int,
    range_hash: str | None,
) -> Job:
    delay_key = request.tier if archive is not None else INVENTORY_DELAY_KEY
    job = Job(
        job_id=ids.job_id(),
        action=ACTIONS[request.type],
        vault_arn=vault.arn,
        creation_date=now,
        due=now + glacier.settings.job_delays[delay_key],
        tier=request.tier,
        description=request.description,
        sns_topic=request.sns_topic,
        archive=archive,
        start=start,
        end=end,
        range_tree_hash=range_hash,
        inventory_query=request.inventory,
        select=request.select,
    )
    vault.jobs[job.job_id] = job
    glacier.schedule(job.due)
    glacier.timeline.add(
        now,
        "job {} ({}, {}) started in vault {}, due {:%Y-%m-%d %H:%M:%S}",
        job.job_id,
        job.action,
        job.tier,
        vault.name,
        job.due,
    )
    if job.due <= now:  # a zero delay: done at once
        finish(glacier, vault, job, job.due)
    return job


@operation("DescribeJob")
def describe_job(
    glacier: Backend, ctx: RequestContext, *, account_id: str, vault_name: str, job_id: str
) -> Output:
    return describe(get_job(get_vault(glacier, ctx, account_id, vault_name), job_id))


@operation("ListJobs")
def list_jobs(
    glacier: Backend,
    ctx: RequestContext,
    *,
    account_id: str,
    vault_name: str,
    limit: str | None = None,
    marker: str | None = None,
    statuscode: str | None = None,
    completed: str | None = None,
) -> Output:
    vault = get_vault(glacier, ctx, account_id, vault_name)
    page_size = parse_limit(limit, default=LIST_JOBS_DEFAULT_LIMIT, maximum=LIST_JOBS_MAX_LIMIT)
    if statuscode is not None and statuscode not in STATUS_CODES:
        raise InvalidParameterValueException(f"The job status code is not valid: {statuscode}")
    want_completed = _completed_filter(completed)
    jobs = sorted(vault.jobs.values(), key=attrgetter("creation_date"))
    if marker:
        ids_in_order = [job.job_id for job in jobs]
        if marker not in ids_in_order:
            raise InvalidParameterValueException(
                f"Invalid marker: {marker!r}. Pass the Marker of the previous ListJobs response "
                f"of this vault (jobs expire 24 hours after they complete), or no marker."
            )
        jobs = jobs[ids_in_order.index(marker) :]
    matching = [
        job
        for job in jobs
        if (statuscode is None or job.status == statuscode)
        and (want_completed is None or job.completed == want_completed)
    ]
    page, rest = matching[:page_size], matching[page_size:]
    return {
        "JobList": [describe(job) for job in page],
        "Marker": rest[0].job_id if rest else None,
    }


def _completed_filter(completed: str | None) -> bool | None:
    if completed is None:
        return None
    text = completed.strip().lower()
    if text not in ("true", "false"):
        raise InvalidParameterValueException(
            f"The completed parameter is not valid: {completed}. Use 'true' or 'false'."
        )
    return text == "true"
