"""暂定 marks a date only when that date is provisional. A permit accepted in mid-December promises
10 working days (due 28 December: the 2026 holidays are published, the date is final) and the law
allows 20 (due in January 2027, whose holidays nobody has entered yet: provisional). The case page,
the notices and the public progress card must not tell the applicant the December date may still
move. Driven through GraphQL on a pinned clock; the notices read back from their PDFs."""

from __future__ import annotations

import re
import shutil
from datetime import date, datetime, time

import pytest

from core.services import clock
from core.services.calendar import CENTER_TZ
from tests.hall import GOOD_DATA, CaseDriver, build_hall

pytestmark = [pytest.mark.anyio, pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")]

DATES = "{ promisedDue legalDue deadlineProvisional promisedDueProvisional legalDueProvisional }"
PROGRESS = """query($n: String!, $c: String!) { caseProgress(number: $n, check: $c) {
  __typename ... on CaseProgress { promisedDue dueProvisional } } }"""


@pytest.fixture
async def drive(app, govhall, gql, monkeypatch):
    today = [date(2026, 12, 14)]  # a Monday
    monkeypatch.setattr(clock, "now", lambda: datetime.combine(today[0], time(10), CENTER_TZ))
    driver = CaseDriver(gql, await build_hall(govhall, gql))
    driver.today = today  # type: ignore[attr-defined]
    return driver


def squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


async def test_a_december_promise_is_final_while_the_january_legal_date_is_provisional(drive):
    case = await drive.ok("clerk1", await drive.submit("app1"), "accept")
    dates = (await drive.query("app1", f'{{ case(id: "{case["id"]}") {DATES} }}'))["case"]
    assert dates == {"promisedDue": "2026-12-28", "legalDue": "2027-01-12", "deadlineProvisional": True,
                     "promisedDueProvisional": False, "legalDueProvisional": True}

    (notice,) = [d for d in case["documents"] if d["kind"] == "acceptance_notice"]
    text = squashed(await drive.pdf("app1", notice["url"]))
    assert "即于2026年12月28日前办结；法定办结期限为20个工作日，截至2027年1月12日暂定。" in text
    assert "2026年12月28日法定期限2027年1月12日暂定" in text and "2026年12月28日暂定" not in text  # the table
    assert "上述标“暂定”的办结日期所在年度的法定节假日安排尚未公布" in text

    progress = (await drive.query(None, PROGRESS, n=case["number"], c=GOOD_DATA["uscc"][-6:]))["caseProgress"]
    assert progress == {"__typename": "CaseProgress", "promisedDue": "2026-12-28", "dueProvisional": False}


async def test_a_promise_due_in_the_unpublished_year_stays_marked(drive):
    drive.today[0] = date(2026, 12, 28)
    case = await drive.ok("clerk1", await drive.submit("app1"), "accept")
    dates = (await drive.query("app1", f'{{ case(id: "{case["id"]}") {DATES} }}'))["case"]
    assert dates["promisedDue"].startswith("2027-") and dates["promisedDueProvisional"] is True
    assert dates["legalDueProvisional"] is True
    (notice,) = [d for d in case["documents"] if d["kind"] == "promise_notice"]
    text = squashed(await drive.pdf("app1", notice["url"]))
    assert re.search(r"2027年1月\d+日暂定法定期限2027年\d+月\d+日暂定", text), text  # the table
