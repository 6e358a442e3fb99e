"""Complaints (投诉) feed the rules once verified: −5 for the department (the enterprise zone's rules), a faulty case
for the window; a written complaint needs a written reply. A center without the plugin is refused."""

from __future__ import annotations

import pytest

from core.services import clock
from core.services.centers import set_plugin_enabled
from plugins.assessment.periods import month, quarter
from tests.helpers import PASSWORD, make_user

from .drive import (COMPLAINTS, DEPARTMENT, FILE, MANUAL, PRINT, STAFF, VERIFY, WINDOW, YEAR, category, codes,
                    row_of)

pytestmark = pytest.mark.anyio


def this_quarter() -> str:
    today = clock.local_today()
    return quarter(today.year, (today.month - 1) // 3 + 1).key


async def test_a_verified_complaint_costs_the_department_five_points(drive):
    filed = (await drive.query("sup1", FILE, c="hall", channel="written", dep="scjg", who="张先生 13700000000",
                               text="窗口人员要求网上提交，拒绝现场受理"))["fileComplaint"]
    assert filed["__typename"] == "Complaint" and filed["status"] == "待核查" and filed["department"] == "scjg"
    before = (await drive.query("sup1", DEPARTMENT, c="hall", q=this_quarter()))["departmentAssessment"]
    assert {r["total"] for r in before["rows"]} == {100}  # not verified yet: no effect

    no_reply = (await drive.query("sup1", VERIFY, id=filed["id"], verified=True, reply=" "))["verifyComplaint"]
    assert codes(no_reply) == ["required"] and "书面投诉须书面答复" in no_reply["errors"][0]["message"]
    verified = (await drive.query("sup1", VERIFY, id=filed["id"], verified=True,
                                  reply="经核查属实，已责令整改并通报"))["verifyComplaint"]
    assert (verified["status"], verified["reply"]) == ("属实", "经核查属实，已责令整改并通报")

    after = (await drive.query("head1", DEPARTMENT, c="hall", q=this_quarter()))["departmentAssessment"]
    scjg = row_of(after, "scjg")
    assert (scjg["rank"], scjg["total"]) == (5, 95)
    assert category(scjg, "conduct")["explanations"] == [f"被投诉经核查属实（书面投诉第{filed['id']}号），扣5分"]
    assert [r["total"] for r in after["rows"]] == [100, 100, 100, 100, 95]

    assert (await drive.query("sup1", COMPLAINTS, c="hall", pending=True))["complaints"] == []
    assert [k["id"] for k in (await drive.query("sup1", COMPLAINTS, c="hall"))["complaints"]] == [filed["id"]]


async def test_an_applicant_complains_about_their_own_case(drive):
    case = await drive.submit("app1")
    filed = (await drive.query("app1", FILE, c="hall", case=case["id"], channel="phone", dep="gaj",
                               text="咨询三次都说不清楚需要什么材料"))["fileComplaint"]
    assert (filed["channel"], filed["channelLabel"], filed["department"]) == ("online", "网上", "scjg")
    assert filed["caseNumber"] == case["number"]
    assert codes((await drive.query("app2", FILE, c="hall", case=case["id"], text="x"))["fileComplaint"]) == ["forbidden"]
    assert codes((await drive.query("app1", FILE, c="hall", text="没有办件"))["fileComplaint"]) == ["forbidden"]
    assert codes((await drive.query("clerk1", VERIFY, id=filed["id"], verified=True, reply="x"))["verifyComplaint"]) \
        == ["forbidden"]
    unknown = (await drive.query("sup1", FILE, c="hall", channel="fax", dep="xx", win="W-X", staff="app9",
                                 text=""))["fileComplaint"]
    assert codes(unknown) == ["channel", "required", "unknown_department", "unknown_window", "unknown_staff"]

    verified = (await drive.query("sup1", VERIFY, id=filed["id"], verified=True, reply="已书面答复申请人"))["verifyComplaint"]
    assert verified["status"] == "属实"
    today = clock.local_today()
    windows = (await drive.query("sup1", WINDOW, c="hall", p=month(today.year, today.month).key))["windowAssessment"]
    handling = category(row_of(windows, "W-SCJG"), "case_handling")
    assert handling["points"] == 13 and handling["explanations"] == [f"差错办件{case['number']}（投诉经查实），扣2分"]

    unfounded = (await drive.query("sup1", FILE, c="hall", channel="oral", staff="clerk1", text="态度不好"))["fileComplaint"]
    answered = (await drive.query("sup1", VERIFY, id=unfounded["id"], verified=False,
                                  reply="调阅录像，未发现不当言行"))["verifyComplaint"]
    assert (answered["status"], answered["staff"]) == ("不属实", "clerk1")
    staff = (await drive.query("sup1", STAFF, c="hall", p=month(today.year, today.month).key))["staffAssessment"]
    assert row_of(staff, "clerk1")["total"] == 100


async def test_only_supervisors_heads_and_admins_see_the_rankings(drive):
    for user in ("app1", "clerk1", "rev-scjg", "pick1", "config1"):
        error = await drive.refused(user, WINDOW, c="hall", p="2025-03")
        assert error["extensions"]["code"] == "FORBIDDEN" and "需要以下角色之一" in error["message"], user
    for user in ("sup1", "head1", "admin1"):
        assert (await drive.query(user, WINDOW, c="hall", p="2025-03"))["windowAssessment"]["rows"]
    future = await drive.refused("sup1", WINDOW, c="hall", p="2099-01")
    assert future["extensions"]["code"] == "BAD_USER_INPUT" and "尚未开始" in future["message"]


async def test_a_center_without_the_plugin_is_refused_its_rankings_but_takes_complaints(drive, govhall):
    other = await set_plugin_enabled(drive.hall.other, "assessment", False, govhall.hub.installed)
    await make_user("sup1", other, "supervisor")
    for query, variables in ((WINDOW, {"p": "2025-03"}), (STAFF, {"p": "2025-03"}), (DEPARTMENT, {"q": "2025-Q1"}),
                             (YEAR, {"y": 2025})):
        error = await drive.refused("sup1", query, c="other", **variables)
        assert error["extensions"]["code"] == "FORBIDDEN" and "未启用" in error["message"], query
    for name, query, variables in (
        ("enterManualScore", MANUAL, {"k": "window", "s": "A01", "p": "2025-03", "cat": "fees", "reason": "x", "points": -1}),
        ("printAssessment", PRINT, {"k": "window", "p": "2025-03"}),
    ):
        result = (await drive.query("sup1", query, c="other", **variables))[name]
        assert codes(result) == ["forbidden"] and "未启用" in result["errors"][0]["message"], name
    filed = (await drive.query("sup1", FILE, c="other", text="投诉", channel="phone"))["fileComplaint"]
    assert filed["status"] == "待核查"  # complaints are the core's: every center takes them
    verified = (await drive.query("sup1", VERIFY, id=filed["id"], verified=True, reply="已电话答复"))["verifyComplaint"]
    assert verified["status"] == "属实"
    assert [k["id"] for k in (await drive.query("sup1", COMPLAINTS, c="other"))["complaints"]] == [filed["id"]]


async def test_nobody_undoes_a_complaint_about_themselves_nor_scores_themselves(drive, govhall, gql):
    filed = (await drive.query("sup1", FILE, c="hall", channel="oral", staff="head1", text="首席代表拒不签批"))["fileComplaint"]
    verified = (await drive.query("sup1", VERIFY, id=filed["id"], verified=True, reply="经查属实"))["verifyComplaint"]
    assert verified["status"] == "属实"
    undo = (await drive.query("head1", VERIFY, id=filed["id"], verified=False, reply="撤销"))["verifyComplaint"]
    assert codes(undo) == ["forbidden"]
    month_key = f"{clock.local_today():%Y-%m}"
    for user, kind, subject in (("head1", "staff", "head1"), ("sup1", "staff", "sup1")):
        own = (await drive.query(user, MANUAL, c="hall", k=kind, s=subject, p=month_key, cat="ethics", points=10,
                                 reason="自评"))["enterManualScore"]
        assert codes(own) == ["forbidden"] and "本人" in own["errors"][0]["message"], user
    plus = (await drive.query("sup1", MANUAL, c="hall", k="staff", s="head1", p=month_key, cat="ethics", points=10,
                              reason="表现突出"))["enterManualScore"]
    assert codes(plus) == ["points.bonus"]  # the staff rules define no bonus
    await make_user("head-scjg", drive.hall.center, "head", "scjg")
    drive.hall.tokens["head-scjg"] = await gql.login("head-scjg", PASSWORD)
    for kind, subject in (("department", "scjg"), ("window", "W-SCJG")):
        own = (await drive.query("head-scjg", MANUAL, c="hall", k=kind, s=subject, p=this_quarter(), cat=
                                 "conduct" if kind == "department" else "tidiness", points=-1, reason="x"))["enterManualScore"]
        assert codes(own) == ["forbidden"], kind
    staff = (await drive.query("sup1", STAFF, c="hall", p=month_key))["staffAssessment"]
    assert category(row_of(staff, "head1"), "ethics")["points"] == 17  # −3 for the verified complaint, nothing added
