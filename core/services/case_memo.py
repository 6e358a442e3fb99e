"""Rows of the case being moved, read once per transition.

A transition's guards, effects and documents each look at the case's timers, pauses, materials
and department tasks; inside :func:`reading_once` the first reader loads them and the others share
the loaded rows. Whoever writes such rows during the transition keeps the shared copy true: the
clock updates the timer and pause objects in place and adds the ones it creates; an effect that
changes rows behind the memo's back (a bulk ``UPDATE``, a new task) calls :func:`forget`.

Outside :func:`reading_once`, or for another case, every call reads the database as before.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar

from functools import cache

from tortoise.models import Model

from core.plumbing.models import CaseTask, Department
from core.plumbing.sql import (
    for_dialect, insert_new, insert_rows, insert_rows_sql, is_postgres, new_row_values, rows, select_list, split_prefixed,
    update_fields, update_sql,
)

if TYPE_CHECKING:
    from core.plumbing.models import Case

T = TypeVar("T")

_CURRENT: ContextVar[tuple[int, dict[str, Any]] | None] = ContextVar("case_memo", default=None)


_WRITES = "__writes"


@contextmanager
def reading_once(case: Case, **known: Any) -> Iterator[dict[str, Any]]:
    """Inside the block, rows of ``case`` are read once (``known``: rows already known, e.g. no
    timers for a case inserted in this transaction). Writes deferred in the block
    (:func:`defer_insert`…) must be written before it ends (:func:`deferred_writes`, :func:`flush`)."""
    memo: dict[str, Any] = dict(known)
    token = _CURRENT.set((case.id, memo))
    try:
        yield memo
    except BaseException:
        raise
    else:
        if memo.get(_WRITES):
            raise RuntimeError("writes deferred in a transition were never written")
    finally:
        _CURRENT.reset(token)


# --- writes deferred to the transition's last round trip ------------------------------------------
# The clock's timers and the counter receipt are rows of the case being moved that nothing reads
# from the database during the transition (they are read through this memo): they are written with
# the case and its audit event, in one round trip, rather than one statement each.


def defer_insert(case: Case, instance: Model) -> bool:
    """Keep a new row of the case being moved (its values as they are when written: later changes
    to it need no ``UPDATE``); False outside a transition of ``case``: write it now."""
    memo = memo_of(case)
    if memo is None:
        return False
    memo.setdefault(_WRITES, []).append(("insert", instance, None))
    return True


def defer_rows(case: Case, model: type[Model], values: list[dict[str, Any]]) -> bool:
    """Keep new rows (field values, every column) of ``model``; False outside a transition of ``case``."""
    memo = memo_of(case)
    if memo is None:
        return False
    memo.setdefault(_WRITES, []).append(("rows", model, values))
    return True


def defer_update(case: Case, instance: Model, names: list[str]) -> bool:
    """Keep an ``UPDATE`` of ``names`` of a row of the case being moved (rows it read, locked
    where they need be); False outside a transition of ``case``: update it now."""
    memo = memo_of(case)
    if memo is None:
        return False
    writes = memo.setdefault(_WRITES, [])
    for kind, kept, fields in writes:
        if kept is instance:  # an inserted row is written as it is; an updated one once, with every field
            if kind == "update":
                fields.update(names)
            return True
    writes.append(("update", instance, set(names)))
    return True


def _take(case: Case) -> list[tuple[str, Any, Any]]:
    memo = memo_of(case)
    return memo.pop(_WRITES, []) if memo is not None else []


def deferred_writes(case: Case) -> list[tuple[str, list[Any]]]:
    """The deferred writes as statements (``?`` placeholders), taken out of the memo: the caller
    runs them (:func:`core.plumbing.sql.write_together`). New rows of one model go in one
    multi-row ``INSERT``, in the order they were made."""
    statements: list[tuple[str, list[Any]]] = []
    inserts: dict[type[Model], list[dict[str, Any]]] = {}
    for kind, target, fields in _take(case):
        if kind == "insert":
            inserts.setdefault(type(target), []).append(new_row_values(target))
        elif kind == "rows":
            inserts.setdefault(target, []).extend(fields)
        else:
            statements.append(update_sql(target, sorted(fields)))
    statements.extend(insert_rows_sql(model, values) for model, values in inserts.items())
    return statements


async def flush(case: Case) -> None:
    """Write the deferred writes now (before reading such rows from the database, or changing
    them in bulk, during the transition); inserted instances get their ids."""
    for kind, target, fields in _take(case):
        if kind == "insert":
            await insert_new(target)
        elif kind == "rows":
            await insert_rows(target, fields)
        else:
            await update_fields(target, sorted(fields))


def memo_of(case: Case) -> dict[str, Any] | None:
    """The shared rows of ``case`` if it is the case being moved, else None."""
    current = _CURRENT.get()
    if current is None or case.id is None or current[0] != case.id:
        return None
    return current[1]


async def once(case: Case, key: str, load: Callable[[], Awaitable[T]]) -> T:
    """``load()`` the first time ``key`` of ``case`` is asked for in the transition; the same
    object afterwards. Outside a transition of ``case``: ``load()`` each time."""
    memo = memo_of(case)
    if memo is None:
        return await load()
    if key not in memo:
        memo[key] = await load()
    value: T = memo[key]
    return value


def forget(case: Case, *keys: str) -> None:
    """The rows named ``keys`` changed behind the memo: the next reader reads them again."""
    memo = memo_of(case)
    if memo is not None:
        for key in keys:
            memo.pop(key, None)


async def case_tasks(case: Case) -> list[CaseTask]:
    """The case's department tasks (a joint case's) with their departments, lead first, then in
    id order. Read once per transition: an effect that decides a task changes the shared object,
    one that opens tasks forgets ``tasks``."""
    if not case.id:
        return []
    return await once(case, "tasks", lambda: _load_tasks(case.id))


@cache
def _tasks_sql(postgres: bool) -> str:
    """Built once: the ORM's ``select_related`` query costs more to build than to run, and most
    cases have no task at all."""
    return for_dialect(
        f'SELECT {select_list(CaseTask, "t")}, {select_list(Department, "d", "d__")} FROM "case_task" "t" '
        'JOIN "department" "d" ON "d"."id" = "t"."department_id" WHERE "t"."case_id" = ? ORDER BY "t"."lead" DESC, "t"."id"',
        postgres,
    )


async def _load_tasks(case_id: int) -> list[CaseTask]:
    return [task_with_department(*split_prefixed(row, "d__")) for row in await rows(_tasks_sql(is_postgres()), [case_id])]


def task_with_department(task: dict[str, Any], department: dict[str, Any]) -> CaseTask:
    """A task row and its department's row as ``select_related("department")`` would load them."""
    found = CaseTask._init_from_db(**task)
    object.__setattr__(found, "_department", Department._init_from_db(**department))
    return found
