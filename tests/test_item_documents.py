"""Item documents: the shipped forms/ files are valid and realistic; broken ones are fully reported."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from core.plumbing.errors import UserErrorsException
from core.services.form_validation import FormValidator, check_form_schema
from core.services.item_definitions import item_schema, load_item_files, validate_item_document

FORMS_DIR = Path(__file__).resolve().parent.parent / "forms"
FORM_FILES = sorted(FORMS_DIR.glob("*.json"))
DEPARTMENTS = {"scjg", "gaj", "zjj", "hbj", "slj", "zrzy", "fgj", "wsj", "lyj", "rsj", "gjj", "swj", "cgj", "xfj", "zwb"}
DOCUMENT_KINDS = {"acceptance_notice", "correction_notice", "return_notice", "promise_notice", "joint_notice",
                  "approval_decision", "refusal_decision", "certificate", "reply_notice", "register"}

# The fourteen items of /work/shared/domain/items.md and the staff leave request, by name.
EXPECTED_ITEMS = {
    "scjg-gssldj": "有限责任公司设立登记",
    "scjg-qyzxdj": "企业注销登记",
    "gaj-yzkzba": "印章刻制备案",
    "scjg-spjyxk": "食品经营许可",
    "zjj-sgxk": "建筑工程施工许可证核发",
    "hbj-hpbgb": "环境影响报告表审批",
    "zjj-xfsjsc": "消防设计审查",
    "cgj-hwggsz": "户外广告",
    "slj-qsxk": "取水许可",
    "wsj-ggcswsxk": "公共场所卫生许可",
    "lyj-lmcfxk": "林木采伐许可证核发",
    "fgj-qytzxmba": "企业投资项目备案",
    "rsj-dwcbdj": "社会保险登记",
    "gjj-dwjcdj": "住房公积金单位缴存登记",
    "zwb-qjd": "请假单",
}


def load(name: str) -> dict[str, Any]:
    return json.loads((FORMS_DIR / f"{name}.json").read_text("utf-8"))


# --- the shipped documents --------------------------------------------------------------------------

def test_all_expected_items_are_shipped() -> None:
    docs = {path.stem: doc for path, doc in load_item_files(FORMS_DIR)}
    assert len(docs) >= 15
    for code, name in EXPECTED_ITEMS.items():
        assert code in docs, code
        assert name in docs[code]["name"], (code, docs[code]["name"])


@pytest.mark.parametrize("path", FORM_FILES, ids=lambda p: p.stem)
def test_shipped_item_is_valid(path: Path) -> None:
    doc = json.loads(path.read_text("utf-8"))
    problems = validate_item_document(
        doc, known_processes={"standard"}, known_documents=DOCUMENT_KINDS, departments=DEPARTMENTS
    )
    assert problems == []
    assert path.stem == doc["code"]
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]+", doc["code"])


@pytest.mark.parametrize("path", FORM_FILES, ids=lambda p: p.stem)
def test_shipped_item_is_complete_for_a_clerk(path: Path) -> None:
    doc = json.loads(path.read_text("utf-8"))
    form = doc["form"]
    assert 6 <= len(form["properties"]) <= 30
    assert form["x-order"] == list(form["properties"])
    assert form["required"], "a form with no required field accepts an empty case"
    for name, field in form["properties"].items():
        assert re.search(r"[\u4e00-\u9fff]", field["title"]), name
        if field.get("type") == "array" and field["items"].get("type") == "object":
            for col, sub in field["items"]["properties"].items():
                assert re.search(r"[\u4e00-\u9fff]", sub["title"]), (name, col)
    assert doc["legalBasis"] and doc["conditions"] and doc["checklist"]
    assert any(m["role"] == "main" for m in doc["materials"])
    assert doc["promisedDays"] <= doc["legalDays"]
    assert doc["process"] == "standard"


def test_formats_are_used_where_they_belong() -> None:
    formats: dict[str, set[str]] = {}
    for path in FORM_FILES:
        text = path.read_text("utf-8")
        for fmt in re.findall(r'"format": "([a-z-]+)"', text):
            formats.setdefault(fmt, set()).add(path.stem)
    assert len(formats["uscc"]) >= 10
    assert len(formats["resident-id"]) >= 8
    assert formats.keys() >= {"mobile-cn", "phone-cn", "postcode-cn", "money", "date", "year-month", "email"}
    for path in FORM_FILES:
        form = json.loads(path.read_text("utf-8"))["form"]
        for name, field in form["properties"].items():
            title = field["title"]
            if "或" in title and title.endswith(("代码", "号码")):  # 代码或身份证号码: if/then picks the format
                assert "if" in json.dumps(form["allOf"]) and name in json.dumps(form["allOf"]), (path.stem, name)
            elif title.endswith("统一社会信用代码"):
                assert field.get("format") == "uscc", (path.stem, name)
            elif title.endswith("身份证号码"):
                assert field.get("format") == "resident-id", (path.stem, name)


def test_joint_items_name_departments_and_category() -> None:
    for code in ("zjj-sgxk", "hbj-hpbgb"):
        doc = load(code)
        assert doc["jointDepartments"] and doc["category"] == "建设项目"
        assert "fgj" in doc["jointDepartments"]  # construction projects are led by development & reform


def test_leave_request_follows_the_attendance_rules() -> None:
    doc = load("zwb-qjd")
    assert doc["itemType"] == "内部事项" and doc["department"] == "zwb"
    text = json.dumps(doc, ensure_ascii=False)
    assert "1天以内" in text and "1天以上" in text and "中心领导" in text and "窗口负责人" in text
    v = FormValidator(doc["form"])
    case = {
        "staffName": "陈丽", "dispatchingDepartment": "市场监督管理局", "window": "3号窗口", "leaveType": "病假",
        "startTime": "2025-03-10T09:00:00+08:00", "endTime": "2025-03-11T17:00:00+08:00", "days": 2,
        "reason": "发热就医", "contactMobile": "13800138000", "retroactive": False,
    }
    assert [(e.path, e.code) for e in v.errors(case)] == [("/supportingDocument", "required")]
    case["supportingDocument"] = "hospital-note.pdf"
    assert v.errors(case) == []
    case["days"] = 1.25
    assert [e.code for e in v.errors(case)] == ["multipleOf"]


def test_company_registration_form_accepts_a_real_case_and_rejects_a_wrong_one() -> None:
    v = FormValidator(load("scjg-gssldj")["form"])
    case = {
        "enterpriseName": "翁源县青禾农业科技有限公司", "nameDeclarationNo": "YZ2025440229001",
        "companyType": "有限责任公司（自然人投资或控股）", "address": "广东省韶关市翁源县龙仙镇建设路18号",
        "registeredCapital": 100, "businessScope": "一般项目：农业技术服务、技术开发。", "operatingTerm": "长期",
        "legalRepresentative": {"name": "张三", "idNumber": "11010519491231002X", "position": "执行公司事务的董事",
                                "mobile": "13800138000"},
        "officers": [{"name": "李四", "idNumber": "440524188001010014", "position": "监事", "appointment": "选举"}],
        "shareholders": [
            {"name": "张三", "holderType": "自然人", "idNumber": "11010519491231002X", "subscribed": 60,
             "method": "货币", "ratio": 60, "dueDate": "2029-06-30"},
            {"name": "韶关青禾投资有限公司", "holderType": "企业法人", "idNumber": "91310115591693856A",
             "subscribed": 40, "method": "货币", "ratio": 40, "dueDate": "2029-06-30"},
        ],
        "liaison": {"name": "王五", "idNumber": "440524188001010014", "mobile": "13900139000"},
        "phone": "0751-2812345",
    }
    assert v.errors(case) == []
    wrong = copy.deepcopy(case)
    wrong["shareholders"][0]["idNumber"] = "91310115591693856A"  # a natural person with a company code
    wrong["shareholders"][1]["idNumber"] = "91310115591693856B"
    wrong["operatingTerm"] = "固定期限"
    found = {(e.path, e.code): e.message for e in v.errors(wrong)}
    assert found == {
        ("/operatingYears", "required"): "请填写“营业期限（年）”",
        ("/shareholders/0/idNumber", "format.resident-id"): "“股东”第1项的“证件号码”应为17位数字加1位数字或X",
        ("/shareholders/1/idNumber", "format.uscc"): "“股东”第2项的“证件号码”校验位错误",
    }


def test_certificate_fields_point_into_the_form() -> None:
    with_certificates = [p for p in FORM_FILES if "certificate" in json.loads(p.read_text("utf-8"))]
    assert len(with_certificates) >= 5
    doc = load("zjj-sgxk")
    doc["certificate"]["fields"][0]["pointer"] = "/builder"
    assert [(p.path, p.code) for p in validate_item_document(doc)] == [
        ("/certificate/fields/0/pointer", "unknown_pointer")
    ]


# --- broken documents -------------------------------------------------------------------------------

def test_broken_document_reports_everything_with_pointers() -> None:
    doc = load("wsj-ggcswsxk")
    del doc["name"]
    doc["itemType"] = "行政审批"
    doc["legalDays"] = 3
    doc["promisedDays"] = 5
    doc["caseKind"] = "urgent"
    doc["materials"][1]["role"] = "主件"
    doc["materials"][2]["code"] = doc["materials"][0]["code"]
    del doc["materials"][3]["copies"]
    doc["checklist"][1]["code"] = "c01"
    doc["fees"] = {"charged": True}
    doc["visits"] = 3
    doc["documents"].append("fax")
    doc["form"]["properties"]["uscc"]["format"] = "credit-code"
    doc["form"]["properties"]["area"]["type"] = "float"
    doc["certificate"]["fields"][2]["pointer"] = "/addr"
    doc["owner"] = "张三"
    problems = validate_item_document(doc)
    got = {(p.path, p.code) for p in problems}
    assert got == {
        ("/name", "required"),
        ("/itemType", "enum"),
        ("/promisedDays", "promised_exceeds_legal"),
        ("/caseKind", "enum"),
        ("/materials/1/role", "enum"),
        ("/materials/2/code", "duplicate_code"),
        ("/materials/3/copies", "required"),
        ("/checklist/1/code", "duplicate_code"),
        ("/fees/amount", "required"),
        ("/fees/basis", "required"),
        ("/visits", "maximum"),
        ("/documents/7", "enum"),
        ("/form/properties/uscc/format", "form.unknown_format"),
        ("/form/properties/area/type", "form.invalid_schema"),
        ("/certificate/fields/2/pointer", "unknown_pointer"),
        ("/owner", "additionalProperties"),
    }
    messages = {(p.path, p.code): p.message for p in problems}
    assert messages["/name", "required"] == "请填写“事项名称”"
    assert messages["/materials/3/copies", "required"] == "请填写“申请材料”第4项的“复印件份数”"
    assert messages["/visits", "maximum"] == "“到现场次数”不能大于2"
    assert "承诺办结时限（5个工作日）不能超过法定办结时限（3个工作日）" in messages["/promisedDays", "promised_exceeds_legal"]
    paths = [p.path for p in problems]
    assert paths == sorted(paths, key=lambda s: [(0, int(x), "") if x.isdigit() else (1, 0, x) for x in s.split("/")])


def test_unknown_process_documents_and_departments() -> None:
    doc = load("zjj-sgxk")
    problems = validate_item_document(
        doc, known_processes={"one_window"}, known_documents=DOCUMENT_KINDS - {"joint_notice"},
        departments={"zjj", "fgj"},
    )
    got = {(p.path, p.code) for p in problems}
    joint_notice = doc["documents"].index("joint_notice")
    assert got == {
        ("/process", "unknown_process"),
        (f"/documents/{joint_notice}", "unknown_document"),
        ("/jointDepartments/1", "unknown_department"),
    }
    assert validate_item_document(doc, departments={"fgj", "zrzy"}) == [
        validate_item_document(doc, departments={"fgj", "zrzy"})[0]
    ]
    [problem] = validate_item_document(doc, departments={"fgj", "zrzy"})
    assert (problem.path, problem.code) == ("/department", "unknown_department")


def test_semantic_rules() -> None:
    doc = load("gaj-yzkzba")
    doc["promisedDays"] = 1
    doc["legalDays"] = 2
    doc["jointDepartments"] = ["scjg", "gaj"]
    for m in doc["materials"]:
        m["role"] = "secondary"
    got = {(p.path, p.code) for p in validate_item_document(doc)}
    assert got == {
        ("/promisedDays", "immediate_with_days"),
        ("/jointDepartments/1", "duplicate_department"),
        ("/materials", "no_main_material"),
    }


def test_minimal_document() -> None:
    doc = {
        "code": "demo-1", "name": "演示事项", "itemType": "公共服务", "department": "zwb", "legalDays": 0,
        "promisedDays": 0, "caseKind": "immediate", "materials": [], "process": "standard",
        "form": {"type": "object", "properties": {"name": {"type": "string", "title": "姓名"}}},
    }
    assert validate_item_document(doc) == []
    del doc["form"]
    assert [(p.path, p.code) for p in validate_item_document(doc)] == [("/form", "required")]


def test_form_must_be_an_object_schema() -> None:
    doc = load("gaj-yzkzba")
    doc["form"] = {"type": "array", "items": {"type": "string"}}
    assert [(p.path, p.code) for p in validate_item_document(doc)] == [("/form/type", "form.root_type")]
    doc["form"] = "表单"
    codes = {(p.path, p.code) for p in validate_item_document(doc)}
    assert ("/form", "type") in codes


def test_not_an_object() -> None:
    assert [(p.path, p.code) for p in validate_item_document(["x"])] == [("", "type")]


def test_meta_schema_documents_every_property() -> None:
    schema = item_schema()
    assert check_form_schema(schema, "") == []  # it is itself a valid object schema
    for name, prop in schema["properties"].items():
        assert re.search(r"[\u4e00-\u9fff]", prop.get("title", "")), name
        assert re.search(r"[\u4e00-\u9fff]", prop.get("description", "")), name


# --- loading files ----------------------------------------------------------------------------------

def test_load_item_files_reads_every_json(tmp_path: Path) -> None:
    (tmp_path / "b.json").write_text('{"code": "b"}', "utf-8")
    (tmp_path / "a.json").write_text('{"code": "a"}', "utf-8")
    (tmp_path / "notes.txt").write_text("not json", "utf-8")
    loaded = load_item_files(tmp_path)
    assert [(p.name, d["code"]) for p, d in loaded] == [("a.json", "a"), ("b.json", "b")]


def test_load_item_files_reports_every_bad_file(tmp_path: Path) -> None:
    (tmp_path / "good.json").write_text('{"code": "good"}', "utf-8")
    (tmp_path / "broken.json").write_text('{"code": "x",\n "name": }', "utf-8")
    (tmp_path / "list.json").write_text("[1, 2]", "utf-8")
    (tmp_path / "gbk.json").write_bytes('{"name": "请假单"}'.encode("gbk"))
    with pytest.raises(UserErrorsException) as info:
        load_item_files(tmp_path)
    errors = info.value.errors
    assert [e.code for e in errors] == ["invalid_json", "invalid_json", "invalid_document"]
    assert errors[0].message.startswith("broken.json：第2行")
    assert errors[1].message.startswith("gbk.json")
    assert errors[2].message.startswith("list.json")


def test_load_item_files_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(UserErrorsException) as info:
        load_item_files(tmp_path / "nope")
    assert info.value.errors[0].code == "not_found"
