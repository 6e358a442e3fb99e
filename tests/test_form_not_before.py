"""A date field that may not be earlier than another (计划竣工日期 before 计划开工日期): ``"x-notBefore"``.

An applicant who typed a 计划竣工日期 before the 计划开工日期 was told nothing and the case was filed
with an impossible period. The designer writes ``"x-notBefore": "plannedStart"`` on the later date;
the server refuses the answer at that field, in Chinese, by submitCase and by a transition's edits, and
the browser says the same words as the field is left (tests/data/not_before_vectors.json).
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from core.services.form_precheck import compile_precheck
from core.services.form_validation import FormValidator, check_form_schema
from core.services.item_changes import describe_changes
from tests.hall import CaseDriver, build_hall, codes, permit_with_form, refused_then_published

ROOT = Path(__file__).resolve().parent.parent
VECTORS = json.loads((ROOT / "tests" / "data" / "not_before_vectors.json").read_text("utf-8"))

START = {"type": "string", "title": "计划开工日期", "format": "date", "x-widget": "date"}
END = {"type": "string", "title": "计划竣工日期", "format": "date", "x-widget": "date", "x-notBefore": "plannedStart"}
ROW = {"type": "object", "properties": {
    "unit": {"type": "string", "title": "单位名称"},
    "from": {"type": "string", "title": "进场日期", "format": "date"},
    "until": {"type": "string", "title": "退场日期", "format": "date", "x-notBefore": "from"},
}}
FORM = {
    "type": "object", "title": "申请表", "required": ["companyName"],
    "properties": {
        "companyName": {"type": "string", "title": "企业名称"},
        "plannedStart": START, "plannedCompletion": END,
        "crews": {"type": "array", "title": "参建单位", "x-widget": "table", "items": ROW},
    },
}
NAME = "连州市测试建设有限公司"


def test_an_end_before_its_start_is_refused_at_the_end_in_the_form_and_in_a_table_row():
    validator = FormValidator(FORM, answers=True)
    errors = validator.errors({"companyName": NAME, "plannedStart": "2027-03-01", "plannedCompletion": "2027-02-28",
                               "crews": [{"from": "2027-03-01", "until": "2027-03-01"}, {"from": "2027-05-02", "until": "2027-05-01"}]})
    assert [(e.path, e.code, e.message) for e in errors] == [
        ("/crews/1/until", "not_before", "“参建单位”第2项的“退场日期”不能早于“进场日期”"),
        ("/plannedCompletion", "not_before", "“计划竣工日期”不能早于“计划开工日期”"),
    ]
    # the same day is a period; a missing date or one that is no date says nothing of the order
    assert validator.errors({"companyName": NAME, "plannedStart": "2027-03-01", "plannedCompletion": "2027-03-01"}) == []
    assert validator.errors({"companyName": NAME, "plannedCompletion": "2027-02-28"}) == []
    bad = validator.errors({"companyName": NAME, "plannedStart": "2027-02-30", "plannedCompletion": "2027-02-28"})
    assert [e.code for e in bad] == ["format.date"]
    precheck = compile_precheck(FORM)
    assert precheck is not None
    assert precheck({"companyName": NAME, "plannedStart": "2027-03-01", "plannedCompletion": "2027-03-02"})
    assert not precheck({"companyName": NAME, "plannedStart": "2027-03-01", "plannedCompletion": "2027-02-28"})
    assert not precheck({"companyName": NAME, "crews": [{"from": "2027-05-02", "until": "2027-05-01"}]})


def test_the_server_says_what_the_vectors_say():
    validator = FormValidator({"type": "object", "properties": VECTORS["properties"]}, answers=True)
    said = [
        next((e.message for e in validator.errors(v["value"]) if e.code == "not_before" and e.path == "/" + v["field"]), None)
        for v in VECTORS["vectors"]
    ]
    assert said == [v["message"] for v in VECTORS["vectors"]]


def test_the_browser_says_what_the_vectors_say():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = f"""
import {{ notBeforeMessage }} from "{(ROOT / "web" / "form.js").as_uri()}";
const {{ properties, vectors }} = JSON.parse(process.argv[1]);
console.log(JSON.stringify(vectors.map((v) =>
  notBeforeMessage(properties, v.value, v.field, `“${{properties[v.field].title || v.field}}”`))));
"""
    run = subprocess.run([node, "--input-type=module", "-e", script, json.dumps(VECTORS, ensure_ascii=False)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [v["message"] for v in VECTORS["vectors"]]


def test_the_definition_names_another_date_of_the_same_object():
    form = copy.deepcopy(FORM)
    form["properties"]["companyName"]["x-notBefore"] = "plannedStart"
    form["properties"]["plannedCompletion"]["x-notBefore"] = "plannedBegin"
    form["properties"]["crews"]["items"]["properties"]["until"]["x-notBefore"] = "unit"
    form["properties"]["plannedStart"]["x-notBefore"] = "plannedStart"
    problems = check_form_schema(form)
    assert [(e.path, e.code) for e in problems] == [
        ("/form/properties/companyName/x-notBefore", "form.not_before"),
        ("/form/properties/plannedStart/x-notBefore", "form.not_before"),
        ("/form/properties/plannedCompletion/x-notBefore", "form.not_before"),
        ("/form/properties/crews/items/properties/until/x-notBefore", "form.not_before"),
    ]
    assert [e.message for e in problems] == [
        "“企业名称”不是日期字段，不能设置“不早于”另一日期",
        "“计划开工日期”的“不早于”应为同一表单（或同一表格行）中另一个日期字段的标识",
        "“计划竣工日期”不早于的字段“plannedBegin”未定义：请选择同一表单（或同一表格行）中的日期字段",
        "“退场日期”不早于的“单位名称”不是日期字段",
    ]
    assert check_form_schema(FORM) == []
    before = copy.deepcopy(FORM)
    del before["properties"]["plannedCompletion"]["x-notBefore"]
    (change,) = describe_changes({"form": before}, {"form": FORM})
    assert change["description"] == "字段“计划竣工日期”不能早于“计划开工日期”"


def test_the_shipped_items_with_a_period_hold_its_end_to_its_start():
    for name, end, start in [("zjj-sgxk", "plannedCompletion", "plannedStart"), ("cgj-hwggsz", "periodEnd", "periodStart"),
                             ("lyj-lmcfxk", "periodEnd", "periodStart"), ("scjg-qyzxdj", "publicityEnd", "publicityStart"),
                             ("zwb-qjd", "endTime", "startTime")]:
        form = json.loads((ROOT / "forms" / f"{name}.json").read_text("utf-8"))["form"]
        assert form["properties"][end]["x-notBefore"] == start, name
        assert check_form_schema(form) == [], name


@pytest.mark.anyio
async def test_submit_case_and_a_correction_refuse_a_completion_before_the_start(app, govhall, gql):
    hall = await build_hall(govhall, gql)
    item = permit_with_form("test-period-order", FORM)
    bad = copy.deepcopy(item)
    bad["form"]["properties"]["plannedCompletion"]["x-notBefore"] = "plannedBegin"
    errors = await refused_then_published(govhall, hall, item, bad)
    assert [e.code for e in errors] == ["form.not_before"]
    drive = CaseDriver(gql, hall)
    reversed_period = {"companyName": NAME, "plannedStart": "2027-03-01", "plannedCompletion": "2027-02-28"}
    refused = await drive.submit("app1", item="test-period-order", data=reversed_period)
    assert codes(refused) == ["not_before"] and refused["errors"][0]["path"] == "/plannedCompletion"
    assert refused["errors"][0]["message"] == "“计划竣工日期”不能早于“计划开工日期”"
    case = await drive.submit("app1", item="test-period-order", data={**reversed_period, "plannedCompletion": "2027-03-01"})
    assert case["__typename"] == "Case"
    # a correction that moves the start past the end is refused at the end, as a new application is
    case = await drive.ok("clerk1", case, "request_materials", data={"missing": [{"name": "计划开工日期有误"}]})
    moved = await drive.act("app1", case, "supply", data={"plannedStart": "2027-04-01"})
    assert codes(moved) == ["not_before"] and moved["errors"][0]["path"] == "/plannedCompletion"
    fixed = await drive.ok("app1", case, "supply", data={"plannedStart": "2027-02-01"})
    assert fixed["state"] == "supplied"
