"""A transition's version claim and the read of its case (core.services.case_memo): on PostgreSQL
one statement (:func:`claim_case`), which must read the case's row and what the claim followed by
:func:`read_case` reads, and none of the case's other rows when the claim fails; and the answers of a
transition whose case is read by its claim (invisible, stale, changed while it waited)."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import pytest
from tortoise.transactions import in_transaction

from core.plumbing import sql
from core.plumbing.models import Case, CaseEvent, Pause, Timer
from core.services import case_memo, cases
from core.services.case_memo import claim_case, read_case, reading_once
from tests.hall import TRANSITION, CaseDriver, build_hall
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
            if claim:
                got = await claim_case(case.id, case.version)
                assert got.case is not None and vars(got.case) == vars(case)  # the case's row, as the ORM reads it
                claimed, found = got.claimed, got.rows
            else:
                with reading_once(case) as memo:
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
            with counted_statements(monkeypatch) as statements:
                got = await claim_case(case.id, case.version - 1)  # a stale version
            assert len(statements) == 1 and statements[0].startswith('WITH "claim"'), statements
            assert not got.claimed and got.rows == {}, got  # none of its other rows read
            assert got.case is not None and (got.case.version, got.case.state) == (case.version, case.state)
            assert (await claim_case(case.id + 1000, None)).case is None  # no such case
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
                    assert (await claim_case(holder.id, expected)).claimed
                    held.set()
                    await release.wait()
                    await Case.filter(id=case_id).update(version=expected + 1)  # as the transition's last write
                    if ending == "rollback":
                        raise _Rollback
            except _Rollback:
                pass

        async def claim_too() -> bool:
            async with in_transaction():
                return (await claim_case(case_id, expected)).claimed

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


# --- a transition's answers when its claim reads the case (PostgreSQL) or it is read first (SQLite) ---

STALE = 99  # a version no case here reaches


@pytest.mark.parametrize("version", [None, STALE])
async def test_a_case_the_actor_may_not_see_is_not_found_or_forbidden_never_a_conflict(drive, version):
    """Visibility first, with the answers of reading the case (``load_visible_case``), whatever
    version the request names; nothing changes."""
    case = await drive.submit("app1")
    refused = {
        ("app2", case["id"]): ("forbidden", "无权查看该办件"),  # another applicant's case
        ("rev-zjj", case["id"]): ("forbidden", "无权查看该办件"),  # a reviewer of another department
        (None, case["id"]): ("forbidden", "请先登录"),
        ("clerk-other", case["id"]): ("forbidden", "无权查看该办件"),  # a clerk of another center
        ("clerk1", "987654"): ("not_found", "办件不存在"),
        ("clerk1", "abc"): ("not_found", "办件不存在"),
    }
    for (user, case_id), answer in refused.items():
        result = (await drive.query(user, TRANSITION, id=case_id, action="accept", v=version))["transitionCase"]
        assert result["__typename"] == "UserErrors", (user, result)
        assert [(e["code"], e["message"]) for e in result["errors"]] == [answer], (user, result)
    row = await Case.get(id=case["id"])
    assert (row.version, row.state) == (case["version"], case["state"])


async def test_a_stale_version_is_a_conflict_naming_the_current_state_before_any_other_check(drive, govhall):
    """Said in plain words, without the version: the actor's own action again (its answer lost) is
    already done (path ``/action``); anything else names who did what, and the state now."""
    case = await drive.submit("app1")
    accepted = await drive.ok("clerk1", case, "accept")
    process = govhall.processes.get("standard")
    label = process.state_label(accepted["state"])
    accept = next(t.label for t in process.transitions if t.action == "accept")
    clerk = (await CaseEvent.filter(case_id=case["id"], action="accept").first()).actor_name
    assert clerk
    answers = {  # the case's first version: an action of its state then, one of no state, one the actor may not fire
        ("clerk1", "accept"): ("/action", "conflict", f"您已提交（{accept}），无需重复提交"),
        ("clerk1", "no_such_action"): (None, "conflict", f"该办件刚由您办理了“{accept}”，当前状态：{label}，请刷新后重试"),
        ("app1", "approve"): (None, "conflict", f"该办件刚由{clerk}办理了“{accept}”，当前状态：{label}，请刷新后重试"),
    }
    for (user, action), answer in answers.items():
        result = await drive.act(user, case, action, version=case["version"])
        assert result["__typename"] == "UserErrors", result
        assert [(e["path"], e["code"], e["message"]) for e in result["errors"]] == [answer], result
        assert "版本" not in answer[2]
    row = await Case.get(id=case["id"])
    assert (row.version, row.state) == (accepted["version"], accepted["state"])


@asynccontextmanager
async def _held_before_commit(monkeypatch: pytest.MonkeyPatch, drive: CaseDriver, case: dict[str, Any],
                              action: str, **kw: Any) -> AsyncIterator[asyncio.Future]:
    """``action`` fired on ``case`` (through the app) and held after its last write, before its
    commit, for the block: the case's row stays locked meanwhile. Yields its answer to be."""
    original = cases._write_transition
    held, release = asyncio.Event(), asyncio.Event()

    async def holding(ctx: Any, event: Any) -> None:
        await original(ctx, event)
        if not held.is_set():  # the holder's only; the others write as usual
            held.set()
            await release.wait()

    monkeypatch.setattr(cases, "_write_transition", holding)
    holder = asyncio.ensure_future(drive.act("rev-scjg", case, action, **kw))
    await asyncio.wait_for(held.wait(), 10)
    try:
        yield holder
    finally:
        release.set()
        await holder


async def _waiting(drive: CaseDriver, user: str, case: dict[str, Any], action: str, **kw: Any) -> asyncio.Future:
    """``action`` fired and left waiting for the case's row (its statement's snapshot taken)."""
    waiter = asyncio.ensure_future(drive.act(user, case, action, **kw))
    await asyncio.sleep(0.3)
    assert not waiter.done(), waiter.result()
    return waiter


@pytest.mark.postgres_only
async def test_without_a_version_a_transition_that_waited_sees_what_the_holder_committed(drive, monkeypatch):
    """The claim's read sees the case's rows as they were before it waited; without a version to
    check, the transition reads them again once it holds the case: resuming the clock ends the
    pause the holder committed meanwhile."""
    case = await drive.ok("clerk1", await drive.submit("app1"), "accept")
    async with _held_before_commit(monkeypatch, drive, case, "request_survey", comment="现场踏勘") as holder:
        waiter = await _waiting(drive, "rev-scjg", case, "finish_survey")  # no expectedVersion
    paused = await holder
    assert paused["__typename"] == "Case" and paused["state"] == "survey", paused
    resumed = await waiter
    assert resumed["__typename"] == "Case", resumed
    assert (resumed["state"], resumed["version"]) == ("under_review", paused["version"] + 1)
    (pause,) = await Pause.filter(case_id=case["id"])
    assert pause.ended_on is not None
    assert {t.state for t in await Timer.filter(case_id=case["id"], kind__in=["promised", "legal"])} == {"running"}
    assert [e["action"] for e in resumed["events"]][-2:] == ["request_survey", "finish_survey"]


@pytest.mark.postgres_only
async def test_a_version_made_stale_while_waiting_is_a_conflict_naming_the_newest_state(drive, monkeypatch, govhall):
    """A request that names the version the holder replaces waits for it, then answers ``conflict``
    with the case as the holder left it (not as the claim's snapshot had it)."""
    case = await drive.ok("clerk1", await drive.submit("app1"), "accept")
    async with _held_before_commit(monkeypatch, drive, case, "request_survey", comment="现场踏勘",
                                   version=case["version"]) as holder:
        waiter = await _waiting(drive, "rev-scjg", case, "request_survey", comment="再次踏勘", version=case["version"])
    paused = await holder
    process = govhall.processes.get("standard")
    survey = next(t.label for t in process.transitions if t.action == "request_survey")
    stale = await waiter
    # the holder is rev-scjg too, firing the same action: theirs is done already
    assert [(e["path"], e["code"], e["message"]) for e in stale["errors"]] == [
        ("/action", "conflict", f"您已提交（{survey}），无需重复提交")], stale
    assert len(await Pause.filter(case_id=case["id"])) == 1


async def test_the_claim_is_short_enough_for_the_client_to_keep_it_prepared(app):
    """asyncpg keeps a statement prepared (parsed, and planned once its plan is generic) only up
    to a size: a longer claim was planned again on every transition (~3 ms, more than the round
    trip it saves). The UNION names its columns once and types only the NULLs it must."""
    limit = inspect.signature(asyncpg.connect).parameters["max_cacheable_statement_size"].default
    for gated in (True, False):
        assert len(case_memo._claim_sql(gated)) <= limit * 0.7, len(case_memo._claim_sql(gated))  # room for new columns
