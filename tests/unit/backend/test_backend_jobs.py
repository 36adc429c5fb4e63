"""Retrieval jobs on the backend, on a clock the test moves by hand (GLACIER_SPEC §2.5, §5, §7).

Archives are put straight into a vault here (as UploadArchive stores them), so that these tests
depend on nothing but the job code.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any, cast

import botocore.session
import pytest
from backend_fakes import ACCOUNT, CTX, OTHER_REGION, REGION, START, Harness
from botocore.model import StructureShape
from glacier_helpers import tree_hash

from pytest_glacier.backend import BackendSettings, RequestContext
from pytest_glacier.backend.archives import Archive
from pytest_glacier.backend.errors import (
    GlacierError,
    InsufficientCapacityException,
    InvalidParameterValueException,
    MissingParameterValueException,
    PolicyEnforcedException,
    ResourceNotFoundException,
)
from pytest_glacier.backend.inventory import record_write
from pytest_glacier.backend.jobs import complete_now, fail_now
from pytest_glacier.backend.settings import DEFAULT_JOB_DELAYS
from pytest_glacier.backend.treehash import MIB
from pytest_glacier.backend.vaults import Vault
from pytest_glacier.wire.http import ResponseBody

TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:jobs"
VAULT_TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:vault-events"
JOB_SHAPE = (
    botocore.session.get_session().get_service_model("glacier").shape_for("GlacierJobDescription")
)
JOB_KEYS = set(cast("StructureShape", JOB_SHAPE).members)
MIDNIGHT = datetime(2030, 1, 16, tzinfo=timezone.utc)


def vault_of(g: Harness, name: str = "vault", ctx: RequestContext = CTX) -> Vault:
    return g.backend.region_state(ctx.account_id, ctx.region).vaults[name]


def put_archive(
    g: Harness,
    data: bytes = b"x" * 100,
    *,
    name: str = "vault",
    description: str = "",
    size: int | None = None,
    ctx: RequestContext = CTX,
) -> str:
    """Store an archive as UploadArchive does (``size`` without bytes: for policy arithmetic)."""
    vault = vault_of(g, name, ctx)
    state = g.backend.region_state(ctx.account_id, ctx.region)
    archive_id = f"archive-{len(state.archive_vaults):03d}"
    parts = (data,) if size is None else ()
    archive = Archive(
        archive_id,
        description,
        g.clock.now(),
        len(data) if size is None else size,
        tree_hash(data),
        parts,
    )
    vault.archives[archive_id] = archive
    state.archive_vaults[archive_id] = vault.name
    record_write(g.backend, vault)
    return archive_id


def initiate(g: Harness, name: str = "vault", ctx: RequestContext = CTX, **params: Any) -> str:
    output = g.call("InitiateJob", ctx, vault_name=name, job_parameters=params)
    assert output["location"] == f"/{ctx.account_id}/vaults/{name}/jobs/{output['jobId']}"
    job_id: str = output["jobId"]
    return job_id


def retrieve(g: Harness, archive_id: str, **params: Any) -> str:
    return initiate(g, Type="archive-retrieval", ArchiveId=archive_id, **params)


def describe(g: Harness, job_id: str, name: str = "vault") -> dict[str, Any]:
    return g.call("DescribeJob", vault_name=name, job_id=job_id)


def output(g: Harness, job_id: str, range: str | None = None) -> dict[str, Any]:  # noqa: A002
    params: dict[str, Any] = {"vault_name": "vault", "job_id": job_id}
    if range is not None:
        params["range"] = range
    result = g.call("GetJobOutput", **params)
    body = result["body"]
    result["body"] = body.read_all() if isinstance(body, ResponseBody) else body
    return result


def refused(g: Harness, error: type[GlacierError], **params: Any) -> str:
    with pytest.raises(error) as excinfo:
        initiate(g, **params)
    return excinfo.value.message


def with_inventory(g: Harness) -> None:
    """Give the vault its first inventory (the next midnight), leaving the clock there."""
    g.move_to(MIDNIGHT)
    assert vault_of(g).inventory.last is not None


@pytest.fixture
def g() -> Harness:
    harness = Harness()
    harness.create_vault()
    return harness


# -- timing ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("tier", ["Expedited", "Standard", "Bulk"])
def test_a_job_is_in_progress_until_exactly_its_tiers_delay(g: Harness, tier: str) -> None:
    job_id = retrieve(g, put_archive(g), Tier=tier)
    delay = DEFAULT_JOB_DELAYS[tier]
    g.move_to(START + delay - timedelta(microseconds=1))
    job = describe(g, job_id)
    assert (job["StatusCode"], job["Completed"], job["CompletionDate"]) == (
        "InProgress",
        False,
        None,
    )
    g.move_to(START + delay)
    job = describe(g, job_id)
    assert (job["StatusCode"], job["Completed"], job["StatusMessage"]) == (
        "Succeeded",
        True,
        "Succeeded",
    )
    assert job["CreationDate"] == "2030-01-15T12:00:00.000Z"
    assert job["CompletionDate"] == (START + delay).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def test_a_long_jump_completes_at_creation_plus_delay(g: Harness) -> None:
    job_id = retrieve(g, put_archive(g), Tier="Bulk")
    g.advance(timedelta(hours=20))
    assert describe(g, job_id)["CompletionDate"] == "2030-01-16T00:00:00.000Z"


def test_inventory_jobs_use_the_inventory_delay_whatever_their_tier(g: Harness) -> None:
    put_archive(g)
    with_inventory(g)
    job_id = initiate(g, Type="inventory-retrieval", Tier="Expedited")
    g.advance(timedelta(hours=4) - timedelta(microseconds=1))
    assert describe(g, job_id)["StatusCode"] == "InProgress"
    g.advance(timedelta(microseconds=1))
    assert describe(g, job_id)["StatusCode"] == "Succeeded"


def test_job_delays_come_from_the_settings_and_zero_is_done_at_once() -> None:
    delays = dict(DEFAULT_JOB_DELAYS, Standard=timedelta(0), Bulk=timedelta(minutes=1))
    g = Harness(settings=BackendSettings(job_delays=delays))
    g.create_vault()
    archive_id = put_archive(g)
    now_job = describe(g, retrieve(g, archive_id))
    assert now_job["StatusCode"] == "Succeeded"
    assert now_job["CompletionDate"] == now_job["CreationDate"]
    bulk = retrieve(g, archive_id, Tier="Bulk")
    g.advance(timedelta(minutes=1))
    assert describe(g, bulk)["StatusCode"] == "Succeeded"


def test_a_job_and_its_output_disappear_24_hours_after_completion(g: Harness) -> None:
    job_id = retrieve(g, put_archive(g), Tier="Expedited")
    completed = START + timedelta(minutes=5)
    g.move_to(completed + timedelta(hours=24) - timedelta(microseconds=1))
    assert output(g, job_id)["body"] == b"x" * 100
    g.move_to(completed + timedelta(hours=24))
    for operation in ("DescribeJob", "GetJobOutput"):
        with pytest.raises(ResourceNotFoundException) as excinfo:
            g.call(operation, vault_name="vault", job_id=job_id)
        assert excinfo.value.message == f"The job ID was not found: {job_id}"
    assert g.call("ListJobs", vault_name="vault")["JobList"] == []
    assert any("expired" in entry.what for entry in g.backend.timeline.entries)


def test_a_job_started_after_the_clock_went_back_still_completes(g: Harness) -> None:
    archive_id = put_archive(g)
    g.advance(timedelta(days=3))  # the backend has caught up to three days later
    g.move_to(START)  # a test moves freezegun back
    job_id = retrieve(g, archive_id, Tier="Expedited")
    g.move_to(START + timedelta(minutes=5))
    assert describe(g, job_id)["StatusCode"] == "Succeeded"


# -- inventory jobs and the daily inventory --------------------------------------------------------


def test_inventory_jobs_are_refused_before_the_first_inventory(g: Harness) -> None:
    put_archive(g)
    message = refused(g, ResourceNotFoundException, Type="inventory-retrieval")
    assert message == (
        f"Inventory retrieval jobs for vault arn:aws:glacier:{REGION}:{ACCOUNT}:vaults/vault "
        f"cannot be initiated yet, as Amazon Glacier has not yet generated an initial inventory "
        f"for this vault."
    )


def archive_ids_in(g: Harness, job_id: str) -> list[str]:
    document = json.loads(output(g, job_id)["body"])
    return [item["ArchiveId"] for item in document["ArchiveList"]]


def test_an_inventory_job_returns_the_snapshot_as_of_its_completion(g: Harness) -> None:
    first = put_archive(g)
    with_inventory(g)  # 2030-01-16 00:00: first
    g.move_to(MIDNIGHT + timedelta(hours=18))
    second = put_archive(g)
    early = initiate(g, Type="inventory-retrieval")  # completes 22:00, before the next inventory
    g.move_to(MIDNIGHT + timedelta(hours=22))
    late = initiate(g, Type="inventory-retrieval")  # completes 02:00, after it
    g.move_to(MIDNIGHT + timedelta(days=1, hours=3))
    assert archive_ids_in(g, early) == [first]
    assert archive_ids_in(g, late) == [first, second]


def test_an_inventory_job_completing_at_midnight_sees_that_midnights_inventory(g: Harness) -> None:
    first = put_archive(g)
    with_inventory(g)
    g.move_to(MIDNIGHT + timedelta(hours=20))
    second = put_archive(g)
    job_id = initiate(g, Type="inventory-retrieval")  # due at exactly the next midnight
    g.move_to(MIDNIGHT + timedelta(days=1, hours=1))
    assert archive_ids_in(g, job_id) == [first, second]
    assert describe(g, job_id)["CompletionDate"] == "2030-01-17T00:00:00.000Z"


def test_inventory_output_formats_and_size(g: Harness) -> None:
    put_archive(g, b"abc", description="a, b")
    with_inventory(g)
    json_job = initiate(g, Type="inventory-retrieval")
    csv_job = initiate(g, Type="inventory-retrieval", Format="CSV")
    complete_now(g.backend)
    as_json = output(g, json_job)
    assert as_json["contentType"] == "application/json"
    assert as_json["status"] == 200
    assert "checksum" not in as_json
    document = json.loads(as_json["body"])
    assert document["InventoryDate"] == "2030-01-16T00:00:00Z"
    assert document["ArchiveList"][0]["ArchiveDescription"] == "a, b"
    assert describe(g, json_job)["InventorySizeInBytes"] == len(as_json["body"])
    as_csv = output(g, csv_job)
    assert as_csv["contentType"] == "text/csv"
    assert as_csv["body"].decode().splitlines()[1].split(",", 1)[1].startswith('"a, b",2030')


def test_inventory_paging_with_limit_and_marker(g: Harness) -> None:
    archive_ids = []
    for _ in range(5):
        archive_ids.append(put_archive(g))
        g.advance(timedelta(seconds=1))
    with_inventory(g)
    seen: list[str] = []
    params: dict[str, str] = {"Limit": "2"}
    for _ in range(4):
        job_id = initiate(g, Type="inventory-retrieval", InventoryRetrievalParameters=params)
        assert describe(g, job_id)["InventoryRetrievalParameters"]["Marker"] == params.get("Marker")
        complete_now(g.backend)
        seen.extend(archive_ids_in(g, job_id))
        marker = describe(g, job_id)["InventoryRetrievalParameters"]["Marker"]
        if marker is None:
            break
        params = {"Limit": "2", "Marker": marker}
    assert seen == archive_ids


def test_inventory_date_filters(g: Harness) -> None:
    old = put_archive(g)
    g.advance(timedelta(hours=1))
    new = put_archive(g)
    with_inventory(g)
    split = (START + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    before = initiate(
        g, Type="inventory-retrieval", InventoryRetrievalParameters={"EndDate": split}
    )
    after = initiate(
        g, Type="inventory-retrieval", InventoryRetrievalParameters={"StartDate": split}
    )
    complete_now(g.backend)
    assert archive_ids_in(g, before) == [old]
    assert archive_ids_in(g, after) == [new]
    assert describe(g, after)["InventoryRetrievalParameters"] == {
        "Format": "JSON",
        "StartDate": split,
        "EndDate": None,
        "Limit": None,
        "Marker": None,
    }


# -- the job description ---------------------------------------------------------------------------


def test_an_archive_job_description_has_every_key(g: Harness) -> None:
    data = b"y" * (3 * MIB)
    archive_id = put_archive(g, data)
    job_id = retrieve(g, archive_id, Description="restore", SNSTopic=TOPIC, Tier="Bulk")
    job = describe(g, job_id)
    assert set(job) == JOB_KEYS
    assert job == {
        "JobId": job_id,
        "JobDescription": "restore",
        "Action": "ArchiveRetrieval",
        "ArchiveId": archive_id,
        "VaultARN": f"arn:aws:glacier:{REGION}:{ACCOUNT}:vaults/vault",
        "CreationDate": "2030-01-15T12:00:00.000Z",
        "Completed": False,
        "StatusCode": "InProgress",
        "StatusMessage": "Operation in progress.",
        "ArchiveSizeInBytes": 3 * MIB,
        "InventorySizeInBytes": None,
        "SNSTopic": TOPIC,
        "CompletionDate": None,
        "SHA256TreeHash": None,  # a whole-archive job still in progress (§4.4)
        "ArchiveSHA256TreeHash": tree_hash(data),
        "RetrievalByteRange": f"0-{3 * MIB - 1}",
        "Tier": "Bulk",
        "InventoryRetrievalParameters": None,
        "JobOutputPath": None,
        "SelectParameters": None,
        "OutputLocation": None,
    }
    complete_now(g.backend)
    job = describe(g, job_id)
    assert job["SHA256TreeHash"] == tree_hash(data)
    assert job["CompletionDate"] == "2030-01-15T12:00:00.000Z"


@pytest.mark.parametrize(
    ("byte_range", "aligned"),
    [
        (f"0-{MIB - 1}", True),
        (f"{2 * MIB}-{3 * MIB - 1}", True),
        (f"{2 * MIB}-{4 * MIB - 1}", True),
        (f"{MIB}-{3 * MIB - 1}", False),
        (f"{4 * MIB}-{5 * MIB + 99}", True),
        (f"0-{5 * MIB + 99}", True),
    ],
)
def test_a_ranged_job_reports_the_ranges_tree_hash_only_when_aligned(
    g: Harness, byte_range: str, aligned: bool
) -> None:
    data = bytes(range(256)) * (5 * MIB // 256) + b"z" * 100
    job_id = retrieve(g, put_archive(g, data), RetrievalByteRange=byte_range)
    first, last = (int(n) for n in byte_range.split("-"))
    job = describe(g, job_id)
    assert job["RetrievalByteRange"] == byte_range
    expected = tree_hash(data[first : last + 1]) if aligned else None
    if (first, last) != (0, len(data) - 1):  # a whole-archive job shows it once complete
        assert job["SHA256TreeHash"] == expected
    complete_now(g.backend)
    result = output(g, job_id)
    assert result["body"] == data[first : last + 1]
    assert result.get("checksum") == expected


def test_an_inventory_job_description_has_every_key(g: Harness) -> None:
    put_archive(g)
    with_inventory(g)
    job_id = initiate(
        g, Type="inventory-retrieval", Format="CSV", InventoryRetrievalParameters={"Limit": "10"}
    )
    job = describe(g, job_id)
    assert set(job) == JOB_KEYS
    assert {key for key, value in job.items() if value is not None} == {
        "JobId",
        "Action",
        "VaultARN",
        "CreationDate",
        "Completed",
        "StatusCode",
        "StatusMessage",
        "Tier",
        "InventoryRetrievalParameters",
    }
    assert job["Action"] == "InventoryRetrieval"
    assert job["Tier"] == "Standard"
    assert job["InventoryRetrievalParameters"] == {
        "Format": "CSV",
        "StartDate": None,
        "EndDate": None,
        "Limit": "10",
        "Marker": None,
    }
    complete_now(g.backend)
    done = describe(g, job_id)
    assert done["InventorySizeInBytes"] == len(output(g, job_id)["body"])


def test_a_failed_job(g: Harness) -> None:
    job_id = retrieve(g, put_archive(g))
    g.advance(timedelta(minutes=7))
    fail_now(g.backend, job_id, "The archive could not be read.")
    job = describe(g, job_id)
    assert (job["StatusCode"], job["Completed"], job["StatusMessage"]) == (
        "Failed",
        True,
        "The archive could not be read.",
    )
    assert job["CompletionDate"] == "2030-01-15T12:07:00.000Z"
    with pytest.raises(InvalidParameterValueException) as excinfo:
        output(g, job_id)
    assert excinfo.value.message == f"The job is not currently available for download: {job_id}"


def test_fail_now_refuses_unknown_and_finished_jobs(g: Harness) -> None:
    job_id = retrieve(g, put_archive(g))
    with pytest.raises(ValueError, match="no job with id 'nope'"):
        fail_now(g.backend, "nope", "x")
    complete_now(g.backend)
    with pytest.raises(ValueError, match=f"{job_id} of vault vault already finished as Succeeded"):
        fail_now(g.backend, job_id, "x")


def test_complete_now_by_vault_and_region(g: Harness) -> None:
    other = RequestContext(OTHER_REGION, ACCOUNT)
    g.create_vault("second")
    g.create_vault("vault", other)
    a = retrieve(g, put_archive(g))
    b = initiate(g, "second", Type="archive-retrieval", ArchiveId=put_archive(g, name="second"))
    c = initiate(g, "vault", other, Type="archive-retrieval", ArchiveId=put_archive(g, ctx=other))
    assert complete_now(g.backend, "second") == [b]
    assert complete_now(g.backend, None, REGION) == [a]
    assert complete_now(g.backend) == [c]
    assert complete_now(g.backend) == []


# -- output ----------------------------------------------------------------------------------------


def test_output_before_completion_is_the_real_400(g: Harness) -> None:
    job_id = retrieve(g, put_archive(g))
    with pytest.raises(InvalidParameterValueException) as excinfo:
        output(g, job_id)
    assert excinfo.value.message == f"The job is not currently available for download: {job_id}"


def test_output_is_a_stream_over_the_stored_parts(g: Harness) -> None:
    parts = (b"a" * MIB, b"b" * MIB, b"c" * 10)
    vault = vault_of(g)
    data = b"".join(parts)
    vault.archives["multi"] = Archive("multi", "desc", START, len(data), tree_hash(data), parts)
    job_id = retrieve(g, "multi")
    complete_now(g.backend)
    result = g.call("GetJobOutput", vault_name="vault", job_id=job_id, range="bytes=1048570-")
    body = result["body"]
    assert isinstance(body, ResponseBody)
    assert body.length == MIB + 16
    chunks = list(body)
    assert [bytes(chunk) for chunk in chunks] == [b"a" * 6, b"b" * MIB, b"c" * 10]
    assert all(isinstance(chunk, memoryview) for chunk in chunks)
    assert result["status"] == 206
    assert result["contentRange"] == f"bytes 1048570-{len(data) - 1}/{len(data)}"
    assert result["archiveDescription"] == "desc"
    assert "checksum" not in result


def test_ranges_of_a_ranged_job_are_relative_to_its_output(g: Harness) -> None:
    data = bytes(range(256)) * (4 * MIB // 256)
    job_id = retrieve(g, put_archive(g, data), RetrievalByteRange=f"{2 * MIB}-{4 * MIB - 1}")
    complete_now(g.backend)
    result = output(g, job_id, f"bytes={MIB}-{2 * MIB - 1}")
    assert result["body"] == data[3 * MIB :]
    assert result["contentRange"] == f"bytes {MIB}-{2 * MIB - 1}/{2 * MIB}"
    assert result["checksum"] == tree_hash(data[3 * MIB :])
    partial = output(g, job_id, "bytes=10-19")
    assert partial["body"] == data[2 * MIB + 10 : 2 * MIB + 20]
    assert "checksum" not in partial


def test_a_job_keeps_its_archive_after_delete_but_new_jobs_are_refused(g: Harness) -> None:
    archive_id = put_archive(g)
    job_id = retrieve(g, archive_id)
    del vault_of(g).archives[archive_id]
    complete_now(g.backend)
    assert output(g, job_id)["body"] == b"x" * 100
    message = refused(g, ResourceNotFoundException, Type="archive-retrieval", ArchiveId=archive_id)
    assert message == f"The archive ID was not found: {archive_id}"


# -- validation ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "error", "needle"),
    [
        ({}, MissingParameterValueException, "Required parameter missing: Type"),
        ({"Type": "archive"}, InvalidParameterValueException, "Invalid job type: 'archive'"),
        ({"Type": "select", "ArchiveId": "a"}, MissingParameterValueException, "SelectParameters"),
        ({"Type": "archive-retrieval"}, MissingParameterValueException, "ArchiveId"),
        ({"Type": "inventory-retrieval", "ArchiveId": "a"}, InvalidParameterValueException, "Arc"),
        (
            {"Type": "inventory-retrieval", "RetrievalByteRange": "0-1"},
            InvalidParameterValueException,
            "RetrievalByteRange is not valid",
        ),
        (
            {"Type": "archive-retrieval", "ArchiveId": "a", "Format": "CSV"},
            InvalidParameterValueException,
            "Format is not valid",
        ),
        (
            {"Type": "archive-retrieval", "ArchiveId": "a", "InventoryRetrievalParameters": {}},
            InvalidParameterValueException,
            "InventoryRetrievalParameters",
        ),
        (
            {"Type": "inventory-retrieval", "SelectParameters": {}},
            InvalidParameterValueException,
            "SelectParameters",
        ),
        (
            {"Type": "archive-retrieval", "ArchiveId": "a", "Tier": "Fast"},
            InvalidParameterValueException,
            "Invalid Tier: 'Fast'",
        ),
        (
            {"Type": "inventory-retrieval", "Description": "x" * 1025},
            InvalidParameterValueException,
            "job description",
        ),
        (
            {"Type": "inventory-retrieval", "Description": "caf\u00e9"},
            InvalidParameterValueException,
            "printable ASCII",
        ),
        (
            {"Type": "inventory-retrieval", "SNSTopic": f"arn:aws:sns:eu-west-1:{ACCOUNT}:t"},
            InvalidParameterValueException,
            f"SNS topics must be in the local AWS region: arn:aws:sns:eu-west-1:{ACCOUNT}:t",
        ),
        (
            {"Type": "inventory-retrieval", "SNSTopic": "not-an-arn"},
            InvalidParameterValueException,
            "SNSTopic",
        ),
        (
            {"Type": "archive-retrieval", "ArchiveId": "unknown"},
            ResourceNotFoundException,
            "The archive ID was not found: unknown",
        ),
    ],
)
def test_invalid_job_parameters(
    g: Harness, params: dict[str, Any], error: type[GlacierError], needle: str
) -> None:
    put_archive(g)
    with_inventory(g)
    assert needle in refused(g, error, **params)
    assert vault_of(g).jobs == {}


def test_a_misaligned_range_is_refused(g: Harness) -> None:
    archive_id = put_archive(g, b"q" * (2 * MIB))
    message = refused(
        g,
        InvalidParameterValueException,
        Type="archive-retrieval",
        ArchiveId=archive_id,
        RetrievalByteRange="1-1048575",
    )
    assert "megabyte aligned" in message


def test_an_archive_of_another_vault_is_not_found(g: Harness) -> None:
    g.create_vault("other")
    archive_id = put_archive(g, name="other")
    refused(g, ResourceNotFoundException, Type="archive-retrieval", ArchiveId=archive_id)


def test_unknown_vault_and_job(g: Harness) -> None:
    with pytest.raises(ResourceNotFoundException, match="Vault not found for ARN"):
        initiate(g, "missing", Type="inventory-retrieval")
    with pytest.raises(ResourceNotFoundException, match="The job ID was not found: nope"):
        describe(g, "nope")


# -- notifications -------------------------------------------------------------------------------


def test_completion_notifies_the_job_topic_and_the_vaults_topic(g: Harness) -> None:
    g.call(
        "SetVaultNotifications",
        vault_name="vault",
        vault_notification_config={
            "SNSTopic": VAULT_TOPIC,
            "Events": ["ArchiveRetrievalCompleted"],
        },
    )
    job_id = retrieve(g, put_archive(g), SNSTopic=TOPIC)
    assert g.backend.notifications == []
    g.advance(timedelta(hours=5))
    sent = g.backend.notifications
    assert [n.topic_arn for n in sent] == [TOPIC, VAULT_TOPIC]
    assert all(n.message == describe(g, job_id) for n in sent)
    assert sent[0].subject == "Notification From AWS Glacier"


def test_the_vault_topic_only_gets_the_events_it_subscribes_to(g: Harness) -> None:
    g.call(
        "SetVaultNotifications",
        vault_name="vault",
        vault_notification_config={
            "SNSTopic": VAULT_TOPIC,
            "Events": ["InventoryRetrievalCompleted"],
        },
    )
    put_archive(g)
    with_inventory(g)
    retrieve(g, "archive-000")
    inventory_job = initiate(g, Type="inventory-retrieval")
    complete_now(g.backend)
    assert [(n.topic_arn, n.message["JobId"]) for n in g.backend.notifications] == [
        (VAULT_TOPIC, inventory_job)
    ]


def test_failure_notifies_and_one_topic_gets_one_message(g: Harness) -> None:
    g.call(
        "SetVaultNotifications",
        vault_name="vault",
        vault_notification_config={"SNSTopic": TOPIC, "Events": ["ArchiveRetrievalCompleted"]},
    )
    job_id = retrieve(g, put_archive(g), SNSTopic=TOPIC)
    fail_now(g.backend, job_id, "broken")
    (sent,) = g.backend.notifications
    assert sent.message["StatusCode"] == "Failed"
    assert sent.message["StatusMessage"] == "broken"


def test_no_topic_no_notification(g: Harness) -> None:
    retrieve(g, put_archive(g))
    complete_now(g.backend)
    assert g.backend.notifications == []


# -- data retrieval policy and Expedited capacity --------------------------------------------------


def set_policy(g: Harness, rule: dict[str, Any]) -> None:
    g.call("SetDataRetrievalPolicy", policy={"Rules": [rule]})


def test_bytes_per_hour_counts_standard_retrievals_in_progress_started_in_the_last_hour(
    g: Harness,
) -> None:
    archive_id = put_archive(g, b"m" * (3 * MIB))
    one_mib = {"RetrievalByteRange": f"0-{MIB - 1}"}
    set_policy(g, {"Strategy": "BytesPerHour", "BytesPerHour": 2 * MIB})
    retrieve(g, archive_id, **one_mib)
    g.advance(timedelta(minutes=30))
    retrieve(g, archive_id, **one_mib)
    message = refused(
        g, PolicyEnforcedException, Type="archive-retrieval", ArchiveId=archive_id, **one_mib
    )
    assert message == "InitiateJob request denied by current data retrieval policy."
    # Other tiers are not metered.
    retrieve(g, archive_id, Tier="Bulk")
    retrieve(g, archive_id, Tier="Expedited")
    # An hour after the first one started, it no longer counts.
    g.advance(timedelta(minutes=30))
    retrieve(g, archive_id, **one_mib)
    # Completed jobs do not count either.
    complete_now(g.backend)
    retrieve(g, archive_id, RetrievalByteRange=f"0-{2 * MIB - 1}")


def test_a_single_retrieval_larger_than_bytes_per_hour_is_refused(g: Harness) -> None:
    archive_id = put_archive(g, b"m" * 100)
    set_policy(g, {"Strategy": "BytesPerHour", "BytesPerHour": 99})
    refused(g, PolicyEnforcedException, Type="archive-retrieval", ArchiveId=archive_id)
    set_policy(g, {"Strategy": "None"})
    retrieve(g, archive_id)


def test_free_tier_allows_five_percent_of_storage_prorated_daily(g: Harness) -> None:
    # January has 31 days: 3,100 MiB stored allow 3,100 * 5 % / 31 = 5 MiB a day.
    big = put_archive(g, size=3100 * MIB)
    set_policy(g, {"Strategy": "FreeTier"})
    retrieve(g, big, RetrievalByteRange=f"0-{4 * MIB - 1}")
    retrieve(g, big, RetrievalByteRange=f"{4 * MIB}-{5 * MIB - 1}")
    refused(
        g,
        PolicyEnforcedException,
        Type="archive-retrieval",
        ArchiveId=big,
        RetrievalByteRange=f"0-{MIB - 1}",
    )
    retrieve(g, big, RetrievalByteRange=f"0-{MIB - 1}", Tier="Bulk")  # not metered
    g.move_to(MIDNIGHT)  # a new UTC day, a new allowance
    retrieve(g, big, RetrievalByteRange=f"0-{MIB - 1}")


def test_free_tier_refuses_a_whole_archive_retrieval(g: Harness) -> None:
    archive_id = put_archive(g)
    set_policy(g, {"Strategy": "FreeTier"})
    refused(g, PolicyEnforcedException, Type="archive-retrieval", ArchiveId=archive_id)


def test_expedited_without_capacity_when_capacity_is_short() -> None:
    g = Harness(settings=BackendSettings(expedited_capacity=False))
    g.create_vault()
    archive_id = put_archive(g)
    with pytest.raises(InsufficientCapacityException) as excinfo:
        retrieve(g, archive_id, Tier="Expedited")
    assert excinfo.value.status == 503
    retrieve(g, archive_id)  # Standard and Bulk are not affected
    retrieve(g, archive_id, Tier="Bulk")
    g.call("PurchaseProvisionedCapacity")
    retrieve(g, archive_id, Tier="Expedited")
    g.advance(timedelta(days=32))  # the unit expired
    with pytest.raises(InsufficientCapacityException):
        retrieve(g, archive_id, Tier="Expedited")


def test_expedited_is_accepted_by_default(g: Harness) -> None:
    retrieve(g, put_archive(g), Tier="Expedited")


# -- ListJobs ------------------------------------------------------------------------------------


def list_jobs(g: Harness, **params: Any) -> dict[str, Any]:
    return g.call("ListJobs", vault_name="vault", **params)


def job_ids(page: dict[str, Any]) -> list[str]:
    return [job["JobId"] for job in page["JobList"]]


def test_list_jobs_oldest_first_with_filters(g: Harness) -> None:
    archive_id = put_archive(g)
    fast = retrieve(g, archive_id, Tier="Expedited")
    g.advance(timedelta(minutes=1))
    slow = retrieve(g, archive_id)
    g.advance(timedelta(minutes=1))
    failed = retrieve(g, archive_id)
    fail_now(g.backend, failed, "no")
    g.advance(timedelta(minutes=5))
    page = list_jobs(g)
    assert job_ids(page) == [fast, slow, failed]
    assert page["Marker"] is None
    assert page["JobList"][1] == describe(g, slow)
    assert job_ids(list_jobs(g, statuscode="Succeeded")) == [fast]
    assert job_ids(list_jobs(g, statuscode="InProgress")) == [slow]
    assert job_ids(list_jobs(g, completed="true")) == [fast, failed]
    assert job_ids(list_jobs(g, completed="false")) == [slow]
    assert job_ids(list_jobs(g, completed="true", statuscode="Failed")) == [failed]
    assert job_ids(list_jobs(g, completed="false", statuscode="Failed")) == []


@pytest.mark.parametrize("statuscode", ["Done", "inprogress", ""])
def test_an_invalid_status_code_is_refused(g: Harness, statuscode: str) -> None:
    with pytest.raises(InvalidParameterValueException) as excinfo:
        list_jobs(g, statuscode=statuscode)
    assert excinfo.value.message == f"The job status code is not valid: {statuscode}"


@pytest.mark.parametrize("completed", ["yes", "1", ""])
def test_an_invalid_completed_is_refused(g: Harness, completed: str) -> None:
    with pytest.raises(InvalidParameterValueException, match="completed"):
        list_jobs(g, completed=completed)


@pytest.mark.parametrize("limit", ["1", "2", "3", "50", "1000"])
def test_paging_visits_every_job_once(g: Harness, limit: str) -> None:
    archive_id = put_archive(g)
    created = []
    for _ in range(7):
        created.append(retrieve(g, archive_id))
        g.advance(timedelta(seconds=1))
    seen: list[str] = []
    marker = None
    while True:
        page = list_jobs(g, limit=limit, **({"marker": marker} if marker else {}))
        assert len(page["JobList"]) <= min(int(limit), 50)
        seen.extend(job_ids(page))
        marker = page["Marker"]
        if marker is None:
            break
    assert seen == created


def test_the_default_page_is_fifty(g: Harness) -> None:
    archive_id = put_archive(g)
    for _ in range(51):
        retrieve(g, archive_id, Tier="Bulk")
    first = list_jobs(g)
    assert len(first["JobList"]) == 50
    assert len(list_jobs(g, marker=first["Marker"])["JobList"]) == 1


@pytest.mark.parametrize("limit", ["0", "-1", "many"])
def test_an_invalid_limit_or_marker_is_refused(g: Harness, limit: str) -> None:
    with pytest.raises(InvalidParameterValueException, match="limit"):
        list_jobs(g, limit=limit)
    with pytest.raises(InvalidParameterValueException, match="marker"):
        list_jobs(g, marker=limit)
