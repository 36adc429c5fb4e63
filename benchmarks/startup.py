"""What the installed plugin adds to pytest's start-up when no test uses it.

Two pytest runs of one trivial test in a fresh directory, in subprocesses, alternating: one
with the plugin loaded (as installed, through its entry point), one with ``-p no:glacier``.
Every other installed plugin loads in both. The figure is the median over rounds of the
difference between the two wall times of the same round.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import Figure

EXTRA_LIMIT_MS = 15.0


def _run_pytest(directory: Path, *options: str) -> float:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *options]
    environment = {k: v for k, v in os.environ.items() if k != "PYTEST_DISABLE_PLUGIN_AUTOLOAD"}
    start = time.perf_counter()
    subprocess.run(
        [*command, str(directory)],
        cwd=directory,
        env=environment,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return time.perf_counter() - start


def startup_figure(rounds: int) -> Figure:
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        (directory / "pytest.ini").write_text("[pytest]\n")
        (directory / "test_nothing.py").write_text("def test_nothing():\n    pass\n")
        _run_pytest(directory)  # warm the file system cache and the bytecode caches
        with_plugin: list[float] = []
        without: list[float] = []
        for index in range(rounds):
            runs = [(with_plugin, ()), (without, ("-p", "no:glacier"))]
            for results, options in runs if index % 2 == 0 else runs[::-1]:
                results.append(_run_pytest(directory, *options))
    extra_ms = statistics.median(a - b for a, b in zip(with_plugin, without, strict=True)) * 1e3
    return Figure(
        "pytest start-up, plugin unused",
        statistics.median(with_plugin) * 1e3,
        "ms",
        "-p no:glacier",
        statistics.median(without) * 1e3,
        target=f"<= +{EXTRA_LIMIT_MS:g} ms",
        met=extra_ms <= EXTRA_LIMIT_MS,
        note=f"the plugin adds {extra_ms:+.1f} ms (median of paired rounds)",
    )
