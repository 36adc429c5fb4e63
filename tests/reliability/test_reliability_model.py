"""Model-based testing: random sequences of all 33 operations checked against a small model.

A hypothesis ``RuleBasedStateMachine`` drives boto3 clients of two regions against a fresh mock
per example, plus ``advance``, ``complete_jobs``, ``fail_job`` and ``take_inventory``, and keeps
an independent model of what Glacier must show: vaults, archives (their bytes), the inventory
snapshot of each vault, uploads and their parts, jobs, vault locks, tags, policies,
notifications, the data retrieval policy and provisioned capacity, all in simulated time.

Time is frozen with freezegun (the mock follows the test's clock), starting at
2030-01-01 06:00:00.5 UTC, so that the model knows every timestamp exactly: a job completes
exactly at creation + its tier's delay and expires 24 hours later, the daily inventory runs at
each 00:00 UTC (the half second keeps job events off midnight), and a vault lock is InProgress
until exactly 24 hours after it was initiated: one microsecond before, it is there; at 24 h, it
is gone.

Checked after every step: the vaults listed per region, with the archive counts and sizes of
their last inventory (archives uploaded minus deleted as of that inventory) and the mock's
clock. Checked by the rules: every retrieval returns exactly the bytes uploaded (and any tree
hash reported is botocore's ``calculate_tree_hash`` of them), job states only move forward
(InProgress, then Succeeded or Failed, then gone), and every error is one the model predicts,
with a code and status from GLACIER_SPEC §1.5.

Bounds: the CI profile (``reliability_support``) runs 60 examples of up to 50 steps,
derandomized; ``GLACIER_RELIABILITY_PROFILE=long`` runs 500 examples of up to 100 steps.
"""

from __future__ import annotations

import inspect
import json
import random
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

import botocore
from botocore.exceptions import ClientError
from freezegun import freeze_time
from glacier_helpers import tree_hash
from glacier_model_state import (
    ACCOUNT,
    DAY,
    DELAYS,
    MIB,
    OVERHEAD,
    REGIONS,
    TAG_KEYS,
    VAULT_NAMES,
    Failure,
    MArchive,
    MJob,
    MLock,
    ModelState,
    MUpload,
    MVault,
    access_policy,
    client,
    iso_millis,
    lock_policy,
    one_month_later,
)
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from reliability_support import client_error_problem, hypothesis_profile

from pytest_glacier import GlacierMock
from pytest_glacier.wire import service_model

START = datetime(2030, 1, 1, 6, 0, 0, 500_000, tzinfo=timezone.utc)
SAFE_TEXT = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ABC-_.=+@/0123456789", max_size=30)

RULE_OPERATIONS = {
    "create_vault": {"CreateVault"},
    "describe_and_list_vaults": {"DescribeVault", "ListVaults"},
    "delete_vault": {"DeleteVault"},
    "upload_archive": {"UploadArchive"},
    "delete_archive": {"DeleteArchive"},
    "initiate_upload": {"InitiateMultipartUpload"},
    "upload_part": {"UploadMultipartPart"},
    "complete_upload": {"CompleteMultipartUpload"},
    "multipart_round_trip": {
        "InitiateMultipartUpload",
        "UploadMultipartPart",
        "CompleteMultipartUpload",
    },
    "abort_upload": {"AbortMultipartUpload"},
    "list_uploads_and_parts": {"ListMultipartUploads", "ListParts"},
    "initiate_archive_job": {"InitiateJob"},
    "initiate_inventory_job": {"InitiateJob"},
    "retrieval_completes_exactly_at_its_tier_delay": {"InitiateJob", "DescribeJob", "GetJobOutput"},
    "look_at_a_job": {"DescribeJob", "GetJobOutput"},
    "list_jobs": {"ListJobs"},
    "tags": {"AddTagsToVault", "RemoveTagsFromVault", "ListTagsForVault"},
    "access_policy": {"SetVaultAccessPolicy", "GetVaultAccessPolicy", "DeleteVaultAccessPolicy"},
    "notifications": {
        "SetVaultNotifications",
        "GetVaultNotifications",
        "DeleteVaultNotifications",
    },
    "vault_lock_step": {"InitiateVaultLock", "CompleteVaultLock", "AbortVaultLock", "GetVaultLock"},
    "vault_lock_life": {"InitiateVaultLock", "CompleteVaultLock", "AbortVaultLock", "GetVaultLock"},
    "retrieval_policy": {"SetDataRetrievalPolicy", "GetDataRetrievalPolicy"},
    "capacity": {"PurchaseProvisionedCapacity", "ListProvisionedCapacity"},
}
"""The operations each rule calls; together they must be all 33 (checked below)."""


class GlacierModel(ModelState, RuleBasedStateMachine):
    def __init__(self) -> None:
        RuleBasedStateMachine.__init__(self)
        ModelState.__init__(self, START)
        self.freezer = freeze_time(START.replace(tzinfo=None))
        self.freezer.start()
        self.mock = GlacierMock()
        self.mock.start()

    def teardown(self) -> None:
        try:
            self.mock.stop()
        finally:
            self.freezer.stop()

    # -- calling the mock ----------------------------------------------------------------------

    def call(
        self, region: str, method: str, **params: Any
    ) -> tuple[dict[str, Any] | None, str | None]:
        """(response, None) or (None, error code); an undocumented answer fails at once."""
        try:
            return getattr(client(region), method)(**params), None
        except ClientError as error:
            problem = client_error_problem(error)
            if problem:
                raise Failure(f"{method} {params}: {problem}") from error
            return None, str(error.response["Error"]["Code"])

    def ok(self, region: str, method: str, **params: Any) -> dict[str, Any]:
        response, code = self.call(region, method, **params)
        if response is None:
            raise Failure(
                f"{method} {params} in {region} failed with {code}, the model expected success"
            )
        return response

    def refused(self, code: str, region: str, method: str, **params: Any) -> None:
        response, got = self.call(region, method, **params)
        if got != code:
            raise Failure(f"{method} {params} in {region}: expected {code}, got {got or response}")

    def move_clock(self, delta: timedelta) -> None:
        target = self.now + delta
        returned = self.mock.advance(delta)
        assert returned == target, (returned, target)
        self.apply_events(target)

    # -- invariants ----------------------------------------------------------------------------

    @invariant()
    def the_listing_is_the_last_inventory(self) -> None:
        assert self.mock.now() == self.now
        for region, state in self.regions.items():
            listed = self.ok(region, "list_vaults")["VaultList"]
            assert [v["VaultName"] for v in listed] == sorted(state.vaults)
            for item in listed:
                vault = state.vaults[item["VaultName"]]
                snapshot = vault.snapshot or ()
                assert item["NumberOfArchives"] == len(snapshot)
                assert item["SizeInBytes"] == sum(len(a.data) + OVERHEAD for a in snapshot)
                expected_date = iso_millis(vault.snapshot_date) if vault.snapshot_date else None
                assert item.get("LastInventoryDate") == expected_date

    @initialize(
        first=st.binary(min_size=1, max_size=500), second=st.binary(min_size=1, max_size=500)
    )
    def start_with_a_vault_in_each_region(self, first: bytes, second: bytes) -> None:
        for region, body in zip(REGIONS, (first, second), strict=True):
            self.create_vault(region, "a")
            answer = self.ok(region, "upload_archive", vaultName="a", body=body)
            archive = MArchive(answer["archiveId"], body, self.now)
            vault = self.vault(region, "a")
            vault.archives[archive.archive_id] = archive
            self.regions[region].home[archive.archive_id] = "a"
            self.write(vault)

    # -- time and the mock's own controls ------------------------------------------------------

    @rule(
        delta=st.sampled_from(
            [
                timedelta(minutes=1),
                timedelta(minutes=5),
                timedelta(hours=1),
                timedelta(hours=4),
                timedelta(hours=5),
                timedelta(hours=12),
                timedelta(hours=18),
                timedelta(days=1),
                timedelta(days=3),
            ]
        )
    )
    def advance(self, delta: timedelta) -> None:
        self.move_clock(delta)

    @precondition(
        lambda self: any(
            v.lock and v.lock.state == "InProgress"
            for s in self.regions.values()
            for v in s.vaults.values()
        )
    )
    @rule(data=st.data())
    def lock_expires_exactly_at_24_hours(self, data: st.DataObject) -> None:
        region, name = data.draw(
            st.sampled_from(
                [
                    (r, n)
                    for r, n in self.vaults()
                    if (lock := self.vault(r, n).lock) and lock.state == "InProgress"
                ]
            )
        )
        lock = self.vault(region, name).lock
        assert lock is not None
        expiry = lock.created + DAY
        self.move_clock(expiry - self.now - timedelta(microseconds=1))
        got = self.ok(region, "get_vault_lock", vaultName=name)
        assert got["State"] == "InProgress"
        assert got["ExpirationDate"] == iso_millis(expiry)
        self.move_clock(timedelta(microseconds=1))
        assert self.vault(region, name).lock is None
        self.refused("ResourceNotFoundException", region, "get_vault_lock", vaultName=name)

    @rule()
    def complete_jobs(self) -> None:
        done = self.mock.complete_jobs()
        expected = []
        for region, state in self.regions.items():
            for vault in state.vaults.values():
                for job in vault.jobs.values():
                    if job.status == "InProgress":
                        self.finish_job(region, vault, job, self.now, "Succeeded")
                        expected.append(job.job_id)
        assert sorted(done) == sorted(expected)

    @precondition(
        lambda self: any(
            j.status == "InProgress"
            for s in self.regions.values()
            for v in s.vaults.values()
            for j in v.jobs.values()
        )
    )
    @rule(data=st.data())
    def fail_job(self, data: st.DataObject) -> None:
        candidates = [
            (r, name, job_id)
            for r, name, job_id in self.jobs()
            if self.vault(r, name).jobs[job_id].status == "InProgress"
        ]
        region, name, job_id = data.draw(st.sampled_from(candidates))
        self.mock.fail_job(job_id, "the model failed it")
        vault = self.vault(region, name)
        self.finish_job(region, vault, vault.jobs[job_id], self.now, "Failed")

    @rule()
    def take_inventory(self) -> None:
        self.mock.take_inventory()
        for state in self.regions.values():
            for vault in state.vaults.values():
                self.take_snapshot(vault, self.now)

    @rule()
    def notifications_are_the_completed_jobs(self) -> None:
        published = Counter(
            (n.topic_arn, n.message["JobId"], n.message["StatusCode"])
            for n in self.mock.notifications
        )
        assert published == self.notified

    # -- vaults --------------------------------------------------------------------------------

    @rule(region=st.sampled_from(REGIONS), name=st.sampled_from(VAULT_NAMES))
    def create_vault(self, region: str, name: str) -> None:
        answer = self.ok(region, "create_vault", vaultName=name)
        assert answer["location"] == f"/{ACCOUNT}/vaults/{name}"
        self.regions[region].vaults.setdefault(name, MVault(name))

    @rule(region=st.sampled_from(REGIONS), name=st.sampled_from(VAULT_NAMES))
    def describe_and_list_vaults(self, region: str, name: str) -> None:
        state = self.regions[region]
        if name not in state.vaults:
            self.refused("ResourceNotFoundException", region, "describe_vault", vaultName=name)
            return
        described = self.ok(region, "describe_vault", vaultName=name)
        vault = state.vaults[name]
        assert described["VaultARN"] == f"arn:aws:glacier:{region}:{ACCOUNT}:vaults/{name}"
        assert described["NumberOfArchives"] == len(vault.snapshot or ())
        first = self.ok(region, "list_vaults", limit="1")
        assert [v["VaultName"] for v in first["VaultList"]] == sorted(state.vaults)[:1]

    @rule(region=st.sampled_from(REGIONS), name=st.sampled_from(VAULT_NAMES))
    def delete_vault(self, region: str, name: str) -> None:
        state = self.regions[region]
        vault = state.vaults.get(name)
        if vault is None:
            self.refused("ResourceNotFoundException", region, "delete_vault", vaultName=name)
        elif vault.dirty or (vault.snapshot or ()):
            self.refused("InvalidParameterValueException", region, "delete_vault", vaultName=name)
        else:
            self.ok(region, "delete_vault", vaultName=name)
            for job in vault.jobs.values():
                self.gone_jobs.add(job.job_id)
            del state.vaults[name]

    # -- archives ------------------------------------------------------------------------------

    @precondition(lambda self: self.vaults())
    @rule(data=st.data(), small=st.binary(min_size=1, max_size=3000), large=st.integers(0, 4))
    def upload_archive(self, data: st.DataObject, small: bytes, large: int) -> None:
        region, name = data.draw(st.sampled_from(self.vaults()))
        body = small if large else random.Random(len(small)).randbytes(MIB + len(small) * 300)
        description = data.draw(SAFE_TEXT)
        answer = self.ok(
            region, "upload_archive", vaultName=name, body=body, archiveDescription=description
        )
        assert answer["checksum"] == tree_hash(body)
        archive = MArchive(answer["archiveId"], body, self.now)
        vault = self.vault(region, name)
        vault.archives[archive.archive_id] = archive
        self.regions[region].home[archive.archive_id] = name
        self.write(vault)

    @precondition(lambda self: self.vaults())
    @rule(data=st.data())
    def delete_archive(self, data: st.DataObject) -> None:
        region, name = data.draw(st.sampled_from(self.vaults()))
        state = self.regions[region]
        candidates = [*state.home, "never-existed"]  # in upload order: ids are random
        archive_id = data.draw(st.sampled_from(candidates))
        home = state.home.get(archive_id)
        if home is not None and home != name:
            self.refused(
                "InvalidParameterValueException",
                region,
                "delete_archive",
                vaultName=name,
                archiveId=archive_id,
            )
            return
        self.ok(region, "delete_archive", vaultName=name, archiveId=archive_id)
        if home == name:
            vault = self.vault(region, name)
            del vault.archives[archive_id]
            del state.home[archive_id]
            self.write(vault)

    # -- multipart uploads ---------------------------------------------------------------------

    @precondition(lambda self: self.vaults())
    @rule(
        data=st.data(), parts=st.integers(1, 3), last=st.integers(1, MIB), seed=st.integers(0, 1000)
    )
    def initiate_upload(self, data: st.DataObject, parts: int, last: int, seed: int) -> None:
        region, name = data.draw(st.sampled_from(self.vaults()))
        content = random.Random(seed).randbytes((parts - 1) * MIB + last)
        answer = self.ok(region, "initiate_multipart_upload", vaultName=name, partSize=str(MIB))
        self.vault(region, name).uploads[answer["uploadId"]] = MUpload(
            answer["uploadId"], content, MIB
        )

    @precondition(lambda self: self.vaults())
    @rule(
        data=st.data(), parts=st.integers(1, 3), last=st.integers(1, MIB), seed=st.integers(0, 99)
    )
    def multipart_round_trip(self, data: st.DataObject, parts: int, last: int, seed: int) -> None:
        """A whole upload: initiate, every part in any order (some twice), complete."""
        self.initiate_upload(data, parts, last, seed)
        region, name, upload_id = self.uploads()[-1]
        upload = self.vault(region, name).uploads[upload_id]
        order = data.draw(st.permutations(list(range(upload.parts)) * 2))
        for number in order[: upload.parts + data.draw(st.integers(0, upload.parts))]:
            self.send_part(region, name, upload, number)
        for number in range(upload.parts):
            if number not in upload.uploaded:
                self.send_part(region, name, upload, number)
        self.complete_upload_with(region, name, upload_id, right_hash=True)

    @precondition(lambda self: self.uploads())
    @rule(data=st.data())
    def upload_part(self, data: st.DataObject) -> None:
        region, name, upload_id = data.draw(st.sampled_from(self.uploads()))
        upload = self.vault(region, name).uploads[upload_id]
        missing = [n for n in range(upload.parts) if n not in upload.uploaded]
        every_missing_part = data.draw(st.booleans())
        if missing and every_missing_part:
            order: list[int] = data.draw(st.permutations(missing))
            for number in order:
                self.send_part(region, name, upload, number)
            return
        self.send_part(region, name, upload, data.draw(st.integers(0, upload.parts - 1)))

    def send_part(self, region: str, name: str, upload: MUpload, number: int) -> None:
        upload_id = upload.upload_id
        piece = upload.part(number)
        first = number * upload.part_size
        params = {
            "vaultName": name,
            "uploadId": upload_id,
            "range": f"bytes {first}-{first + len(piece) - 1}/*",
            "body": piece,
        }
        if upload.status != "InProgress":
            self.refused("ResourceNotFoundException", region, "upload_multipart_part", **params)
            return
        assert self.ok(region, "upload_multipart_part", **params)["checksum"] == tree_hash(piece)
        upload.uploaded.add(number)

    @precondition(lambda self: self.uploads())
    @rule(data=st.data(), right_hash=st.booleans())
    def complete_upload(self, data: st.DataObject, right_hash: bool) -> None:
        region, name, upload_id = data.draw(st.sampled_from(self.uploads()))
        self.complete_upload_with(region, name, upload_id, right_hash=right_hash)

    def complete_upload_with(
        self, region: str, name: str, upload_id: str, *, right_hash: bool
    ) -> None:
        vault = self.vault(region, name)
        upload = vault.uploads[upload_id]
        params = {
            "vaultName": name,
            "uploadId": upload_id,
            "archiveSize": str(len(upload.data)),
            "checksum": tree_hash(upload.data) if right_hash else "0" * 64,
        }
        if upload.status == "Aborted":
            self.refused("ResourceNotFoundException", region, "complete_multipart_upload", **params)
        elif upload.status == "Completed":
            assert (
                self.ok(region, "complete_multipart_upload", **params)["archiveId"]
                == upload.archive_id
            )
        elif upload.uploaded != set(range(upload.parts)) or not right_hash:
            self.refused(
                "InvalidParameterValueException", region, "complete_multipart_upload", **params
            )
        else:
            answer = self.ok(region, "complete_multipart_upload", **params)
            assert answer["checksum"] == tree_hash(upload.data)
            archive = MArchive(answer["archiveId"], upload.data, self.now)
            vault.archives[archive.archive_id] = archive
            self.regions[region].home[archive.archive_id] = name
            self.write(vault)
            upload.status, upload.finished_at, upload.archive_id = (
                "Completed",
                self.now,
                archive.archive_id,
            )

    @precondition(lambda self: self.uploads())
    @rule(data=st.data())
    def abort_upload(self, data: st.DataObject) -> None:
        region, name, upload_id = data.draw(st.sampled_from(self.uploads()))
        upload = self.vault(region, name).uploads[upload_id]
        if upload.status == "Completed":
            self.refused(
                "ResourceNotFoundException",
                region,
                "abort_multipart_upload",
                vaultName=name,
                uploadId=upload_id,
            )
            return
        self.ok(region, "abort_multipart_upload", vaultName=name, uploadId=upload_id)
        if upload.status == "InProgress":
            upload.status, upload.finished_at = "Aborted", self.now

    @precondition(lambda self: self.vaults())
    @rule(data=st.data())
    def list_uploads_and_parts(self, data: st.DataObject) -> None:
        region, name = data.draw(st.sampled_from(self.vaults()))
        vault = self.vault(region, name)
        listed = self.ok(region, "list_multipart_uploads", vaultName=name)["UploadsList"]
        open_uploads = {u.upload_id for u in vault.uploads.values() if u.status == "InProgress"}
        assert {u["MultipartUploadId"] for u in listed} == open_uploads
        for upload in vault.uploads.values():
            if upload.status != "InProgress":
                self.refused(
                    "ResourceNotFoundException",
                    region,
                    "list_parts",
                    vaultName=name,
                    uploadId=upload.upload_id,
                )
                continue
            parts = self.ok(region, "list_parts", vaultName=name, uploadId=upload.upload_id)[
                "Parts"
            ]
            expected = []
            for number in sorted(upload.uploaded):
                piece = upload.part(number)
                first = number * upload.part_size
                expected.append(
                    {
                        "RangeInBytes": f"{first}-{first + len(piece) - 1}",
                        "SHA256TreeHash": tree_hash(piece),
                    }
                )
            assert parts == expected

    # -- jobs ----------------------------------------------------------------------------------

    def start_retrieval(
        self,
        region: str,
        name: str,
        parameters: dict[str, Any],
        archive: MArchive,
        start: int,
        end: int,
    ) -> MJob | None:
        """InitiateJob for ``archive``'s bytes ``[start, end)``: refused when the retrieval
        policy says so (None), else the job, now in the model too."""
        tier = parameters["Tier"]
        if not self.admitted(region, tier, end - start):
            self.refused(
                "PolicyEnforcedException",
                region,
                "initiate_job",
                vaultName=name,
                jobParameters=parameters,
            )
            return None
        job_id = self.ok(region, "initiate_job", vaultName=name, jobParameters=parameters)["jobId"]
        job = MJob(
            job_id,
            name,
            self.now,
            self.now + DELAYS[tier],
            tier,
            archive,
            start,
            end,
            sns_topic=parameters.get("SNSTopic"),
        )
        self.vault(region, name).jobs[job_id] = job
        return job

    @precondition(lambda self: self.vaults())
    @rule(
        data=st.data(),
        tier=st.sampled_from(["Standard", "Expedited", "Bulk"]),
        ranged=st.booleans(),
        topic=st.booleans(),
    )
    def initiate_archive_job(
        self, data: st.DataObject, tier: str, ranged: bool, topic: bool
    ) -> None:
        region, name = data.draw(st.sampled_from(self.vaults()))
        vault = self.vault(region, name)
        archives = list(vault.archives)
        unknown = not archives or data.draw(st.integers(0, 9)) == 0
        archive_id = "never-existed" if unknown else data.draw(st.sampled_from(archives))
        parameters: dict[str, Any] = {
            "Type": "archive-retrieval",
            "ArchiveId": archive_id,
            "Tier": tier,
        }
        if topic:
            parameters["SNSTopic"] = f"arn:aws:sns:{region}:{ACCOUNT}:jobs"
        archive = vault.archives.get(archive_id)
        if archive is None:
            self.refused(
                "ResourceNotFoundException",
                region,
                "initiate_job",
                vaultName=name,
                jobParameters=parameters,
            )
            return
        start, end = 0, len(archive.data)
        if ranged and end > MIB:
            start, end = data.draw(st.sampled_from([(0, MIB), (MIB, end)]))
            parameters["RetrievalByteRange"] = f"{start}-{end - 1}"
        self.start_retrieval(region, name, parameters, archive, start, end)

    @precondition(
        lambda self: any(v.archives for s in self.regions.values() for v in s.vaults.values())
    )
    @rule(data=st.data(), tier=st.sampled_from(["Standard", "Expedited", "Bulk"]))
    def retrieval_completes_exactly_at_its_tier_delay(self, data: st.DataObject, tier: str) -> None:
        """Initiate, move to one microsecond before the delay (InProgress), then to it."""
        region, name = data.draw(
            st.sampled_from([(r, n) for r, n in self.vaults() if self.vault(r, n).archives])
        )
        vault = self.vault(region, name)
        archive = vault.archives[data.draw(st.sampled_from(list(vault.archives)))]
        parameters = {"Type": "archive-retrieval", "ArchiveId": archive.archive_id, "Tier": tier}
        job = self.start_retrieval(region, name, parameters, archive, 0, len(archive.data))
        if job is None:
            return
        job_id = job.job_id
        self.move_clock(DELAYS[tier] - timedelta(microseconds=1))
        assert (
            self.ok(region, "describe_job", vaultName=name, jobId=job_id)["StatusCode"]
            == job.status
        )
        self.move_clock(timedelta(microseconds=1))
        if job_id not in self.vault(region, name).jobs:
            return  # the vault went away meanwhile (it cannot: nothing else ran)
        assert job.status == "Succeeded"
        assert job.completed_at == job.due
        output = self.ok(region, "get_job_output", vaultName=name, jobId=job_id)
        assert output["body"].read() == archive.data
        assert output["checksum"] == tree_hash(archive.data)

    @precondition(lambda self: self.vaults())
    @rule(data=st.data(), fmt=st.sampled_from(["JSON", "CSV"]))
    def initiate_inventory_job(self, data: st.DataObject, fmt: str) -> None:
        region, name = data.draw(st.sampled_from(self.vaults()))
        vault = self.vault(region, name)
        parameters = {"Type": "inventory-retrieval", "Format": fmt}
        if vault.snapshot is None:
            self.refused(
                "ResourceNotFoundException",
                region,
                "initiate_job",
                vaultName=name,
                jobParameters=parameters,
            )
            return
        job_id = self.ok(region, "initiate_job", vaultName=name, jobParameters=parameters)["jobId"]
        vault.jobs[job_id] = MJob(
            job_id, name, self.now, self.now + DELAYS["Inventory"], "Standard", format=fmt
        )

    @precondition(lambda self: self.jobs())
    @rule(data=st.data())
    def look_at_a_job(self, data: st.DataObject) -> None:
        region, name, job_id = data.draw(st.sampled_from(self.jobs()))
        job = self.vault(region, name).jobs[job_id]
        described = self.ok(region, "describe_job", vaultName=name, jobId=job_id)
        assert described["StatusCode"] == job.status
        assert described["Completed"] == (job.status != "InProgress")
        assert described.get("CompletionDate") == (
            iso_millis(job.completed_at) if job.completed_at else None
        )
        assert described["CreationDate"] == iso_millis(job.created)
        order = ["InProgress", "Succeeded", "Failed"]
        if job.seen:  # job states only move forward
            assert order.index(described["StatusCode"]) >= order.index(job.seen[-1])
            assert job.seen[-1] == "InProgress" or described["StatusCode"] == job.seen[-1]
        job.seen.append(described["StatusCode"])
        if job.archive is not None:
            assert described["ArchiveSHA256TreeHash"] == tree_hash(job.archive.data)
            assert described["RetrievalByteRange"] == f"{job.start}-{job.end - 1}"
        if job.status != "Succeeded":
            self.refused(
                "InvalidParameterValueException",
                region,
                "get_job_output",
                vaultName=name,
                jobId=job_id,
            )
            return
        if job.archive is not None:
            expected = job.archive.data[job.start : job.end]
            whole = self.ok(region, "get_job_output", vaultName=name, jobId=job_id)
            assert whole["body"].read() == expected
            if (job.start, job.end) == (0, len(job.archive.data)) or "checksum" in whole:
                assert whole["checksum"] == tree_hash(expected)
            first = data.draw(st.integers(0, len(expected) - 1))
            last = data.draw(st.integers(first, len(expected) + 10))
            part = self.ok(
                region,
                "get_job_output",
                vaultName=name,
                jobId=job_id,
                range=f"bytes={first}-{last}",
            )
            piece = expected[first : last + 1]
            assert part["body"].read() == piece
            if "checksum" in part:
                assert part["checksum"] == tree_hash(piece)
            return
        body = self.ok(region, "get_job_output", vaultName=name, jobId=job_id)["body"].read()
        snapshot = job.inventory or ()
        if job.format == "JSON":
            document = json.loads(body)
            listed = {a["ArchiveId"]: a for a in document["ArchiveList"]}
            assert document["InventoryDate"] == (
                job.inventory_date.strftime("%Y-%m-%dT%H:%M:%SZ") if job.inventory_date else None
            )
            assert set(listed) == {a.archive_id for a in snapshot}
            for archive in snapshot:
                assert listed[archive.archive_id]["Size"] == len(archive.data)
                assert listed[archive.archive_id]["SHA256TreeHash"] == tree_hash(archive.data)
        else:
            rows = body.decode().splitlines()[1:]
            assert {line.split(",", 1)[0] for line in rows} == {a.archive_id for a in snapshot}

    @precondition(lambda self: self.vaults())
    @rule(data=st.data(), statuscode=st.sampled_from([None, "InProgress", "Succeeded", "Failed"]))
    def list_jobs(self, data: st.DataObject, statuscode: str | None) -> None:
        region, name = data.draw(st.sampled_from(self.vaults()))
        vault = self.vault(region, name)
        params: dict[str, Any] = {"vaultName": name}
        if statuscode:
            params["statuscode"] = statuscode
        listed = self.ok(region, "list_jobs", **params)["JobList"]
        expected = {
            j.job_id: j.status for j in vault.jobs.values() if statuscode in (None, j.status)
        }
        assert {j["JobId"]: j["StatusCode"] for j in listed} == expected
        for job_id in self.gone_jobs & {j["JobId"] for j in listed}:
            raise Failure(f"job {job_id} came back after it expired")

    # -- vault sub-resources -------------------------------------------------------------------

    @precondition(lambda self: self.vaults())
    @rule(
        data=st.data(),
        add=st.lists(st.sampled_from(TAG_KEYS), min_size=1, max_size=10, unique=True),
        value=SAFE_TEXT,
        remove=st.lists(st.sampled_from(TAG_KEYS), min_size=1, max_size=3, unique=True),
    )
    def tags(self, data: st.DataObject, add: list[str], value: str, remove: list[str]) -> None:
        region, name = data.draw(st.sampled_from(self.vaults()))
        vault = self.vault(region, name)
        if len(set(vault.tags) | set(add)) > 50:
            self.refused(
                "LimitExceededException",
                region,
                "add_tags_to_vault",
                vaultName=name,
                Tags=dict.fromkeys(add, value),
            )
        else:
            self.ok(region, "add_tags_to_vault", vaultName=name, Tags=dict.fromkeys(add, value))
            vault.tags.update(dict.fromkeys(add, value))
        if data.draw(st.booleans()):
            self.ok(region, "remove_tags_from_vault", vaultName=name, TagKeys=remove)
            for key in remove:
                vault.tags.pop(key, None)
        assert self.ok(region, "list_tags_for_vault", vaultName=name).get("Tags", {}) == vault.tags

    @precondition(lambda self: self.vaults())
    @rule(
        data=st.data(), action=st.sampled_from(["set", "get", "delete"]), number=st.integers(0, 3)
    )
    def access_policy(self, data: st.DataObject, action: str, number: int) -> None:
        region, name = data.draw(st.sampled_from(self.vaults()))
        vault = self.vault(region, name)
        if action == "set":
            self.ok(
                region,
                "set_vault_access_policy",
                vaultName=name,
                policy={"Policy": access_policy(number)},
            )
            vault.access_policy = access_policy(number)
        elif action == "delete":
            self.ok(region, "delete_vault_access_policy", vaultName=name)
            vault.access_policy = None
        elif vault.access_policy is None:
            self.refused(
                "ResourceNotFoundException", region, "get_vault_access_policy", vaultName=name
            )
        else:
            got = self.ok(region, "get_vault_access_policy", vaultName=name)["policy"]["Policy"]
            assert got == vault.access_policy

    @precondition(lambda self: self.vaults())
    @rule(
        data=st.data(),
        action=st.sampled_from(["set", "get", "delete", "foreign"]),
        events=st.sampled_from(
            [
                ["ArchiveRetrievalCompleted"],
                ["InventoryRetrievalCompleted"],
                ["ArchiveRetrievalCompleted", "InventoryRetrievalCompleted"],
            ]
        ),
    )
    def notifications(self, data: st.DataObject, action: str, events: list[str]) -> None:
        region, name = data.draw(st.sampled_from(self.vaults()))
        vault = self.vault(region, name)
        topic = f"arn:aws:sns:{region}:{ACCOUNT}:vault-{name}"
        if action == "set":
            self.ok(
                region,
                "set_vault_notifications",
                vaultName=name,
                vaultNotificationConfig={"SNSTopic": topic, "Events": events},
            )
            vault.notifications = (topic, events)
        elif action == "foreign":
            other = REGIONS[1 - REGIONS.index(region)]
            config = {"SNSTopic": f"arn:aws:sns:{other}:{ACCOUNT}:t", "Events": events}
            self.refused(
                "InvalidParameterValueException",
                region,
                "set_vault_notifications",
                vaultName=name,
                vaultNotificationConfig=config,
            )
        elif action == "delete":
            self.ok(region, "delete_vault_notifications", vaultName=name)
            vault.notifications = None
        elif vault.notifications is None:
            self.refused(
                "ResourceNotFoundException", region, "get_vault_notifications", vaultName=name
            )
        else:
            got = self.ok(region, "get_vault_notifications", vaultName=name)[
                "vaultNotificationConfig"
            ]
            assert (got["SNSTopic"], got["Events"]) == vault.notifications

    @precondition(lambda self: self.vaults())
    @rule(data=st.data())
    def vault_lock_life(self, data: st.DataObject) -> None:
        """A vault's lock from none to Locked for good, every transition of GLACIER_SPEC §6.1."""
        region, name = data.draw(st.sampled_from(self.vaults()))
        vault = self.vault(region, name)
        steps = ["initiate", "get", "complete-wrong", "complete", "complete", "get"]
        steps += ["complete-wrong", "abort", "initiate"]
        for step in steps:
            self.vault_lock(region, name, step)
        assert vault.lock is not None
        assert vault.lock.state == "Locked"

    @precondition(lambda self: self.vaults())
    @rule(
        data=st.data(),
        action=st.sampled_from(["initiate", "complete", "complete-wrong", "abort", "get"]),
    )
    def vault_lock_step(self, data: st.DataObject, action: str) -> None:
        region, name = data.draw(st.sampled_from(self.vaults()))
        self.vault_lock(region, name, action)

    def vault_lock(self, region: str, name: str, action: str) -> None:
        vault = self.vault(region, name)
        lock = vault.lock
        if action == "initiate":
            policy = {"Policy": lock_policy(region, name)}
            if lock is not None:
                self.refused(
                    "AccessDeniedException",
                    region,
                    "initiate_vault_lock",
                    vaultName=name,
                    policy=policy,
                )
                return
            lock_id = self.ok(region, "initiate_vault_lock", vaultName=name, policy=policy)[
                "lockId"
            ]
            vault.lock = MLock(lock_id, policy["Policy"], "InProgress", self.now)
        elif action in ("complete", "complete-wrong"):
            lock_id = lock.lock_id if lock and action == "complete" else "WRONGWRONGWRONGWRONGWRON"
            if lock is None:
                self.refused(
                    "InvalidParameterValueException",
                    region,
                    "complete_vault_lock",
                    vaultName=name,
                    lockId=lock_id,
                )
            elif action == "complete":
                self.ok(region, "complete_vault_lock", vaultName=name, lockId=lock_id)
                lock.state = "Locked"
            else:
                code = (
                    "AccessDeniedException"
                    if lock.state == "Locked"
                    else "InvalidParameterValueException"
                )
                self.refused(code, region, "complete_vault_lock", vaultName=name, lockId=lock_id)
        elif action == "abort":
            if lock is not None and lock.state == "Locked":
                self.refused("AccessDeniedException", region, "abort_vault_lock", vaultName=name)
                return
            self.ok(region, "abort_vault_lock", vaultName=name)
            vault.lock = None
        elif lock is None:
            self.refused("ResourceNotFoundException", region, "get_vault_lock", vaultName=name)
        else:
            got = self.ok(region, "get_vault_lock", vaultName=name)
            assert (got["State"], got["Policy"]) == (lock.state, lock.policy)
            assert got["CreationDate"] == iso_millis(lock.created)
            expiry = iso_millis(lock.created + DAY) if lock.state == "InProgress" else None
            assert got.get("ExpirationDate") == expiry

    # -- account settings ----------------------------------------------------------------------

    @rule(
        region=st.sampled_from(REGIONS),
        strategy=st.sampled_from(["None", "FreeTier", "BytesPerHour", "get"]),
        rate=st.sampled_from([1, 2 * MIB, 10**12]),
    )
    def retrieval_policy(self, region: str, strategy: str, rate: int) -> None:
        state = self.regions[region]
        if strategy != "get":
            rule_: dict[str, Any] = {"Strategy": strategy}
            if strategy == "BytesPerHour":
                rule_["BytesPerHour"] = rate
            self.ok(region, "set_data_retrieval_policy", Policy={"Rules": [rule_]})
            state.strategy = strategy
            state.bytes_per_hour = rate if strategy == "BytesPerHour" else None
        got = self.ok(region, "get_data_retrieval_policy")["Policy"]["Rules"]
        expected: dict[str, Any] = {"Strategy": state.strategy}
        if state.bytes_per_hour is not None:
            expected["BytesPerHour"] = state.bytes_per_hour
        assert got == [expected]

    @rule(region=st.sampled_from(REGIONS), purchase=st.booleans())
    def capacity(self, region: str, purchase: bool) -> None:
        state = self.regions[region]
        active = [until for until in state.capacity if self.now < until]
        if purchase:
            if len(active) >= 2:
                self.refused("LimitExceededException", region, "purchase_provisioned_capacity")
            else:
                self.ok(region, "purchase_provisioned_capacity")
                state.capacity.append(one_month_later(self.now))
                active.append(one_month_later(self.now))
        listed = self.ok(region, "list_provisioned_capacity")["ProvisionedCapacityList"]
        assert sorted(
            iso_millis(u["ExpirationDate"].astimezone(timezone.utc))
            if isinstance(u["ExpirationDate"], datetime)
            else u["ExpirationDate"]
            for u in listed
        ) == sorted(iso_millis(a) for a in active)

    # -- a vault that does not exist -----------------------------------------------------------

    @rule(
        region=st.sampled_from(REGIONS),
        name=st.sampled_from(VAULT_NAMES),
        method=st.sampled_from(
            [
                "describe_vault",
                "list_jobs",
                "list_multipart_uploads",
                "list_tags_for_vault",
                "get_vault_lock",
                "get_vault_access_policy",
                "get_vault_notifications",
                "delete_vault_notifications",
                "abort_vault_lock",
            ]
        ),
    )
    def missing_vault(self, region: str, name: str, method: str) -> None:
        if name in self.regions[region].vaults:
            return
        self.refused("ResourceNotFoundException", region, method, vaultName=name)


TestGlacierModel = GlacierModel.TestCase
TestGlacierModel.settings = hypothesis_profile()


def test_the_rules_exercise_all_33_operations() -> None:
    exercised = set().union(*RULE_OPERATIONS.values())
    assert exercised == set(service_model().operation_names)
    assert set(RULE_OPERATIONS) <= set(dir(GlacierModel))
    source = inspect.getsource(GlacierModel)
    for rule_name, operations in RULE_OPERATIONS.items():
        for operation in operations:  # the rule, or a helper it calls, sends the operation
            assert f'"{botocore.xform_name(operation)}"' in source, (rule_name, operation)
