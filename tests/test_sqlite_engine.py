"""GovHall's SQLite engine (core.plumbing.sqlite_engine): a transaction's statements and its commit
run in the event loop's thread, everything else in aiosqlite's; the transaction semantics
stay Tortoise's: rollback on error, savepoints, errors translated, one transaction at a time."""

from __future__ import annotations

import asyncio
import threading

import pytest
from tortoise.connection import get_connection
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.plumbing.models import Counter
from tests.conftest import IS_POSTGRES

pytestmark = [pytest.mark.anyio, pytest.mark.skipif(IS_POSTGRES, reason="the SQLite engine")]


async def _thread_of_statements() -> int:
    return (await get_connection("default").execute_query_dict("SELECT thread_id() AS t"))[0]["t"]


@pytest.fixture
async def thread_id_function(app):
    client = get_connection("default")
    await client._connection._execute(client._connection._conn.create_function, "thread_id", 0, threading.get_ident)


async def test_a_transactions_statements_run_in_the_loops_thread_others_in_aiosqlites(thread_id_function):
    loop_thread = threading.get_ident()
    outside = await _thread_of_statements()
    async with in_transaction():
        inside = await _thread_of_statements()
        async with in_transaction():  # a savepoint
            nested = await _thread_of_statements()
    assert inside == nested == loop_thread
    assert outside != loop_thread


async def test_a_transaction_commits_in_the_loops_thread_and_its_rows_are_kept(app):
    client = get_connection("default")
    raw = client._connection._conn
    commits: list[int] = []
    await client._connection._execute(
        raw.set_trace_callback, lambda sql: commits.append(threading.get_ident()) if sql == "COMMIT" else None)
    try:
        async with in_transaction():
            await Counter.create(scope="committed", value=1)
    finally:
        await client._connection._execute(raw.set_trace_callback, None)
    assert commits == [threading.get_ident()]
    assert not raw.in_transaction
    assert await Counter.exists(scope="committed")


async def test_an_error_rolls_the_transaction_back_and_is_tortoises(app):
    await Counter.create(scope="kept", value=1)
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await Counter.filter(scope="kept").update(value=2)
            await Counter.create(scope="lost", value=1)
            raise RuntimeError("the caller fails")
    assert await Counter.get(scope="kept").values_list("value", flat=True) == 1
    assert not await Counter.exists(scope="lost")
    with pytest.raises(IntegrityError):
        async with in_transaction():
            await Counter.create(scope="kept", value=3)  # unique scope
    assert await Counter.filter(scope="kept").count() == 1


async def test_a_savepoint_rolls_back_alone(app):
    async with in_transaction():
        await Counter.create(scope="outer", value=1)
        with pytest.raises(RuntimeError):
            async with in_transaction():
                await Counter.create(scope="inner", value=1)
                raise RuntimeError("the inner part fails")
    assert await Counter.exists(scope="outer")
    assert not await Counter.exists(scope="inner")


async def test_transactions_run_one_at_a_time_and_lose_no_update(app):
    await Counter.create(scope="n", value=0)

    async def bump() -> None:
        async with in_transaction() as conn:
            (row,) = await conn.execute_query_dict("SELECT value FROM counter WHERE scope = 'n'")
            await asyncio.sleep(0)  # another transaction may run now, if the lock let it
            await conn.execute_query("UPDATE counter SET value = ? WHERE scope = 'n'", [row["value"] + 1])

    await asyncio.gather(*(bump() for _ in range(20)))
    assert await Counter.get(scope="n").values_list("value", flat=True) == 20


async def test_a_bounded_read_runs_in_the_loops_thread_and_waits_for_a_transaction(thread_id_function):
    """core.plumbing.sql.bounded_read (a token, a case by id, a page): in the loop's thread, but
    under the client's lock, so it never sees another task's transaction half done."""
    from core.plumbing.sql import bounded_read

    client = get_connection("default")
    assert (await bounded_read(client, "SELECT thread_id() AS t", ()))[0]["t"] == threading.get_ident()
    await Counter.create(scope="seen", value=1)
    halfway, finish = asyncio.Event(), asyncio.Event()

    async def change() -> None:
        async with in_transaction() as conn:
            await conn.execute_query("UPDATE counter SET value = 2 WHERE scope = 'seen'")
            halfway.set()
            await finish.wait()
            await conn.execute_query("UPDATE counter SET value = 3 WHERE scope = 'seen'")

    writer = asyncio.create_task(change())
    await halfway.wait()
    reader = asyncio.create_task(bounded_read(client, "SELECT value FROM counter WHERE scope = ?", ["seen"]))
    await asyncio.sleep(0.05)
    assert not reader.done()  # it waits for the transaction
    finish.set()
    await writer
    assert (await reader) == [{"value": 3}]
