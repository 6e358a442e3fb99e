"""Two users fire on one case at the same moment: exactly one wins (PostgreSQL, separate connections)."""

from __future__ import annotations

import asyncio

import pytest

from core.services.accounts import authenticate
from core.services.cases import transition_case
from core.plumbing.errors import UserErrorsException
from core.plumbing.models import CaseEvent
from tests.hall import CaseDriver, build_hall

pytestmark = [pytest.mark.anyio]
RECEIVED = [{"material": "m1", "form": "original", "count": 1}]  # the main material, received at the counter


@pytest.mark.postgres_only
async def test_one_winner_among_concurrent_transitions(app, govhall, gql):
    hall = await build_hall(govhall, gql)
    drive = CaseDriver(gql, hall)
    for round_ in range(5):
        case = await drive.submit("app1", allow_duplicate=True)
        actors = [await authenticate(hall.tokens["clerk1"]), await authenticate(hall.tokens["head1"])]

        async def fire(actor, action, comment):
            params = {"received": RECEIVED} if action == "accept" else None
            try:
                await transition_case(govhall, actor, case["id"], action, comment=comment, params=params,
                                      expected_version=case["version"])
                return "won"
            except UserErrorsException as exc:
                return exc.errors[0].code

        results = await asyncio.gather(
            fire(actors[0], "accept", ""), fire(actors[1], "return", "材料不全"), fire(actors[0], "reply", "答复")
        )
        assert sorted(results) == ["conflict", "conflict", "won"], results
        events = await CaseEvent.filter(case_id=int(case["id"])).count()
        assert events == 2


async def test_sequential_double_fire_is_a_conflict(app, govhall, gql):
    hall = await build_hall(govhall, gql)
    drive = CaseDriver(gql, hall)
    case = await drive.submit("app1")
    first = await drive.act("clerk1", case, "accept", version=case["version"])
    second = await drive.act("head1", case, "accept", version=case["version"])
    assert first["__typename"] == "Case"
    assert second["errors"][0]["code"] == "conflict"
