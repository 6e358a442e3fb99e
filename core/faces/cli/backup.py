"""``govhall db backup FILE``: a consistent copy of the whole database while the hall keeps working.

Everything GovHall keeps is in the database (cases, their events, uploaded materials and issued
documents are rows and blobs), so one file is the whole backup. On SQLite the copy is made with
SQLite's online backup in one step: it reads one snapshot (in WAL mode the server's writers are not
held up) and is written as a single self-contained file, then checked (``PRAGMA quick_check``). On
PostgreSQL it is ``pg_dump``'s custom format, checked by listing it with ``pg_restore``. Either is
written beside ``FILE`` first and renamed once complete, so an interrupted backup never leaves a
file that looks whole; an existing ``FILE`` is replaced only with ``--force``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

from core.faces.cli import EXIT_UNAVAILABLE, CommandError
from core.plumbing.settings import Settings


def cmd_db_backup(args: argparse.Namespace) -> int:
    target = Path(args.file)
    if target.is_dir():
        raise CommandError(f"这是一个目录，请给出备份文件名 / is a directory: {target}")
    if target.exists() and not args.force:
        raise CommandError(f"文件已存在，未覆盖（覆盖请加 --force）/ exists: {target}")
    if not target.parent.is_dir():
        raise CommandError(f"目录不存在 / no such directory: {target.parent}")
    url = Settings.from_env().database_url
    partial = target.with_name(target.name + ".partial")
    started = time.monotonic()
    try:
        try:
            partial.touch()  # the copy's place, before the database is read: a refusal is the caller's path
        except OSError as exc:
            raise CommandError(f"无法写入备份文件 {target}：{exc.strerror or exc} / cannot write") from exc
        if url.startswith(("postgres://", "postgresql://")):
            summary = _backup_postgres(url, partial)
        elif url.startswith("sqlite://") and ":memory:" not in url:
            summary = _backup_sqlite(Path(url[len("sqlite://"):].split("?", 1)[0]), partial)
        else:
            raise CommandError(f"无法备份这个数据库 / cannot back up: {url.split('://', 1)[0]}")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    size = target.stat().st_size / 1024 / 1024
    print(f"已备份到 {target}：{size:.1f} MiB，{summary}，用时 {time.monotonic() - started:.1f} 秒。")
    return 0


def _backup_sqlite(source: Path, partial: Path) -> str:
    if not source.is_file():
        raise CommandError(f"数据库文件不存在 / no database file: {source}", EXIT_UNAVAILABLE)
    print(f"正在备份 {source}（{source.stat().st_size / 1024 / 1024:.1f} MiB）……", flush=True)
    partial.unlink(missing_ok=True)
    with _closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=15)) as db, \
            _closing(sqlite3.connect(partial)) as copy:
        db.backup(copy)  # every page in one step: one snapshot, never restarted by the server's writes
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, not a write-ahead log beside it
        checked = copy.execute("PRAGMA quick_check").fetchone()[0]
        if checked != "ok":
            raise CommandError(f"备份校验失败 / the copy failed its check: {checked}", EXIT_UNAVAILABLE)
        cases = _count(copy, "gh_case")
    return f"办件 {cases} 件，校验通过"


def _count(db: sqlite3.Connection, table: str) -> str:
    try:
        return str(db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
    except sqlite3.OperationalError:  # a database never upgraded
        return "0"


def _backup_postgres(url: str, partial: Path) -> str:
    pg_dump, pg_restore = shutil.which("pg_dump"), shutil.which("pg_restore")
    if pg_dump is None or pg_restore is None:
        raise CommandError("未找到 pg_dump / pg_restore，请安装 PostgreSQL 客户端（Debian：apt-get install postgresql-client）",
                           EXIT_UNAVAILABLE)
    address = "postgresql://" + url.split("://", 1)[1]
    print("正在备份 PostgreSQL 数据库（pg_dump）……", flush=True)
    _run([pg_dump, "--format=custom", "--no-owner", f"--file={partial}", f"--dbname={address}"])
    listed = _run([pg_restore, "--list", str(partial)])
    tables = sum(1 for line in listed.splitlines() if " TABLE DATA " in line)
    if " TABLE DATA public gh_case " not in listed:
        raise CommandError("备份中没有办件表，数据库可能尚未建立（govhall db upgrade）/ no gh_case in the dump", EXIT_UNAVAILABLE)
    return f"数据表 {tables} 张，pg_restore 可读取"


def _run(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        raise CommandError(f"{Path(command[0]).name} 失败 / failed: {last}", EXIT_UNAVAILABLE)
    return done.stdout


class _closing:
    """``sqlite3.connect`` as a context manager that closes (sqlite3's own only commits)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        return self.db

    def __exit__(self, *exc: Any) -> None:
        self.db.close()


def add_commands(db: Any) -> None:
    """``db backup``, under ``govhall db``."""
    p = db.add_parser("backup", help="备份整个数据库（服务运行中也可；SQLite 单文件 / PostgreSQL pg_dump）")
    p.add_argument("file", help="备份文件")
    p.add_argument("--force", action="store_true", help="覆盖已有文件")
    p.set_defaults(func=cmd_db_backup)
