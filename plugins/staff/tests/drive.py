"""The test hall (``tests.hall``) with the staff plugin: window staff, a window leader, the office,
the supervision office and the leadership on the register, GraphQL strings and a driver that can
set the plugin's clock (``at``) so clock-ins land on chosen days."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from core.services.calendar import CENTER_TZ
from core.services import clock
from tests.hall import CaseDriver, Hall, build_hall, codes  # noqa: F401  (codes: re-exported for the tests)
from tests.helpers import PASSWORD, make_user

# username: (core role, register position, window, partner)
STAFF: dict[str, tuple[str | None, str, str | None, str | None]] = {
    "clerk1": ("clerk", "window_staff", "A01", "win2"),
    "win2": ("clerk", "window_staff", "A01", "clerk1"),
    "lead1": ("clerk", "window_leader", "A01", "win2"),
    "office1": (None, "office", None, "office2"),
    "office2": (None, "office", None, "office1"),
    "sup1": ("supervisor", "supervision", None, "office1"),
    "boss1": (None, "leadership", None, "office1"),
}

ERRORS = "... on UserErrors { errors { path code message } }"
RECORD_FIELDS = ("username displayName department window position positionLabel postedOn minTermMonths termEndsOn "
                 "partner partnerName card")
SAVE_RECORD = f"""mutation($c: String!, $i: StaffRecordInput!) {{
  saveStaffRecord(center: $c, input: $i) {{ __typename ... on StaffRecord {{ {RECORD_FIELDS} }} {ERRORS} }} }}"""
REGISTER = f"query($c: String!) {{ staffRegister(center: $c) {{ {RECORD_FIELDS} }} }}"
CLOCK_FIELDS = "id username displayName date slot slotLabel at device"
CLOCK_IN = f"""mutation($c: String!, $u: String) {{
  clockIn(center: $c, username: $u) {{ __typename ... on ClockIn {{ {CLOCK_FIELDS} }} {ERRORS} }} }}"""
DEVICE_CLOCK_IN = f"""mutation($t: String!, $card: String!) {{
  deviceClockIn(deviceToken: $t, card: $card) {{ __typename ... on ClockIn {{ {CLOCK_FIELDS} }} {ERRORS} }} }}"""
REGISTER_DEVICE = f"""mutation($c: String!, $w: String!, $n: String!) {{
  registerClockDevice(center: $c, window: $w, name: $n) {{ __typename
    ... on RegisteredClockDevice {{ token device {{ id name window }} }} {ERRORS} }} }}"""
LEAVE_FIELDS = ("id username kind kindLabel start startHalf end endHalf days route routeLabels currentStep currentPost "
                "waitingFor status handedOver canDecide decisions { step by approve comment actingPost actingPostLabel }")
REQUEST_LEAVE = f"""mutation($c: String!, $i: LeaveInput!) {{
  requestLeave(center: $c, input: $i) {{ __typename ... on LeaveRequest {{ {LEAVE_FIELDS} }} {ERRORS} }} }}"""
DECIDE_LEAVE = f"""mutation($l: ID!, $a: Boolean!, $m: String) {{
  decideLeave(leave: $l, approve: $a, comment: $m) {{ __typename ... on LeaveRequest {{ {LEAVE_FIELDS} }} {ERRORS} }} }}"""
LEAVE_REQUESTS = f"query($c: String!, $s: String) {{ leaveRequests(center: $c, status: $s) {{ {LEAVE_FIELDS} }} }}"
STANDING_FIELDS = "username personalLeaveDays sickLeaveDays absentDays lateCount earlyCount bonus returnedToDepartment reasons { code message }"
MONTH = f"query($c: String!, $m: String!, $u: String) {{ staffMonthStanding(center: $c, month: $m, username: $u) {{ {STANDING_FIELDS} }} }}"
YEAR = f"query($c: String!, $y: Int!, $u: String) {{ staffYearStanding(center: $c, year: $y, username: $u) {{ {STANDING_FIELDS} }} }}"
SHEET = """query($c: String!, $m: String!, $u: String) { attendanceSheet(center: $c, month: $m, username: $u) {
  username lateCount earlyCount absentDays countedFrom days { date workday am pm early mark clockIns } } }"""


class StaffDriver(CaseDriver):
    """:class:`CaseDriver` plus the plugin's fields and a settable clock."""

    def __init__(self, gql: Any, hall: Hall, monkeypatch: pytest.MonkeyPatch) -> None:
        super().__init__(gql, hall)
        self.monkeypatch = monkeypatch

    def at(self, moment: str) -> None:
        """The core's "now" (which the plugin reads) becomes ``YYYY-MM-DD HH:MM`` in the center's time zone."""
        when = datetime.strptime(moment, "%Y-%m-%d %H:%M").replace(tzinfo=CENTER_TZ)
        self.monkeypatch.setattr(clock, "now", lambda: when)

    async def run(self, user: str, query: str, **variables: Any) -> dict[str, Any]:
        data = await self.gql(query, variables, token=self.hall.tokens[user])
        (value,) = data.values()
        return value

    async def add_person(self, username: str, position: str = "window_staff", *, window: str | None = None,
                         partner: str | None = None, posted: str = "2026-01-05", card: str | None = None,
                         role: str | None = None) -> dict[str, Any]:
        if username not in self.hall.users:
            self.hall.users[username] = await make_user(username, self.hall.center, role)
            self.hall.tokens[username] = await self.gql.login(username, PASSWORD)
        record = {"username": username, "position": position, "postedOn": posted, "window": window, "partner": partner,
                  "card": card}
        result = await self.run("admin1", SAVE_RECORD, c="hall", i=record)
        assert result["__typename"] == "StaffRecord", result
        return result

    async def leave(self, user: str, kind: str, start: str, end: str, start_half: str = "am", end_half: str = "pm",
                    center: str = "hall") -> dict[str, Any]:
        return await self.run(user, REQUEST_LEAVE, c=center, i={"kind": kind, "start": start, "end": end,
                                                               "startHalf": start_half, "endHalf": end_half})

    async def decide(self, user: str, leave: dict[str, Any], approve: bool = True, comment: str | None = None) -> dict[str, Any]:
        return await self.run(user, DECIDE_LEAVE, l=leave["id"], a=approve, m=comment)

    async def approve_all(self, leave: dict[str, Any]) -> dict[str, Any]:
        """Walk the leave through its route with the hall's post holders."""
        deciders = {"window": "lead1", "office": "office1" if leave["username"] != "office1" else "office2",
                    "supervision": "sup1", "leadership": "boss1"}
        while leave["status"] == "pending":
            leave = await self.decide(deciders[leave["currentStep"]], leave)
            assert leave["__typename"] == "LeaveRequest", leave
        assert leave["status"] == "approved", leave
        return leave

    async def clock(self, user: str, moment: str, center: str = "hall") -> dict[str, Any]:
        self.at(moment)
        return await self.run(user, CLOCK_IN, c=center)


async def build_staff(govhall: Any, gql: Any, monkeypatch: pytest.MonkeyPatch) -> StaffDriver:
    hall = await build_hall(govhall, gql, plugins=["staff"])
    drive = StaffDriver(gql, hall, monkeypatch)
    for username, (role, *_rest) in STAFF.items():
        if username not in hall.users:
            hall.users[username] = await make_user(username, hall.center, role)
            hall.tokens[username] = await gql.login(username, PASSWORD)
    for username, (_role, position, window, _partner) in STAFF.items():  # everyone first, then the partners
        await drive.add_person(username, position, window=window)
    for username, (_role, position, window, partner) in STAFF.items():
        await drive.add_person(username, position, window=window, partner=partner)
    return drive


def day(text: str) -> date:
    return date.fromisoformat(text)
