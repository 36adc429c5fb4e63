"""Ids: the shapes real Glacier uses, never repeated (GLACIER_SPEC §1.7)."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

import pytest

from pytest_glacier.backend import ids

URL_SAFE = "[A-Za-z0-9_-]"


@pytest.mark.parametrize(
    ("make", "pattern"),
    [
        (ids.archive_id, rf"{URL_SAFE}{{138}}"),
        (ids.upload_id, rf"{URL_SAFE}{{92}}"),
        (ids.job_id, rf"{URL_SAFE}{{92}}"),
        (ids.request_id, rf"{URL_SAFE}{{47}}"),
        (ids.lock_id, "[A-Za-z0-9]{24}"),
        (ids.capacity_id, "[A-Za-z0-9]{24}"),
    ],
)
def test_shapes_and_uniqueness(make: Callable[[], str], pattern: str) -> None:
    made = [make() for _ in range(2_500)]  # request ids are made a thousand at a time
    assert all(re.fullmatch(pattern, value) for value in made)
    assert len(set(made)) == len(made)


def test_seeding_random_does_not_repeat_ids() -> None:
    # pytest-randomly seeds ``random`` before every test: ids must not follow it.
    random.seed(1)
    first = ids.archive_id()
    random.seed(1)
    assert ids.archive_id() != first
