"""Random and malformed Glacier requests, for the HTTP fuzz tests.

A :class:`FuzzRequest` is built from one ``random.Random``, so a failing request is reproduced
by its seed. Most requests follow one of the 33 operations' routes (so that they get past the
router into the parser and the backend), with every part that a client controls drawn from
pools of awkward values: real ids of existing resources next to junk ids, huge, negative and
non-ASCII numbers, non-UTF-8 bytes, broken and mistyped JSON, ranges of every shape. The rest
are random paths and methods. :func:`raw_http` renders a request as bytes for a raw socket and
can break the HTTP framing itself.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from botocore.exceptions import ClientError

from pytest_glacier import GlacierMock
from pytest_glacier.wire import service_model

VERSION_HEADER = "x-amz-glacier-version"
HUGE = "9" * 5000
"""All digits, but more than Python's int() converts (4,300 digits)."""

NUMBERS = [
    "0",
    "1",
    "-1",
    "-0",
    "+5",
    " 7 ",
    "1e3",
    "1.5",
    "0x10",
    "NaN",
    "",
    "\u0661\u0662\u0663",  # Arabic-Indic digits: str.isdigit() says yes, Glacier would not
    "²",
    "10",
    "50",
    "51",
    "1048576",
    "2097152",
    "1048577",
    "3145728",
    "4294967296",
    "8589934592",
    "2147483648",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551616",
    "9" * 30,
    "0" * 5000 + "1",
    HUGE,
    "-" + HUGE,
]
TEXT = [
    "",
    " ",
    "a",
    "-",
    "..",
    "%",
    "%zz",
    "null",
    "true",
    "InProgress",
    "Succeeded",
    "Failed",
    "arn:aws:glacier:us-east-1:123456789012:vaults/v",
    "arn:aws:glacier:us-east-1:123456789012:vaults/",
    "é",
    "日本語",
    "\u202e",
    "\x00",
    "a" * 300,
    "a" * 5000,
    "*",
    "?",
    "/",
    "vaults",
    "\ud7ff",
]
CONTENT_RANGES = [
    "bytes 0-1048575/*",
    "bytes 0-0/*",
    "bytes 0-9/*",
    "bytes 0-9/10",
    "bytes 1048576-2097151/*",
    "bytes 5-1/*",
    "bytes -1-5/*",
    "bytes 0-1/0",
    f"bytes 0-{HUGE}/*",
    f"bytes {HUGE}-{HUGE}/*",
    f"bytes 0-9/{HUGE}",
    "bytes \u0661-\u0662/*",
    "bytes 0-9",
    "bytes=0-9",
    "items 0-9/*",
    "garbage",
    "",
    "bytes 10485760000-10485760009/*",
]
RANGES = [
    "bytes=0-0",
    "bytes=0-9",
    "bytes=-1",
    "bytes=-0",
    "bytes=5-",
    "bytes=-",
    "bytes=9-3",
    "bytes=0-99999999999999999999999",
    f"bytes={HUGE}-",
    f"bytes=0-{HUGE}",
    f"bytes=-{HUGE}",
    "bytes 0-4/100",
    "items=0-1",
    "bytes=0-1,3-4",
    "bytes=\u0661-\u0662",
    "",
]
TREE_HASHES = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
    "00",
    "zz" * 32,
    "",
    "UNSIGNED-PAYLOAD",
    HUGE[:200],
]
DESCRIPTIONS = ["", "a", " lead", "x" * 1024, "x" * 1025, "tab\there", "é", "ctl\x01"]
METHODS = ["GET", "PUT", "POST", "DELETE"]
ODD_METHODS = ["HEAD", "PATCH", "OPTIONS", "TRACE", "CONNECT", "FOO", "get", "Delete"]
ACCOUNTS = ["-", "123456789012", "111122223333", "12345678901", "1234-5678-9012", "", "ab"]
JSON_JUNK: list[Any] = [
    None,
    True,
    0,
    -1,
    1.5,
    10**30,
    1e308,
    "",
    "x",
    [],
    [None],
    {},
    {"": None},
    "\ud7ff\u0000",
    "\ud800",  # a lone surrogate: valid JSON, no Unicode text
    {"Policy": "\udfff"},
]


@dataclass
class Known:
    """Real names and ids, so that fuzzed requests also reach existing resources."""

    vaults: list[str] = field(default_factory=lambda: ["v"])
    archives: list[str] = field(default_factory=list)
    uploads: list[str] = field(default_factory=list)
    jobs: list[str] = field(default_factory=list)
    locks: list[str] = field(default_factory=list)


@dataclass
class FuzzRequest:
    method: str
    target: str
    """Path and query, percent-encoded as sent."""
    headers: dict[str, str | bytes]
    body: bytes

    def describe(self) -> str:
        headers = dict(self.headers.items())
        shown = {k: (v[:60] if isinstance(v, (str, bytes)) else v) for k, v in headers.items()}
        return f"{self.method} {self.target[:200]} headers={shown} body={self.body[:120]!r}"


def _routes() -> list[tuple[str, str, str]]:
    model = service_model()
    return [
        (
            name,
            model.operation_model(name).http["method"],
            model.operation_model(name).http["requestUri"],
        )
        for name in model.operation_names
    ]


ROUTES = _routes()


def _label(rng: random.Random, name: str, known: Known) -> str:
    pools = {
        "accountId": ACCOUNTS,
        "vaultName": known.vaults,
        "uploadId": known.uploads,
        "jobId": known.jobs,
        "archiveId": known.archives,
        "lockId": known.locks,
    }
    pool = pools.get(name, [])
    roll = rng.random()
    if pool and roll < 0.7:
        value = rng.choice(pool)
    elif roll < 0.85:
        value = rng.choice(TEXT)
    else:
        value = "".join(rng.choice("aZ09-_.~%/:@!$&'()*+,;=") for _ in range(rng.randint(0, 40)))
        return value.replace("%", "%25") if rng.random() < 0.5 else value  # raw or encoded
    encoded = quote(value, safe="")
    if rng.random() < 0.05:
        encoded = encoded + "%ff%fe"  # percent-encoded bytes that are not UTF-8
    return encoded


def _path(rng: random.Random, template: str, known: Known) -> str:
    segments = []
    for segment in template.split("/"):
        if segment.startswith("{") and segment.endswith("}"):
            segments.append(_label(rng, segment[1:-1], known))
        else:
            segments.append(segment)
    path = "/".join(segments)
    roll = rng.random()
    if roll < 0.03:
        path += "/"
    elif roll < 0.05:
        path = path.replace("/", "//", 1)
    return path or "/"


def _query(rng: random.Random, literal: str) -> str:
    pairs: list[tuple[str, str]] = []
    if literal and rng.random() < 0.9:
        key, _, value = literal.partition("=")
        pairs.append((key, value if rng.random() < 0.9 else rng.choice(["add", "remove", "x", ""])))
    for key in ("limit", "marker", "statuscode", "completed"):
        if rng.random() < 0.15:
            pool = NUMBERS if key == "limit" else TEXT
            pairs.append((key, rng.choice(pool)))
    if rng.random() < 0.05:
        pairs.append(("limit", rng.choice(NUMBERS)))  # repeated
    if rng.random() < 0.03:
        pairs.append(("X-Amz-Signature", "abc"))
    if not pairs:
        return ""
    return "?" + "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)


def _json_value(rng: random.Random, good: Any) -> Any:
    """``good`` (a valid value), or a mutation of it."""
    roll = rng.random()
    if roll < 0.5:
        return good
    if roll < 0.75:
        return rng.choice(JSON_JUNK)
    if isinstance(good, dict) and good:
        mutated = dict(good)
        key = rng.choice(list(mutated))
        mutated[key] = _json_value(rng, mutated[key])
        return mutated
    if isinstance(good, list) and good:
        return [_json_value(rng, item) for item in good] * rng.randint(1, 12)
    return rng.choice(TEXT + NUMBERS)


def _policy_text(rng: random.Random) -> str:
    condition = rng.choice(
        [
            {},
            {
                "DateEquals": {
                    "aws:CurrentTime": rng.choice(["9" * 30, "9999-12-31T23:59:59-10:00"])
                }
            },
            {"NumericLessThan": {"glacier:ArchiveAgeInDays": rng.choice(NUMBERS)}},
            {"IpAddress": {"aws:SourceIp": rng.choice(TEXT)}},
            {"BinaryEquals": {"aws:SourceIp": rng.choice(TEXT)}},
            {"StringLike": {"glacier:ResourceTag/x": rng.choice(TEXT)}},
            {"Bogus": {"aws:CurrentTime": "x"}},
        ]
    )
    statement: dict[str, Any] = {
        "Effect": rng.choice(["Allow", "Deny", "x"]),
        "Principal": rng.choice(["*", {"AWS": "111122223333"}, {"AWS": rng.choice(TEXT)}]),
        "Action": rng.choice(["glacier:*", "*", ["glacier:DescribeVault"], 5]),
        "Resource": "*",
    }
    if condition:
        statement["Condition"] = condition
    text = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    return text if rng.random() < 0.9 else text[: rng.randint(0, len(text))]


def _good_body(rng: random.Random, operation: str, known: Known) -> Any:
    region_topic = "arn:aws:sns:us-east-1:123456789012:t"
    archive = rng.choice(known.archives) if known.archives else "x"
    bodies: dict[str, Any] = {
        "AddTagsToVault": {"Tags": {rng.choice([*TEXT, "k"]): rng.choice([*TEXT, "v"])}},
        "RemoveTagsFromVault": {"TagKeys": [rng.choice([*TEXT, "k"])]},
        "SetDataRetrievalPolicy": {
            "Policy": {
                "Rules": [
                    {
                        "Strategy": rng.choice(["BytesPerHour", "FreeTier", "None", "x"]),
                        "BytesPerHour": rng.choice([1, 0, -1, 2**63, 10**30, None]),
                    }
                ]
            }
        },
        "SetVaultAccessPolicy": {"Policy": _policy_text(rng)},
        "InitiateVaultLock": {"Policy": _policy_text(rng)},
        "SetVaultNotifications": {
            "SNSTopic": rng.choice([region_topic, "arn:aws:sns:eu-west-1:123456789012:t", "x"]),
            "Events": rng.choice(
                [["ArchiveRetrievalCompleted"], ["InventoryRetrievalCompleted", "x"], []]
            ),
        },
        "InitiateJob": rng.choice(
            [
                {
                    "Type": "archive-retrieval",
                    "ArchiveId": archive,
                    "Tier": rng.choice(["Standard", "Expedited", "Bulk", "x"]),
                    "RetrievalByteRange": rng.choice(
                        [None, "0-1048575", "0-0", "5-1", f"0-{HUGE}", "\u0661-\u0662", "x"]
                    ),
                    "SNSTopic": rng.choice([None, region_topic, "x"]),
                    "Description": rng.choice([None, *DESCRIPTIONS]),
                },
                {
                    "Type": "inventory-retrieval",
                    "Format": rng.choice(["JSON", "CSV", "XML"]),
                    "InventoryRetrievalParameters": {
                        "StartDate": rng.choice(
                            [None, "2020-01-01T00:00:00Z", "9999-12-31T23:59:59-05:00", "x"]
                        ),
                        "EndDate": rng.choice([None, "0001-01-01T00:00:00+05:00", "2100-01-01"]),
                        "Limit": rng.choice([None, *NUMBERS]),
                        "Marker": rng.choice([None, "x", "MjAyMC0wMS0wMVQwMDowMDowMHxh", "==="]),
                    },
                },
                {"Type": rng.choice(["select", "x", None])},
            ]
        ),
    }
    return bodies.get(operation)


def _body(rng: random.Random, operation: str, known: Known) -> bytes:
    good = _good_body(rng, operation, known)
    roll = rng.random()
    if good is not None and roll < 0.75:
        try:
            return json.dumps(_json_value(rng, good)).encode()
        except ValueError:  # an integer too long for json.dumps to write
            return b"{}"
    if roll < 0.82:
        return rng.randbytes(rng.choice([0, 1, 10, 1000, 70_000]))
    if roll < 0.86:
        return b'\xff\xfe{"Tags": 1}'
    if roll < 0.9:
        return b"[" * 100_000  # deep nesting
    if roll < 0.93:
        return b'{"Tags": {"k": "' + HUGE.encode() + b'"}, "n": ' + HUGE.encode() + b"}"
    if roll < 0.96:
        return b'{"Policy": 1e999, "Tags": NaN}'
    return b""


def _headers(rng: random.Random, operation: str) -> dict[str, str | bytes]:
    headers: dict[str, str] = {}
    if rng.random() < 0.92:
        headers[VERSION_HEADER] = "2012-06-01" if rng.random() < 0.95 else rng.choice(TEXT[:12])
    candidates: dict[str, list[str]] = {
        "x-amz-part-size": NUMBERS,
        "x-amz-archive-size": NUMBERS,
        "x-amz-sha256-tree-hash": TREE_HASHES,
        "x-amz-content-sha256": TREE_HASHES,
        "Content-Range": CONTENT_RANGES,
        "Range": RANGES,
        "x-amz-archive-description": DESCRIPTIONS,
        "Authorization": [
            (
                "AWS4-HMAC-SHA256 Credential=AKID/20200101/eu-west-1/glacier/aws4_request, "
                "SignedHeaders=host, Signature=00"
            ),
            "AWS4-HMAC-SHA256 Credential=AKID/x/" + "r" * 100 + "/glacier/aws4_request",
            "Basic abc",
            "AWS4-HMAC-SHA256 Credential=/////",
        ],
        "x-amz-date": ["20200101T000000Z", "x", ""],
        "Content-Type": ["application/json", "text/plain", "application/x-amz-json-1.1"],
    }
    likely = {
        "InitiateMultipartUpload": "x-amz-part-size",
        "CompleteMultipartUpload": "x-amz-archive-size",
        "UploadMultipartPart": "Content-Range",
        "GetJobOutput": "Range",
        "UploadArchive": "x-amz-sha256-tree-hash",
    }.get(operation)
    for name, pool in candidates.items():
        if name == likely or rng.random() < 0.08:
            headers[name] = rng.choice(pool)
    if operation in ("UploadMultipartPart", "CompleteMultipartUpload") and rng.random() < 0.7:
        headers.setdefault("x-amz-sha256-tree-hash", rng.choice(TREE_HASHES))
    # What an HTTP client can send at all: no leading whitespace, no line breaks.
    sendable: dict[str, str | bytes] = {
        name: value.lstrip(" \t").replace("\r", "").replace("\n", "").replace("\x00", "")
        for name, value in headers.items()
    }
    if rng.random() < 0.04:
        sendable["x-amz-archive-description"] = "caf\xe9 \xff".encode("latin-1")  # not UTF-8
    return sendable


def random_request(rng: random.Random, known: Known) -> FuzzRequest:
    """One random request, most of the time shaped like one of Glacier's operations."""
    if rng.random() < 0.88:
        operation, method, uri = rng.choice(ROUTES)
        template, _, literal_query = uri.partition("?")
        if rng.random() < 0.1:
            method = rng.choice(METHODS + ODD_METHODS)
        target = _path(rng, template, known) + _query(rng, literal_query)
    else:
        operation = "?"
        method = rng.choice(METHODS + ODD_METHODS)
        depth = rng.randint(0, 7)
        target = "/" + "/".join(
            quote(rng.choice([*TEXT, "vaults", "-", "jobs", "output"]), safe="")
            for _ in range(depth)
        )
        target += _query(rng, "")
    return FuzzRequest(method, target, _headers(rng, operation), _body(rng, operation, known))


def seed_resources(client: Any, mock: GlacierMock, known: Known) -> None:
    """Create a vault with an archive, an upload, finished jobs and a lock: ids to aim at."""
    for name in ("v", "w"):
        client.create_vault(vaultName=name)
    if "w" not in known.vaults:
        known.vaults.append("w")
    data = random.Random(len(known.archives)).randbytes(2 * 1024 * 1024 + 17)
    archive = client.upload_archive(vaultName="v", body=data)["archiveId"]
    known.archives.append(archive)
    upload = client.initiate_multipart_upload(vaultName="v", partSize="1048576")["uploadId"]
    known.uploads.append(upload)
    client.upload_multipart_part(
        vaultName="v", uploadId=upload, range="bytes 0-1048575/*", body=data[: 1024 * 1024]
    )
    mock.take_inventory()
    for parameters in (
        {"Type": "archive-retrieval", "ArchiveId": archive},
        {"Type": "archive-retrieval", "ArchiveId": archive, "RetrievalByteRange": "0-1048575"},
        {"Type": "inventory-retrieval", "Format": "CSV"},
    ):
        known.jobs.append(client.initiate_job(vaultName="v", jobParameters=parameters)["jobId"])
    known.jobs.append(
        client.initiate_job(vaultName="v", jobParameters={"Type": "inventory-retrieval"})["jobId"]
    )
    mock.complete_jobs()  # the last one stays InProgress
    known.jobs.append(
        client.initiate_job(vaultName="v", jobParameters={"Type": "inventory-retrieval"})["jobId"]
    )
    try:
        lock = client.initiate_vault_lock(
            vaultName="w",
            policy={
                "Policy": '{"Statement":[{"Effect":"Deny","Principal":{"AWS":"111122223333"},'
                '"Action":"glacier:DeleteArchive","Resource":"*"}]}'
            },
        )["lockId"]
        known.locks.append(lock)
    except ClientError:
        pass  # a lock is already in progress from an earlier round


# -- raw HTTP --------------------------------------------------------------------------------------


def _header_bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


def raw_http(rng: random.Random, request: FuzzRequest, host: str) -> bytes:
    """``request`` as bytes on the wire, sometimes with its framing broken on purpose."""
    target = request.target.encode("utf-8")
    body = request.body
    roll = rng.random()
    if roll < 0.04:
        target = target + b"\xff\xfe"  # raw non-UTF-8 in the path
    elif roll < 0.06:
        target = b"http://" + host.encode() + target  # absolute form
    elif roll < 0.07:
        target = b"http://[::1" + target
    version = b"HTTP/1.1"
    roll = rng.random()
    if roll < 0.02:
        version = rng.choice(
            [b"HTTP/2.0", b"HTTP/0.9", b"HTTP/1.0", b"FOO/1.1", b"HTTP/1.1.1", b""]
        )
    lines = [request.method.encode() + b" " + target + (b" " + version if version else b"")]
    if rng.random() < 0.95:
        lines.append(b"Host: " + host.encode())
    for name, value in request.headers.items():
        lines.append(name.encode() + b": " + _header_bytes(value))
    framing = rng.random()
    if framing < 0.75:
        if body or rng.random() < 0.5:
            lines.append(b"Content-Length: " + str(len(body)).encode())
    elif framing < 0.82:
        lines.append(b"Transfer-Encoding: chunked")
        body = _chunked(rng, body)
    elif framing < 0.9:
        lines.append(
            b"Content-Length: "
            + rng.choice(
                [b"-1", b"abc", HUGE.encode(), b"99999999", b"1, 2", b"", b"0x10", b"\xb2", b" 1"]
            )
        )
    elif framing < 0.95:
        lines.append(b"Content-Length: 1")
        lines.append(b"Content-Length: 2")
    else:
        lines.append(b"Transfer-Encoding: " + rng.choice([b"gzip", b"chunked, gzip", b"x"]))
    if rng.random() < 0.03:
        lines.append(b"X-Long: " + b"a" * 70_000)
    if rng.random() < 0.02:
        lines.extend(b"X-Many: 1" for _ in range(150))
    if rng.random() < 0.03:
        lines.append(b"No-Colon-Here")
    if rng.random() < 0.03:
        lines.append(b" folded continuation")
    separator = b"\r\n" if rng.random() < 0.95 else b"\n"
    return separator.join(lines) + separator + separator + body


def _chunked(rng: random.Random, body: bytes) -> bytes:
    out = b""
    rest = body
    while rest:
        size = rng.randint(1, max(1, len(rest)))
        piece, rest = rest[:size], rest[size:]
        out += f"{len(piece):x}".encode() + b"\r\n" + piece + b"\r\n"
    roll = rng.random()
    if roll < 0.1:
        return out + b"zz\r\n"  # a size that is not hex
    if roll < 0.2:
        return out  # no last chunk
    if roll < 0.25:
        return out + b"0\r\nTrailer: x\r\n\r\n"
    return out + b"0\r\n\r\n"
