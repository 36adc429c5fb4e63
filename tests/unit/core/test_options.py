"""Option validation: one name, one meaning, strict types (CONTRACT §4)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from pytest_glacier.options import build_options, merge_option_values


def test_defaults_match_the_contract() -> None:
    options = build_options({})
    assert options.account_id == "123456789012"
    assert options.accounts == {}
    assert options.job_delays == {
        "Expedited": timedelta(minutes=5),
        "Standard": timedelta(hours=5),
        "Bulk": timedelta(hours=12),
        "Inventory": timedelta(hours=4),
    }
    assert options.inventory == "daily"
    assert options.sleep_advances is False
    assert options.expedited_capacity is True
    assert options.start_time is None
    assert options.verify_signatures is False
    assert options.credentials == {}


def test_job_delays_keep_defaults_for_tiers_not_named() -> None:
    options = build_options({"job_delays": {"Standard": timedelta(0), "Bulk": 60}})
    assert options.job_delays["Standard"] == timedelta(0)
    assert options.job_delays["Bulk"] == timedelta(minutes=1)
    assert options.job_delays["Expedited"] == timedelta(minutes=5)


def test_start_time_accepts_aware_datetimes_and_iso_strings() -> None:
    aware = datetime(2024, 1, 1, tzinfo=timezone.utc)
    assert build_options({"start_time": aware}).start_time == aware
    assert build_options({"start_time": "2024-01-01T00:00:00Z"}).start_time == aware


@pytest.mark.parametrize(
    ("values", "error", "match"),
    [
        ({"acount_id": "1"}, TypeError, "unknown Glacier mock option: 'acount_id'"),
        ({"a": 1, "b": 2}, TypeError, "options: 'a', 'b'"),
        ({"account_id": 123456789012}, TypeError, "'account_id' must be"),
        ({"account_id": "1234-5678-9012"}, ValueError, "12 digits"),
        ({"accounts": ["AKIA"]}, TypeError, "'accounts'"),
        ({"accounts": {"AKIA": "x"}}, ValueError, r"accounts\['AKIA'\]"),
        ({"accounts": {"AKIA": "arn:aws:iam::111122223333:group/g"}}, ValueError, "IAM user"),
        ({"accounts": {"AKIA": "arn:aws-mars:iam::111122223333:user/a"}}, ValueError, "IAM user"),
        ({"job_delays": {"Glacial": timedelta(1)}}, ValueError, "unknown tier 'Glacial'"),
        ({"job_delays": {"Bulk": "1h"}}, TypeError, r"job_delays\['Bulk'\]"),
        ({"job_delays": {"Bulk": timedelta(-1)}}, ValueError, "negative"),
        ({"inventory": "weekly"}, ValueError, "'daily' or 'immediate'"),
        ({"sleep_advances": 1}, TypeError, "'sleep_advances' must be True or False"),
        ({"expedited_capacity": "no"}, TypeError, "'expedited_capacity'"),
        ({"start_time": datetime(2024, 1, 1)}, ValueError, "naive"),
        ({"start_time": 0}, TypeError, "'start_time'"),
        ({"verify_signatures": None}, TypeError, "'verify_signatures'"),
        ({"credentials": {"AKIA": 1}}, TypeError, "'credentials'"),
    ],
)
def test_invalid_options_name_the_problem(
    values: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        build_options(values)


def test_later_layers_win_key_by_key() -> None:
    merged = merge_option_values(
        {"account_id": "111111111111", "inventory": "immediate"},
        {"account_id": "222222222222"},
    )
    assert merged == {"account_id": "222222222222", "inventory": "immediate"}


@pytest.mark.parametrize(
    ("arn", "account"),
    [
        ("arn:aws:iam::111122223333:user/alice", "111122223333"),
        ("arn:aws:iam::111122223333:role/path/admin", "111122223333"),
        ("arn:aws-cn:sts::444455556666:assumed-role/admin/session", "444455556666"),
        ("arn:aws:iam::111122223333:root", "111122223333"),
    ],
)
def test_an_accounts_arn_acts_as_its_account_and_names_its_principal(
    arn: str, account: str
) -> None:
    settings = build_options({"accounts": {"AKIA": arn}}).backend_settings()
    assert settings.accounts == {"AKIA": account}
    assert settings.principals == {"AKIA": arn}
