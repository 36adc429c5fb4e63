"""What every reliability test checks an answer against: GLACIER_SPEC §1.5, code -> status.

An answer is acceptable when it is a 2xx, or a JSON error body ``{"code", "message", "type"}``
whose code is one of the documented Glacier codes and whose HTTP status is that code's
documented status. A 500 whose message says the mock failed internally is never acceptable:
it is a bug (``GlacierMock`` also fails the test at teardown for it).

Fuzz sizes and hypothesis profiles are chosen here, from environment variables, so that CI runs
a bounded amount and a longer run needs no code change:

* ``GLACIER_RELIABILITY_PROFILE=long`` selects the ``glacier-reliability-long`` hypothesis
  profile (many more examples and steps) instead of ``glacier-reliability-ci``;
* ``GLACIER_FUZZ_REQUESTS`` (default 2000) is how many random requests each fuzz test sends;
* ``GLACIER_FUZZ_SEED`` (default 0) shifts every fuzz test's random seed.
"""

from __future__ import annotations

import json
import os
from typing import Any

from hypothesis import HealthCheck, settings

DOCUMENTED_STATUS: dict[str, int] = {
    "AccessDeniedException": 403,
    "BadRequest": 400,
    "ExpiredTokenException": 403,
    "InsufficientCapacityException": 503,
    "InvalidParameterValueException": 400,
    "InvalidSignatureException": 403,
    "LimitExceededException": 400,
    "MissingAuthenticationTokenException": 400,
    "MissingParameterValueException": 400,
    "NoLongerSupportedException": 400,
    "PolicyEnforcedException": 400,
    "RequestTimeoutException": 408,
    "ResourceNotFoundException": 404,
    "SerializationException": 400,
    "ServiceUnavailableException": 500,
    "ThrottlingException": 400,
    "UnrecognizedClientException": 400,
}
"""GLACIER_SPEC §1.5: every error code real Glacier documents, with its HTTP status."""

MOCK_BUG_MARKER = "internal error"
"""In the message of the 500 the mock answers when it raised (service.py)."""

settings.register_profile(
    "glacier-reliability-ci",
    max_examples=60,
    stateful_step_count=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "glacier-reliability-long",
    max_examples=500,
    stateful_step_count=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def hypothesis_profile() -> settings:
    """The profile ``GLACIER_RELIABILITY_PROFILE`` names (``ci`` unless told otherwise)."""
    name = os.environ.get("GLACIER_RELIABILITY_PROFILE", "ci")
    return settings.get_profile(f"glacier-reliability-{name}")


def fuzz_requests() -> int:
    return int(os.environ.get("GLACIER_FUZZ_REQUESTS", "2000"))


def fuzz_seed(offset: int) -> int:
    return int(os.environ.get("GLACIER_FUZZ_SEED", "0")) * 1000 + offset


def problem_with_answer(status: int, body: bytes, *, head: bool = False) -> str | None:
    """Why an answer is not one Glacier could give, or None when it is fine.

    ``head``: the answer to a HEAD request, which has no body to read the code from; its
    status must still be one a documented code has.
    """
    if 200 <= status < 300:
        return None
    if head:
        if status in DOCUMENTED_STATUS.values():
            return None
        return f"status {status} is no documented Glacier error status"
    try:
        document = json.loads(body)
    except ValueError:
        return f"status {status} with a body that is not JSON: {body[:200]!r}"
    if not isinstance(document, dict) or set(document) != {"code", "message", "type"}:
        return f"status {status}: the error body is not {{code, message, type}}: {document!r}"
    code = document["code"]
    if code not in DOCUMENTED_STATUS:
        return f"undocumented error code {code!r} (status {status}): {document!r}"
    if DOCUMENTED_STATUS[code] != status:
        return f"{code} answered with status {status}, documented {DOCUMENTED_STATUS[code]}"
    if MOCK_BUG_MARKER in str(document["message"]):
        return f"a bug in the mock: {document['message']}"
    expected_type = "Server" if status >= 500 else "Client"
    if document["type"] != expected_type:
        return f"{code} has type {document['type']!r}, expected {expected_type!r}"
    return None


def client_error_problem(error: Any) -> str | None:
    """:func:`problem_with_answer` for a botocore ``ClientError``."""
    response = error.response
    status = int(response["ResponseMetadata"]["HTTPStatusCode"])
    code = response["Error"]["Code"]
    if code not in DOCUMENTED_STATUS:
        return f"undocumented error code {code!r} (status {status})"
    if DOCUMENTED_STATUS[code] != status:
        return f"{code} answered with status {status}, documented {DOCUMENTED_STATUS[code]}"
    if MOCK_BUG_MARKER in str(response["Error"].get("Message", "")):
        return f"a bug in the mock: {response['Error'].get('Message')}"
    return None
