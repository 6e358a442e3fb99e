"""Migration core 0020: the cases completed before it get the legal limit they are measured against
(their legal timer's, else their item's ``legalDays``) and their working days on the legal clock
(a survey that stopped the legal clock alone is left out), and the summary is rebuilt with the new
sums, so 实际提速 covers the years already recorded; its triggers keep it afterwards."""

from __future__ import annotations

from datetime import date

import pytest
from tortoise import Tortoise
from tortoise.migrations.api import migrate

from core.plumbing.db import tortoise_config
from core.plumbing.models import Case, Center, Item, ItemVersion, Pause, Timer, User
from core.services import stats
from tests.helpers import create_in_older_schema

pytestmark = pytest.mark.anyio

YEAR = (date(2026, 1, 1), date(2026, 12, 31))


async def test_cases_completed_before_the_upgrade_count_against_their_legal_limit(cli_db):
    config = tortoise_config(cli_db)
    await migrate(config=config, target="core.0020_department_remedy")
    await Tortoise.init(config=config)
    try:
        center = await Center.create(code="old", name="升级测试中心", short_name="OLD")
        user = await User.create(username="old", password_hash="-")
        versions = {}
        for code, legal in (("permit", 30), ("notice", None)):
            item = await Item.create(center=center, code=code)
            definition = {"legalDays": legal} if legal else {}
            versions[code] = await ItemVersion.create(item=item, center=center, code=code, version=1, name=code,
                                                      definition=definition)
        common = dict(center=center, process="standard", applicant=user, kind="promised", state="approved",
                      accepted_on=date(2026, 3, 2), promised_days=10, promised_due=date(2026, 3, 16))

        async def case(number: str, item: str, completed: date | None, actual: int | None, **other: object) -> Case:
            return await create_in_older_schema(Case, number=number, item_version=versions[item], completed_on=completed,
                                                actual_days=actual, **{**common, **other})

        timed = await case("timed", "permit", date(2026, 3, 6), 4)  # its legal timer says 20, not the item's 30
        await Timer.create(case=timed, kind="legal", working_days=20, started_on=date(2026, 3, 2), state="stopped")
        await case("untimed", "permit", date(2026, 3, 4), 2)  # no legal timer: the item's 30
        await case("no-limit", "notice", date(2026, 3, 3), 1)  # no legal limit anywhere: left out
        surveyed = await case("surveyed", "permit", date(2026, 3, 20), 14)  # 3–6, 9–13, 16–20 March
        await Timer.create(case=surveyed, kind="legal", working_days=20, started_on=date(2026, 3, 2), state="stopped")
        await Pause.create(case=surveyed, reason="site_survey", kinds=["legal"], started_on=date(2026, 3, 9),
                           ended_on=date(2026, 3, 13))  # 10–13 March not counted by the law
        await Pause.create(case=surveyed, reason="corrections", kinds=None, started_on=date(2026, 3, 17),
                           ended_on=date(2026, 3, 17))  # begun and ended the same day: changes nothing
        await case("open", "permit", None, None)
        await case("answered", "permit", date(2026, 3, 3), 0, accepted_on=None, state="replied")  # 答复件: never accepted
    finally:
        await Tortoise.close_connections()

    await migrate(config=config)
    await Tortoise.init(config=config)
    try:
        found = {c.number: (c.legal_days, c.legal_actual_days) for c in await Case.all()}
        assert found == {"timed": (20, 4), "untimed": (30, 2), "no-limit": (0, 1), "surveyed": (20, 10),
                         "open": (None, None), "answered": (0, 0)}
        center = await Center.get(code="old")
        figures = await stats.statistics(center, start=YEAR[0], end=YEAR[1])
        assert figures == await stats.raw_statistics(center, start=YEAR[0], end=YEAR[1])
        assert (figures["legalCompleted"], figures["averageLegalDays"]) == (3, 23.33)  # 70 ÷ 3
        assert figures["speedUpPercent"] == 77.14  # (70 − 16) ÷ 70
        # the triggers the migration installed keep the new sums from now on
        await Case.filter(number="open").update(completed_on=date(2026, 3, 5), actual_days=3, legal_days=30,
                                                legal_actual_days=3)
        kept = await stats.statistics(center, start=YEAR[0], end=YEAR[1])
        assert kept == await stats.raw_statistics(center, start=YEAR[0], end=YEAR[1]) and kept["legalCompleted"] == 4
    finally:
        await Tortoise.close_connections()
