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

from core.plumbing.models import CaseTask, Department
from core.plumbing.sql import for_dialect, is_postgres, rows, select_list, split_prefixed

if TYPE_CHECKING:
    from core.plumbing.models import Case

T = TypeVar("T")

_CURRENT: ContextVar[tuple[int, dict[str, Any]] | None] = ContextVar("case_memo", default=None)


@contextmanager
def reading_once(case: Case, **known: Any) -> Iterator[dict[str, Any]]:
    """Inside the block, rows of ``case`` are read once (``known``: rows already known, e.g. no
    timers for a case inserted in this transaction)."""
    memo: dict[str, Any] = dict(known)
    token = _CURRENT.set((case.id, memo))
    try:
        yield memo
    finally:
        _CURRENT.reset(token)


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
