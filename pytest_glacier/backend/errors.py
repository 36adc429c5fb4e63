"""Glacier's error codes as one exception hierarchy.

Every answer the backend refuses is one of these. Each class is one error code that real Glacier
returns: the nine error shapes of botocore's model plus the unmodelled codes the Developer Guide
lists (GLACIER_SPEC §1.5). A class carries its code, HTTP status and fault type; the wire layer
turns a raised instance into the JSON body ``{"code", "message", "type"}``.

``tests/unit/test_errors.py`` checks these classes against botocore's model, so a model change
cannot go unnoticed.
"""

from __future__ import annotations

from typing import ClassVar, Literal

FaultType = Literal["Client", "Server"]


class GlacierError(Exception):
    """An error response real Glacier could give.

    Subclasses set ``code``, ``status`` and ``fault``; the message is per instance.
    """

    code: ClassVar[str] = "GlacierError"
    status: ClassVar[int] = 400
    fault: ClassVar[FaultType] = "Client"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


# -- error shapes in botocore's model -------------------------------------------------------


class InsufficientCapacityException(GlacierError):
    # The model says 400; the Developer Guide says 503 (GLACIER_SPEC §9, CONFLICT: use 503).
    code = "InsufficientCapacityException"
    status = 503
    fault = "Server"


class InvalidParameterValueException(GlacierError):
    code = "InvalidParameterValueException"


class LimitExceededException(GlacierError):
    code = "LimitExceededException"


class MissingParameterValueException(GlacierError):
    code = "MissingParameterValueException"


class NoLongerSupportedException(GlacierError):
    code = "NoLongerSupportedException"


class PolicyEnforcedException(GlacierError):
    code = "PolicyEnforcedException"


class RequestTimeoutException(GlacierError):
    code = "RequestTimeoutException"
    status = 408


class ResourceNotFoundException(GlacierError):
    code = "ResourceNotFoundException"
    status = 404


class ServiceUnavailableException(GlacierError):
    code = "ServiceUnavailableException"
    status = 500
    fault = "Server"


# -- codes the Developer Guide documents but the model does not ------------------------------


class AccessDeniedException(GlacierError):
    code = "AccessDeniedException"
    status = 403


class BadRequest(GlacierError):
    code = "BadRequest"


class ExpiredTokenException(GlacierError):
    code = "ExpiredTokenException"
    status = 403


class InvalidSignatureException(GlacierError):
    # Current Developer Guide: 403 (older editions said 400).
    code = "InvalidSignatureException"
    status = 403


class MissingAuthenticationTokenException(GlacierError):
    code = "MissingAuthenticationTokenException"


class SerializationException(GlacierError):
    code = "SerializationException"


class ThrottlingException(GlacierError):
    code = "ThrottlingException"


class UnrecognizedClientException(GlacierError):
    code = "UnrecognizedClientException"


ERROR_CLASSES: dict[str, type[GlacierError]] = {
    cls.code: cls
    for cls in (
        InsufficientCapacityException,
        InvalidParameterValueException,
        LimitExceededException,
        MissingParameterValueException,
        NoLongerSupportedException,
        PolicyEnforcedException,
        RequestTimeoutException,
        ResourceNotFoundException,
        ServiceUnavailableException,
        AccessDeniedException,
        BadRequest,
        ExpiredTokenException,
        InvalidSignatureException,
        MissingAuthenticationTokenException,
        SerializationException,
        ThrottlingException,
        UnrecognizedClientException,
    )
}
"""Every error code the mock knows, by code."""


def error_for_code(code: str, message: str, status: int | None = None) -> GlacierError:
    """Build the error for ``code``; an unknown code gets a generic class with ``status``.

    Used for injected faults, where a test may name any code (known or not).
    """
    known = ERROR_CLASSES.get(code)
    if known is not None and (status is None or status == known.status):
        return known(message)
    base_status = status if status is not None else (known.status if known else 400)
    attrs = {
        "code": code,
        "status": base_status,
        "fault": "Server" if base_status >= 500 else "Client",
    }
    name = code if code.isidentifier() else "InjectedError"
    cls: type[GlacierError] = type(name, (GlacierError,), attrs)
    return cls(message)


class NotImplementedYet(InvalidParameterValueException):
    """An operation that exists in Glacier but that this version of the mock does not serve.

    Answered as a 400 InvalidParameterValueException (a real Glacier code that no client retries),
    with a message that names the operation, so a test fails loudly instead of passing on a
    silent success.
    """

    def __init__(self, operation: str) -> None:
        super().__init__(
            f"pytest-glacier does not implement {operation} yet. The operation exists in Amazon "
            f"Glacier, but this version of the mock cannot serve it; see the project's CHANGELOG "
            f"for when it lands, or avoid calling {operation} in this test."
        )
        self.operation = operation
