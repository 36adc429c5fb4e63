"""A failing test that used the mock gets a "glacier" report section; a passing one does not."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

FAILING = """
import boto3
import pytest
from botocore.config import Config
from pytest_glacier import mock_glacier

NO_RETRY = Config(retries={"total_max_attempts": 1})

def scenario(glacier):
    client = boto3.client("glacier", region_name="eu-west-1", config=NO_RETRY)
    client.create_vault(vaultName="backups")
    glacier.advance(hours=5)
    try:
        client.describe_vault(vaultName="missing")
    except client.exceptions.ResourceNotFoundException:
        pass
    assert False, "the test's own failure"

def test_with_fixture(glacier_mock):
    scenario(glacier_mock)

def test_with_decorator():
    from pytest_glacier import active_mock
    @mock_glacier
    def run():
        scenario(active_mock())
    run()

def test_passing(glacier_mock):
    boto3.client("glacier", region_name="eu-west-1").list_vaults()
"""


def test_failing_tests_get_the_calls_and_the_timeline(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(FAILING)
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(failed=2, passed=1)
    for _ in range(2):
        result.stdout.fnmatch_lines(
            [
                "*- glacier -*",
                "Glacier calls (2):",
                "*1. * CreateVault [[]eu-west-1[]] vault=backups -> 201",
                "*2. * DescribeVault [[]eu-west-1[]] vault=missing -> 404 ResourceNotFound*",
                "Simulated time (2 events):",
                "*vault backups created in eu-west-1",
                "*advance(+5:00:00) moved the clock here",
            ]
        )
    assert "ListVaults" not in result.stdout.str()


def test_passing_tests_print_nothing(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
def test_ok(glacier_mock):
    pass
"""
    )
    result = pytester.runpytest_subprocess("-rA")
    result.assert_outcomes(passed=1)
    assert "- glacier -" not in result.stdout.str()
