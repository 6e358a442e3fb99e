"""The statistics summary (``case_day_stat``) always equals the aggregate over the cases: after a
random mix of changes made the ways cases change (transitions through GraphQL, the ORM's saves and
bulk updates, inserts already accepted, deletions, a department moved), for many periods and every
department; ``rebuild`` recomputes the same rows."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from tortoise.connection import get_connection

from core.services import stats
from core.plumbing.models import Case, Center, Department
from core.plumbing.stats_summary import CURRENT, rebuild
from tests.hall import CaseDriver, build_hall
from tests.test_clock import make_case, make_world

pytestmark = pytest.mark.anyio

DEPARTMENTS = ("scjg", "zjj", "fgj", "hbj")


async def assert_summary_matches(center: Center, periods: list[tuple[date, date]]) -> None:
    for start, end in periods:
        for department in (None, *DEPARTMENTS, "nope"):
            summary = await stats.statistics(center, start=start, end=end, department=department)
            raw = await stats.raw_statistics(center, start=start, end=end, department=department)
            assert summary == raw, (start, end, department)
    by_department = await stats.statistics_by_department(center, start=periods[0][0], end=periods[0][1])
    for d in await Department.filter(center_id=center.id):
        raw = await stats.raw_statistics(center, start=periods[0][0], end=periods[0][1], department=d.code)
        assert by_department.get(d.id, stats.empty_figures()) == raw


async def summary_rows() -> list[tuple]:
    rows = await get_connection("default").execute_query_dict(
        f"SELECT center_id, department_id, day, {', '.join(CURRENT.columns.split(', ')[3:])}"
        " FROM case_day_stat WHERE accepted <> 0 OR completed <> 0 ORDER BY center_id, department_id, day")
    return [tuple(str(v) for v in r.values()) for r in rows]


def random_dates(rng: random.Random) -> dict:
    accepted = date(2025, 12, 15) + timedelta(days=rng.randrange(0, 400)) if rng.random() < 0.9 else None
    values: dict = {"accepted_on": accepted, "completed_on": None, "actual_days": None, "legal_days": None,
                    "legal_actual_days": None}
    if accepted is not None:
        values["promised_days"] = rng.choice([0, 1, 5, 10, 20])
        values["promised_due"] = accepted + timedelta(days=rng.randrange(0, 30)) if rng.random() < 0.8 else None
        if rng.random() < 0.7:
            values["completed_on"] = accepted + timedelta(days=rng.randrange(0, 40))
            values["actual_days"] = rng.choice([None, 0, 1, 3, 8, 25])
            values["legal_days"] = rng.choice([None, 0, 20, 45])
            values["legal_actual_days"] = rng.choice([None, 0, 2, 30, 60])
    return values


async def test_summary_equals_the_raw_aggregate_after_random_changes(app):
    rng = random.Random(17)
    world = await make_world()
    other = await make_world(code="other")  # another center's changes never leak into this one's figures
    cases = []
    for i in range(120):
        target = world if i % 6 else other
        cases.append(await make_case(target, department=rng.choice([*DEPARTMENTS, None]) if target is world else None,
                                     **random_dates(rng)))
    departments = {d.code: d.id for d in await Department.filter(center_id=world.center.id)}
    for step in range(300):
        case = rng.choice(cases)
        move = rng.random()
        if move < 0.4:  # a save of the fields a transition changes
            for name, value in random_dates(rng).items():
                setattr(case, name, value)
            await case.save(update_fields=["accepted_on", "completed_on", "actual_days", "promised_days", "promised_due",
                                           "legal_days", "legal_actual_days"])
        elif move < 0.55:  # a bulk UPDATE (as the sweeper and plugins write)
            await Case.filter(id=case.id).update(completed_on=None, actual_days=None, state="review")
            case.completed_on = None
        elif move < 0.7:  # moved to another department
            code = rng.choice([*DEPARTMENTS, None])
            await Case.filter(id=case.id).update(department_id=departments[code] if code else None)
        elif move < 0.8:  # an update that touches no counted field
            await Case.filter(id=case.id).update(alert=rng.choice(["NONE", "YELLOW", "RED"]), version=step)
        elif move < 0.9 and len(cases) > 20:  # deleted
            await Case.filter(id=case.id).delete()
            cases.remove(case)
        else:  # a new case, already accepted or completed
            cases.append(await make_case(world, department=rng.choice([*DEPARTMENTS, None]), **random_dates(rng)))
    periods = [(date(2026, 1, 1), date(2026, 12, 31)), (date(2025, 1, 1), date(2027, 12, 31)),
               (date(2026, 3, 1), date(2026, 3, 31)), (date(2026, 7, 4), date(2026, 7, 4))]
    await assert_summary_matches(world.center, periods)
    await assert_summary_matches(other.center, periods[:2])
    kept = await summary_rows()
    await rebuild()
    assert await summary_rows() == kept  # the triggers kept exactly what a rebuild computes


async def test_summary_follows_transitions(app, govhall, gql):
    """Accepting, deciding, returning, finishing on the spot through GraphQL: the summary moves with
    the case in the same transaction."""
    hall = await build_hall(govhall, gql)
    drive = CaseDriver(gql, hall)
    year = (date(2020, 1, 1), date(2099, 12, 31))
    permits = [await drive.submit("app1", allow_duplicate=True) for _ in range(4)]
    quick = await drive.submit("app1", item="test-quick", allow_duplicate=True)
    await drive.ok("clerk1", permits[0], "accept")
    await drive.ok("clerk1", permits[1], "accept")
    await drive.ok("rev-scjg", permits[1], "approve")
    await drive.ok("clerk1", permits[2], "return")
    await drive.ok("clerk1", quick, "finish_on_spot")
    figures = await stats.statistics(hall.center, start=year[0], end=year[1])
    assert figures["accepted"] >= 2 and figures["completed"] >= 1
    assert figures == await stats.raw_statistics(hall.center, start=year[0], end=year[1])
    for department in ("scjg", "zjj"):
        assert await stats.statistics(hall.center, start=year[0], end=year[1], department=department) == \
            await stats.raw_statistics(hall.center, start=year[0], end=year[1], department=department)


async def test_a_completion_leaves_the_accepted_count_where_it_is(app):
    """Completing a case (or changing its promise) does not take its accepted count away from its
    day's summary row and add it back: that row is not written at all (PostgreSQL's ``xmin``, the
    transaction that last wrote a row, stays)."""
    if get_connection("default").capabilities.dialect != "postgres":
        pytest.skip("xmin is PostgreSQL's")
    world = await make_world()
    accepted = date(2026, 3, 2)
    case = await make_case(world, department="scjg", accepted_on=accepted, promised_days=5, promised_due=date(2026, 3, 9))
    conn = get_connection("default")

    async def accepted_row_writer() -> str:
        (row,) = await conn.execute_query_dict(
            "SELECT xmin::text AS x, accepted FROM case_day_stat WHERE center_id = $1 AND day = $2",
            [world.center.id, accepted])
        assert row["accepted"] == 1
        return row["x"]

    before = await accepted_row_writer()
    await Case.filter(id=case.id).update(promised_days=4)
    await Case.filter(id=case.id).update(completed_on=date(2026, 3, 5), actual_days=3)
    assert await accepted_row_writer() == before
    await assert_summary_matches(world.center, [(date(2026, 1, 1), date(2026, 12, 31))])
