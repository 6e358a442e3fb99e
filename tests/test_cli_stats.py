"""``govhall stats rebuild`` on a database the CLI made with ``govhall db upgrade``: it reinstalls the
triggers, recomputes the summary and says how many rows it wrote, as often as it is run. (That the
recomputed rows equal the cases' figures: tests/test_stats_summary.py.)"""

from __future__ import annotations

import re

from tests.cli import run


def test_stats_rebuild_after_upgrade(cli_db):  # noqa: F811
    assert run(["db", "upgrade"], cli_db).returncode == 0
    done = run(["stats", "rebuild"], cli_db)
    assert done.returncode == 0, done.stderr
    assert re.search(r"统计汇总：\d+ 行", done.stdout), done.stdout
    again = run(["stats", "rebuild"], cli_db)  # idempotent: the triggers are replaced, not doubled
    assert again.returncode == 0 and again.stdout == done.stdout
