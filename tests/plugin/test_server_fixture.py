"""The ``glacier_server`` fixture as users meet it: endpoint, environment, state, teardown."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

AWS_VARIABLES = (
    "AWS_ENDPOINT_URL_GLACIER",
    "AWS_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_PROFILE",
)


@pytest.fixture
def clean_aws_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_endpoint_environment_and_shared_state(
    pytester: pytest.Pytester, clean_aws_environment: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        """
import json
import os
import subprocess
import sys
import urllib.request

import boto3
import pytest

from pytest_glacier import GlacierServer

VARIABLES = ("AWS_ENDPOINT_URL_GLACIER", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
             "AWS_DEFAULT_REGION", "AWS_REGION")
ports = []

def test_server(glacier_server, glacier_mock):
    assert isinstance(glacier_server, GlacierServer)
    assert glacier_server.endpoint_url.startswith("http://127.0.0.1:")
    ports.append(glacier_server.port)
    assert {name: os.environ[name] for name in VARIABLES} == {
        "AWS_ENDPOINT_URL_GLACIER": glacier_server.endpoint_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
    }
    # In process: a client made now goes to the server, over HTTP, to the same state.
    client = boto3.client("glacier")
    assert client.meta.endpoint_url == glacier_server.endpoint_url
    client.create_vault(vaultName="over-http")
    # A subprocess, told nothing, sees it too.
    script = "import boto3; print(boto3.client('glacier').list_vaults()['VaultList'])"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    assert "'VaultName': 'over-http'" in out
    assert [c.operation for c in glacier_mock.calls] == ["CreateVault", "ListVaults"]

def test_next_test_same_server_fresh_state(glacier_server, glacier_mock):
    assert glacier_server.port == ports[0]  # one server per session
    assert boto3.client("glacier").list_vaults()["VaultList"] == []

def test_environment_is_restored():
    assert not [name for name in VARIABLES if name in os.environ]

def test_unbound_server_answers_503():
    request = urllib.request.Request(
        f"http://127.0.0.1:{ports[0]}/-/vaults", headers={"x-amz-glacier-version": "2012-06-01"}
    )
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=10)
    assert error.value.code == 503
    assert json.loads(error.value.read())["code"] == "ServiceUnavailableException"
"""
    )
    pytester.runpytest_subprocess("-p", "no:randomly").assert_outcomes(passed=4)


def test_existing_credentials_and_region_are_kept(
    pytester: pytest.Pytester, clean_aws_environment: pytest.MonkeyPatch
) -> None:
    clean_aws_environment.setenv("AWS_ACCESS_KEY_ID", "AKIDMINE")
    clean_aws_environment.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    clean_aws_environment.setenv("AWS_REGION", "eu-central-1")
    pytester.makepyfile(
        """
import os

import boto3

def test_kept(glacier_server, glacier_mock):
    assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIDMINE"
    assert os.environ["AWS_SECRET_ACCESS_KEY"] == "secret"
    assert os.environ["AWS_REGION"] == "eu-central-1"
    assert os.environ["AWS_DEFAULT_REGION"] == "eu-central-1"
    boto3.client("glacier").create_vault(vaultName="v")
    assert glacier_mock.calls[0].region == "eu-central-1"

def test_restored():
    assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIDMINE"
    assert os.environ["AWS_REGION"] == "eu-central-1"
    assert "AWS_DEFAULT_REGION" not in os.environ
    assert "AWS_ENDPOINT_URL_GLACIER" not in os.environ
"""
    )
    pytester.runpytest_subprocess("-p", "no:randomly").assert_outcomes(passed=2)


def test_the_session_server_is_shut_down_at_the_end(
    pytester: pytest.Pytester, clean_aws_environment: pytest.MonkeyPatch
) -> None:
    pytester.makeconftest(
        """
import socket
import pytest

ports = []

def pytest_unconfigure(config):
    # after the session fixtures are finished: the port must be closed
    if ports:
        try:
            socket.create_connection(("127.0.0.1", ports[0]), timeout=5).close()
        except ConnectionRefusedError:
            print("PORT CLOSED")
        else:
            print("PORT STILL OPEN")
"""
    )
    pytester.makepyfile(
        """
from conftest import ports

def test_it(glacier_server):
    ports.append(glacier_server.port)
"""
    )
    result = pytester.runpytest_subprocess("-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["PORT CLOSED"])


def test_a_server_shut_down_by_a_test_is_started_again(
    pytester: pytest.Pytester, clean_aws_environment: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        """
import boto3

def test_shuts_it_down(glacier_server):
    glacier_server.shutdown()

def test_still_served(glacier_server):
    assert boto3.client("glacier").list_vaults()["VaultList"] == []
"""
    )
    pytester.runpytest_subprocess("-p", "no:randomly").assert_outcomes(passed=2)


def test_works_under_xdist(
    pytester: pytest.Pytester, clean_aws_environment: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        """
import boto3
import pytest

@pytest.mark.parametrize("n", range(4))
def test_each(glacier_server, n):
    client = boto3.client("glacier")
    client.create_vault(vaultName=f"v{n}")
    assert [v["VaultName"] for v in client.list_vaults()["VaultList"]] == [f"v{n}"]
"""
    )
    pytester.runpytest_subprocess("-n", "2").assert_outcomes(passed=4)
