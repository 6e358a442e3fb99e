"""实际提速 is measured against the legal time limit, as the year-end reports have it: a report of 6.33
promised and 1.47 actual working days with 实际提速 92.12 % (not (6.33 − 1.47) ÷ 6.33 = 76.78 %) is
reproduced from cases, over real HTTP; through the workflow, a special procedure is left out of the
days measured against the law, an immediate case without a legal limit is left out of the figure,
a late case on a small sample is not a negative speed-up while within the law, and a period with
nothing to measure gives null, never a number."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from core.services import clock
from core.services.calendar import CENTER_TZ
from core.plumbing.models import Case
from tests.hall import CaseDriver, build_hall
from tests.helpers import PASSWORD, make_user
from tests.test_clock import make_world

pytestmark = pytest.mark.anyio

STATISTICS = """query($c: String!, $f: Date!, $t: Date!) { statistics(center: $c, from: $f, to: $t) {
  accepted completed legalCompleted averageLegalDays averagePromisedDays averageActualDays
  speedUpPercent speedUpVsPromisedPercent onTimePercent } }"""
YEAR = {"f": "2026-01-01", "t": "2026-12-31"}


def seed_year() -> list[tuple[int, int, int]]:
    """(legal, promised, actual) working days of 100 completed cases whose sums are the report's:
    Σ承诺 633 (6.33 a case), Σ实际 147 (1.47), Σ法定 1866 (18.66): (1866 − 147) ÷ 1866 = 92.12 %."""
    legal = [21] * 36 + [20] * 30 + [15] * 34  # 756 + 600 + 510 = 1866
    promised = [7] * 33 + [6] * 67  # 231 + 402 = 633
    actual = [2] * 47 + [1] * 53  # 94 + 53 = 147
    return list(zip(legal, promised, actual))


async def test_the_year_end_reports_figures_from_its_cases(app, gql):
    world = await make_world(code="kunshan")
    await make_user("sup-ks", world.center, "supervisor")
    cases = seed_year()
    assert [sum(c[k] for c in cases) for k in range(3)] == [1866, 633, 147]
    await Case.bulk_create([
        Case(center_id=world.center.id, number=f"KS{i:06d}", item_version_id=world.version.id, process="standard",
             applicant_id=world.applicant.id, state="delivered", kind="promised",
             accepted_on=date(2026, 3, 2), completed_on=date(2026, 3, 2 + actual), promised_due=date(2026, 3, 31),
             promised_days=promised, actual_days=actual, legal_days=legal, legal_actual_days=actual)
        for i, (legal, promised, actual) in enumerate(cases)
    ])
    token = await gql.login("sup-ks", PASSWORD)
    figures = (await gql(STATISTICS, {"c": "kunshan", **YEAR}, token=token))["statistics"]
    assert figures == {
        "accepted": 100, "completed": 100, "legalCompleted": 100, "averageLegalDays": 18.66,
        "averagePromisedDays": 6.33, "averageActualDays": 1.47,
        "speedUpPercent": 92.12,  # the report's 实际提速: against the legal limit
        "speedUpVsPromisedPercent": 76.78,  # (633 − 147) ÷ 633: what the figure used to say
        "onTimePercent": 100.0,
    }


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), CENTER_TZ)


async def test_a_special_procedure_and_an_immediate_case_through_the_workflow(app, govhall, gql, monkeypatch):
    hall = await build_hall(govhall, gql)
    drive = CaseDriver(gql, hall)
    token = hall.tokens["sup1"]
    today = [date(2026, 3, 2)]
    monkeypatch.setattr(clock, "now", lambda: at(today[0]))

    async def statistics() -> dict:
        return (await gql(STATISTICS, {"c": "hall", **YEAR}, token=token))["statistics"]

    # nothing completed yet: nothing to measure, and no number pretends otherwise
    empty = await statistics()
    assert empty["completed"] == 0 and empty["legalCompleted"] == 0
    assert [empty[k] for k in ("averageLegalDays", "averagePromisedDays", "averageActualDays", "speedUpPercent",
                               "speedUpVsPromisedPercent", "onTimePercent")] == [None] * 6

    # a permit (legal 20, promised 10) accepted Monday 2 March; a site survey from Monday 9 March
    # to Friday 13 March stops the legal clock only; approved Friday 20 March
    case = await drive.ok("clerk1", await drive.submit("app1"), "accept")
    today[0] = date(2026, 3, 9)
    case = await drive.ok("rev-scjg", case, "request_survey", comment="现场勘查经营场所")
    today[0] = date(2026, 3, 13)
    case = await drive.ok("rev-scjg", case, "finish_survey", comment="勘查完毕")
    today[0] = date(2026, 3, 20)
    case = await drive.ok("rev-scjg", case, "approve")
    row = await Case.get(id=int(case["id"]))
    # 3–6, 9–13, 16–20 March: 14 working days; the legal clock leaves out 10–13 March (the survey)
    assert (row.promised_days, row.actual_days, row.legal_days, row.legal_actual_days) == (10, 14, 20, 10)
    # an immediate item publishes no legal limit and promises none: in the counts and averages only
    await drive.ok("clerk1", await drive.submit("app2", item="test-quick"), "finish_on_spot")
    # nor does a case answered without being accepted (答复件), though its item has a legal limit
    replied = await drive.ok("clerk1", await drive.submit("app2"), "reply", comment="本事项已划转至其他部门办理")
    assert (await Case.get(id=int(replied["id"]))).legal_days == 0

    figures = await statistics()
    assert figures == {
        "accepted": 2, "completed": 3, "legalCompleted": 1, "averageLegalDays": 20.0,
        "averagePromisedDays": 3.33, "averageActualDays": 4.67,  # 10 ÷ 3, 14 ÷ 3
        "speedUpPercent": 50.0,  # (20 − 10) ÷ 20
        "speedUpVsPromisedPercent": -40.0,  # (10 − 14) ÷ 10: the promise's clock ran through the survey
        "onTimePercent": 66.67,  # the permit was due 16 March; the others had no promised date to miss
    }
