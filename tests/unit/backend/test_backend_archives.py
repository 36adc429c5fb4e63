"""UploadArchive and DeleteArchive in the backend, and the Archive record they store."""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from datetime import timedelta
from typing import Any

import pytest
from backend_fakes import CTX, OTHER_REGION, Harness

from pytest_glacier.backend import RequestContext
from pytest_glacier.backend import archives as archives_module
from pytest_glacier.backend.archives import MAX_DESCRIPTION_LENGTH, Archive
from pytest_glacier.backend.errors import (
    InvalidParameterValueException,
    MissingParameterValueException,
    ResourceNotFoundException,
)
from pytest_glacier.backend.treehash import MIB, chunk_digests, combine, tree_hash
from pytest_glacier.backend.vaults import Vault


def vault_of(g: Harness, name: str = "vault", ctx: RequestContext = CTX) -> Vault:
    return g.backend.region_state(ctx.account_id, ctx.region).vaults[name]


def upload(g: Harness, body: bytes, vault: str = "vault", **params: Any) -> dict[str, Any]:
    params.setdefault("checksum", tree_hash(body))
    return g.call("UploadArchive", vault_name=vault, body=body, **params)


def test_upload_stores_the_body_itself_and_answers_id_location_and_hash() -> None:
    g = Harness()
    g.create_vault()
    body = b"archive bytes" * 1000

    output = upload(g, body, archive_description="my backup")

    archive = vault_of(g).archives[output["archiveId"]]
    assert output == {
        "location": f"/{CTX.account_id}/vaults/vault/archives/{archive.archive_id}",
        "checksum": tree_hash(body),
        "archiveId": archive.archive_id,
    }
    assert archive.parts[0] is body  # held once: the very bytes that arrived
    assert (archive.size, archive.description, archive.tree_hash) == (
        len(body),
        "my backup",
        tree_hash(body),
    )
    assert archive.creation_date == g.clock.now()
    assert g.backend.region_state(CTX.account_id, CTX.region).archive_vaults == {
        archive.archive_id: "vault"
    }


def test_identical_bodies_get_different_ids_of_the_real_shape() -> None:
    g = Harness()
    g.create_vault()
    first, second = (upload(g, b"same")["archiveId"] for _ in range(2))
    assert first != second
    for archive_id in (first, second):
        assert len(archive_id) == 138
        assert set(archive_id) <= set(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
        )


def test_uppercase_tree_hash_is_accepted_and_answered_in_lowercase() -> None:
    g = Harness()
    g.create_vault()
    output = upload(g, b"data", checksum=tree_hash(b"data").upper())
    assert output["checksum"] == tree_hash(b"data")


def test_a_known_payload_sha256_is_used_instead_of_hashing_again() -> None:
    g = Harness()
    g.create_vault()
    pretend = b"\x07" * 32  # the wire layer vouches for it: the backend must not re-hash
    ctx = RequestContext(CTX.region, CTX.account_id, payload_sha256=pretend)

    output = g.call("UploadArchive", ctx, vault_name="vault", body=b"x", checksum=pretend.hex())

    assert output["checksum"] == pretend.hex()


def test_known_chunk_digests_are_used_instead_of_hashing_again() -> None:
    g = Harness()
    g.create_vault()
    leaves = (b"\x01" * 32, b"\x02" * 32)  # the wire layer vouches for them
    ctx = RequestContext(
        CTX.region, CTX.account_id, payload_sha256=b"\x07" * 32, payload_chunk_digests=leaves
    )

    output = g.call(
        "UploadArchive", ctx, vault_name="vault", body=b"x", checksum=combine(leaves).hex()
    )

    assert output["checksum"] == combine(leaves).hex()


@pytest.mark.parametrize(
    ("params", "error", "message"),
    [
        (
            {"body": b"data"},
            MissingParameterValueException,
            "Required parameter missing: x-amz-sha256-tree-hash",
        ),
        # An empty or blank header carries no hash: missing, not a mismatch with the body.
        (
            {"body": b"data", "checksum": ""},
            MissingParameterValueException,
            "Required parameter missing: x-amz-sha256-tree-hash",
        ),
        (
            {"body": b"data", "checksum": " \t "},
            MissingParameterValueException,
            "Required parameter missing: x-amz-sha256-tree-hash",
        ),
        (
            {"body": b"", "checksum": tree_hash(b"")},
            InvalidParameterValueException,
            "Invalid Content-Length: 0",
        ),
        (
            {"body": b"data", "checksum": "ab" * 32},
            InvalidParameterValueException,
            f"Checksum mismatch: expected {'ab' * 32}, computed {tree_hash(b'data')}",
        ),
    ],
)
def test_upload_refusals(params: dict[str, Any], error: type[Exception], message: str) -> None:
    g = Harness()
    g.create_vault()
    with pytest.raises(error) as raised:
        g.call("UploadArchive", vault_name="vault", **params)
    assert str(raised.value) == message
    assert vault_of(g).archives == {}


def test_upload_larger_than_the_single_request_limit_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(archives_module, "MAX_UPLOAD_ARCHIVE_SIZE", 8)
    g = Harness()
    g.create_vault()
    with pytest.raises(InvalidParameterValueException, match=r"^Invalid Content-Length: 9\. "):
        upload(g, b"123456789")


@pytest.mark.parametrize(
    ("description", "problem"),
    [
        ("x" * (MAX_DESCRIPTION_LENGTH + 1), "1025 characters long"),
        # Only multipart uploads strip leading spaces (GLACIER_SPEC §2.4): here they count.
        (" " + "x" * MAX_DESCRIPTION_LENGTH, "it is 1025 characters long; archive descriptions"),
        ("caf\u00e9", "character 'é' at position 3 is not printable ASCII"),
        ("tab\there", "character '\\t' at position 3"),
    ],
)
def test_descriptions_are_printable_ascii_of_at_most_1024_characters(
    description: str, problem: str
) -> None:
    g = Harness()
    g.create_vault()
    with pytest.raises(InvalidParameterValueException, match=r"^Invalid archive description") as e:
        upload(g, b"data", archive_description=description)
    assert problem in str(e.value)


def test_a_description_of_exactly_1024_printable_characters_is_kept_as_is() -> None:
    g = Harness()
    g.create_vault()
    description = " ~" * (MAX_DESCRIPTION_LENGTH // 2)
    archive_id = upload(g, b"data", archive_description=description)["archiveId"]
    assert vault_of(g).archives[archive_id].description == description


def test_upload_to_a_missing_vault_is_the_vault_404() -> None:
    with pytest.raises(ResourceNotFoundException, match=r"^Vault not found for ARN: arn:aws:"):
        upload(Harness(), b"data", vault="nope")


def test_upload_is_a_write_for_inventory_and_delete_vault() -> None:
    g = Harness()
    g.create_vault()
    upload(g, b"data")
    assert vault_of(g).inventory.written_since == g.clock.now()


def probe_lock_from_another_thread(g: Harness, seen: list[bool]) -> None:
    """Record whether another thread can take the backend lock right now."""

    def probe() -> None:
        got = g.backend.lock.acquire(timeout=1)
        seen.append(got)
        if got:
            g.backend.lock.release()

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join()


def test_the_lock_is_not_held_while_the_body_is_hashed(monkeypatch: pytest.MonkeyPatch) -> None:
    g = Harness()
    g.create_vault()
    seen: list[bool] = []
    real = chunk_digests

    def spy(data: Any, *, sha256: bytes | None = None) -> tuple[bytes, ...]:
        probe_lock_from_another_thread(g, seen)
        return real(data, sha256=sha256)

    monkeypatch.setattr(archives_module, "chunk_digests", spy)
    upload(g, b"data")
    assert seen == [True]


# -- DeleteArchive -------------------------------------------------------------------------------


def test_delete_removes_the_archive_and_is_a_write() -> None:
    g = Harness()
    g.create_vault()
    archive_id = upload(g, b"data")["archiveId"]
    vault_of(g).inventory.written_since = None
    g.advance(timedelta(minutes=5))

    assert g.call("DeleteArchive", vault_name="vault", archive_id=archive_id) == {}

    assert vault_of(g).archives == {}
    assert vault_of(g).inventory.written_since == g.clock.now()
    assert g.backend.region_state(CTX.account_id, CTX.region).archive_vaults == {}


def test_delete_is_idempotent_and_quiet_for_unknown_ids() -> None:
    g = Harness()
    g.create_vault()
    archive_id = upload(g, b"data")["archiveId"]
    g.call("DeleteArchive", vault_name="vault", archive_id=archive_id)
    vault_of(g).inventory.written_since = None

    assert g.call("DeleteArchive", vault_name="vault", archive_id=archive_id) == {}
    assert g.call("DeleteArchive", vault_name="vault", archive_id="never-existed") == {}
    assert vault_of(g).inventory.written_since is None  # nothing was written


def test_delete_of_an_archive_of_another_vault_names_the_vault_of_the_request() -> None:
    g = Harness()
    g.create_vault("holder")
    g.create_vault("other")
    archive_id = upload(g, b"data", vault="holder")["archiveId"]

    with pytest.raises(InvalidParameterValueException) as raised:
        g.call("DeleteArchive", vault_name="other", archive_id=archive_id)

    assert str(raised.value) == (
        f"Invalid vault name: arn:aws:glacier:{CTX.region}:{CTX.account_id}:vaults/other"
    )
    assert archive_id in vault_of(g, "holder").archives


def test_archives_are_per_region() -> None:
    g = Harness()
    g.create_vault()
    archive_id = upload(g, b"data")["archiveId"]
    elsewhere = RequestContext(OTHER_REGION, CTX.account_id)
    g.create_vault("vault", elsewhere)

    assert g.call("DeleteArchive", elsewhere, vault_name="vault", archive_id=archive_id) == {}
    assert archive_id in vault_of(g).archives


def test_delete_in_a_missing_vault_is_the_vault_404() -> None:
    with pytest.raises(ResourceNotFoundException):
        Harness().call("DeleteArchive", vault_name="nope", archive_id="a")


# -- the Archive record --------------------------------------------------------------------------


def test_archives_are_immutable() -> None:
    g = Harness()
    g.create_vault()
    archive = vault_of(g).archives[upload(g, b"data")["archiveId"]]
    with pytest.raises(dataclasses.FrozenInstanceError):
        archive.description = "changed"  # type: ignore[misc]
    assert isinstance(archive.parts, tuple)
    assert isinstance(archive.parts[0], bytes)


def test_range_tree_hash_uses_chunk_digests_or_reads_the_bytes() -> None:
    data = bytes(range(256)) * (3 * MIB // 256) + b"tail"
    parts = (data[: 2 * MIB], data[2 * MIB :])
    with_digests = Archive(
        "a",
        "",
        Harness().clock.now(),
        len(data),
        tree_hash(data),
        parts,
        tuple(hashlib.sha256(data[i : i + MIB]).digest() for i in range(0, len(data), MIB)),
    )
    without = Archive("b", "", with_digests.creation_date, len(data), tree_hash(data), parts)

    for archive in (with_digests, without):
        assert archive.range_tree_hash() == tree_hash(data)
        assert archive.range_tree_hash(MIB, 2 * MIB) == tree_hash(data[MIB : 2 * MIB])
        assert archive.range_tree_hash(2 * MIB) == tree_hash(data[2 * MIB :])
