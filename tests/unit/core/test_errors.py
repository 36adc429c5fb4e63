"""The backend's error classes agree with botocore's model and with GLACIER_SPEC §1.5."""

from __future__ import annotations

import botocore.session
import pytest

from pytest_glacier.backend.errors import ERROR_CLASSES, NotImplementedYet, error_for_code

# Where the spec deliberately departs from the model (GLACIER_SPEC §9, CONFLICTS).
SPEC_STATUS_OVERRIDES = {"InsufficientCapacityException": 503}


def test_every_model_error_shape_has_a_class_with_its_status() -> None:
    model = botocore.session.get_session().get_service_model("glacier")
    for shape in model.error_shapes:
        cls = ERROR_CLASSES[shape.name]
        expected = SPEC_STATUS_OVERRIDES.get(shape.name, shape.metadata["error"]["httpStatusCode"])
        assert cls.status == expected, shape.name


@pytest.mark.parametrize(
    ("code", "status", "fault"),
    [
        ("AccessDeniedException", 403, "Client"),
        ("BadRequest", 400, "Client"),
        ("ExpiredTokenException", 403, "Client"),
        ("InsufficientCapacityException", 503, "Server"),
        ("InvalidSignatureException", 403, "Client"),
        ("MissingAuthenticationTokenException", 400, "Client"),
        ("RequestTimeoutException", 408, "Client"),
        ("SerializationException", 400, "Client"),
        ("ServiceUnavailableException", 500, "Server"),
        ("ThrottlingException", 400, "Client"),
        ("UnrecognizedClientException", 400, "Client"),
    ],
)
def test_unmodelled_and_overridden_codes(code: str, status: int, fault: str) -> None:
    cls = ERROR_CLASSES[code]
    assert (cls.status, cls.fault) == (status, fault)


def test_error_for_code_builds_known_and_unknown_codes() -> None:
    known = error_for_code("ThrottlingException", "slow down")
    assert (type(known).__name__, known.status, known.message) == (
        "ThrottlingException",
        400,
        "slow down",
    )
    custom = error_for_code("SlowDown", "x", 503)
    assert (custom.code, custom.status, custom.fault) == ("SlowDown", 503, "Server")
    overridden = error_for_code("ThrottlingException", "x", 429)
    assert (overridden.code, overridden.status) == ("ThrottlingException", 429)


def test_not_implemented_names_the_operation() -> None:
    error = NotImplementedYet("UploadArchive")
    assert error.code == "InvalidParameterValueException"
    assert "UploadArchive" in error.message
