"""A one-time notice's typed entry names a material of the item the same way on the server
(core/services/notice_names.py, which decides what the applicant's 补齐 must upload) and in the
browser (web/notice.js, which warns the clerk before the notice is issued): one set of vectors."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from core.services.notice_names import bare_name, entry_material, marked_entries, material_for_name

ROOT = Path(__file__).resolve().parent.parent

MATERIALS = [
    {"code": "m1", "name": "申请书"},
    {"code": "m2", "name": "营业执照复印件"},
    {"code": "m3", "name": "法定代表人身份证明（加盖公章）"},
    {"code": "m4", "name": "经办人身份证明"},
    {"code": "m5", "name": "公司章程"},
    {"code": "m6", "name": "公司章程修正案"},
]

# (typed name, the material it names: None for none)
VECTORS: list[tuple[str, str | None]] = [
    ("申请书", "m1"),
    ("营业执照复印件（加盖公章）", "m2"),  # a remark in full-width brackets
    ("营业执照复印件(加盖公章)", "m2"),  # half-width
    ("营业执照复印件【加盖公章】", "m2"),
    ("营业执照复印件[副本]", "m2"),
    ("营业执照　复印件", "m2"),  # a full-width space
    ("法定代表人身份证明", "m3"),  # the list's remark is ignored as well
    ("法定代表人身份证明(加盖公章)", "m3"),
    ("加盖公章的营业执照复印件", "m2"),  # the entry's name contains the material's
    ("公司章程修正案及附件", "m6"),  # the most specific of nested names: not 公司章程
    ("新公司章程", "m5"),
    ("章程修正案", "m6"),  # the material's name contains the entry's
    ("执照复印件", "m2"),
    ("身份证明", None),  # in two materials: no guess
    ("章程", None),  # in 公司章程 and 公司章程修正案
    ("申请书和营业执照复印件", None),  # two materials in one entry
    ("证", None),  # too short to say anything
    ("营业执照副本", None),  # no material's name in it, nor in one's
    ("联系电话有误", None),  # a field of the form, not a material
    ("", None),
    ("（加盖公章）", None),
]


@pytest.mark.parametrize(("name", "code"), VECTORS)
def test_server_names_the_vector_material(name: str, code: str | None) -> None:
    assert material_for_name(name, MATERIALS) == code


def test_bare_names_read_full_width_as_half_width() -> None:
    assert bare_name(" 清税证明（加盖税务机关印章）(原件) ") == "清税证明"
    assert bare_name("ＡＢＣ　证明") == "ABC证明"
    assert bare_name("（全部是备注）") == "(全部是备注)"  # nothing left without it: kept


def test_a_code_or_the_notices_mark_comes_before_the_name() -> None:
    assert entry_material({"name": "营业执照副本", "code": "m2"}, MATERIALS) == "m2"
    assert entry_material({"name": "申请书", "code": "m9"}, MATERIALS) == "m1"  # a code not on the list: the name
    assert entry_material({"name": "申请书", "unlisted": True}, MATERIALS) is None
    assert marked_entries([
        {"name": "加盖公章的营业执照复印件"}, {"name": "联系电话有误"}, {"name": "身份证明", "paper": True},
        {"name": "申请书", "file": "abc"}, {"name": "营业执照复印件", "unlisted": True}, {"name": "执照", "code": "m2"},
    ], MATERIALS) == [
        {"name": "加盖公章的营业执照复印件", "code": "m2"}, {"name": "联系电话有误", "unlisted": True},
        {"name": "身份证明", "paper": True}, {"name": "申请书", "file": "abc"},
        {"name": "营业执照复印件", "code": "m2"}, {"name": "执照", "code": "m2"},
    ]


NODE_SCRIPT = """
import { materialForName, noticeMatches } from "%s";
const { vectors, materials } = JSON.parse(process.argv[1]);
console.log(JSON.stringify({
  got: vectors.map(([name]) => materialForName(name, materials)),
  matches: noticeMatches([{ name: "加盖公章的营业执照复印件" }, { name: "联系电话有误" }, { name: "执照", code: "m2" },
    { name: "身份证明", paper: true }, { name: "申请书", file: "abc" }, { name: "" }], materials),
}));
"""


def test_browser_names_the_same_materials() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = NODE_SCRIPT % (ROOT / "web" / "notice.js").as_uri()
    run = subprocess.run([node, "--input-type=module", "-e", script, json.dumps({"vectors": VECTORS, "materials": MATERIALS})],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert [(name, got) for (name, _), got in zip(VECTORS, result["got"])] == VECTORS
    # what the clerk is told: only typed entries to be uploaded, each with what it is taken for
    assert result["matches"] == [
        {"index": 0, "name": "加盖公章的营业执照复印件", "code": "m2", "material": "营业执照复印件"},
        {"index": 1, "name": "联系电话有误", "code": None, "material": None},
    ]
