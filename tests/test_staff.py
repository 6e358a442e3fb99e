"""Staff accounts kept per center by its administrators and configurators (addStaffAccount,
setStaffRoles, resetStaffPassword, setStaffActive, staffAccounts), and calendarYear."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.hall import build_hall
from tests.helpers import PASSWORD

pytestmark = pytest.mark.anyio

RESULT = "__typename ... on StaffAccount { username displayName active roles { role department } } ... on UserErrors { errors { path code message } }"
ADD = f"""mutation($c: String!, $u: String!, $n: String!, $p: String!, $r: [PostInput!]!) {{
  addStaffAccount(center: $c, username: $u, displayName: $n, password: $p, roles: $r) {{ {RESULT} }} }}"""
ROLES = f"mutation($c: String!, $u: String!, $r: [PostInput!]!) {{ setStaffRoles(center: $c, username: $u, roles: $r) {{ {RESULT} }} }}"
RESET = f"mutation($c: String!, $u: String!, $p: String!) {{ resetStaffPassword(center: $c, username: $u, password: $p) {{ {RESULT} }} }}"
ACTIVE = f"mutation($c: String!, $u: String!, $a: Boolean!) {{ setStaffActive(center: $c, username: $u, active: $a) {{ {RESULT} }} }}"
LIST = "query($c: String!) { staffAccounts(center: $c) { username active roles { center role department } } }"
YEAR = "query($c: String!, $y: Int!) { calendarYear(center: $c, year: $y) { year decided workdays days { date workday reason provisional } } }"
IMPORT = "mutation($c: String!, $d: JSON!) { importCalendar(center: $c, document: $d) { __typename } }"


def codes(result):
    return [e["code"] for e in result["errors"]] if result["__typename"] == "UserErrors" else []


@pytest.fixture
async def hall(app, govhall, gql):
    return await build_hall(govhall, gql)


async def test_add_change_reset_and_deactivate(hall, gql):
    admin, config = hall.tokens["admin1"], hall.tokens["config1"]
    # every problem at once, nothing created
    bad = (await gql(ADD, {"c": "hall", "u": "bad name", "n": "", "p": "short", "r": [{"role": "reviewer"}, {"role": "wizard"}]}, token=config))["addStaffAccount"]
    assert sorted(codes(bad)) == ["format.username", "password.too_short", "required", "required", "unknown_role"]
    assert all("\u4e00" <= e["message"][0] <= "\u9fff" or e["message"][0] in "“" for e in bad["errors"])
    # a configurator may not make an administrator; a reviewer needs a department
    assert codes((await gql(ADD, {"c": "hall", "u": "boss", "n": "王", "p": "12345678", "r": [{"role": "admin"}]}, token=config))["addStaffAccount"]) == ["forbidden"]
    added = (await gql(ADD, {"c": "hall", "u": "rev-new", "n": "新审批员", "p": "longenough", "r": [{"role": "reviewer", "department": "scjg"}]}, token=config))["addStaffAccount"]
    assert added == {"__typename": "StaffAccount", "username": "rev-new", "displayName": "新审批员", "active": True,
                     "roles": [{"role": "reviewer", "department": "scjg"}]}
    token = await gql.login("rev-new", "longenough")
    assert codes((await gql(ADD, {"c": "hall", "u": "rev-new", "n": "重复", "p": "longenough", "r": [{"role": "clerk"}]}, token=config))["addStaffAccount"]) == ["duplicate"]

    # posts replaced in this center
    changed = (await gql(ROLES, {"c": "hall", "u": "rev-new", "r": [{"role": "clerk"}, {"role": "pickup"}]}, token=admin))["setStaffRoles"]
    assert [r["role"] for r in changed["roles"]] == ["clerk", "pickup"]
    assert codes((await gql(ROLES, {"c": "hall", "u": "rev-new", "r": [{"role": "reviewer", "department": "nope"}]}, token=admin))["setStaffRoles"]) == ["unknown_department"]

    # a new password ends the sessions
    assert codes((await gql(RESET, {"c": "hall", "u": "rev-new", "p": "123"}, token=admin))["resetStaffPassword"]) == ["password.too_short"]
    assert (await gql(RESET, {"c": "hall", "u": "rev-new", "p": "brand-new-pass"}, token=admin))["resetStaffPassword"]["__typename"] == "StaffAccount"
    assert (await gql.raw("{ me { username } }", token=token))["data"]["me"] is None
    token = await gql.login("rev-new", "brand-new-pass")

    # deactivated: sessions end and login is refused; then active again
    off = (await gql(ACTIVE, {"c": "hall", "u": "rev-new", "a": False}, token=admin))["setStaffActive"]
    assert off["active"] is False
    assert (await gql.raw("{ me { username } }", token=token))["data"]["me"] is None
    login = await gql('mutation { login(username: "rev-new", password: "brand-new-pass") { ... on UserErrors { errors { code message } } } }')
    assert login["login"]["errors"] == [{"code": "account_inactive", "message": "该账号已停用，请联系本中心管理员"}]
    wrong = await gql('mutation { login(username: "rev-new", password: "not-the-password") { ... on UserErrors { errors { code } } } }')
    assert wrong["login"]["errors"] == [{"code": "login_failed"}]  # nobody else learns the account exists
    assert (await gql(ACTIVE, {"c": "hall", "u": "rev-new", "a": True}, token=admin))["setStaffActive"]["active"] is True
    assert await gql.login("rev-new", "brand-new-pass")

    listed = (await gql(LIST, {"c": "hall"}, token=config))["staffAccounts"]
    assert {"username": "rev-new", "active": True, "roles": [{"center": "hall", "role": "clerk", "department": None},
                                                              {"center": "hall", "role": "pickup", "department": None}]} in listed
    assert "app1" not in [u["username"] for u in listed]  # applicants are not staff


async def test_per_center_and_for_managers_only(hall, gql):
    admin = hall.tokens["admin1"]
    for user in ("clerk1", "head1", "sup1"):
        body = await gql.raw(LIST, {"c": "hall"}, token=hall.tokens[user])
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert codes((await gql(RESET, {"c": "hall", "u": "clerk1", "p": "12345678"}, token=hall.tokens[user]))["resetStaffPassword"]) == ["forbidden"]
    # another center's account is not found here; one's own account stays usable
    assert codes((await gql(RESET, {"c": "hall", "u": "clerk-other", "p": "12345678"}, token=admin))["resetStaffPassword"]) == ["not_found"]
    assert codes((await gql(ACTIVE, {"c": "hall", "u": "admin1", "a": False}, token=admin))["setStaffActive"]) == ["self"]
    assert codes((await gql(ROLES, {"c": "hall", "u": "admin1", "r": [{"role": "clerk"}]}, token=admin))["setStaffRoles"]) == ["self"]
    # an account that works in another center too is not deactivated from here
    other_admin = await gql.login("clerk-other", PASSWORD)
    assert other_admin
    from core.services.accounts import grant_role
    from core.plumbing.models import User

    await grant_role(await User.get(username="clerk-other"), hall.center, "clerk")
    assert codes((await gql(ACTIVE, {"c": "hall", "u": "clerk-other", "a": False}, token=admin))["setStaffActive"]) == ["other_center"]


async def test_calendar_year_shows_holidays_and_make_up_days(hall, gql):
    doc = json.loads((Path(__file__).parent / "data" / "calendar-2027-sample.json").read_text("utf-8"))
    doc["center"] = "hall"
    before = (await gql(YEAR, {"c": "hall", "y": 2027}))["calendarYear"]
    assert before["decided"] is False and all(d["provisional"] for d in before["days"])
    assert (await gql(IMPORT, {"c": "hall", "d": doc}, token=hall.tokens["admin1"]))["importCalendar"]["__typename"] == "CalendarImport"
    after = (await gql(YEAR, {"c": "hall", "y": 2027}))["calendarYear"]
    assert after["decided"] is True and not any(d["provisional"] for d in after["days"])
    days = {d["date"]: d for d in after["days"]}
    assert days["2027-10-01"]["workday"] is False and "国庆节" in days["2027-10-01"]["reason"]
    assert days["2027-02-14"]["workday"] is True and "调休" in days["2027-02-14"]["reason"]
    assert "2027-10-02" not in days  # a Saturday off is ordinary
    weekdays = sum(1 for n in range(365) if (date(2027, 1, 1) + timedelta(days=n)).weekday() < 5)
    assert after["workdays"] == weekdays - sum(1 for d in after["days"] if not d["workday"]) + sum(1 for d in after["days"] if d["workday"])
    refused = await gql.raw(YEAR, {"c": "hall", "y": 1900})
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


HAND_OVER = f"""mutation($c: String!, $u: String!, $to: String) {{
  setStaffActive(center: $c, username: $u, active: false, handOverTo: $to) {{ {RESULT} }} }}"""
MINE = "query { cases(center: \"hall\", mine: true) { edges { node { number } } } }"


async def test_a_clerk_holding_open_cases_is_deactivated_only_with_a_colleague_to_take_them_over(hall, gql):
    from tests.hall import CaseDriver

    drive = CaseDriver(gql, hall)
    held = await drive.ok("clerk1", await drive.submit("app1"), "accept")  # 首问负责: clerk1
    waiting = await drive.submit("app2")  # nobody's yet
    admin = hall.tokens["admin1"]

    refused = (await gql(HAND_OVER, {"c": "hall", "u": "clerk1", "to": None}, token=admin))["setStaffActive"]
    assert [(e["code"], e["path"]) for e in refused["errors"]] == [("open_cases", "/handOverTo")]
    assert "是1件在办办件的首问负责人" in refused["errors"][0]["message"]
    assert await gql.login("clerk1", PASSWORD)  # still in use
    for wrong in ("rev-scjg", "clerk1", "nobody"):  # a back office, the person, an unknown account
        bad = (await gql(HAND_OVER, {"c": "hall", "u": "clerk1", "to": wrong}, token=admin))["setStaffActive"]
        assert codes(bad) == ["handover.invalid"]

    done = (await gql(HAND_OVER, {"c": "hall", "u": "clerk1", "to": "head1"}, token=admin))["setStaffActive"]
    assert done["active"] is False
    mine = (await gql(MINE, token=hall.tokens["head1"]))["cases"]["edges"]
    assert [e["node"]["number"] for e in mine] == [held["number"]]
    events = (await drive.get("head1", held))["events"]
    assert events[-1]["action"] == "hand_over" and "首问负责移交" in events[-1]["comment"]
    assert (await drive.get("head1", waiting))["state"] == "submitted"
