"""The rating tablet's rating of a queue number served without a case (咨询) reaches the assessment:
the window's 服务对象评议, the 服务对象满意 of the clerk who served it and the center's 满意率, as a
case's rating does (the assessment plugin's ``assessment_window_ratings`` hook, which the hall floor
answers)."""

from __future__ import annotations

import pytest

from ..floor import BAD_REASONS
from .drive import CALL_NEXT, FINISH, RATE, TAKE, floor_driver

pytestmark = pytest.mark.anyio

CATEGORIES = "rows { code total categories { code points explanations } }"
WINDOWS = f"query($c: String!, $p: String!) {{ windowAssessment(center: $c, period: $p) {{ {CATEGORIES} }} }}"
STAFF = f"query($c: String!, $p: String!) {{ staffAssessment(center: $c, period: $p) {{ {CATEGORIES} }} }}"
FIGURES = "query($c: String!, $p: String!) { assessmentFigures(center: $c, period: $p) { ratings satisfied satisfaction ratingsWithoutCase } }"


@pytest.fixture
async def drive(app, govhall, gql, monkeypatch):
    return await floor_driver(govhall, gql, monkeypatch, plugins=("assessment",))


async def _consultation(drive, clerk: str, window: str, queue: str, hh: int) -> dict:
    """A number taken, called and finished at ``window`` without a case."""
    drive.clock.at(hh, 0)
    await drive.run(None, TAKE, c="hall", q=queue)
    drive.clock.at(hh, 5)
    called = await drive.run(clerk, CALL_NEXT, c="hall", w=window)
    drive.clock.at(hh, 20)
    done = await drive.run(clerk, FINISH, c="hall", w=window, t=called["id"])
    assert (done["status"], done["caseId"]) == ("done", None), done
    return done


def _category(ranking: dict, subject: str, code: str) -> dict:
    row = next(r for r in ranking["rows"] if r["code"] == subject)
    return next(c for c in row["categories"] if c["code"] == code)


async def test_a_consultations_rating_counts_for_the_window_and_the_clerk_who_served_it(drive):
    first = await _consultation(drive, "clerk1", "A01", "A", 9)
    bad = await drive.run("clerk1", RATE, c="hall", w="A01", l=1, t=first["id"], r=BAD_REASONS[0])
    assert (bad["caseId"], bad["ticketNumber"], bad["staff"]) == (None, "A001", "clerk1")
    second = await _consultation(drive, "clerk1", "A01", "A", 10)
    await drive.run("clerk1", RATE, c="hall", w="A01", l=4, t=second["id"])
    period = drive.clock.moment.strftime("%Y-%m")

    windows = await drive.run("sup1", WINDOWS, c="hall", p=period)
    rating = _category(windows, "A01", "rating")
    assert any("服务对象评价2条，平均2.5分，综合反映“一般”" in line for line in rating["explanations"]), rating
    assert _category(windows, "B01", "rating")["explanations"] == ["本期无服务对象评价，不加减分"]  # not another window's

    staff = await drive.run("sup1", STAFF, c="hall", p=period)
    satisfaction = _category(staff, "clerk1", "satisfaction")
    assert satisfaction["points"] == 8, satisfaction  # 10 − 2 for the one 非常不满意
    (line,) = [x for x in satisfaction["explanations"] if "不满意" in x]
    assert "排队号A001" in line and "评价1级" in line
    assert _category(staff, "head1", "satisfaction")["points"] == 10  # who did not serve it


async def test_a_consultations_bad_rating_lowers_the_centers_satisfaction_rate(drive):
    quick = await drive.ok("clerk1", await drive.submit("app1", item="test-quick"), "finish_on_spot")
    rated = await drive.gql("mutation($id: ID!) { rateCase(id: $id, level: 5) { __typename } }", {"id": quick["id"]},
                            token=drive.hall.tokens["app1"])
    assert rated["rateCase"]["__typename"] != "UserErrors", rated
    good = await _consultation(drive, "clerk1", "A01", "A", 10)
    await drive.run("clerk1", RATE, c="hall", w="A01", l=3, t=good["id"])  # 基本满意: satisfied
    bad = await _consultation(drive, "clerk1", "B01", "B", 11)
    await drive.run("clerk1", RATE, c="hall", w="B01", l=2, t=bad["id"], r=BAD_REASONS[0])

    figures = await drive.run("sup1", FIGURES, c="hall", p=drive.clock.moment.strftime("%Y-%m"))
    # the case's 5 and the consultations' 3 and 2: two of three satisfied (the case's alone was 100%)
    assert figures == {"ratings": 3, "satisfied": 2, "satisfaction": round(2 / 3 * 100, 2), "ratingsWithoutCase": 2}
