"""The demo database for the browser tests: built once per pytest process with ``govhall demo``,
then copied for each module's server, so each module still starts from the same fresh demo data."""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_template: Path | None = None


def _build_template() -> Path:
    workdir = Path(tempfile.mkdtemp(prefix="govhall-demo-"))
    atexit.register(shutil.rmtree, workdir, True)
    path = workdir / "demo.sqlite3"
    env = {**os.environ, "GOVHALL_DATABASE_URL": f"sqlite:///{path}"}
    demo = subprocess.run(
        [sys.executable, "-m", "core.faces.cli", "demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert demo.returncode == 0, f"govhall demo failed:\n{demo.stdout}\n{demo.stderr}"
    return path


def demo_database(dest: Path) -> str:
    """Write a copy of the demo database to ``dest`` and return its SQLite URL."""
    global _template
    if _template is None:
        _template = _build_template()
    with sqlite3.connect(_template) as source, sqlite3.connect(dest) as target:
        source.backup(target)
    return f"sqlite:///{dest}"
