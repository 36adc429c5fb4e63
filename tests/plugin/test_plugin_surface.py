"""The plugin as users meet it: fixture, marker, ini, errors, isolation, disabling."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pytest_glacier import mock_glacier, suite_defaults

pytest_plugins = ["pytester"]

HEADER = """
import boto3
import pytest

def client(region="us-east-1"):
    return boto3.client("glacier", region_name=region)
"""


def test_fixture_serves_glacier_and_records_calls(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """
def test_it(glacier_mock):
    client().create_vault(vaultName="v")
    assert [c.operation for c in glacier_mock.calls] == ["CreateVault"]
    assert glacier_mock.calls[0].params == {"accountId": "-", "vaultName": "v"}
"""
    )
    pytester.runpytest_subprocess().assert_outcomes(passed=1)


def test_state_is_isolated_per_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """
@pytest.mark.parametrize("n", range(3))
def test_each_starts_empty(glacier_mock, n):
    assert client().list_vaults()["VaultList"] == []
    client().create_vault(vaultName=f"v{n}")
"""
    )
    pytester.runpytest_subprocess().assert_outcomes(passed=3)


def test_closest_marker_wins_key_by_key(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """
pytestmark = pytest.mark.glacier(account_id="111111111111", inventory="immediate")

@pytest.mark.glacier(account_id="222222222222")
class TestIt:
    @pytest.mark.glacier(sleep_advances=True)
    def test_it(self, glacier_mock):
        assert glacier_mock.account_id == "222222222222"
        assert glacier_mock.options.inventory == "immediate"
        assert glacier_mock.options.sleep_advances is True
"""
    )
    pytester.runpytest_subprocess().assert_outcomes(passed=1)


def test_ini_options_set_defaults_and_markers_override_them(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        """
[pytest]
glacier_account_id = 333333333333
glacier_inventory = immediate
glacier_sleep_advances = true
"""
    )
    pytester.makepyfile(
        HEADER
        + """
def test_ini(glacier_mock):
    assert glacier_mock.account_id == "333333333333"
    assert glacier_mock.options.inventory == "immediate"
    assert glacier_mock.options.sleep_advances is True

@pytest.mark.glacier(inventory="daily")
def test_marker_over_ini(glacier_mock):
    assert glacier_mock.account_id == "333333333333"
    assert glacier_mock.options.inventory == "daily"
"""
    )
    pytester.runpytest_subprocess().assert_outcomes(passed=2)


def test_ini_options_are_the_defaults_of_mock_glacier_too(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        """
[pytest]
glacier_account_id = 333333333333
glacier_inventory = immediate
"""
    )
    pytester.makepyfile(
        HEADER
        + """
from pytest_glacier import active_mock, mock_glacier

@mock_glacier
def test_decorator():
    assert active_mock().account_id == "333333333333"

@mock_glacier(account_id="444444444444")
def test_decorator_options_over_ini():
    assert active_mock().account_id == "444444444444"
    assert active_mock().options.inventory == "immediate"

def test_context_manager():
    with mock_glacier() as glacier:
        assert glacier.account_id == "333333333333"
"""
    )
    pytester.runpytest_subprocess().assert_outcomes(passed=3)


def test_suite_defaults_stack_with_nested_runs() -> None:
    outer = suite_defaults.current()  # this run's own ini (none of the glacier options)
    suite_defaults.push({"account_id": "333333333333"})
    try:
        with mock_glacier() as glacier:
            assert glacier.account_id == "333333333333"
    finally:
        suite_defaults.pop()
    assert suite_defaults.current() == outer
    with mock_glacier() as glacier:
        assert glacier.account_id == "123456789012"


def test_unknown_marker_option_fails_naming_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import pytest

@pytest.mark.glacier(acount_id="111122223333")
def test_it(glacier_mock):
    pass
"""
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*TypeError: unknown Glacier mock option: 'acount_id'*"])


def test_wrong_option_type_fails_naming_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import pytest

@pytest.mark.glacier(sleep_advances="yes")
def test_it(glacier_mock):
    pass
"""
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*option 'sleep_advances' must be True or False*"])


def test_nesting_a_decorator_inside_the_fixture_is_a_clear_error(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
from pytest_glacier import mock_glacier

@mock_glacier
def test_it(glacier_mock):
    pass
"""
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*already active: mocks cannot be nested*"])


def test_a_bug_in_the_mock_answers_500_and_fails_at_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HEADER
        + """
from botocore.config import Config
from pytest_glacier.backend import operations

def test_it(glacier_mock, monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("boom")
    registration = operations.OPERATIONS["DescribeVault"]
    monkeypatch.setitem(
        operations.OPERATIONS, "DescribeVault",
        operations.Registration("DescribeVault", broken, True),
    )
    c = boto3.client("glacier", region_name="us-east-1",
                     config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))
    with pytest.raises(c.exceptions.ServiceUnavailableException, match="ZeroDivisionError"):
        c.describe_vault(vaultName="v")
"""
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*MockInternalError*", "*ZeroDivisionError: boom*"])


def test_plugin_can_be_disabled(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
def test_it(glacier_mock):
    pass
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:glacier")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'glacier_mock' not found*"])


def test_marker_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.glacier(**options)*"])


def test_importing_the_package_does_not_import_pytest() -> None:
    code = "import sys, pytest_glacier; print('pytest' in sys.modules)"
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert output.strip() == "False"


def test_loading_the_plugin_imports_neither_the_mock_nor_botocore() -> None:
    # pytest start-up with the plugin installed costs next to nothing until a mock starts.
    code = (
        "import sys, pytest_glacier.plugin; "
        "print(sorted(m for m in ('botocore', 'freezegun', 'responses', 'pytest_glacier.mock') "
        "if m in sys.modules))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert output.strip() == "[]"


def test_tests_without_a_mock_never_import_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import sys

def test_fails():
    assert False

def test_then_nothing_imported_botocore():
    assert "pytest_glacier.mock" not in sys.modules
    assert "botocore" not in sys.modules
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)


def test_the_package_exports_every_name_lazily() -> None:
    import pytest_glacier

    for name in pytest_glacier.__all__:
        assert getattr(pytest_glacier, name).__name__ == name
        assert name in dir(pytest_glacier)
    missing = "no_such_name"
    with pytest.raises(AttributeError, match=missing):
        getattr(pytest_glacier, missing)


def test_pytest_durations_stay_real_time(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
def test_jump(glacier_mock):
    glacier_mock.advance(days=365)
"""
    )
    result = pytester.runpytest_subprocess("--durations=0", "-vv")
    result.assert_outcomes(passed=1)
    durations = [
        float(line.split("s ")[0])
        for line in result.stdout.lines
        if line.strip().endswith("test_jump") and line[:1].isdigit()
    ]
    assert durations
    assert all(seconds < 60 for seconds in durations), durations
