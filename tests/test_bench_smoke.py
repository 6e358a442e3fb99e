"""The benchmarks the README names still run against the product's current schema: the year
statistics and the sweeper at a small size, on SQLite (their figures are not checked here: tests
never judge time), and the statistics summary they read equals the raw aggregate."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEST_DATABASE

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(TEST_DATABASE != "sqlite", reason="run once, in the SQLite pass")


def run_bench(name: str, n: int) -> str:
    done = subprocess.run([sys.executable, f"bench/{name}", str(n)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"})
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    return done.stdout


def test_year_statistics_bench_runs_and_its_summary_equals_the_raw_aggregate():
    out = run_bench("stats.py", 3000)
    assert "[SQLite] 3,000 cases inserted" in out, out
    assert "the summary's figures equal the raw aggregate's: yes" in out, out
    assert "'speedUpPercent': " in out and "'speedUpPercent': None" not in out, out


def test_sweep_bench_runs():
    out = run_bench("sweep.py", 3000)
    assert "sweep of" in out and "due timers" in out, out
