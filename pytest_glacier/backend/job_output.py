"""GetJobOutput: a completed job's output, whole or by range (GLACIER_SPEC §2.5, §4.4).

The output of an archive-retrieval job is streamed straight from the archive's stored parts
(zero-copy views, never joined); an inventory job's output is the JSON or CSV it rendered when it
completed. A ``Range: bytes=a-b`` (also ``bytes=a-`` and ``bytes=-n``) header asks for part of
the output, relative to the output (not to the archive): the answer is then 206 with
``Content-Range: bytes a-b/total``. A range starting at or past the end of the output is the
real 400; a ``Range`` that does not parse is ignored, as real Glacier does, and the whole output
comes back with 200.

``x-amz-sha256-tree-hash`` comes back for archive jobs only, and only when both the job's
retrieval range and the downloaded range are tree-hash aligned (GLACIER_SPEC §4.4, the Developer
Guide's rule); its value is the tree hash of exactly the bytes returned.
"""

from __future__ import annotations

import re
from typing import Any

from pytest_glacier.backend.archives import Archive
from pytest_glacier.backend.context import RequestContext
from pytest_glacier.backend.errors import InvalidParameterValueException
from pytest_glacier.backend.glacier import Backend
from pytest_glacier.backend.inventory_output import CONTENT_TYPES
from pytest_glacier.backend.jobs import SUCCEEDED, Job, get_job
from pytest_glacier.backend.numeric_text import parse_whole
from pytest_glacier.backend.operations import Output, operation
from pytest_glacier.backend.streams import ResponseBody
from pytest_glacier.backend.treehash import is_tree_hash_aligned
from pytest_glacier.backend.vaults import get_vault

ARCHIVE_CONTENT_TYPE = "application/octet-stream"
_RANGE = re.compile(r"\s*bytes\s*=\s*([0-9]*)\s*-\s*([0-9]*)\s*")


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The bytes ``[first, stop)`` of an output of ``size`` bytes a ``Range`` header asks for.

    None means the whole output: no header, or one that does not parse (ignored). A range that
    starts at or past the end is refused with Glacier's message; an end past the output is cut
    to its last byte; ``bytes=-n`` is the last ``n`` bytes.
    """
    if header is None:
        return None
    match = _RANGE.fullmatch(header)
    if match is None or not (match[1] or match[2]):
        return None
    if not match[1]:  # bytes=-n: a suffix
        suffix = _position(match[2])
        if suffix == 0:
            return None
        return max(size - suffix, 0), size
    first = _position(match[1])
    if match[2] and _position(match[2]) < first:
        return None
    last = _position(match[2]) if match[2] else size - 1
    if first >= size:
        raise InvalidParameterValueException(
            f"The start of the range is larger than size of retrieved data: {header.strip()}"
        )
    return first, min(last + 1, size)


def _position(digits: str) -> int:
    # A number beyond a long is beyond every output: the same as the largest long.
    value = parse_whole(digits)
    assert value is not None  # the pattern matched digits
    return value


@operation("GetJobOutput")
def get_job_output(
    glacier: Backend,
    ctx: RequestContext,
    *,
    account_id: str,
    vault_name: str,
    job_id: str,
    range: str | None = None,  # noqa: A002 (the model's member name)
) -> Output:
    job = get_job(get_vault(glacier, ctx, account_id, vault_name), job_id)
    if job.status != SUCCEEDED:
        # GLACIER_SPEC §2.5: the same answer for a job still running and (UNCONFIRMED) for a
        # failed one.
        raise InvalidParameterValueException(
            f"The job is not currently available for download: {job_id}"
        )
    if job.select is not None:
        # UNCONFIRMED: a select job's results exist only in S3; Glacier has nothing to return.
        bucket = job.select.output_location["S3"]["BucketName"]
        raise InvalidParameterValueException(
            f"The job {job_id} is a select job: its results are written to Amazon S3 "
            f"(s3://{bucket}/{job.select.output_path(job_id)}), not returned by GetJobOutput."
        )
    if job.archive is not None:
        return _archive_output(job, job.archive, range)
    return _inventory_output(job, range)


def _archive_output(job: Job, archive: Archive, range_header: str | None) -> Output:
    size = job.end - job.start
    wanted = parse_range(range_header, size)
    first, stop = wanted if wanted is not None else (0, size)
    begin, finish = job.start + first, job.start + stop
    output: dict[str, Any] = {
        "body": ResponseBody(archive.iter_bytes(begin, finish), finish - begin),
        "status": 200 if wanted is None else 206,
        "acceptRanges": "bytes",
        "contentType": ARCHIVE_CONTENT_TYPE,
    }
    if wanted is not None:
        output["contentRange"] = f"bytes {first}-{stop - 1}/{size}"
    if archive.description:
        output["archiveDescription"] = archive.description
    checksum = _checksum(job, archive, begin, finish)
    if checksum is not None:
        output["checksum"] = checksum
    return output


def _checksum(job: Job, archive: Archive, begin: int, finish: int) -> str | None:
    if job.range_tree_hash is None:  # the job's range is not tree-hash aligned
        return None
    if (begin, finish) == (job.start, job.end):
        return job.range_tree_hash
    if not is_tree_hash_aligned(begin, finish, archive.size):
        return None
    return archive.range_tree_hash(begin, finish)


def _inventory_output(job: Job, range_header: str | None) -> Output:
    data = job.inventory_output or b""
    query = job.inventory_query
    wanted = parse_range(range_header, len(data))
    output: dict[str, Any] = {
        "status": 200 if wanted is None else 206,
        "acceptRanges": "bytes",
        "contentType": CONTENT_TYPES[query.format if query else "JSON"],
    }
    if wanted is None:
        output["body"] = data
    else:
        first, stop = wanted
        output["body"] = data[first:stop]
        output["contentRange"] = f"bytes {first}-{stop - 1}/{len(data)}"
    return output
