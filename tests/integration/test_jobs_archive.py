"""Archive retrieval through boto3: InitiateJob, DescribeJob, GetJobOutput (§2.5, §4.4).

``botocore.utils.calculate_tree_hash`` is the oracle for every tree hash.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError
from glacier_helpers import tree_hash

from pytest_glacier import GlacierMock

MIB = 1024 * 1024
ACCOUNT = "123456789012"
REGION = "us-east-1"
GLACIER = "https://glacier.us-east-1.amazonaws.com"
VERSION = {"x-amz-glacier-version": "2012-06-01"}


def data_of(size: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(size)


def code_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[int, str, str]:
    response = excinfo.value.response
    return (
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Code"],
        response["Error"]["Message"],
    )


@pytest.fixture
def vault(no_retry_glacier: Any) -> str:
    no_retry_glacier.create_vault(vaultName="v")
    return "v"


def upload(client: Any, data: bytes, description: str | None = None) -> str:
    params: dict[str, Any] = {"vaultName": "v", "body": data}
    if description is not None:
        params["archiveDescription"] = description
    archive_id: str = client.upload_archive(**params)["archiveId"]
    return archive_id


def upload_multipart(client: Any, data: bytes, part_size: int) -> str:
    upload_id = client.initiate_multipart_upload(
        vaultName="v", partSize=str(part_size), archiveDescription="multipart"
    )["uploadId"]
    for start in range(0, len(data), part_size):
        part = data[start : start + part_size]
        client.upload_multipart_part(
            vaultName="v",
            uploadId=upload_id,
            range=f"bytes {start}-{start + len(part) - 1}/*",
            body=part,
        )
    archive_id: str = client.complete_multipart_upload(
        vaultName="v", uploadId=upload_id, archiveSize=str(len(data)), checksum=tree_hash(data)
    )["archiveId"]
    return archive_id


def retrieve(client: Any, archive_id: str, **params: Any) -> str:
    job_id: str = client.initiate_job(
        vaultName="v",
        jobParameters={"Type": "archive-retrieval", "ArchiveId": archive_id, **params},
    )["jobId"]
    return job_id


def test_initiate_job_answers_202_with_location_and_job_id(
    no_retry_glacier: Any, vault: str
) -> None:
    archive_id = upload(no_retry_glacier, b"hello")
    response = no_retry_glacier.initiate_job(
        vaultName=vault, jobParameters={"Type": "archive-retrieval", "ArchiveId": archive_id}
    )
    job_id = response["jobId"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert response["location"] == f"/{ACCOUNT}/vaults/v/jobs/{job_id}"
    assert len(job_id) == 92
    assert set(job_id) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
    assert "jobOutputPath" not in response


def test_retrieve_a_whole_archive(
    glacier_mock: GlacierMock, no_retry_glacier: Any, vault: str
) -> None:
    data = data_of(2 * MIB + 3)
    archive_id = upload(no_retry_glacier, data, "my backup")
    job_id = retrieve(no_retry_glacier, archive_id, Description="restore it")
    job = no_retry_glacier.describe_job(vaultName=vault, jobId=job_id)
    assert job["StatusCode"] == "InProgress"
    assert job["StatusMessage"] == "Operation in progress."
    assert "SHA256TreeHash" not in job  # null for a whole-archive job in progress
    assert job["ArchiveSHA256TreeHash"] == tree_hash(data)
    assert job["RetrievalByteRange"] == f"0-{len(data) - 1}"
    assert job["ArchiveSizeInBytes"] == len(data)
    assert job["JobDescription"] == "restore it"

    glacier_mock.advance(hours=5)
    job = no_retry_glacier.describe_job(vaultName=vault, jobId=job_id)
    assert (job["StatusCode"], job["Completed"]) == ("Succeeded", True)
    assert job["SHA256TreeHash"] == tree_hash(data)

    result = no_retry_glacier.get_job_output(vaultName=vault, jobId=job_id)
    assert result["status"] == 200
    assert result["body"].read() == data
    assert result["checksum"] == tree_hash(data)
    assert result["contentType"] == "application/octet-stream"
    assert result["acceptRanges"] == "bytes"
    assert result["archiveDescription"] == "my backup"
    assert "contentRange" not in result
    headers = result["ResponseMetadata"]["HTTPHeaders"]
    assert headers["content-length"] == str(len(data))


def test_output_before_completion_is_the_real_400(no_retry_glacier: Any, vault: str) -> None:
    job_id = retrieve(no_retry_glacier, upload(no_retry_glacier, b"x"))
    with pytest.raises(ClientError) as excinfo:
        no_retry_glacier.get_job_output(vaultName=vault, jobId=job_id)
    assert code_of(excinfo) == (
        400,
        "InvalidParameterValueException",
        f"The job is not currently available for download: {job_id}",
    )


def test_multipart_archive_whole_and_by_ranges(
    glacier_mock: GlacierMock, no_retry_glacier: Any, vault: str
) -> None:
    data = data_of(5 * MIB + 1234)
    archive_id = upload_multipart(no_retry_glacier, data, part_size=2 * MIB)
    whole = retrieve(no_retry_glacier, archive_id)
    aligned = retrieve(
        no_retry_glacier, archive_id, RetrievalByteRange=f"{4 * MIB}-{len(data) - 1}"
    )
    unaligned = retrieve(no_retry_glacier, archive_id, RetrievalByteRange=f"{MIB}-{3 * MIB - 1}")
    assert glacier_mock.complete_jobs() == [whole, aligned, unaligned]

    body = no_retry_glacier.get_job_output(vaultName=vault, jobId=whole)["body"]
    chunks = list(body.iter_chunks(chunk_size=MIB))
    assert b"".join(chunks) == data
    assert all(len(chunk) <= MIB for chunk in chunks)

    job = no_retry_glacier.describe_job(vaultName=vault, jobId=aligned)
    assert job["SHA256TreeHash"] == tree_hash(data[4 * MIB :])
    result = no_retry_glacier.get_job_output(vaultName=vault, jobId=aligned)
    assert result["body"].read() == data[4 * MIB :]
    assert result["checksum"] == tree_hash(data[4 * MIB :])

    job = no_retry_glacier.describe_job(vaultName=vault, jobId=unaligned)
    assert "SHA256TreeHash" not in job
    result = no_retry_glacier.get_job_output(vaultName=vault, jobId=unaligned)
    assert result["body"].read() == data[MIB : 3 * MIB]
    assert "checksum" not in result

    # Download ranges of the whole-archive job, relative to its output.
    for first, last, checksum in [
        (0, MIB - 1, True),
        (2 * MIB, 4 * MIB - 1, True),
        (4 * MIB, len(data) - 1, True),
        (MIB, 3 * MIB - 1, False),
        (10, 99, False),
    ]:
        result = no_retry_glacier.get_job_output(
            vaultName=vault, jobId=whole, range=f"bytes={first}-{last}"
        )
        assert result["status"] == 206
        assert result["contentRange"] == f"bytes {first}-{last}/{len(data)}"
        piece = data[first : last + 1]
        assert result["body"].read() == piece
        assert result.get("checksum") == (tree_hash(piece) if checksum else None)


def test_range_forms_and_errors(
    glacier_mock: GlacierMock, no_retry_glacier: Any, vault: str
) -> None:
    data = data_of(1000)
    job_id = retrieve(no_retry_glacier, upload(no_retry_glacier, data))
    glacier_mock.complete_jobs()

    def fetch(header: str) -> dict[str, Any]:
        result: dict[str, Any] = no_retry_glacier.get_job_output(
            vaultName=vault, jobId=job_id, range=header
        )
        return result

    suffix = fetch("bytes=-100")
    assert (suffix["contentRange"], suffix["body"].read()) == ("bytes 900-999/1000", data[900:])
    open_ended = fetch("bytes=990-")
    assert open_ended["body"].read() == data[990:]
    past_end = fetch("bytes=990-5000")
    assert past_end["contentRange"] == "bytes 990-999/1000"
    ignored = fetch("bytes 0-4/1000")  # malformed: the whole output
    assert (ignored["status"], ignored["body"].read()) == (200, data)
    with pytest.raises(ClientError) as excinfo:
        fetch("bytes=1000-2000")
    assert code_of(excinfo) == (
        400,
        "InvalidParameterValueException",
        "The start of the range is larger than size of retrieved data: bytes=1000-2000",
    )


def test_a_ranged_retrieval_must_be_megabyte_aligned(no_retry_glacier: Any, vault: str) -> None:
    archive_id = upload(no_retry_glacier, data_of(3 * MIB))
    for byte_range in ["1-1048575", "0-1048576", f"0-{3 * MIB}", "5-2"]:
        with pytest.raises(ClientError) as excinfo:
            retrieve(no_retry_glacier, archive_id, RetrievalByteRange=byte_range)
        status, code, message = code_of(excinfo)
        assert (status, code) == (400, "InvalidParameterValueException")
        assert byte_range in message
    retrieve(no_retry_glacier, archive_id, RetrievalByteRange=f"{MIB}-{2 * MIB - 1}")


def test_unknown_archive_is_the_real_404(no_retry_glacier: Any, vault: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        retrieve(no_retry_glacier, "no-such-archive")
    assert code_of(excinfo) == (
        404,
        "ResourceNotFoundException",
        "The archive ID was not found: no-such-archive",
    )


SELECT_PARAMETERS = {
    "InputSerialization": {"csv": {"FileHeaderInfo": "USE"}},
    "ExpressionType": "SQL",
    "Expression": "SELECT * FROM archive",
    "OutputSerialization": {"csv": {"QuoteFields": "ASNEEDED"}},
}
OUTPUT_LOCATION = {"S3": {"BucketName": "results", "Prefix": "select/out"}}


def start_select(client: Any, vault: str, archive_id: str, **extra: Any) -> dict[str, Any]:
    parameters = {
        "Type": "select",
        "ArchiveId": archive_id,
        "SelectParameters": SELECT_PARAMETERS,
        "OutputLocation": OUTPUT_LOCATION,
        **extra,
    }
    return dict(client.initiate_job(vaultName=vault, jobParameters=parameters))


def test_a_select_job_runs_its_tier_and_reports_where_its_results_go(
    no_retry_glacier: Any, vault: str, glacier_mock: GlacierMock
) -> None:
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:select-done"
    archive_id = upload(no_retry_glacier, b"a,b\n1,2\n")
    started = start_select(no_retry_glacier, vault, archive_id, Tier="Bulk", SNSTopic=topic)
    job_id = started["jobId"]
    assert started["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert started["jobOutputPath"] == f"select/out/{job_id}/"

    described = no_retry_glacier.describe_job(vaultName=vault, jobId=job_id)
    assert (described["Action"], described["StatusCode"], described["Tier"]) == (
        "Select",
        "InProgress",
        "Bulk",
    )
    assert described["ArchiveId"] == archive_id
    assert described["JobOutputPath"] == f"select/out/{job_id}/"
    assert described["SelectParameters"] == SELECT_PARAMETERS
    assert described["OutputLocation"] == OUTPUT_LOCATION
    for retrieval_only in ("ArchiveSizeInBytes", "ArchiveSHA256TreeHash", "RetrievalByteRange"):
        assert retrieval_only not in described  # null: they describe an archive retrieval
    assert "SHA256TreeHash" not in described

    glacier_mock.advance(hours=12)  # Bulk
    done = no_retry_glacier.describe_job(vaultName=vault, jobId=job_id)
    assert (done["StatusCode"], done["Completed"]) == ("Succeeded", True)
    assert [(n.topic_arn, n.message["Action"]) for n in glacier_mock.notifications] == [
        (topic, "Select")
    ]
    with pytest.raises(ClientError) as excinfo:
        no_retry_glacier.get_job_output(vaultName=vault, jobId=job_id)
    status, code, message = code_of(excinfo)
    assert (status, code) == (400, "InvalidParameterValueException")
    assert f"s3://results/select/out/{job_id}/" in message


def test_a_select_job_needs_an_existing_archive(no_retry_glacier: Any, vault: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        start_select(no_retry_glacier, vault, "no-such-archive")
    assert code_of(excinfo) == (
        404,
        "ResourceNotFoundException",
        "The archive ID was not found: no-such-archive",
    )


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"Type": "restore"}, "Invalid job type"),
        ({"Type": "archive-retrieval", "ArchiveId": "a", "Tier": "Slow"}, "Invalid Tier"),
        ({"Type": "archive-retrieval", "ArchiveId": "a", "Format": "CSV"}, "Format"),
        ({"Type": "archive-retrieval", "ArchiveId": "a", "Description": "\t"}, "description"),
        (
            {
                "Type": "archive-retrieval",
                "ArchiveId": "a",
                "SNSTopic": f"arn:aws:sns:us-west-2:{ACCOUNT}:t",
            },
            f"SNS topics must be in the local AWS region: arn:aws:sns:us-west-2:{ACCOUNT}:t",
        ),
    ],
)
def test_invalid_parameters_are_400(
    no_retry_glacier: Any, vault: str, params: dict[str, str], needle: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        no_retry_glacier.initiate_job(vaultName=vault, jobParameters=params)
    status, code, message = code_of(excinfo)
    assert (status, code) == (400, "InvalidParameterValueException")
    assert needle in message


def test_missing_type_is_400(no_retry_glacier: Any, vault: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        no_retry_glacier.initiate_job(vaultName=vault, jobParameters={})
    assert code_of(excinfo)[:2] == (400, "MissingParameterValueException")


def test_unknown_job_is_the_real_404(no_retry_glacier: Any, vault: str) -> None:
    for call in (no_retry_glacier.describe_job, no_retry_glacier.get_job_output):
        with pytest.raises(ClientError) as excinfo:
            call(vaultName=vault, jobId="nope")
        assert code_of(excinfo) == (
            404,
            "ResourceNotFoundException",
            "The job ID was not found: nope",
        )


def test_deleted_archive(glacier_mock: GlacierMock, no_retry_glacier: Any, vault: str) -> None:
    archive_id = upload(no_retry_glacier, b"keep me")
    job_id = retrieve(no_retry_glacier, archive_id)
    no_retry_glacier.delete_archive(vaultName=vault, archiveId=archive_id)
    glacier_mock.complete_jobs()
    output = no_retry_glacier.get_job_output(vaultName=vault, jobId=job_id)
    assert output["body"].read() == b"keep me"
    with pytest.raises(ClientError) as excinfo:
        retrieve(no_retry_glacier, archive_id)
    assert code_of(excinfo)[:2] == (404, "ResourceNotFoundException")


def test_failed_job(glacier_mock: GlacierMock, no_retry_glacier: Any, vault: str) -> None:
    job_id = retrieve(no_retry_glacier, upload(no_retry_glacier, b"x"))
    glacier_mock.fail_job(job_id, "Archive is corrupt.")
    job = no_retry_glacier.describe_job(vaultName=vault, jobId=job_id)
    assert (job["StatusCode"], job["StatusMessage"], job["Completed"]) == (
        "Failed",
        "Archive is corrupt.",
        True,
    )
    assert "CompletionDate" in job
    with pytest.raises(ClientError) as excinfo:
        no_retry_glacier.get_job_output(vaultName=vault, jobId=job_id)
    assert code_of(excinfo)[2] == f"The job is not currently available for download: {job_id}"
    with pytest.raises(ValueError, match="already finished as Failed"):
        glacier_mock.fail_job(job_id)


# -- raw HTTP: what clients other than boto3 see ---------------------------------------------------


def test_describe_job_carries_every_key_with_nulls_as_json(
    glacier_mock: GlacierMock, no_retry_glacier: Any, vault: str
) -> None:
    job_id = retrieve(no_retry_glacier, upload(no_retry_glacier, b"raw"))
    response = requests.get(f"{GLACIER}/-/vaults/v/jobs/{job_id}", headers=VERSION, timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"  # boto 2 insists on exactly
    document = json.loads(response.content)
    assert len(document) == 21
    assert document["CompletionDate"] is None
    assert document["SHA256TreeHash"] is None
    assert document["InventoryRetrievalParameters"] is None
    assert document["Completed"] is False


def test_raw_output_download(glacier_mock: GlacierMock, no_retry_glacier: Any, vault: str) -> None:
    data = data_of(3000)
    job_id = retrieve(no_retry_glacier, upload(no_retry_glacier, data))
    glacier_mock.complete_jobs()
    url = f"{GLACIER}/-/vaults/v/jobs/{job_id}/output"
    whole = requests.get(url, headers=VERSION, timeout=5)
    assert whole.status_code == 200
    assert whole.content == data
    assert whole.headers["Content-Type"] == "application/octet-stream"
    part = requests.get(url, headers={**VERSION, "Range": "bytes=100-199"}, timeout=5)
    assert part.status_code == 206
    assert part.headers["Content-Range"] == "bytes 100-199/3000"
    assert part.content == data[100:200]


# -- retrieval policy and Expedited capacity -------------------------------------------------------


def test_bytes_per_hour_policy(no_retry_glacier: Any, vault: str) -> None:
    archive_id = upload(no_retry_glacier, data_of(2 * MIB))
    no_retry_glacier.set_data_retrieval_policy(
        Policy={"Rules": [{"Strategy": "BytesPerHour", "BytesPerHour": 3 * MIB}]}
    )
    retrieve(no_retry_glacier, archive_id)
    with pytest.raises(ClientError) as excinfo:
        retrieve(no_retry_glacier, archive_id)
    assert code_of(excinfo) == (
        400,
        "PolicyEnforcedException",
        "InitiateJob request denied by current data retrieval policy.",
    )
    retrieve(no_retry_glacier, archive_id, Tier="Bulk")


def test_free_tier_policy_refuses_a_large_standard_retrieval(
    no_retry_glacier: Any, vault: str
) -> None:
    archive_id = upload(no_retry_glacier, b"small")
    no_retry_glacier.set_data_retrieval_policy(Policy={"Rules": [{"Strategy": "FreeTier"}]})
    with pytest.raises(no_retry_glacier.exceptions.PolicyEnforcedException):
        retrieve(no_retry_glacier, archive_id)
    retrieve(no_retry_glacier, archive_id, Tier="Expedited")


@pytest.mark.glacier(expedited_capacity=False)
def test_expedited_without_provisioned_capacity(no_retry_glacier: Any, vault: str) -> None:
    archive_id = upload(no_retry_glacier, b"urgent")
    with pytest.raises(ClientError) as excinfo:
        retrieve(no_retry_glacier, archive_id, Tier="Expedited")
    status, code, _ = code_of(excinfo)
    assert (status, code) == (503, "InsufficientCapacityException")
    no_retry_glacier.purchase_provisioned_capacity()
    retrieve(no_retry_glacier, archive_id, Tier="Expedited")


@pytest.mark.glacier(expedited_capacity=False)
def test_insufficient_capacity_is_retried_by_botocore(
    glacier_mock: GlacierMock, glacier: Any
) -> None:
    glacier.create_vault(vaultName="v")
    archive_id = upload(glacier, b"urgent")
    with pytest.raises(glacier.exceptions.InsufficientCapacityException):
        retrieve(glacier, archive_id, Tier="Expedited")
    attempts = [c for c in glacier_mock.calls if c.operation == "InitiateJob"]
    assert len(attempts) > 1
