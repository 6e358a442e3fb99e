"""A 日期区间 (the designer's ``"x-kind": "dateRange"``) may not end before it starts.

申请经营期限 from 2031 to 2027 was accepted and printed as the applicant typed it; now the end date
is refused beside its field, in Chinese, by submitCase and by the designer's server check alike.
"""

from __future__ import annotations


import pytest

from core.services.form_precheck import compile_precheck
from core.services.form_validation import FormValidator
from core.services.items import define_item, publish_item
from tests.hall import CaseDriver, build_hall, codes, configurator, permit_with_form

PERIOD = {
    "title": "申请经营期限", "type": "object", "x-kind": "dateRange", "x-order": ["start", "end"],
    "properties": {"start": {"type": "string", "title": "开始日期", "format": "date", "x-widget": "date"},
                   "end": {"type": "string", "title": "结束日期", "format": "date", "x-widget": "date"}},
    "required": ["start", "end"], "additionalProperties": False,
}
FORM = {"type": "object", "title": "申请表", "required": ["companyName", "period"],
        "properties": {"companyName": {"type": "string", "title": "企业名称"}, "period": PERIOD,
                       "bases": {"type": "array", "title": "生产基地", "x-widget": "table",
                                 "items": {"type": "object", "properties": {"lease": PERIOD}}}}}
REVERSED = {"start": "2031-01-01", "end": "2027-01-01"}


def test_a_range_that_ends_before_it_starts_is_refused_at_its_end():
    validator = FormValidator(FORM)
    errors = validator.errors({"companyName": "龙门县丰禾种业有限公司", "period": REVERSED,
                               "bases": [{"lease": {"start": "2027-01-01", "end": "2027-12-31"}}, {"lease": REVERSED}]})
    assert [(e.path, e.code) for e in errors] == [("/bases/1/lease/end", "date_range"), ("/period/end", "date_range")]
    assert errors[1].message == "“申请经营期限”的“结束日期”不能早于开始日期（2031年1月1日）"
    assert not validator.is_valid({"companyName": "x", "period": REVERSED})
    precheck = compile_precheck(FORM)
    assert precheck is not None and not precheck({"companyName": "x", "period": REVERSED})
    # one day is a range; a date that is no date is its format's problem alone
    assert validator.is_valid({"companyName": "x", "period": {"start": "2027-01-01", "end": "2027-01-01"}})
    bad = validator.errors({"companyName": "x", "period": {"start": "2027-13-01", "end": "2027-01-01"}})
    assert [e.code for e in bad] == ["format.date"]


@pytest.mark.anyio
async def test_submit_case_refuses_a_reversed_range(app, govhall, gql):
    hall = await build_hall(govhall, gql)
    actor = await configurator(hall)
    item = permit_with_form("test-period", FORM)
    await define_item(govhall, actor, hall.center, item)
    await publish_item(govhall, actor, hall.center, "test-period")
    drive = CaseDriver(gql, hall)
    refused = await drive.submit("app1", item="test-period", data={"companyName": "龙门县丰禾种业有限公司", "period": REVERSED})
    assert codes(refused) == ["date_range"] and refused["errors"][0]["path"] == "/period/end"
    assert "不能早于开始日期" in refused["errors"][0]["message"]
    fine = await drive.submit("app1", item="test-period", data={"companyName": "龙门县丰禾种业有限公司",
                                                                 "period": {"start": "2027-01-01", "end": "2031-12-31"}})
    assert fine["__typename"] == "Case"
