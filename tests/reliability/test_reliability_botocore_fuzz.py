"""Every one of the 33 operations through botocore with random, mistyped and malformed params.

The client skips its own parameter validation (``parameter_validation=False``), so whatever a
member's shape says, botocore serializes what it is given and the mock receives it. Every answer
must be a success botocore can parse, or a ``ClientError`` with a documented code and status. A
call that botocore refuses before sending anything (its serializer cannot encode the value) is
not the mock's business and is skipped; an exception *after* the mock answered (botocore could
not read the response) is a failure.
"""

from __future__ import annotations

import random
import time
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.model import Shape, StructureShape
from glacier_fuzz_corpus import HUGE, NUMBERS, TEXT, Known, seed_resources
from reliability_support import client_error_problem, fuzz_requests, fuzz_seed

from pytest_glacier import GlacierMock
from pytest_glacier.wire import service_model

NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})
UNVALIDATED = Config(
    retries={"total_max_attempts": 1, "mode": "standard"}, parameter_validation=False
)
TIME_LIMIT = 60.0


def random_value(
    rng: random.Random,
    shape: Shape | None,
    known: Known,
    name: str,
    depth: int = 0,
    *,
    label: bool = False,
) -> Any:
    """A value for ``shape``: usually of the right type, sometimes not at all.

    URI labels (``label``) are always strings: without them botocore cannot build the URL.
    """
    labels = {
        "vaultName": known.vaults,
        "archiveId": known.archives,
        "uploadId": known.uploads,
        "jobId": known.jobs,
        "lockId": known.locks,
        "ArchiveId": known.archives,
    }
    if name in labels and labels[name] and rng.random() < 0.7:
        return rng.choice(labels[name])
    if name == "accountId":
        return rng.choice(["-", "-", "123456789012", "111122223333", "x"])
    if not label and rng.random() < 0.08:
        return rng.choice([None, 0, -1, 1.5, True, [], {}, "", HUGE])
    if shape is None:
        return {}
    kind = shape.type_name
    if kind == "structure" and depth < 4:
        assert isinstance(shape, StructureShape)
        required = shape.required_members
        return {
            member: random_value(
                rng, member_shape, known, member, depth + 1, label=member in required
            )
            for member, member_shape in shape.members.items()
            if member in shape.required_members or rng.random() < 0.6
        }
    if kind == "list" and depth < 4:
        return [
            random_value(rng, shape.member, known, name, depth + 1)  # type: ignore[attr-defined]
            for _ in range(rng.choice([0, 1, 2, 11]))
        ]
    if kind == "map" and depth < 4:
        return {
            rng.choice([*TEXT, "k"]): random_value(rng, shape.value, known, name, depth + 1)  # type: ignore[attr-defined]
            for _ in range(rng.choice([0, 1, 3, 11, 51]))
        }
    if kind in ("long", "integer"):
        return rng.choice([0, 1, -1, 2**63 - 1, 2**63, 10**30])
    if kind == "blob":
        return rng.randbytes(rng.choice([0, 1, 100, 1024 * 1024 + 1]))
    if name in ("partSize", "archiveSize", "limit", "Limit"):
        return rng.choice(NUMBERS)
    if name in ("range",):
        return rng.choice(["bytes=0-9", "bytes 0-1048575/*", "bytes=-1", f"bytes=0-{HUGE}", "x"])
    return rng.choice(TEXT + NUMBERS + ["Standard", "JSON", "CSV", "archive-retrieval"])


def test_every_operation_with_random_params_gets_documented_answers(
    glacier_mock: GlacierMock,
) -> None:
    known = Known()
    seed_resources(
        boto3.client("glacier", region_name="us-east-1", config=NO_RETRIES), glacier_mock, known
    )
    client = boto3.client("glacier", region_name="us-east-1", config=UNVALIDATED)
    model = service_model()
    seed = fuzz_seed(10)
    rng = random.Random(seed)
    problems: list[str] = []
    answered: set[str] = set()
    deadline = time.monotonic() + TIME_LIMIT
    for index in range(max(fuzz_requests() // 3, 2 * len(model.operation_names))):
        name = model.operation_names[index % len(model.operation_names)]
        operation = model.operation_model(name)
        params = random_value(rng, operation.input_shape, known, "input", label=True)
        if not isinstance(params, dict):
            params = {}
        method = getattr(client, _snake(name))
        before = len(glacier_mock.calls)
        try:
            response = method(**params)
            body = response.get("body")
            if body is not None:
                body.read()
            answered.add(name)
        except ClientError as error:
            answered.add(name)
            problem = client_error_problem(error)
            if problem:
                problems.append(f"{name}: {problem}\n    params: {_shown(params)}")
        except Exception as error:
            if len(glacier_mock.calls) > before:
                problems.append(
                    f"{name}: botocore could not read the mock's answer: {error!r}\n"
                    f"    params: {_shown(params)}"
                )
        if time.monotonic() > deadline:
            break
    assert not problems, f"seed {seed}:\n" + "\n".join(problems[:15])
    assert answered == set(model.operation_names)  # every operation was reached at least once


def _snake(name: str) -> str:
    import botocore

    return str(botocore.xform_name(name))


def _shown(params: dict[str, Any]) -> str:
    return repr({key: repr(value)[:80] for key, value in params.items()})
