"""The test hall (``tests.hall``) with the hall floor: two queues (A 综合 at A01, B 企业 at B01), a
duty roster with Saturdays and extended hours, the plugin's clock held at a chosen moment, and the
GraphQL operations the tests send."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from core.services.centers import load_center
from core.services.clock import calendar_for, local_today
from core.api import CENTER_TZ
from core.services import clock
from tests.hall import CaseDriver, Hall, build_hall, codes  # noqa: F401  (codes: re-exported for the tests)
from tests.helpers import center_doc

ROSTER = {
    "capacity": 3, "daysAhead": 14, "periods": ["09:00-10:00", "10:00-11:00", "14:00-15:00"],
    "extendedPeriods": ["17:00-18:30"], "saturdays": "every", "saturdayPeriods": ["09:00-10:00"],
    "saturdayWindows": ["A01"],
}
HALL_FLOOR = {
    "queues": [{"code": "A", "name": "综合", "windows": ["A01"]}, {"code": "B", "name": "企业", "windows": ["B01"]}],
    "roster": ROSTER,
}
ENTERPRISE = {"uscc": "91310115591693856A", "name": "连州市青禾农业科技有限公司", "contact": "李青禾", "mobile": "13912345678"}

TICKET_FIELDS = "id number queue status appointment window calls caseId waitSeconds"
TAKE = f"""mutation($c: String!, $q: String!, $m: String, $b: ID) {{ takeTicket(center: $c, queue: $q, mobile: $m, booking: $b) {{
  __typename ... on HallTicket {{ {TICKET_FIELDS} }} ... on UserErrors {{ errors {{ code message path }} }} }} }}"""
CALL_NEXT = f"""mutation($c: String!, $w: String!) {{ callNextTicket(center: $c, window: $w) {{
  __typename ... on HallTicket {{ {TICKET_FIELDS} }} ... on UserErrors {{ errors {{ code message path }} }} }} }}"""
CALL = f"""mutation($c: String!, $w: String!, $t: ID!) {{ callTicket(center: $c, window: $w, ticket: $t) {{
  __typename ... on HallTicket {{ {TICKET_FIELDS} }} ... on UserErrors {{ errors {{ code message path }} }} }} }}"""
FINISH = f"""mutation($c: String!, $w: String!, $t: ID!, $k: ID) {{ finishTicket(center: $c, window: $w, ticket: $t, case: $k) {{
  __typename ... on HallTicket {{ {TICKET_FIELDS} }} ... on UserErrors {{ errors {{ code message path }} }} }} }}"""
RECALL = f"""mutation($c: String!, $w: String!, $t: ID!) {{ recallTicket(center: $c, window: $w, ticket: $t) {{
  __typename ... on HallTicket {{ {TICKET_FIELDS} }} ... on UserErrors {{ errors {{ code message path }} }} }} }}"""
SKIP = f"""mutation($c: String!, $w: String!, $t: ID!) {{ skipTicket(center: $c, window: $w, ticket: $t) {{
  __typename ... on HallTicket {{ {TICKET_FIELDS} }} ... on UserErrors {{ errors {{ code message path }} }} }} }}"""
TRANSFER = f"""mutation($c: String!, $w: String!, $t: ID!, $q: String!) {{ transferTicket(center: $c, window: $w, ticket: $t, queue: $q) {{
  __typename ... on HallTicket {{ {TICKET_FIELDS} }} ... on UserErrors {{ errors {{ code message path }} }} }} }}"""
DISPLAY = "query($c: String!) { hallDisplay(center: $c) { centerName calls { number window windowName calls } queues { code name waiting } } }"
WINDOW = f"query($c: String!, $w: String!) {{ hallWindowQueue(center: $c, window: $w) {{ current {{ {TICKET_FIELDS} }} waiting {{ {TICKET_FIELDS} }} }} }}"
STATS = """query($c: String!, $f: Date!, $t: Date!) { hallWaitStats(center: $c, from: $f, to: $t) {
  tickets called averageWait longestWait windows { window served averageWait longestWait averageService } } }"""
FIGURES = "query($c: String!, $f: Date!, $t: Date!) { hallRatingFigures(center: $c, from: $f, to: $t) { kind subject ratings average bad } }"
PARTY_FIELDS = "id kind idNumber name contactName mobile username"
REGISTER = f"""mutation($c: String!, $k: String!, $i: String!, $n: String!, $m: String!, $p: String) {{
  registerWalkInParty(center: $c, kind: $k, idNumber: $i, name: $n, mobile: $m, contactName: $p) {{
  __typename ... on WalkInParty {{ {PARTY_FIELDS} }} ... on UserErrors {{ errors {{ code message path }} }} }} }}"""
FIND_PARTY = f"query($c: String!, $i: String!) {{ walkInParty(center: $c, idNumber: $i) {{ {PARTY_FIELDS} }} }}"
SEND_CODE = """mutation($c: String!, $n: String!, $i: String!) { sendClaimCode(center: $c, caseNumber: $n, idNumber: $i) {
  __typename ... on ClaimCodeSent { mobile } ... on UserErrors { errors { code message path } } } }"""
CLAIM = """mutation($c: String!, $n: String!, $i: String!, $x: String!) { claimCase(center: $c, caseNumber: $n, idNumber: $i, code: $x) {
  __typename ... on ClaimedCase { id number applicantName } ... on UserErrors { errors { code message path } } } }"""
RATING_FIELDS = "id channel window staff level levelLabel reason caseId caseNumber ticketNumber"
RATE = f"""mutation($c: String!, $w: String!, $l: Int!, $k: ID, $t: ID, $r: String) {{
  rateOnSite(center: $c, window: $w, level: $l, case: $k, ticket: $t, reason: $r) {{
  __typename ... on OnSiteRating {{ {RATING_FIELDS} }} ... on UserErrors {{ errors {{ code message path }} }} }} }}"""
ON_SITE = f"query($c: String!, $k: ID!) {{ onSiteRating(center: $c, case: $k) {{ {RATING_FIELDS} }} }}"
RECT_FIELDS = f"id reason openedOn due status measures followUp followUpSatisfied rating {{ {RATING_FIELDS} }}"
RECTIFICATIONS = f"query($c: String!, $s: String) {{ rectifications(center: $c, status: $s) {{ {RECT_FIELDS} }} }}"
RECTIFY = f"""mutation($r: ID!, $m: String!) {{ rectify(rectification: $r, measures: $m) {{
  __typename ... on Rectification {{ {RECT_FIELDS} }} ... on UserErrors {{ errors {{ code message path }} }} }} }}"""
FOLLOW_UP = f"""mutation($r: ID!, $n: String!, $s: Boolean!) {{ recordFollowUp(rectification: $r, note: $n, satisfied: $s) {{
  __typename ... on Rectification {{ {RECT_FIELDS} }} ... on UserErrors {{ errors {{ code message path }} }} }} }}"""
SLOTS = "query($c: String!, $q: String!, $d: Date!) { hallSlots(center: $c, queue: $q, date: $d) { closedReason slots { period extended capacity booked bookable closedReason } } }"
BOOK = """mutation($c: String!, $q: String!, $d: Date!, $p: String!) { bookHallSlot(center: $c, queue: $q, date: $d, period: $p) {
  __typename ... on HallBooking { id queue date period extended status user } ... on UserErrors { errors { code message path } } } }"""
CANCEL = """mutation($b: ID!) { cancelHallBooking(booking: $b) {
  __typename ... on HallBooking { id status } ... on UserErrors { errors { code message path } } } }"""
BOOKINGS = "query($c: String!, $d: Date!) { hallBookings(center: $c, date: $d) { id queue period status user } }"


class Clock:
    """The plugin's clock, held at a moment the test moves forward."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment

    def at(self, hh: int, mm: int) -> None:
        self.moment = datetime.combine(self.moment.date(), time(hh, mm), tzinfo=CENTER_TZ)


class FloorDriver(CaseDriver):
    def __init__(self, gql: Any, hall: Hall, clock_: Clock) -> None:
        super().__init__(gql, hall)
        self.clock = clock_

    async def run(self, user: str | None, query: str, **variables: Any) -> Any:
        """A mutation's or query's single top-level value."""
        data = await self.query(user, query, **variables)
        (value,) = data.values()
        return value


async def next_workday(center: Any, after: date | None = None) -> date:
    calendar = await calendar_for(center)
    day = (after or local_today()) + timedelta(days=1)
    while not calendar.is_workday(day):
        day += timedelta(days=1)
    return day


async def build_floor(govhall: Any, gql: Any, plugins: tuple[str, ...] = ()) -> Hall:
    hall = await build_hall(govhall, gql, plugins=["hall_floor"])
    doc = center_doc("hall", ["hall_floor", *plugins], settings={"hallFloor": HALL_FLOOR})
    doc["windows"].append({"code": "B01", "name": "企业服务窗口", "kind": "special", "department": "scjg"})
    hall.center = await load_center(doc, govhall.hub)
    return hall


async def floor_driver(govhall: Any, gql: Any, monkeypatch: Any, plugins: tuple[str, ...] = ()) -> FloorDriver:
    hall = await build_floor(govhall, gql, plugins)
    day = await next_workday(hall.center)
    held = Clock(datetime.combine(day, time(9, 0), tzinfo=CENTER_TZ))
    monkeypatch.setattr(clock, "now", held.now)
    return FloorDriver(gql, hall, held)
