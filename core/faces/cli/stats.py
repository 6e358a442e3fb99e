"""``govhall stats rebuild``: recompute the statistics summary (``case_day_stat``) from the cases,
for a database whose summary is in doubt (restored from a backup taken without it, cases changed
with the triggers disabled). The triggers keep it afterwards."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from core.faces.cli import with_database

if TYPE_CHECKING:
    from core.services.runtime import GovHall


@with_database
async def cmd_stats_rebuild(govhall: GovHall, args: argparse.Namespace) -> int:
    from core.plumbing.stats_summary import install_triggers, rebuild

    await install_triggers()
    rows = await rebuild()
    print(f"已根据办件重新计算统计汇总：{rows} 行（中心 × 部门 × 日期）。")
    return 0


def add_commands(sub: Any) -> None:
    stats = sub.add_parser("stats", help="办件统计").add_subparsers(dest="stats_command", required=True, metavar="ACTION")
    p = stats.add_parser("rebuild", help="根据全部办件重新计算统计汇总表")
    p.set_defaults(func=cmd_stats_rebuild)
