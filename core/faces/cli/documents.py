"""``govhall documents render``: render the documents still being prepared, now (the worker inside
``govhall serve`` does it as they are issued; this is for operations and for deployments that run
rendering elsewhere). ``--retry-failed`` gives documents whose every attempt failed a new round."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from core.faces.cli import with_database

if TYPE_CHECKING:
    from core.services.runtime import GovHall


@with_database
async def cmd_documents_render(govhall: GovHall, args: argparse.Namespace) -> int:
    from core.services.documents.rendering import render_due, retry_failed
    from core.plumbing.models import Document

    if args.retry_failed:
        print(f"已将 {await retry_failed()} 份生成失败的文书重新排队。")
    summary = await render_due(govhall, limit=args.limit)
    waiting = await Document.filter(state="pending").count()
    failed = await Document.filter(state="failed").count()
    print(f"已生成 {summary.rendered} 份文书；{summary.retrying} 份本次未成功、稍后重试；"
          f"仍在排队 {waiting} 份；生成失败 {failed} 份。")
    return 0 if summary.failed == 0 else 1


def add_commands(sub: Any) -> None:
    documents = sub.add_parser("documents", help="文书").add_subparsers(
        dest="documents_command", required=True, metavar="ACTION"
    )
    p = documents.add_parser("render", help="立即生成正在排队的文书 PDF")
    p.add_argument("--limit", type=int, default=None, help="最多生成多少份（默认全部）")
    p.add_argument("--retry-failed", action="store_true", help="先把生成失败的文书重新排队")
    p.set_defaults(func=cmd_documents_render)
