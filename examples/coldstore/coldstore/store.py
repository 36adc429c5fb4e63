"""Upload, restore, lock and prune: what coldstore does with a Glacier vault.

Everything here talks to Glacier through a plain boto3 Glacier client, so the same code runs
against AWS, against a local endpoint, or in tests.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from .catalogue import Catalogue, Entry
from .errors import (
    ColdStoreError,
    IntegrityError,
    LockError,
    RestoreError,
    UploadError,
    describe,
    error_code,
)
from .treehash import MIB, TreeHash, combine, tree_hash

if TYPE_CHECKING:
    from mypy_boto3_glacier import GlacierClient
    from mypy_boto3_glacier.type_defs import JobParametersTypeDef

DEFAULT_PART_SIZE = 8 * MIB
DEFAULT_CHUNK_SIZE = 8 * MIB
DEFAULT_WORKERS = 4
DEFAULT_POLL_INTERVAL = 15 * 60.0
DEFAULT_MAX_WAIT = timedelta(hours=48)
MAX_PART_SIZE = 4096 * MIB
TIERS = ("Expedited", "Standard", "Bulk")


@dataclass(frozen=True)
class RestoreResult:
    """What a restore wrote and how it was checked.

    ``verified_chunks`` counts the downloaded pieces Glacier sent a tree hash for;
    ``whole_verified`` says whether the whole was checked (always for a whole archive; for a
    range only when it is tree-hash aligned, since Glacier gives no hash otherwise).
    """

    entry: Entry
    destination: Path
    job_id: str
    size: int
    tree_hash: str
    verified_chunks: int
    whole_verified: bool
    waited: timedelta


@dataclass
class PruneReport:
    """What a prune deleted, and what Glacier refused to delete (with Glacier's reason)."""

    deleted: list[Entry] = field(default_factory=list)
    refused: list[tuple[Entry, str]] = field(default_factory=list)


def check_part_size(part_size: int) -> None:
    """Glacier's rule: a power of two from 1 MiB to 4 GiB."""
    if not MIB <= part_size <= MAX_PART_SIZE or part_size & (part_size - 1):
        raise ColdStoreError(
            f"invalid part size {part_size}: it must be 1 MiB times a power of two "
            f"(1, 2, 4, ... 4096 MiB)"
        )


def check_byte_range(byte_range: tuple[int, int], size: int) -> None:
    """Glacier's rule for RetrievalByteRange: megabyte-aligned and inside the archive."""
    start, end = byte_range
    if not 0 <= start <= end < size:
        raise ColdStoreError(f"range {start}-{end} is not within the archive (0-{size - 1})")
    if start % MIB or ((end + 1) % MIB and end != size - 1):
        raise ColdStoreError(
            f"range {start}-{end} is not megabyte-aligned: the start must be a multiple of "
            f"{MIB} and the end one less than a multiple of {MIB}, or the archive's last byte "
            f"({size - 1})"
        )


def archive_description(name: str) -> str:
    """Glacier takes up to 1,024 printable ASCII characters as a description."""
    printable = "".join(char if " " <= char <= "~" else "?" for char in name)
    return f"coldstore:{printable}"[:1024]


class ColdStore:
    """One vault and its catalogue.

    ``sleep`` is how a restore waits between two polls of a job (``time.sleep``, as it is at
    that moment, unless given).
    """

    def __init__(
        self,
        client: GlacierClient,
        catalogue: Catalogue,
        *,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.client = client
        self.catalogue = catalogue
        self.vault = catalogue.vault
        self._sleep = sleep
        self._vault_ready = False

    # -- upload -------------------------------------------------------------------------------

    def upload(
        self,
        path: Path,
        *,
        part_size: int = DEFAULT_PART_SIZE,
        workers: int = DEFAULT_WORKERS,
    ) -> Entry:
        """Upload one file and record it; files larger than ``part_size`` go in parallel parts.

        The tree hash is computed locally and sent with the upload, so Glacier refuses bytes
        that were damaged on the way; the hash Glacier answers is compared with it too.
        """
        check_part_size(part_size)
        if workers < 1:
            raise ColdStoreError(f"workers must be at least 1, not {workers}")
        try:
            size = path.stat().st_size
        except OSError as error:
            raise UploadError(f"cannot read {path}: {error.strerror}") from error
        if not path.is_file():
            raise UploadError(f"{path} is not a regular file")
        if size == 0:
            raise UploadError(f"{path} is empty: Glacier does not store empty archives")
        self._ensure_vault()
        description = archive_description(path.name)
        if size <= part_size:
            archive_id, checksum = self._upload_whole(path, description)
        else:
            archive_id, checksum = self._upload_multipart(
                path, size, description, part_size, workers
            )
        entry = Entry(
            archive_id=archive_id,
            name=path.name,
            size=size,
            tree_hash=checksum,
            uploaded_at=datetime.now(timezone.utc),
        )
        self.catalogue.add(entry)
        return entry

    def _ensure_vault(self) -> None:
        if not self._vault_ready:
            try:
                self.client.create_vault(vaultName=self.vault)  # a no-op if it exists
            except ClientError as error:
                raise ColdStoreError(
                    f"cannot create the vault {self.vault}: {describe(error)}"
                ) from error
            self._vault_ready = True

    def _upload_whole(self, path: Path, description: str) -> tuple[str, str]:
        data = path.read_bytes()
        local = tree_hash(data)
        try:
            response = self.client.upload_archive(
                vaultName=self.vault, archiveDescription=description, body=data, checksum=local
            )
        except ClientError as error:
            raise UploadError(f"uploading {path} failed: {describe(error)}") from error
        if response["checksum"] != local:
            raise UploadError(
                f"Glacier stored {path} with tree hash {response['checksum']}, but the file's "
                f"is {local}; archive {response['archiveId']} should be deleted"
            )
        return response["archiveId"], local

    def _upload_multipart(
        self, path: Path, size: int, description: str, part_size: int, workers: int
    ) -> tuple[str, str]:
        try:
            upload_id = self.client.initiate_multipart_upload(
                vaultName=self.vault, archiveDescription=description, partSize=str(part_size)
            )["uploadId"]
        except ClientError as error:
            raise UploadError(f"uploading {path} failed: {describe(error)}") from error
        try:
            digests: list[bytes] = []
            pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="coldstore-part")
            try:
                parts = [
                    pool.submit(self._upload_part, path, upload_id, start, part_size)
                    for start in range(0, size, part_size)
                ]
                for part in parts:  # in order, so the chunk digests line up
                    digests.extend(part.result())
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
            local = combine(digests).hex()
            response = self.client.complete_multipart_upload(
                vaultName=self.vault, uploadId=upload_id, archiveSize=str(size), checksum=local
            )
            if response["checksum"] != local:
                raise UploadError(
                    f"Glacier assembled {path} with tree hash {response['checksum']}, but the "
                    f"file's is {local}"
                )
        except (ClientError, BotoCoreError, OSError, UploadError) as error:
            reason = describe(error) if isinstance(error, ClientError) else str(error)
            raise UploadError(
                f"uploading {path} failed: {reason}{self._abort(upload_id)}"
            ) from error
        return response["archiveId"], local

    def _upload_part(self, path: Path, upload_id: str, start: int, part_size: int) -> list[bytes]:
        """Upload the part at ``start``; returns its 1 MiB chunk digests."""
        with path.open("rb") as stream:
            stream.seek(start)
            data = stream.read(part_size)
        hasher = TreeHash()
        hasher.update(data)
        local = hasher.hexdigest()
        end = start + len(data) - 1
        response = self.client.upload_multipart_part(
            vaultName=self.vault,
            uploadId=upload_id,
            range=f"bytes {start}-{end}/*",
            body=data,
            checksum=local,
        )
        if response["checksum"] != local:
            raise UploadError(
                f"Glacier received bytes {start}-{end} with tree hash {response['checksum']}, "
                f"but the file's is {local}"
            )
        return hasher.chunk_digests()

    def _abort(self, upload_id: str) -> str:
        try:
            self.client.abort_multipart_upload(vaultName=self.vault, uploadId=upload_id)
        except ClientError as error:
            return f" (aborting the multipart upload {upload_id} failed too: {describe(error)})"
        return "; the multipart upload was aborted"

    # -- restore ------------------------------------------------------------------------------

    def restore(
        self,
        name_or_id: str,
        destination: Path,
        *,
        byte_range: tuple[int, int] | None = None,
        tier: str = "Standard",
        job_id: str | None = None,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        max_wait: timedelta = DEFAULT_MAX_WAIT,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> RestoreResult:
        """Retrieve an archive (or a megabyte-aligned ``byte_range`` of it) into ``destination``.

        Starts a retrieval job (or picks up ``job_id``, one started earlier), polls it every
        ``poll_interval`` seconds for at most ``max_wait``, then downloads the output in
        ``chunk_size`` pieces. Every piece Glacier sends a tree hash for is checked, and so is
        the whole: against the catalogue for a whole archive, against the job for a range.
        ``destination`` is only written once everything matched.
        """
        entry = self.catalogue.find(name_or_id)
        if byte_range is not None:
            check_byte_range(byte_range, entry.size)
        if tier not in TIERS:
            raise ColdStoreError(f"unknown tier {tier!r}: use one of {', '.join(TIERS)}")
        if chunk_size < MIB or chunk_size % MIB:
            raise ColdStoreError(f"chunk size {chunk_size} is not a multiple of 1 MiB")
        if job_id is None:
            job_id = self._start_retrieval(entry, byte_range, tier)
        job, waited = self._wait_for(job_id, poll_interval, max_wait)
        if job.get("ArchiveId") != entry.archive_id:
            raise RestoreError(f"job {job_id} retrieves another archive, not {entry.name}")
        retrieved = job.get("RetrievalByteRange") or f"0-{entry.size - 1}"
        first, last = (int(bound) for bound in retrieved.split("-"))
        if byte_range is not None and (first, last) != byte_range:
            wanted = f"{byte_range[0]}-{byte_range[1]}"
            raise RestoreError(f"job {job_id} retrieves bytes {retrieved}, not {wanted}")
        hasher, verified = self._download(job_id, destination, last - first + 1, chunk_size)
        whole = hasher.hexdigest()
        expected = job.get("SHA256TreeHash")
        if expected is not None and whole != expected:
            self._discard(destination)
            raise IntegrityError(
                f"the restored bytes have tree hash {whole}, but Glacier says {expected}"
            )
        is_whole = (first, last) == (0, entry.size - 1)
        if is_whole and whole != entry.tree_hash:
            self._discard(destination)
            raise IntegrityError(
                f"{entry.name} (archive {entry.archive_id}) was restored with tree hash {whole}, "
                f"but the catalogue recorded {entry.tree_hash} at upload: the archive or the "
                f"catalogue is damaged"
            )
        os.replace(self._partial(destination), destination)
        return RestoreResult(
            entry=entry,
            destination=destination,
            job_id=job_id,
            size=hasher.size,
            tree_hash=whole,
            verified_chunks=verified,
            whole_verified=is_whole or expected is not None,
            waited=waited,
        )

    def _start_retrieval(self, entry: Entry, byte_range: tuple[int, int] | None, tier: str) -> str:
        parameters: JobParametersTypeDef = {
            "Type": "archive-retrieval",
            "ArchiveId": entry.archive_id,
            "Tier": tier,
            "Description": archive_description(entry.name),
        }
        if byte_range is not None:
            parameters["RetrievalByteRange"] = f"{byte_range[0]}-{byte_range[1]}"
        try:
            return self.client.initiate_job(vaultName=self.vault, jobParameters=parameters)["jobId"]
        except ClientError as error:
            raise RestoreError(
                f"cannot start retrieving {entry.name}: {describe(error)}"
            ) from error

    def _wait_for(
        self, job_id: str, poll_interval: float, max_wait: timedelta
    ) -> tuple[dict[str, Any], timedelta]:
        waited = timedelta(0)
        while True:
            try:
                job: dict[str, Any] = dict(
                    self.client.describe_job(vaultName=self.vault, jobId=job_id)
                )
            except ClientError as error:
                raise RestoreError(
                    f"cannot follow job {job_id}: {describe(error)} (job outputs are kept "
                    f"24 hours after the job completes)"
                ) from error
            status = job["StatusCode"]
            if status == "Succeeded":
                return job, waited
            if status == "Failed":
                raise RestoreError(f"job {job_id} failed: {job.get('StatusMessage')}")
            if waited >= max_wait:
                raise RestoreError(
                    f"job {job_id} is still in progress after {waited}; run the restore again "
                    f"later with --job-id {job_id} to pick it up"
                )
            (self._sleep or time.sleep)(poll_interval)  # looked up now: patched in tests
            waited += timedelta(seconds=poll_interval)

    def _download(
        self, job_id: str, destination: Path, size: int, chunk_size: int
    ) -> tuple[TreeHash, int]:
        hasher = TreeHash()
        verified = 0
        partial = self._partial(destination)
        try:
            with partial.open("wb") as stream:
                for start in range(0, size, chunk_size):
                    end = min(start + chunk_size, size) - 1
                    response = self.client.get_job_output(
                        vaultName=self.vault, jobId=job_id, range=f"bytes={start}-{end}"
                    )
                    data = response["body"].read()
                    if len(data) != end - start + 1:
                        raise RestoreError(
                            f"job {job_id}: asked for bytes {start}-{end}, got {len(data)} bytes"
                        )
                    checksum = response.get("checksum")
                    if checksum is not None:
                        if tree_hash(data) != checksum:
                            raise IntegrityError(
                                f"job {job_id}: bytes {start}-{end} do not match their tree "
                                f"hash {checksum}"
                            )
                        verified += 1
                    hasher.update(data)
                    stream.write(data)
        except ClientError as error:
            self._discard(destination)
            raise RestoreError(f"downloading job {job_id} failed: {describe(error)}") from error
        except BaseException:
            self._discard(destination)
            raise
        return hasher, verified

    @staticmethod
    def _partial(destination: Path) -> Path:
        return destination.with_name(f".{destination.name}.coldstore-partial")

    def _discard(self, destination: Path) -> None:
        self._partial(destination).unlink(missing_ok=True)

    # -- retention ----------------------------------------------------------------------------

    def lock(self, retention_days: int) -> str:
        """Lock the vault so that no archive can be deleted before ``retention_days`` days.

        Sets a vault lock policy denying DeleteArchive to everyone while
        ``glacier:ArchiveAgeInDays`` is below the retention, and completes the lock at once:
        from then on the policy cannot be changed or removed, by anyone. Returns the lock id.
        """
        if retention_days < 1:
            raise LockError(f"the retention must be at least one day, not {retention_days}")
        self._ensure_vault()
        vault_arn = self.client.describe_vault(vaultName=self.vault)["VaultARN"]
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "coldstore-retention",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "glacier:DeleteArchive",
                    "Resource": vault_arn,
                    "Condition": {
                        "NumericLessThan": {"glacier:ArchiveAgeInDays": str(retention_days)}
                    },
                }
            ],
        }
        try:
            lock_id = self.client.initiate_vault_lock(
                vaultName=self.vault, policy={"Policy": json.dumps(policy)}
            )["lockId"]
        except ClientError as error:
            raise LockError(self._why_not_lockable(error)) from error
        try:
            self.client.complete_vault_lock(vaultName=self.vault, lockId=lock_id)
        except ClientError as error:
            self.client.abort_vault_lock(vaultName=self.vault)
            raise LockError(
                f"completing the lock of {self.vault} failed, so it was aborted: {describe(error)}"
            ) from error
        self.catalogue.retention_days = retention_days
        self.catalogue.save()
        return lock_id

    def _why_not_lockable(self, error: ClientError) -> str:
        if error_code(error) == "AccessDeniedException":
            try:
                state = self.client.get_vault_lock(vaultName=self.vault)["State"]
            except ClientError:
                state = None
            if state is not None:
                return (
                    f"vault {self.vault} already has a vault lock ({state}); a Locked policy "
                    f"can never be changed, an InProgress one can be aborted with "
                    f"'aws glacier abort-vault-lock'"
                )
        return f"cannot lock vault {self.vault}: {describe(error)}"

    def prune(self, older_than_days: int | None = None) -> PruneReport:
        """Delete the archives uploaded at least ``older_than_days`` days ago.

        The default is the retention set by ``lock``. Archives Glacier refuses to delete (a
        vault lock or access policy denies it: AccessDeniedException) stay in the catalogue and
        are reported. Deleting is idempotent on Glacier, so an archive deleted by other means
        is simply dropped from the catalogue.
        """
        days = self.catalogue.retention_days if older_than_days is None else older_than_days
        if days is None:
            raise ColdStoreError(
                "no retention period: give --days, or lock the vault first ('coldstore lock')"
            )
        cutoff = datetime.now(timezone.utc) - timedelta(days=days)
        report = PruneReport()
        for entry in [entry for entry in self.catalogue.entries if entry.uploaded_at <= cutoff]:
            refusal = self._delete(entry)
            if refusal is None:
                self.catalogue.remove(entry.archive_id)
                report.deleted.append(entry)
            else:
                report.refused.append((entry, refusal))
        return report

    def _delete(self, entry: Entry) -> str | None:
        """Delete one archive; Glacier's reason if it refuses (AccessDeniedException)."""
        try:
            self.client.delete_archive(vaultName=self.vault, archiveId=entry.archive_id)
        except ClientError as error:
            if error_code(error) != "AccessDeniedException":
                raise ColdStoreError(
                    f"deleting {entry.name} (archive {entry.archive_id}) failed: {describe(error)}"
                ) from error
            return describe(error)
        return None
