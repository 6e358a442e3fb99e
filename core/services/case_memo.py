"""Rows of the case being moved, read once per transition, and some of its writes kept for its end.

A transition's guards, effects and documents each look at the case's timers, pauses, materials,
department tasks and last alert event; inside :func:`reading_once` the first reader loads all of
them in one query (:func:`read_case`) and the others share the loaded rows. Whoever writes such rows
during the transition keeps the shared copy true: the clock updates the timer and pause objects in
place and adds the ones it creates; an effect that changes rows behind the memo's back (a bulk
``UPDATE``, a new task) calls :func:`forget`.

The clock's timer writes and the counter receipt are kept (:func:`defer_insert`,
:func:`defer_update`, :func:`defer_rows`) and written with the case and its audit event in the
transition's last round trip (:func:`deferred_writes`); :func:`flush` writes them earlier, before
anything reads such rows from the database or changes them in bulk (plugins included:
:func:`flush_for`).

Outside :func:`reading_once`, or for another case, every call reads and writes the database as before.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from functools import cache

from tortoise.connection import get_connection
from tortoise.models import Model

from core.plumbing.instances import from_rows
from core.plumbing.models import Case, CaseTask, Department, Pause, Timer
from core.plumbing.outbox_models import OutboxEvent
from core.plumbing.sql import (
    for_dialect, insert_new, insert_rows, insert_rows_sql, is_postgres, new_row_values, rows, select_list, split_prefixed,
    update_fields, update_sql,
)

T = TypeVar("T")

_CURRENT: ContextVar[tuple[int, dict[str, Any]] | None] = ContextVar("case_memo", default=None)


_WRITES = "__writes"
_CHECKS = "__checks"


@contextmanager
def reading_once(case: Case, **known: Any) -> Iterator[dict[str, Any]]:
    """Inside the block, rows of ``case`` are read once (``known``: rows already known, e.g. no
    timers for a case inserted in this transaction). Writes deferred in the block
    (:func:`defer_insert`…) must be written before it ends (:func:`deferred_writes`, :func:`flush`);
    checks deferred in it (:func:`defer_check`) and not run by then run when it ends."""
    memo: dict[str, Any] = dict(known)
    token = _CURRENT.set((case.id, memo))
    try:
        yield memo
        checks = memo.pop(_CHECKS, None)
        for check in checks or ():
            check()
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


def defer_check(case: Case, check: Callable[[], None]) -> bool:
    """Keep ``check`` (it raises to refuse the transition: a notice's template filled with its
    context) to run at the transition's end, while its last writes travel to the database
    (:func:`deferred_checks`), and at the latest when :func:`reading_once` ends, before the commit;
    False outside a transition of ``case``: run it now."""
    memo = memo_of(case)
    if memo is None:
        return False
    memo.setdefault(_CHECKS, []).append(check)
    return True


def deferred_checks(case: Case) -> Callable[[], None] | None:
    """The checks kept so far as one call (None when there are none), taken out of the memo."""
    memo = memo_of(case)
    checks = memo.pop(_CHECKS, None) if memo is not None else None
    if not checks:
        return None

    def run() -> None:
        for check in checks:
            check()

    return run


def _take(case: Case) -> list[tuple[str, Any, Any]]:
    memo = memo_of(case)
    return memo.pop(_WRITES, []) if memo is not None else []


def deferred_writes(case: Case) -> list[tuple[str, list[Any]]]:
    """The deferred writes as statements (``?`` placeholders), taken out of the memo: the caller
    runs them (:func:`core.plumbing.sql.write_together`). New rows of one model go in one
    multi-row ``INSERT``, in the order they were made."""
    updates, inserts = deferred_rows(case)
    return [*updates, *(insert_rows_sql(model, values) for model, values in inserts)]


def deferred_rows(case: Case) -> tuple[list[tuple[str, list[Any]]], list[tuple[type[Model], list[dict[str, Any]]]]]:
    """The deferred writes taken out of the memo: the ``UPDATE`` statements, then the new rows by
    model (their field values, in the order they were made)."""
    updates: list[tuple[str, list[Any]]] = []
    inserts: dict[type[Model], list[dict[str, Any]]] = {}
    for kind, target, fields in _take(case):
        if kind == "insert":
            inserts.setdefault(type(target), []).append(new_row_values(target))
        elif kind == "rows":
            inserts.setdefault(target, []).extend(fields)
        else:
            updates.append(update_sql(target, sorted(fields)))
    return updates, list(inserts.items())


async def flush_for(case: Case, caller: Any) -> None:
    """Before a plugin hook of the transition (``caller``, a center's hook caller) runs, write the
    deferred rows, so a plugin that reads them from the database finds them as it did when they
    were written at once. Nothing to do when no enabled plugin implements the hook."""
    memo = memo_of(case)
    if memo is not None and memo.get(_WRITES) and caller.get_hookimpls():
        await flush(case)


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


@dataclass
class CaseMaterials:
    """What a case has: the codes of its uploaded files and its counter receipts ``(code, form, count)``."""

    uploaded: list[str]
    received: list[tuple[str, str, int]]


# --- the case's rows in one query ---------------------------------------------------------------
# Whichever of them a transition asks for first, it reads every one not read yet: the timers
# (locked on PostgreSQL, as the clock needs them: the case's row is claimed first, so the lock
# order stays the case's row, then its timers), pauses, department tasks, materials and the last
# alert event, each a branch of one UNION (``part``), its columns prefixed, NULL in the others.

_ALERT_KINDS = "('alert.raised', 'alert.cleared')"


def _model_columns(prefix: str, alias: str, model: type[Model]) -> list[tuple[str, str, str]]:
    """(prefix+column, alias.column, PostgreSQL type) of every column of ``model``."""
    return [(f"{prefix}{column}", f'"{alias}"."{column}"', model._meta.fields_map[name].get_for_dialect("postgres", "SQL_TYPE"))
            for name, column in model._meta.fields_db_projection.items()]


@cache
def _parts(postgres: bool) -> dict[str, tuple[int, list[tuple[str, str, str]], str, int, str]]:
    """key -> (part, columns, FROM … (``{gate}`` where a condition may be added, ``{subject}`` for
    the case's number, every ``?`` the case's id), parameters, ORDER BY keys)."""
    lock = " FOR NO KEY UPDATE" if postgres else ""
    return {
        "timers": (0, _model_columns("t__", "t", Timer),
                   f'FROM (SELECT * FROM "timer" WHERE "case_id" = ?{{gate}}{lock}) "t"', 1, '"t__id"'),
        "pauses": (1, _model_columns("p__", "p", Pause), 'FROM "pause" "p" WHERE "p"."case_id" = ?{gate}', 1,
                   '"p__started_on", "p__id"'),
        "tasks": (2, _model_columns("k__", "k", CaseTask) + _model_columns("kd__", "d", Department),
                  'FROM "case_task" "k" JOIN "department" "d" ON "d"."id" = "k"."department_id" WHERE "k"."case_id" = ?{gate}', 1,
                  '"k__lead" DESC, "k__id"'),
        "materials": (3, [("m__part", '"m"."part"', "INT"), ("m__id", '"m"."id"', "INT"), ("m__code", '"m"."code"', "TEXT"),
                          ("m__form", '"m"."form"', "TEXT"), ("m__count", '"m"."count"', "INT")],
                      'FROM (SELECT 0 AS "part", "id", "code", \'\' AS "form", 1 AS "count" FROM "material" WHERE "withdrawn_at" IS NULL AND "case_id" = ?{gate} '
                      'UNION ALL SELECT 1, "id", "code", "form", "count" FROM "received_material" WHERE "case_id" = ?{gate}) "m"', 2,
                      '"m__part", "m__id"'),
        "last_alert": (4, [("a__kind", '"a"."kind"', "TEXT"), ("a__payload", '"a"."payload"', "JSONB")],
                       f'FROM (SELECT "kind", "payload" FROM "outbox_event" WHERE "subject" = {{subject}} AND "kind" IN {_ALERT_KINDS}'
                       '{gate} ORDER BY "id" DESC LIMIT 1) "a"', 1, ""),
    }


# a branch of :func:`_union`: its part number, its columns (as :func:`_model_columns` gives them), its FROM
_Branch = tuple[str, list[tuple[str, str, str]], str]


def _union(postgres: bool, keys: tuple[str, ...], gate: str = "", first: _Branch | None = None, subject: str = "?",
           last: _Branch | None = None) -> str:
    """The parts ``keys`` as one ``UNION ALL`` in part order; ``gate``: a condition every part's
    rows must meet as well; ``first``: a branch before them; ``last``: one after them; ``subject``:
    the case's number."""
    parts = _parts(postgres)
    sources = [(str(parts[key][0]), parts[key][1], parts[key][2].replace("{gate}", gate).replace("{subject}", subject))
               for key in keys]
    if first is not None:
        sources.insert(0, first)
    if last is not None:
        sources.append(last)
    every = [(branch, column) for branch, (_, columns, _) in enumerate(sources) for column in columns]
    branches = []
    for here, (number, _, source) in enumerate(sources):
        # PostgreSQL matches a UNION's columns pair by pair, left to right (NULL with NULL is text):
        # a NULL before the column's own branch is typed, one after it takes the type found so far.
        # The first branch names the columns; the others need not (short enough for the client to
        # keep the statement prepared: see _claim_sql).
        listed = ", ".join(
            (expr if branch == here else f"CAST(NULL AS {kind})" if postgres and here < branch else "NULL")
            + (f' AS "{name}"' if here == 0 else "")
            for branch, (name, expr, kind) in every
        )
        part = f'{number} AS "part"' if here == 0 else number
        branches.append(f"SELECT {part}, {listed} {source}")
    order = ", ".join(['"part"', *(parts[key][4] for key in keys if parts[key][4])])
    return " UNION ALL ".join(branches) + f" ORDER BY {order}"


@cache
def _case_rows_sql(postgres: bool, keys: tuple[str, ...]) -> str:
    return for_dialect(_union(postgres, keys), postgres)


# part of the claim's reserved numbers (core.services.case_numbers): after every other part
NUMBERS_PART = 9
NUMBERS_RESERVED = "numbers_reserved"


@cache
def _claim_sql(gated: bool, reserving: int = 0) -> str:
    """PostgreSQL: the claim of :func:`claim_case` as a CTE (``$1`` the case's id, ``$2`` the
    expected version when ``gated``), then a row ``part`` -1: the case's row as the lock returned
    it, and its version in the statement's snapshot (``seen``); then every part, read only if
    the claimed row's version is the one expected (so the timers are locked after the case's
    row, never without it), the last alert event by the claimed row's number.

    The claim locks the row as an ``UPDATE`` of its version would (``FOR NO KEY UPDATE``: the same
    lock, the same wait for a transaction holding it, then the newest row), but writes nothing:
    the transition's last write sets the version with the rest of the case. Updating the row twice
    in one transaction made the second update check every foreign key of the row again (a row its
    own transaction wrote is checked whether its keys changed or not) and wrote two row versions.

    It locks whatever the version (the check is on the row it returns): a stale request answers
    ``conflict`` with the case as it is after any wait, not as the snapshot had it (which, after
    waiting for the writer that made it stale, would name the very version the request sent).

    ``reserving``: the claim also takes numbers from that many counters (after the center,
    process and state the case must be claimed in, else none is taken, each counter's scope and
    how many numbers of it), as a last part (:data:`NUMBERS_PART`): the documents a transition is about
    to issue, numbered without a round trip of their own (:mod:`core.services.case_numbers`).
    The counter rows are locked after the case's row, as when the effects took them."""
    case = _model_columns("c__", "claim", Case)
    case.append(("c__seen", '(SELECT "version" FROM "gh_case" WHERE "id" = $1)', "INT"))
    claim = 'WITH "claim" AS MATERIALIZED (SELECT * FROM "gh_case" WHERE "id" = $1 FOR NO KEY UPDATE) '
    version = ' WHERE "version" = $2' if gated else ""
    gate = ' AND EXISTS (SELECT 1 FROM "claim"{})'.format(version)
    last = None
    if reserving:
        n = 3 if gated else 2
        pairs = ", ".join(f"(${n + 3 + 2 * i}::text, ${n + 4 + 2 * i}::int)" for i in range(reserving))
        claim = claim[:-1] + (
            f', "numbers" AS (INSERT INTO counter (scope, value) SELECT "s"."scope", "s"."k" '
            f'FROM "claim", (VALUES {pairs}) AS "s"("scope", "k") '
            f'WHERE "claim"."center_id" = ${n} AND "claim"."process" = ${n + 1} AND "claim"."state" = ${n + 2}'
            + (' AND "claim"."version" = $2' if gated else "")
            + ' ORDER BY "s"."scope" ON CONFLICT (scope) DO UPDATE SET value = counter.value + excluded.value '
            'RETURNING scope, value) '
        )
        last = (str(NUMBERS_PART), [("n__scope", '"numbers"."scope"', "TEXT"), ("n__value", '"numbers"."value"', "BIGINT")],
                'FROM "numbers"')
    union = _union(True, tuple(_parts(True)), gate, first=("-1", case, 'FROM "claim"'), subject='(SELECT "number" FROM "claim")',
                   last=last)
    return claim + union.replace("?", "$1")


async def read_case(case: Case) -> None:
    """In a transition of ``case``: read every one of its timers, pauses, tasks, materials and last
    alert event not read yet, in one query, into the memo. Outside one: nothing."""
    memo = memo_of(case)
    if memo is None or not case.id:
        return
    postgres = is_postgres()
    keys = tuple(key for key in _parts(postgres) if key not in memo)
    if not keys:
        return
    _, found = await get_connection("default").execute_query(_case_rows_sql(postgres, keys), _part_args(case, postgres, keys))
    _keep(memo, keys, found)


@dataclass
class Claim:
    """What :func:`claim_case` found: the case's row (None when there is no such case), whether its
    version is the one expected, and its rows for :func:`reading_once` (``known``): none when they
    must be read again, after the claim."""

    case: Case | None
    claimed: bool
    rows: dict[str, Any]


async def claim_case(case_id: int, expected: int | None, reserve: Reservation | None = None) -> Claim:
    """In a transaction, on PostgreSQL: lock the case's row as ``UPDATE … SET version = expected + 1``
    would (the caller's last write sets the version), read it, and, when its version is
    ``expected`` (any, when None), read its rows (:func:`read_case`): one statement, in that order
    (the case's row is locked first, its timers after it).

    The rows come from the statement's snapshot, taken before the claim waited for a transaction
    that held the case's row, if any; every writer that holds that lock and writes the case's
    pauses, tasks, materials or alert events bumps its version (a transition, a change recorded
    with its event, the sweeper raising an alert), so the rows are those of the claimed row when
    its version is the snapshot's. Otherwise (a writer committed meanwhile: possible only without
    ``expected``, or with one the request could not have seen) they are left to be read again,
    under the lock; the timers are locked by the read, which gives their newest versions.

    ``reserve``: numbers to take in the claim, if the case is in that center, process and state
    (and at the expected version); what was taken is in the rows as :data:`NUMBERS_RESERVED`."""
    args: list[Any] = [case_id] if expected is None else [case_id, expected]
    if reserve is not None:
        args += [reserve.center_id, reserve.process, reserve.state]
        args += [a for pair in zip(reserve.scopes, reserve.counts) for a in pair]
    reserving = len(reserve.scopes) if reserve is not None else 0
    _, found = await get_connection("default").execute_query(_claim_sql(expected is not None, reserving), args)
    if not found:
        return Claim(case=None, claimed=False, rows={})
    (case,) = from_rows(Case, [_values(found[0], "c__", Case)])  # as case_rows.case_by_id reads it
    claimed = expected is None or case.version == expected
    rows: dict[str, Any] = {}
    taken = [row for row in found if row["part"] == NUMBERS_PART]
    if reserve is not None:
        counts = dict(zip(reserve.scopes, reserve.counts))
        rows[NUMBERS_RESERVED] = {row["n__scope"]: list(range(row["n__value"] - counts[row["n__scope"]] + 1, row["n__value"] + 1))
                                  for row in taken}
    if claimed and found[0]["c__seen"] == case.version:
        _keep(rows, tuple(_parts(True)), [row for row in found[1:] if row["part"] != NUMBERS_PART])
    return Claim(case=case, claimed=claimed, rows=rows)


@dataclass(frozen=True)
class Reservation:
    """Numbers a claim takes (``counts[i]`` of ``scopes[i]``, scopes sorted) if the case it claims
    is in ``center_id``, ``process`` and ``state``."""

    center_id: int
    process: str
    state: str
    scopes: tuple[str, ...]
    counts: tuple[int, ...]


def _part_args(case: Case, postgres: bool, keys: tuple[str, ...]) -> list[Any]:
    parts = _parts(postgres)
    args: list[Any] = []
    for key in keys:
        args.extend([case.number if key == "last_alert" else case.id] * parts[key][3])
    return args


@cache
def _columns(prefix: str, model: type[Model]) -> tuple[tuple[str, str], ...]:
    """(prefixed column in a read's row, column) of every column of ``model``."""
    return tuple((f"{prefix}{column}", column) for column in model._meta.fields_db_projection.values())


def _values(row: Any, prefix: str, model: type[Model]) -> dict[str, Any]:
    """The columns of ``model`` in a read's row (a mapping by column name), unprefixed."""
    return {column: row[key] for key, column in _columns(prefix, model)}


def _keep(memo: dict[str, Any], keys: tuple[str, ...], found: Any) -> None:
    """The rows of a read of the parts ``keys`` (in part order) into the memo."""
    parts = _parts(False)  # part numbers and columns are the same on both databases
    got: dict[str, list[Any]] = {key: [] for key in keys}
    by_number = {parts[key][0]: got[key] for key in keys}
    for row in found:
        by_number[row["part"]].append(row)
    if "timers" in got:
        memo["timers"] = [Timer._init_from_db(**_values(r, "t__", Timer)) for r in got["timers"]]
    if "pauses" in got:
        memo["pauses"] = [Pause._init_from_db(**_values(r, "p__", Pause)) for r in got["pauses"]]
    if "tasks" in got:
        memo["tasks"] = [task_with_department(_values(r, "k__", CaseTask), _values(r, "kd__", Department))
                         for r in got["tasks"]]
    if "materials" in got:
        memo["materials"] = CaseMaterials(
            uploaded=[r["m__code"] for r in got["materials"] if r["m__part"] == 0],
            received=[(r["m__code"], r["m__form"], r["m__count"]) for r in got["materials"] if r["m__part"] == 1],
        )
    if "last_alert" in got:
        memo["last_alert"] = _alert(got["last_alert"][0]) if got["last_alert"] else None


def _alert(row: dict[str, Any]) -> dict[str, Any]:
    """``{kind, payload}`` of an alert event row (payload decoded as the ORM decodes it)."""
    payload = OutboxEvent._meta.fields_map["payload"].to_python_value(row["a__payload"])
    return {"kind": row["a__kind"], "payload": payload}


async def last_alert(case: Case) -> dict[str, Any] | None:
    """``{kind, payload}`` of the case's last ``alert.raised`` or ``alert.cleared`` event, if any."""
    await read_case(case)

    async def load() -> dict[str, Any] | None:
        found = await rows(_last_alert_sql(is_postgres()), [case.number])
        return _alert({"a__kind": found[0]["kind"], "a__payload": found[0]["payload"]}) if found else None

    return await once(case, "last_alert", load)


@cache
def _last_alert_sql(postgres: bool) -> str:
    return for_dialect(f'SELECT "kind", "payload" FROM "outbox_event" WHERE "subject" = ? AND "kind" IN {_ALERT_KINDS} '
                       'ORDER BY "id" DESC LIMIT 1', postgres)


async def case_tasks(case: Case) -> list[CaseTask]:
    """The case's department tasks (a joint case's) with their departments, lead first, then in
    id order. Read once per transition: an effect that decides a task changes the shared object,
    one that opens tasks forgets ``tasks``."""
    if not case.id:
        return []
    await read_case(case)
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
