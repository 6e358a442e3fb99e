"""Reading one page of a work queue (urgent cases first, then by id) as index ranges.

``ORDER BY urgent DESC, id`` mixes directions, so no ascending index serves it and the database
would sort every matching case for each page. Read instead the urgent cases in id order, then
(when the page is not full) the other cases in id order: each part is one range of an index ending
in ``(urgent, id)`` (see ``Case.Meta.indexes``) and stops after ``limit`` rows.
"""

from __future__ import annotations

from tortoise.queryset import QuerySet

from .models import Case


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
