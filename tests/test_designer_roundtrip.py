"""Every item shipped in forms/ (and plugins/*/forms/) opens in the designer and, saved unchanged, is
the identical document: web/designer/model.js's `roundTrip` writes every value the designer shows
back through the designer's own edits (run with node). The edits themselves are checked too."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ITEM_FILES = sorted([*ROOT.glob("forms/*.json"), *ROOT.glob("plugins/*/forms/*.json")])
MODEL = (ROOT / "web" / "designer" / "model.js").as_uri()


def node(script: str, *args: str) -> object:
    exe = shutil.which("node")
    if exe is None:
        pytest.skip("node is not installed")
    run = subprocess.run([exe, "--input-type=module", "-e", script, *args], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


ROUND_TRIP = """
import { roundTrip, listFields } from "%s";
import { readFileSync } from "node:fs";
const out = process.argv.slice(1).map((file) => {
  const text = readFileSync(file, "utf8");
  const before = JSON.stringify(JSON.parse(text), null, 2);
  const doc = roundTrip(JSON.parse(text));
  return { file, same: JSON.stringify(doc, null, 2) === before, fields: listFields(doc.form).length };
});
console.log(JSON.stringify(out));
"""


def test_every_shipped_item_round_trips_unchanged() -> None:
    assert len(ITEM_FILES) >= 15
    results = node(ROUND_TRIP % MODEL, *map(str, ITEM_FILES))
    assert [r["file"] for r in results if not r["same"]] == []
    assert all(r["fields"] >= 3 for r in results)


EDITS = """
import { addField, setCondition, conditionOf, setRequired, moveField, removeField, renameField, roundTrip, listFields, kindOf } from "%s";
const form = { type: "object", properties: {}, required: [] };
const kind = addField(form, "select", "经营项目");
form.properties[kind].enum = ["热食", "冷食"];
const seats = addField(form, "number", "就餐座位数");
setRequired(form, seats, true);
setCondition(form, seats, { field: kind, value: "热食" });
const shown = conditionOf(form, seats);
const mobile = addField(form, "mobile", "手机号码");
moveField(form, mobile, -1);
const order = [...form["x-order"]];
renameField(form, seats, "seatCount");
const renamed = JSON.parse(JSON.stringify(form));
const before = JSON.stringify(form);
roundTrip({ form });
const unchanged = JSON.stringify(form) === before;
setCondition(form, "seatCount", null);
removeField(form, mobile);
const second = addField(form, "text", "备注");
setCondition(form, second, { field: kind, value: "冷食" });
const withCondition = form.allOf.length;
removeField(form, kind);
console.log(JSON.stringify({ shown, order, renamed, unchanged, withCondition, after: form, kinds: listFields(renamed).map((f) => kindOf(f.schema)) }));
"""


def test_designer_edits_write_plain_json_schema() -> None:
    r = node(EDITS % MODEL)
    assert r["shown"] == {"field": "choice", "value": "热食"}
    assert r["order"] == ["choice", "mobile", "number"]
    assert r["renamed"]["allOf"] == [
        {"if": {"properties": {"choice": {"const": "热食"}}, "required": ["choice"]}, "then": {"required": ["seatCount"]}}
    ]
    assert "seatCount" not in r["renamed"]["required"]  # required while shown, through the condition
    assert r["unchanged"]
    assert r["withCondition"] == 1  # 备注 shown when 经营项目 = 冷食
    assert "allOf" not in r["after"] and list(r["after"]["properties"]) == ["seatCount", "text"]  # removing 经营项目 drops it
    assert r["kinds"] == ["select", "mobile", "number"]


UNKNOWN = """
import { roundTrip, newMaterial } from "%s";
const doc = {
  code: "x-item", name: "测试事项", "x-origin": { tool: "other" },
  materials: [{ code: "m01", name: "申请书", issuer: "申请人", originals: 1, copies: 0, required: true, role: "main", catalogue: "CL-0001", "x-note": 1 }],
  form: { type: "object", properties: { a: { type: "string", title: "甲", "x-future": [1, 2] } }, "x-layout": "grid" },
};
const before = JSON.stringify(doc);
roundTrip(doc);
const picked = newMaterial(doc.materials, "营业执照", { name: "营业执照", issuer: "市场监督管理局", originals: 0, copies: 1, required: true, role: "secondary", catalogue: "CL-0002" });
console.log(JSON.stringify({ same: JSON.stringify(doc) === before, picked }));
"""


def test_unknown_properties_and_catalogue_codes_survive() -> None:
    r = node(UNKNOWN % MODEL)
    assert r["same"]
    assert r["picked"] == {"code": "m02", "name": "营业执照", "issuer": "市场监督管理局", "originals": 0, "copies": 1,
                           "required": True, "role": "secondary", "electronic": True, "catalogue": "CL-0002"}
