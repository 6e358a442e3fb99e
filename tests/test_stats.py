"""Year-end figures of the form of the approval center's rules from a generated year of cases, checked against an
independent Python computation; the department filter; one SQL query over the summary; the
supervision board."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from core.services import clock, stats
from core.plumbing.models import Case, Department, Window
from tests.test_clock import make_case, make_world, started

pytestmark = pytest.mark.anyio

YEAR = (date(2026, 1, 1), date(2026, 12, 31))


@dataclass
class Row:
    accepted_on: date | None
    completed_on: date | None
    promised_days: int
    actual_days: int | None
    promised_due: date | None
    department: str | None
    legal_days: int | None = None
    legal_actual_days: int | None = None


def generate(seed: int, n: int) -> list[Row]:
    """Cases accepted from December 2025 to January 2027, most completed, some late, some
    immediate (no promised due date), some not yet accepted."""
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        accepted = date(2025, 12, 1) + timedelta(days=rng.randrange(0, 420)) if rng.random() > 0.03 else None
        promised = rng.choice([0, 1, 3, 5, 5, 7, 10, 15, 20])
        completed = actual = due = None
        if accepted is not None:
            due = None if promised == 0 and rng.random() < 0.7 else accepted + timedelta(days=promised * 7 // 5 + 1)
            if rng.random() < 0.92:
                completed = accepted + timedelta(days=rng.choice([0, 0, 1, 2, 3, 5, 8, 13, 30]))
                actual = min(rng.randint(0, promised + 4), (completed - accepted).days)
        legal = legal_actual = None
        if completed is not None:  # the legal limit and the days on the legal clock are recorded at completion
            legal = rng.choice([0, 0, 20, 20, 30, 45]) if promised else rng.choice([0, 5])
            legal_actual = max(0, (actual or 0) - rng.choice([0, 0, 0, 2]))  # a special procedure left out
        rows.append(Row(accepted, completed, promised, actual, due, rng.choice(["scjg", "zjj", "fgj", None]), legal, legal_actual))
    return rows


def expected(rows: list[Row], start: date, end: date, department: str | None = None) -> dict[str, float | int | None]:
    """The figures computed case by case, the way a clerk with a spreadsheet would."""
    rows = [r for r in rows if department is None or r.department == department]

    def within(d: date | None) -> bool:
        return d is not None and start <= d <= end

    accepted = len([r for r in rows if within(r.accepted_on)])
    done = [r for r in rows if within(r.completed_on)]
    with_legal = [r for r in done if r.legal_days]
    with_promise = [r for r in done if r.promised_days]

    def ratio(part: float, whole: float, scale: int = 1) -> float | None:
        return round(part / whole * scale, 2) if whole else None

    promised = sum(r.promised_days for r in done)
    legal = sum(r.legal_days or 0 for r in with_legal)
    on_time = [r for r in done if r.promised_due is None or r.completed_on <= r.promised_due]  # type: ignore[operator]
    return {
        "accepted": accepted,
        "completed": len(done),
        "legalCompleted": len(with_legal),
        "averageLegalDays": ratio(legal, len(with_legal)),
        "averagePromisedDays": ratio(promised, len(done)),
        "averageActualDays": ratio(sum(r.actual_days or 0 for r in done), len(done)),
        "speedUpPercent": ratio(legal - sum(r.legal_actual_days or 0 for r in with_legal), legal, 100),
        "speedUpVsPromisedPercent": ratio(promised - sum(r.actual_days or 0 for r in with_promise), promised, 100),
        "onTimePercent": ratio(len(on_time), len(done), 100),
    }


async def store(world, rows: list[Row], prefix: str) -> None:
    departments = {d.code: d.id for d in await Department.filter(center=world.center)}
    await Case.bulk_create(
        [
            Case(
                center_id=world.center.id, number=f"{prefix}{i:07d}", item_version_id=world.version.id,
                process="test", applicant_id=world.applicant.id, state="done" if r.completed_on else "review",
                kind="promised", accepted_on=r.accepted_on, completed_on=r.completed_on,
                promised_days=r.promised_days, actual_days=r.actual_days, promised_due=r.promised_due,
                legal_days=r.legal_days, legal_actual_days=r.legal_actual_days,
                department_id=departments[r.department] if r.department else None,
            )
            for i, r in enumerate(rows)
        ],
        batch_size=500,
    )


@pytest.fixture
async def year(app):
    world = await make_world()
    rows = generate(2026, 3000)
    await store(world, rows, "Y")
    other = await make_world(code="other")  # another center's cases never count
    await store(other, generate(7, 300), "O")
    return world, rows


async def test_year_figures_match_an_independent_computation(year):
    world, rows = year
    figures = await stats.statistics(world.center, start=YEAR[0], end=YEAR[1])
    assert figures == expected(rows, *YEAR)
    # the same form as the approval center's summary, with plausible values
    assert set(figures) == {"accepted", "completed", "legalCompleted", "averageLegalDays", "averagePromisedDays",
                            "averageActualDays", "speedUpPercent", "speedUpVsPromisedPercent", "onTimePercent"}
    assert 2000 < figures["accepted"] < 3000 and 0 < figures["onTimePercent"] < 100
    assert figures["averageActualDays"] < figures["averagePromisedDays"] < figures["averageLegalDays"]
    assert 0 < figures["speedUpVsPromisedPercent"] < figures["speedUpPercent"] < 100


async def test_department_filter_and_other_ranges(year):
    world, rows = year
    for department in ("scjg", "zjj", "fgj"):
        got = await stats.statistics(world.center, start=YEAR[0], end=YEAR[1], department=department)
        assert got == expected(rows, *YEAR, department=department)
        assert got["accepted"] < expected(rows, *YEAR)["accepted"]
    october = (date(2026, 10, 1), date(2026, 10, 31))
    assert await stats.statistics(world.center, start=october[0], end=october[1]) == expected(rows, *october)
    assert await stats.statistics(world.center, start=YEAR[0], end=YEAR[1], department="nope") == expected([], *YEAR)


async def test_statistics_is_one_query(year, caplog):
    world, _ = year
    with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
        await stats.statistics(world.center, start=YEAR[0], end=YEAR[1], department="scjg")
    queries = [r.getMessage() for r in caplog.records if r.name == "tortoise.db_client" and "SELECT" in r.getMessage()]
    assert len(queries) == 1 and "SUM(" in queries[0]
    assert "case_day_stat" in queries[0] and "gh_case" not in queries[0]  # the summary, never the cases


async def test_figures_from_cases_completed_through_the_clock(app):
    world = await make_world()
    quick = await started(world, date(2026, 9, 28), promised=5, legal=20)
    await clock.complete_case_clock(quick, on=date(2026, 9, 30))  # 2 working days, on time
    await quick.save()
    late = await started(world, date(2026, 9, 28), promised=3)  # due 10-09
    await clock.complete_case_clock(late, on=date(2026, 10, 12))  # 09-29 09-30 10-08 10-09 10-10 10-12
    await late.save()
    await started(world, date(2026, 10, 9), promised=5)  # accepted, still open
    assert (quick.actual_days, late.actual_days) == (2, 6)
    assert await stats.statistics(world.center, start=YEAR[0], end=YEAR[1]) == {
        "accepted": 3, "completed": 2, "averagePromisedDays": 4.0, "averageActualDays": 4.0,
        "legalCompleted": 1, "averageLegalDays": 20.0, "speedUpPercent": 90.0,  # (20 − 2) ÷ 20: only quick has a legal limit
        "speedUpVsPromisedPercent": 0.0, "onTimePercent": 50.0,
    }


async def test_supervision_board(app):
    world = await make_world()
    windows = {w.code: w for w in await Window.filter(center=world.center)}
    departments = {d.code: d for d in await Department.filter(center=world.center)}
    layout = [("RED", "scjg", "A01"), ("RED", "scjg", None), ("YELLOW", "zjj", "A01"), ("YELLOW", None, None),
              ("NONE", "scjg", "A01")]
    for alert, dept, window in layout:
        case = await make_case(world, accepted_on=date(2026, 9, 1), alert=alert,
                               promised_due=date(2026, 9, 10) if alert == "RED" else date(2026, 12, 1))
        case.department = departments[dept] if dept else None
        case.window = windows[window] if window else None
        await case.save()
    other = await make_world(code="other")
    await make_case(other, alert="RED")

    board = await stats.supervision(world.center)
    assert (board["yellow"], board["red"]) == (2, 2)
    assert [c["alert"] for c in board["cases"]] == ["RED", "RED", "YELLOW", "YELLOW"]
    assert board["cases"][0]["item_code"] == "test-item" and board["cases"][0]["promised_due"] == date(2026, 9, 10)
    by_department = {g["code"]: (g["yellow"], g["red"]) for g in board["byDepartment"]}
    assert by_department == {"scjg": (0, 2), "zjj": (1, 0), None: (1, 0)}
    by_window = {g["code"]: (g["yellow"], g["red"]) for g in board["byWindow"]}
    assert by_window == {"A01": (1, 1), None: (1, 1)}
    assert len((await stats.supervision(world.center, limit=3))["cases"]) == 3
