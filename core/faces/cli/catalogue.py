"""``govhall items import-catalogue FILE --center C [--dry-run]``: a provincial catalogue into drafts."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.faces.cli import EXIT_BAD_INPUT, print_errors, read_json_file, with_database
from core.plumbing.errors import UserErrorsException

if TYPE_CHECKING:
    from core.services.runtime import GovHall

STATUS = {"created": "新建", "updated": "更新", "unchanged": "无变化", "failed": "未导入"}


@with_database
async def cmd_import_catalogue(govhall: GovHall, args: argparse.Namespace) -> int:
    from core.services.item_catalogue_import import import_catalogue, read_catalogue, read_xlsx
    from core.plumbing.models import Center

    center = await Center.get_or_none(code=args.center)
    if center is None:
        print(f"错误 / error: 中心“{args.center}”不存在", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        if args.file.lower().endswith(".xlsx"):
            rows = read_xlsx(Path(args.file).read_bytes())
        else:
            rows = read_catalogue(read_json_file(args.file))
        result = await import_catalogue(govhall, None, center, rows, dry_run=args.dry_run)
    except UserErrorsException as exc:
        print_errors(exc.errors, args.file)
        return EXIT_BAD_INPUT
    except FileNotFoundError:
        print(f"错误 / error: 文件不存在：{args.file}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.json:
        print(json.dumps([{"code": i.code, "status": i.status, "changes": i.changes, "unmapped": i.unmapped,
                           "problems": [e.__dict__ for e in i.problems]} for i in result.items], ensure_ascii=False, default=str))
        return 0
    for item in result.items:
        print(f"{STATUS[item.status]}  {item.code}  {item.name}")
        for change in item.changes:
            print(f"    改动：{change['description']}")
        for u in item.unmapped:
            print(f"    未对应：{u['element']} = {u['value']}（{u['reason']}）")
        for e in item.problems:
            print(f"    问题：{e.path or '/'}：{e.message} [{e.code}]")
    counts = {s: result.count(s) for s in STATUS}
    what = "预览（未保存）" if args.dry_run else "已保存为草稿（未发布）"
    print(f"共 {len(result.items)} 个事项：新建 {counts['created']}，更新 {counts['updated']}，无变化 {counts['unchanged']}，"
          f"未导入 {counts['failed']}；{what}。")
    return EXIT_BAD_INPUT if counts["failed"] and not (counts["created"] or counts["updated"] or counts["unchanged"]) else 0


def add_commands(sub: Any) -> None:
    p = sub.add_parser("catalogue", help="省级事项目录").add_subparsers(dest="catalogue_command", required=True, metavar="ACTION")
    q = p.add_parser("import", help="导入事项目录（JSON；装有 openpyxl 时也可 XLSX）为事项草稿")
    q.add_argument("file")
    q.add_argument("--center", required=True)
    q.add_argument("--dry-run", action="store_true", help="只预览，不保存")
    q.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    q.set_defaults(func=cmd_import_catalogue)
