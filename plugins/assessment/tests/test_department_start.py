"""A department added in the middle of the year (saveDepartment, on the product clock) is not scored for
the quarters that ended before it: no score there (未设立), not ranked for them, and its year is the mean of
the quarters it existed in (当年累计季度考评总成绩/累计考核季度); the departments there all year are unchanged."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timezone

import pytest

from core.services import clock
from core.services.centers import load_center
from core.plumbing.models import Center, Department
from plugins.assessment.models import ManualScore
from tests.helpers import center_doc

from .drive import DEPARTMENT, MANUAL, PRINT, row_of

pytestmark = pytest.mark.anyio

YEAR = """query($c: String!, $y: Int!) { departmentYear(center: $c, year: $y) {
  quarters rows { rank code total quarters { quarter total unscored } } } }"""
SAVE = """mutation($c: String!, $code: String!, $n: String!) { saveDepartment(center: $c, code: $code, name: $n, isNew: true) {
  __typename ... on UserErrors { errors { code message } } } }"""


async def add_department(drive, monkeypatch: pytest.MonkeyPatch, code: str, at: datetime) -> None:
    """saveDepartment as the administrator with the product clock at ``at``."""
    running = clock.now
    monkeypatch.setattr(clock, "now", lambda: at)
    saved = (await drive.query("admin1", SAVE, c="hall", code=code, n="新设审批局"))["saveDepartment"]
    assert saved["__typename"] == "Department", saved
    monkeypatch.setattr(clock, "now", running)  # not undo(): that would also let go of ``today``


async def test_a_department_added_in_q3_is_scored_from_q3(drive, today, monkeypatch):
    await Center.filter(id=drive.hall.center.id).update(created_at=datetime(2025, 1, 1, tzinfo=timezone.utc))
    # 2025-08-10 10:00 in the hall (02:00 UTC): the third quarter
    await add_department(drive, monkeypatch, "xsj", datetime(2025, 8, 10, 2, tzinfo=timezone.utc))
    today.value = date(2025, 10, 9)
    entry = (await drive.query("sup1", MANUAL, c="hall", k="department", s="xsj", p="2025-Q3", cat="coordination",
                               points=-10, reason="未参加季度协调会"))["enterManualScore"]
    assert entry["__typename"] == "ManualScore", entry

    # the quarters before it: not ranked (a full score would push the others down); Q3 it is
    q1 = (await drive.query("sup1", DEPARTMENT, c="hall", q="2025-Q1"))["departmentAssessment"]
    assert "xsj" not in [r["code"] for r in q1["rows"]] and {r["rank"] for r in q1["rows"]} == {1}
    q3 = (await drive.query("sup1", DEPARTMENT, c="hall", q="2025-Q3"))["departmentAssessment"]
    assert row_of(q3, "xsj")["total"] == 90 and row_of(q3, "xsj")["rank"] == len(q3["rows"])

    today.value = date(2026, 1, 5)
    year = (await drive.query("sup1", YEAR, c="hall", y=2025))["departmentYear"]
    assert year["quarters"] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    new = row_of(year, "xsj")
    assert [(q["total"], q["unscored"]) for q in new["quarters"]] == [(None, "未设立"), (None, "未设立"), (90, None), (100, None)]
    assert new["total"] == 95  # (90 + 100) / 2, not (100 + 100 + 90 + 100) / 4
    # a department there all year: four scores, their mean, ranked above the newcomer
    old = row_of(year, "scjg")
    assert [(q["total"], q["unscored"]) for q in old["quarters"]] == [(100, None)] * 4 and old["total"] == 100
    assert year["rows"][-1]["code"] == "xsj" and new["rank"] == len(year["rows"])


async def test_points_for_a_quarter_that_ended_before_the_department_are_refused(drive, today, monkeypatch):
    """Entered for the second quarter of a department added on 10 August, points would be stored and count
    nowhere (the quarter is 未设立): refused with the day it was added; its first quarter takes them, and a
    department there all year takes them for any quarter."""
    await Center.filter(id=drive.hall.center.id).update(created_at=datetime(2025, 1, 1, tzinfo=timezone.utc))
    await add_department(drive, monkeypatch, "xsj", datetime(2025, 8, 10, 2, tzinfo=timezone.utc))
    today.value = date(2025, 10, 9)
    for period in ("2025-Q2", "2025-07", "2025-Q1"):
        refused = (await drive.query("sup1", MANUAL, c="hall", k="department", s="xsj", p=period, cat="coordination",
                                     points=-5, reason="未参加季度协调会"))["enterManualScore"]
        assert refused["__typename"] == "UserErrors", (period, refused)
        (error,) = refused["errors"]
        assert (error["code"], error["path"]) == ("period.unset", "/period")
        assert error["message"].startswith("该部门于2025年8月10日设立，此前结束的2025年") and "不能录入分数" in error["message"]
    assert not await ManualScore.filter(center_id=drive.hall.center.id).exists()
    for subject, period in (("xsj", "2025-Q3"), ("xsj", "2025-08"), ("scjg", "2025-Q2")):
        entry = (await drive.query("sup1", MANUAL, c="hall", k="department", s=subject, p=period, cat="coordination",
                                   points=-5, reason="未参加季度协调会"))["enterManualScore"]
        assert entry["__typename"] == "ManualScore", (subject, period, entry)


async def test_a_department_without_an_ended_quarter_is_listed_last_unranked(drive, today, monkeypatch):
    """Added in November: no quarter of 2025 it existed in has ended by December; its year is no score,
    listed after the ranked departments, not a zero (nor a 100) among them."""
    await Center.filter(id=drive.hall.center.id).update(created_at=datetime(2025, 1, 1, tzinfo=timezone.utc))
    await add_department(drive, monkeypatch, "xsj", datetime(2025, 11, 3, 2, tzinfo=timezone.utc))
    today.value = date(2025, 12, 1)
    year = (await drive.query("sup1", YEAR, c="hall", y=2025))["departmentYear"]
    last = year["rows"][-1]
    assert (last["code"], last["rank"], last["total"]) == ("xsj", None, None)
    assert [q["unscored"] for q in last["quarters"]] == ["未设立"] * 3
    assert all(r["rank"] == 1 and r["total"] == 100 for r in year["rows"][:-1])


async def test_a_center_created_later_shows_no_data_not_unset(drive, today, monkeypatch):
    """The quarters before the center began are 无数据 for every department, the newcomer's too."""
    await Center.filter(id=drive.hall.center.id).update(created_at=datetime(2025, 5, 5, tzinfo=timezone.utc))
    await add_department(drive, monkeypatch, "xsj", datetime(2025, 8, 10, 2, tzinfo=timezone.utc))
    today.value = date(2026, 1, 5)
    year = (await drive.query("sup1", YEAR, c="hall", y=2025))["departmentYear"]
    assert [q["unscored"] for q in row_of(year, "xsj")["quarters"]] == ["无数据", "未设立", None, None]
    assert [q["unscored"] for q in row_of(year, "scjg")["quarters"]] == ["无数据", None, None, None]


async def test_the_screens_read_the_day_the_center_began(drive, today):
    """assessmentSince: the publicity form offers no quarter before it."""
    await Center.filter(id=drive.hall.center.id).update(created_at=datetime(2026, 11, 29, 17, tzinfo=timezone.utc))
    since = await drive.query("sup1", "query($c: String!) { assessmentSince(center: $c) }", c="hall")
    assert since["assessmentSince"] == "2026-11-30"  # the center's own day (UTC+8)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed")
async def test_the_printed_year_says_unset(drive, today, monkeypatch):
    await Center.filter(id=drive.hall.center.id).update(created_at=datetime(2025, 1, 1, tzinfo=timezone.utc))
    await add_department(drive, monkeypatch, "xsj", datetime(2025, 8, 10, 2, tzinfo=timezone.utc))
    today.value = date(2026, 1, 5)
    printed = (await drive.query("sup1", PRINT, c="hall", k="department", p="2025"))["printAssessment"]
    text = await drive.pdf("sup1", printed["url"])
    line = next(x for x in text.splitlines() if "新设审批局" in x)
    assert line.count("未设立") == 2 and "100" in line


async def test_a_department_the_center_file_adds_later_is_dated_too(drive, govhall, monkeypatch):
    """The center file's departments came with the center (no date); one a later file adds is dated by
    the product clock, as saveDepartment dates it."""
    assert not await Department.filter(center_id=drive.hall.center.id, created_at__not_isnull=True).exists()
    at = datetime(2025, 8, 10, 2, tzinfo=timezone.utc)
    monkeypatch.setattr(clock, "now", lambda: at)
    doc = center_doc("hall", plugins=["assessment"])
    doc["departments"].append({"code": "xsj", "name": "新设审批局"})
    await load_center(doc, govhall.hub)
    dated = await Department.filter(center_id=drive.hall.center.id, created_at__not_isnull=True).values_list("code", "created_at")
    assert [(code, when.astimezone(timezone.utc)) for code, when in dated] == [("xsj", at)]
