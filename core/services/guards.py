"""The core's guards: checks a transition runs before it changes anything.

Each returns every problem it finds (empty list: go ahead), with JSON pointers into the action's
parameters (``data`` of ``transitionCase``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from core.plumbing.errors import UserError, one_of
from core.services.formats import code_text, is_valid_resident_id, one_dot
from core.plumbing.models import CaseEvent, Extension, Material
from core.services.case_memo import case_tasks
from core.services.materials import SUPPLY_ACTIONS, unsupplied_materials
from core.services.receipt import materials_received
from core.services.workflow import Guard, TransitionContext

PICKUP_METHODS = {"in_person": "窗口领取", "self_print": "自助打印", "courier": "快递送达"}


async def missing_listed(ctx: TransitionContext) -> list[UserError]:
    """A one-time notice must list everything that is missing (一次性告知). An entry may name the
    case's file it is about (``file``: the file's id, e.g. a scan that cannot be read), which must
    be one of the files that count for the case: the applicant may then replace or withdraw it; name
    the material of the item's list it asks for (``code``: picked from the list, the material's
    code); and say that the material is to be handed in on paper at the window (``paper``: true),
    not uploaded."""
    missing = ctx.params.get("missing")
    if not isinstance(missing, list) or not missing:
        return [UserError("required", "请列出需要补齐的全部材料或内容（一次性告知）", "/missing")]
    errors = [
        UserError("required", f"第{i + 1}项缺少材料名称", f"/missing/{i}/name")
        for i, entry in enumerate(missing)
        if not isinstance(entry, dict) or not str(entry.get("name", "")).strip()
    ]
    errors += [
        UserError("type", f"第{i + 1}项的“到窗口提交纸质材料”应为是或否", f"/missing/{i}/paper")
        for i, entry in enumerate(missing)
        if isinstance(entry, dict) and entry.get("paper") is not None and not isinstance(entry["paper"], bool)
    ]
    codes = {str(m.get("code")) for m in ctx.item.definition.get("materials", [])}
    errors += [
        UserError("material.unknown", f"第{i + 1}项所选的材料不在本事项的申报材料清单中，请重新选择", f"/missing/{i}/code")
        for i, entry in enumerate(missing)
        if isinstance(entry, dict) and entry.get("code") not in (None, "") and not (isinstance(entry["code"], str) and entry["code"] in codes)
    ]
    named = {i: entry["file"] for i, entry in enumerate(missing)
             if isinstance(entry, dict) and entry.get("file") not in (None, "")}
    if named:
        keys = [str(f) for f in named.values() if isinstance(f, str) and len(f) <= 32]
        current = set(await Material.filter(case_id=ctx.case.id, withdrawn_at=None, public_id__in=keys)
                      .values_list("public_id", flat=True)) if keys else set()
        errors += [UserError("material.unknown", f"第{i + 1}项所指的文件不是本办件现有的材料，请重新选择", f"/missing/{i}/file")
                   for i, file in named.items() if file not in current]
    return errors


async def something_supplied(ctx: TransitionContext) -> list[UserError]:
    """补齐材料 must bring what the one-time notice asked to be uploaded, and something at all: a
    changed field, or a material attached, replaced or withdrawn since the notice. Supplying
    nothing would only send the case back to the front desk unchanged.

    When the applicant or agent supplies, every material the notice names to be uploaded (a file
    to replace, a material of the item's list; not one to be handed in on paper at the window,
    ``missing[].paper``) needs a new file since the notice (:func:`unsupplied_materials`): else
    ``material.not_supplied`` at ``/materials`` names each one. A clerk supplying for the applicant
    at the window takes the paper there and records it at acceptance (收件登记)."""
    from core.services.cases import as_sent, merge_patch

    notice = await CaseEvent.filter(case_id=ctx.case.id, action="request_materials").order_by("-seq").first()
    if notice is not None and ctx.role == "owner":
        names = await unsupplied_materials(ctx.case, ctx.item.definition, notice)
        if names:
            return [UserError(
                "material.not_supplied",
                f"请先上传通知书列明的材料：{'、'.join(names)}。可在“补充材料”中上传，或在“申报材料”中更换窗口指出的文件，"
                "然后再点击“补齐材料”；窗口要求到现场提交纸质材料的，请携带材料到窗口办理",
                "/materials",
            )]
    # an answer to a field the form hides changes nothing (it is not kept)
    if ctx.params and as_sent(ctx.item, merge_patch(ctx.case.data, ctx.params)) != as_sent(ctx.item, ctx.case.data):
        return []
    since = notice.seq if notice else 0
    if await CaseEvent.exists(case_id=ctx.case.id, action__in=SUPPLY_ACTIONS, seq__gt=since):
        return []
    return [UserError("nothing_supplied",
                      "尚未补充任何材料或修改任何内容：请先上传补齐的材料或修改申请内容，再提交补齐", None)]


async def no_department_tasks(ctx: TransitionContext) -> list[UserError]:
    """A joint case is decided department by department, not in one go."""
    if await case_tasks(ctx.case):
        return [UserError("joint_case", "联办件须由各部门分别审批：请使用“本部门审批通过（联办件）”或“本部门不予通过（联办件）”", None)]
    return []


async def decided_by_tasks(ctx: TransitionContext) -> list[UserError]:
    """部分准予 is where a joint case's mixed decisions lead (``decide_task``), never a decision of its own."""
    return [UserError("decided_by_tasks", "部分准予由联办件各部门分别审批后自动作出：请使用“本部门审批通过（联办件）”或“本部门不予通过（联办件）”", None)]


async def open_task_for_actor(ctx: TransitionContext) -> list[UserError]:
    from core.services.effects import task_for_actor

    if await task_for_actor(ctx) is None:
        return [UserError("no_task", "本部门在该办件中没有待审批的任务", "/department")]
    return []


async def legal_basis(ctx: TransitionContext) -> list[UserError]:
    """A refusal states its legal basis (``data.basis``: the law and article), printed on the
    decision with the reasons (the opinion) and the applicant's rights of 复议 and 诉讼."""
    basis = ctx.params.get("basis")
    if not isinstance(basis, str) or not basis.strip():
        return [UserError("required", "不予许可须写明法律依据（所依据的法律、法规的名称及条款，如《中华人民共和国食品安全法》第三十五条）", "/basis")]
    return []


async def decision_content(ctx: TransitionContext) -> list[UserError]:
    """许可内容 (``data.content``), when given, is the text printed on the 准予许可决定书: a number or a
    list would print as whatever Python makes of it."""
    content = ctx.params.get("content")
    if content is None or isinstance(content, str):
        return []
    return [UserError("type", "许可内容应为文字（如：准予从事食品经营活动），不填则为“准予＋事项名称”", "/content")]


async def not_immediate(ctx: TransitionContext) -> list[UserError]:
    """即办件 are finished on the spot (即收即办), never turned into promised cases."""
    if ctx.item.definition.get("caseKind") == "immediate":
        return [UserError(
            "immediate_item",
            f"“{ctx.item.name}”是即办件，应当场办结：材料齐全的请使用“即时办结”；不能当场办结的，请退回或一次性告知补齐材料",
            "/action",
        )]
    return []


async def not_urgent(ctx: TransitionContext) -> list[UserError]:
    """急办件 are designated once, among the cases decided after acceptance (承诺件、联办件, 001 §六): a
    即办件 is finished on the spot anyway, and turned urgent it would lose its 即时办结."""
    if ctx.case.urgent:
        return [UserError("already_urgent", "该办件已列为急办件", "/action")]
    if ctx.case.kind == "immediate" or ctx.item.definition.get("caseKind") == "immediate":
        return [UserError("immediate_item", f"“{ctx.item.name}”是即办件，应当场办结，无需列为急办件", "/action")]
    return []


async def immediate_only(ctx: TransitionContext) -> list[UserError]:
    """Only a 即办件 is finished on the spot: a promised or joint item is decided by its department
    after acceptance, so the front desk never issues that department's licence by itself."""
    if ctx.item.definition.get("caseKind", "promised") != "immediate":
        return [UserError(
            "not_immediate_item",
            f"“{ctx.item.name}”不是即办件，不能当场办结：材料齐全的请“受理”，由承办部门审查决定",
            "/action",
        )]
    return []


async def extension_days(ctx: TransitionContext) -> list[UserError]:
    """行政许可法第四十二条: +10 working days (a joint case: +15) in all, approved by the head: a
    second extension only adds what the first left of that."""
    days = ctx.params.get("days")
    limit = 15 if ctx.item.definition.get("jointDepartments") else 10
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= limit:
        return [UserError("range", f"延长期限应为1至{limit}个工作日", "/days")]
    granted = sum(await Extension.filter(case_id=ctx.case.id).values_list("days", flat=True))
    if granted + days > limit:
        left = limit - granted
        rest = f"最多还可延长{left}个工作日" if left > 0 else "不能再延期"
        return [UserError("range", f"该办件已延期{granted}个工作日，延期合计不得超过{limit}个工作日，{rest}", "/days")]
    return []


# The end of a field's title that says it is somebody's ID number: 法定代表人身份证号 → 法定代表人.
_ID_TITLE_END = re.compile(r"(?:的)?(?:居民)?(?:身份证件?|证件)(?:号码|号)?$")


def _pairs_by_title(schema: Any) -> dict[str, str]:
    """In one object of a form: each resident-ID field's key → the key of the name it belongs to,
    found by the titles a configurator gives them in the designer, whatever keys they typed:
    “法定代表人身份证号” belongs to “法定代表人” (or “法定代表人姓名”), a bare “身份证号” to “姓名”."""
    props = schema.get("properties") if isinstance(schema, Mapping) else None
    if not isinstance(props, Mapping):
        return {}
    names = {
        str(sub.get("title") or "").strip(): key for key, sub in props.items()
        if isinstance(sub, Mapping) and sub.get("type") == "string" and not sub.get("format") and sub.get("title")
    }
    pairs = {}
    for key, sub in props.items():
        if not isinstance(sub, Mapping) or sub.get("format") != "resident-id":
            continue
        title = str(sub.get("title") or "").strip()
        stem = _ID_TITLE_END.sub("", title).strip()
        if stem == title:
            continue
        for wanted in ((stem, f"{stem}姓名", f"{stem}名称") if stem else ("姓名", "申请人姓名")):
            if wanted in names:
                pairs[key] = names[wanted]
                break
    return pairs


def _people_by_form(data: Any, schema: Any, found: list[tuple[str, str]]) -> None:
    if not isinstance(schema, Mapping):
        return
    if isinstance(data, list):
        for value in data:
            _people_by_form(value, schema.get("items"), found)
    elif isinstance(data, dict):
        for id_key, name_key in _pairs_by_title(schema).items():
            name, number = data.get(name_key), data.get(id_key)
            if isinstance(name, str) and isinstance(number, str):
                found.append((name.strip(), code_text(number)))
        props = schema.get("properties")
        if isinstance(props, Mapping):
            for key, value in data.items():
                _people_by_form(value, props.get(key), found)


def people_in(data: Any, out: list[tuple[str, str]] | None = None, form: Any = None) -> list[tuple[str, str]]:
    """Every person anywhere in the case data (法定代表人, 指定代表, 股东, 经办人…), as ``(name, ID
    number)``: an object's ``name`` and ``idNumber``, sibling fields ``<x>Name`` and ``<x>IdNumber``
    (``legalRepName``/``legalRepIdNumber`` of the shipped forms), and, given the item's ``form``, a
    resident-ID field and the name field its title belongs to (items made in the designer, whose keys
    are the configurator's own: “法定代表人” and “法定代表人身份证号”). ``Case.people`` answers this
    to the pickup screen (``web/views/pickup.js``)."""
    found = [] if out is None else out
    if isinstance(data, list):
        for value in data:
            people_in(value, found)
    elif isinstance(data, dict):
        name, id_number = data.get("name"), data.get("idNumber")
        if isinstance(name, str) and isinstance(id_number, str):
            found.append((name.strip(), code_text(id_number)))
        for key, number in data.items():
            prefix = key[: -len("IdNumber")] if isinstance(key, str) and key.endswith("IdNumber") else ""
            partner = data.get(prefix + "Name") if prefix else None
            if isinstance(partner, str) and isinstance(number, str):
                found.append((partner.strip(), code_text(number)))
        for value in data.values():
            people_in(value, found)
    if form is not None:
        _people_by_form(data, form, found)
    return found


def name_key(name: str) -> str:
    """A person's name as compared: without spaces, so 李　四 (a two-character name written with an
    ideographic space, as forms align names) is the 李四 the pickup clerk types from the ID card,
    and with one dot, so 阿依古丽•买买提 typed with a bullet is the 阿依古丽·买买提 of the card."""
    return one_dot("".join(name.split()))


def receiver_is_party(case: Any, receiver: str, id_number: str, form: Any = None) -> bool:
    """Whether who collects in person is a person the application names with that ID number, or
    the applicant by name (when no person of that name is registered with another number)."""
    id_number = code_text(id_number)
    receiver = name_key(receiver)
    people = [(name_key(name), number) for name, number in people_in(case.data, form=form)]
    if (receiver, id_number) in people:
        return True
    named = receiver == name_key(case.applicant_name or "")
    return named and not any(name == receiver and number != id_number for name, number in people)


async def pickup_recorded(ctx: TransitionContext) -> list[UserError]:
    """出件登记: who collected it and how, with the ID checked for an in-person pickup."""
    method = ctx.params.get("method")
    if method not in PICKUP_METHODS:
        return [UserError("enum", f"请选择出件方式：{one_of(PICKUP_METHODS)}", "/method")]
    errors = []
    if method == "in_person":
        if not str(ctx.params.get("receiver", "")).strip():
            errors.append(UserError("required", "请填写领取人姓名", "/receiver"))
        id_number = code_text(str(ctx.params.get("idNumber", "")))  # １１０１０５…Ｘ typed full width is the same number
        if not id_number:
            errors.append(UserError("required", "请填写领取人身份证号码（核验身份）", "/idNumber"))
        elif not is_valid_resident_id(id_number):
            errors.append(UserError("format.resident-id", "领取人身份证号码无效", "/idNumber"))
        receiver = str(ctx.params.get("receiver", "")).strip()
        if not errors and ctx.params.get("proxy") is not True and not receiver_is_party(ctx.case, receiver, id_number, ctx.item.definition.get("form")):
            errors.append(UserError(
                "receiver.not_applicant",
                f"领取人“{receiver}”不是申请人或申请中登记的人员：请核验申请人签署的授权委托书和代领人身份证，"
                "勾选“领取人非申请人：已核验授权委托书及代领人身份证”后再出件",
                "/proxy",
            ))
    if method == "courier" and not str(ctx.params.get("trackingNumber", "")).strip():
        errors.append(UserError("required", "请填写快递单号", "/trackingNumber"))
    return errors


GUARDS: dict[str, Guard] = {
    "materials_received": materials_received,
    "something_supplied": something_supplied,
    "missing_listed": missing_listed,
    "no_department_tasks": no_department_tasks,
    "open_task_for_actor": open_task_for_actor,
    "extension_days": extension_days,
    "legal_basis": legal_basis,
    "decision_content": decision_content,
    "decided_by_tasks": decided_by_tasks,
    "not_immediate": not_immediate,
    "not_urgent": not_urgent,
    "immediate_only": immediate_only,
    "pickup_recorded": pickup_recorded,
}
