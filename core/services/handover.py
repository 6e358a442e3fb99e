"""Hand a person's open cases to a colleague (AB岗 顶岗): every open case of the center (neither
completed nor ended) whose 首问负责 (``Case.responsible``) is the person gets the colleague as
responsible, with an audit event on each case. A joint case's department tasks belong to the
department's reviewers, not to one person, so they stay where they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.services.accounts import Actor
from core.services.cases import record_case_event
from core.plumbing.errors import UserErrorsException
from core.plumbing.models import Case, Center, User

if TYPE_CHECKING:
    from core.services.runtime import GovHall


async def hand_over_open_cases(govhall: GovHall, actor: Actor, center: Center, person: User, partner: User,
                               *, reason: str) -> list[Case]:
    """Make ``partner`` responsible for ``person``'s open cases in ``center``; each change is a
    ``hand_over`` event naming both and the reason. Returns the cases moved."""
    if person.id == partner.id:
        raise UserErrorsException.single("same_person", "不能把工作移交给本人", "/partner")
    moved: list[Case] = []
    for case in await open_cases_of(govhall, center, person):
        case.center = center

        async def work(c: Case) -> dict[str, str]:
            await Case.filter(id=c.id).update(responsible_id=partner.id)
            c.responsible_id = partner.id  # type: ignore[attr-defined]
            return {"responsible": partner.username, "from": person.username,
                    "responsibleName": partner.display_name or partner.username}  # what the case page shows

        await record_case_event(govhall, actor, case, "hand_over", comment=reason, work=work)
        moved.append(case)
    return moved


async def open_cases_of(govhall: GovHall, center: Center, person: User) -> list[Case]:
    """The open cases (neither completed nor ended) of ``center`` that ``person`` is 首问负责 for."""
    registry = govhall.processes
    cases = await Case.filter(center_id=center.id, responsible_id=person.id).order_by("id")
    return [c for c in cases if (process := registry.processes.get(c.process)) is not None
            and not (process.is_terminal(c.state) or process.is_completed(c.state))]
