"""柜台收件: what the front desk actually received for a case, and how.

At acceptance the clerk records the paper materials handed over at the counter (``received``:
which material of the item's list, original or copy, how many). With the files uploaded to the case
this is the case's receipt: the acceptance notice, the hand-over records and the case's material list
show it, and nothing else. A case whose required main material (主件) is neither uploaded nor
received cannot be accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.plumbing.errors import UserError, one_of, pointer
from core.plumbing.models import Case, ReceivedMaterial
from core.plumbing.sql import insert_rows, rows
from core.services import clock
from core.services.case_memo import CaseMaterials, defer_rows, memo_of, once, read_case
from core.services.workflow import TransitionContext

FORMS = {"original": "原件", "copy": "复印件"}
MAX_COUNT = 99


@dataclass(frozen=True)
class Received:
    code: str
    form: str
    count: int


def parse_received(definition: Mapping[str, Any], raw: Any) -> tuple[list[Received], list[UserError]]:
    """The ``received`` list of an acceptance: each entry a material of the item's list, ``original``
    or ``copy``, a count 1–99; one entry per material and form. Every problem at once."""
    if raw is None:
        return [], []
    if not isinstance(raw, list):
        return [], [UserError("type", "收取的材料应为列表：[{material, form, count}]", "/received")]
    listed = {m["code"]: m for m in definition.get("materials", [])}
    entries: list[Received] = []
    errors: list[UserError] = []
    seen: set[tuple[str, str]] = set()
    for i, entry in enumerate(raw):
        if not isinstance(entry, Mapping):
            errors.append(UserError("type", f"第{i + 1}项收取记录应为对象", pointer("received", i)))
            continue
        code, form, count = entry.get("material"), entry.get("form", "original"), entry.get("count", 1)
        problems = []
        if not isinstance(code, str) or code not in listed:  # a list or an object is no code either
            problems.append(UserError("enum", f"本事项材料清单中没有编码为“{code}”的材料", pointer("received", i, "material")))
        if not isinstance(form, str) or form not in FORMS:
            problems.append(UserError("enum", f"材料形式应为{one_of(FORMS)}", pointer("received", i, "form")))
        if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_COUNT:
            problems.append(UserError("range", f"份数应为1至{MAX_COUNT}的整数", pointer("received", i, "count")))
        if not problems and (code, form) in seen:
            problems.append(UserError("duplicate", f"“{listed[code]['name']}”的{FORMS[form]}重复登记，请合并份数",
                                      pointer("received", i)))
        errors.extend(problems)
        if not problems:
            seen.add((code, form))
            entries.append(Received(code, form, count))
    return entries, errors


MATERIALS_SQL = (
    'SELECT 0 AS part, "id", "code", \'\' AS "form", 1 AS "count" FROM "material" WHERE "case_id" = ? AND "withdrawn_at" IS NULL'
    ' UNION ALL SELECT 1 AS part, "id", "code", "form", "count" FROM "received_material" WHERE "case_id" = ?'
    ' ORDER BY part, "id"'
)


async def case_materials(case: Case) -> CaseMaterials:
    """Uploaded files and counter receipts of ``case`` in one query, read once per transition
    (:mod:`core.services.case_memo`: :func:`record_receipt` adds what it records)."""

    async def load() -> CaseMaterials:
        found = await rows(MATERIALS_SQL, [case.id, case.id])
        return CaseMaterials(
            uploaded=[r["code"] for r in found if r["part"] == 0],
            received=[(r["code"], r["form"], r["count"]) for r in found if r["part"] == 1],
        )

    await read_case(case)  # with the case's other rows, in a transition
    return await once(case, "materials", load)


async def uploaded_codes(case: Case) -> set[str]:
    return set((await case_materials(case)).uploaded)


def missing_main(definition: Mapping[str, Any], present: set[str]) -> list[Mapping[str, Any]]:
    """The required main materials (主件) that are neither uploaded nor received."""
    return [m for m in definition.get("materials", [])
            if m.get("role") == "main" and m.get("required", True) and m["code"] not in present]


async def materials_received(ctx: TransitionContext) -> list[UserError]:
    """Guard of an acceptance: the counter receipt is well formed, and every required main
    material is uploaded or received."""
    definition = ctx.item.definition
    entries, errors = parse_received(definition, ctx.params.get("received"))
    if errors:
        return errors
    present = await uploaded_codes(ctx.case) | {e.code for e in entries}
    missing = missing_main(definition, present)
    if not missing:
        return []
    names = "、".join(f"“{m['name']}”" for m in missing)
    return [UserError(
        "material.missing_main",
        f"主件{names}既未上传也未在窗口收取，不能受理：收取后请在“收件登记”中勾选，或一次性告知补齐、退回",
        "/received",
    )]


async def record_receipt(ctx: TransitionContext) -> None:
    """Effect of an acceptance: store what the counter received; the audit event shows it."""
    definition = ctx.item.definition
    entries, _ = parse_received(definition, ctx.params.get("received"))
    listed = {m["code"]: m for m in definition.get("materials", [])}
    user_id = ctx.actor.user.id if ctx.actor.user else None
    now = clock.now()  # the acceptance's moment
    recorded = [
        {"case_id": ctx.case.id, "code": e.code, "catalogue": listed[e.code].get("catalogue", ""),
         "name": listed[e.code]["name"], "form": e.form, "count": e.count, "received_by_id": user_id, "received_at": now}
        for e in entries
    ]
    if recorded:
        if not defer_rows(ctx.case, ReceivedMaterial, recorded):  # written with the case (see case_memo)
            await insert_rows(ReceivedMaterial, recorded)
        memo = memo_of(ctx.case)
        if memo is not None and "materials" in memo:
            memo["materials"].received.extend((e.code, e.form, e.count) for e in entries)
    if entries:
        ctx.changes["received"] = [{"material": e.code, "name": listed[e.code]["name"], "form": e.form, "count": e.count}
                                   for e in entries]


def how_text(uploaded: int, received: Mapping[str, int]) -> str:
    """``电子件1份、原件1份、复印件2份``: how a material came in."""
    parts = [f"电子件{uploaded}份"] if uploaded else []
    parts += [f"{FORMS[form]}{received[form]}份" for form in FORMS if received.get(form)]
    return "、".join(parts)


async def case_receipt(case: Case) -> dict[str, dict[str, Any]]:
    """By material code: ``{"uploaded": n, "received": {"original": n, "copy": n}, "how": "…"}``, for
    the materials this case actually has (uploaded files or counter receipts), nothing else."""
    result: dict[str, dict[str, Any]] = {}
    found = await case_materials(case)
    for code in found.uploaded:
        result.setdefault(code, {"uploaded": 0, "received": {}})["uploaded"] += 1
    for code, form, count in found.received:
        slot = result.setdefault(code, {"uploaded": 0, "received": {}})
        slot["received"][form] = slot["received"].get(form, 0) + count
    for slot in result.values():
        slot["how"] = how_text(slot["uploaded"], slot["received"])
    return result


async def received_list(case: Case, definition: Mapping[str, Any]) -> list[dict[str, str]]:
    """The materials this case has, in the item's order then others: ``[{name, copies: how}]``
    (what the acceptance notice and the hand-over records print)."""
    receipt = await case_receipt(case) if case.id else {}
    rows = []
    for m in definition.get("materials", []):
        got = receipt.pop(m["code"], None)
        if got:
            rows.append({"code": m["code"], "name": m["name"], "copies": got["how"]})
    for code, got in receipt.items():
        rows.append({"code": code, "name": f"其他材料（{code}）" if code else "其他材料", "copies": got["how"]})
    return rows
