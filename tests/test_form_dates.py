"""A date field that may not lie after today (股东会决议日期) or before it (预约日期): ``"x-today"``.

Nothing in the designer could refuse a 股东会决议日期 of 2999, or an appointment last week. The
designer writes ``"x-today": "notAfter"`` or ``"notBefore"`` on the date field; the case data is
refused at the field's path, in Chinese, against the hall's today (Asia/Shanghai).
"""

from __future__ import annotations

import copy
from datetime import datetime, timezone

import pytest

import core.services.clock
from core.services.form_precheck import compile_precheck
from core.services.form_validation import FormValidator, check_form_schema
from core.services.item_changes import describe_changes
from tests.hall import CaseDriver, build_hall, codes, permit_with_form, refused_then_published

FORM = {
    "type": "object", "title": "申请表", "required": ["companyName", "resolvedOn"], "additionalProperties": False,
    "properties": {
        "companyName": {"type": "string", "title": "企业名称"},
        "resolvedOn": {"type": "string", "format": "date", "title": "股东会决议日期", "x-today": "notAfter"},
        "visitOn": {"type": "string", "format": "date", "title": "预约日期", "x-today": "notBefore"},
    },
}
NOON = datetime(2026, 11, 30, 4, 0, tzinfo=timezone.utc)  # 12:00 in the hall, 30 November 2026


@pytest.fixture
def held(monkeypatch):
    monkeypatch.setattr(core.services.clock, "now", lambda: NOON)


def data(resolved: str, visit: str | None = None) -> dict:
    return {"companyName": "连州市测试贸易有限公司", "resolvedOn": resolved, **({"visitOn": visit} if visit else {})}


def test_a_date_on_the_forbidden_side_of_today_is_refused_at_its_field(held):
    validator = FormValidator(FORM, answers=True)
    assert validator.errors(data("2026-11-30", "2026-11-30")) == []
    (error,) = validator.errors(data("2999-01-01"))
    assert (error.path, error.code, error.message) == ("/resolvedOn", "today", "“股东会决议日期”不能晚于今天（2026年11月30日）")
    (error,) = validator.errors(data("2026-11-01", "2026-11-29"))
    assert (error.path, error.code, error.message) == ("/visitOn", "today", "“预约日期”不能早于今天（2026年11月30日）")
    # not a date yet: the format's problem, said once
    assert [e.code for e in validator.errors(data("2026-13-01"))] == ["format.date"]
    precheck = compile_precheck(FORM)
    assert precheck is not None and precheck(data("2026-11-30")) and not precheck(data("2026-12-01"))


def test_the_definition_sets_it_on_a_date_field_only():
    form = copy.deepcopy(FORM)
    form["properties"]["companyName"]["x-today"] = "notAfter"
    form["properties"]["resolvedOn"]["x-today"] = "past"
    assert [(e.path, e.code) for e in check_form_schema(form)] == [
        ("/form/properties/companyName/x-today", "form.today"), ("/form/properties/resolvedOn/x-today", "form.today")]
    assert check_form_schema(FORM) == []
    before = copy.deepcopy(FORM)
    del before["properties"]["resolvedOn"]["x-today"]
    (change,) = describe_changes({"form": before}, {"form": FORM})
    assert change["description"] == "字段“股东会决议日期”不能晚于今天"


@pytest.mark.anyio
async def test_submit_case_refuses_a_resolution_dated_in_the_future(app, govhall, gql, held):
    hall = await build_hall(govhall, gql)
    item = permit_with_form("test-today", FORM)
    bad = copy.deepcopy(item)
    bad["form"]["properties"]["companyName"]["x-today"] = "notAfter"
    errors = await refused_then_published(govhall, hall, item, bad)
    assert [e.code for e in errors] == ["form.today"]
    drive = CaseDriver(gql, hall)
    refused = await drive.submit("app1", item="test-today", data=data("2999-01-01"))
    assert codes(refused) == ["today"] and refused["errors"][0]["path"] == "/resolvedOn"
    assert "不能晚于今天" in refused["errors"][0]["message"]
    assert (await drive.submit("app1", item="test-today", data=data("2026-11-02")))["__typename"] == "Case"
    # a correction weeks later: the 预约日期 given when it was fine does not stop it; a new one is held to today
    case = await drive.submit("app1", item="test-today", data=data("2026-11-02", "2026-12-01"), allow_duplicate=True)
    case = await drive.ok("clerk1", case, "request_materials", data={"missing": [{"name": "企业名称有误"}]})
    later = datetime(2026, 12, 20, 4, 0, tzinfo=timezone.utc)
    core.services.clock.now = lambda: later  # the monkeypatch of ``held`` puts it back
    fixed = await drive.ok("app1", case, "supply", data={"companyName": "连州市测试商贸有限公司"})
    assert fixed["state"] == "supplied"
    case = await drive.ok("clerk1", fixed, "request_materials", data={"missing": [{"name": "预约日期"}]})
    moved = await drive.act("app1", case, "supply", data={"visitOn": "2026-12-19"})
    assert codes(moved) == ["today"] and moved["errors"][0]["path"] == "/visitOn"
