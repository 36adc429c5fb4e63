"""RequestsTransport: Glacier requests made with ``requests`` reach the handler via responses.

Also: it coexists with a user's own ``responses`` mock started before or after it. Nothing here
touches the network: non-Glacier URLs go to a user's mock or to a closed loopback port.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import requests
import responses
from requests.adapters import HTTPAdapter

from pytest_glacier.transports import RequestsTransport, Transport
from pytest_glacier.wire.http import Headers, HttpRequest, HttpResponse, ResponseBody

GLACIER_URL = "https://glacier.eu-west-1.amazonaws.com/-/vaults"
USER_URL = "https://example.com/api"
LIST_VAULTS: dict[str, object] = {"VaultList": [], "Marker": None}
ORIGINAL_ON_REQUEST = vars(responses.RequestsMock)["_on_request"]


class RecordingHandler:
    def __init__(self) -> None:
        self.requests: list[HttpRequest] = []
        body = json.dumps(LIST_VAULTS).encode()
        self.response = HttpResponse(
            200, Headers({"Content-Type": "application/json", "x-amzn-RequestId": "r1"}), body
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.requests.append(request)
        return self.response


@pytest.fixture
def handler() -> RecordingHandler:
    return RecordingHandler()


@pytest.fixture
def transport(handler: RecordingHandler) -> Iterator[RequestsTransport]:
    transport = RequestsTransport()
    transport.start(handler)
    yield transport
    transport.stop()


@pytest.fixture
def user_mock() -> Iterator[responses.RequestsMock]:
    """A user's own responses mock, with one registered URL, not yet started."""
    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    mock.add(responses.GET, USER_URL, json={"user": True})
    yield mock
    mock.stop(allow_assert=False)


def assert_served_by_user_mock() -> None:
    response = requests.get(USER_URL, timeout=5)
    assert response.json() == {"user": True}


def assert_served_by_handler(handler: RecordingHandler) -> None:
    count = len(handler.requests)
    response = requests.get(GLACIER_URL, timeout=5)
    assert response.status_code == 200
    assert response.json() == LIST_VAULTS
    assert len(handler.requests) == count + 1


def test_is_a_transport() -> None:
    transport: Transport = RequestsTransport()
    assert callable(transport.stop)


def test_serves_a_raw_get(transport: RequestsTransport, handler: RecordingHandler) -> None:
    response = requests.get(
        GLACIER_URL, params={"limit": "2"}, headers={"x-amz-glacier-version": "2012-06-01"}
    )
    assert response.status_code == 200
    assert response.json() == LIST_VAULTS
    assert response.headers["x-amzn-RequestId"] == "r1"
    assert response.headers["Content-Type"] == "application/json"
    [request] = handler.requests
    assert (request.method, request.url) == ("GET", f"{GLACIER_URL}?limit=2")
    assert request.headers["X-Amz-Glacier-Version"] == "2012-06-01"
    assert request.body == b""


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "HEAD"])
def test_serves_every_method(
    transport: RequestsTransport, handler: RecordingHandler, method: str
) -> None:
    requests.request(method, "https://glacier-fips.us-east-1.amazonaws.com/-/vaults/v")
    assert [r.method for r in handler.requests] == [method]


def test_request_bodies_reach_the_handler_exactly(
    transport: RequestsTransport, handler: RecordingHandler, tmp_path: Path
) -> None:
    archive = bytes(range(256)) * 10
    path = tmp_path / "archive.bin"
    path.write_bytes(archive)
    requests.post(f"{GLACIER_URL}/v/archives", data=archive)
    with path.open("rb") as body:
        requests.post(f"{GLACIER_URL}/v/archives", data=body)
    requests.put(f"{GLACIER_URL}/v/access-policy", data='{"Policy": "\u00e9"}')
    assert [r.body for r in handler.requests] == [
        archive,
        archive,
        '{"Policy": "\u00e9"}'.encode(),
    ]


def test_a_streamed_response_body_is_served(
    transport: RequestsTransport, handler: RecordingHandler
) -> None:
    handler.response = HttpResponse(200, Headers(), ResponseBody(iter([b"ab", b"cd"]), 4))
    assert requests.get(f"{GLACIER_URL}/v/jobs/j/output").content == b"abcd"


def test_serves_a_presigned_url(
    transport: RequestsTransport, handler: RecordingHandler, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_GLACIER", raising=False)
    client = boto3.client("glacier", region_name="cn-north-1")
    url = client.generate_presigned_url("list_vaults", Params={"accountId": "-"})
    assert requests.get(url).json() == LIST_VAULTS
    [request] = handler.requests
    assert request.host == "glacier.cn-north-1.amazonaws.com.cn"
    assert dict(request.query)["X-Amz-Credential"].startswith("AKIDEXAMPLE/")


def test_other_urls_pass_through(transport: RequestsTransport, handler: RecordingHandler) -> None:
    with pytest.raises(requests.ConnectionError) as raised:
        requests.get("http://localhost:1/", timeout=5)
    assert "Responses" not in str(raised.value)
    assert handler.requests == []


def test_a_user_mock_started_before_keeps_working(
    user_mock: responses.RequestsMock, handler: RecordingHandler
) -> None:
    user_mock.start()
    users_send = HTTPAdapter.send
    transport = RequestsTransport()
    transport.start(handler)
    try:
        assert_served_by_user_mock()
        assert_served_by_handler(handler)
    finally:
        transport.stop()
    assert HTTPAdapter.send is users_send
    assert_served_by_user_mock()
    with pytest.raises(requests.ConnectionError, match="Connection refused by Responses"):
        requests.get(GLACIER_URL, timeout=5)
    assert len(handler.requests) == 1


def test_a_user_mock_started_after_keeps_working(
    transport: RequestsTransport, user_mock: responses.RequestsMock, handler: RecordingHandler
) -> None:
    with user_mock:
        assert_served_by_user_mock()
        assert_served_by_handler(handler)
        assert len(user_mock.calls) == 1
    assert_served_by_handler(handler)


def test_a_user_mock_that_passes_everything_through_does_not_leak_glacier(
    transport: RequestsTransport, handler: RecordingHandler
) -> None:
    with responses.RequestsMock(passthru_prefixes=("https://", "http://")):
        assert_served_by_handler(handler)


def test_responses_activate_inside_the_mock(
    transport: RequestsTransport, handler: RecordingHandler
) -> None:
    @responses.activate
    def users_test() -> None:
        responses.add(responses.GET, USER_URL, json={"user": True})
        assert_served_by_user_mock()
        assert_served_by_handler(handler)

    users_test()
    assert_served_by_handler(handler)


def test_stop_restores_responses_and_requests() -> None:
    send = HTTPAdapter.send
    transport = RequestsTransport()
    transport.start(RecordingHandler())
    assert HTTPAdapter.send is not send
    assert vars(responses.RequestsMock)["_on_request"] is not ORIGINAL_ON_REQUEST
    transport.stop()
    assert HTTPAdapter.send is send
    assert vars(responses.RequestsMock)["_on_request"] is ORIGINAL_ON_REQUEST


def test_after_stop_a_user_mock_no_longer_hands_glacier_to_us(
    user_mock: responses.RequestsMock, handler: RecordingHandler
) -> None:
    transport = RequestsTransport()
    transport.start(handler)
    transport.stop()
    with user_mock:
        assert_served_by_user_mock()
        with pytest.raises(requests.ConnectionError, match="Connection refused by Responses"):
            requests.get(GLACIER_URL, timeout=5)
    assert handler.requests == []


def test_stop_without_start_is_a_no_op() -> None:
    send = HTTPAdapter.send
    RequestsTransport().stop()
    assert HTTPAdapter.send is send
    assert vars(responses.RequestsMock)["_on_request"] is ORIGINAL_ON_REQUEST


def test_start_twice_replaces_the_handler(handler: RecordingHandler) -> None:
    send = HTTPAdapter.send
    other = RecordingHandler()
    transport = RequestsTransport()
    transport.start(other)
    transport.start(handler)
    try:
        assert_served_by_handler(handler)
    finally:
        transport.stop()
    assert other.requests == []
    assert HTTPAdapter.send is send
