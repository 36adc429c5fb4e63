"""The benchmarks still run (``benchmarks/run.py --smoke``): tiny sizes, one round, no timing.

The figures themselves are measured by hand (``python benchmarks/run.py``, see
benchmarks/README.md); a test suite on a shared machine cannot judge timings, only that every
benchmark still works against the current code.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

RUN = Path(__file__).resolve().parents[2] / "benchmarks" / "run.py"


def test_every_benchmark_runs_in_smoke_mode() -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    result = subprocess.run(
        [sys.executable, str(RUN), "--smoke"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=environment,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for figure in (
        "per call: describe_vault",
        "seam lower bound: describe_vault",
        "enter + leave mock_glacier()",
        "pytest start-up",
        "wall time:",
        "peak memory:",
        "CompleteMultipartUpload:",
        "inventory of",
        "one ListVaults page",
    ):
        assert figure in result.stdout, result.stdout
