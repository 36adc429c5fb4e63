"""Multipart uploads through boto3 and raw HTTP, as users and third-party uploaders drive them
(GLACIER_SPEC §2.4, §3, §4.2). botocore's ``calculate_tree_hash`` is the oracle for every hash;
archive bytes are checked through the backend, since jobs are another change.

Big-data tests are few: one 64 MiB upload from a thread pool per part size at the ends of the
range users pick (1 MiB and 8 MiB); everything else uses 1 MiB parts or one-byte parts (a part
shorter than the part size is accepted until Complete, which lets paging tests stay small).
"""

from __future__ import annotations

import functools
import os
import random
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError
from glacier_helpers import error_of, tree_hash

from pytest_glacier import GlacierMock
from pytest_glacier.backend.archives import Archive

ACCOUNT = "123456789012"
REGION = "us-east-1"
VAULT_ARN = f"arn:aws:glacier:{REGION}:{ACCOUNT}:vaults/v"
GLACIER = f"https://glacier.{REGION}.amazonaws.com"
VERSION = {"x-amz-glacier-version": "2012-06-01"}
MIB = 1024 * 1024
UPLOAD_ID_SHAPE = re.compile(r"[A-Za-z0-9_-]{92}")


@pytest.fixture
def client(no_retry_glacier: Any) -> Any:
    no_retry_glacier.create_vault(vaultName="v")
    return no_retry_glacier


def stored(mock: GlacierMock, archive_id: str) -> Archive:
    return mock._backend.region_state(ACCOUNT, REGION).vaults["v"].archives[archive_id]


def initiate(client: Any, part_size: int = MIB, **params: Any) -> str:
    return str(
        client.initiate_multipart_upload(vaultName="v", partSize=str(part_size), **params)[
            "uploadId"
        ]
    )


def put(client: Any, upload_id: str, start: int, body: bytes, **params: Any) -> dict[str, Any]:
    params.setdefault("range", f"bytes {start}-{start + len(body) - 1}/*")
    result: dict[str, Any] = client.upload_multipart_part(
        vaultName="v", uploadId=upload_id, body=body, **params
    )
    return result


def put_all(client: Any, upload_id: str, data: bytes, part_size: int = MIB) -> None:
    for start in range(0, len(data), part_size):
        put(client, upload_id, start, data[start : start + part_size])


def complete(client: Any, upload_id: str, data: bytes, **params: Any) -> dict[str, Any]:
    params.setdefault("archiveSize", str(len(data)))
    params.setdefault("checksum", tree_hash(data))
    sent = {name: value for name, value in params.items() if value is not None}  # None: omit it
    result: dict[str, Any] = client.complete_multipart_upload(
        vaultName="v", uploadId=upload_id, **sent
    )
    return result


def expect_error(call: Callable[[], Any]) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as raised:
        call()
    return error_of(raised)


# -- the whole journey ---------------------------------------------------------------------------


def test_initiate_upload_parts_in_any_order_complete(
    glacier_mock: GlacierMock, client: Any
) -> None:
    data = os.urandom(3 * MIB + MIB // 2)
    initiated = client.initiate_multipart_upload(
        vaultName="v", partSize=str(MIB), archiveDescription="  nightly"
    )
    upload_id = initiated["uploadId"]
    assert initiated["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert UPLOAD_ID_SHAPE.fullmatch(upload_id)
    assert initiated["location"] == f"/{ACCOUNT}/vaults/v/multipart-uploads/{upload_id}"

    starts = list(range(0, len(data), MIB))
    for start in reversed(starts):
        part = data[start : start + MIB]
        answered = put(client, upload_id, start, part)
        assert answered["ResponseMetadata"]["HTTPStatusCode"] == 204
        assert answered["checksum"] == tree_hash(part)

    completed = complete(client, upload_id, data)

    archive_id = completed["archiveId"]
    assert completed["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert completed["checksum"] == tree_hash(data)
    assert completed["location"] == f"/{ACCOUNT}/vaults/v/archives/{archive_id}"
    archive = stored(glacier_mock, archive_id)
    assert b"".join(archive.iter_bytes()) == data
    assert archive.description == "nightly"  # leading spaces are stripped


def test_reading_an_archive_back_streams_the_stored_parts_without_joining_them(
    glacier_mock: GlacierMock, client: Any
) -> None:
    data = os.urandom(3 * MIB + 5)
    upload_id = initiate(client)
    put_all(client, upload_id, data)
    archive = stored(glacier_mock, complete(client, upload_id, data)["archiveId"])

    views = list(archive.iter_bytes())

    assert [view.nbytes for view in views] == [MIB, MIB, MIB, 5]
    assert all(view.obj is part for view, part in zip(views, archive.parts, strict=True))
    middle = list(archive.iter_bytes(MIB - 2, 2 * MIB + 2))  # a range across part boundaries
    assert b"".join(middle) == data[MIB - 2 : 2 * MIB + 2]
    assert archive.range_tree_hash(MIB, 3 * MIB) == tree_hash(data[MIB : 3 * MIB])


def test_a_range_uploaded_again_overwrites_the_part(glacier_mock: GlacierMock, client: Any) -> None:
    upload_id = initiate(client)
    put(client, upload_id, 0, b"a" * MIB)
    put(client, upload_id, MIB, b"first")
    put(client, upload_id, MIB, b"second, longer")
    listed = client.list_parts(vaultName="v", uploadId=upload_id)["Parts"]
    assert listed[1] == {
        "RangeInBytes": f"{MIB}-{MIB + 13}",
        "SHA256TreeHash": tree_hash(b"second, longer"),
    }
    data = b"a" * MIB + b"second, longer"
    assert (
        b"".join(stored(glacier_mock, complete(client, upload_id, data)["archiveId"]).iter_bytes())
        == data
    )


# -- InitiateMultipartUpload ---------------------------------------------------------------------


@pytest.mark.parametrize("part_size", ["0", "1048575", "3145728", "8589934592", "1MB"])
def test_invalid_part_sizes(client: Any, part_size: str) -> None:
    assert expect_error(
        lambda: client.initiate_multipart_upload(vaultName="v", partSize=part_size)
    ) == (
        400,
        "InvalidParameterValueException",
        (
            f"Invalid part size: {part_size}. Part size must not be null, must be a power of two "
            f"and be between 1048576 and 4294967296 bytes."
        ),
    )


def test_absent_part_size_is_null(client: Any) -> None:
    status, code, message = expect_error(lambda: client.initiate_multipart_upload(vaultName="v"))
    assert (status, code) == (400, "InvalidParameterValueException")
    assert message.startswith("Invalid part size: null. ")


@pytest.mark.parametrize("part_size", ["", "  "])
def test_an_empty_part_size_is_null_like_an_absent_one(client: Any, part_size: str) -> None:
    assert expect_error(
        lambda: client.initiate_multipart_upload(vaultName="v", partSize=part_size)
    ) == (
        400,
        "InvalidParameterValueException",
        (
            "Invalid part size: null. Part size must not be null, must be a power of two and be "
            "between 1048576 and 4294967296 bytes."
        ),
    )


@pytest.mark.parametrize("part_size", [MIB, 4 * 1024 * MIB])
def test_part_sizes_at_both_limits(client: Any, part_size: int) -> None:
    upload_id = initiate(client, part_size)
    listed = client.list_parts(vaultName="v", uploadId=upload_id)
    assert listed["PartSizeInBytes"] == part_size


def test_invalid_description(client: Any) -> None:
    status, code, message = expect_error(lambda: initiate(client, archiveDescription="x" * 1025))
    assert (status, code) == (400, "InvalidParameterValueException")
    assert message.startswith("Invalid archive description")


def test_the_description_limit_counts_what_is_kept_after_leading_spaces(
    client: Any, glacier_mock: GlacierMock
) -> None:
    kept = "x" * 1024
    upload_id = initiate(client, archiveDescription=" " + kept)
    assert client.list_parts(vaultName="v", uploadId=upload_id)["ArchiveDescription"] == kept

    status, code, message = expect_error(
        lambda: initiate(client, archiveDescription=" " + kept + "x")
    )
    assert (status, code) == (400, "InvalidParameterValueException")
    assert message == (
        "Invalid archive description: it is 1025 characters long once its 1 leading space is "
        "stripped; archive descriptions are at most 1024 characters."
    )


def test_initiate_in_a_missing_vault(no_retry_glacier: Any) -> None:
    status, code, _ = expect_error(
        lambda: no_retry_glacier.initiate_multipart_upload(vaultName="nope", partSize=str(MIB))
    )
    assert (status, code) == (404, "ResourceNotFoundException")


# -- UploadMultipartPart -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_range", "body", "message"),
    [
        (
            "bytes 0-9/*",
            b"x" * 11,
            "Content-Range: bytes 0-9/* is incompatible with Content-Length: 11",
        ),
        ("bytes 9-0/*", b"x", "Invalid Content-Range: bytes 9-0/*"),
        ("bytes 0-9", b"x" * 10, "Invalid Content-Range: bytes 0-9"),
        ("bytes 0-9/5", b"x" * 10, "Invalid Content-Range: bytes 0-9/5"),
        (
            f"bytes {10_000 * MIB}-{10_000 * MIB}/*",
            b"x",
            (
                "This is part number 10001 for the current multipart upload. It exceeds the "
                "limit of 10000 parts."
            ),
        ),
    ],
)  # fmt: skip
def test_part_range_errors_with_known_messages(
    client: Any, content_range: str, body: bytes, message: str
) -> None:
    upload_id = initiate(client)
    assert expect_error(lambda: put(client, upload_id, 0, body, range=content_range)) == (
        400,
        "InvalidParameterValueException",
        message,
    )


@pytest.mark.parametrize(
    ("content_range", "size", "problem"),
    [
        (f"bytes 1-{MIB}/*", MIB, "is not aligned with the part size"),
        (f"bytes 0-{2 * MIB - 1}/*", 2 * MIB, "more than the part size"),
    ],
)
def test_part_range_must_fit_the_part_size(
    client: Any, content_range: str, size: int, problem: str
) -> None:
    upload_id = initiate(client)
    status, code, message = expect_error(
        lambda: put(client, upload_id, 0, b"x" * size, range=content_range)
    )
    assert (status, code) == (400, "InvalidParameterValueException")
    assert message.startswith(f"Content-Range: {content_range} ")
    assert problem in message


def test_part_tree_hash_mismatch(client: Any) -> None:
    upload_id = initiate(client)
    assert expect_error(lambda: put(client, upload_id, 0, b"part", checksum="ab" * 32)) == (
        400,
        "InvalidParameterValueException",
        f"Checksum mismatch: expected {'ab' * 32}, computed {tree_hash(b'part')}",
    )
    assert client.list_parts(vaultName="v", uploadId=upload_id)["Parts"] == []


def test_part_without_content_range(client: Any) -> None:
    upload_id = initiate(client)
    assert expect_error(
        lambda: client.upload_multipart_part(vaultName="v", uploadId=upload_id, body=b"x")
    ) == (400, "MissingParameterValueException", "Required parameter missing: Content-Range")


def test_part_for_an_unknown_upload(client: Any) -> None:
    assert expect_error(lambda: put(client, "no-such-upload", 0, b"x")) == (
        404,
        "ResourceNotFoundException",
        "The upload ID was not found: no-such-upload",
    )


def test_a_concrete_total_in_content_range_is_accepted(client: Any) -> None:
    upload_id = initiate(client)
    put(client, upload_id, 0, b"x" * 10, range="bytes 0-9/10")
    assert complete(client, upload_id, b"x" * 10)["checksum"] == tree_hash(b"x" * 10)


# -- CompleteMultipartUpload ---------------------------------------------------------------------


def test_complete_checks_size_gaps_and_hash_and_leaves_the_upload_open(client: Any) -> None:
    data = os.urandom(2 * MIB + 3)
    upload_id = initiate(client)
    put(client, upload_id, 0, data[:MIB])
    put(client, upload_id, 2 * MIB, data[2 * MIB :])

    status, code, message = expect_error(lambda: complete(client, upload_id, data))
    assert (status, code) == (400, "InvalidParameterValueException")
    assert message.startswith(f"Missing part: bytes {MIB}-{2 * MIB - 1} ")

    put(client, upload_id, MIB, data[MIB : 2 * MIB])
    status, _, message = expect_error(
        lambda: complete(client, upload_id, data, archiveSize=str(len(data) + 1))
    )
    assert (status, message.split(":")[0]) == (400, "Archive size mismatch")
    assert expect_error(lambda: complete(client, upload_id, data, checksum="0" * 64)) == (
        400,
        "InvalidParameterValueException",
        f"Invalid x-amz-sha256-tree-hash: {'0' * 64}",
    )
    for missing in (None, "", " "):  # an empty header carries no hash: missing, like none
        call = functools.partial(complete, client, upload_id, data, checksum=missing)
        assert expect_error(call) == (
            400,
            "MissingParameterValueException",
            "Required parameter missing: x-amz-sha256-tree-hash",
        )
    listed = client.list_multipart_uploads(vaultName="v")["UploadsList"]
    assert [upload["MultipartUploadId"] for upload in listed] == [upload_id]

    completed = complete(client, upload_id, data, checksum=tree_hash(data).upper())
    assert completed["checksum"] == tree_hash(data)


def test_a_short_part_is_accepted_but_complete_refuses_it(client: Any) -> None:
    upload_id = initiate(client)
    put(client, upload_id, 0, b"short")  # accepted: it might have been the last part
    put(client, upload_id, MIB, b"tail")
    status, code, message = expect_error(
        lambda: complete(client, upload_id, b"", archiveSize=str(MIB + 4), checksum="0" * 64)
    )
    assert (status, code) == (400, "InvalidParameterValueException")
    assert message.startswith("The part at bytes 0-4 is 5 bytes long")


def test_complete_twice_gives_the_same_archive_and_the_upload_is_gone(
    glacier_mock: GlacierMock, client: Any
) -> None:
    upload_id = initiate(client)
    put(client, upload_id, 0, b"data")
    first = complete(client, upload_id, b"data")
    again = complete(client, upload_id, b"data")

    assert again["archiveId"] == first["archiveId"]
    assert again["checksum"] == first["checksum"]
    assert len(glacier_mock._backend.region_state(ACCOUNT, REGION).vaults["v"].archives) == 1
    assert client.list_multipart_uploads(vaultName="v")["UploadsList"] == []
    assert expect_error(lambda: client.list_parts(vaultName="v", uploadId=upload_id)) == (
        404,
        "ResourceNotFoundException",
        f"The upload ID was not found: {upload_id}",
    )
    assert expect_error(lambda: client.abort_multipart_upload(vaultName="v", uploadId=upload_id))[
        :2
    ] == (404, "ResourceNotFoundException")


def test_completed_archive_is_a_write_like_upload_archive(
    glacier_mock: GlacierMock, client: Any
) -> None:
    upload_id = initiate(client)
    put(client, upload_id, 0, b"data")
    complete(client, upload_id, b"data")
    with pytest.raises(ClientError, match="Vault not empty or recently written to"):
        client.delete_vault(vaultName="v")
    glacier_mock.advance(days=1)
    assert client.describe_vault(vaultName="v")["NumberOfArchives"] == 1


# -- AbortMultipartUpload ------------------------------------------------------------------------


def test_abort_is_idempotent_for_a_while_then_the_upload_is_unknown(
    glacier_mock: GlacierMock, client: Any
) -> None:
    upload_id = initiate(client)
    put(client, upload_id, 0, b"data")
    for _ in range(2):
        aborted = client.abort_multipart_upload(vaultName="v", uploadId=upload_id)
        assert aborted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert client.list_multipart_uploads(vaultName="v")["UploadsList"] == []
    for call in (
        lambda: client.list_parts(vaultName="v", uploadId=upload_id),
        lambda: put(client, upload_id, 0, b"data"),
        lambda: complete(client, upload_id, b"data"),
    ):
        assert expect_error(call)[:2] == (404, "ResourceNotFoundException")

    glacier_mock.advance(days=1)
    assert expect_error(
        lambda: client.abort_multipart_upload(vaultName="v", uploadId=upload_id)
    ) == (404, "ResourceNotFoundException", f"The upload ID was not found: {upload_id}")


# -- ListParts, ListMultipartUploads -------------------------------------------------------------


def test_list_parts_pages_by_50_and_its_paginator_sees_every_part_once(client: Any) -> None:
    upload_id = initiate(client, archiveDescription="parts")
    for index in random.Random(7).sample(range(60), 60):
        put(client, upload_id, index * MIB, bytes([index]))
    expected = [f"{i * MIB}-{i * MIB}" for i in range(60)]

    first = client.list_parts(vaultName="v", uploadId=upload_id)
    assert [p["RangeInBytes"] for p in first["Parts"]] == expected[:50]
    assert first["Marker"] == str(50 * MIB)
    assert (first["ArchiveDescription"], first["PartSizeInBytes"]) == ("parts", MIB)
    assert (first["MultipartUploadId"], first["VaultARN"]) == (upload_id, VAULT_ARN)
    rest = client.list_parts(vaultName="v", uploadId=upload_id, marker=first["Marker"])
    assert [p["RangeInBytes"] for p in rest["Parts"]] == expected[50:]
    assert "Marker" not in rest  # null: botocore drops it
    clamped = client.list_parts(vaultName="v", uploadId=upload_id, limit="1000")
    assert len(clamped["Parts"]) == 50

    for page_size, pages in [(None, 2), (7, 9)]:
        config = {"PageSize": page_size} if page_size else {}
        paginator = client.get_paginator("list_parts")
        result = list(
            paginator.paginate(vaultName="v", uploadId=upload_id, PaginationConfig=config)
        )
        assert len(result) == pages
        assert [p["RangeInBytes"] for page in result for p in page["Parts"]] == expected


def test_list_parts_refuses_a_bad_limit_or_marker(client: Any) -> None:
    upload_id = initiate(client)
    bad: list[dict[str, str]] = [{"limit": "0"}, {"limit": "many"}, {"marker": "not-a-marker"}]
    for params in bad:
        with pytest.raises(ClientError) as raised:
            client.list_parts(vaultName="v", uploadId=upload_id, **params)
        assert error_of(raised)[:2] == (400, "InvalidParameterValueException")


def test_list_multipart_uploads_pages_and_only_lists_uploads_in_progress(client: Any) -> None:
    upload_ids = [initiate(client) for _ in range(55)]
    finished = initiate(client)
    put(client, finished, 0, b"x")
    complete(client, finished, b"x")
    client.abort_multipart_upload(vaultName="v", uploadId=initiate(client))

    first = client.list_multipart_uploads(vaultName="v")
    assert len(first["UploadsList"]) == 50
    assert first["Marker"] in upload_ids
    item = first["UploadsList"][0]
    assert set(item) == {"MultipartUploadId", "VaultARN", "CreationDate", "PartSizeInBytes"}
    assert (item["VaultARN"], item["PartSizeInBytes"]) == (VAULT_ARN, MIB)

    for page_size, pages in [(None, 2), (10, 6)]:
        config = {"PageSize": page_size} if page_size else {}
        paginator = client.get_paginator("list_multipart_uploads")
        result = list(paginator.paginate(vaultName="v", PaginationConfig=config))
        assert len(result) == pages
        listed = [u["MultipartUploadId"] for page in result for u in page["UploadsList"]]
        assert sorted(listed) == sorted(upload_ids)

    assert expect_error(lambda: client.list_multipart_uploads(vaultName="v", marker="nope"))[
        :2
    ] == (400, "InvalidParameterValueException")


def test_lists_carry_a_null_description_when_there_is_none(client: Any) -> None:
    upload_id = initiate(client)
    uploads = requests.get(f"{GLACIER}/-/vaults/v/multipart-uploads", headers=VERSION, timeout=5)
    parts = requests.get(
        f"{GLACIER}/-/vaults/v/multipart-uploads/{upload_id}", headers=VERSION, timeout=5
    )
    assert uploads.json()["UploadsList"][0]["ArchiveDescription"] is None
    assert uploads.json()["Marker"] is None
    assert parts.json()["ArchiveDescription"] is None
    assert parts.json()["Parts"] == []


# -- threads -------------------------------------------------------------------------------------


@pytest.mark.parametrize("part_size", [MIB, 8 * MIB])
def test_a_64_mib_upload_from_4_threads_arrives_byte_for_byte(
    glacier_mock: GlacierMock, client: Any, part_size: int
) -> None:
    data = os.urandom(64 * MIB)
    upload_id = initiate(client, part_size)
    starts = list(range(0, len(data), part_size))
    random.Random(part_size).shuffle(starts)

    def send(start: int) -> str:
        part = memoryview(data)[start : start + part_size].tobytes()
        return str(put(client, upload_id, start, part)["checksum"])

    with ThreadPoolExecutor(max_workers=4) as pool:
        checksums = dict(zip(starts, pool.map(send, starts), strict=True))
    archive = stored(glacier_mock, complete(client, upload_id, data)["archiveId"])

    assert archive.size == len(data)
    assert archive.tree_hash == tree_hash(data)
    assert b"".join(archive.iter_bytes()) == data
    assert all(
        checksums[start] == tree_hash(data[start : start + part_size]) for start in starts[:3]
    )


def test_parts_of_several_uploads_from_many_threads_never_mix(
    glacier_mock: GlacierMock, client: Any
) -> None:
    sources = {initiate(client): os.urandom(3 * MIB + 100 * n) for n in range(3)}
    jobs = [
        (upload_id, start)
        for upload_id, data in sources.items()
        for start in range(0, len(data), MIB)
    ]
    random.Random(3).shuffle(jobs)

    def send(job: tuple[str, int]) -> None:
        upload_id, start = job
        put(client, upload_id, start, sources[upload_id][start : start + MIB])

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(send, jobs))
    for upload_id, data in sources.items():
        archive = stored(glacier_mock, complete(client, upload_id, data)["archiveId"])
        assert b"".join(archive.iter_bytes()) == data


# -- raw HTTP: what third-party uploaders send ---------------------------------------------------


def test_a_raw_http_upload_as_third_party_clients_send_it(
    glacier_mock: GlacierMock, client: Any
) -> None:
    data = os.urandom(2 * MIB + 10)
    base = f"{GLACIER}/-/vaults/v/multipart-uploads"
    # The JS SDK v2 sends an empty JSON object as the body of InitiateMultipartUpload.
    initiated = requests.post(
        base,
        data=b"{}",
        headers={**VERSION, "x-amz-part-size": str(MIB), "Content-Type": "application/json"},
        timeout=5,
    )
    assert initiated.status_code == 201
    upload_id = initiated.headers["x-amz-multipart-upload-id"]

    for start in range(0, len(data), MIB):
        part = data[start : start + MIB]
        end = start + len(part) - 1
        response = requests.put(
            f"{base}/{upload_id}",
            data=part,
            headers={
                **VERSION,
                # glacier-upload sends the total; hashes in uppercase; no x-amz-content-sha256.
                "Content-Range": f"bytes {start}-{end}/{len(data)}",
                "x-amz-sha256-tree-hash": tree_hash(part).upper(),
            },
            timeout=5,
        )
        assert response.status_code == 204, response.text
        assert response.headers["x-amz-sha256-tree-hash"] == tree_hash(part)

    completed = requests.post(
        f"{base}/{upload_id}",
        headers={
            **VERSION,
            "x-amz-archive-size": str(len(data)),
            "x-amz-sha256-tree-hash": tree_hash(data),
        },
        timeout=5,
    )
    assert completed.status_code == 201
    archive_id = completed.headers["x-amz-archive-id"]
    assert completed.headers["Location"] == f"/{ACCOUNT}/vaults/v/archives/{archive_id}"
    assert b"".join(stored(glacier_mock, archive_id).iter_bytes()) == data
