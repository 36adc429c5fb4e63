"""The GlacierMock members of CONTRACT §3, through boto3 where they touch requests."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from pytest_glacier import Call, GlacierMock
from pytest_glacier.clock import real_now


def test_now_is_aware_utc(glacier_mock: GlacierMock) -> None:
    now = glacier_mock.now()
    assert now.tzinfo == timezone.utc
    assert abs(now - datetime.now(timezone.utc)) < timedelta(seconds=5)


def test_time_is_real_until_the_test_moves_it(glacier_mock: GlacierMock, glacier: Any) -> None:
    import freezegun.api

    # Entering the mock starts no freezer (which would patch every loaded module)...
    assert freezegun.api.freeze_factories == []
    glacier.create_vault(vaultName="v")
    created = glacier.describe_vault(vaultName="v")["CreationDate"]
    assert abs(glacier_mock.now() - datetime.now(timezone.utc)) < timedelta(seconds=1)

    # ...the first move starts one, and the code under test sees the same time as the mock.
    moved = glacier_mock.advance(days=2)
    assert len(freezegun.api.freeze_factories) == 1
    assert abs(datetime.now(timezone.utc) - moved) < timedelta(seconds=1)
    assert abs(glacier_mock.now() - datetime.now(timezone.utc)) < timedelta(seconds=1)
    assert glacier.describe_vault(vaultName="v")["CreationDate"] == created
    assert glacier_mock.now() - real_now() > timedelta(days=2) - timedelta(seconds=1)


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        ((timedelta(hours=2),), {}, timedelta(hours=2)),
        ((90,), {}, timedelta(seconds=90)),
        ((1.5,), {}, timedelta(seconds=1.5)),
        ((), {"days": 1, "hours": 2, "minutes": 3, "seconds": 4}, timedelta(1, 7384)),
        ((timedelta(days=1),), {"hours": 1}, timedelta(days=1, hours=1)),
    ],
)
def test_advance_moves_by_exactly_that_much(
    glacier_mock: GlacierMock, args: tuple[Any, ...], kwargs: dict[str, Any], expected: timedelta
) -> None:
    before = glacier_mock.now()
    new = glacier_mock.advance(*args, **kwargs)
    assert expected <= new - before < expected + timedelta(seconds=1)
    assert abs(glacier_mock.now() - new) < timedelta(seconds=1)
    assert abs(time.time() - new.timestamp()) < 1


@pytest.mark.parametrize(
    ("args", "kwargs", "error"),
    [
        ((timedelta(seconds=-1),), {}, ValueError),
        ((-5,), {}, ValueError),
        ((), {"hours": -1}, ValueError),
        (("1h",), {}, TypeError),
        ((True,), {}, TypeError),
        ((), {"days": "1"}, TypeError),
        ((float("nan"),), {}, ValueError),
        ((float("inf"),), {}, ValueError),  # past the year 9999
        ((10**15,), {}, ValueError),
        ((), {"days": 10**7}, ValueError),
    ],
)
def test_advance_rejects_bad_input(
    glacier_mock: GlacierMock, args: tuple[Any, ...], kwargs: dict[str, Any], error: type
) -> None:
    with pytest.raises(error):
        glacier_mock.advance(*args, **kwargs)


@pytest.mark.parametrize(
    ("request_args", "operation", "params"),
    [
        (("GET", "/-/vaults"), "ListVaults", {"accountId": "-"}),  # no version header
        (
            ("POST", "/-/vaults/v/tags?operation=add", b"{"),
            "AddTagsToVault",
            {"accountId": "-", "vaultName": "v"},
        ),
    ],
    ids=["no-version-header", "unparsable-body"],
)
def test_a_request_refused_once_routed_is_recorded_as_its_operation(
    glacier_mock: GlacierMock, request_args: tuple[Any, ...], operation: str, params: dict[str, str]
) -> None:
    method, path, *body = request_args
    headers = {} if path == "/-/vaults" else {"x-amz-glacier-version": "2012-06-01"}
    url = f"https://glacier.eu-west-1.amazonaws.com{path}"
    data = body[0] if body else None
    response = requests.request(method, url, data=data, headers=headers, timeout=5)
    assert response.status_code == 400
    call = glacier_mock.calls[-1]
    assert (call.operation, call.region, call.params, call.status_code) == (
        operation,
        "eu-west-1",
        params,
        400,
    )


@pytest.mark.glacier(start_time="2030-05-05T23:00:00Z")
def test_start_time_option(glacier_mock: GlacierMock, glacier: Any) -> None:
    assert glacier_mock.now() - datetime(2030, 5, 5, 23, tzinfo=timezone.utc) < timedelta(seconds=5)
    glacier.create_vault(vaultName="v")
    assert glacier.describe_vault(vaultName="v")["CreationDate"].startswith("2030-05-05T23:00")


def test_calls_record_operation_region_params_status_and_error(
    glacier_mock: GlacierMock, no_retry_glacier: Any
) -> None:
    no_retry_glacier.create_vault(vaultName="v")
    with pytest.raises(ClientError):
        no_retry_glacier.describe_vault(vaultName="missing")
    boto3.client("glacier", region_name="ap-south-1").list_vaults(limit="5")

    calls = glacier_mock.calls
    assert [(c.operation, c.region, c.status_code, c.error_code) for c in calls] == [
        ("CreateVault", "us-east-1", 201, None),
        ("DescribeVault", "us-east-1", 404, "ResourceNotFoundException"),
        ("ListVaults", "ap-south-1", 200, None),
    ]
    assert calls[2].params == {"accountId": "-", "limit": "5"}
    assert all(isinstance(call, Call) for call in calls)


def test_inject_error_fails_the_next_request_then_recovers(
    glacier_mock: GlacierMock, no_retry_glacier: Any
) -> None:
    no_retry_glacier.create_vault(vaultName="v")
    glacier_mock.inject_error("DescribeVault", "ResourceNotFoundException", message="gone")
    with pytest.raises(no_retry_glacier.exceptions.ResourceNotFoundException, match="gone"):
        no_retry_glacier.describe_vault(vaultName="v")
    assert no_retry_glacier.describe_vault(vaultName="v")["VaultName"] == "v"


def test_inject_error_with_wildcard_times_and_status(
    glacier_mock: GlacierMock, no_retry_glacier: Any
) -> None:
    glacier_mock.inject_error("*", "LimitExceededException", times=2, status_code=400)
    for _ in range(2):
        with pytest.raises(ClientError) as excinfo:
            no_retry_glacier.list_vaults()
        assert excinfo.value.response["Error"]["Code"] == "LimitExceededException"
    no_retry_glacier.list_vaults()
    assert [c.error_code for c in glacier_mock.calls] == [
        "LimitExceededException",
        "LimitExceededException",
        None,
    ]


def test_inject_error_uses_the_codes_real_status(
    glacier_mock: GlacierMock, no_retry_glacier: Any
) -> None:
    glacier_mock.inject_error("ListVaults", "AccessDeniedException")
    with pytest.raises(ClientError) as excinfo:
        no_retry_glacier.list_vaults()
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_injected_retryable_error_is_retried_by_botocore(glacier_mock: GlacierMock) -> None:
    client = boto3.client("glacier", region_name="us-east-1")
    glacier_mock.inject_error("ListVaults", "ThrottlingException")
    client.list_vaults()
    assert [c.error_code for c in glacier_mock.calls] == ["ThrottlingException", None]


def test_inject_error_refuses_unknown_operations(glacier_mock: GlacierMock) -> None:
    with pytest.raises(ValueError, match="unknown operation 'DescribeVaults'"):
        glacier_mock.inject_error("DescribeVaults")


def test_reset_forgets_everything(glacier_mock: GlacierMock, glacier: Any) -> None:
    glacier.create_vault(vaultName="v")
    glacier_mock.inject_error("ListVaults")
    glacier_mock.reset()
    assert glacier_mock.calls == []
    assert glacier.list_vaults()["VaultList"] == []


def test_not_yet_implemented_operations_say_so(
    no_retry_glacier: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every operation of the model is served today: take one away to see what a pending
    # operation answers (a 400 that names it, never a silent success).
    from pytest_glacier.backend import operations

    no_retry_glacier.create_vault(vaultName="v")
    served = dict(operations.OPERATIONS)
    del served["GetVaultLock"]
    monkeypatch.setattr(operations, "OPERATIONS", served)
    monkeypatch.setattr("pytest_glacier.backend.glacier.OPERATIONS", served)
    with pytest.raises(ClientError, match="does not implement GetVaultLock yet") as excinfo:
        no_retry_glacier.get_vault_lock(vaultName="v")
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


@pytest.mark.glacier(sleep_advances=True)
def test_sleep_advances_the_clock(glacier_mock: GlacierMock) -> None:
    before = glacier_mock.now()
    real_start = real_now()
    time.sleep(5 * 3600)
    assert real_now() - real_start < timedelta(seconds=2)
    assert glacier_mock.now() - before >= timedelta(hours=5)


def test_freezegun_in_the_test_is_followed(glacier_mock: GlacierMock, glacier: Any) -> None:
    from freezegun import freeze_time

    with freeze_time("2019-12-31 23:59:00"):
        glacier.create_vault(vaultName="v")
        assert glacier_mock.now() == datetime(2019, 12, 31, 23, 59, tzinfo=timezone.utc)
        glacier_mock.advance(minutes=1)
        assert datetime.now() == datetime(2020, 1, 1)
    assert glacier.describe_vault(vaultName="v")["CreationDate"] == "2019-12-31T23:59:00.000Z"


@pytest.mark.parametrize("mode", ["legacy", "standard"])
def test_retry_backoff_is_spent_in_simulated_time(glacier_mock: GlacierMock, mode: str) -> None:
    from botocore.config import Config

    retries: Any = {"mode": mode}
    client = boto3.client("glacier", region_name="us-east-1", config=Config(retries=retries))
    glacier_mock.inject_error("ListVaults", "ServiceUnavailableException", times=2)
    before, real_start = glacier_mock.now(), real_now()

    client.list_vaults()

    assert [c.error_code for c in glacier_mock.calls] == [
        "ServiceUnavailableException",
        "ServiceUnavailableException",
        None,
    ]
    simulated, real = glacier_mock.now() - before, real_now() - real_start
    assert real < timedelta(seconds=1)
    # The backoff (random, up to seconds) was added to simulated time, not slept.
    assert simulated - real > timedelta(milliseconds=1)
