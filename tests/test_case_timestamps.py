"""Every moment a case shows comes from the one clock (``core.services.clock.now``): when it was
filed, accepted and completed, its audit events, its messages and its rating. Held at chosen moments
(as a deployment's clock can be), the acceptance notice's 受理日期 is the day the case was accepted
and the case number carries the day it was filed. Driven through GraphQL; the notice is read back
from its PDF."""

from __future__ import annotations

import shutil
from datetime import datetime

import pytest

from core.services import clock
from core.services.calendar import CENTER_TZ
from core.plumbing.models import Rating
from tests.hall import CaseDriver, build_hall

pytestmark = [pytest.mark.anyio, pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")]

FILED = datetime(2026, 3, 2, 10, 30, tzinfo=CENTER_TZ)  # a Monday
ACCEPTED = datetime(2026, 3, 3, 9, 15, tzinfo=CENTER_TZ)
URGED = datetime(2026, 3, 4, 14, 0, tzinfo=CENTER_TZ)
APPROVED = datetime(2026, 3, 5, 16, 40, tzinfo=CENTER_TZ)
RATED = datetime(2026, 3, 6, 11, 0, tzinfo=CENTER_TZ)

SHOWN = """query($id: ID!) { case(id: $id) { number submittedAt acceptedAt completedAt
  events { action at } notifications { text at } } }"""
RATE = """mutation($id: ID!) { rateCase(id: $id, level: 5) { __typename } }"""
URGE = """mutation($id: ID!) { superviseCase(id: $id, kind: "urge") { __typename } }"""


@pytest.fixture
async def drive(app, govhall, gql, monkeypatch):
    held = [FILED]
    monkeypatch.setattr(clock, "now", lambda: held[0])
    driver = CaseDriver(gql, await build_hall(govhall, gql))
    driver.held = held  # type: ignore[attr-defined]
    return driver


def moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


async def test_a_case_shows_the_moments_of_the_clock_it_was_handled_by(drive):
    case = await drive.submit("app1")
    drive.held[0] = ACCEPTED
    accepted = await drive.ok("clerk1", case, "accept")
    drive.held[0] = URGED  # 催办: an audit event and a message to the people handling it
    assert (await drive.query("sup1", URGE, id=case["id"]))["superviseCase"]["__typename"] == "SupervisionNotice"
    drive.held[0] = APPROVED
    await drive.ok("rev-scjg", await drive.get("rev-scjg", accepted), "approve")
    drive.held[0] = RATED
    assert (await drive.query("app1", RATE, id=case["id"]))["rateCase"]["__typename"] == "RatingType"

    shown = (await drive.query("sup1", SHOWN, id=case["id"]))["case"]
    assert "-20260302-" in shown["number"]
    assert [moment(shown[f]) for f in ("submittedAt", "acceptedAt", "completedAt")] == [FILED, ACCEPTED, APPROVED]
    assert [(e["action"], moment(e["at"])) for e in shown["events"]] == [
        ("submit", FILED), ("accept", ACCEPTED), ("urge", URGED), ("approve", APPROVED)]
    assert shown["notifications"] and {moment(n["at"]) for n in shown["notifications"]} == {URGED}
    assert (await Rating.get(case_id=int(case["id"]))).at == RATED

    (notice,) = [d for d in accepted["documents"] if d["kind"] == "acceptance_notice"]
    text = await drive.pdf("app1", notice["url"])
    assert "受理日期2026年3月3日" in text and "于2026年3月2日提" in text


ITEM = """query($c: String!, $code: String!) { item(center: $c, code: $code) { version publishedAt } }"""
PUBLISH = """mutation($c: String!, $code: String!) { publishItem(center: $c, code: $code) {
  __typename ... on Item { version publishedAt } } }"""
DEFINE = """mutation($c: String!, $d: JSON!) { defineItem(center: $c, definition: $d, update: true) { __typename } }"""
IMPORT = """mutation($c: String!, $doc: JSON!) { importCalendar(center: $c, document: $doc) { __typename } }"""


async def test_an_item_version_and_an_entered_calendar_year_carry_the_moment_of_the_clock(drive):
    """发布时间 of an item version and the moment a year's calendar was entered come from the same
    clock as the cases (they were the machine's)."""
    from core.plumbing.models import CalendarYear
    from tests.hall import PERMIT
    from tests.test_clock import sample_2027

    first = (await drive.query(None, ITEM, c="hall", code=PERMIT["code"]))["item"]
    assert (first["version"], moment(first["publishedAt"])) == (1, FILED)  # published by the hall's set-up
    drive.held[0] = ACCEPTED
    changed = {**PERMIT, "name": f"{PERMIT['name']}（第二版）"}
    assert (await drive.query("config1", DEFINE, c="hall", d=changed))["defineItem"]["__typename"] == "Item"
    published = (await drive.query("config1", PUBLISH, c="hall", code=PERMIT["code"]))["publishItem"]
    assert (published["version"], moment(published["publishedAt"])) == (2, ACCEPTED)

    drive.held[0] = URGED
    doc = {**sample_2027(), "center": "hall"}
    assert (await drive.query("admin1", IMPORT, c="hall", doc=doc))["importCalendar"]["__typename"] == "CalendarImport"
    entered = await CalendarYear.get(center_id=drive.hall.center.id, year=2027)
    assert entered.entered_at == URGED
