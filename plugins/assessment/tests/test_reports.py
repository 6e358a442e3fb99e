"""The center rules' reports through GraphQL: staff grades by ranking with the center's quota (the approval center's rules:
按得分高低), and a quarter's ranking posted for publicity for at least 3 working days (the enterprise zone's rules)."""

from __future__ import annotations

from datetime import date

import pytest


from .drive import DEPARTMENT, ERRORS, MANUAL, STAFF, codes, row_of

pytestmark = pytest.mark.anyio

PUBLICATION = "id kind period ruleSet days startsOn endsOn status publishedBy rows { rank code name total grade }"
PUBLISH = f"""mutation($c: String!, $k: String!, $p: String!, $days: Int) {{
  publishAssessment(center: $c, kind: $k, period: $p, days: $days) {{ __typename ... on AssessmentPublication {{
  {PUBLICATION} }} {ERRORS} }} }}"""
PUBLICATIONS = f"query($c: String!) {{ assessmentPublications(center: $c) {{ {PUBLICATION} }} }}"
DEDUCTIONS = {"clerk1": 1, "rev-scjg": 2, "rev-zjj": 3, "rev-fgj": 4, "rev-hbj": 5, "rev-gaj": 6, "pick1": 7}


async def grades(drive) -> dict[str, str]:
    ranking = (await drive.query("sup1", STAFF, c="hall", p="2025-03"))["staffAssessment"]
    return {r["code"]: r["grade"] for r in ranking["rows"]}


async def test_staff_grades_follow_the_ranking_and_the_centers_quota(drive, today):
    today.value = date(2025, 3, 31)
    for user, points in DEDUCTIONS.items():
        entry = (await drive.query("sup1", MANUAL, c="hall", k="staff", s=user, p="2025-03", cat="meetings",
                                   points=-points, reason="周例会缺席"))["enterManualScore"]
        assert entry["__typename"] == "ManualScore"
    # 8 ranked, the rule set's 20% gives one 优秀 place and no 不称职 place
    assert await grades(drive) == {"head1": "优秀", **{u: "称职" for u in DEDUCTIONS}}
    center = drive.hall.center
    center.settings = {**(center.settings or {}), "assessment": {"gradeShares": {"优秀": 0.25, "不称职": 0.125}}}
    await center.save(update_fields=["settings"])
    assert await grades(drive) == {"head1": "优秀", "clerk1": "优秀", "pick1": "不称职",
                                   **{u: "称职" for u in ("rev-scjg", "rev-zjj", "rev-fgj", "rev-hbj", "rev-gaj")}}


async def test_a_quarter_ranking_is_posted_for_at_least_three_working_days(drive, today):
    today.value = date(2025, 3, 31)  # a Monday; 清明 (4–6 April 2025) is a holiday
    short = (await drive.query("sup1", PUBLISH, c="hall", k="department", p="2025-Q1", days=2))["publishAssessment"]
    assert codes(short) == ["days"] and "不少于3个工作日" in short["errors"][0]["message"]
    monthly = (await drive.query("sup1", PUBLISH, c="hall", k="department", p="2025-03"))["publishAssessment"]
    assert codes(monthly) == ["period"]
    # a quarter still running has no final ranking: posting it would block the real one (posted once)
    running = (await drive.query("sup1", PUBLISH, c="hall", k="department", p="2025-Q2"))["publishAssessment"]
    assert codes(running) == ["period_open"] and "2025年第二季度尚未结束" in running["errors"][0]["message"]
    month = (await drive.query("sup1", PUBLISH, c="hall", k="window", p="2025-04"))["publishAssessment"]
    assert codes(month) == ["period_open"]
    assert codes((await drive.query("clerk1", PUBLISH, c="hall", k="department", p="2025-Q1"))["publishAssessment"]) \
        == ["forbidden"]
    posted = (await drive.query("head1", PUBLISH, c="hall", k="department", p="2025-Q1", days=4))["publishAssessment"]
    assert (posted["startsOn"], posted["endsOn"], posted["status"], posted["days"]) == ("2025-03-31", "2025-04-07", "公示中", 4)
    ranking = (await drive.query("sup1", DEPARTMENT, c="hall", q="2025-Q1"))["departmentAssessment"]
    assert [(r["rank"], r["code"], r["total"]) for r in posted["rows"]] == [(r["rank"], r["code"], r["total"]) for r in ranking["rows"]]
    again = (await drive.query("sup1", PUBLISH, c="hall", k="department", p="2025-Q1"))["publishAssessment"]
    assert codes(again) == ["published"]

    # what was posted stays as posted; the publicity ends after its last working day
    entry = (await drive.query("sup1", MANUAL, c="hall", k="department", s="scjg", p="2025-Q1", cat="conduct",
                               points=-2, reason="窗口人员脱岗"))["enterManualScore"]
    assert entry["__typename"] == "ManualScore"
    today.value = date(2025, 4, 7)
    (listed,) = (await drive.query("sup1", PUBLICATIONS, c="hall"))["assessmentPublications"]
    assert listed["status"] == "公示中" and row_of(listed, "scjg")["total"] == 100
    today.value = date(2025, 4, 8)
    (listed,) = (await drive.query("sup1", PUBLICATIONS, c="hall"))["assessmentPublications"]
    assert listed["status"] == "公示期满"
    assert row_of((await drive.query("sup1", DEPARTMENT, c="hall", q="2025-Q1"))["departmentAssessment"], "scjg")["total"] == 98
