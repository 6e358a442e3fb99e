"""我的办件 across all centers: the cases a signed-in person applied for or files as agent, in every
center at once, newest first (the per-center work queues are :func:`core.services.cases.list_cases`)."""

from __future__ import annotations

import base64

from tortoise.expressions import Q

from core.services.accounts import Actor
from core.services.cases import CasePage, cursor_parts, page_size
from core.plumbing.models import Case


def encode_cursor(case: Case) -> str:
    return base64.urlsafe_b64encode(f"mine:{case.id}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    return cursor_parts(cursor, ("mine",))[1]


async def list_my_cases(actor: Actor, *, first: int = 20, after: str | None = None) -> CasePage:
    """The actor's own cases (as applicant or agent) in every center; keyset pagination, newest first."""
    user = actor.require_login()
    query = Case.filter(Q(applicant_id=user.id) | Q(agent_id=user.id))
    if after:
        query = query.filter(id__lt=decode_cursor(after))
    first = page_size(first)
    rows = await query.order_by("-id").limit(first + 1)  # items come through the per-request loader
    page = rows[:first]
    return CasePage(cases=page, has_next=len(rows) > first, end_cursor=encode_cursor(page[-1]) if page else None)
