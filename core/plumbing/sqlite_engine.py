"""Tortoise's SQLite engine with one change: starting a transaction is one call to the database
thread instead of two. aiosqlite runs every call in its own thread and the hand-over, not SQLite,
is what a statement costs; Tortoise's ``begin`` makes two calls (a no-op ``commit()`` that ends
any implicit transaction, then ``BEGIN``), this one makes the same two in one call."""

from __future__ import annotations

import sqlite3
from typing import Any

from tortoise.backends.base.client import TransactionContext
from tortoise.backends.sqlite.client import SqliteClient, SqliteTransactionContext, SqliteTransactionWrapper
from tortoise.exceptions import TransactionManagementError


def _begin(raw: sqlite3.Connection) -> None:
    raw.commit()
    raw.execute("BEGIN")


class TransactionWrapper(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection._execute(_begin, self._connection._conn)
        except sqlite3.OperationalError as exc:  # pragma: no cover - as Tortoise's own begin
            raise TransactionManagementError(exc)


class Client(SqliteClient):
    def _in_transaction(self) -> TransactionContext:
        return SqliteTransactionContext(TransactionWrapper(self), self._lock)


client_class = Client


def get_client_class(db_info: dict[str, Any]) -> type[SqliteClient]:
    return Client
