"""Every performance figure of pytest-glacier, each beside its baseline, measured in one run.

    .venv/bin/python benchmarks/run.py              # everything (a few minutes)
    .venv/bin/python benchmarks/run.py per-call     # some groups only (see --help)
    .venv/bin/python benchmarks/run.py --smoke      # tiny sizes, one round: does it still run?

Figures are ratios to baselines measured in the same process (or, for start-up, in subprocesses
of the same run), so they mean the same on any machine; absolute values are printed too. See
benchmarks/README.md for what each figure measures and how.
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import sys
from collections.abc import Callable
from pathlib import Path

import botocore
from bulk import bulk_figures
from harness import Figure
from lower_bound import LowerBound
from per_call import PerCall
from scaling import scaling_figures
from startup import startup_figure

import pytest_glacier

# Fixed fake credentials for every contender: the mock would set them, moto too, the floor not.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")


@functools.cache  # one set of clients and captured floor responses for both groups
def _per_call_bench(smoke: bool) -> PerCall:
    return PerCall(rounds=1 if smoke else 15, batch=3 if smoke else 100)


def per_call(smoke: bool) -> list[Figure]:
    bench = _per_call_bench(smoke)
    return [*bench.figures(), bench.enter_leave()]


def lower_bound(smoke: bool) -> list[Figure]:
    return LowerBound(_per_call_bench(smoke)).figures()


def startup(smoke: bool) -> list[Figure]:
    return [startup_figure(rounds=1 if smoke else 15)]


def bulk(smoke: bool) -> list[Figure]:
    return bulk_figures(smoke=smoke)


def scaling(smoke: bool) -> list[Figure]:
    return scaling_figures(smoke=smoke)


GROUPS: dict[str, Callable[[bool], list[Figure]]] = {
    "per-call": per_call,
    "lower-bound": lower_bound,
    "startup": startup,
    "bulk": bulk,
    "scaling": scaling,
}


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit in ("us", "ms"):
        return f"{value:,.1f} {unit}" if value < 100 else f"{value:,.0f} {unit}"
    if unit == "s":
        return f"{value:.3f} s"
    return f"{value:,.2f} {unit}".strip()


def print_table(figures: list[Figure]) -> None:
    rows = [("figure", "mock", "baseline", "", "ratio", "target", "")]
    for figure in figures:
        ratio = figure.ratio
        rows.append(
            (
                figure.name,
                format_value(figure.value, figure.unit),
                figure.baseline_name,
                format_value(figure.baseline, figure.unit) if figure.baseline is not None else "",
                f"{ratio:.2f} x" if ratio is not None else "",
                figure.target,
                {True: "ok", False: "MISSED", None: ""}[figure.met],
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    notes = [f"  {figure.name}: {figure.note}" for figure in figures if figure.note]
    if notes:
        print("\nnotes:")
        print("\n".join(notes))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("groups", nargs="*", choices=[*GROUPS, []], help="default: all")
    parser.add_argument(
        "--smoke", action="store_true", help="tiny sizes and one round: check that it runs"
    )
    args = parser.parse_args(argv)
    print(
        f"Python {platform.python_version()}, botocore {botocore.__version__}, "
        f"{os.cpu_count()} CPUs; pytest_glacier from {Path(pytest_glacier.__file__).parent}\n"
    )
    figures: list[Figure] = []
    for name in args.groups or GROUPS:
        figures += GROUPS[name](args.smoke)
    print_table(figures)
    if args.smoke:
        print("\n(smoke run: sizes and rounds too small for the numbers to mean anything)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
