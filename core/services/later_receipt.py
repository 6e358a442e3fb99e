"""柜台收件 after acceptance: materials the window receives for a case it already accepted.

A case may be accepted with some materials still to come (the green channel's 先办理，后补齐). When
the applicant brings them, the window records them as it records what it received at acceptance:
``received_material`` rows (which material, original or copy, how many, who, when), so the case's
material list (``caseMaterials``), its hand-over records and every later notice show them; and an
audit event on the case whose ``changes.received`` has the shape of the acceptance's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from core.plumbing.errors import UserError, UserErrorsException
from core.plumbing.models import Case, CaseEvent, ItemVersion, ReceivedMaterial
from core.plumbing.sql import insert_rows
from core.services import clock
from core.services.accounts import Actor
from core.services.cases import record_case_event
from core.services.receipt import parse_received

if TYPE_CHECKING:
    from core.services.runtime import GovHall


async def record_counter_receipt(
    govhall: GovHall,
    actor: Actor,
    case: Case,
    received: Any,
    *,
    action: str,
    comment: str = "",
    changes: Mapping[str, Any] | None = None,
    problems: Sequence[UserError] = (),
    work: Callable[[Case], Awaitable[Mapping[str, Any] | None]] | None = None,
) -> CaseEvent:
    """Record ``received`` (``[{material, form, count}]`` as at acceptance: a material code of the
    case's item, ``original`` or ``copy``, 1–99; ``form`` defaults to original, ``count`` to 1) as
    received at the counter by ``actor`` now, with an audit event ``action`` on the case (through
    :func:`record_case_event`: ``work`` writes the caller's rows in the same transaction). The
    caller's own ``problems`` with the input are raised together with the receipt's (every one at
    once, nothing written); an empty list is ``required``."""
    item = case.item_version if isinstance(case.item_version, ItemVersion) else await ItemVersion.get(
        id=case.item_version_id)  # type: ignore[attr-defined]
    definition = item.definition or {}
    entries, errors = parse_received(definition, received)
    errors = [*problems, *errors]
    if not errors and not entries:
        errors.append(UserError("required", "请登记窗口收取的材料（材料、原件或复印件、份数）", "/received"))
    if errors:
        raise UserErrorsException(errors)
    listed = {m["code"]: m for m in definition.get("materials", [])}
    user_id = actor.user.id if actor.user is not None else None

    async def together(locked: Case) -> dict[str, Any]:
        now = clock.now()
        await insert_rows(ReceivedMaterial, [
            {"case_id": locked.id, "code": e.code, "catalogue": listed[e.code].get("catalogue", ""),
             "name": listed[e.code]["name"], "form": e.form, "count": e.count, "received_by_id": user_id, "received_at": now}
            for e in entries
        ])
        shown: dict[str, Any] = {"received": [
            {"material": e.code, "name": listed[e.code]["name"], "form": e.form, "count": e.count} for e in entries
        ]}
        if work is not None:
            shown.update(await work(locked) or {})
        return shown

    return await record_case_event(govhall, actor, case, action, comment=comment, changes=changes, work=together)
