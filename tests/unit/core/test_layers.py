"""The layers of docs/architecture.md hold: checked on the import statements themselves."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[3] / "pytest_glacier"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules_of(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).glob("*.py"))


@pytest.mark.parametrize("path", modules_of("backend"), ids=lambda p: p.name)
def test_backend_imports_only_the_standard_library_and_itself(path: Path) -> None:
    foreign = {
        name
        for name in imported_modules(path)
        if name.split(".")[0] not in sys.stdlib_module_names
        and not name.startswith("pytest_glacier.backend")
    }
    assert not foreign, f"{path.name} imports {sorted(foreign)}: the backend is pure Python"


@pytest.mark.parametrize("path", modules_of("wire"), ids=lambda p: p.name)
def test_wire_does_not_reach_up_into_transports_or_the_mock(path: Path) -> None:
    upward = {
        name
        for name in imported_modules(path)
        if name.startswith("pytest_glacier")
        and not name.startswith(("pytest_glacier.wire", "pytest_glacier.backend"))
    }
    assert not upward, f"{path.name} imports {sorted(upward)}"


def test_freezegun_lives_in_the_clock_only() -> None:
    users = sorted(
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if any(name.startswith("freezegun") for name in imported_modules(path))
    )
    assert users == ["clock.py"]
