"""A transition's version claim and the read of its case's rows (core.services.case_memo): on
PostgreSQL one statement (:func:`claim_and_read`), which must read what the claim followed by
:func:`read_case` reads, and nothing when the claim fails."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from core.plumbing import sql
from core.plumbing.models import Case
from core.services.case_memo import claim_and_read, read_case, reading_once
from tests.hall import CaseDriver, build_hall
from tests.test_transition_cost import counted_statements

pytestmark = pytest.mark.anyio


class _Rollback(Exception):
    """Ends a transaction that must leave nothing behind."""


def _plain(memo: dict[str, Any]) -> dict[str, Any]:
    """The memo's rows as comparable values."""
    return {
        "timers": [vars(t) for t in memo["timers"]],
        "pauses": [vars(p) for p in memo["pauses"]],
        "tasks": [(vars(t), vars(t.department)) for t in memo["tasks"]],
        "materials": vars(memo["materials"]),
        "last_alert": memo["last_alert"],
    }


async def _read(case_id: int, claim: bool) -> tuple[bool, dict[str, Any]]:
    """In a transaction rolled back: the case's rows as the claim's statement reads them (``claim``)
    or as :func:`read_case` reads them after the claim."""
    case = await Case.get(id=case_id)
    found: dict[str, Any] = {}
    claimed = False
    try:
        async with in_transaction():
            with reading_once(case) as memo:
                if claim:
                    claimed = await claim_and_read(case, case.version)
                else:
                    claimed = bool(await Case.filter(id=case.id, version=case.version).update(version=case.version + 1))
                    await read_case(case)
                found = dict(memo)
            raise _Rollback
    except _Rollback:
        pass
    return claimed, found


@pytest.fixture
async def drive(app, govhall, gql):
    return CaseDriver(gql, await build_hall(govhall, gql))


async def test_the_claim_reads_what_the_claim_then_the_read_read(drive):
    if not sql.is_postgres():
        pytest.skip("the claim and the read are one statement on PostgreSQL only")
    joint = await drive.ok("clerk1", await drive.submit("app1", item="test-joint"), "accept")
    paused = await drive.ok("clerk1", await drive.submit("app1"), "accept")
    paused = await drive.ok("rev-scjg", paused, "request_survey", comment="现场踏勘")
    for case in (joint, paused):
        claimed, merged = await _read(case["id"], claim=True)
        assert claimed
        general_claimed, general = await _read(case["id"], claim=False)
        assert general_claimed
        assert _plain(merged) == _plain(general)
    _, merged = await _read(joint["id"], claim=True)
    assert len(merged["tasks"]) >= 2 and merged["timers"] and merged["materials"].received
    _, merged = await _read(paused["id"], claim=True)
    assert merged["pauses"] and merged["timers"]


async def test_a_failed_claim_reads_and_writes_nothing(drive, monkeypatch):
    if not sql.is_postgres():
        pytest.skip("the claim and the read are one statement on PostgreSQL only")
    accepted = await drive.ok("clerk1", await drive.submit("app1"), "accept")
    case = await Case.get(id=accepted["id"])
    try:
        async with in_transaction():
            with reading_once(case) as memo:
                with counted_statements(monkeypatch) as statements:
                    assert not await claim_and_read(case, case.version - 1)  # a stale version
                assert len(statements) == 1 and statements[0].startswith('WITH "claim"'), statements
                assert set(memo) == set(), memo  # nothing read
            raise _Rollback
    except _Rollback:
        pass
    assert (await Case.get(id=case.id)).version == accepted["version"]
    # the transition itself answers ``conflict`` and leaves the case as it was
    stale = await drive.act("rev-scjg", accepted, "request_survey", comment="x", version=accepted["version"] - 1)
    assert stale["__typename"] == "UserErrors" and stale["errors"][0]["code"] == "conflict", stale
    assert (await Case.get(id=case.id)).version == accepted["version"]


async def test_a_claim_holds_the_case_until_its_transaction_ends(drive):
    """The claim writes nothing, but locks the case's row as the version's ``UPDATE`` did: another
    claim of the same version, by a transition or by a change recorded with its event, waits for
    the holder's transaction; once it commits the new version, the waiter finds the version gone
    (``conflict``); once it rolls back, the waiter claims the case."""
    if not sql.is_postgres():
        pytest.skip("SQLite claims by writing the version: one writer at a time")
    case_id = int((await drive.submit("app1"))["id"])
    for ending in ("commit", "rollback"):
        holder = await Case.get(id=case_id)
        expected = holder.version
        held, release = asyncio.Event(), asyncio.Event()

        async def hold() -> None:
            try:
                async with in_transaction():
                    with reading_once(holder):
                        assert await claim_and_read(holder, expected)
                    held.set()
                    await release.wait()
                    await Case.filter(id=case_id).update(version=expected + 1)  # as the transition's last write
                    if ending == "rollback":
                        raise _Rollback
            except _Rollback:
                pass

        async def claim_too() -> bool:
            other = await Case.get(id=case_id)
            async with in_transaction():
                with reading_once(other):
                    return await claim_and_read(other, expected)

        async def update_too() -> int:
            async with in_transaction():
                return await Case.filter(id=case_id, version=expected).update(version=expected + 1)

        holding = asyncio.ensure_future(hold())
        await held.wait()
        waiters = [asyncio.ensure_future(claim_too()), asyncio.ensure_future(update_too())]
        await asyncio.sleep(0.2)
        assert not any(w.done() for w in waiters)  # both wait for the holder's lock
        release.set()
        await holding
        claimed, updated = await asyncio.gather(*waiters)
        if ending == "commit":
            assert (claimed, updated) == (False, 0)
            assert (await Case.get(id=case_id)).version == expected + 1
        else:  # the holder's version never happened: one waiter claims, the other then waits for it
            assert claimed is True or updated == 1
            assert (await Case.get(id=case_id)).version in (expected, expected + 1)
