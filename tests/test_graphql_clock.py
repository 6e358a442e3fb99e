"""The clock over real HTTP: dueDate is public; supervision and statistics only for the center's
supervisors, heads and administrators; importCalendar only for its administrators, with every
problem of a bad file returned as UserErrors."""

from __future__ import annotations

import re
from datetime import date

import pytest

from core.plumbing.models import CalendarDay, Notification
from core.plumbing.models import Center as CenterRow
from tests.helpers import PASSWORD, make_user
from tests.test_clock import make_case, make_world, sample_2027, started

pytestmark = pytest.mark.anyio

DUE = """query($c: String!, $f: Date!, $n: Int!) {
  dueDate(center: $c, from: $f, workingDays: $n) { date provisional explanation { date counted reason } explanationText }
}"""
SUPERVISION = """query($c: String!) { supervision(center: $c) {
  yellow red cases { id number alert promisedDue department window itemCode }
  byDepartment { code name yellow red } byWindow { code yellow red } } }"""
STATISTICS = """query($c: String!, $f: Date!, $t: Date!, $d: String) {
  statistics(center: $c, from: $f, to: $t, department: $d) {
    accepted completed averagePromisedDays averageActualDays speedUpPercent onTimePercent } }"""
IMPORT = """mutation($c: String!, $doc: JSON!, $apply: Boolean! = false) {
  importCalendar(center: $c, document: $doc, applyOfficeHours: $apply) {
  __typename
  ... on CalendarImport { center year holidays workdays replacedDays officeHours casesChanged applicantsTold officeHoursApplied officeHoursNote }
  ... on UserErrors { errors { path code message } } } }"""

ALERT_TYPES = """{ supervised: __type(name: "SupervisedCase") { name fields { name type { kind ofType { kind name } } } }
  case: __type(name: "Case") { name fields { name type { kind ofType { kind name } } } } }"""


@pytest.fixture
async def world(app):
    return await make_world()


async def login(gql, username: str) -> str:
    return await gql.login(username, PASSWORD)


async def test_due_date_is_public(world, gql):
    data = await gql(DUE, {"c": "testc", "f": "2026-09-30", "n": 3})
    due = data["dueDate"]
    assert due["date"] == "2026-10-10" and due["provisional"] is False
    skipped = [e for e in due["explanation"] if not e["counted"]]
    assert [e["date"] for e in skipped] == [f"2026-10-0{d}" for d in range(1, 8)]
    assert all("国庆节" in e["reason"] for e in skipped)
    # the text is for people: dates as they read them (the structured dates above stay ISO)
    assert "2026年10月10日（周六）第3个工作日" in due["explanationText"]
    assert not re.search(r"\d{4}-\d", due["explanationText"]), due["explanationText"]

    later = (await gql(DUE, {"c": "testc", "f": "2026-12-28", "n": 31}))["dueDate"]
    assert later["provisional"] is True and any("暂定" in e["reason"] for e in later["explanation"])

    bad = await gql.raw(DUE, {"c": "testc", "f": "2026-09-30", "n": -1})
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    beyond = await gql.raw(DUE, {"c": "testc", "f": "9999-12-30", "n": 5})
    assert beyond["errors"][0]["message"] == "起算日9999年12月30日超出可计算的日期范围"
    missing = await gql.raw(DUE, {"c": "nowhere", "f": "2026-09-30", "n": 1})
    assert missing["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"  # as everywhere: see below


async def test_supervision_and_statistics_are_for_supervisors(world, gql):
    await make_user("applicant9", world.center, "applicant")
    await make_user("clerk9", world.center, "clerk")
    await make_user("super9", world.center, "supervisor")
    other = await make_world(code="other")
    await make_user("super-other", other.center, "supervisor")
    red = await make_case(world, accepted_on=date(2026, 9, 1), alert="RED", promised_due=date(2026, 9, 4),
                          department=None)
    variables = {"c": "testc", "f": "2026-01-01", "t": "2026-12-31", "d": None}

    for who in (None, "applicant9", "clerk9", "super-other"):
        token = await login(gql, who) if who else None
        for query, args in ((SUPERVISION, {"c": "testc"}), (STATISTICS, variables)):
            body = await gql.raw(query, args, token=token)
            assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", (who, body)
            assert body["data"] is None

    token = await login(gql, "super9")
    board = (await gql(SUPERVISION, {"c": "testc"}, token=token))["supervision"]
    assert board["red"] == 1 and board["yellow"] == 0
    assert board["cases"] == [{"id": str(red.id), "number": red.number, "alert": "RED", "promisedDue": "2026-09-04",
                               "department": None, "window": None, "itemCode": "test-item"}]
    assert board["byDepartment"] == [{"code": None, "name": None, "yellow": 0, "red": 1}]
    # the board's alert is the case's own enum (Alert: NONE, YELLOW, RED), its JSON the same "RED"
    fields = (await gql(ALERT_TYPES, {}, token=token))
    types = {t["name"]: next(f["type"] for f in t["fields"] if f["name"] == "alert") for t in fields.values()}
    assert types["SupervisedCase"] == types["Case"] == {"kind": "NON_NULL", "ofType": {"kind": "ENUM", "name": "Alert"}}

    await started(world, date(2026, 9, 28), promised=5)
    figures = (await gql(STATISTICS, variables, token=token))["statistics"]
    assert figures == {"accepted": 2, "completed": 0, "averagePromisedDays": None, "averageActualDays": None,
                       "speedUpPercent": None, "onTimePercent": None}
    bad = await gql.raw(STATISTICS, {**variables, "d": "nope"}, token=token)
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT" and "nope" in bad["errors"][0]["message"]
    reversed_range = await gql.raw(STATISTICS, {**variables, "f": "2026-12-31", "t": "2026-01-01"}, token=token)
    assert reversed_range["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_import_calendar_for_administrators(world, gql):
    await make_user("admin9", world.center, "admin")
    await make_user("super9", world.center, "supervisor")
    doc = sample_2027()
    doc["center"] = "testc"

    # refused as every mutation refuses, inside its result: a UserError forbidden, not a GraphQL error
    denied = await gql.raw(IMPORT, {"c": "testc", "doc": doc}, token=await login(gql, "super9"))
    assert "errors" not in denied, denied
    assert denied["data"]["importCalendar"] == {"__typename": "UserErrors", "errors": [
        {"path": None, "code": "forbidden", "message": "需要以下角色之一：管理员"}]}
    anonymous = (await gql(IMPORT, {"c": "testc", "doc": doc}))["importCalendar"]
    assert anonymous == {"__typename": "UserErrors", "errors": [{"path": None, "code": "forbidden", "message": "请先登录"}]}
    assert await CalendarDay.all().count() == 0

    token = await login(gql, "admin9")
    broken = {**doc, "holidays": doc["holidays"] + [{"from": "2027-03-05", "to": "2027-03-01", "name": "倒序"}],
              "workdays": doc["workdays"] + [{"date": "2027-10-05", "name": "矛盾"}], "extra": 1}
    result = (await gql(IMPORT, {"c": "testc", "doc": broken}, token=token))["importCalendar"]
    assert result["__typename"] == "UserErrors"
    found = {(e["code"], e["path"]) for e in result["errors"]}
    assert {("range_order", "/holidays/7"), ("contradiction", "/workdays/4/date"),
            ("not_weekend", "/workdays/4/date"), ("additionalProperties", "/extra")} <= found
    assert all(e["message"] for e in result["errors"])
    messages = {e["code"]: e["message"] for e in result["errors"]}  # the file's dates as people read them
    assert messages["range_order"] == "起始日2027年3月5日晚于结束日2027年3月1日"
    assert messages["not_weekend"].startswith("2027年10月5日是星期二")
    assert messages["contradiction"].startswith("2027年10月5日既在 /holidays/")
    assert await CalendarDay.all().count() == 0

    unknown = (await gql(IMPORT, {"c": "nowhere", "doc": doc}, token=token))["importCalendar"]
    assert unknown["__typename"] == "UserErrors" and unknown["errors"][0]["code"] == "unknown_center"

    case = await started(world, date(2026, 12, 28), promised=31)
    done = (await gql(IMPORT, {"c": "testc", "doc": doc}, token=token))["importCalendar"]
    assert done == {"__typename": "CalendarImport", "center": "testc", "year": 2027, "holidays": 25, "workdays": 4,
                    "replacedDays": 0, "officeHours": ["09:00-12:00", "13:30-17:00"], "casesChanged": 1, "applicantsTold": 1,
                    "officeHoursApplied": False, "officeHoursNote": None}
    later = (await gql(DUE, {"c": "testc", "f": "2026-12-28", "n": 31}))["dueDate"]
    assert later == {**later, "date": "2027-02-16", "provisional": False}
    await case.refresh_from_db()
    assert case.promised_due == date(2027, 2, 16)
    (sms,) = await Notification.filter(case_id=case.id, channel="sms")  # 如有变化另行告知
    assert "承诺办结日期由" in sms.text and sms.text.endswith("调整为2027年2月16日。")


async def test_import_calendar_keeps_the_centers_office_hours_and_says_so(world, gql):
    """The sample file's officeHours (09:00-12:00, 13:30-17:00) do not replace a center's own
    08:30-12:00 / 14:30-17:30 unless ``applyOfficeHours`` asks for it; the answer says what it did."""
    await make_user("admin9", world.center, "admin")
    token = await login(gql, "admin9")
    await CenterRow.filter(id=world.center.id).update(office_hours=["08:30-12:00", "14:30-17:30"])
    doc = {**sample_2027(), "center": "testc"}
    kept = (await gql(IMPORT, {"c": "testc", "doc": doc}, token=token))["importCalendar"]
    assert kept["officeHours"] == ["08:30-12:00", "14:30-17:30"] and kept["officeHoursApplied"] is False
    assert kept["officeHoursNote"] == (
        "日历文件中的办公时间（09:00-12:00、13:30-17:00）未采用：中心“testc”保留自己的办公时间（08:30-12:00、14:30-17:30）；"
        "确需改用文件中的办公时间，请指定“采用办公时间”（applyOfficeHours、--office-hours）")
    centers = (await gql("{ centers { code officeHours } }"))["centers"]
    assert {"code": "testc", "officeHours": ["08:30-12:00", "14:30-17:30"]} in centers
    applied = (await gql(IMPORT, {"c": "testc", "doc": doc, "apply": True}, token=token))["importCalendar"]
    assert applied["officeHours"] == ["09:00-12:00", "13:30-17:00"] and applied["officeHoursApplied"] is True


async def test_an_unknown_center_is_the_same_refusal_in_every_query(world, gql):
    """A center code nobody has is a bad input with the same Chinese message whichever query names
    it: the public ones (items, dueDate) and those for staff (cases, supervision, statistics)."""
    await make_user("super9", world.center, "supervisor")
    token = await login(gql, "super9")
    queries = [
        ('query($c: String!) { items(center: $c) { code } }', {}),
        ('query($c: String!) { cases(center: $c) { edges { node { id } } } }', {}),
        (DUE, {"f": "2026-09-30", "n": 1}),
        (SUPERVISION, {}),
        (STATISTICS, {"f": "2026-01-01", "t": "2026-12-31", "d": None}),
    ]
    for query, args in queries:
        body = await gql.raw(query, {"c": "nowhere", **args}, token=token)
        (error,) = body["errors"]
        assert (error["extensions"]["code"], error["message"]) == ("BAD_USER_INPUT", "中心“nowhere”不存在"), (query, error)
