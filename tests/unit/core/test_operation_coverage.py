"""Every operation in botocore's Glacier model is served by the backend, or listed as pending.

The pending list must only shrink: an operation leaves it in the change that implements it.
"""

from __future__ import annotations

import botocore.session

from pytest_glacier.backend import event_sources
from pytest_glacier.backend.operations import OPERATIONS

PENDING: set[str] = set()


def model_operations() -> set[str]:
    model = botocore.session.get_session().get_service_model("glacier")
    return set(model.operation_names)


def test_every_model_operation_is_served_or_pending() -> None:
    event_sources()  # imports every noun module
    served = set(OPERATIONS)
    assert served | PENDING == model_operations()
    assert not served & PENDING, "implemented operations must leave PENDING"


def test_no_operation_is_registered_that_the_model_lacks() -> None:
    event_sources()
    assert set(OPERATIONS) <= model_operations()
