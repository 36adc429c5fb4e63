"""The exported types type-check in a user's test under ``mypy --strict`` (py.typed ships)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import pytest_glacier

# An editable install is found through an import hook that mypy cannot follow: point mypy at
# the package's directory, as a regular install would put it on the path.
PACKAGE_ROOT = Path(pytest_glacier.__file__).resolve().parent.parent


def mypy_environment() -> dict[str, str]:
    if "site-packages" in PACKAGE_ROOT.parts:  # a regular install: mypy finds it by itself
        return dict(os.environ)
    return {**os.environ, "MYPYPATH": str(PACKAGE_ROOT)}


USER_TEST = """
from datetime import datetime, timedelta

import pytest

from pytest_glacier import Call, GlacierMock, Notification, active_mock, mock_glacier


def test_typed(glacier_mock: GlacierMock) -> None:
    now: datetime = glacier_mock.now()
    later: datetime = glacier_mock.advance(timedelta(hours=1), minutes=5)
    assert later > now
    calls: list[Call] = glacier_mock.calls
    codes: list[str | None] = [call.error_code for call in calls]
    notes: list[Notification] = glacier_mock.notifications
    topics: list[str] = [note.topic_arn for note in notes]
    glacier_mock.inject_error("ListVaults", "ThrottlingException", times=2)
    account: str = glacier_mock.account_id
    del codes, topics, account


@mock_glacier
def test_bare() -> None:
    mock: GlacierMock = active_mock()
    mock.take_inventory()


@mock_glacier(account_id="111122223333")
def test_with_options() -> None:
    pass


def test_context_manager() -> None:
    with mock_glacier(inventory="immediate") as glacier:
        assert isinstance(glacier, GlacierMock)
        glacier.reset()
"""


def test_user_test_passes_mypy_strict(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    user_test = tmp_path / "test_user.py"
    user_test.write_text(USER_TEST)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--follow-imports=silent",
            str(user_test),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
        env=mypy_environment(),
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
