"""The README's table of bad input, generated from the data table here and checked against it.

Each row is a category of bad input, one example of it sent to the mock, and the answer the mock
gives (HTTP status and Glacier error code). The test sends every example and checks the answer;
then it renders the rows as Markdown and compares them with the README between the markers
``<!-- bad-input-table:begin -->`` and ``<!-- bad-input-table:end -->``. After changing a row,
regenerate the README section with ``GLACIER_UPDATE_README=1 pytest -k bad_input_table``.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from reliability_support import DOCUMENTED_STATUS

from pytest_glacier import GlacierMock, GlacierServer

README = Path(__file__).resolve().parents[2] / "README.md"
BEGIN = "<!-- bad-input-table:begin -->"
END = "<!-- bad-input-table:end -->"
ENDPOINT = "https://glacier.us-east-1.amazonaws.com"
VERSION = {"x-amz-glacier-version": "2012-06-01"}
EMPTY_TREE_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@dataclass
class World:
    """What the examples act on: vault ``v`` with one archive, an upload and a running job."""

    mock: GlacierMock
    server: GlacierServer
    archive_id: str
    upload_id: str
    running_job: str
    done_job: str


Answer = tuple[int, str | None]
"""HTTP status and error code (None for a success)."""


def send(
    method: str, path: str, *, headers: dict[str, str] | None = None, body: bytes = b""
) -> Answer:
    response = requests.request(
        method, ENDPOINT + path, headers={**VERSION, **(headers or {})}, data=body, timeout=5
    )
    code = response.json()["code"] if response.status_code >= 300 else None
    return response.status_code, code


def raw(world: World, data: bytes) -> Answer:
    with socket.create_connection(("127.0.0.1", world.server.port), timeout=5) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1])
    return status, json.loads(body)["code"] if status >= 300 else None


@dataclass(frozen=True)
class Row:
    """A category of bad input; every one of ``examples`` gets ``status`` and ``code``."""

    category: str
    example: str
    status: int
    code: str | None
    examples: tuple[Callable[[World], Answer], ...]


def row(
    category: str, example: str, status: int, code: str | None, *examples: Callable[[World], Answer]
) -> Row:
    return Row(category, example, status, code, examples)


def put_policy(text: str) -> Callable[[World], Answer]:
    body = json.dumps({"Policy": text}).encode()
    return lambda w: send("PUT", "/-/vaults/v/access-policy", body=body)


def part(content_range: str, body: bytes) -> Callable[[World], Answer]:
    return lambda w: send(
        "PUT",
        f"/-/vaults/v/multipart-uploads/{w.upload_id}",
        headers={"Content-Range": content_range, "x-amz-sha256-tree-hash": EMPTY_TREE_HASH},
        body=body,
    )


def job(parameters: dict[str, object]) -> Callable[[World], Answer]:
    def run(w: World) -> Answer:
        filled = {k: (w.archive_id if v == "<archive>" else v) for k, v in parameters.items()}
        return send("POST", "/-/vaults/v/jobs", body=json.dumps(filled).encode())

    return run


def add_tags(body: bytes) -> Callable[[World], Answer]:
    return lambda w: send("POST", "/-/vaults/v/tags?operation=add", body=body)


def fifty_tags_then_one_more(w: World) -> Answer:
    for start in range(0, 50, 10):
        tags = {f"k{i}": "v" for i in range(start, start + 10)}
        assert (
            send(
                "POST", "/-/vaults/v/tags?operation=add", body=json.dumps({"Tags": tags}).encode()
            )[0]
            == 204
        )
    return add_tags(b'{"Tags": {"one-more": "v"}}')(w)


def notifications(topic: str, events: list[str]) -> Callable[[World], Answer]:
    body = json.dumps({"SNSTopic": topic, "Events": events}).encode()
    return lambda w: send("PUT", "/-/vaults/v/notification-configuration", body=body)


def retrieval_policy(strategy: str) -> Callable[[World], Answer]:
    body = json.dumps({"Policy": {"Rules": [{"Strategy": strategy}]}}).encode()
    return lambda w: send("PUT", "/-/policies/data-retrieval", body=body)


def upload(description: str) -> Callable[[World], Answer]:
    return lambda w: send(
        "POST",
        "/-/vaults/v/multipart-uploads",
        headers={"x-amz-part-size": "1048576", "x-amz-archive-description": description},
    )


def complete(archive_size: str, tree_hash: str | None) -> Callable[[World], Answer]:
    headers = {"x-amz-archive-size": archive_size}
    if tree_hash is not None:
        headers["x-amz-sha256-tree-hash"] = tree_hash
    return lambda w: send("POST", f"/-/vaults/v/multipart-uploads/{w.upload_id}", headers=headers)


def output(range_header: str) -> Callable[[World], Answer]:
    return lambda w: send(
        "GET", f"/-/vaults/v/jobs/{w.done_job}/output", headers={"Range": range_header}
    )


def limit(value: str) -> Callable[[World], Answer]:
    return lambda w: send("GET", f"/-/vaults?limit={value}")


def part_size(value: str) -> Callable[[World], Answer]:
    return lambda w: send(
        "POST", "/-/vaults/v/multipart-uploads", headers={"x-amz-part-size": value}
    )


def no_version_header(w: World) -> Answer:
    response = requests.get(ENDPOINT + "/-/vaults", timeout=5)
    return response.status_code, response.json()["code"]


HUGE = "9" * 5000
DEEP_POLICY = "[" * 10_000 + "]" * 10_000
BIG_POLICY = json.dumps(
    {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "x" * 21_000}]}
)
FAR_FUTURE_POLICY = json.dumps(
    {
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "*",
                "Condition": {"DateLessThan": {"aws:CurrentTime": "9" * 30}},
            }
        ]
    }
)

ROWS = [
    # -- HTTP and routing ------------------------------------------------------------------------
    row(
        "Request line, version or header block HTTP cannot parse (server mode)",
        "`GET / HTTP/2.0`, `GARBAGE`, a 70 KB header line",
        400,
        "BadRequest",
        lambda w: raw(w, b"GET / HTTP/2.0\r\n\r\n"),
        lambda w: raw(w, b"GARBAGE\r\n\r\n"),
        lambda w: raw(w, b"GET / HTTP/1.1\r\nX: " + b"a" * 70_000 + b"\r\n\r\n"),
    ),
    row(
        "Body that does not match its framing (server mode)",
        "`Content-Length: 10` with 2 bytes, `Content-Length: -1`, broken chunked coding",
        400,
        "BadRequest",
        lambda w: raw(w, b"PUT /-/vaults/v HTTP/1.1\r\nContent-Length: 10\r\n\r\nab"),
        lambda w: raw(w, b"PUT /-/vaults/v HTTP/1.1\r\nContent-Length: -1\r\n\r\nab"),
        lambda w: raw(w, b"PUT /-/vaults/v HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
    ),
    row(
        "Method or path no operation serves",
        "`TRACE /-/vaults`, `GET /-/vaults/v/` (trailing slash), `GET /foo`",
        404,
        "ResourceNotFoundException",
        lambda w: send("TRACE", "/-/vaults"),
        lambda w: send("GET", "/-/vaults/v/"),
        lambda w: send("GET", "/foo"),
    ),
    row(
        "No `x-amz-glacier-version` header (presigned URLs need none)",
        "`GET /-/vaults` without it",
        400,
        "MissingParameterValueException",
        no_version_header,
    ),
    row(
        "Body that is not JSON, not UTF-8, not Unicode, or absurdly deep",
        '`{"Tags": `, `\\xff\\xfe{`, `{"Policy": "\\ud800"}`, `[[[[...` 100,000 deep',
        400,
        "SerializationException",
        add_tags(b'{"Tags": '),
        add_tags(b"\xff\xfe{"),
        put_policy("\ud800"),
        add_tags(b"[" * 100_000),
    ),
    row(
        "JSON of the wrong type for a member",
        '`{"Tags": ["a"]}`, `{"TagKeys": "k"}`',
        400,
        "SerializationException",
        add_tags(b'{"Tags": ["a"]}'),
        lambda w: send("POST", "/-/vaults/v/tags?operation=remove", body=b'{"TagKeys": "k"}'),
    ),
    row(
        "`null` where a value is required",
        '`{"Tags": {"k": null}}`, `{"TagKeys": [null]}`',
        400,
        "InvalidParameterValueException",
        add_tags(b'{"Tags": {"k": null}}'),
        lambda w: send("POST", "/-/vaults/v/tags?operation=remove", body=b'{"TagKeys": [null]}'),
    ),
    # -- names and ids -----------------------------------------------------------------------------
    row(
        "Account id that is neither `-` nor 12 digits",
        "`/1234-5678-9012/vaults`, `/%ff/vaults`",
        403,
        "AccessDeniedException",
        lambda w: send("GET", "/1234-5678-9012/vaults"),
        lambda w: send("GET", "/%ff/vaults"),
    ),
    row(
        "Another account's vault, without a policy that allows it",
        "`GET /111122223333/vaults/v`",
        403,
        "AccessDeniedException",
        lambda w: send("GET", "/111122223333/vaults/v"),
    ),
    row(
        "Vault name that is not 1-255 of `[A-Za-z0-9_.-]` (CreateVault)",
        "`a b`, 256 characters",
        400,
        "InvalidParameterValueException",
        lambda w: send("PUT", "/-/vaults/a%20b"),
        lambda w: send("PUT", "/-/vaults/" + "a" * 256),
    ),
    row(
        "Vault, upload, job or archive that does not exist",
        "`GET /-/vaults/nope`, an unknown upload or job id, retrieving an unknown archive",
        404,
        "ResourceNotFoundException",
        lambda w: send("GET", "/-/vaults/nope"),
        lambda w: send("GET", "/-/vaults/v/multipart-uploads/no-such-upload"),
        lambda w: send("GET", "/-/vaults/v/jobs/no-such-job"),
        job({"Type": "archive-retrieval", "ArchiveId": "no-such-archive"}),
    ),
    # -- numbers -----------------------------------------------------------------------------------
    row(
        "`limit` that is not a whole number of at least 1",
        "`0`, `-1`, `1.5`, `abc`, `١٢` (non-ASCII digits)",
        400,
        "InvalidParameterValueException",
        *(limit(value) for value in ("0", "-1", "1.5", "abc", "%D9%A1%D9%A2")),
    ),
    row(
        "`limit` beyond the page size, however large",
        "`1000`, 5,000 digits: the page size",
        200,
        None,
        lambda w: send("GET", "/-/vaults?limit=1000"),
        lambda w: send("GET", f"/-/vaults?limit={HUGE}"),
    ),
    row(
        "Part or archive size that is negative, not a number, or beyond a long",
        "`x-amz-part-size: -1`, `1048577`, 5,000 digits; `x-amz-archive-size: 0x10`",
        400,
        "InvalidParameterValueException",
        *(part_size(value) for value in ("-1", "1048577", HUGE)),
        complete("0x10", EMPTY_TREE_HASH),
    ),
    row(
        "Malformed or inconsistent `Content-Range` (UploadMultipartPart)",
        "`bytes 5-1/*`, `bytes 0-9/*` with a 2-byte body, `bytes 0-{5,000 digits}/*`",
        400,
        "InvalidParameterValueException",
        part("bytes 5-1/*", b"ab"),
        part("bytes 0-9/*", b"ab"),
        part(f"bytes 0-{HUGE}/*", b"ab"),
    ),
    row(
        "`Range` (GetJobOutput) starting at or past the end of the output",
        "`bytes=999999-` on a 7-byte output",
        400,
        "InvalidParameterValueException",
        output("bytes=999999-"),
        output(f"bytes={HUGE}-"),
    ),
    row(
        "`Range` (GetJobOutput) that does not parse",
        "`bytes 0-4/100`, `items=0-1`: ignored, the whole output comes back",
        200,
        None,
        output("bytes 0-4/100"),
        output("items=0-1"),
    ),
    row(
        "`Range` (GetJobOutput) that ends past the output",
        "`bytes=0-{5,000 digits}`, `bytes=-{5,000 digits}`: cut to the output",
        206,
        None,
        output(f"bytes=0-{HUGE}"),
        output(f"bytes=-{HUGE}"),
    ),
    row(
        "`RetrievalByteRange` not megabyte-aligned, outside the archive, or not a range",
        '`"1-2"`, `"0-99999999999"`, `"x"`',
        400,
        "InvalidParameterValueException",
        *(
            job({"Type": "archive-retrieval", "ArchiveId": "<archive>", "RetrievalByteRange": r})
            for r in ("1-2", "0-99999999999", "x")
        ),
    ),
    row(
        "Inventory dates that are not ISO 8601, or overflow the calendar",
        '`"StartDate": "yesterday"`, `"9999-12-31T23:59:59-05:00"`',
        400,
        "InvalidParameterValueException",
        *(
            job({"Type": "inventory-retrieval", "InventoryRetrievalParameters": {"StartDate": d}})
            for d in ("yesterday", "9999-12-31T23:59:59-05:00")
        ),
    ),
    # -- uploads -----------------------------------------------------------------------------------
    row(
        "Upload without `x-amz-sha256-tree-hash`",
        "UploadArchive, CompleteMultipartUpload",
        400,
        "MissingParameterValueException",
        lambda w: send("POST", "/-/vaults/v/archives", body=b"data"),
        complete("1", None),
    ),
    row(
        "Tree hash that does not match the bytes",
        "`x-amz-sha256-tree-hash: 00`",
        400,
        "InvalidParameterValueException",
        lambda w: send(
            "POST", "/-/vaults/v/archives", headers={"x-amz-sha256-tree-hash": "00"}, body=b"d"
        ),
    ),
    row(
        "`x-amz-content-sha256` that does not match the bytes",
        "`x-amz-content-sha256: 00` on UploadArchive",
        403,
        "InvalidSignatureException",
        lambda w: send(
            "POST",
            "/-/vaults/v/archives",
            headers={"x-amz-content-sha256": "00", "x-amz-sha256-tree-hash": "00"},
            body=b"d",
        ),
    ),
    row(
        "Empty archive",
        "UploadArchive with a 0-byte body",
        400,
        "InvalidParameterValueException",
        lambda w: send(
            "POST", "/-/vaults/v/archives", headers={"x-amz-sha256-tree-hash": EMPTY_TREE_HASH}
        ),
    ),
    row(
        "Description that is not printable ASCII, or too long",
        "`café`, a tab, 1,025 characters",
        400,
        "InvalidParameterValueException",
        upload("caf\xe9"),
        upload("a\tb"),
        upload("x" * 1025),
    ),
    # -- jobs, policies, tags, notifications -------------------------------------------------------
    row(
        "Output of a job not finished",
        "GetJobOutput of an InProgress job",
        400,
        "InvalidParameterValueException",
        lambda w: send("GET", f"/-/vaults/v/jobs/{w.running_job}/output"),
    ),
    row(
        "Value Glacier does not know for a filter or an enumeration",
        "`statuscode=Done`, `Tier: Fast`, `Format: XML`, an event name, a retrieval strategy",
        400,
        "InvalidParameterValueException",
        lambda w: send("GET", "/-/vaults/v/jobs?statuscode=Done"),
        job({"Type": "archive-retrieval", "ArchiveId": "<archive>", "Tier": "Fast"}),
        job({"Type": "inventory-retrieval", "Format": "XML"}),
        notifications("arn:aws:sns:us-east-1:123456789012:t", ["Done"]),
        retrieval_policy("Unlimited"),
    ),
    row(
        "Policy that is not JSON, too deep, too large or not a valid policy",
        "`{`, 10,000 nested `[`, 21 KB, a date condition past the year 9999",
        400,
        "InvalidParameterValueException",
        put_policy("{"),
        put_policy(DEEP_POLICY),
        put_policy(BIG_POLICY),
        put_policy(FAR_FUTURE_POLICY),
    ),
    row(
        "Tag breaking Glacier's rules",
        "key `aws:x`, a key of 129 characters, 11 tags in one request",
        400,
        "InvalidParameterValueException",
        add_tags(b'{"Tags": {"aws:x": "1"}}'),
        add_tags(json.dumps({"Tags": {"k" * 129: "v"}}).encode()),
        add_tags(json.dumps({"Tags": {f"t{i}": "v" for i in range(11)}}).encode()),
    ),
    row(
        "More than 50 tags on a vault",
        "the 51st tag",
        400,
        "LimitExceededException",
        fifty_tags_then_one_more,
    ),
    row(
        "SNS topic that is not a topic ARN of the request's region",
        '`"x"`, a topic in another region',
        400,
        "InvalidParameterValueException",
        notifications("x", ["ArchiveRetrievalCompleted"]),
        notifications("arn:aws:sns:eu-west-1:123456789012:t", ["ArchiveRetrievalCompleted"]),
    ),
]


@pytest.fixture
def world(glacier_mock: GlacierMock, glacier_server: GlacierServer) -> World:
    client: Any = boto3.client("glacier", region_name="us-east-1")
    client.create_vault(vaultName="v")
    archive_id = client.upload_archive(vaultName="v", body=b"archive")["archiveId"]
    upload_id = client.initiate_multipart_upload(vaultName="v", partSize="1048576")["uploadId"]
    params = {"Type": "archive-retrieval", "ArchiveId": archive_id}
    done_job = client.initiate_job(vaultName="v", jobParameters=params)["jobId"]
    glacier_mock.complete_jobs()
    running_job = client.initiate_job(vaultName="v", jobParameters=params)["jobId"]
    return World(glacier_mock, glacier_server, archive_id, upload_id, running_job, done_job)


def render() -> str:
    lines = [
        "| bad input | for example | answer |",
        "|---|---|---|",
    ]
    for each in ROWS:
        answer = f"{each.status} `{each.code}`" if each.code else f"{each.status} (accepted)"
        lines.append(f"| {each.category} | {each.example} | {answer} |")
    return "\n".join(lines)


def test_every_row_is_the_answer_the_mock_gives(world: World) -> None:
    wrong = []
    for each in ROWS:
        for number, example in enumerate(each.examples, 1):
            answer = example(world)
            if answer != (each.status, each.code):
                expected = (each.status, each.code)
                wrong.append(
                    f"{each.category}, example {number}: expected {expected}, got {answer}"
                )
    assert not wrong, "\n".join(wrong)


def test_the_rows_use_documented_codes_with_their_statuses() -> None:
    for each in ROWS:
        assert each.examples, each.category
        if each.code is None:
            assert 200 <= each.status < 300
        else:
            assert DOCUMENTED_STATUS[each.code] == each.status, each.category


def test_the_readme_bad_input_table_is_generated_from_the_rows() -> None:
    text = README.read_text()
    assert BEGIN in text, f"README.md lost its {BEGIN} marker"
    assert END in text, f"README.md lost its {END} marker"
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    expected = f"{head}{BEGIN}\n{render()}\n{END}{tail}"
    if text != expected and os.environ.get("GLACIER_UPDATE_README") == "1":
        README.write_text(expected)
        return
    assert text == expected, (
        "README.md's bad-input table differs from the rows in "
        "tests/reliability/test_reliability_bad_input_table.py; regenerate it with "
        "GLACIER_UPDATE_README=1 pytest -k bad_input_table"
    )
