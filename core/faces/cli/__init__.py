"""``govhall``: the administrator's command line.

Every command prints a clear message and exits non-zero on bad input (2) or an unavailable
database (3), never with a traceback. A command imports what it uses when it runs: building the
parser loads no plugin, ORM or GraphQL module.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import getpass
import json
import re
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.plumbing import json_files
from core.plumbing.errors import UserError, UserErrorsException, unstorable_value
from core.plumbing.settings import Settings, SettingsError
from core.plumbing.text_safety import BIDI_MESSAGE, has_bidi_controls

if TYPE_CHECKING:
    from core.services.runtime import GovHall

EXIT_BAD_INPUT = 2
EXIT_UNAVAILABLE = 3


class CommandError(Exception):
    """A failure to report to the administrator in one line, with an exit status."""

    def __init__(self, message: str, status: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.status = status


def print_errors(errors: list[UserError], source: str = "") -> None:
    prefix = f"{source}: " if source else ""
    for error in errors:
        where = error.path if error.path else "/"
        print(f"{prefix}{where}: {error.message} [{error.code}]", file=sys.stderr)


def read_json_file(path: str) -> Any:
    """A JSON file as written by any editor: UTF-8, with or without the byte-order mark Windows
    editors put first."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise CommandError(f"文件不存在 / file not found: {path}")
    except UnicodeDecodeError:
        raise CommandError(f"{path}：不是 UTF-8 编码的文本（可能是 GBK 等编码），请在编辑器中另存为 UTF-8 / not UTF-8")
    except (IsADirectoryError, PermissionError) as exc:
        raise CommandError(f"无法读取文件 / cannot read {path}: {exc.strerror or exc}")
    if not text.strip():  # an export that wrote nothing, a file saved before it was filled in
        raise CommandError(f"{path}：文件是空的，没有任何内容，请检查是否选错了文件 / empty file")
    try:
        return json_files.loads(text)
    except json_files.RepeatedKeyError as exc:
        raise CommandError(f"{path}：{exc}") from None
    except json.JSONDecodeError as exc:
        raise CommandError(f"{path}: JSON 格式错误，第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}")
    except RecursionError:
        raise CommandError(f"{path}: JSON 嵌套层次过深，无法读取 / nested too deeply") from None


def make_govhall(settings: Settings | None = None) -> GovHall:
    """The app's shared state with its plugins loaded (the plugins and the core they import load here)."""
    from core.services.runtime import GovHall

    return GovHall.create(settings or Settings.from_env())


def with_database(func: Callable[..., Awaitable[int | None]]) -> Callable[[argparse.Namespace], int]:
    """Run an async command with the database open."""

    def run(args: argparse.Namespace) -> int:
        from core.plumbing.db import open_database

        govhall = make_govhall()

        async def main() -> int | None:
            async with open_database(govhall.tortoise_config):
                return await func(govhall, args)

        return asyncio.run(main()) or 0

    return run


# --- commands ------------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    from core.faces.serving import collector_paused, serve

    settings = Settings.from_env()
    if not settings.public_url_set and not is_loopback(args.host):
        raise CommandError(
            f"在非本机地址 {args.host} 上提供服务时必须设置 GOVHALL_PUBLIC_URL：文书二维码和链接打印的就是这个地址"
            f"（未设置时会打印 {settings.public_url}）。例如 GOVHALL_PUBLIC_URL=https://zwfw.example.gov.cn"
            f" / GOVHALL_PUBLIC_URL must be set when serving on a non-loopback address"
        )
    if args.workers < 1:
        raise CommandError("--workers 至少为 1 / --workers must be at least 1")
    if not 1 <= args.port <= 65535:
        raise CommandError(f"--port 应在 1 到 65535 之间，不是 {args.port} / --port must be 1-65535")
    if not settings.public_url_set:  # on this machine only: the address it serves at, port included
        settings = dataclasses.replace(settings, public_url=loopback_url(args.host, args.port))
    with collector_paused():  # until serve() has frozen what start-up built (see core.faces.serving)
        govhall = make_govhall(settings)
        asyncio.run(_upgrade_unless_up_to_date(govhall))
        from core.faces.app import create_app

        app = create_app(settings, govhall.pm)  # built once, before the workers are forked: they share it

        print(f"GovHall 正在监听 http://{args.host}:{args.port}  (数据库: {_safe_url(settings.database_url)})", flush=True)
        try:
            serve(app=app, host=args.host, port=args.port, workers=args.workers, log_level=args.log_level)
        except OSError as exc:
            raise CommandError(f"无法监听 {args.host}:{args.port}：{exc.strerror or exc}", EXIT_UNAVAILABLE)
    return 0


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach ``host`` (then the default public URL is right)."""
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: may be reachable from anywhere


def loopback_url(host: str, port: int) -> str:
    """The address a browser on this machine uses for ``govhall serve --host host --port port``."""
    host = host.strip("[]")
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _safe_url(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


async def _upgrade(govhall: GovHall, replay: bool = False) -> list[str]:
    from tortoise import Tortoise

    from core.plumbing.db import upgrade

    try:
        return await upgrade(govhall.tortoise_config, replay=replay)
    finally:
        await Tortoise.close_connections()


async def _upgrade_unless_up_to_date(govhall: GovHall) -> None:
    """What ``serve`` runs at start: one query when nothing is to be done, else the full upgrade."""
    from core.plumbing.db import is_up_to_date

    if not await is_up_to_date(govhall.tortoise_config):
        await _upgrade(govhall)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    applied = asyncio.run(_upgrade(make_govhall(), replay=args.replay))
    print("已应用迁移 / applied: " + (", ".join(applied) if applied else "无（数据库已是最新）"))
    return 0


@with_database
async def cmd_center_load(govhall: GovHall, args: argparse.Namespace) -> int:
    from core.services.centers import load_center

    doc = read_json_file(args.file)
    try:
        center = await load_center(doc, govhall.hub)
    except UserErrorsException as exc:
        print_errors(exc.errors, args.file)
        print(f"中心文件有 {len(exc.errors)} 处问题，未写入任何数据。", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"已导入中心 {center.code}（{center.name}），启用插件：{'、'.join(center.plugins) or '无'}")
    return 0


@with_database
async def cmd_user_add(govhall: GovHall, args: argparse.Namespace) -> int:
    from tortoise.transactions import in_transaction

    from core.services.accounts import add_user
    from core.services.centers import get_center

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif sys.stdin.isatty():
        password = getpass.getpass("密码 / password: ")
        if getpass.getpass("再次输入 / again: ") != password:
            raise CommandError("两次输入的密码不一致")
    else:
        raise CommandError("请在终端输入密码，或使用 --password-stdin")
    try:
        async with in_transaction():
            center = await get_center(args.center)  # an unknown center before any account is made
            user = await add_user(args.username, password, display_name=args.name or "", phone=args.phone or "",
                                  hashing=govhall.settings.password_hashing)
            await _grant_post(user, center, args)
    except UserErrorsException as exc:
        print_errors(exc.errors)
        return EXIT_BAD_INPUT
    print(f"已创建用户 {user.username}：{_post_text(args)}")
    return 0


@with_database
async def cmd_user_grant(govhall: GovHall, args: argparse.Namespace) -> int:
    """Another post for an account that exists (a clerk who also reviews, a second center)."""
    from core.plumbing.models import User
    from core.services.centers import get_center

    user = await User.get_or_none(username=args.username)
    if user is None:
        raise CommandError(f"用户“{args.username}”不存在，请先用 govhall user add 创建 / no such user: {args.username}")
    try:
        await _grant_post(user, await get_center(args.center), args)
    except UserErrorsException as exc:
        print_errors(exc.errors)
        return EXIT_BAD_INPUT
    print(f"已授予 {user.username}：{_post_text(args)}")
    return 0


async def _grant_post(user: Any, center: Any, args: argparse.Namespace) -> None:
    """The post a ``user`` command names (role, department, window) in ``center``."""
    from core.services.accounts import grant_role

    await grant_role(user, center, args.role, department_code=args.department, window_code=args.window)


def _post_text(args: argparse.Namespace) -> str:
    """The post a ``user`` command granted: center / role [/ department]."""
    return f"{args.center} / {args.role}" + (f" / {args.department}" if args.department else "")


def _add_post_arguments(p: argparse.ArgumentParser) -> None:
    """The post a ``user`` command grants: in which center, as what, in which department or window."""
    p.add_argument("--center", required=True)
    p.add_argument("--role", required=True)
    p.add_argument("--department")
    p.add_argument("--window")


def _checked_user_add(args: argparse.Namespace) -> int:
    """A display name is printed on documents: it must read as typed (checked before the database opens)."""
    if has_bidi_controls(args.name or ""):
        raise CommandError("姓名" + BIDI_MESSAGE)
    return cmd_user_add(args)


def cmd_demo(args: argparse.Namespace) -> int:
    """Apply migrations, then build the demo data (and, with ``--cases``, a morning's cases)."""
    asyncio.run(_upgrade(make_govhall()))
    status = _demo_data(args)
    if status == 0 and getattr(args, "cases", False):
        from core.faces.cli.demo_cases import file_sample_cases

        for line in asyncio.run(file_sample_cases()):
            print(line)
    return status


@with_database
async def _demo_data(govhall: GovHall, args: argparse.Namespace) -> int:
    from core.services.demo import build_demo

    for line in await build_demo(govhall):
        print(line)
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from core.faces.graphql.schema import build_schema, schema_sdl

    govhall = make_govhall()
    sdl = schema_sdl(build_schema(govhall.hub))
    if args.output == "-":
        sys.stdout.write(sdl)
    else:
        try:
            Path(args.output).write_text(sdl, "utf-8")
        except OSError as exc:  # a path the caller gave: bad input, not an unavailable database
            raise CommandError(f"无法写入 {args.output}：{exc.strerror or exc}") from exc
        print(f"已写入 {args.output}")
    return 0


def _optional_commands(sub: Any) -> None:
    """Commands whose services live in their own modules (items, calendar, sweep, materials)."""
    import importlib

    # Imported by name: these modules import this one (its CommandError and helpers).
    for name in ("core.faces.cli.items", "core.faces.cli.clock", "core.faces.cli.materials", "core.faces.cli.documents", "core.faces.cli.outbox",
                 "core.faces.cli.catalogue", "core.faces.cli.stats"):
        importlib.import_module(name).add_commands(sub)


def make_parser() -> argparse.ArgumentParser:
    import importlib

    parser = argparse.ArgumentParser(prog="govhall", description="GovHall 政务服务平台管理命令")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("serve", help="启动服务 (uvicorn；多进程共用一个 TCP_NODELAY 套接字)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1, help="进程数；多进程请使用 PostgreSQL")
    p.add_argument("--log-level", default="info")
    p.set_defaults(func=cmd_serve)

    db = sub.add_parser("db", help="数据库").add_subparsers(dest="db_command", required=True, metavar="ACTION")
    p = db.add_parser("upgrade", help="应用全部迁移 (新的空数据库直接建立最新结构)")
    p.add_argument("--replay", action="store_true",
                   help="新数据库也逐个执行每个迁移 (检验插件的迁移) / run every migration even on a new database")
    p.set_defaults(func=cmd_db_upgrade)
    importlib.import_module("core.faces.cli.backup").add_commands(db)

    center = sub.add_parser("center", help="中心").add_subparsers(dest="center_command", required=True, metavar="ACTION")
    p = center.add_parser("load", help="导入或更新中心文件 (schemas/center.schema.json)")
    p.add_argument("file")
    p.set_defaults(func=cmd_center_load)

    user = sub.add_parser("user", help="用户").add_subparsers(dest="user_command", required=True, metavar="ACTION")
    p = user.add_parser("add", help="添加用户并授予角色")
    p.add_argument("username")
    _add_post_arguments(p)
    p.add_argument("--name", help="姓名")
    p.add_argument("--phone")
    p.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码")
    p.set_defaults(func=_checked_user_add)

    p = user.add_parser("grant", help="为已有用户增加岗位（角色）")
    p.add_argument("username")
    _add_post_arguments(p)
    p.set_defaults(func=cmd_user_grant)

    p = sub.add_parser("demo", help="建立演示数据：种子中心、部门、窗口、事项和演示用户")
    p.add_argument("--cases", action="store_true",
                   help="再由演示用户在连州办理几件示例办件（待受理、审查中、待出件、已办结、待补正），只在尚无办件时添加")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("schema", help="导出 GraphQL 模式")
    p.add_argument("--output", "-o", default="schema.graphql")
    p.set_defaults(func=cmd_schema)

    _optional_commands(sub)
    return parser


MISSING_SCHEMA = re.compile(r"no such (table|column)|(relation|column|type) \S+ does not exist")


def database_advice(exc: BaseException) -> str | None:
    """What to do about a database that is not there yet, or not set up: one line, else None."""
    cause = exc.__cause__ or exc
    if type(cause).__name__ == "InvalidCatalogNameError":  # asyncpg: the database named in the URL
        return (f"数据库不存在 / no such database：{cause}。请先建立数据库（如 createdb 或 CREATE DATABASE），"
                "再运行 govhall db upgrade")
    if MISSING_SCHEMA.search(str(exc)):
        return (f"数据库尚未建立或不是最新版本（{exc}）：请先运行 govhall db upgrade"
                " / the database has not been set up or upgraded: run `govhall db upgrade` first")
    return None


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    from core.faces.serving import collector_paused

    try:
        with collector_paused():  # loading modules makes only long-lived objects: nothing to collect
            from core.services.runtime import install_tortoise_extensions

            install_tortoise_extensions()  # before any command imports the models
            from core.plumbing.db import upgrade  # noqa: F401  (import errors should surface before the try below)

        return args.func(args)
    except CommandError as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return exc.status
    except SettingsError as exc:
        print(f"设置错误 / bad setting: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except UserErrorsException as exc:
        print_errors(exc.errors)
        return EXIT_BAD_INPUT
    except (OSError, ConnectionError) as exc:
        print(database_advice(exc) or f"无法连接数据库或读取文件 / unavailable: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last line of defence: one line, not a traceback
        if type(exc).__name__ == "ValidationError" and type(exc).__module__.startswith("tortoise"):
            print_errors([unstorable_value(str(exc))])  # a value longer than its column: the input's fault
            return EXIT_BAD_INPUT
        if "TORTOISE" in type(exc).__name__.upper() or type(exc).__module__.startswith(("tortoise", "asyncpg", "sqlite3")):
            print(database_advice(exc) or f"数据库错误 / database error: {exc}", file=sys.stderr)
            return EXIT_UNAVAILABLE
        print(f"意外错误 / unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1

