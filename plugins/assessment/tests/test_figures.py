"""The year figures against an independent computation over a generated year of cases.

The cases, ratings and cards are written through the ORM with chosen dates (a year of HTTP requests
would take minutes); the figures are read through GraphQL and recomputed here from the generated
rows with the formulas of ``plugins/assessment/figures.py``."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest

from core.api import CENTER_TZ
from core.plumbing.models import Case, CaseEvent, ItemVersion, Rating
from tests.hall import build_hall

from .drive import AssessmentDriver, add_department_windows

pytestmark = pytest.mark.anyio

FIGURES = """query($c: String!, $p: String!) { assessmentFigures(center: $c, period: $p) {
  period accepted completed legalDays promisedDaysAccepted promisedDaysCompleted actualDays promiseSpeedUp actualSpeedUp
  ratings satisfied satisfaction yellowCards redCards immediate immediateShare onSpot onSpotShare } }"""


@dataclass
class Generated:
    legal: int
    promised: int
    kind: str
    accepted: date
    completed: date | None
    actual: int | None
    rating: tuple[int, datetime] | None
    cards: list[tuple[str, datetime]]


def moment(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), CENTER_TZ)


def generate(rng: random.Random) -> list[Generated]:
    """~1,200 cases accepted from mid-December 2024 to the end of 2025: permits (法定20/承诺10, some
    promised 8), joint cases (45/15), immediate ones (即办件); most completed, some on the day."""
    start = date(2024, 12, 15)
    found = []
    for _ in range(1200):
        accepted = start + timedelta(days=rng.randrange(382))
        legal, promised, kind = rng.choice([(20, 10, "promised"), (20, 8, "promised"), (45, 15, "joint"), (0, 0, "immediate")])
        if kind == "immediate":
            completed, actual = accepted, 0
        elif rng.random() < 0.8:
            actual = rng.randrange(promised + 4)
            completed = accepted + timedelta(days=actual * 7 // 5)
        else:
            completed, actual = None, None
        rating = None
        if completed is not None and rng.random() < 0.6:
            rating = (rng.randint(1, 5), moment(completed, rng.choice([0, 9, 16, 23])))
        cards = []
        if kind != "immediate" and rng.random() < 0.15:
            when = moment(accepted + timedelta(days=rng.randrange(20)), rng.choice([0, 8]))
            cards.append(("YELLOW", when))
            if rng.random() < 0.5:
                cards.append(("RED", when + timedelta(days=3)))
                cards.append(("RED", when + timedelta(days=5)))  # its legal limit too, two days later
        found.append(
            Generated(
                legal=legal,
                promised=promised,
                kind=kind,
                accepted=accepted,
                completed=completed,
                actual=actual,
                rating=rating,
                cards=cards,
            )
        )
    return found


def expected(rows: list[Generated], first: date, last: date) -> dict[str, object]:
    """The figures by the documented formulas, computed on the generated rows."""
    def within(d: date | None) -> bool:
        return d is not None and first <= d <= last

    def pct(part: float, whole: float) -> float | None:
        return round(part / whole * 100, 2) if whole else None

    accepted = [r for r in rows if within(r.accepted)]
    with_legal = [r for r in accepted if r.legal > 0]
    legal, promised_a = sum(r.legal for r in with_legal), sum(r.promised for r in with_legal)
    done = [r for r in rows if within(r.completed) and r.promised > 0]
    promised_d, actual = sum(r.promised for r in done), sum(r.actual or 0 for r in done)
    rated = [r.rating[0] for r in rows if r.rating and within(r.rating[1].astimezone(CENTER_TZ).date())]
    # one card a case and colour: a case whose promised and legal limits both went red is one red card
    cards = [level for r in rows for level in {lv for lv, at in r.cards if within(at.astimezone(CENTER_TZ).date())}]
    immediate = sum(1 for r in accepted if r.kind == "immediate")
    on_spot = sum(1 for r in accepted if r.completed == r.accepted)
    return {
        "accepted": len(accepted), "completed": len(done), "legalDays": legal, "promisedDaysAccepted": promised_a,
        "promisedDaysCompleted": promised_d, "actualDays": actual,
        "promiseSpeedUp": pct(legal - promised_a, legal), "actualSpeedUp": pct(promised_d - actual, promised_d),
        "ratings": len(rated), "satisfied": sum(1 for v in rated if v >= 3),
        "satisfaction": pct(sum(1 for v in rated if v >= 3), len(rated)),
        "yellowCards": cards.count("YELLOW"), "redCards": cards.count("RED"),
        "immediate": immediate, "immediateShare": pct(immediate, len(accepted)),
        "onSpot": on_spot, "onSpotShare": pct(on_spot, len(accepted)),
    }


async def store(hall, rows: list[Generated]) -> None:
    codes = {20: "test-permit", 45: "test-joint", 0: "test-quick"}
    by_legal = {legal: await ItemVersion.get(center_id=hall.center.id, code=code) for legal, code in codes.items()}
    assert {legal: v.definition["legalDays"] for legal, v in by_legal.items()} == {20: 20, 45: 45, 0: 0}
    applicant = hall.users["app1"]
    cases = [
        Case(center=hall.center, number=f"GEN-{i:05d}", item_version=by_legal[r.legal], process="standard",
             applicant=applicant, state="approved" if r.completed else "accepted", kind=r.kind,
             accepted_on=r.accepted, accepted_at=moment(r.accepted, 9), completed_on=r.completed,
             completed_at=moment(r.completed, 17) if r.completed else None, promised_days=r.promised,
             actual_days=r.actual)
        for i, r in enumerate(rows)
    ]
    await Case.bulk_create(cases, batch_size=500)
    ids = dict(await Case.filter(center_id=hall.center.id, number__startswith="GEN-").values_list("number", "id"))
    ratings, events = [], []
    for i, r in enumerate(rows):
        key = ids[f"GEN-{i:05d}"]
        if r.rating:
            ratings.append(Rating(case_id=key, level=r.rating[0], user=applicant, at=r.rating[1]))
        timers = iter(("promised", "promised", "legal"))  # yellow, red, then the legal limit's red
        for seq, (level, at) in enumerate(r.cards, start=2):
            events.append(CaseEvent(case_id=key, seq=seq, action="alert", actor_name="电子监察",
                                    changes={"alert": level, "timer": next(timers)}, at=at))
    await Rating.bulk_create(ratings, batch_size=500)
    await CaseEvent.bulk_create(events, batch_size=500)


async def test_a_year_of_cases_gives_the_documented_figures(app, govhall, gql, today):
    hall = await build_hall(govhall, gql, plugins=["assessment"])
    await add_department_windows(govhall, hall)
    drive = AssessmentDriver(gql, hall)
    today.value = date(2026, 1, 5)
    rows = generate(random.Random(14))
    await store(hall, rows)
    for period, first, last in (("2025", date(2025, 1, 1), date(2025, 12, 31)),
                                ("2025-Q2", date(2025, 4, 1), date(2025, 6, 30)),
                                ("2025-12", date(2025, 12, 1), date(2025, 12, 31))):
        got = (await drive.query("sup1", FIGURES, c="hall", p=period))["assessmentFigures"]
        assert got.pop("period") == period
        want = expected(rows, first, last)
        assert got == want, period
    year = expected(rows, date(2025, 1, 1), date(2025, 12, 31))
    # the generated year exercises every figure: none is empty or trivially 0 or 100
    for key in ("promiseSpeedUp", "actualSpeedUp", "satisfaction", "immediateShare", "onSpotShare"):
        assert 0 < year[key] < 100, key
    assert year["yellowCards"] > year["redCards"] > 0

