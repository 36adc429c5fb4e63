"""PurchaseProvisionedCapacity and ListProvisionedCapacity (GLACIER_SPEC §2.6, §7.2)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from backend_fakes import CTX, OTHER_ACCOUNT, OTHER_REGION, REGION, Harness, utc

from pytest_glacier.backend import RequestContext
from pytest_glacier.backend.capacity import has_active_capacity
from pytest_glacier.backend.errors import AccessDeniedException, LimitExceededException

LIMIT_MESSAGE = "The request would exceed the account's limit of provisioned capacity units (2)."


def buy(g: Harness, ctx: RequestContext = CTX) -> str:
    output = g.call("PurchaseProvisionedCapacity", ctx)
    assert list(output) == ["capacityId"]
    capacity_id: str = output["capacityId"]
    return capacity_id


def units(g: Harness, ctx: RequestContext = CTX) -> list[dict[str, Any]]:
    output = g.call("ListProvisionedCapacity", ctx)
    assert list(output) == ["ProvisionedCapacityList"]
    listed: list[dict[str, Any]] = output["ProvisionedCapacityList"]
    return listed


def test_no_units_at_first() -> None:
    assert units(Harness()) == []


def test_a_purchase_returns_a_24_character_alphanumeric_id() -> None:
    capacity_id = buy(Harness())
    assert re.fullmatch(r"[A-Za-z0-9]{24}", capacity_id)


def test_a_unit_is_listed_with_its_dates() -> None:
    g = Harness(utc(2030, 3, 10, 14, 26, 33, 123_456))
    capacity_id = buy(g)
    assert units(g) == [
        {
            "CapacityId": capacity_id,
            "StartDate": "2030-03-10T14:26:33.123Z",
            "ExpirationDate": "2030-04-10T14:26:33.000Z",
        }
    ]


@pytest.mark.parametrize(
    ("bought", "expires"),
    [
        (utc(2030, 1, 31, 9, 0, 0), "2030-02-28T09:00:00.000Z"),
        (utc(2032, 1, 31, 9, 0, 0), "2032-02-29T09:00:00.000Z"),
        (utc(2030, 8, 31, 23, 59, 59), "2030-09-30T23:59:59.000Z"),
        (utc(2030, 12, 15, 6, 30, 0), "2031-01-15T06:30:00.000Z"),
        (utc(2030, 12, 31, 0, 0, 0), "2031-01-31T00:00:00.000Z"),
        (utc(2030, 3, 31, 12, 0, 0), "2030-04-30T12:00:00.000Z"),
        (utc(2030, 2, 28, 12, 0, 0), "2030-03-28T12:00:00.000Z"),
    ],
)
def test_a_unit_lasts_one_calendar_month_clamped_to_the_month_end(
    bought: datetime, expires: str
) -> None:
    g = Harness(bought)
    buy(g)
    assert units(g)[0]["ExpirationDate"] == expires


def test_dates_are_utc_whatever_the_clock_zone() -> None:
    tokyo = timezone(timedelta(hours=9))
    g = Harness(datetime(2030, 2, 1, 3, 0, 0, tzinfo=tokyo))
    buy(g)
    assert units(g)[0]["StartDate"] == "2030-01-31T18:00:00.000Z"
    assert units(g)[0]["ExpirationDate"] == "2030-02-28T18:00:00.000Z"


def test_two_units_at_most_and_the_third_is_refused() -> None:
    g = Harness()
    first, second = buy(g), buy(g)
    with pytest.raises(LimitExceededException) as err:
        buy(g)
    assert err.value.status == 400
    assert err.value.code == "LimitExceededException"
    assert err.value.message == LIMIT_MESSAGE
    assert [unit["CapacityId"] for unit in units(g)] == [first, second]


def test_units_are_listed_in_purchase_order() -> None:
    g = Harness()
    first = buy(g)
    g.advance(timedelta(days=3))
    second = buy(g)
    assert [unit["CapacityId"] for unit in units(g)] == [first, second]


def test_an_expired_unit_is_neither_listed_nor_counted() -> None:
    g = Harness(utc(2030, 1, 31, 9, 0, 0))
    first = buy(g)
    g.move_to(utc(2030, 2, 10))
    second = buy(g)
    with pytest.raises(LimitExceededException):
        buy(g)

    g.move_to(utc(2030, 2, 28, 8, 59, 59))  # one second before the first unit expires
    assert [unit["CapacityId"] for unit in units(g)] == [first, second]
    with pytest.raises(LimitExceededException):
        buy(g)

    g.move_to(utc(2030, 2, 28, 9, 0, 0))  # expiration <= now: expired
    assert [unit["CapacityId"] for unit in units(g)] == [second]
    third = buy(g)
    assert [unit["CapacityId"] for unit in units(g)] == [second, third]
    with pytest.raises(LimitExceededException):
        buy(g)


def test_expiry_is_truncated_to_the_second() -> None:
    g = Harness(utc(2030, 5, 1, 0, 0, 0) + timedelta(milliseconds=900))
    buy(g)
    g.move_to(utc(2030, 6, 1))  # the unit expires at 00:00:00.000, not .900
    assert units(g) == []


def test_capacity_is_per_account_and_region() -> None:
    g = Harness()
    other_region = RequestContext(OTHER_REGION, CTX.account_id)
    other_account = RequestContext(REGION, OTHER_ACCOUNT)
    buy(g)
    buy(g)
    assert units(g, other_region) == []
    assert units(g, other_account) == []
    buy(g, other_region)
    buy(g, other_account)
    assert len(units(g)) == 2


def test_an_explicit_account_id_must_be_the_callers() -> None:
    g = Harness()
    assert g.call("ListProvisionedCapacity", account_id=CTX.account_id) == {
        "ProvisionedCapacityList": []
    }
    with pytest.raises(AccessDeniedException):
        g.call("PurchaseProvisionedCapacity", account_id=OTHER_ACCOUNT)


def test_has_active_capacity() -> None:
    g = Harness(utc(2030, 8, 31, 12, 0, 0))
    state = g.backend.region_state(CTX.account_id, REGION)
    assert not has_active_capacity(state, g.clock.now())
    buy(g)
    assert has_active_capacity(state, g.clock.now())
    assert has_active_capacity(state, utc(2030, 9, 30, 11, 59, 59))
    assert not has_active_capacity(state, utc(2030, 9, 30, 12, 0, 0))
