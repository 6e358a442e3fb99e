"""延长办理期限告知书 (行政许可法第四十二条) states the new deadlines truthfully: the dates when the
clock runs; while a special procedure (a site survey, a hearing…) holds a limit, no date exists
until it ends, so the notice says the limit is paused and how many working days remain, never the
stale date. Issued through GraphQL on a pinned calendar and read back from its PDF."""

from __future__ import annotations

import shutil
from datetime import date, datetime, time

import pytest

from core.services import clock
from core.services.calendar import CENTER_TZ
from core.services.centers import load_center
from core.services.documents import cn_date
from tests.hall import CaseDriver, build_hall
from tests.helpers import PASSWORD, center_doc, make_user

pytestmark = [pytest.mark.anyio, pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")]

ACCEPTED = date(2026, 3, 2)  # a Monday: the permit promises 10 working days, the law allows 20
SURVEYED = date(2026, 3, 9)  # 3–6 and 9 March: 5 working days counted when the survey begins
EXTENDED = date(2026, 3, 11)


@pytest.fixture
async def drive(app, govhall, gql, monkeypatch):
    today = [ACCEPTED]
    monkeypatch.setattr(clock, "now", lambda: datetime.combine(today[0], time(10), CENTER_TZ))
    hall = await build_hall(govhall, gql)
    hall.users["head-scjg"] = await make_user("head-scjg", hall.center, "head", "scjg")
    hall.tokens["head-scjg"] = await gql.login("head-scjg", PASSWORD)
    driver = CaseDriver(gql, hall)
    driver.today = today  # type: ignore[attr-defined]
    return driver


async def extended(drive, *, survey: bool) -> tuple[dict, dict, str]:
    """A permit accepted on ACCEPTED, surveyed from SURVEYED (or not), extended by 6 working days on
    EXTENDED: (the case before the extension, after it, the notice's text)."""
    case = await drive.ok("clerk1", await drive.submit("app1", allow_duplicate=True), "accept")
    if survey:
        drive.today[0] = SURVEYED
        case = await drive.ok("rev-scjg", case, "request_survey", comment="现场勘查经营场所")
    drive.today[0] = EXTENDED
    after = await drive.ok("head-scjg", case, "extend", comment="需征求消防部门意见", data={"days": 6})
    (notice,) = [d for d in after["documents"] if d["kind"] == "extension_notice"]
    text = await drive.pdf("app1", notice["url"])
    assert "延长办理期限告知书" in text and "因需征求消防部门意见，不能在原定期限内作出决定" in text
    assert "办理期限延长6个工作日" in text
    return case, after, text


async def test_dates_when_the_clock_runs_working_days_left_while_a_survey_holds_the_legal_clock(drive):
    before, after, text = await extended(drive, survey=False)
    assert after["legalDue"] > before["legalDue"] and after["promisedDue"] > before["promisedDue"]
    assert f"本件承诺于{cn_date(after['promisedDue'])}前办结，法定办结期限截至{cn_date(after['legalDue'])}" in text
    assert "暂停" not in text and "尚余" not in text

    drive.today[0] = ACCEPTED
    before, after, text = await extended(drive, survey=True)
    # the promise keeps running through a survey (the center's default): its new date is real
    assert f"本件承诺于{cn_date(after['promisedDue'])}前办结" in text
    # the legal limit waits for the survey: 20 + 6 − 5 counted = 21 working days once it ends
    assert "本件自2026年3月9日起因现场勘查暂停计算法定办结期限" in text
    assert "现场勘查所需时间不计算在办理期限内，期限自现场勘查结束的次日起顺延" in text
    assert "法定办结期限尚余21个工作日" in text and "法定期限暂停计时，恢复后尚余21个工作日" in text
    assert "法定办结期限截至" not in text
    # the legal date the case still carries (30 March, as before the extension) moves when the survey ends
    assert before["legalDue"] == after["legalDue"] == "2026-03-30" and after["promisedDue"] == "2026-03-24"
    assert "2026年3月30日" not in text


async def test_a_center_whose_promise_waits_too_gives_both_limits_in_working_days(drive, govhall):
    await load_center(center_doc("hall", settings={"clock": {"surveyPausesPromised": True}}), govhall.hub)
    before, after, text = await extended(drive, survey=True)
    assert "本件自2026年3月9日起因现场勘查暂停计算办理期限" in text
    # promised 10 + 6 − 5 = 11, legal 20 + 6 − 5 = 21
    assert "本件承诺办结期限尚余11个工作日，法定办结期限尚余21个工作日" in text
    assert "承诺办结暂停计时，恢复后尚余11个工作日" in text
    assert "前办结" not in text and "截至" not in text
    for stale in {before["promisedDue"], after["promisedDue"], before["legalDue"], after["legalDue"]}:
        assert cn_date(stale) not in text


PAUSED = 'query($id: ID!) { case(id: $id) { legalDue pausedLimits { kind reason since remaining } } }'


async def test_the_case_says_which_limit_a_survey_holds_and_the_days_left_as_the_notice_does(drive):
    """The case page shows what the notice prints (法定期限暂停计时，恢复后尚余21个工作日), not the date the
    case still carries from before the survey (30 March, before the promise's 24 March after the extension)."""
    before, after, _ = await extended(drive, survey=True)
    token = drive.hall.tokens["rev-scjg"]
    case = (await drive.gql(PAUSED, {"id": after["id"]}, token=token))["case"]
    assert case["pausedLimits"] == [{"kind": "legal", "reason": "现场勘查", "since": "2026-03-09", "remaining": 21}]
    drive.today[0] = date(2026, 3, 12)
    resumed = await drive.ok("rev-scjg", after, "finish_survey")
    assert (await drive.gql(PAUSED, {"id": resumed["id"]}, token=token))["case"]["pausedLimits"] == []
    assert resumed["legalDue"] > before["legalDue"]
    fresh = await drive.ok("clerk1", await drive.submit("app1", allow_duplicate=True), "accept")
    assert (await drive.gql(PAUSED, {"id": fresh["id"]}, token=token))["case"]["pausedLimits"] == []
