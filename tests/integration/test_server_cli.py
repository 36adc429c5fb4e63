"""``python -m pytest_glacier serve``: a standalone server in a subprocess, stopped by a signal."""

from __future__ import annotations

import select
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="select() on pipes and POSIX signals"
)

TIMEOUT = 30  # seconds: startup, any one request, and shutdown each take far less


class Served:
    """A running ``serve`` subprocess and the endpoint URL it printed."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pytest_glacier", "serve", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        readable, _, _ = select.select([self.process.stdout], [], [], TIMEOUT)
        self.endpoint_url = self.process.stdout.readline().strip() if readable else ""

    def client(self) -> Any:
        return boto3.client(
            "glacier",
            endpoint_url=self.endpoint_url,
            region_name="eu-west-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(retries={"total_max_attempts": 1}),
        )

    def stop(self, signum: int) -> tuple[int, str]:
        """Send ``signum`` and wait for the exit: (exit code, standard error)."""
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            _stdout, stderr = self.process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()
            raise
        return self.process.returncode, stderr


@pytest.fixture
def serve() -> Iterator[type[Served]]:
    started: list[Served] = []

    class Tracked(Served):
        def __init__(self, *args: str) -> None:
            super().__init__(*args)
            started.append(self)

    yield Tracked
    for served in started:  # never leave a server behind, whatever the test did
        if served.process.poll() is None:
            served.process.kill()
            served.process.communicate()


def test_serves_until_sigint_and_exits_cleanly(serve: type[Served]) -> None:
    served = serve("--port", "0")
    assert served.endpoint_url.startswith("http://127.0.0.1:"), served.stop(signal.SIGKILL)
    client = served.client()
    client.create_vault(vaultName="standalone")
    vaults = client.list_vaults()["VaultList"]
    assert [(v["VaultName"], v["VaultARN"]) for v in vaults] == [
        ("standalone", "arn:aws:glacier:eu-west-1:123456789012:vaults/standalone")
    ]

    code, stderr = served.stop(signal.SIGINT)
    assert code == 0, stderr
    assert "Traceback" not in stderr
    port = int(served.endpoint_url.rpartition(":")[2])
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT).close()


def test_sigterm_stops_it_too_and_options_apply(serve: type[Served]) -> None:
    served = serve("--port", "0", "--account-id", "111122223333", "--inventory", "immediate")
    client = served.client()
    created = client.create_vault(vaultName="v")
    assert created["location"] == "/111122223333/vaults/v"
    assert client.describe_vault(vaultName="v").get("LastInventoryDate")  # inventory immediate

    code, stderr = served.stop(signal.SIGTERM)
    assert code == 0, stderr


def test_a_port_in_use_is_an_error_not_a_traceback(serve: type[Served]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        served = serve("--port", str(taken.getsockname()[1]))
        code, stderr = served.stop(signal.SIGTERM)
    assert served.endpoint_url == ""
    assert code == 1
    assert stderr.startswith("error: cannot serve on 127.0.0.1:")
    assert "Traceback" not in stderr


def test_ipv6_loopback(serve: type[Served]) -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    served = serve("--host", "::1", "--port", "0")
    if not served.endpoint_url:
        code, stderr = served.stop(signal.SIGTERM)
        pytest.skip(f"cannot bind ::1 here: {stderr}")
    assert served.endpoint_url.startswith("http://[::1]:")
    assert served.client().list_vaults()["VaultList"] == []
    code, stderr = served.stop(signal.SIGINT)
    assert (code, stderr.startswith("warning")) == (0, False)


def test_only_loopback_hosts_go_without_a_warning() -> None:
    from pytest_glacier.__main__ import _is_loopback

    assert all(map(_is_loopback, ["127.0.0.1", "127.1.2.3", "::1", "localhost"]))
    assert not any(map(_is_loopback, ["0.0.0.0", "::", "192.0.2.1", "example.com"]))


def test_usage_errors_come_from_argparse() -> None:
    for args in ([], ["serve", "--port", "eighty"], ["unknown"]):
        completed = subprocess.run(
            [sys.executable, "-m", "pytest_glacier", *args],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        assert completed.returncode == 2
        assert completed.stderr.startswith("usage: python -m pytest_glacier")


def test_the_defaults_are_loopback_and_port_8080() -> None:
    from pytest_glacier.__main__ import _parser

    args = _parser().parse_args(["serve"])

    assert (args.host, args.port) == ("127.0.0.1", 8080)
