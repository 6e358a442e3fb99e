"""``govhall items load DIR``: item documents from a folder into a center, all checked first;
``govhall items export CENTER [CODE...] --to DIR``: a center's items as such files."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.faces.cli import EXIT_BAD_INPUT, CommandError, print_errors, with_database
from core.plumbing.errors import UserError, UserErrorsException

if TYPE_CHECKING:
    from core.services.runtime import GovHall


@with_database
async def cmd_items_load(govhall: GovHall, args: argparse.Namespace) -> int:
    from core.services.centers import get_center
    from core.services.items import load_items_dir

    folder = Path(args.dir)
    if not folder.is_dir():
        raise CommandError(f"目录不存在 / not a directory: {folder}")
    if not any(folder.glob("*.json")):  # a wrong directory, not a request to publish nothing
        raise CommandError(f"目录 {folder} 中没有事项文件（*.json） / no item files (*.json) in {folder}")
    from core.plumbing.models import Center

    from tortoise.transactions import in_transaction

    centers = []
    try:
        centers = [await get_center(args.center)] if args.center else await Center.all().order_by("id")
        results = []
        async with in_transaction():  # every center or none: a problem in the last one undoes the first ones
            for center in centers:
                try:
                    results.append((center, await load_items_dir(govhall, center, folder, publish=not args.no_publish,
                                                                 actor_name="cli")))
                except UserErrorsException as exc:
                    if len(centers) == 1:
                        raise
                    raise UserErrorsException([  # say which center the file does not fit
                        UserError(e.code, f"中心 {center.code}：{e.message}", e.path) for e in exc.errors]) from exc
    except UserErrorsException as exc:
        print_errors(exc.errors)
        print(f"共 {len(exc.errors)} 处问题，未导入任何事项。", flush=True)
        return EXIT_BAD_INPUT
    if not results:
        raise CommandError("还没有任何中心，请先导入中心文件（govhall center load）")
    for center, published in results:
        for version in published:
            print(f"{center.code}：已发布 {version.code} 第{version.version}版：{version.name}")
        print(f"{center.code}：发布 {len(published)} 个事项（未变化的事项不重新发布）")
    return 0


@with_database
async def cmd_items_export(govhall: GovHall, args: argparse.Namespace) -> int:
    from core.services.centers import get_center
    from core.services.item_definitions import item_file_text
    from core.services.items import item_documents

    folder = Path(args.to)
    if folder.exists() and not folder.is_dir():
        raise CommandError(f"{folder} 不是目录 / not a directory")
    try:
        docs = await item_documents(await get_center(args.center), args.codes)
    except UserErrorsException as exc:
        print_errors(exc.errors)
        print(f"共 {len(exc.errors)} 处问题，未导出任何事项。", flush=True)
        return EXIT_BAD_INPUT
    if not docs:
        raise CommandError(f"中心 {args.center} 还没有任何事项，未导出文件")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for doc in docs:
            path = folder / f"{doc['code']}.json"
            path.write_text(item_file_text(doc), encoding="utf-8")
            print(f"已导出 {doc['code']}（{doc.get('name', '')}）：{path}")
    except OSError as exc:
        raise CommandError(f"无法写入 {folder}：{exc.strerror or exc}") from None
    print(f"共导出 {len(docs)} 个事项到 {folder}（可用 govhall items load {folder} 导入）")
    return 0


def add_commands(sub: Any) -> None:
    items = sub.add_parser("items", help="事项").add_subparsers(dest="items_command", required=True, metavar="ACTION")
    p = items.add_parser("load", help="从目录导入事项定义（JSON）并发布")
    p.add_argument("dir")
    p.add_argument("--center", help="只导入这个中心；不指定时导入全部中心")
    p.add_argument("--no-publish", action="store_true", help="只保存草稿，不发布")
    p.set_defaults(func=cmd_items_load)
    p = items.add_parser("export", help="把中心的事项（草稿，没有草稿时为已发布版本）导出为事项文件（<编码>.json）")
    p.add_argument("center", metavar="CENTER")
    p.add_argument("codes", nargs="*", metavar="CODE", help="只导出这些事项；不指定时导出全部")
    p.add_argument("--to", required=True, metavar="DIR", help="写入的目录（不存在时新建；同名文件被覆盖）")
    p.set_defaults(func=cmd_items_export)
