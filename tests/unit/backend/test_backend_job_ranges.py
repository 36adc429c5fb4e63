"""Byte ranges of retrievals: RetrievalByteRange alignment (§4.3) and GetJobOutput's Range header.

Hypothesis bounds, and why: archive sizes are ``k MiB + delta`` with ``k`` in 1..9 and ``delta``
in -1..+1 (plus arbitrary sizes up to 9 MiB), because alignment only depends on where a range sits
relative to 1 MiB boundaries and to the archive's end; no bytes are ever allocated.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_glacier.backend.errors import InvalidParameterValueException
from pytest_glacier.backend.job_output import parse_range
from pytest_glacier.backend.job_params import parse_byte_range
from pytest_glacier.backend.treehash import MIB

SIZES = st.one_of(
    st.builds(
        lambda k, delta: k * MIB + delta,
        st.integers(min_value=1, max_value=9),
        st.integers(min_value=-1, max_value=1),
    ),
    st.integers(min_value=1, max_value=9 * MIB),
)


# -- RetrievalByteRange ----------------------------------------------------------------------------


def test_no_range_is_the_whole_archive() -> None:
    assert parse_byte_range(None, 123) == (0, 123)


@pytest.mark.parametrize(
    ("text", "size", "expected"),
    [
        ("0-1048575", 3 * MIB, (0, MIB)),
        ("1048576-3145727", 3 * MIB, (MIB, 3 * MIB)),
        ("2097152-3145726", 3 * MIB - 1, (2 * MIB, 3 * MIB - 1)),  # to the last byte
        ("0-99", 100, (0, 100)),
    ],
)
def test_megabyte_aligned_ranges_are_accepted(
    text: str, size: int, expected: tuple[int, int]
) -> None:
    assert parse_byte_range(text, size) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1-1048575",  # start not on a MiB
        "0-1048576",  # end + 1 not on a MiB, not the last byte
        "0-3145728",  # past the end
        "1048576-0",  # end before start
        "0-",
        "-5",
        "bytes=0-1048575",
        "0 - 1048575",
        "",
    ],
)
def test_other_ranges_are_refused(text: str) -> None:
    with pytest.raises(InvalidParameterValueException, match="RetrievalByteRange"):
        parse_byte_range(text, 3 * MIB)


@given(
    size=SIZES, first=st.integers(min_value=0, max_value=10 * MIB), length=st.integers(1, 10 * MIB)
)
def test_a_range_is_accepted_exactly_when_it_is_megabyte_aligned_and_inside(
    size: int, first: int, length: int
) -> None:
    last = first + length - 1
    inside = last < size
    aligned = first % MIB == 0 and ((last + 1) % MIB == 0 or last == size - 1)
    text = f"{first}-{last}"
    if inside and aligned:
        assert parse_byte_range(text, size) == (first, last + 1)
    else:
        with pytest.raises(InvalidParameterValueException):
            parse_byte_range(text, size)


# -- GetJobOutput's Range header -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("bytes=0-9", (0, 10)),
        ("bytes=10-99", (10, 100)),
        ("bytes=10-", (10, 100)),
        ("bytes=-10", (90, 100)),
        ("bytes=-500", (0, 100)),
        ("bytes=50-5000", (50, 100)),  # an end past the output is cut to its last byte
        ("bytes=0-99", (0, 100)),
        # Ranges that do not parse are ignored: the whole output (GLACIER_SPEC §2.5).
        ("bytes 0-4/100", None),
        ("bytes=9-3", None),
        ("bytes=-", None),
        ("bytes=-0", None),
        ("items=0-9", None),
        ("bytes=0-9,20-29", None),
        ("", None),
    ],
)
def test_range_header(header: str | None, expected: tuple[int, int] | None) -> None:
    assert parse_range(header, 100) == expected


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=100-200", "bytes=5000-6000"])
def test_a_range_starting_past_the_output_is_the_real_400(header: str) -> None:
    with pytest.raises(InvalidParameterValueException) as error:
        parse_range(header, 100)
    assert error.value.message == (
        f"The start of the range is larger than size of retrieved data: {header}"
    )


@given(
    size=st.integers(min_value=1, max_value=10_000),
    first=st.integers(min_value=0, max_value=12_000),
    last=st.one_of(st.none(), st.integers(min_value=0, max_value=12_000)),
)
def test_a_parsed_range_always_lies_inside_the_output(
    size: int, first: int, last: int | None
) -> None:
    header = f"bytes={first}-{'' if last is None else last}"
    if first >= size and (last is None or last >= first):
        with pytest.raises(InvalidParameterValueException):
            parse_range(header, size)
        return
    parsed = parse_range(header, size)
    if last is not None and last < first:
        assert parsed is None
        return
    assert parsed is not None
    start, stop = parsed
    assert start == first
    assert 0 <= start < stop <= size
    assert stop == size if last is None else stop == min(last + 1, size)
