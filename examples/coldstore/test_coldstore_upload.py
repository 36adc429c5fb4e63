"""coldstore's uploads: single requests, parallel multipart, the catalogue, failures."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import boto3
import pytest
from coldstore import MIB, Catalogue, ColdStoreError, TreeHash, UploadError, tree_hash
from coldstore_support import REGION, VAULT, botocore_tree_hash, make_file, make_store

from pytest_glacier import GlacierMock


@pytest.mark.parametrize("size", [1, MIB - 1, MIB, MIB + 1, 3 * MIB + 12345, 8 * MIB])
def test_tree_hash_matches_botocore(tmp_path: Path, size: int) -> None:
    path, data = make_file(tmp_path, "blob", size, seed=size)
    pieces = TreeHash()
    for start in range(0, size, 300_000):  # pieces that straddle the 1 MiB chunks
        pieces.update(data[start : start + 300_000])

    assert tree_hash(data) == pieces.hexdigest() == botocore_tree_hash(path.read_bytes())


def test_a_small_file_is_one_upload_archive(glacier_mock: GlacierMock, tmp_path: Path) -> None:
    path, data = make_file(tmp_path, "notes.txt", 10_000)
    store = make_store(tmp_path)

    entry = store.upload(path)

    assert [call.operation for call in glacier_mock.calls] == ["CreateVault", "UploadArchive"]
    assert entry.name == "notes.txt"
    assert entry.size == 10_000
    assert entry.tree_hash == tree_hash(data)
    assert abs(entry.uploaded_at - glacier_mock.now()) < timedelta(seconds=5)  # the mock's clock
    assert glacier_mock.calls[1].params["archiveDescription"] == "coldstore:notes.txt"


def test_a_name_glacier_cannot_take_is_kept_in_the_catalogue(
    glacier_mock: GlacierMock, tmp_path: Path
) -> None:
    store = make_store(tmp_path)

    entry = store.upload(make_file(tmp_path, "café\tmenu.txt", 10)[0])

    # Glacier takes printable ASCII only in descriptions; the catalogue keeps the real name.
    assert glacier_mock.calls[-1].params["archiveDescription"] == "coldstore:caf??menu.txt"
    assert entry.name == "café\tmenu.txt"
    assert store.catalogue.find("café\tmenu.txt") == entry


def test_a_large_file_goes_in_parallel_parts(glacier_mock: GlacierMock, tmp_path: Path) -> None:
    path, data = make_file(tmp_path, "raw.tar", 3 * MIB + 500_000)
    store = make_store(tmp_path)

    entry = store.upload(path, part_size=MIB, workers=4)

    operations = [call.operation for call in glacier_mock.calls]
    assert operations[:2] == ["CreateVault", "InitiateMultipartUpload"]
    assert operations[2:6] == ["UploadMultipartPart"] * 4
    assert operations[6:] == ["CompleteMultipartUpload"]
    ranges = sorted(call.params["range"] for call in glacier_mock.calls[2:6])
    assert ranges == [
        "bytes 0-1048575/*",
        "bytes 1048576-2097151/*",
        "bytes 2097152-3145727/*",
        "bytes 3145728-3645727/*",
    ]
    assert entry.tree_hash == botocore_tree_hash(data)
    # Glacier's next inventory counts the archive, with its 32 KiB of overhead.
    glacier_mock.take_inventory()
    description = boto3.client("glacier", region_name=REGION).describe_vault(vaultName=VAULT)
    assert description["NumberOfArchives"] == 1
    assert description["SizeInBytes"] == len(data) + 32 * 1024


def test_the_catalogue_records_every_upload(glacier_mock: GlacierMock, tmp_path: Path) -> None:
    store = make_store(tmp_path)
    small = store.upload(make_file(tmp_path, "a.txt", 100)[0])
    glacier_mock.advance(hours=1)
    large = store.upload(make_file(tmp_path, "b.bin", 2 * MIB + 1)[0], part_size=MIB)

    document = json.loads((tmp_path / "catalogue.json").read_text())
    assert document["vault"] == VAULT
    assert document["region"] == REGION
    assert [item["archive_id"] for item in document["archives"]] == [
        small.archive_id,
        large.archive_id,
    ]
    assert document["archives"][1] == {
        "archive_id": large.archive_id,
        "name": "b.bin",
        "size": 2 * MIB + 1,
        "tree_hash": large.tree_hash,
        "uploaded_at": large.uploaded_at.isoformat(),
    }
    assert large.uploaded_at - small.uploaded_at >= timedelta(hours=1)
    reopened = Catalogue.open(tmp_path / "catalogue.json")
    assert reopened.entries == [small, large]
    assert reopened.find("b.bin") == large


def test_a_part_that_fails_once_is_retried(glacier_mock: GlacierMock, tmp_path: Path) -> None:
    path, _ = make_file(tmp_path, "raw.tar", 2 * MIB)
    store = make_store(tmp_path)
    glacier_mock.inject_error("UploadMultipartPart", "ServiceUnavailableException")

    entry = store.upload(path, part_size=MIB)

    parts = [call for call in glacier_mock.calls if call.operation == "UploadMultipartPart"]
    assert [call.status_code for call in parts].count(500) == 1
    assert len(parts) == 3  # botocore retried the 500
    assert store.catalogue.entries == [entry]


def test_a_failed_multipart_upload_is_aborted(glacier_mock: GlacierMock, tmp_path: Path) -> None:
    path, _ = make_file(tmp_path, "raw.tar", 4 * MIB)
    store = make_store(tmp_path)
    glacier_mock.inject_error(
        "UploadMultipartPart", "InvalidParameterValueException", message="part rejected"
    )

    with pytest.raises(UploadError, match="part rejected; the multipart upload was aborted"):
        store.upload(path, part_size=MIB, workers=2)

    operations = [call.operation for call in glacier_mock.calls]
    assert operations[-1] == "AbortMultipartUpload"
    assert "CompleteMultipartUpload" not in operations
    client = boto3.client("glacier", region_name=REGION)
    assert client.list_multipart_uploads(vaultName=VAULT)["UploadsList"] == []
    assert store.catalogue.entries == []
    assert not (tmp_path / "catalogue.json").exists()


def test_what_glacier_cannot_take_is_refused_locally(
    glacier_mock: GlacierMock, tmp_path: Path
) -> None:
    store = make_store(tmp_path)
    empty = tmp_path / "empty"
    empty.touch()

    with pytest.raises(UploadError, match="empty: Glacier does not store empty archives"):
        store.upload(empty)
    with pytest.raises(UploadError, match=r"cannot read .*missing"):
        store.upload(tmp_path / "missing")
    with pytest.raises(ColdStoreError, match="invalid part size 3145728"):
        store.upload(make_file(tmp_path, "x", 10)[0], part_size=3 * MIB)
    assert glacier_mock.calls == []
