"""The certificate's rows print the applicant's answers as the case page shows them, and a field the
applicant was not asked for or left blank leaves its row out.

A configurator picked, in the designer, 外资来源国家 (shown only when 是否涉及外资 is 是) as a row of
the certificate: approving a case without foreign capital failed with an INTERNAL error, every time,
so the case could never be decided. The 营业期限 (a 日期区间) printed as ``start：2026年1月1日；end：…``
and 注册资本 lost its unit (100.5, not 100.5万元).

Later (2026-11-30): a ``date-time`` answer printed as its ISO text (2026-12-01T01:30:00+00:00, not
2026年12月1日 09:30 on the centers' clock), a table as its cells run together without their columns
(施工单位；某公司；…、设计单位；…), a choice with coded options (``x-enum-labels``, ``anyOf``) as its
code, an amount typed as text (``"1234567.5"``) without its separators and unit, 12.0 亩 as 12.0.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import tempfile

import pytest

from core.services.accounts import Actor, load_grants
from core.services.documents.certificate import printable
from core.services.items import define_item, publish_item
from tests.hall import PERMIT, CaseDriver, build_hall

pytestmark = pytest.mark.anyio

FORM = {
    "type": "object", "title": "申请表",
    "x-order": ["companyName", "uscc", "contactMobile", "capital", "price", "foreign", "foreignCountry", "term",
                "startTime", "scale", "area", "participants"],
    "required": ["companyName", "uscc", "contactMobile", "capital", "foreign", "term"],
    "properties": {
        "companyName": {"type": "string", "title": "企业名称"},
        "uscc": {"type": "string", "title": "统一社会信用代码", "format": "uscc"},
        "contactMobile": {"type": "string", "title": "联系电话", "format": "mobile-cn"},
        "capital": {"type": "number", "title": "注册资本", "x-unit": "万元", "x-widget": "number"},
        "price": {"type": "number", "title": "转让价款", "format": "money", "minimum": 0, "x-widget": "money"},
        "foreign": {"type": "boolean", "title": "是否涉及外资", "x-widget": "radio"},
        "foreignCountry": {"type": "string", "title": "外资来源国家或地区"},
        "term": {
            "type": "object", "title": "营业期限", "x-kind": "dateRange", "x-order": ["start", "end"],
            "properties": {"start": {"type": "string", "title": "开始日期", "format": "date"},
                           "end": {"type": "string", "title": "结束日期", "format": "date"}},
            "required": ["start", "end"], "additionalProperties": False,
        },
        "startTime": {"type": "string", "title": "开工时间", "format": "date-time"},
        "scale": {"type": "string", "title": "企业规模", "enum": ["S", "M"], "x-enum-labels": ["小型", "中型"]},
        "area": {"type": "number", "title": "面积", "x-unit": "亩"},
        "participants": {
            "type": "array", "title": "参建单位", "x-widget": "table",
            "items": {"type": "object", "x-order": ["role", "unitName"], "required": ["role", "unitName"],
                      "additionalProperties": False,
                      "properties": {"unitName": {"type": "string", "title": "单位名称"},
                                     "role": {"type": "string", "title": "单位类别",
                                              "oneOf": [{"const": "builder", "title": "施工单位"},
                                                        {"const": "designer", "title": "设计单位"}]}}},
        },
    },
    "allOf": [{"if": {"properties": {"foreign": {"const": True}}, "required": ["foreign"]},
               "then": {"required": ["foreignCountry"]}}],
    "additionalProperties": False,
}
ROWS = [("企业名称", "/companyName"), ("注册资本", "/capital"), ("转让价款", "/price"),
        ("外资来源", "/foreignCountry"), ("营业期限", "/term"), ("开工时间", "/startTime"), ("企业规模", "/scale"),
        ("面积", "/area"), ("参建单位", "/participants")]
DATA = {"companyName": "连州市测试贸易有限公司", "uscc": "91310115591693856A", "contactMobile": "13800138000",
        "capital": 100.5, "price": 1234567.89, "foreign": False, "term": {"start": "2026-01-01", "end": "2046-12-31"},
        "startTime": "2026-12-01T01:30:00Z", "scale": "M", "area": 12.0,
        "participants": [{"role": "builder", "unitName": "连州市第一建筑工程有限公司"},
                         {"role": "designer", "unitName": "清远市建筑设计院"}]}


def test_answers_print_with_their_units_ranges_and_labels():
    props = FORM["properties"]
    assert printable(100.5, props["capital"]) == "100.5万元"
    assert printable(1234567.89, props["price"]) == "1,234,567.89元"
    assert printable(3000.0, {"format": "money", "title": "投资总额（万元）"}) == "3,000万元"
    assert printable({"start": "2026-01-01", "end": "2046-12-31"}, props["term"]) == "2026年1月1日至2046年12月31日"
    assert printable({"start": "2026-01-01"}, props["term"]) == "2026年1月1日起"
    assert printable(False, props["foreign"]) == "否"
    assert printable("A", {"type": "string", "oneOf": [{"const": "A", "title": "有限责任公司"}]}) == "有限责任公司"
    assert printable(["热食类", "冷食类"], {"type": "array", "items": {"type": "string"}}) == "热食类、冷食类"


GROUP = {"type": "object", "x-order": ["name", "idNumber"],
         "properties": {"name": {"type": "string", "title": "姓名"}, "idNumber": {"type": "string", "title": "身份证号"}}}
PRINTED = [
    # a date-time on the centers' clock, whatever offset it was stored with
    ("2026-12-01T09:30:00+08:00", FORM["properties"]["startTime"], "2026年12月1日 09:30"),
    ("2026-12-01T01:30:00Z", FORM["properties"]["startTime"], "2026年12月1日 09:30"),
    ("2026-11-30T20:30:00-05:00", FORM["properties"]["startTime"], "2026年12月1日 09:30"),
    ("2026-11", {"type": "string", "format": "year-month"}, "2026年11月"),
    ("M", FORM["properties"]["scale"], "中型"),
    (True, {"type": "boolean", "enum": [True, False], "x-enumNames": ["有", "无"]}, "有"),
    (12.0, FORM["properties"]["area"], "12亩"),
    ("1234567.5", {"type": ["number", "string"], "format": "money"}, "1,234,567.5元"),
    (DATA["participants"], FORM["properties"]["participants"],
     "单位类别：施工单位，单位名称：连州市第一建筑工程有限公司；单位类别：设计单位，单位名称：清远市建筑设计院"),
    ({"idNumber": "440181199001011234", "name": "李四"}, GROUP, "姓名：李四；身份证号：440181199001011234"),
]


@pytest.mark.parametrize(("value", "schema", "printed"), PRINTED, ids=[
    "date-time+08", "date-time-Z", "date-time-05", "year-month", "enum-labels", "boolean-enum", "whole-float",
    "money-text", "table", "group"])
def test_times_tables_codes_and_amounts_print_as_the_case_page_shows_them(value, schema, printed):
    assert printable(value, schema) == printed


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed")
async def test_a_row_left_blank_is_left_out_and_the_case_can_be_approved(app, govhall, gql):
    hall = await build_hall(govhall, gql)
    actor = Actor(user=hall.users["config1"], grants=await load_grants(hall.users["config1"]))
    item = {**copy.deepcopy(PERMIT), "code": "test-rows", "form": FORM}
    item["certificate"]["fields"] = [{"label": label, "pointer": p} for label, p in ROWS]
    await define_item(govhall, actor, hall.center, item)
    await publish_item(govhall, actor, hall.center, "test-rows")
    drive = CaseDriver(gql, hall)
    case = await drive.ok("clerk1", await drive.submit("app1", item="test-rows", data=DATA), "accept")
    case = await drive.ok("rev-scjg", case, "approve")
    assert case["state"] == "approved"
    (licence,) = [d for d in case["documents"] if d["kind"] == "certificate"]
    text = await drive.pdf("app1", licence["url"])
    for needle in ("连州市测试贸易有限公司", "注册资本100.5万元", "转让价款1,234,567.89元", "营业期限2026年1月1日至2046年12月31日",
                   "开工时间2026年12月1日09:30", "企业规模中型", "面积12亩",
                   "参建单位单位类别：施工单位，单位名称：连州市第一建筑工程有限公司单位类别：设计单位，单位名称：清远市建筑设计院"):
        assert needle in text, needle
    for raw in ("外资来源", "start", "T01:30", "2026-12-01", "builder"):
        assert raw not in text, raw


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils (pdfinfo) not installed")
async def test_a_certificate_of_many_rows_is_issued_on_one_page_with_its_seal(app, govhall, gql):
    """Fifteen rows, one of them a table of six units, ran onto a second page holding the 有效期 and
    the seal alone: the certificate an applicant downloads is one page, the seal beside the rows."""
    hall = await build_hall(govhall, gql)
    actor = Actor(user=hall.users["config1"], grants=await load_grants(hall.users["config1"]))
    item = {**copy.deepcopy(PERMIT), "code": "test-many", "form": FORM}
    rows = [(label, p) for label, p in ROWS if p != "/participants"]
    rows += [(f"{label}（副本）", p) for label, p in rows[:6]] + [("参建单位", "/participants")]
    item["certificate"]["fields"] = [{"label": label, "pointer": p} for label, p in rows]
    await define_item(govhall, actor, hall.center, item)
    await publish_item(govhall, actor, hall.center, "test-many")
    drive = CaseDriver(gql, hall)
    units = [{"role": "builder", "unitName": f"连州市第{k}建筑工程有限公司"} for k in range(1, 7)]
    case = await drive.ok("clerk1", await drive.submit("app1", item="test-many", data={**DATA, "participants": units}), "accept")
    case = await drive.ok("rev-scjg", case, "approve")
    (licence,) = [d for d in case["documents"] if d["kind"] == "certificate"]
    pdf = await drive.pdf_bytes("app1", licence["url"])
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        info = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True, check=True).stdout
        first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", f.name, "-"], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    first = re.sub(r"\s+", "", first)
    assert "单位名称：连州市第6建筑工程有限公司" in first and "发证机关" in first and "连州市测试贸易有限公司" in first, first
