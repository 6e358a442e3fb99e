"""``govhall materials clean``: delete uploads never attached to a case (the sweeper in
``govhall serve`` does the same on every tick; this is for deployments that run it elsewhere)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from core.faces.cli import EXIT_BAD_INPUT, with_database

if TYPE_CHECKING:
    from core.services.runtime import GovHall


@with_database
async def cmd_materials_clean(govhall: GovHall, args: argparse.Namespace) -> int:
    from dataclasses import replace

    from core.services.upload_limits import clean_orphans

    limits = govhall.settings.upload_limits
    if args.hours is not None:
        if args.hours <= 0:
            print("错误 / error: --hours 应为正数")
            return EXIT_BAD_INPUT
        limits = replace(limits, orphan_hours=args.hours)
    deleted = await clean_orphans(limits)
    print(f"已删除 {deleted} 个超过 {limits.orphan_hours:g} 小时仍未提交的上传文件。")
    return 0


def add_commands(sub: Any) -> None:
    materials = sub.add_parser("materials", help="申请材料").add_subparsers(
        dest="materials_command", required=True, metavar="ACTION"
    )
    p = materials.add_parser("clean", help="删除长期未附加到办件的上传文件")
    p.add_argument("--hours", type=float, help="保留时长（小时，默认 GOVHALL_ORPHAN_UPLOAD_HOURS 或 72）")
    p.set_defaults(func=cmd_materials_clean)
