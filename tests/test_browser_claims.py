"""``./dev test`` shares the browser stories between its two passes (tests/conftest.py): a browser
module runs in the pass that claims it first, and the other pass skips it before starting its
server; a test without the browser marker runs in both."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import IS_POSTGRES

ROOT = Path(__file__).resolve().parent.parent

STORIES = '''
import pytest

started = []


@pytest.fixture(scope="module")
def server():
    started.append(1)  # what a browser module's server costs: only where the module runs
    return "http://127.0.0.1:1"


@pytest.mark.browser
def test_one(server):
    assert started == [1]


@pytest.mark.browser
def test_two(server):
    assert started == [1]


def test_engine():
    pass
'''


def _run_pass(directory: Path, claims: Path) -> str:
    env = {**os.environ, "GOVHALL_BROWSER_CLAIMS": str(claims), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", str(directory)],
                          cwd=directory, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.skipif(IS_POSTGRES, reason="the claims do not depend on the engine: run once, in the SQLite pass")
def test_a_browser_module_runs_in_the_pass_that_claims_it_first(tmp_path: Path) -> None:
    stories = tmp_path / "stories"
    stories.mkdir()
    (stories / "conftest.py").write_text("from tests.conftest import *  # noqa: F401,F403\n")
    (stories / "test_claimed_stories.py").write_text(STORIES)
    claims = tmp_path / "claims"
    claims.mkdir()

    first = _run_pass(stories, claims)
    assert "3 passed" in first and "skipped" not in first
    second = _run_pass(stories, claims)  # the other pass, later
    assert "1 passed, 2 skipped" in second, second
    assert "the other pass of ./dev test runs this browser module" in second
    assert os.listdir(claims) == ["test_claimed_stories.py"]
