"""Inventory job output: JSON and CSV renderers, StartDate/EndDate/Limit/Marker (§5.4-5.5)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_glacier.backend.archives import Archive
from pytest_glacier.backend.errors import InvalidParameterValueException
from pytest_glacier.backend.inventory import InventorySnapshot
from pytest_glacier.backend.inventory_output import (
    CSV_HEADER,
    InventoryQuery,
    csv_field,
    decode_marker,
    encode_marker,
    parse_query,
    render,
    render_csv,
    render_json,
    select,
)

ARN = "arn:aws:glacier:us-west-2:012345678901:vaults/my-vault"
T0 = datetime(2015, 4, 6, 22, 24, 34, 567000, tzinfo=timezone.utc)


def archive(n: int, description: str = "", at: datetime | None = None) -> Archive:
    when = at if at is not None else T0 + timedelta(minutes=n)
    return Archive(f"archive-{n:03d}", description, when, 1000 + n, f"{n:064x}")


def ids(archives: list[Archive]) -> list[str]:
    return [a.archive_id for a in archives]


# -- JSON ----------------------------------------------------------------------------------------


def test_json_is_compact_with_the_real_key_order_and_second_precision() -> None:
    body = render_json(ARN, T0 + timedelta(hours=2), [archive(0, "multipart upload test")])
    assert body == (
        b'{"VaultARN":"arn:aws:glacier:us-west-2:012345678901:vaults/my-vault",'
        b'"InventoryDate":"2015-04-07T00:24:34Z","ArchiveList":[{"ArchiveId":"archive-000",'
        b'"ArchiveDescription":"multipart upload test","CreationDate":"2015-04-06T22:24:34Z",'
        b'"Size":1000,"SHA256TreeHash":"' + b"0" * 64 + b'"}]}'
    )


def test_json_escapes_quotes_and_keeps_an_empty_description() -> None:
    document = json.loads(render_json(ARN, T0, [archive(1, 'say "hi"'), archive(2)]))
    assert [a["ArchiveDescription"] for a in document["ArchiveList"]] == ['say "hi"', ""]
    assert document["ArchiveList"][0]["Size"] == 1001


def test_json_of_an_empty_vault() -> None:
    assert json.loads(render_json(ARN, T0, [])) == {
        "VaultARN": ARN,
        "InventoryDate": "2015-04-06T22:24:34Z",
        "ArchiveList": [],
    }


# -- CSV -----------------------------------------------------------------------------------------


def test_csv_has_the_header_then_one_row_per_archive_with_newlines() -> None:
    body = render_csv([archive(0, "plain"), archive(1)]).decode()
    assert body == (
        f"{CSV_HEADER}\n"
        f"archive-000,plain,2015-04-06T22:24:34Z,1000,{0:064x}\n"
        f"archive-001,,2015-04-06T22:25:34Z,1001,{1:064x}\n"
    )


@pytest.mark.parametrize(
    ("description", "written"),
    [
        ("plain text", "plain text"),
        ("a,b", '"a,b"'),
        ('say "hi"', '"say \\"hi\\""'),
        ('a,1\\"2', '"a,1\\\\"2"'),  # the observed sample: a backslash is not escaped
        ("back\\slash", "back\\slash"),
        ("", ""),
    ],
)
def test_csv_quoting(description: str, written: str) -> None:
    assert csv_field(description) == written
    row = render_csv([archive(0, description)]).decode().splitlines()[1]
    assert row.split(",", 1)[1].startswith(written + ",2015")


def test_csv_of_an_empty_vault_is_the_header() -> None:
    assert render_csv([]) == (CSV_HEADER + "\n").encode()


# -- parameters ------------------------------------------------------------------------------------


def test_defaults() -> None:
    query = parse_query(None, None)
    assert query == InventoryQuery(format="JSON")


def test_parameters_are_kept_as_given_and_parsed() -> None:
    query = parse_query(
        "CSV",
        {"StartDate": "2015-04-06T22:25:00Z", "EndDate": "2015-04-07T00:00:00Z", "Limit": "2"},
    )
    assert query.format == "CSV"
    assert query.start_date_text == "2015-04-06T22:25:00Z"
    assert query.start_date == datetime(2015, 4, 6, 22, 25, tzinfo=timezone.utc)
    assert query.end_date == datetime(2015, 4, 7, tzinfo=timezone.utc)
    assert (query.limit_text, query.limit) == ("2", 2)


@pytest.mark.parametrize(
    ("fmt", "params", "named"),
    [
        ("XML", {}, "Format"),
        ("json", {}, "Format"),
        ("JSON", {"StartDate": "yesterday"}, "StartDate"),
        ("JSON", {"EndDate": "2015-04-07"}, "EndDate"),
        ("JSON", {"Limit": "0"}, "Limit"),
        ("JSON", {"Limit": "-1"}, "Limit"),
        ("JSON", {"Limit": "ten"}, "Limit"),
        ("JSON", {"Marker": "not a marker!"}, "Marker"),
        ("JSON", {"StartDate": "2015-04-08T00:00:00Z", "EndDate": "2015-04-07T00:00:00Z"}, "Start"),
    ],
)
def test_invalid_parameters_are_refused_naming_them(
    fmt: str, params: dict[str, str], named: str
) -> None:
    with pytest.raises(InvalidParameterValueException, match=named):
        parse_query(fmt, params)


# -- selection -----------------------------------------------------------------------------------


ARCHIVES = tuple(archive(n) for n in range(10))


def test_dates_select_start_inclusive_end_exclusive() -> None:
    start, end = ARCHIVES[2].creation_date, ARCHIVES[5].creation_date
    query = InventoryQuery(start_date=start, end_date=end)
    assert ids(select(ARCHIVES, query)[0]) == ["archive-002", "archive-003", "archive-004"]


def test_listing_is_oldest_first_whatever_the_snapshot_order() -> None:
    listed, marker = select(tuple(reversed(ARCHIVES)), InventoryQuery())
    assert ids(listed) == ids(list(ARCHIVES))
    assert marker is None


def test_a_limit_returns_the_next_marker_until_the_last_page() -> None:
    listed, marker = select(ARCHIVES, InventoryQuery(limit=4))
    assert ids(listed) == ids(list(ARCHIVES[:4]))
    assert marker is not None
    listed, marker = select(ARCHIVES, InventoryQuery(limit=6, resume_at=decode_marker(marker)))
    assert ids(listed) == ids(list(ARCHIVES[4:]))
    assert marker is None


def test_a_marker_whose_archive_is_gone_resumes_at_the_next_one() -> None:
    marker = encode_marker(ARCHIVES[4])
    without = ARCHIVES[:4] + ARCHIVES[5:]
    listed, _ = select(without, InventoryQuery(resume_at=decode_marker(marker)))
    assert ids(listed) == ids(list(ARCHIVES[5:]))


def test_markers_are_opaque_url_safe_text() -> None:
    marker = encode_marker(ARCHIVES[3])
    assert set(marker) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
    assert decode_marker(marker).archive_id == "archive-003"


@given(limit=st.integers(min_value=1, max_value=12), count=st.integers(min_value=0, max_value=10))
def test_paging_with_any_limit_lists_every_archive_once_in_order(limit: int, count: int) -> None:
    # Bounds: up to 10 archives and limits up to 12 cover empty vaults, exact last pages and a
    # limit larger than the vault.
    archives = ARCHIVES[:count]
    seen: list[Archive] = []
    query = InventoryQuery(limit=limit)
    while True:
        page, marker = select(archives, query)
        assert len(page) <= limit
        seen.extend(page)
        if marker is None:
            break
        query = InventoryQuery(limit=limit, resume_at=decode_marker(marker))
    assert ids(seen) == ids(list(archives))


def test_render_uses_the_snapshot_date_and_format() -> None:
    snapshot = InventorySnapshot(T0 + timedelta(days=1), ARCHIVES[:3])
    page = render(ARN, snapshot, InventoryQuery(format="CSV", limit=2))
    assert page.body.decode().count("\n") == 3
    assert page.next_marker is not None
    page = render(ARN, snapshot, InventoryQuery())
    assert json.loads(page.body)["InventoryDate"] == "2015-04-07T22:24:34Z"
    assert page.next_marker is None
