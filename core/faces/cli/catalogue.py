"""``govhall items import-catalogue FILE --center C [--dry-run]``: a provincial catalogue into drafts."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.faces.cli import EXIT_BAD_INPUT, CommandError, print_errors, read_json_file, with_database
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
    refused = unaccepted_format(args.file)
    if refused:
        print(f"错误 / error: {args.file}：{refused}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        if args.file.lower().endswith(".xlsx"):
            rows, problems = read_xlsx(read_file_bytes(args.file))
        else:
            rows, problems = read_catalogue(read_json_file(args.file)), []
        result = await import_catalogue(govhall, None, center, rows, dry_run=args.dry_run, file_problems=problems)
    except UserErrorsException as exc:
        print_errors(exc.errors, args.file)
        return EXIT_BAD_INPUT
    except CommandError as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return exc.status
    for e in result.problems:  # the file's own, no item's: on stderr with --json, whose list stays as it was
        print(f"问题：{e.message} [{e.code}]", file=sys.stderr if args.json else sys.stdout)
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


ACCEPTED = "只能导入 JSON（.json）或 Excel 工作簿（.xlsx）格式的事项目录"
SAVE_AS_XLSX = "请在 Excel 或 WPS 表格中打开，点“文件 → 另存为”，保存类型选“Excel 工作簿（*.xlsx）”，再导入另存的 .xlsx 文件"
SHEET_FORMATS = {".csv": "CSV 文件", ".tsv": "制表符分隔的文本文件", ".txt": "文本文件", ".xls": "旧版 Excel（.xls）文件",
                 ".xlsm": "带宏的 Excel（.xlsm）文件", ".et": "WPS 表格（.et）文件", ".ods": "OpenDocument 表格（.ods）文件",
                 ".numbers": "Numbers 表格文件"}


def unaccepted_format(path: str) -> str | None:
    """What to tell of a catalogue file in a spreadsheet format other than .xlsx (a CSV exported from
    Excel, most often GBK), before its content is read: which formats are accepted and how to save the
    sheet as .xlsx; None for the others (.json, .xlsx, and any other name, read as JSON)."""
    kind = SHEET_FORMATS.get(Path(path).suffix.lower())
    return f"不接受{kind}：{ACCEPTED}。{SAVE_AS_XLSX}" if kind else None


def read_file_bytes(path: str) -> bytes:
    """A file's bytes, or a ``CommandError`` saying in Chinese why it cannot be read."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise CommandError(f"文件不存在：{path}") from None
    except (IsADirectoryError, PermissionError) as exc:
        raise CommandError(f"无法读取文件 {path}：{'这是一个目录，不是文件' if isinstance(exc, IsADirectoryError) else '没有读取权限'}") from None


def add_commands(sub: Any) -> None:
    p = sub.add_parser("catalogue", help="省级事项目录").add_subparsers(dest="catalogue_command", required=True, metavar="ACTION")
    q = p.add_parser("import", help="导入事项目录（JSON；装有 openpyxl 时也可 XLSX，不接受 CSV）为事项草稿")
    q.add_argument("file")
    q.add_argument("--center", required=True)
    q.add_argument("--dry-run", action="store_true", help="只预览，不保存")
    q.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    q.set_defaults(func=cmd_import_catalogue)
