"""Reading one page of a work queue (urgent cases first, then by id) as index ranges.

``ORDER BY urgent DESC, id`` mixes directions, so no ascending index serves it and the database
would sort every matching case for each page. Read instead the urgent cases in id order, then
(when the page is not full) the other cases in id order: each part is one range of an index ending
in ``(urgent, id)`` (see ``Case.Meta.indexes``) and stops after ``limit`` rows.
"""

from __future__ import annotations

from tortoise.connection import get_connection
from tortoise.expressions import RawSQL
from tortoise.queryset import QuerySet

from core.plumbing.models import Case


async def case_page(query: QuerySet[Case], cursor: tuple[bool, int] | None, limit: int) -> list[Case]:
    """Up to ``limit`` cases of ``query`` after ``cursor`` (urgent?, id) in queue order."""
    found: list[Case] = []
    if cursor is None or cursor[0]:
        urgent = query.filter(urgent=True)
        if cursor is not None:
            urgent = urgent.filter(id__gt=cursor[1])
        found = list(await urgent.order_by("id").limit(limit))
        if len(found) >= limit:
            return found
    rest = query.filter(urgent=False)
    if cursor is not None and not cursor[0]:
        rest = rest.filter(id__gt=cursor[1])
    return found + list(await rest.order_by("id").limit(limit - len(found)))


def with_joint_task(query: QuerySet[Case], department_ids: list[int], *, open_only: bool) -> QuerySet[Case]:
    """``query`` with ``joint_task``: the case has a task (联办) of one of ``department_ids`` (an
    open one when ``open_only``), probed per case through ``case_task``'s (case, department) index.

    Written as ``id IN (SELECT case_id …)``, PostgreSQL hashes every task of the departments
    first — a cost that grows with the history. ``OFFSET 0`` keeps the EXISTS a per-row probe, so a
    page stops after the few cases it shows."""
    ids = ", ".join(str(int(d)) for d in department_ids)
    if not ids:
        return query.annotate(joint_task=RawSQL("1 = 0"))
    state = " AND t.state = 'open'" if open_only else ""
    keep = " OFFSET 0" if get_connection("default").capabilities.dialect == "postgres" else ""
    return query.annotate(joint_task=RawSQL(
        f'EXISTS (SELECT 1 FROM case_task t WHERE t.case_id = "gh_case"."id" AND t.department_id IN ({ids}){state}{keep})'
    ))
