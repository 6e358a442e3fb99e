"""`govhall db backup FILE`: a checked copy of the whole database, taken while the hall keeps
working; on PostgreSQL a pg_dump that pg_restore brings back."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess

import asyncpg
import pytest

from tests.cli import new_postgres_database, run, unique_name

from .conftest import IS_POSTGRES, TEST_DATABASE

ROW = "INSERT INTO counter (scope, value) VALUES ('backup-test', 41)"


def _sqlite_path(url: str) -> str:
    return url[len("sqlite://"):].split("?", 1)[0]


def _query(url: str, sql: str) -> list[tuple]:
    async def go() -> list[tuple]:
        conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
        try:
            return [tuple(r) for r in await conn.fetch(sql)]
        finally:
            await conn.close()

    return asyncio.run(go())


@pytest.mark.skipif(IS_POSTGRES, reason="SQLite's file copy")
def test_a_sqlite_backup_is_one_checked_file_of_what_was_committed(upgraded_db, tmp_path):
    source = _sqlite_path(upgraded_db)
    with sqlite3.connect(source) as db:
        db.execute(ROW)
    writer = sqlite3.connect(source, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # the server in the middle of a write: not waited for, not copied
    writer.execute("INSERT INTO counter (scope, value) VALUES ('uncommitted', 1)")
    target = tmp_path / "backup.sqlite3"
    try:
        done = run(["db", "backup", str(target)], upgraded_db)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert done.returncode == 0, done.stderr
    assert "校验通过" in done.stdout and str(target) in done.stdout
    assert not (tmp_path / "backup.sqlite3.partial").exists()
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # no write-ahead log needed beside it
        assert dict(copy.execute("SELECT scope, value FROM counter WHERE scope IN ('backup-test', 'uncommitted')")) == {
            "backup-test": 41}
    finally:
        copy.close()

    target.write_bytes(b"yesterday's backup")
    refused = run(["db", "backup", str(target)], upgraded_db)
    assert refused.returncode == 2 and "--force" in refused.stderr and "Traceback" not in refused.stderr
    assert target.read_bytes() == b"yesterday's backup"
    assert run(["db", "backup", "--force", str(target)], upgraded_db).returncode == 0
    assert target.read_bytes().startswith(b"SQLite format 3")


def test_a_backup_to_a_missing_folder_or_of_a_missing_database_says_so(upgraded_db, tmp_path):
    nowhere = run(["db", "backup", str(tmp_path / "no-such-folder" / "b")], upgraded_db)
    assert nowhere.returncode == 2 and "目录不存在" in nowhere.stderr
    if IS_POSTGRES:
        missing = run(["db", "backup", str(tmp_path / "b")], upgraded_db.rsplit("/", 1)[0] + "/no_such_database_here")
        assert missing.returncode == 3 and "pg_dump" in missing.stderr and "Traceback" not in missing.stderr
    else:
        missing = run(["db", "backup", str(tmp_path / "b")], f"sqlite://{tmp_path / 'none.sqlite3'}")
        assert missing.returncode == 3 and "数据库文件不存在" in missing.stderr
    assert not (tmp_path / "b").exists() and not (tmp_path / "b.partial").exists()


@pytest.mark.postgres_only
def test_a_postgres_backup_restores_into_a_new_database(upgraded_db, tmp_path):
    _query(upgraded_db, ROW)
    target = tmp_path / "govhall.dump"
    done = run(["db", "backup", str(target)], upgraded_db)
    assert done.returncode == 0, done.stderr
    assert "pg_restore 可读取" in done.stdout
    with new_postgres_database(TEST_DATABASE, unique_name("restored")) as restored:
        subprocess.run(["pg_restore", "--no-owner", f"--dbname={restored.replace('postgres://', 'postgresql://', 1)}", str(target)],
                       check=True, capture_output=True)
        assert _query(restored, "SELECT value FROM counter WHERE scope = 'backup-test'") == [(41,)]


def test_a_backup_that_cannot_be_written_where_asked_blames_the_path_not_the_database(upgraded_db, tmp_path):
    """A folder given for the file, or a place the administrator may not write (permission denied):
    bad input (2) naming the path, not a database error; nothing is left behind."""
    import os
    from pathlib import Path

    folder = run(["db", "backup", str(tmp_path)], upgraded_db)
    assert folder.returncode == 2 and "这是一个目录" in folder.stderr, folder.stderr
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    target = locked / "b.sqlite3" if os.geteuid() != 0 else Path("/proc/govhall-backup-test.sqlite3")  # root writes anywhere else
    try:
        refused = run(["db", "backup", str(target)], upgraded_db)
    finally:
        locked.chmod(0o755)
    assert refused.returncode == 2, refused.stderr
    assert f"无法写入备份文件 {target}" in refused.stderr and "数据库" not in refused.stderr and "Traceback" not in refused.stderr
    assert list(locked.iterdir()) == []
