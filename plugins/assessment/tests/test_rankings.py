"""Facts from real cases driven through GraphQL: two department windows, one late and badly rated,
ranked for March 2025 (windows, staff), Q1 (departments) and the year; manual scores; the PDF."""

from __future__ import annotations

import re
import shutil
from datetime import date, datetime, timezone

import pytest

from core.services.calendar import CENTER_TZ
from core.plumbing.models import Center, Department, Rating, RoleAssignment, User, Window
from tests.hall import build_hall

from .drive import (DEPARTMENT, MANUAL, PRINT, STAFF, WINDOW, YEAR, AssessmentDriver, add_department_windows,
                    category, codes, row_of)
from .test_reports import PUBLISH

pytestmark = pytest.mark.anyio


@pytest.fixture
async def drive(app, govhall, gql, today):
    hall = await build_hall(govhall, gql, plugins=["assessment"])
    await add_department_windows(govhall, hall)
    return AssessmentDriver(gql, hall)


async def march(drive, today):
    """Two permits accepted Mon 3 March 2025 (promised: 10 working days → Mon 17 March): 市场监管
    approves on Fri 14 (on time), 住建 on Wed 19 (2 working days late). Rated 5 and 2 on 20 March."""
    today.value = date(2025, 3, 3)
    on_time = await drive.ok("clerk1", await drive.submit("app1"), "accept")
    late = await drive.ok("clerk1", await drive.submit("app2", item="test-permit-zjj"), "accept")
    assert on_time["promisedDue"] == late["promisedDue"] == "2025-03-17"
    today.value = date(2025, 3, 14)
    on_time = await drive.ok("rev-scjg", on_time, "approve", comment="同意")
    today.value = date(2025, 3, 19)
    late = await drive.ok("rev-zjj", late, "approve", comment="同意")
    await drive.rate("app1", on_time, 5)
    await drive.rate("app2", late, 2, comment="超过承诺时限才办结")
    await Rating.all().update(at=datetime(2025, 3, 20, 10, 0, tzinfo=CENTER_TZ))
    today.value = date(2025, 4, 2)
    return on_time, late


async def test_windows_rank_by_overdue_days_completion_and_ratings(drive, today):
    _, late = await march(drive, today)
    ranking = (await drive.query("sup1", WINDOW, c="hall", p="2025-03"))["windowAssessment"]
    assert ranking["ruleSet"] == "window-001" and ranking["periodLabel"] == "2025年3月" and ranking["max"] == 110
    assert [(r["rank"], r["code"], r["total"]) for r in ranking["rows"]] == [
        (1, "W-SCJG", 102), (2, "A01", 100), (2, "C01", 100), (4, "W-ZJJ", 79),
    ]
    good, bad = row_of(ranking, "W-SCJG"), row_of(ranking, "W-ZJJ")
    assert category(good, "rating")["points"] == 12
    assert category(good, "rating")["explanations"] == ["服务对象评价1条，平均5分，综合反映“好”，加2分"]
    time_limits = category(bad, "time_limits")
    assert time_limits["points"] == 11 and time_limits["explanations"] == [f"办件{late['number']}超期2个工作日，扣4分"]
    results = category(bad, "results")  # due 1, on time 0: 100 points below → 50, floored
    assert results["points"] == 0 and results["floored"]
    assert results["explanations"][0] == "按时办结率0%（本期应办结1件，按时办结0件），低于100%共100个百分点，扣50分"
    assert category(bad, "rating")["points"] == 8 and "较差" in category(bad, "rating")["explanations"][0]

    # nothing of March shows in February; the quarter sees the same cases
    february = (await drive.query("sup1", WINDOW, c="hall", p="2025-02"))["windowAssessment"]
    assert {r["total"] for r in february["rows"]} == {100}
    quarter = (await drive.query("head1", WINDOW, c="hall", p="2025-Q1"))["windowAssessment"]
    assert [r["code"] for r in quarter["rows"]][::3] == ["W-SCJG", "W-ZJJ"]


async def test_an_open_case_counts_its_overdue_days_in_each_period(drive, today):
    today.value = date(2025, 3, 3)
    case = await drive.ok("clerk1", await drive.submit("app2", item="test-permit-zjj"), "accept")
    today.value = date(2025, 4, 2)  # still open: 18–31 March = 10 working days late in March, 2 in April
    march_row = row_of((await drive.query("sup1", WINDOW, c="hall", p="2025-03"))["windowAssessment"], "W-ZJJ")
    assert category(march_row, "time_limits")["explanations"][0] == f"办件{case['number']}（尚未办结）超期10个工作日，扣20分"
    april_row = row_of((await drive.query("sup1", WINDOW, c="hall", p="2025-04"))["windowAssessment"], "W-ZJJ")
    assert category(april_row, "time_limits")["explanations"][0] == f"办件{case['number']}（尚未办结）超期2个工作日，扣4分"
    assert category(april_row, "results")["points"] == 15  # nothing fell due in April


async def test_a_paused_clock_stops_the_overdue_count(drive, today):
    # a center whose promise pauses for a site survey too (by default only the legal clock stops)
    center = await Center.get(code="hall")
    center.settings = {**center.settings, "clock": {"surveyPausesPromised": True}}
    await center.save(update_fields=["settings"])
    today.value = date(2025, 3, 3)
    late = await drive.ok("clerk1", await drive.submit("app1"), "accept")
    early = await drive.ok("clerk1", await drive.submit("app2"), "accept")
    today.value = date(2025, 3, 10)
    await drive.ok("rev-scjg", early, "request_survey", comment="现场踏勘")  # paused before its due date
    today.value = date(2025, 3, 20)
    await drive.ok("rev-scjg", late, "request_survey", comment="现场踏勘")  # 3 working days after it
    today.value = date(2025, 4, 2)
    row = row_of((await drive.query("sup1", WINDOW, c="hall", p="2025-03"))["windowAssessment"], "W-SCJG")
    assert category(row, "time_limits")["explanations"] == [f"办件{late['number']}（尚未办结）超期3个工作日，扣6分"]
    assert "本期应办结1件，按时办结0件" in category(row, "results")["explanations"][0]


async def test_a_return_overturned_on_review_is_a_faulty_case(drive, today):
    today.value = date(2025, 3, 3)
    case = await drive.ok("clerk1", await drive.submit("app1"), "return", comment="主件缺失")
    case = await drive.ok("app1", case, "request_review", comment="申请书已随件提交")
    today.value = date(2025, 3, 4)
    case = await drive.ok("head1", case, "accept")  # 复核：应当受理
    today.value = date(2025, 3, 10)
    windows = (await drive.query("sup1", WINDOW, c="hall", p="2025-03"))["windowAssessment"]
    handling = category(row_of(windows, "W-SCJG"), "case_handling")
    assert handling["points"] == 13 and handling["explanations"] == [f"差错办件{case['number']}（退回后经复核改为受理），扣2分"]
    staff = (await drive.query("sup1", STAFF, c="hall", p="2025-03"))["staffAssessment"]
    accuracy = category(row_of(staff, "clerk1"), "accuracy")  # charged to who returned it, not to the head
    assert accuracy["explanations"] == [f"退回后经复核改为受理：办件{case['number']}，扣2分"]
    assert row_of(staff, "head1")["total"] == 100


async def test_staff_are_ranked_and_graded(drive, today):
    _, late = await march(drive, today)
    ranking = (await drive.query("admin1", STAFF, c="hall", p="2025-03"))["staffAssessment"]
    assert ranking["ruleSet"] == "staff-001"
    reviewer = row_of(ranking, "rev-zjj")
    assert reviewer["total"] == 81 and reviewer["grade"] == "称职" and reviewer["rank"] == 7
    assert category(reviewer, "skill")["explanations"] == [f"未在承诺时限内办结：办件{late['number']}（超期2个工作日），扣2分"]
    assert category(reviewer, "satisfaction")["explanations"] == [f"服务对象不满意：办件{late['number']}（评价2级），扣2分"]
    clerk = row_of(ranking, "clerk1")  # responsible (首问负责) for both: one of two on time
    assert category(clerk, "completion")["points"] == 0 and "按时办结率50%" in category(clerk, "completion")["explanations"][0]
    assert clerk["total"] == 81
    # 按得分高低: 优秀 is 20% of the 8 ranked (1 place); the six tied at 100 do not fit in it
    assert row_of(ranking, "rev-scjg")["total"] == 100 and {r["grade"] for r in ranking["rows"]} == {"称职"}
    assert [r["rank"] for r in ranking["rows"]] == [1, 1, 1, 1, 1, 1, 7, 7]


async def test_departments_by_quarter_and_year(drive, today):
    await march(drive, today)
    ranking = (await drive.query("sup1", DEPARTMENT, c="hall", q="2025-Q1"))["departmentAssessment"]
    zjj = row_of(ranking, "zjj")
    assert category(zjj, "staff")["points"] == 32.4  # rev-zjj's 81 of 100, on 40
    assert category(zjj, "staff")["explanations"] == ["进驻部门工作人员考核平均81分（1人），折合32.4分"]
    assert (zjj["rank"], zjj["total"]) == (5, 92.4) and row_of(ranking, "scjg")["total"] == 100

    today.value = date(2025, 7, 2)  # Q1 and Q2 ended: the year is their mean
    year = (await drive.query("sup1", YEAR, c="hall", y=2025))["departmentYear"]
    assert year["quarters"] == ["2025-Q1", "2025-Q2"]
    last = year["rows"][-1]
    assert (last["code"], last["total"], [q["total"] for q in last["quarters"]]) == ("zjj", 96.2, [92.4, 100])
    refused = await drive.refused("sup1", YEAR, c="hall", y=2026)
    assert refused["extensions"]["code"] == "BAD_USER_INPUT" and "尚无已结束的季度" in refused["message"]
    wrong = await drive.refused("sup1", DEPARTMENT, c="hall", q="2025-03")
    assert "2026-Q3" in wrong["message"]


async def test_a_center_created_in_november_has_no_scores_for_the_quarters_before(drive, today):
    """当年累计季度考评总成绩/累计考核季度: the quarters that ended before the center began were never
    assessed: no score (null, — on the page and the print), not counted in the year's mean."""
    await Center.filter(id=drive.hall.center.id).update(created_at=datetime(2025, 11, 5, 2, tzinfo=timezone.utc))
    today.value = date(2025, 12, 1)  # Q1–Q3 ended, all before the center: nothing to rank yet
    refused = await drive.refused("sup1", YEAR, c="hall", y=2025)
    assert refused["extensions"]["code"] == "BAD_USER_INPUT" and "2025年11月5日起" in refused["message"]
    today.value = date(2026, 1, 5)
    year = (await drive.query("sup1", YEAR, c="hall", y=2025))["departmentYear"]
    assert year["quarters"] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    for row in year["rows"]:
        scores = [q["total"] for q in row["quarters"]]
        assert scores[:3] == [None, None, None] and row["total"] == scores[3]


async def test_departments_with_the_same_score_are_listed_in_the_centers_order(drive, today):
    """As 中心管理 and the statistics list them (the center file's order), not by code."""
    order = [d.code for d in await Department.filter(center_id=drive.hall.center.id).order_by("position", "id")]
    assert order != sorted(order)
    await Center.filter(id=drive.hall.center.id).update(created_at=datetime(2025, 1, 1, tzinfo=timezone.utc))
    today.value = date(2025, 7, 2)  # a quarter without cases: every department 100
    ranking = (await drive.query("sup1", DEPARTMENT, c="hall", q="2025-Q2"))["departmentAssessment"]
    assert [r["code"] for r in ranking["rows"]] == order and {r["rank"] for r in ranking["rows"]} == {1}
    year = (await drive.query("sup1", YEAR, c="hall", y=2025))["departmentYear"]
    assert [r["code"] for r in year["rows"]] == order


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed")
async def test_windows_and_staff_with_the_same_score_share_a_rank_in_the_centers_order(drive, today):
    """并列: equal totals share a rank (1, 2, 2, 2, 5) and are listed as 中心管理 lists the windows (the
    center file's, then those added on screen), not by code; staff by their window's place, then
    name. The screen, the printed ranking and the publicity list them alike."""
    center = drive.hall.center
    await Window.create(center=center, code="B01", name="咨询服务窗口", kind="special")  # added on screen, last
    windows = "query($c: String!) { center(code: $c) { windows { code } } }"
    order = [w["code"] for w in (await drive.query("sup1", windows, c="hall"))["center"]["windows"]]
    assert order == ["A01", "C01", "W-SCJG", "W-ZJJ", "B01"] and order != sorted(order)
    await march(drive, today)
    ranking = (await drive.query("sup1", WINDOW, c="hall", p="2025-03"))["windowAssessment"]
    assert [(r["rank"], r["code"]) for r in ranking["rows"]] == [
        (1, "W-SCJG"), (2, "A01"), (2, "C01"), (2, "B01"), (5, "W-ZJJ")]
    text = await drive.pdf("sup1", (await drive.query("sup1", PRINT, c="hall", k="window", p="2025-03"))["printAssessment"]["url"])
    assert text.index("综合受理窗口") < text.index("统一出件窗口") < text.index("咨询服务窗口") < text.index("住建专窗")

    # staff: rev-gaj sits at A01, pick1 at C01, head1 at B01, rev-zjj at W-ZJJ; the others at none, by name
    for username, code in (("rev-gaj", "A01"), ("pick1", "C01"), ("head1", "B01"), ("rev-zjj", "W-ZJJ")):
        window = await Window.get(center=center, code=code)
        await RoleAssignment.filter(user__username=username, center=center).update(window_id=window.id)
    await User.filter(username="rev-fgj").update(display_name="王芳")
    await User.filter(username="rev-hbj").update(display_name="李明")
    staff = (await drive.query("sup1", STAFF, c="hall", p="2025-03"))["staffAssessment"]
    expected = [(1, "rev-gaj"), (1, "pick1"), (1, "head1"), (1, "rev-scjg"), (1, "rev-hbj"), (1, "rev-fgj"),
                (7, "rev-zjj"), (7, "clerk1")]
    assert [(r["rank"], r["code"]) for r in staff["rows"]] == expected
    posted = (await drive.query("sup1", PUBLISH, c="hall", k="staff", p="2025-03", days=3))["publishAssessment"]
    assert [(r["rank"], r["code"]) for r in posted["rows"]] == expected


async def test_manual_scores_for_what_the_system_cannot_see(drive, today):
    today.value = date(2025, 4, 2)
    entry = (await drive.query("sup1", MANUAL, c="hall", k="window", s="W-SCJG", p="2025-03", cat="fees",
                               rule="changed_standard", reason="3月5日多收工本费10元"))["enterManualScore"]
    assert entry["__typename"] == "ManualScore" and entry["points"] == -3 and entry["label"] == "擅自提高或降低收费标准"
    ranged = (await drive.query("sup1", MANUAL, c="hall", k="window", s="W-SCJG", p="2025-03", cat="archives",
                                rule="missing_archive", points=2, count=2, reason="两份档案缺少申请书"))["enterManualScore"]
    assert ranged["points"] == -4
    # no bonus the rule set does not define: a free positive entry only corrects an earlier free deduction
    bonus = (await drive.query("sup1", MANUAL, c="hall", k="window", s="W-ZJJ", p="2025-Q1", cat="tidiness", points=3,
                               reason="获市级“群众满意窗口”"))["enterManualScore"]
    assert codes(bonus) == ["points.bonus"] and "不超过已扣的0分" in bonus["errors"][0]["message"]
    free = (await drive.query("sup1", MANUAL, c="hall", k="window", s="W-ZJJ", p="2025-Q1", cat="tidiness", points=-3,
                              reason="窗口资料摆放无序"))["enterManualScore"]
    assert free["points"] == -3
    back = (await drive.query("sup1", MANUAL, c="hall", k="window", s="W-ZJJ", p="2025-Q1", cat="tidiness", points=2,
                              reason="更正：其中一次系隔壁窗口"))["enterManualScore"]
    assert back["points"] == 2
    over = (await drive.query("sup1", MANUAL, c="hall", k="window", s="W-ZJJ", p="2025-Q1", cat="tidiness", points=2,
                              reason="再加两分"))["enterManualScore"]
    assert codes(over) == ["points.bonus"] and "不超过已扣的1分" in over["errors"][0]["message"]

    march = (await drive.query("sup1", WINDOW, c="hall", p="2025-03"))["windowAssessment"]
    scjg = row_of(march, "W-SCJG")
    assert category(scjg, "fees")["explanations"] == ["擅自提高或降低收费标准：3月5日多收工本费10元，扣3分"]
    assert category(scjg, "archives")["points"] == 6 and scjg["total"] == 93
    assert row_of(march, "W-ZJJ")["total"] == 100  # a quarter's entry is not a month's
    quarter = (await drive.query("sup1", WINDOW, c="hall", p="2025-Q1"))["windowAssessment"]
    assert row_of(quarter, "W-ZJJ")["total"] == 99 and row_of(quarter, "W-SCJG")["total"] == 93

    # every problem at once (一次性告知)
    bad = (await drive.query("sup1", MANUAL, c="hall", k="window", s="W-XXX", p="2025-13", cat="fees",
                             rule="extra_fee", points=9, reason=" "))["enterManualScore"]
    assert codes(bad) == ["period", "unknown_subject", "required", "points.range"]
    unknown = (await drive.query("sup1", MANUAL, c="hall", k="staff", s="clerk1", p="2025-03", cat="tidiness",
                                 points=-1, reason="x"))["enterManualScore"]
    assert codes(unknown) == ["unknown_category"] and "可用：思想品德" in unknown["errors"][0]["message"]
    assert not re.search(r"[A-Za-z]", unknown["errors"][0]["message"])  # the labels, not the codes
    wrong_rule = (await drive.query("sup1", MANUAL, c="hall", k="window", s="W-SCJG", p="2025-03", cat="fees",
                                    rule="no_such_rule", reason="x"))["enterManualScore"]
    assert codes(wrong_rule) == ["unknown_rule"] and "擅自提高或降低收费标准" in wrong_rule["errors"][0]["message"]
    assert not re.search(r"[A-Za-z]", wrong_rule["errors"][0]["message"])
    zero = (await drive.query("sup1", MANUAL, c="hall", k="window", s="W-SCJG", p="2025-03", cat="fees",
                              points=0, reason="x"))["enterManualScore"]
    assert codes(zero) == ["points.zero"] and "不能为0" in zero["errors"][0]["message"]  # not “请填写”: it was filled in
    future = (await drive.query("sup1", MANUAL, c="hall", k="department", s="zjj", p="2025-Q3", cat="coordination",
                                rule="meeting_absent", reason="缺席季度例会"))["enterManualScore"]
    assert codes(future) == ["period.future"]
    clerk = (await drive.query("clerk1", MANUAL, c="hall", k="window", s="W-SCJG", p="2025-03", cat="fees",
                               rule="extra_fee", reason="x"))["enterManualScore"]
    assert codes(clerk) == ["forbidden"]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed")
async def test_the_printed_ranking(drive, today):
    _, late = await march(drive, today)
    printed = (await drive.query("sup1", PRINT, c="hall", k="window", p="2025-03"))["printAssessment"]
    assert printed["__typename"] == "IssuedDocument" and printed["kind"] == "assessment_report"
    assert printed["title"] == "窗口单位考核排名" and "考〔" in printed["number"]
    text = await drive.pdf("sup1", printed["url"])
    assert "考核期间：2025年3月" in text and "总分对比" in text
    assert text.index("市场监管专窗") < text.index("综合受理窗口") < text.index("住建专窗")
    assert f"办件{late['number']}超期2个工作日，扣4分" in text
    assert "102" in text and "79" in text

    # a center that names no basis of its own: its own rules in neutral words, not Kunshan's 办法
    assert f"考核依据：{drive.hall.center.name}窗口单位考核办法" in text.replace("\n", "")
    assert "昆山" not in text and "乌审旗" not in text
    neutral = "query($c: String!, $p: String!) { windowAssessment(center: $c, period: $p) { basis } }"
    assert (await drive.query("sup1", neutral, c="hall", p="2025-03"))["windowAssessment"]["basis"] \
        == f"{drive.hall.center.name}窗口单位考核办法"

    # a center that scores windows by these rules under its own 办法 prints its own name for them
    center = drive.hall.center
    center.settings = {**(center.settings or {}), "assessment": {"basis": {"window": "《连州市政务服务中心窗口考核办法》"}}}
    await center.save(update_fields=["settings"])
    ranking = "query($c: String!, $p: String!) { windowAssessment(center: $c, period: $p) { basis } }"
    assert (await drive.query("sup1", ranking, c="hall", p="2025-03"))["windowAssessment"]["basis"] == "《连州市政务服务中心窗口考核办法》"
    again = (await drive.query("sup1", PRINT, c="hall", k="window", p="2025-03"))["printAssessment"]
    again_text = (await drive.pdf("sup1", again["url"])).replace("\n", "")
    assert "考核依据：《连州市政务服务中心窗口考核办法》" in again_text and "昆山" not in again_text

    staff = (await drive.query("sup1", PRINT, c="hall", k="staff", p="2025-03"))["printAssessment"]
    assert "称职" in await drive.pdf("sup1", staff["url"])
    year = (await drive.query("sup1", PRINT, c="hall", k="department", p="2025"))["printAssessment"]
    assert "第一季度" in await drive.pdf("sup1", year["url"])
    assert codes((await drive.query("sup1", PRINT, c="hall", k="moon", p="2025-03"))["printAssessment"]) == ["kind"]




def _pages_and_words(pdf: bytes) -> tuple[list[str], list[list[tuple[float, float, float, float, str]]]]:
    """Each page's text (pdftotext, without whitespace) and its words with their boxes (-bbox)."""
    import subprocess
    import tempfile
    from html import unescape

    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", f.name, "-"], capture_output=True, check=True).stdout.decode()
        boxes = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", f.name, "-"], capture_output=True, check=True).stdout.decode()
    pages = [re.sub(r"\s+", "", page) for page in text.split("\f")]
    words = [[(float(a), float(b), float(c), float(d), unescape(w)) for a, b, c, d, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page)]
        for page in boxes.split("<page ")[1:]]
    return pages, words


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed")
async def test_a_printed_ranking_of_twenty_windows_is_readable(drive, today):
    """Twenty windows, one with a long name (as Lianzhou's): the column headings wrap in their
    columns instead of running over each other, the chart stays on one page with its heading, and
    no window's name in it is cut at the page's edge."""
    from core.plumbing.models import Window

    long = "人力资源和社会保障局（就业服务管理中心）窗口"
    await Window.create(center=drive.hall.center, code="W-RSJ", name=long, kind="special")
    for n in range(16):
        await Window.create(center=drive.hall.center, code=f"W-{n:02d}", name=f"第{n + 1}号专窗", kind="special")
    await march(drive, today)
    printed = (await drive.query("sup1", PRINT, c="hall", k="window", p="2025-03"))["printAssessment"]
    pages, words = _pages_and_words(await drive.pdf_bytes("sup1", printed["url"]))
    first = words[0]
    for i, (x0, y0, x1, y1, w) in enumerate(first):
        for (a0, b0, a1, b1, v) in first[i + 1:]:
            assert not (y0 < b1 and b0 < y1 and x0 < a1 - 0.5 and a0 < x1 - 0.5), f"“{w}” runs over “{v}”"
    chart = next(page for page in pages if "总分对比" in page)
    assert long in chart  # drawn whole beside its bar, on the heading's page
