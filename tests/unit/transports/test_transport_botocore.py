"""BotocoreTransport: every Glacier request of every botocore client reaches the handler.

Real boto3 clients with dummy credentials; a fake handler records what it receives and answers
with a canned response. Nothing here touches the network: what passes through goes either to a
closed loopback port or to a recording stand-in for botocore's original ``_send``.
"""

from __future__ import annotations

import io
import json
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.endpoint
import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSRequest, AWSResponse
from botocore.compat import HTTPHeaders
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError
from botocore.response import StreamingBody

from pytest_glacier.transports import BotocoreTransport, Transport
from pytest_glacier.transports.botocore_send import (
    ResponseStream,
    header_text,
    read_body,
    to_http_request,
)
from pytest_glacier.transports.hosts import own_server_started, own_server_stopped
from pytest_glacier.wire.http import Headers, HttpRequest, HttpResponse, ResponseBody

Endpoint = botocore.endpoint.Endpoint
NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})
LIST_VAULTS: dict[str, object] = {"VaultList": [], "Marker": None}


def json_response(document: object, status: int = 200) -> HttpResponse:
    body = json.dumps(document).encode()
    headers = Headers({"Content-Type": "application/json", "Content-Length": str(len(body))})
    return HttpResponse(status, headers, body)


class RecordingHandler:
    """Records every request; answers from a queue of responses, then with the default one."""

    def __init__(self) -> None:
        self.requests: list[HttpRequest] = []
        self.queue: list[HttpResponse] = []
        self.default = json_response(LIST_VAULTS)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.requests.append(request)
        return self.queue.pop(0) if self.queue else self.default

    @property
    def hosts(self) -> list[str]:
        return [request.host for request in self.requests]


class PassedThroughError(Exception):
    """Raised by the stand-in for botocore's original ``_send``: the request was not served."""


@pytest.fixture(autouse=True)
def _aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_USE_FIPS_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_GLACIER", raising=False)
    monkeypatch.delenv("AWS_USE_DUALSTACK_ENDPOINT", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def original_send(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Replace botocore's own ``_send`` by a recorder (before the transport starts)."""
    passed: list[str] = []

    def _send(endpoint: Any, request: AWSPreparedRequest) -> AWSResponse:
        passed.append(request.url)
        raise PassedThroughError(request.url)

    monkeypatch.setattr(Endpoint, "_send", _send)
    return passed


@pytest.fixture
def handler() -> RecordingHandler:
    return RecordingHandler()


@pytest.fixture
def transport(handler: RecordingHandler) -> Iterator[BotocoreTransport]:
    transport = BotocoreTransport()
    transport.start(handler)
    yield transport
    transport.stop()


def glacier(region: str = "us-east-1", **kwargs: Any) -> Any:
    return boto3.client("glacier", region_name=region, **kwargs)


# -- interception ------------------------------------------------------------------------------


def test_is_a_transport() -> None:
    transport: Transport = BotocoreTransport()
    assert callable(transport.start)


def test_serves_a_client_created_before_start(handler: RecordingHandler) -> None:
    client = glacier()
    transport = BotocoreTransport()
    transport.start(handler)
    try:
        assert client.list_vaults()["VaultList"] == []
    finally:
        transport.stop()
    [request] = handler.requests
    assert request.method == "GET"
    assert request.url == "https://glacier.us-east-1.amazonaws.com/-/vaults"
    assert request.headers["X-Amz-Glacier-Version"] == "2012-06-01"
    assert request.headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")


def test_serves_clients_of_any_session(
    transport: BotocoreTransport, handler: RecordingHandler
) -> None:
    session = boto3.session.Session(
        aws_access_key_id="AKIDOTHER", aws_secret_access_key="secret", region_name="ap-south-1"
    )
    session.client("glacier").list_vaults(accountId="-")
    assert handler.hosts == ["glacier.ap-south-1.amazonaws.com"]


@pytest.mark.parametrize(
    ("region", "config", "host"),
    [
        ("us-east-1", Config(), "glacier.us-east-1.amazonaws.com"),
        ("eu-west-1", Config(), "glacier.eu-west-1.amazonaws.com"),
        ("cn-north-1", Config(), "glacier.cn-north-1.amazonaws.com.cn"),
        ("us-gov-west-1", Config(), "glacier.us-gov-west-1.amazonaws.com"),
        ("us-iso-east-1", Config(), "glacier.us-iso-east-1.c2s.ic.gov"),
        ("us-isob-east-1", Config(), "glacier.us-isob-east-1.sc2s.sgov.gov"),
        ("us-east-1", Config(use_fips_endpoint=True), "glacier-fips.us-east-1.amazonaws.com"),
        ("us-east-1", Config(use_dualstack_endpoint=True), "glacier.us-east-1.api.aws"),
        (
            "us-east-1",
            Config(use_fips_endpoint=True, use_dualstack_endpoint=True),
            "glacier-fips.us-east-1.api.aws",
        ),
        (
            "cn-north-1",
            Config(use_dualstack_endpoint=True),
            "glacier.cn-north-1.api.amazonwebservices.com.cn",
        ),
        ("us-gov-west-1", Config(use_fips_endpoint=True), "glacier.us-gov-west-1.amazonaws.com"),
        (
            "us-gov-east-1",
            Config(use_fips_endpoint=True, use_dualstack_endpoint=True),
            "glacier-fips.us-gov-east-1.api.aws",
        ),
        ("fips-us-west-2", Config(), "glacier-fips.us-west-2.amazonaws.com"),
    ],
)
def test_serves_every_region_and_endpoint_variant(
    transport: BotocoreTransport, handler: RecordingHandler, region: str, config: Config, host: str
) -> None:
    glacier(region, config=config).list_vaults()
    assert handler.hosts == [host]


def test_serves_a_custom_endpoint_url_with_a_glacier_host(
    transport: BotocoreTransport, handler: RecordingHandler
) -> None:
    client = glacier("us-east-1", endpoint_url="https://glacier.eu-west-1.amazonaws.com")
    client.list_vaults()
    assert [r.url for r in handler.requests] == ["https://glacier.eu-west-1.amazonaws.com/-/vaults"]


def test_a_glacier_client_on_any_endpoint_is_served(
    transport: BotocoreTransport, handler: RecordingHandler
) -> None:
    client = glacier(endpoint_url="http://localhost:1", config=NO_RETRIES)
    client.list_vaults()
    assert [r.url for r in handler.requests] == ["http://localhost:1/-/vaults"]


def test_a_glacier_client_reaches_a_pytest_glacier_server_of_this_process(
    transport: BotocoreTransport, handler: RecordingHandler
) -> None:
    own_server_started("http://127.0.0.1:1")
    try:
        client = glacier(endpoint_url="http://127.0.0.1:1", config=NO_RETRIES)
        with pytest.raises(EndpointConnectionError):  # sent over HTTP, to the closed port
            client.list_vaults()
    finally:
        own_server_stopped("http://127.0.0.1:1")
    assert handler.requests == []


@pytest.mark.parametrize(
    ("service", "call"),
    [
        ("s3", lambda: boto3.client("s3", config=NO_RETRIES).list_buckets()),
        ("sts", lambda: boto3.client("sts", config=NO_RETRIES).get_caller_identity()),
    ],
)
def test_other_services_pass_through_to_the_original_send(
    original_send: list[str],
    transport: BotocoreTransport,
    handler: RecordingHandler,
    service: str,
    call: Callable[[], object],
) -> None:
    with pytest.raises(PassedThroughError):
        call()
    assert handler.requests == []
    assert len(original_send) == 1
    assert service in original_send[0]


def test_nothing_is_intercepted_after_stop(
    original_send: list[str], handler: RecordingHandler
) -> None:
    fake_send = Endpoint.__dict__["_send"]
    transport = BotocoreTransport()
    transport.start(handler)
    assert Endpoint.__dict__["_send"] is not fake_send
    transport.stop()
    assert Endpoint.__dict__["_send"] is fake_send
    client = glacier(endpoint_url="https://glacier.us-east-1.amazonaws.com", config=NO_RETRIES)
    with pytest.raises(PassedThroughError):
        client.list_vaults()
    assert handler.requests == []
    assert original_send == ["https://glacier.us-east-1.amazonaws.com/-/vaults"]


def test_stop_without_start_is_a_no_op() -> None:
    before = Endpoint.__dict__["_send"]
    BotocoreTransport().stop()
    assert Endpoint.__dict__["_send"] is before


def test_start_twice_replaces_the_handler_and_one_stop_restores(handler: RecordingHandler) -> None:
    before = Endpoint.__dict__["_send"]
    other = RecordingHandler()
    transport = BotocoreTransport()
    transport.start(other)
    transport.start(handler)
    try:
        glacier().list_vaults()
    finally:
        transport.stop()
    assert Endpoint.__dict__["_send"] is before
    assert (len(other.requests), len(handler.requests)) == (0, 1)


def test_wrongly_nested_transports_end_up_passing_through(
    original_send: list[str], handler: RecordingHandler
) -> None:
    first, second = BotocoreTransport(), BotocoreTransport()
    first.start(handler)
    second.start(handler)
    first.stop()
    second.stop()
    with pytest.raises(PassedThroughError):
        glacier(config=NO_RETRIES).list_vaults()
    assert handler.requests == []


# -- every loaded copy of botocore -------------------------------------------------------------


def _vendored_botocore(monkeypatch: pytest.MonkeyPatch) -> tuple[type[Any], type[Any]]:
    """A second botocore under another name, as awscli vendors one (``awscli.botocore``)."""

    class VendoredResponse:
        def __init__(self, url: str, status_code: int, headers: dict[str, str], raw: Any):
            self.url, self.status_code, self.headers, self.raw = url, status_code, headers, raw

    class VendoredEndpoint:
        def _send(self, request: Any) -> str:
            return "sent by the vendored botocore"

    endpoint = types.ModuleType("vendorcli.botocore.endpoint")
    endpoint.Endpoint = VendoredEndpoint  # type: ignore[attr-defined]
    awsrequest = types.ModuleType("vendorcli.botocore.awsrequest")
    awsrequest.AWSResponse = VendoredResponse  # type: ignore[attr-defined]
    for module in (types.ModuleType("vendorcli"), types.ModuleType("vendorcli.botocore")):
        monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(sys.modules, endpoint.__name__, endpoint)
    monkeypatch.setitem(sys.modules, awsrequest.__name__, awsrequest)
    return VendoredEndpoint, VendoredResponse


def test_patches_every_loaded_copy_of_botocore(
    monkeypatch: pytest.MonkeyPatch, handler: RecordingHandler
) -> None:
    endpoint_class, response_class = _vendored_botocore(monkeypatch)
    original = endpoint_class.__dict__["_send"]
    url = "https://glacier.us-east-1.amazonaws.com/-/vaults"
    request = AWSPreparedRequest("GET", url, HTTPHeaders(), None, False)
    other = AWSPreparedRequest("GET", "https://example.com/", HTTPHeaders(), None, False)
    transport = BotocoreTransport()
    transport.start(handler)
    try:
        response = endpoint_class()._send(request)
        passed = endpoint_class()._send(other)
    finally:
        transport.stop()
    assert isinstance(response, response_class)
    assert json.loads(response.raw.read()) == LIST_VAULTS
    assert passed == "sent by the vendored botocore"
    assert endpoint_class.__dict__["_send"] is original
    assert len(handler.requests) == 1


# -- bodies ------------------------------------------------------------------------------------


def test_upload_archive_bytes_reach_the_handler_exactly(
    transport: BotocoreTransport, handler: RecordingHandler
) -> None:
    archive = bytes(range(256)) * 17
    handler.default = HttpResponse(201, Headers({"x-amz-archive-id": "a1"}))
    response = glacier().upload_archive(vaultName="v", body=archive)
    assert response["archiveId"] == "a1"
    [request] = handler.requests
    assert (request.method, request.path, request.body) == ("POST", "/-/vaults/v/archives", archive)


def test_upload_archive_file_reaches_the_handler_exactly(
    transport: BotocoreTransport, handler: RecordingHandler, tmp_path: Path
) -> None:
    archive = b"\x00archive\xff" * 1000
    path = tmp_path / "archive.bin"
    path.write_bytes(archive)
    handler.default = HttpResponse(201, Headers({"x-amz-archive-id": "a1"}))
    with path.open("rb") as body:
        glacier().upload_archive(vaultName="v", archiveDescription="d", body=body)
        assert body.tell() == 0
    [request] = handler.requests
    assert request.body == archive
    assert request.headers["x-amz-archive-description"] == "d"


def test_request_headers_are_read_as_botocore_holds_them() -> None:
    # to_http_request reads HeadersDict's own dict (fast); it must agree with its items().
    prepared = AWSRequest(
        "PUT",
        "https://glacier.us-east-1.amazonaws.com/-/vaults/v",
        {"X-Amz-Glacier-Version": "2012-06-01", "x-amz-date": "20250101T000000Z"},
    ).prepare()
    prepared.headers["X-Amz-Content-SHA256"] = b"abc"  # type: ignore[assignment] # encoded, as sent
    assert type(prepared.headers).__name__ == "HeadersDict"  # what botocore sends to _send

    converted = to_http_request(prepared)

    expected = [(name, header_text(value)) for name, value in prepared.headers.items()]
    assert converted.headers.pairs() == expected
    assert ("X-Amz-Content-SHA256", "abc") in expected


def test_request_headers_in_another_mapping_are_read_through_items() -> None:
    # A botocore whose HeadersDict changed shape (or another mapping): the slow, general path.
    prepared = types.SimpleNamespace(
        method="GET",
        url="https://glacier.us-east-1.amazonaws.com/-/vaults/v",
        headers={"X-Amz-Glacier-Version": "2012-06-01", "Authorization": b"AWS4-HMAC-SHA256 x"},
        body=None,
    )

    converted = to_http_request(prepared)

    assert converted.headers.pairs() == [
        ("X-Amz-Glacier-Version", "2012-06-01"),
        ("Authorization", "AWS4-HMAC-SHA256 x"),
    ]
    assert converted.headers["authorization"] == "AWS4-HMAC-SHA256 x"


def test_read_body_reads_a_file_and_seeks_back_to_where_it_was() -> None:
    stream = io.BytesIO(b"0123456789")
    stream.seek(3)
    assert read_body(stream) == b"3456789"
    assert stream.tell() == 3


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (None, b""),
        (b"abc", b"abc"),
        (bytearray(b"abc"), b"abc"),
        ("h\u00e9", "h\u00e9".encode()),
        (io.StringIO("text"), b"text"),
        ([b"a", b"b"], b"ab"),
    ],
)
def test_read_body_accepts_every_body_botocore_sends(body: object, expected: bytes) -> None:
    assert read_body(body) == expected


def test_read_body_rejects_what_it_cannot_read() -> None:
    with pytest.raises(TypeError, match="int"):
        read_body(42)


# -- responses ---------------------------------------------------------------------------------


def test_error_responses_become_client_errors(
    transport: BotocoreTransport, handler: RecordingHandler
) -> None:
    handler.default = json_response(
        {"code": "ResourceNotFoundException", "message": "Vault not found", "type": "Client"},
        status=404,
    )
    client = glacier(config=NO_RETRIES)
    with pytest.raises(client.exceptions.ResourceNotFoundException) as raised:
        client.describe_vault(vaultName="missing")
    assert raised.value.response["Error"]["Message"] == "Vault not found"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_streamed_job_output_is_read_in_chunks_not_joined_up_front(
    transport: BotocoreTransport, handler: RecordingHandler
) -> None:
    chunks = [b"first-", b"second-", b"third"]
    pulled: list[bytes] = []

    def produce() -> Iterator[bytes]:
        for chunk in chunks:
            pulled.append(chunk)
            yield chunk

    total = sum(map(len, chunks))
    headers = Headers({"Content-Type": "application/octet-stream", "Content-Length": str(total)})
    handler.default = HttpResponse(200, headers, ResponseBody(produce(), total))
    output = glacier().get_job_output(vaultName="v", jobId="j")
    body = output["body"]
    assert isinstance(body, StreamingBody)
    assert pulled == []
    assert body.read(3) == b"fir"
    assert pulled == chunks[:1]
    assert body.read(5) == b"st-se"
    assert pulled == chunks[:2]
    assert list(body.iter_chunks(4)) == [b"cond", b"-thi", b"rd"]
    assert body.read() == b""


def test_retries_waiters_and_paginators_are_served(
    transport: BotocoreTransport, handler: RecordingHandler, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("botocore.retries.standard.ExponentialBackoff.delay_amount", lambda *_: 0)
    throttled = {"code": "ThrottlingException", "message": "slow down", "type": "Client"}
    handler.queue = [json_response(throttled, status=400), json_response(LIST_VAULTS)]
    client = glacier(config=Config(retries={"total_max_attempts": 3, "mode": "standard"}))
    client.list_vaults()
    assert len(handler.requests) == 2

    handler.queue = [
        json_response({"VaultList": [{"VaultName": "a"}], "Marker": "m"}),
        json_response({"VaultList": [{"VaultName": "b"}], "Marker": None}),
    ]
    pages = client.get_paginator("list_vaults").paginate()
    assert [v["VaultName"] for page in pages for v in page["VaultList"]] == ["a", "b"]
    assert handler.requests[-1].query == [("marker", "m")]

    handler.queue = [json_response({"VaultName": "a"})]
    client.get_waiter("vault_exists").wait(vaultName="a", WaiterConfig={"Delay": 0})
    assert handler.requests[-1].path == "/-/vaults/a"


def test_boto3_resources_are_served(
    transport: BotocoreTransport, handler: RecordingHandler
) -> None:
    handler.default = json_response({"VaultList": [{"VaultName": "a"}], "Marker": None})
    glacier_resource = boto3.resource("glacier", region_name="cn-north-1")
    assert [vault.name for vault in glacier_resource.vaults.all()] == ["a"]
    assert handler.hosts == ["glacier.cn-north-1.amazonaws.com.cn"]


def test_server_errors_reach_the_client_as_client_errors(
    transport: BotocoreTransport, handler: RecordingHandler
) -> None:
    handler.default = json_response({"code": "X", "message": "m", "type": "Server"}, status=500)
    with pytest.raises(ClientError):
        glacier(config=NO_RETRIES).list_vaults()
    assert len(handler.requests) == 1


# -- ResponseStream ----------------------------------------------------------------------------


def test_reading_whole_stored_parts_hands_them_on_without_copying() -> None:
    parts = [b"a" * 10, b"b" * 10]
    stream = ResponseStream(ResponseBody(iter([memoryview(p) for p in parts]), 20))
    first = stream.read(10)
    assert first is parts[0]  # the stored bytes object itself
    assert stream.read(4) == b"bbbb"  # a partial read copies just what it returns
    assert stream.read() == b"b" * 6


def test_response_stream_serves_bytes() -> None:
    stream = ResponseStream(b"hello world")
    assert stream.read(5) == b"hello"
    assert stream.tell() == 5
    assert b"".join(stream.stream()) == b" world"
    assert stream.read() == b""


def test_response_stream_reads_across_chunks_and_into_buffers() -> None:
    stream = ResponseStream(ResponseBody(iter([b"ab", b"", b"cde", b"f"]), 6))
    buffer = bytearray(4)
    assert stream.readinto(buffer) == 4
    assert buffer == b"abcd"
    assert stream.read(-1) == b"ef"


def test_response_stream_yields_the_chunks_it_was_made_of() -> None:
    chunks = [b"x" * 10, b"y" * 3]
    stream = ResponseStream(ResponseBody(iter(chunks), 13))
    first, second = stream.stream()
    assert first is chunks[0]
    assert second is chunks[1]
    assert list(ResponseStream(b"abcde").stream(2)) == [b"ab", b"cd", b"e"]


def test_response_stream_close_closes_the_chunk_generator() -> None:
    closed: list[bool] = []

    def produce() -> Iterator[bytes]:
        try:
            yield b"a"
            yield b"b"
        finally:
            closed.append(True)

    stream = ResponseStream(ResponseBody(produce(), 2))
    assert stream.read(1) == b"a"
    stream.close()
    assert closed == [True]
    assert stream.read() == b""
