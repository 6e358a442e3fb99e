"""Item files and hand-written JSON on the command line: ``govhall items export`` writes what
``govhall items load`` reads, and a key given twice in a file is refused, not silently dropped."""

from __future__ import annotations

import copy
import json

from core.services.item_definitions import item_schema
from tests.cli import run
from tests.helpers import center_doc
from tests.hall import PERMIT


def _centers(db: str, tmp_path, *codes: str) -> None:
    for code in codes:
        path = tmp_path / f"{code}.json"
        path.write_text(json.dumps(center_doc(code, plugins=[]), ensure_ascii=False), "utf-8")
        assert run(["center", "load", str(path)], db).returncode == 0


def test_items_export_writes_the_draft_as_items_load_reads_it_and_loads_into_another_center(upgraded_db, tmp_path):
    _centers(upgraded_db, tmp_path, "ex1", "ex2")
    items = tmp_path / "items"
    items.mkdir()
    (items / "permit.json").write_text(json.dumps(PERMIT, ensure_ascii=False), "utf-8")
    assert run(["items", "load", str(items), "--center", "ex1"], upgraded_db).returncode == 0
    draft = copy.deepcopy(PERMIT)
    draft["name"] = "测试许可（变更）"
    (items / "permit.json").write_text(json.dumps(draft, ensure_ascii=False), "utf-8")
    assert run(["items", "load", str(items), "--center", "ex1", "--no-publish"], upgraded_db).returncode == 0

    out = tmp_path / "out"
    exported = run(["items", "export", "ex1", "--to", str(out)], upgraded_db)
    assert exported.returncode == 0, exported.stderr
    assert f"已导出 {PERMIT['code']}（测试许可（变更））" in exported.stdout and "共导出 1 个事项" in exported.stdout
    text = (out / f"{PERMIT['code']}.json").read_text("utf-8")
    assert json.loads(text) == draft  # the draft, not the published version
    # as the designer's JSON.stringify(doc, null, 2), in the item schema's order whatever the database's
    # (PostgreSQL's jsonb has its own), the form's fields in their x-order
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n" and "  \"name\": \"测试许可（变更）\"" in text
    assert list(json.loads(text)) == [key for key in item_schema()["properties"] if key in draft]
    assert list(json.loads(text)["form"]["properties"]) == draft["form"]["x-order"]

    loaded = run(["items", "load", str(out), "--center", "ex2"], upgraded_db)
    assert loaded.returncode == 0 and f"已发布 {PERMIT['code']} 第1版：测试许可（变更）" in loaded.stdout, loaded.stderr
    again = tmp_path / "again"
    assert run(["items", "export", "ex2", PERMIT["code"], "--to", str(again)], upgraded_db).returncode == 0
    assert (again / f"{PERMIT['code']}.json").read_text("utf-8") == text

    unknown = run(["items", "export", "ex1", PERMIT["code"], "nope", "--to", str(tmp_path / "none")], upgraded_db)
    assert unknown.returncode == 2 and "中心 ex1 没有事项“nope”" in unknown.stderr
    assert not (tmp_path / "none").exists()


def test_a_key_given_twice_in_a_hand_written_file_is_refused_naming_the_file_key_and_place(upgraded_db, tmp_path):
    doc = center_doc("twice", plugins=[])
    center = tmp_path / "center.json"
    text = '{\n  "name": "旧名称",\n' + json.dumps(doc, ensure_ascii=False, indent=2)[2:]
    center.write_text(text, "utf-8")
    line = text[: text.index('"name"', text.index('"name"') + 1)].count("\n") + 1
    refused = run(["center", "load", str(center)], upgraded_db)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert f"{center}：第 {line} 行第 3 列，对象 / 中的键“name”写了两次" in refused.stderr
    center.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    assert run(["center", "load", str(center)], upgraded_db).returncode == 0

    items = tmp_path / "items"
    items.mkdir()
    text = json.dumps(PERMIT, ensure_ascii=False, indent=2)
    line = text[: text.index('"capital": {')].count("\n") + 1
    text = text.replace('"capital": {', '"capital": {"type": "string"}, "capital": {', 1)
    (items / "permit.json").write_text(text, "utf-8")
    refused = run(["items", "load", str(items), "--center", "twice"], upgraded_db)
    assert refused.returncode == 2 and "未导入任何事项" in refused.stdout
    assert f"permit.json：第 {line} 行" in refused.stderr
    assert "对象 /form/properties 中的键“capital”写了两次" in refused.stderr

    calendar = tmp_path / "calendar.json"
    calendar.write_text('{"year": 2027, "source": "国务院办公厅通知", "holidays": [\n'
                        '  {"date": "2027-01-01", "name": "元旦", "date": "2027-01-02"}]}', "utf-8")
    refused = run(["calendar", "import", str(calendar), "--center", "twice"], upgraded_db)
    assert refused.returncode == 2 and "第 2 行" in refused.stderr
    assert "对象 /holidays/0 中的键“date”写了两次" in refused.stderr

    catalogue = tmp_path / "catalogue.json"
    catalogue.write_text('{"items": [{"事项名称": "甲", "事项名称": "乙"}]}', "utf-8")
    refused = run(["catalogue", "import", str(catalogue), "--center", "twice", "--dry-run"], upgraded_db)
    assert refused.returncode == 2 and "对象 /items/0 中的键“事项名称”写了两次" in refused.stderr
