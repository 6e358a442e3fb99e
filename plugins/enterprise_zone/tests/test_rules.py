"""What a zone clerk checks on the bundles, told all at once with a pointer to each field."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.services.clock import local_today
from core.services.documents.kinds import cn_date
from plugins.enterprise_zone.rules import add_years
from tests.hall import GOOD_DATA

from .drive import PERSON_A, PERSON_B, ZoneDriver, build_zone, closing_data, codes, opening_data

pytestmark = pytest.mark.anyio


@pytest.fixture
async def drive(app, govhall, gql):
    return ZoneDriver(gql, await build_zone(govhall, gql))


def problems(result):
    return {e["path"]: (e["code"], e["message"]) for e in result["errors"]} if result["__typename"] == "UserErrors" else result


async def test_every_opening_problem_is_told_at_once(drive):
    today = local_today()
    data = opening_data(
        nameReservedUntil=(today - timedelta(days=1)).isoformat(),
        registeredCapital=120,
        officers=[{"name": "李青禾", "idNumber": PERSON_A, "position": "经理"},
                  {"name": "李青禾", "idNumber": PERSON_A, "position": "监事"}],
        seals={"engrave": True, "types": []},
        tax={"taxpayerType": "小规模纳税人", "invoiceNeeded": True, "taxUKey": False},
        socialSecurity={"employees": 3, "insuredCount": 4, "insuranceTypes": ["工伤保险"], "injuryRiskClass": "二类"},
        housingFund={"unitRate": 5, "personalRate": 5, "depositors": 6},
        bankAccount={"appointment": True},
    )
    data["shareholders"][1]["dueDate"] = (add_years(today, 5) + timedelta(days=1)).isoformat()
    data["shareholders"][1]["ratio"] = 30
    found = problems(await drive.submit("app1", item="qykb-yjs", data=data))
    assert {path: code for path, (code, _) in found.items()} == {
        "/nameReservedUntil": "name_expired",
        "/shareholders/1/dueDate": "capital_term",
        "/registeredCapital": "capital_sum",
        "/shareholders": "ratio_sum",
        "/officers/1": "supervisor_conflict",
        "/seals/types": "seal_types",
        "/tax/invoiceTypes": "invoice_types",
        "/tax/monthlyQuantity": "invoice_quantity",
        "/socialSecurity/insuredCount": "insured_count",
        "/housingFund/depositors": "depositors",
        "/bankAccount/bank": "bank",
    }
    assert f"最迟应为{cn_date(add_years(today, 5))}" in found["/shareholders/1/dueDate"][1]
    assert "公司法第四十七条" in found["/shareholders/1/dueDate"][1]
    assert found["/registeredCapital"][1] == "股东认缴出资额合计100万元，与注册资本120万元不一致"
    assert found["/seals/types"][1] == "已申请刻制印章，请至少选择一种印章"


async def test_seal_types_may_be_empty_when_no_seal_is_requested(drive):
    case = await drive.submit("app1", item="qykb-yjs", data=opening_data(seals={"engrave": False}))
    assert case["__typename"] == "Case", case


async def test_the_form_schema_speaks_first(drive):
    data = opening_data()
    del data["seals"]
    data["legalRepresentative"]["idNumber"] = "441882198503120011"
    assert sorted(codes(await drive.submit("app1", item="qykb-yjs", data=data))) == ["format.resident-id", "required"]


async def test_the_rules_hold_when_the_applicant_supplies_materials(drive):
    case = await drive.submit("app1", item="qykb-yjs", data=opening_data())
    case = await drive.ok("clerk1", case, "request_materials", data={"missing": [{"name": "公司章程", "reason": "未签字"}]})
    result = await drive.act("app1", case, "supply", data={"seals": {"engrave": True, "types": []}})
    assert codes(result) == ["seal_types"]


async def test_closing_periods_are_checked(drive):
    today = local_today()
    running = closing_data(publicityEnd=(today + timedelta(days=3)).isoformat(), objection=True, investmentsCleared=False)
    found = problems(await drive.submit("app1", item="qyzx-yjs", data=running))
    assert {p: c for p, (c, _) in found.items()} == {
        "/publicityEnd": "publicity_running", "/objection": "objection", "/investmentsCleared": "investments"}

    lapsed = closing_data(publicityStart=(today - timedelta(days=60)).isoformat(),
                          publicityEnd=(today - timedelta(days=40)).isoformat())
    assert codes(await drive.submit("app1", item="qyzx-yjs", data=lapsed)) == ["publicity_lapsed"]

    ordinary = closing_data(
        cancellationType="普通注销", creditorNoticeDate=(today - timedelta(days=10)).isoformat(),
        liquidationNoticeDate=(today - timedelta(days=12)).isoformat(), reportConfirmedDate=today.isoformat(),
        liquidationGroup=[{"name": "李青禾", "idNumber": PERSON_A, "role": "负责人"},
                          {"name": "王晓岚", "idNumber": PERSON_B, "role": "成员"}],
        socialSecurity={"insuredEmployees": 0, "arrearsSettled": False},
    )
    found = problems(await drive.submit("app1", item="qyzx-yjs", data=ordinary))
    assert {p: c for p, (c, _) in found.items()} == {
        "/creditorNoticeDate": "creditor_period", "/socialSecurity/arrearsSettled": "social_arrears"}
    assert f"{cn_date(today + timedelta(days=35))}起方可申请注销" in found["/creditorNoticeDate"][1]

    assert (await drive.submit("app1", item="qyzx-yjs", data=closing_data()))["__typename"] == "Case"


async def test_other_items_are_left_alone(drive):
    assert (await drive.submit("app1", data=dict(GOOD_DATA)))["__typename"] == "Case"
