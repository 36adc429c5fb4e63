"""UploadArchive and DeleteArchive through boto3 and raw HTTP, as users call them (GLACIER_SPEC
§2.3). botocore's own ``calculate_tree_hash`` is the oracle for every hash."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path
from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError
from glacier_helpers import error_of, tree_hash

from pytest_glacier import GlacierMock
from pytest_glacier.backend.archives import Archive

ACCOUNT = "123456789012"
REGION = "us-east-1"
ARN = f"arn:aws:glacier:{REGION}:{ACCOUNT}:vaults"
GLACIER = f"https://glacier.{REGION}.amazonaws.com"
VERSION = {"x-amz-glacier-version": "2012-06-01"}
MIB = 1024 * 1024
ID_SHAPE = re.compile(r"[A-Za-z0-9_-]{138}")


@pytest.fixture
def vault(no_retry_glacier: Any) -> str:
    no_retry_glacier.create_vault(vaultName="v")
    return "v"


def stored(mock: GlacierMock, archive_id: str, vault: str = "v") -> Archive:
    state = mock._backend.region_state(ACCOUNT, REGION)
    return state.vaults[vault].archives[archive_id]


# -- UploadArchive -------------------------------------------------------------------------------


def test_upload_answers_id_checksum_and_location(
    glacier_mock: GlacierMock, no_retry_glacier: Any, vault: str
) -> None:
    body = bytes(range(256)) * 4099
    response = no_retry_glacier.upload_archive(
        vaultName=vault, archiveDescription="backup 1", body=body
    )

    archive_id = response["archiveId"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert ID_SHAPE.fullmatch(archive_id)
    assert response["checksum"] == tree_hash(body)
    assert response["location"] == f"/{ACCOUNT}/vaults/{vault}/archives/{archive_id}"
    archive = stored(glacier_mock, archive_id)
    assert b"".join(archive.iter_bytes()) == body
    assert (archive.description, archive.size) == ("backup 1", len(body))


def test_identical_bodies_get_distinct_archive_ids(no_retry_glacier: Any, vault: str) -> None:
    ids = {
        no_retry_glacier.upload_archive(vaultName=vault, body=b"same")["archiveId"] for _ in "ab"
    }
    assert len(ids) == 2


@pytest.mark.parametrize("size", [MIB - 1, MIB, MIB + 1, 3 * MIB + 17])
def test_multi_chunk_bodies_hash_like_botocore(
    glacier_mock: GlacierMock, no_retry_glacier: Any, vault: str, size: int
) -> None:
    body = hashlib.shake_256(str(size).encode()).digest(size)
    response = no_retry_glacier.upload_archive(vaultName=vault, body=body)
    assert response["checksum"] == tree_hash(body)
    assert stored(glacier_mock, response["archiveId"]).tree_hash == tree_hash(body)


def test_file_object_bodies(
    glacier_mock: GlacierMock, no_retry_glacier: Any, vault: str, tmp_path: Path
) -> None:
    data = b"\x00file archive\xff" * 100_000  # about 1.4 MiB: two tree hash chunks
    path = tmp_path / "archive.bin"
    path.write_bytes(data)
    with path.open("rb") as file:
        from_file = no_retry_glacier.upload_archive(vaultName=vault, body=file)
    from_buffer = no_retry_glacier.upload_archive(vaultName=vault, body=io.BytesIO(data))

    for response in (from_file, from_buffer):
        assert response["checksum"] == tree_hash(data)
        assert b"".join(stored(glacier_mock, response["archiveId"]).iter_bytes()) == data


def test_a_wrong_tree_hash_is_refused_with_the_real_message(
    no_retry_glacier: Any, vault: str
) -> None:
    wrong = "0" * 64
    with pytest.raises(ClientError) as raised:
        no_retry_glacier.upload_archive(vaultName=vault, body=b"data", checksum=wrong)
    assert error_of(raised) == (
        400,
        "InvalidParameterValueException",
        f"Checksum mismatch: expected {wrong}, computed {tree_hash(b'data')}",
    )


def test_an_uppercase_tree_hash_is_accepted(no_retry_glacier: Any, vault: str) -> None:
    response = no_retry_glacier.upload_archive(
        vaultName=vault, body=b"data", checksum=tree_hash(b"data").upper()
    )
    assert response["checksum"] == tree_hash(b"data")


def test_an_empty_body_is_refused(no_retry_glacier: Any, vault: str) -> None:
    with pytest.raises(ClientError) as raised:
        no_retry_glacier.upload_archive(vaultName=vault, body=b"")
    assert error_of(raised) == (400, "InvalidParameterValueException", "Invalid Content-Length: 0")


@pytest.mark.parametrize(
    ("description", "problem"),
    [
        ("d" * 1025, "1025 characters long"),
        ("bell\x07", "not printable ASCII"),
        # Unlike a multipart upload's, leading spaces are kept and count (GLACIER_SPEC §2.3/§2.4).
        (" " + "d" * 1024, "1025 characters long;"),
    ],
)
def test_descriptions_must_be_short_printable_ascii(
    no_retry_glacier: Any, vault: str, description: str, problem: str
) -> None:
    with pytest.raises(ClientError) as raised:
        no_retry_glacier.upload_archive(
            vaultName=vault, archiveDescription=description, body=b"data"
        )
    status, code, message = error_of(raised)
    assert (status, code) == (400, "InvalidParameterValueException")
    assert message.startswith("Invalid archive description")
    assert problem in message


def test_upload_to_a_missing_vault_is_the_vault_404(no_retry_glacier: Any) -> None:
    with pytest.raises(ClientError) as raised:
        no_retry_glacier.upload_archive(vaultName="nope", body=b"data")
    assert error_of(raised) == (
        404,
        "ResourceNotFoundException",
        f"Vault not found for ARN: {ARN}/nope",
    )


def test_calls_leave_the_body_out_of_the_recorded_params(
    glacier_mock: GlacierMock, no_retry_glacier: Any, vault: str
) -> None:
    no_retry_glacier.upload_archive(vaultName=vault, archiveDescription="d", body=b"data")
    call = glacier_mock.calls[-1]
    assert call.operation == "UploadArchive"
    assert "body" not in call.params
    assert call.params["archiveDescription"] == "d"


# -- raw HTTP: what third-party uploaders send ---------------------------------------------------


def raw_upload(body: bytes, **headers: str) -> requests.Response:
    return requests.post(
        f"{GLACIER}/-/vaults/v/archives", data=body, headers={**VERSION, **headers}, timeout=5
    )


def test_raw_upload_without_content_sha256_and_with_an_uppercase_tree_hash(
    glacier_mock: GlacierMock, vault: str
) -> None:
    response = raw_upload(b"raw body", **{"x-amz-sha256-tree-hash": tree_hash(b"raw body").upper()})
    assert response.status_code == 201
    assert response.headers["x-amz-sha256-tree-hash"] == tree_hash(b"raw body")
    assert ID_SHAPE.fullmatch(response.headers["x-amz-archive-id"])


def test_raw_upload_whose_content_sha256_does_not_match_fails_the_signature(
    glacier_mock: GlacierMock, vault: str
) -> None:
    response = raw_upload(
        b"raw body",
        **{
            "x-amz-sha256-tree-hash": tree_hash(b"raw body"),
            "x-amz-content-sha256": hashlib.sha256(b"other").hexdigest(),
        },
    )
    assert response.status_code == 403
    assert response.json()["code"] == "InvalidSignatureException"
    assert "x-amz-content-sha256" in response.json()["message"]
    assert glacier_mock._backend.region_state(ACCOUNT, REGION).vaults["v"].archives == {}


def test_raw_upload_without_a_tree_hash_is_a_missing_parameter(
    glacier_mock: GlacierMock, vault: str
) -> None:
    response = raw_upload(b"raw body")
    assert response.status_code == 400
    assert response.json() == {
        "code": "MissingParameterValueException",
        "message": "Required parameter missing: x-amz-sha256-tree-hash",
        "type": "Client",
    }


def test_raw_upload_with_an_empty_tree_hash_is_a_missing_parameter(
    glacier_mock: GlacierMock, vault: str
) -> None:
    # Not "Checksum mismatch: expected , computed ...": the header carries no hash at all.
    response = raw_upload(b"raw body", **{"x-amz-sha256-tree-hash": ""})
    assert response.status_code == 400
    assert response.json() == {
        "code": "MissingParameterValueException",
        "message": "Required parameter missing: x-amz-sha256-tree-hash",
        "type": "Client",
    }
    assert glacier_mock._backend.region_state(ACCOUNT, REGION).vaults["v"].archives == {}


def test_boto3_upload_with_an_empty_checksum_is_a_missing_parameter(
    no_retry_glacier: Any, vault: str
) -> None:
    # botocore computes the tree hash only when none is given; "" is sent as an empty header.
    with pytest.raises(ClientError) as raised:
        no_retry_glacier.upload_archive(vaultName=vault, body=b"data", checksum="")
    assert error_of(raised) == (
        400,
        "MissingParameterValueException",
        "Required parameter missing: x-amz-sha256-tree-hash",
    )


# -- DeleteArchive -------------------------------------------------------------------------------


def test_delete_is_idempotent(glacier_mock: GlacierMock, no_retry_glacier: Any, vault: str) -> None:
    archive_id = no_retry_glacier.upload_archive(vaultName=vault, body=b"data")["archiveId"]
    for _ in range(2):
        response = no_retry_glacier.delete_archive(vaultName=vault, archiveId=archive_id)
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert glacier_mock._backend.region_state(ACCOUNT, REGION).vaults[vault].archives == {}


def test_delete_of_an_id_that_never_existed_succeeds(no_retry_glacier: Any, vault: str) -> None:
    response = no_retry_glacier.delete_archive(vaultName=vault, archiveId="A" * 138)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_delete_of_an_archive_of_another_vault(no_retry_glacier: Any, vault: str) -> None:
    no_retry_glacier.create_vault(vaultName="other")
    archive_id = no_retry_glacier.upload_archive(vaultName=vault, body=b"data")["archiveId"]
    with pytest.raises(ClientError) as raised:
        no_retry_glacier.delete_archive(vaultName="other", archiveId=archive_id)
    assert error_of(raised) == (
        400,
        "InvalidParameterValueException",
        f"Invalid vault name: {ARN}/other",
    )
    no_retry_glacier.delete_archive(vaultName=vault, archiveId=archive_id)  # still there


def test_delete_in_a_missing_vault_is_the_vault_404(no_retry_glacier: Any) -> None:
    with pytest.raises(ClientError) as raised:
        no_retry_glacier.delete_archive(vaultName="nope", archiveId="A" * 138)
    assert error_of(raised)[:2] == (404, "ResourceNotFoundException")


def test_writes_show_in_describe_vault_and_delete_vault_only_after_the_next_inventory(
    glacier_mock: GlacierMock, no_retry_glacier: Any, vault: str
) -> None:
    archive_id = no_retry_glacier.upload_archive(vaultName=vault, body=b"x" * 1000)["archiveId"]
    assert no_retry_glacier.describe_vault(vaultName=vault)["NumberOfArchives"] == 0

    glacier_mock.advance(days=1)
    described = no_retry_glacier.describe_vault(vaultName=vault)
    assert (described["NumberOfArchives"], described["SizeInBytes"]) == (1, 1000 + 32 * 1024)

    no_retry_glacier.delete_archive(vaultName=vault, archiveId=archive_id)
    with pytest.raises(ClientError, match="Vault not empty or recently written to"):
        no_retry_glacier.delete_vault(vaultName=vault)
    assert no_retry_glacier.describe_vault(vaultName=vault)["NumberOfArchives"] == 1

    glacier_mock.advance(days=1)
    assert no_retry_glacier.describe_vault(vaultName=vault)["NumberOfArchives"] == 0
    no_retry_glacier.delete_vault(vaultName=vault)
