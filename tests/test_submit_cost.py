"""What submitting a case costs the database, and that the per-app caches that make it
cheap never serve a stale center or item version: a change made anywhere (this app, another app,
another process through the CLI) is seen by the next request."""

from __future__ import annotations

import copy
import json
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone

from tests.hall import GOOD_DATA, PERMIT, CaseDriver, build_hall
from tests.helpers import center_doc, notified, sessions_epoch
from tests.cli import run
from tests.test_graphql_loaders import counted_statements

from core.services.accounts import Actor, load_grants
from core.services.centers import load_center
from core.plumbing.db import is_postgres
from tortoise.connection import get_connection
from core.services.items import define_item, publish_item
from core.plumbing.models import Case, CaseEvent, User

import pytest

pytestmark = pytest.mark.anyio

SUBMIT = """mutation($d: JSON!, $dup: Boolean) { submitCase(center: "hall", item: "test-permit", data: $d, allowDuplicate: $dup) {
  __typename ... on Case { id number item { version } } ... on UserErrors { errors { code } } } }"""


async def submit(drive: CaseDriver, data: dict | None = None, allow_duplicate: bool = False) -> dict:
    """A case of the permit filed by app1; ``allow_duplicate`` for a further one while another is open."""
    result = (await drive.query("app1", SUBMIT, d=data or GOOD_DATA, dup=allow_duplicate or None))["submitCase"]
    assert result["__typename"] == "Case", result
    return result


@asynccontextmanager
async def executed_statements(monkeypatch):
    """Every SQL statement run inside the block: on SQLite as SQLite itself sees them (BEGIN and
    COMMIT included, and statements sent together in one call); on PostgreSQL every statement
    a Tortoise client sends, and ``BEGIN`` for each transaction asyncpg starts."""
    if is_postgres():
        from asyncpg.transaction import Transaction

        with counted_statements(monkeypatch) as statements:
            start = Transaction.start

            async def begin(self, *args, **kwargs):
                statements.append("BEGIN")
                return await start(self, *args, **kwargs)

            monkeypatch.setattr(Transaction, "start", begin)
            yield statements
            monkeypatch.setattr(Transaction, "start", start)
        return
    statements: list[str] = []
    connection = get_connection("default")._connection  # aiosqlite's: the trace runs in its thread
    await connection._execute(connection._conn.set_trace_callback, statements.append)
    try:
        yield statements
    finally:
        await connection._execute(connection._conn.set_trace_callback, None)


async def test_submit_case_runs_few_statements_and_reads_no_configuration(app, govhall, gql, monkeypatch):
    hall = await build_hall(govhall, gql)
    drive = CaseDriver(gql, hall)
    # the first one reads the center and the item version; for another company (an applicant name of
    # its own), so that the one counted finds no open case of its own to refuse it
    await submit(drive, {**GOOD_DATA, "companyName": "连州市另一贸易有限公司"})
    async with executed_statements(monkeypatch) as statements:
        case = await submit(drive)
    assert case["number"].startswith("HALL-")
    # The token (with the configuration generation); then the probe for the applicant's open case of
    # the item (您已有该事项的在办件, core.services.duplicate_cases: one indexed read; on SQLite the
    # one statement the bound was raised by, 9 before it), the number, the case, its first event,
    # the deadline timer and the ``case.submitted`` outbox event: one statement on PostgreSQL, which
    # commits by itself (no BEGIN, no COMMIT), as a bare INSERT; one call on SQLite, whose own trace
    # sees each statement of it (the case's INSERT … RETURNING twice), BEGIN and COMMIT included. 13 statements before the caches and the
    # plain SQL; on PostgreSQL 4 and a transaction before the timer and the event went together, 3
    # and a transaction before the whole submission was one statement.
    assert len(statements) <= (2 if is_postgres() else 10), statements
    assert len([s for s in statements if 'o."completed_at" IS NULL' in s]) == 1, statements
    assert sum("outbox_event" in s for s in statements) == 1, statements
    if is_postgres():
        assert "BEGIN" not in statements, statements
        (together,) = [s for s in statements if "outbox_event" in s]
        assert '"timer"' in together and '"gh_case"' in together and "counter" in together, statements
        assert 'o."completed_at" IS NULL' in together, statements  # the probe costs no round trip
    assert not [s for s in statements if '"center"' in s or "item_version\" WHERE" in s], statements


async def test_a_new_item_version_is_seen_by_the_next_submission(app, govhall, gql):
    hall = await build_hall(govhall, gql)
    drive = CaseDriver(gql, hall)
    assert (await submit(drive))["item"]["version"] == 1
    config = await User.get(username="config1")
    actor = Actor(user=config, grants=await load_grants(config))
    changed = copy.deepcopy(PERMIT)
    changed["name"] = "测试许可（第二版）"
    await define_item(govhall, actor, hall.center, changed, update=True)
    await publish_item(govhall, actor, hall.center, PERMIT["code"])
    assert (await submit(drive, allow_duplicate=True))["item"]["version"] == 2


async def test_a_center_changed_by_another_process_is_seen_by_the_next_submission(app, govhall, gql, settings, tmp_path):
    hall = await build_hall(govhall, gql)
    drive = CaseDriver(gql, hall)
    assert (await submit(drive))["number"].startswith("HALL-")
    doc = center_doc("hall", [])
    doc["shortName"] = "HALLX"
    path = tmp_path / "hall.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    epoch = sessions_epoch(govhall)
    loaded = run(["center", "load", str(path)], settings.database_url)  # its own process and connection
    assert loaded.returncode == 0, loaded.stderr
    await notified(govhall, epoch)  # on PostgreSQL a moment after the commit, once the notification is in
    assert (await submit(drive, allow_duplicate=True))["number"].startswith("HALLX-")
    # and a change made in this process, through the same code, too
    doc["shortName"] = "HALLY"
    await load_center(doc, govhall.hub)
    assert (await submit(drive, allow_duplicate=True))["number"].startswith("HALLY-")


async def test_a_submitted_case_is_stamped_in_utc_as_the_orm_stamps(app, govhall, gql):
    """The hand-written insert stores its timestamps as the ORM's auto_now would (UTC), so time
    range filters find the case on SQLite too, where timestamps are compared as text."""
    hall = await build_hall(govhall, gql)
    drive = CaseDriver(gql, hall)
    before = datetime.now(timezone.utc) - timedelta(seconds=1)
    case = await submit(drive)
    after = datetime.now(timezone.utc) + timedelta(seconds=1)
    assert await Case.filter(id=case["id"], submitted_at__gte=before, submitted_at__lte=after, updated_at__lte=after).exists()
    assert await CaseEvent.filter(case_id=case["id"], seq=1, at__gte=before, at__lte=after).exists()
