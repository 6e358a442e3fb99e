"""A date-time field (``"format": "date-time"``: the 请假单's 开始时间 and 结束时间) is answered with a date
and a time, sent with the centers' offset (2026-12-01T09:30:00+08:00).

The shipped 请假单 showed its 开始时间 as a date picker (``"x-widget": "date"``), whose 2026-12-01 the
server's ``date-time`` format refuses (应为日期时间…): the leave could not be asked for from the web
page. Such a definition is now refused when it is saved (``form.date_time_widget``); the web form gives a
date-time field a date and time picker (tests/test_web_form_units_dates.py) and converts between the
picker's local time and RFC 3339 on the centers' clock whatever zone the device keeps.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from core.services.form_validation import check_form_schema
from tests.hall import CaseDriver, build_hall, permit_with_form, refused_then_published

ROOT = Path(__file__).resolve().parent.parent
FORM = {
    "type": "object", "title": "申请表", "required": ["companyName", "startTime"],
    "properties": {
        "companyName": {"type": "string", "title": "企业名称"},
        "startTime": {"type": "string", "title": "开始时间", "format": "date-time"},
        "endTime": {"type": "string", "title": "结束时间", "format": "date-time", "x-notBefore": "startTime"},
        "visits": {"type": "array", "title": "现场踏勘", "x-widget": "table", "items": {"type": "object", "properties": {
            "at": {"type": "string", "title": "踏勘时间", "format": "date-time"},
            "on": {"type": "string", "title": "踏勘日期", "format": "date", "x-widget": "date"},
        }}},
    },
}
WRONG = "是日期时间字段，不能显示为日期选择（x-widget: date），否则申请人无法填写时间：请删除 x-widget，或把格式改为日期（date）"


def test_a_date_time_field_shown_as_a_date_picker_is_refused_in_the_form_and_in_a_table():
    assert check_form_schema(FORM) == []
    form = copy.deepcopy(FORM)
    form["properties"]["startTime"]["x-widget"] = "date"
    form["properties"]["visits"]["items"]["properties"]["at"]["x-widget"] = "date"
    form["properties"]["endTime"]["x-widget"] = "text"  # typed by hand: allowed, the format says what it needs
    assert [(e.path, e.code, e.message) for e in check_form_schema(form)] == [
        ("/form/properties/startTime/x-widget", "form.date_time_widget", f"“开始时间”{WRONG}"),
        ("/form/properties/visits/items/properties/at/x-widget", "form.date_time_widget", f"“踏勘时间”{WRONG}"),
    ]


def test_no_shipped_item_shows_a_date_time_as_a_date_picker():
    files = sorted([*ROOT.glob("forms/*.json"), *ROOT.glob("plugins/*/forms/*.json")])
    assert files
    for path in files:
        form = json.loads(path.read_text("utf-8"))["form"]
        assert [e.code for e in check_form_schema(form) if e.code == "form.date_time_widget"] == [], path.name
    leave = json.loads((ROOT / "forms" / "zwb-qjd.json").read_text("utf-8"))["form"]["properties"]
    assert [leave[k].get("x-widget") for k in ("startTime", "endTime")] == [None, None]


@pytest.mark.anyio
async def test_define_item_refuses_the_date_picker_and_a_case_takes_the_pickers_date_time(app, govhall, gql):
    hall = await build_hall(govhall, gql)
    item = permit_with_form("test-date-time", FORM)
    bad = copy.deepcopy(item)
    bad["form"]["properties"]["startTime"]["x-widget"] = "date"
    errors = await refused_then_published(govhall, hall, item, bad)
    assert [(e.code, e.path, e.message) for e in errors] == [
        ("form.date_time_widget", "/form/properties/startTime/x-widget", f"“开始时间”{WRONG}")]
    drive = CaseDriver(gql, hall)
    # what the page sends: the picker's time on the centers' clock with its offset
    case = await drive.submit("app1", item="test-date-time", data={
        "companyName": "连州市测试有限公司", "startTime": "2026-12-01T09:30:00+08:00", "endTime": "2026-12-01T17:30:00+08:00"})
    assert case["__typename"] == "Case", case


def test_the_page_sends_and_shows_a_date_time_on_the_centers_clock_whatever_the_devices_zone():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = f"""
import {{ centerDateTime, centerWallTime }} from "{(ROOT / "web" / "ui.js").as_uri()}";
console.log(JSON.stringify([
  centerDateTime("2026-12-01T09:30"), centerDateTime("2026-07-01T23:59:30"), centerDateTime("2026-12-01"),
  centerWallTime("2026-12-01T09:30:00+08:00"), centerWallTime("2026-12-01T01:30:00Z"),
  centerWallTime("2026-11-30T20:30:15-05:00"), centerWallTime("2026-12-01T09:30"), centerWallTime("2026-12-01"),
]));
"""
    for zone in ("UTC", "America/New_York", "Asia/Shanghai"):
        run = subprocess.run([node, "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60,
                             env={**os.environ, "TZ": zone})
        assert run.returncode == 0, run.stderr
        assert json.loads(run.stdout) == [
            "2026-12-01T09:30:00+08:00", "2026-07-01T23:59:30+08:00", None,
            "2026-12-01T09:30", "2026-12-01T09:30", "2026-12-01T09:30:15", "2026-12-01T09:30", None,
        ], zone
