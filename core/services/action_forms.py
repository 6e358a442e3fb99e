"""What the center's enabled plugins say of an action on a case before it is taken: the fields
they read from the transition's data (the ``case_action_form`` hook), merged into one JSON Schema
form the case page draws from the schema alone, as it draws an item's form; and why their guards
would refuse it now (the ``case_action_blocked`` hook); and what they hand over with the result
when the pickup window hands it out (the ``case_pickup_extras`` hook)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from core.plumbing.models import Case
from core.services.accounts import Actor
from core.services.cases import item_version
from core.services.centers import cached_center_by_id
from core.services.guards import PICKUP_METHODS
from core.services.plugins import acall
from core.services.runtime import GovHall


async def action_form(govhall: GovHall, actor: Actor, case: Case, action: str) -> dict[str, Any] | None:
    """The merged form of ``action`` on ``case`` from the plugins its center enables, or None when
    none asks for anything."""
    center, item = await _center_and_item(govhall, actor, case)
    hooks = govhall.hub.for_center(center)
    return merge_forms(await acall(hooks.case_action_form, center=center, case=case, item=item, action=action))


async def action_blocked(govhall: GovHall, actor: Actor, case: Case, action: str) -> str | None:
    """Why the plugins its center enables would refuse ``action`` on ``case`` now (each plugin's
    reason, joined), or None."""
    center, item = await _center_and_item(govhall, actor, case)
    hooks = govhall.hub.for_center(center)
    reasons = await acall(hooks.case_action_blocked, center=center, case=case, item=item, action=action, actor=actor)
    return "；".join(dict.fromkeys(r for r in reasons if r)) or None


async def pickup_extras(govhall: GovHall, actor: Actor, case: Case) -> list[dict[str, Any]]:
    """What the plugins its center enables hand over together with ``case``'s result at the pickup
    window (the enterprise zone's 开办大礼包), each ``{"title", "contents", "methods", "note",
    "hints"}`` (``methods``: the 出件 methods it goes out with, every one when the plugin names none;
    ``hints``: ``{"method", "text", "warning", "receipt"}`` for one 出件 method each, ``receipt`` what
    the pickup receipt prints beside it or ``None``); nothing while the case does not wait there."""
    if not govhall.processes.get(case.process).awaits_pickup(case.state):
        return []
    center = await cached_center_by_id(govhall, actor.config_generation, case.center_id)  # type: ignore[attr-defined]
    extras = []
    for answer in await acall(govhall.hub.for_center(center).case_pickup_extras, center=center, case=case):
        for extra in answer:
            methods = extra.get("methods") or PICKUP_METHODS
            extras.append({"title": str(extra.get("title") or ""), "contents": [str(c) for c in extra.get("contents") or ()],
                           "methods": [m for m in PICKUP_METHODS if m in methods],
                           "note": str(extra["note"]) if extra.get("note") else None,
                           "hints": _hints(extra.get("hints"))})
    return extras


def _hints(hints: Any) -> list[dict[str, Any]]:
    """A plugin's hints for known 出件 methods, each with a text (and what the receipt prints, if any)."""
    return [{"method": str(hint["method"]), "text": str(hint["text"]), "warning": bool(hint.get("warning")),
             "receipt": str(hint["receipt"]) if hint.get("receipt") else None}
            for hint in hints or () if isinstance(hint, Mapping) and hint.get("method") in PICKUP_METHODS and hint.get("text")]


async def _center_and_item(govhall: GovHall, actor: Actor, case: Case) -> tuple[Any, Any]:
    center = await cached_center_by_id(govhall, actor.config_generation, case.center_id)  # type: ignore[attr-defined]
    return center, await item_version(govhall, case.item_version_id)  # type: ignore[attr-defined]


def merge_forms(forms: Iterable[Mapping[str, Any] | None]) -> dict[str, Any] | None:
    """One object schema of several: their properties (a later plugin's field of the same name
    wins), every required field once, and the fields in the plugins' ``x-order``, then the rest."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    order: list[str] = []
    for form in forms:
        if not form:
            continue
        properties.update(form.get("properties") or {})
        required += [name for name in form.get("required") or () if name not in required]
        order += [name for name in form.get("x-order") or () if name not in order]
    if not properties:
        return None
    order += [name for name in properties if name not in order]
    return {"type": "object", "properties": properties, "required": required, "x-order": order}
