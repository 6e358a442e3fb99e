"""Tortoise's SQLite engine, with the statements of a transaction run in the event loop's thread.

aiosqlite runs every call in a thread of its own, and the hand-over (a queue, a wake-up of the
loop, the GIL passed back and forth), not SQLite, is most of what a short statement costs: a
case's submission or transition runs five to twenty of them. Inside a transaction nothing else can
use the connection (Tortoise's SQLite client serialises every statement, in a transaction or not,
on one lock), and a transaction's statements touch a handful of rows by key, so they run here
directly, and so does the commit: it waits for the disk (the WAL's fsync), but the transaction
holds the client's lock until it is done, so no other request could use the database meanwhile,
and handing it over cost two thread hops (~0.4 ms of an accept, ~0.16 ms of a submission,
alternated in one process). Statements outside transactions (reports, searches: possibly long
reads) still run in aiosqlite's thread, so they never hold up the loop. Starting a transaction is
one call, not Tortoise's two (a no-op ``commit()`` that ends any implicit transaction, then ``BEGIN``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

import aiosqlite
from tortoise.backends.base.client import NestedTransactionContext, TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient, SqliteTransactionContext, SqliteTransactionWrapper, translate_exceptions,
)
from tortoise.exceptions import TransactionManagementError


def _raw(wrapper: SqliteTransactionWrapper) -> sqlite3.Connection:
    return wrapper._connection._conn


class TransactionWrapper(SqliteTransactionWrapper):
    """A transaction whose statements run in the caller's thread (see the module docstring)."""

    def _in_transaction(self) -> TransactionContext:
        return NestedTransactionContext(TransactionWrapper(self))

    async def begin(self) -> None:
        try:
            raw = _raw(self)
            raw.commit()
            raw.execute("BEGIN")
        except sqlite3.OperationalError as exc:  # pragma: no cover - as Tortoise's own begin
            raise TransactionManagementError(exc)

    async def commit(self) -> None:
        """In the loop's thread, as the transaction's statements (see the module's doc)."""
        if self._finalized:
            raise TransactionManagementError("Transaction already finalised")
        _raw(self).commit()
        self._finalized = True

    async def rollback(self) -> None:
        if self._finalized:
            raise TransactionManagementError("Transaction already finalised")
        _raw(self).rollback()
        self._finalized = True

    @translate_exceptions
    async def execute_insert(self, query: str, values: list) -> int:
        async with self._lock:
            return _raw(self).execute(query, values).lastrowid

    @translate_exceptions
    async def execute_many(self, query: str, values: list[list]) -> None:
        async with self._lock:
            _raw(self).executemany(query, values)

    @translate_exceptions
    async def execute_query(self, query: str, values: list | None = None) -> tuple[int, Sequence[dict]]:
        query = query.replace("\x00", "'||CHAR(0)||'")
        async with self._lock:
            raw = _raw(self)
            start = raw.total_changes
            rows = raw.execute(query, values or ()).fetchall()
            return (raw.total_changes - start) or len(rows), rows

    @translate_exceptions
    async def execute_query_dict(self, query: str, values: list | None = None) -> list[dict]:
        query = query.replace("\x00", "'||CHAR(0)||'")
        async with self._lock:
            return list(map(dict, _raw(self).execute(query, values or ()).fetchall()))


class Client(SqliteClient):
    async def create_connection(self, with_db: bool) -> None:
        """As Tortoise's, but the connection may also be used from the loop's thread (only ever by
        the one transaction that holds the client's lock)."""
        if not self._connection:
            self._connection = await aiosqlite.connect(self.filename, isolation_level=None, check_same_thread=False)
            self._connection._conn.row_factory = sqlite3.Row
            for pragma, val in self.pragmas.items():
                cursor = await self._connection.execute(f"PRAGMA {pragma}={val}")
                await cursor.close()
            await self._post_connect()

    def _in_transaction(self) -> TransactionContext:
        return SqliteTransactionContext(TransactionWrapper(self), self._lock)

    @translate_exceptions
    async def execute_bounded_read(self, query: str, values: list[Any]) -> list[dict[str, Any]]:
        """:func:`core.plumbing.sql.bounded_read`: a read an index bounds, run in the loop's thread
        under the client's lock (a transaction's statements already run there)."""
        async with self.acquire_connection() as connection:
            return list(map(dict, connection._conn.execute(query, values).fetchall()))


def in_loop_thread(connection: Any) -> bool:
    """Whether statements on ``connection`` (a client from ``get_connection``) run in the caller's
    thread: a transaction of this engine."""
    return isinstance(connection, TransactionWrapper)


client_class = Client


def get_client_class(db_info: dict[str, Any]) -> type[SqliteClient]:
    return Client
