"""Reading one page of a work queue (urgent cases first, then by id) as index ranges, in SQL
written by hand: composing the query through the ORM costs more than running it.

``ORDER BY urgent DESC, id`` mixes directions, so no ascending index serves it and the database
would sort every matching case for each page. The page reads instead the urgent cases in id order
and the other cases in id order, each part one range of an index ending in ``(urgent, id)`` (see
``Case.Meta.indexes``) that stops after ``limit`` rows; both parts are one statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from tortoise.connection import get_connection
from tortoise.fields import JSONField

from core.plumbing.instances import from_rows
from core.plumbing.models import Case
from core.plumbing.sql import bounded_read, for_dialect, select_list

NOTHING = "1 = 0"


@dataclass
class Conditions:
    """A ``WHERE`` clause being built: conditions joined by ``AND``, their ``?`` values in order."""

    sql: list[str] = field(default_factory=list)
    args: list[Any] = field(default_factory=list)

    def add(self, condition: str, *args: Any) -> None:
        self.sql.append(condition)
        self.args.extend(args)


def id_in(column: str, ids: Sequence[int]) -> str:
    """``column IN (…)`` of integer ids written into the SQL (no values to pass); none matches nothing."""
    return f'"{column}" IN ({", ".join(str(int(i)) for i in ids)})' if ids else NOTHING


def joint_task(department_ids: Sequence[int], *, open_only: bool) -> str:
    """The case has a task (联办) of one of ``department_ids`` (an open one when ``open_only``),
    probed per case through ``case_task``'s (case, department) index.

    Written as ``id IN (SELECT case_id …)``, PostgreSQL hashes every task of the departments
    first — a cost that grows with the history. ``OFFSET 0`` keeps the EXISTS a per-row probe, so a
    page stops after the few cases it shows."""
    if not department_ids:
        return NOTHING
    ids = ", ".join(str(int(d)) for d in department_ids)
    state = " AND t.state = 'open'" if open_only else ""
    keep = " OFFSET 0" if get_connection("default").capabilities.dialect == "postgres" else ""
    return f'EXISTS (SELECT 1 FROM case_task t WHERE t.case_id = "gh_case"."id" AND t.department_id IN ({ids}){state}{keep})'


JSON_COLUMNS = frozenset(name for name, f in Case._meta.fields_map.items() if isinstance(f, JSONField))
"""The case's application data and flags: a list that shows neither leaves them unread (a form's
data is often kilobytes per row, stored out of line, and decoding it costs more than the rest of the row)."""


def _part(where: Conditions, urgent: bool, after: int | None, columns: str) -> tuple[str, list[Any]]:
    conditions = [*where.sql, '"urgent" = ?']
    args = [*where.args, urgent]
    if after is not None:
        conditions.append('"id" > ?')
        args.append(after)
    sql = f'SELECT {columns} FROM "gh_case" WHERE {" AND ".join(conditions)} ORDER BY "id" LIMIT ?'
    return f"SELECT * FROM ({sql}) AS {'u' if urgent else 'n'}", [*args]


@cache
def _columns(without_json: bool) -> str:
    return select_list(Case, unread=JSON_COLUMNS if without_json else ())


async def case_page(where: Conditions, cursor: tuple[bool, int] | None, limit: int, *,
                    without_json: bool = False) -> list[Case]:
    """Up to ``limit`` cases matching ``where`` after ``cursor`` (urgent?, id) in queue order.

    ``without_json``: the rows' :data:`JSON_COLUMNS` are left unread (``None``), and the rows are
    partial models, which Tortoise refuses to save whole."""
    columns = _columns(without_json)
    parts: list[tuple[str, list[Any]]] = []
    if cursor is None or cursor[0]:
        parts.append(_part(where, True, cursor[1] if cursor is not None else None, columns))
    parts.append(_part(where, False, cursor[1] if cursor is not None and not cursor[0] else None, columns))
    args: list[Any] = []
    for _sql, part_args in parts:
        args += [*part_args, limit]
    union = " UNION ALL ".join(s for s, _ in parts)
    sql = f'SELECT * FROM ({union}) AS page ORDER BY "urgent" DESC, "id" LIMIT {int(limit)}'
    found = await bounded_read(get_connection("default"), for_dialect(sql), args)
    rows = from_rows(Case, found)
    if without_json:
        for row in rows:
            object.__setattr__(row, "_partial", True)
    return rows
