"""``govhall dispatch [--once]``: the outbox dispatcher, beside or instead of the one in ``serve``."""

from __future__ import annotations

import argparse
import asyncio
import logging
from typing import TYPE_CHECKING, Any

from core.faces.cli import with_database

if TYPE_CHECKING:
    from core.services.runtime import GovHall


@with_database
async def cmd_dispatch(govhall: GovHall, args: argparse.Namespace) -> int:
    from core.services.outbox import Dispatcher, OutboxConfig, run_dispatcher

    config = OutboxConfig.from_env()
    if args.once:
        n = await Dispatcher(govhall, config).drain()
        print(f"本次投递事件 {n} 个。")
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    print(f"事件投递已启动（{config.poll_seconds:g} 秒轮询一次）；Ctrl-C 停止。", flush=True)
    if config.poll_seconds <= 0:
        config = OutboxConfig.from_env(poll_seconds=2.0)
    try:
        await run_dispatcher(govhall, config)
    except asyncio.CancelledError:
        pass
    return 0


def add_commands(sub: Any) -> None:
    p = sub.add_parser("dispatch", help="投递事件发件箱（电子监察、好差评等对外推送）")
    p.add_argument("--once", action="store_true", help="投递当前到期的事件后退出")
    p.set_defaults(func=cmd_dispatch)
