"""Bad input to the administrator's commands that the earlier tests did not try: each is one clear
line and exit status 2, never a traceback or the "database unavailable" status 3."""

from __future__ import annotations

import json
import re

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


def test_a_center_file_with_a_name_too_long_blank_or_a_window_code_twice_in_other_case_is_refused_at_each(upgraded_db, tmp_path):
    path = tmp_path / "c.json"
    doc = center_doc("uc")
    doc["departments"][0]["name"] = "市场监督管理局" + "很" * 300  # longer than the column: was "/: 名称过长", no place
    doc["windows"].append({"code": "B01", "name": "窗" * 129, "kind": "special"})
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    refused(run(["center", "load", str(path)], upgraded_db),
            "/departments/0/name: “进驻部门”第1项的“部门名称”不能超过128个字符（现有307个）",
            "/windows/2/name: “窗口”第3项的“窗口名称”不能超过128个字符（现有129个）", "中心文件有 2 处问题，未写入任何数据")
    doc = center_doc("uc")
    doc["departments"][1]["name"] = "　　"  # full-width spaces only
    doc["windows"].append({"code": "a01", "name": "综合受理窗口二", "kind": "comprehensive"})  # beside A01
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    refused(run(["center", "load", str(path)], upgraded_db), "/departments/1/name: 部门名称至少2个字（前后的空格不算）",
            "/windows/2/code: 窗口编号“a01”与“A01”只差大小写，视为重复", "中心文件有 2 处问题，未写入任何数据")


def test_an_empty_calendar_or_center_file_is_said_to_be_empty(upgraded_db, tmp_path):
    empty = tmp_path / "calendar-2027.json"
    empty.write_bytes(b"\xef\xbb\xbf\r\n  \r\n")  # an editor's BOM and line ends, nothing else
    refused(run(["calendar", "import", str(empty)], upgraded_db), "文件是空的，没有任何内容")
    (tmp_path / "c.json").write_text("", "utf-8")
    result = run(["center", "load", str(tmp_path / "c.json")], upgraded_db)
    refused(result, "文件是空的")
    assert "Expecting value" not in result.stderr


def test_a_catalogue_workbook_that_is_empty_damaged_or_old_is_explained_in_chinese(upgraded_db, tmp_path):
    load_center(upgraded_db, tmp_path)
    english = re.compile(r"[A-Za-z]{4,}")
    for name, data, words in [
        ("empty.xlsx", b"", ("文件是空的",)),
        ("broken.xlsx", b"PK\x03\x04 cut short by a failed copy", ("不是有效的 Excel（.xlsx）文件，可能已损坏", "另存为")),
        ("renamed.xlsx", "事项名称,实施编码\n".encode("gbk"), ("不是有效的 Excel（.xlsx）文件",)),
        ("old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, ("旧版 Excel（.xls）", "Excel 工作簿（*.xlsx）")),
    ]:
        (tmp_path / name).write_bytes(data)
        result = run(["catalogue", "import", str(tmp_path / name), "--center", "uc", "--dry-run"], upgraded_db)
        refused(result, *words)
        message = result.stderr.split("/file: ", 1)[1].rsplit(" [", 1)[0]  # the error code in brackets aside
        assert "zip" not in message and not english.search(message.replace("Excel", "").replace("xlsx", "").replace("WPS", "")), message
    # a directory given for the file is said so, not a traceback
    (tmp_path / "dir.xlsx").mkdir()
    refused(run(["catalogue", "import", str(tmp_path / "dir.xlsx"), "--center", "uc"], upgraded_db), "这是一个目录")


def test_a_csv_catalogue_is_refused_as_a_format_first_saying_how_to_save_it_as_xlsx(upgraded_db, tmp_path):
    load_center(upgraded_db, tmp_path)
    sheet = tmp_path / "cat.csv"
    sheet.write_bytes("事项名称,实施编码\n食品经营许可,11441882MB2C0001\n".encode("gbk"))  # as Excel exports it in China
    result = run(["catalogue", "import", str(sheet), "--center", "uc", "--dry-run"], upgraded_db)
    refused(result, "不接受CSV 文件", "只能导入 JSON（.json）或 Excel 工作簿（.xlsx）", "WPS", "另存为", "Excel 工作簿（*.xlsx）")
    assert "UTF-8" not in result.stderr, result.stderr
    sheet.write_text("事项名称,实施编码\n", "utf-8")  # a UTF-8 CSV is no more accepted: was "JSON 格式错误"
    refused(run(["catalogue", "import", str(sheet), "--center", "uc"], upgraded_db), "不接受CSV 文件")
    (tmp_path / "cat.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    refused(run(["catalogue", "import", str(tmp_path / "cat.xls"), "--center", "uc"], upgraded_db), "旧版 Excel（.xls）", "另存为")


def test_a_center_file_naming_a_stored_window_in_other_case_is_refused_not_a_second_window(upgraded_db, tmp_path):
    path = tmp_path / "c.json"
    doc = center_doc("uc")
    doc["windows"][0]["code"] = "w01"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    assert run(["center", "load", str(path)], upgraded_db).returncode == 0
    doc["windows"][0]["code"] = "W01"  # an editor's capital, and w01 no longer listed
    doc["windows"][0]["name"] = "综合受理一号窗口"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    refused(run(["center", "load", str(path)], upgraded_db),
            "/windows/0/code: 窗口编号“W01”与本中心已有的“w01”只差大小写，视为同一窗口：要修改该窗口请写“w01”", "未写入任何数据")
    doc["windows"][0]["code"] = "w01"  # as stored: updated in place
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    assert run(["center", "load", str(path)], upgraded_db).returncode == 0
