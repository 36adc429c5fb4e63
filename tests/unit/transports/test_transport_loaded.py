"""Finding every loaded copy of a module, with the answer cached between mock starts."""

from __future__ import annotations

import sys
from types import ModuleType

import pytest

from pytest_glacier.transports.loaded import loaded_copies

NAME = "glacier_test_pkg.endpoint"


@pytest.fixture
def fake_modules(monkeypatch: pytest.MonkeyPatch) -> dict[str, ModuleType]:
    modules = {
        NAME: ModuleType(NAME),
        "vendor." + NAME: ModuleType("vendor." + NAME),
        "not_" + NAME: ModuleType("not_" + NAME),
    }
    for name, module in modules.items():
        monkeypatch.setitem(sys.modules, name, module)
    return modules


def test_finds_the_module_and_its_vendored_copies(fake_modules: dict[str, ModuleType]) -> None:
    found = dict(loaded_copies(NAME))
    assert found == {NAME: fake_modules[NAME], "vendor." + NAME: fake_modules["vendor." + NAME]}
    assert loaded_copies(NAME) is loaded_copies(NAME)  # cached while nothing changed


def test_sees_copies_loaded_later(
    fake_modules: dict[str, ModuleType], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(loaded_copies(NAME)) == 2
    monkeypatch.setitem(sys.modules, "other." + NAME, ModuleType("other." + NAME))
    assert len(loaded_copies(NAME)) == 3


def test_sees_a_module_replaced_under_the_same_name(
    fake_modules: dict[str, ModuleType], monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded_copies(NAME)
    fresh = ModuleType(NAME)
    monkeypatch.setitem(sys.modules, NAME, fresh)  # as a test re-importing it would
    assert dict(loaded_copies(NAME))[NAME] is fresh
