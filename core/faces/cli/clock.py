"""``govhall calendar import FILE`` and ``govhall sweep``: the clock's commands.

A calendar file with problems is reported in full (every problem with its JSON pointer) and changes
nothing; ``govhall sweep`` runs the same sweeper as ``govhall serve``, safely beside it. Failures
are printed and returned as exit codes.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from typing import TYPE_CHECKING, Any

from core.faces.cli import EXIT_BAD_INPUT, print_errors, read_json_file, with_database
from core.plumbing.errors import UserError, UserErrorsException

if TYPE_CHECKING:
    from core.services.runtime import GovHall


@with_database
async def cmd_calendar_import(govhall: GovHall, args: argparse.Namespace) -> int:
    from tortoise.transactions import in_transaction

    from core.services.calendar_files import read_calendar_document
    from core.services.clock import import_calendar
    from core.services.notifications import tell_promise_moved
    from core.plumbing.models import Center

    doc = read_json_file(args.file)
    file_center = doc.get("center") if isinstance(doc, dict) else None
    code = args.center or (file_center if isinstance(file_center, str) else None)
    errors: list[UserError] = []
    try:
        read_calendar_document(doc)
    except UserErrorsException as exc:
        errors.extend(exc.errors)
    centers: list[Center] = []
    if not code:  # the State Council's schedule applies to every center of the deployment
        centers = await Center.all().order_by("id")
        if not centers:
            errors.append(UserError("unknown_center", "还没有任何中心，请先导入中心文件（govhall center load）", "/center"))
    else:
        center = await Center.get_or_none(code=code)
        if center is None:
            errors.append(UserError("unknown_center", f"中心“{code}”不存在", "/center"))
        else:
            centers = [center]
    summaries = []
    if not errors:
        try:
            async with in_transaction():  # all centers or none
                for center in centers:
                    summaries.append(await import_calendar(
                        center, doc, govhall=govhall, apply_office_hours=args.office_hours))
        except UserErrorsException as exc:
            errors.extend(exc.errors)
        for center, summary in zip(centers, summaries) if not errors else ():  # committed: their applicants are told
            summary["applicants_told"] = await tell_promise_moved(govhall, center, summary["year"], summary["promised_moved"])
    if errors:
        print_errors(errors, args.file)
        print(f"日历文件有 {len(errors)} 处问题，未作任何修改。", file=sys.stderr)
        return EXIT_BAD_INPUT
    for summary in summaries:
        print(
            f"已导入 {summary['year']} 年日历到中心 {summary['center']}：放假 {summary['holidays']} 天，"
            f"调休上班 {summary['workdays']} 天；重新计算期限的在办办件 {summary['cases_changed']} 件"
            + (f"，承诺办结日期变化已短信告知申请人 {summary['applicants_told']} 件。" if summary["applicants_told"] else "。")
        )
        if summary["office_hours_note"]:
            print(f"  {summary['office_hours_note']}。")
    return 0


@with_database
async def cmd_sweep(govhall: GovHall, args: argparse.Namespace) -> int:
    from core.services.sweeper import run_sweeper, sweep, sweep_plugins

    if args.once:
        raised = await sweep(govhall)
        await sweep_plugins(govhall)
        for timer_id, level in raised:
            print(f"计时器 {timer_id}: {level}")
        print(f"本次巡检亮牌 {len(raised)} 个。")
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    interval = args.interval if args.interval is not None else govhall.settings.sweep_seconds
    if interval <= 0:
        print("错误 / error: --interval 应为正数（秒）", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"电子监察巡检已启动，每 {interval:g} 秒一次；Ctrl-C 停止。")
    try:
        await run_sweeper(govhall, interval)
    except asyncio.CancelledError:
        pass
    return 0


def add_commands(sub: Any) -> None:
    calendar = sub.add_parser("calendar", help="工作日历").add_subparsers(
        dest="calendar_command", required=True, metavar="ACTION"
    )
    p = calendar.add_parser("import", help="导入年度工作日历文件 (schemas/calendar.schema.json)；不指定中心时导入全部中心")
    p.add_argument("file")
    p.add_argument("--center", help="中心编码；不指定时用文件中的 center，都没有则导入全部中心")
    p.add_argument("--office-hours", action="store_true",
                   help="用文件中的 officeHours 替换中心自己的办公时间（默认不替换，只给尚无办公时间的中心）")
    p.set_defaults(func=cmd_calendar_import)

    p = sub.add_parser("sweep", help="电子监察巡检：到期预警（黄牌、红牌）")
    p.add_argument("--once", action="store_true", help="只巡检一次后退出")
    p.add_argument("--interval", type=float, help="巡检间隔秒数（默认 GOVHALL_SWEEP_SECONDS 或 60）")
    p.set_defaults(func=cmd_sweep)
