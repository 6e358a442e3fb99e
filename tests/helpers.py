"""Small builders shared by tests (not fixtures: plain functions you call)."""

from __future__ import annotations

import ast
import gc
import re
import sys
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from core.services.accounts import add_user, grant_role
from core.services.centers import load_center
from core.services.plugins import PluginHub
from core.plumbing.models import Center, User
from core.plumbing.passwords import PasswordHashing

PASSWORD = "secret-pass-1"
# The tests log in thousands of times: argon2id at its smallest cost. Only tests pass it (through the
# ``settings`` fixture and ``make_user``); no environment variable can lower production's cost.
TEST_PASSWORD_HASHING = PasswordHashing(time_cost=1, memory_cost=8, parallelism=1)


def short_name(code: str) -> str:
    """A case-number prefix of its own for each test center (two centers may not share one)."""
    letters = re.sub("[^A-Z0-9]", "", code.upper())
    return letters if len(letters) <= 8 else f"{letters[:4]}{zlib.crc32(code.encode()) % 10000:04d}"


def center_doc(code: str = "testc", plugins: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "name": f"{code}县政务服务中心",
        "shortName": short_name(code),
        "docPrefix": "测政服",
        "plugins": plugins or [],
        "departments": [
            {"code": "scjg", "name": "市场监督管理局", "category": "市场监管"},
            {"code": "zjj", "name": "住房和城乡建设局", "category": "住房建设"},
            {"code": "fgj", "name": "发展和改革局", "category": "发展改革"},
            {"code": "hbj", "name": "生态环境局"},
            {"code": "gaj", "name": "公安局"},
        ],
        "windows": [
            {"code": "A01", "name": "综合受理窗口", "kind": "comprehensive", "serves": ["scjg", "zjj"]},
            {"code": "C01", "name": "统一出件窗口", "kind": "pickup"},
        ],
        **extra,
    }


async def make_center(hub: PluginHub | None = None, code: str = "testc", plugins: list[str] | None = None) -> Center:
    return await load_center(center_doc(code, plugins), hub)


async def make_user(username: str, center: Center | None = None, role: str | None = None, department: str | None = None) -> User:
    user = await User.get_or_none(username=username) or await add_user(
        username, PASSWORD, display_name=username, hashing=TEST_PASSWORD_HASHING
    )
    if center is not None and role is not None:
        await grant_role(user, center, role, department_code=department)
    return user


def pdf_text(pdf: bytes) -> str:
    """pdftotext's reading of a PDF, without whitespace (letter-spacing and line breaks do not matter)."""
    import re
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", f.name, "-"], capture_output=True, check=True)
    return re.sub(r"\s+", "", out.stdout.decode("utf-8"))


async def notified(govhall: Any, epoch: int | None) -> None:
    """Wait until this app has heard of a change another process committed after ``epoch`` (its
    sign-in cache's epoch then; None: nothing is kept, nothing to wait for). A change made
    elsewhere reaches a process's kept sign-ins a moment after its commit: core.services.sessions."""
    import asyncio

    if epoch is None:
        return
    for _ in range(500):
        if govhall.sessions.listener.epoch != epoch:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the change was never notified")


def sessions_epoch(govhall: Any) -> int | None:
    """The epoch to give :func:`notified`, taken before another process makes its change."""
    return govhall.sessions.epoch() if govhall.sessions is not None else None


def parse_python(path: Path) -> ast.Module:
    """``ast.parse`` of a source file, with the garbage collector held. On CPython 3.11.7 a finalizer
    that runs Python code while the tree is being built (an earlier test's unclosed event loop
    transport) throws off the builder's depth count: "AST constructor recursion depth mismatch"."""
    source = path.read_text("utf-8")
    gc.disable()  # a collection, and the finalizers it runs, waits until the tree is built
    try:
        return ast.parse(source)
    finally:
        gc.enable()


@asynccontextmanager
async def before_migration(config: dict[str, Any], name: str, app: str = "core") -> AsyncIterator[None]:
    """The newest tables with migration ``app.name`` recorded as not yet applied, Tortoise open on
    them for the block: the test writes the rows as an earlier version left them, then upgrades."""
    from tortoise import Tortoise
    from tortoise.connection import get_connection

    from core.plumbing.db import upgrade
    from core.plumbing.sql import for_dialect

    await upgrade(config)
    await Tortoise.init(config=config)
    try:
        await get_connection("default").execute_query(
            for_dialect("DELETE FROM tortoise_migrations WHERE app = ? AND name = ?"), [app, name])
        yield
    finally:
        await Tortoise.close_connections()


@asynccontextmanager
async def migrated_to(config: dict[str, Any], *targets: str) -> AsyncIterator[None]:
    """A new database migrated only up to ``targets`` (``"hall_floor.0005_party_account_names"``,
    one per app; an app not named gets no migration but what they depend on), Tortoise open on it
    for the block: the test writes rows as that version left them (raw SQL for a table the models no
    longer have), then upgrades."""
    from tortoise import Tortoise
    from tortoise.connection import get_connection
    from tortoise.migrations.executor import MigrationExecutor, MigrationTarget

    from core.plumbing.db import migrating_config

    await Tortoise.init(config=migrating_config(config))
    try:
        executor = MigrationExecutor(get_connection("default"), config["apps"])
        await executor.migrate([MigrationTarget(*target.split(".", 1)) for target in targets])
    finally:
        await Tortoise.close_connections()
    await Tortoise.init(config=config)
    try:
        yield
    finally:
        await Tortoise.close_connections()


async def create_in_older_schema(model: Any, **values: Any) -> Any:
    """``model.create(**values)`` on a database migrated to an earlier version: only the columns its
    table has there are written (a later column of the model would fail the ORM's INSERT)."""
    from tortoise.connection import get_connection

    from core.plumbing.sql import for_dialect

    conn = get_connection("default")
    meta = model._meta
    if conn.capabilities.dialect == "postgres":
        rows = await conn.execute_query_dict(
            "SELECT column_name AS name FROM information_schema.columns WHERE table_name = $1", [meta.db_table])
    else:
        rows = await conn.execute_query_dict(f'PRAGMA table_info("{meta.db_table}")')
    existing = {r["name"] for r in rows}
    instance = model(**values)
    names = [n for n, column in meta.fields_db_projection.items() if n != meta.pk_attr and column in existing]
    columns = ", ".join(f'"{meta.fields_db_projection[n]}"' for n in names)
    args = [meta.fields_map[n].to_db_value(getattr(instance, n), instance) for n in names]
    sql = f'INSERT INTO "{meta.db_table}" ({columns}) VALUES ({", ".join("?" for _ in args)}) RETURNING "id"'
    instance.pk = (await conn.execute_query_dict(for_dialect(sql), args))[0]["id"]
    instance._saved_in_db = True
    return instance


class CallCounter:
    """Counts the Python calls made in this thread while it is entered: the work a request costs, as a
    number that does not depend on how busy the machine is (tests never time themselves)."""

    def __init__(self) -> None:
        self.calls = 0

    def _count(self, frame: Any, event: str, arg: Any) -> None:
        if event == "call":
            self.calls += 1

    def __enter__(self) -> CallCounter:
        sys.setprofile(self._count)
        return self

    def __exit__(self, *exc: Any) -> None:
        sys.setprofile(None)
