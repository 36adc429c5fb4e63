"""Jobs in simulated time through boto3: delays, polling loops, waiters, expiry, notifications."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, WaiterError

from pytest_glacier import GlacierMock, Notification, mock_glacier
from pytest_glacier.clock import real_now

ACCOUNT = "123456789012"
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:restores"
VAULT_TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:vault-events"


@pytest.fixture
def archive(no_retry_glacier: Any) -> str:
    no_retry_glacier.create_vault(vaultName="v")
    archive_id: str = no_retry_glacier.upload_archive(vaultName="v", body=b"payload")["archiveId"]
    return archive_id


def retrieve(client: Any, archive_id: str, vault: str = "v", **params: Any) -> str:
    job_id: str = client.initiate_job(
        vaultName=vault,
        jobParameters={"Type": "archive-retrieval", "ArchiveId": archive_id, **params},
    )["jobId"]
    return job_id


def status(client: Any, job_id: str, vault: str = "v") -> str:
    code: str = client.describe_job(vaultName=vault, jobId=job_id)["StatusCode"]
    return code


# -- a user's polling loop, waiters ----------------------------------------------------------------


@pytest.mark.glacier(sleep_advances=True)
def test_a_polling_loop_finishes_in_simulated_time(
    glacier_mock: GlacierMock, no_retry_glacier: Any, archive: str
) -> None:
    real_start, simulated_start = real_now(), glacier_mock.now()
    job_id = retrieve(no_retry_glacier, archive)
    polls = 0
    while no_retry_glacier.describe_job(vaultName="v", jobId=job_id)["StatusCode"] == "InProgress":
        time.sleep(600)
        polls += 1
    assert polls == 30  # 5 hours in 10-minute sleeps
    assert no_retry_glacier.get_job_output(vaultName="v", jobId=job_id)["body"].read() == b"payload"
    assert glacier_mock.now() - simulated_start >= timedelta(hours=5)
    assert real_now() - real_start < timedelta(seconds=5)


@pytest.mark.glacier(sleep_advances=True, job_delays={"Expedited": timedelta(seconds=30)})
def test_a_botocore_waiter_sleeps_in_simulated_time_and_jobs_complete_meanwhile(
    glacier_mock: GlacierMock, no_retry_glacier: Any, archive: str
) -> None:
    job_id = retrieve(no_retry_glacier, archive, Tier="Expedited")
    real_start = real_now()
    with pytest.raises(WaiterError):  # the vault exists: 15 polls 3 s apart, then give up
        no_retry_glacier.get_waiter("vault_not_exists").wait(vaultName="v")
    assert real_now() - real_start < timedelta(seconds=5)
    assert status(no_retry_glacier, job_id) == "Succeeded"


# -- delays ----------------------------------------------------------------------------------------


def test_default_delays(glacier_mock: GlacierMock, no_retry_glacier: Any, archive: str) -> None:
    jobs = {
        tier: retrieve(no_retry_glacier, archive, Tier=tier)
        for tier in ("Expedited", "Standard", "Bulk")
    }
    glacier_mock.advance(minutes=4, seconds=59)
    assert status(no_retry_glacier, jobs["Expedited"]) == "InProgress"
    glacier_mock.advance(seconds=1)
    assert status(no_retry_glacier, jobs["Expedited"]) == "Succeeded"
    glacier_mock.advance(hours=4, minutes=54)
    assert status(no_retry_glacier, jobs["Standard"]) == "InProgress"
    glacier_mock.advance(minutes=1)
    assert status(no_retry_glacier, jobs["Standard"]) == "Succeeded"
    glacier_mock.advance(hours=7)
    assert status(no_retry_glacier, jobs["Bulk"]) == "Succeeded"
    job = no_retry_glacier.describe_job(vaultName="v", jobId=jobs["Bulk"])
    created = datetime.fromisoformat(job["CreationDate"].replace("Z", "+00:00"))
    completed = datetime.fromisoformat(job["CompletionDate"].replace("Z", "+00:00"))
    assert completed - created == timedelta(hours=12)


@pytest.mark.glacier(job_delays={"Standard": 0, "Inventory": timedelta(minutes=1)})
def test_job_delays_from_the_marker(
    glacier_mock: GlacierMock, no_retry_glacier: Any, archive: str
) -> None:
    job_id = retrieve(no_retry_glacier, archive)
    assert status(no_retry_glacier, job_id) == "Succeeded"
    assert glacier_mock.notifications == []  # no topic: nothing published
    bulk = retrieve(no_retry_glacier, archive, Tier="Bulk")  # not named: the default 12 h
    glacier_mock.advance(hours=11)
    assert status(no_retry_glacier, bulk) == "InProgress"


def test_job_delays_from_mock_glacier() -> None:
    with mock_glacier(job_delays={"Expedited": 1, "Bulk": timedelta(minutes=2)}) as mock:
        client = boto3.client("glacier", region_name="eu-west-1")
        client.create_vault(vaultName="v")
        archive_id = client.upload_archive(vaultName="v", body=b"x")["archiveId"]
        fast = retrieve(client, archive_id, Tier="Expedited")
        bulk = retrieve(client, archive_id, Tier="Bulk")
        mock.advance(seconds=1)
        assert status(client, fast) == "Succeeded"
        assert status(client, bulk) == "InProgress"
        mock.advance(minutes=2)
        assert status(client, bulk) == "Succeeded"


def test_jobs_and_output_expire_24_hours_after_completion(
    glacier_mock: GlacierMock, no_retry_glacier: Any, archive: str
) -> None:
    job_id = retrieve(no_retry_glacier, archive, Tier="Expedited")
    glacier_mock.advance(minutes=5)
    glacier_mock.advance(hours=23, minutes=59)
    assert no_retry_glacier.get_job_output(vaultName="v", jobId=job_id)["body"].read() == b"payload"
    glacier_mock.advance(minutes=1)
    with pytest.raises(ClientError) as excinfo:
        no_retry_glacier.describe_job(vaultName="v", jobId=job_id)
    assert excinfo.value.response["Error"]["Message"] == f"The job ID was not found: {job_id}"
    assert no_retry_glacier.list_jobs(vaultName="v")["JobList"] == []


def test_a_job_started_under_freezegun_completes_when_the_test_advances(
    glacier_mock: GlacierMock, no_retry_glacier: Any, archive: str
) -> None:
    from freezegun import freeze_time

    with freeze_time("2019-12-31 23:00:00"):
        job_id = retrieve(no_retry_glacier, archive)
        glacier_mock.advance(hours=5)
        job = no_retry_glacier.describe_job(vaultName="v", jobId=job_id)
        assert job["StatusCode"] == "Succeeded"
        assert job["CompletionDate"] == "2020-01-01T04:00:00.000Z"


@pytest.fixture
def los_angeles(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.glacier(start_time="2031-07-04T22:30:00Z")
def test_job_dates_are_utc_under_a_non_utc_tz(
    los_angeles: None, glacier_mock: GlacierMock, no_retry_glacier: Any, archive: str
) -> None:
    assert time.localtime().tm_gmtoff != 0
    job_id = retrieve(no_retry_glacier, archive)
    glacier_mock.advance(hours=5)
    job = no_retry_glacier.describe_job(vaultName="v", jobId=job_id)
    assert job["CreationDate"].startswith("2031-07-04T22:30")
    assert job["CompletionDate"].startswith("2031-07-05T03:30")


# -- complete_jobs, fail_job, notifications --------------------------------------------------------


def test_complete_jobs_by_vault_and_region(
    glacier_mock: GlacierMock, no_retry_glacier: Any
) -> None:
    ids = {}
    for region in ("us-east-1", "eu-west-1"):
        client = boto3.client("glacier", region_name=region)
        for vault in ("a", "b"):
            client.create_vault(vaultName=vault)
            archive_id = client.upload_archive(vaultName=vault, body=b"x")["archiveId"]
            ids[region, vault] = retrieve(client, archive_id, vault)
    assert glacier_mock.complete_jobs("a", region="eu-west-1") == [ids["eu-west-1", "a"]]
    assert sorted(glacier_mock.complete_jobs("b")) == sorted(
        [ids["us-east-1", "b"], ids["eu-west-1", "b"]]
    )
    assert glacier_mock.complete_jobs() == [ids["us-east-1", "a"]]
    assert glacier_mock.complete_jobs() == []
    assert status(no_retry_glacier, ids["us-east-1", "a"], "a") == "Succeeded"
    with pytest.raises(ValueError, match="complete_jobs: no vault named 'c'"):
        glacier_mock.complete_jobs("c")


def test_fail_job_refuses_unknown_ids(glacier_mock: GlacierMock) -> None:
    with pytest.raises(ValueError, match="no job with id 'missing'"):
        glacier_mock.fail_job("missing")


def test_notifications_carry_the_job_description(
    glacier_mock: GlacierMock, no_retry_glacier: Any, archive: str
) -> None:
    no_retry_glacier.set_vault_notifications(
        vaultName="v",
        vaultNotificationConfig={
            "SNSTopic": VAULT_TOPIC,
            "Events": ["ArchiveRetrievalCompleted", "InventoryRetrievalCompleted"],
        },
    )
    succeeded = retrieve(no_retry_glacier, archive, SNSTopic=TOPIC)
    failed = retrieve(no_retry_glacier, archive)
    assert glacier_mock.notifications == []
    glacier_mock.fail_job(failed, "No luck.")
    glacier_mock.advance(hours=5)

    sent = glacier_mock.notifications
    assert all(isinstance(n, Notification) for n in sent)
    assert [(n.topic_arn, n.message["JobId"]) for n in sent] == [
        (VAULT_TOPIC, failed),
        (TOPIC, succeeded),
        (VAULT_TOPIC, succeeded),
    ]
    assert sent[0].message["StatusCode"] == "Failed"
    assert sent[0].message["StatusMessage"] == "No luck."
    message = sent[1].message
    assert len(message) == 21  # every key of the job description, nulls included
    assert message["CompletionDate"] is not None
    assert message["InventorySizeInBytes"] is None
    described = no_retry_glacier.describe_job(vaultName="v", jobId=succeeded)
    assert {k: v for k, v in message.items() if v is not None} == {
        k: v for k, v in described.items() if k != "ResponseMetadata"
    }
    assert sent[1].subject == "Notification From AWS Glacier"
    sent[1].message["StatusCode"] = "tampered"  # a copy: the record stays as published
    assert glacier_mock.notifications[1].message["StatusCode"] == "Succeeded"
    glacier_mock.reset()
    assert glacier_mock.notifications == []


def test_notifications_of_jobs_due_by_a_test_moved_clock_appear(
    glacier_mock: GlacierMock, no_retry_glacier: Any, archive: str
) -> None:
    from freezegun import freeze_time

    with freeze_time("2030-01-01 00:00:00") as frozen:
        retrieve(no_retry_glacier, archive, SNSTopic=TOPIC, Tier="Expedited")
        frozen.move_to("2030-01-01 00:05:00")  # no request since
        assert [n.topic_arn for n in glacier_mock.notifications] == [TOPIC]


# -- ListJobs --------------------------------------------------------------------------------------


def test_list_jobs_filters_and_paginator(
    glacier_mock: GlacierMock, no_retry_glacier: Any, archive: str
) -> None:
    created = []
    for n in range(7):
        created.append(retrieve(no_retry_glacier, archive, Tier="Expedited" if n < 3 else "Bulk"))
        glacier_mock.advance(seconds=1)
    glacier_mock.advance(minutes=5)  # the Expedited ones complete
    listed = no_retry_glacier.list_jobs(vaultName="v")
    assert [job["JobId"] for job in listed["JobList"]] == created
    assert "Marker" not in listed

    paginator = no_retry_glacier.get_paginator("list_jobs")
    pages = list(paginator.paginate(vaultName="v", PaginationConfig={"PageSize": 2}))
    assert [len(page["JobList"]) for page in pages] == [2, 2, 2, 1]
    assert [job["JobId"] for page in pages for job in page["JobList"]] == created

    done = no_retry_glacier.list_jobs(vaultName="v", completed="true")["JobList"]
    assert [job["JobId"] for job in done] == created[:3]
    running = no_retry_glacier.list_jobs(vaultName="v", statuscode="InProgress", limit="2")
    assert [job["JobId"] for job in running["JobList"]] == created[3:5]
    rest = no_retry_glacier.list_jobs(
        vaultName="v", statuscode="InProgress", marker=running["Marker"]
    )
    assert [job["JobId"] for job in rest["JobList"]] == created[5:]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"statuscode": "Finished"}, "The job status code is not valid: Finished"),
        ({"completed": "maybe"}, None),
        ({"limit": "0"}, None),
    ],
)
def test_list_jobs_refuses_invalid_filters(
    no_retry_glacier: Any, archive: str, params: dict[str, str], message: str | None
) -> None:
    with pytest.raises(ClientError) as excinfo:
        no_retry_glacier.list_jobs(vaultName="v", **params)
    error = excinfo.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Error"]["Code"] == "InvalidParameterValueException"
    if message is not None:
        assert error["Error"]["Message"] == message


def test_job_timestamps_follow_the_mock_clock(
    glacier_mock: GlacierMock, no_retry_glacier: Any, archive: str
) -> None:
    job_id = retrieve(no_retry_glacier, archive)
    created = no_retry_glacier.describe_job(vaultName="v", jobId=job_id)["CreationDate"]
    parsed = datetime.fromisoformat(created.replace("Z", "+00:00"))
    assert parsed.tzinfo == timezone.utc
    assert abs(parsed - glacier_mock.now()) < timedelta(seconds=5)
