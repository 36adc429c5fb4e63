"""coldstore's command line, run in-process: ``main([...])`` and ``python -m coldstore``."""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path

import pytest
from coldstore import MIB
from coldstore.cli import main
from coldstore_support import REGION, make_file

from pytest_glacier import GlacierMock


@pytest.mark.glacier(sleep_advances=True)
def test_upload_list_restore_lock_prune(
    glacier_mock: GlacierMock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, data = make_file(tmp_path, "raw.tar", 2 * MIB + 7)
    catalogue = tmp_path / "catalogue.json"
    coldstore = ["--catalogue", str(catalogue)]

    assert main([*coldstore, "--region", REGION, "upload", str(path), "--part-size-mib", "1"]) == 0
    assert capsys.readouterr().out.startswith(f"uploaded raw.tar ({2 * MIB + 7} bytes) as ")
    assert {call.region for call in glacier_mock.calls} == {REGION}

    assert main([*coldstore, "list", "--json"]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert listed["name"] == "raw.tar"

    destination = tmp_path / "restored.tar"
    assert main([*coldstore, "restore", "raw.tar", str(destination), "--chunk-size-mib", "1"]) == 0
    assert destination.read_bytes() == data
    assert "checked against its tree hash (3 pieces checked" in capsys.readouterr().out

    assert main([*coldstore, "lock", "--days", "30"]) == 1
    assert "Pass --yes to go ahead" in capsys.readouterr().err
    assert main([*coldstore, "lock", "--days", "30", "--yes"]) == 0

    assert main([*coldstore, "prune", "--days", "0"]) == 2
    assert "refused by Glacier: raw.tar" in capsys.readouterr().err
    glacier_mock.advance(days=30)
    assert main([*coldstore, "prune"]) == 0
    assert capsys.readouterr().out.startswith("deleted raw.tar")
    assert json.loads(catalogue.read_text())["archives"] == []


def test_errors_are_one_line_on_stderr(
    glacier_mock: GlacierMock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    catalogue = ["--catalogue", str(tmp_path / "catalogue.json"), "--region", REGION]
    assert main([*catalogue, "upload", str(make_file(tmp_path, "a", 10)[0])]) == 0
    capsys.readouterr()

    assert main([*catalogue, "restore", "b", str(tmp_path / "b")]) == 1
    assert capsys.readouterr().err.startswith("coldstore: error: no archive named or with id 'b'")
    assert main([*catalogue, "--vault", "other", "list"]) == 1
    assert "is for vault 'coldstore', not 'other'" in capsys.readouterr().err

    glacier_mock.inject_error("UploadArchive", "AccessDeniedException", message="no, not you")
    assert main([*catalogue, "upload", str(tmp_path / "a")]) == 1
    assert capsys.readouterr().err == (
        f"coldstore: error: uploading {tmp_path / 'a'} failed: AccessDeniedException: no, not you\n"
    )


def test_python_dash_m_coldstore(
    glacier_mock: GlacierMock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, _ = make_file(tmp_path, "a", 10)
    argv = ["coldstore", "--catalogue", str(tmp_path / "c.json"), "--region", REGION]
    monkeypatch.setattr(sys, "argv", [*argv, "upload", str(path)])

    with pytest.raises(SystemExit) as exited:
        runpy.run_module("coldstore", run_name="__main__", alter_sys=True)

    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("uploaded a (10 bytes) as ")
