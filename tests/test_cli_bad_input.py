"""Bad input to the administrator's commands that the earlier tests did not try: each is one clear
line and exit status 2, never a traceback or the "database unavailable" status 3."""

from __future__ import annotations

import json

from tests.cli import run
from tests.helpers import center_doc

PASSWORD = "a-good-password\n"


def load_center(db: str, tmp_path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps(center_doc("uc"), ensure_ascii=False), "utf-8")
    assert run(["center", "load", str(path)], db).returncode == 0


def refused(result, *words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "数据库错误" not in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)


def test_an_account_name_or_username_longer_than_its_column_is_bad_input(upgraded_db, tmp_path):
    load_center(upgraded_db, tmp_path)
    long_name = run(["user", "add", "--center", "uc", "--role", "clerk", "--name", "名" * 65, "--password-stdin", "clerk1"],
                    upgraded_db, PASSWORD)
    refused(long_name, "/displayName", "姓名不能超过64个字")
    long_username = run(["user", "add", "--center", "uc", "--role", "clerk", "--password-stdin", "x" * 300], upgraded_db, PASSWORD)
    refused(long_username, "/username", "最长64位")
    assert "x" * 300 not in long_username.stderr.split("/username")[0]
    grant = run(["user", "grant", "--center", "uc", "--role", "clerk", "x" * 300], upgraded_db)
    refused(grant, "用户名过长")
    ok = run(["user", "add", "--center", "uc", "--role", "clerk", "--name", "名" * 64, "--password-stdin", "clerk1"],
             upgraded_db, PASSWORD)
    assert ok.returncode == 0, ok.stderr  # nothing was left behind by the refusals


def test_json_nested_deeper_than_can_be_read_is_bad_input(upgraded_db, tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000, "utf-8")
    refused(run(["center", "load", str(deep)], upgraded_db), "嵌套层次过深")
    refused(run(["calendar", "import", str(deep)], upgraded_db), "嵌套层次过深")
    load_center(upgraded_db, tmp_path)
    items = tmp_path / "items"
    items.mkdir()
    (items / "deep.json").write_text("[" * 100_000, "utf-8")
    refused(run(["items", "load", str(items)], upgraded_db), "deep.json", "嵌套层次过深")


def test_items_load_from_a_directory_without_item_files_is_bad_input(upgraded_db, tmp_path):
    load_center(upgraded_db, tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "readme.txt").write_text("事项文件放在这里", "utf-8")
    refused(run(["items", "load", str(empty)], upgraded_db), "没有事项文件")


def test_a_port_no_socket_can_have_is_bad_input_before_anything_starts(upgraded_db):
    for port in ("99999", "0"):
        refused(run(["serve", "--port", port], upgraded_db), "--port 应在 1 到 65535 之间")


def test_a_setting_that_is_not_a_number_is_said_in_chinese_too(tmp_path):
    import os
    import subprocess
    import sys

    from tests.cli import ROOT

    for name, value, words in (("GOVHALL_TOKEN_HOURS", "twelve", "应为数字"), ("GOVHALL_SWEEP_SECONDS", "-5", "不能为负数"),
                               ("GOVHALL_ENV", "prod", "应为"), ("GOVHALL_MAX_REQUEST_BYTES", "2MB", "应为字节数")):
        env = {**os.environ, "GOVHALL_DATABASE_URL": f"sqlite://{tmp_path / 'x.sqlite3'}", name: value}
        done = subprocess.run([sys.executable, "-m", "core.faces.cli", "db", "upgrade"], capture_output=True, text=True,
                              env=env, cwd=ROOT, timeout=120)
        refused(done, name, words)
