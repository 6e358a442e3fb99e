"""The applicant or agent changing a case's files: adding materials while the case is at the front
desk, replacing and withdrawing attachments while it awaits the applicant's correction (补正).

Adding (``attachMaterials``) is open while the case is submitted, being supplemented or supplied;
each addition is an audit event ``attach_materials``.

After a one-time notice (一次性告知) the case waits in ``supplementing`` for its applicant. A file the
clerk found unclear or wrong (the notice may name it: ``missing[].file``) can then be replaced by a
new upload, which takes its slot, or withdrawn. Nothing is deleted: the old row stays with the case,
marked (``withdrawn_at``, ``withdrawn_by``, ``replaced_by``), downloadable by whoever may see the
case and listed as its slot's history (已替换 / 已撤回, who and when); it no longer counts as
provided, for the acceptance's check of main materials, the notices, hand-over records and the
material list. Each change is an audit event of the case (``replace_material``,
``withdraw_material``) and is something supplied for ``supply``.

A file replaced or withdrawn cannot be attached again, to its case or another, by its id
(:func:`core.services.materials.owned_materials`), nor its content to the slot it left in its case
(:func:`core.services.materials.attach_materials`, :func:`core.services.materials.withdrawn_twin`).

Only the case's applicant or agent may, and only then: at any other state, and for anybody else,
the change is refused with a Chinese ``UserError`` at ``/id``. The audit event names who did it
as ``applicant`` or ``agent``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tortoise.transactions import in_transaction

from core.plumbing.errors import Forbidden, NotFound, UserError, UserErrorsException
from core.plumbing.logging import security_event
from core.plumbing.models import Case, CaseEvent, Material, User
from core.services import clock
from core.services.accounts import Actor
from core.services.cases import is_owner, load_visible_case, party_role, record_case_event
from core.services.materials import attach_in_slot, attach_materials, withdrawn_twin, withdrawn_twin_problem

if TYPE_CHECKING:
    from core.services.runtime import GovHall

OPEN_STATES = ("submitted", "supplementing", "supplied")
"""While the case is at the front desk its parties may add materials."""
CORRECTION_STATES = ("supplementing",)
MAX_COMMENT = 500
NOT_PARTY = "只有本办件的申请人或代办人可以更换或撤回本办件的材料"
NOT_PARTY_TO_ADD = "只有本办件的申请人或代办人可以补充材料"
UNKNOWN = "本办件没有这份有效材料（可能已被更换或撤回），请刷新后重试"
NOT_OURS = "新文件不存在或不属于申请人，请重新上传"


async def attach_to_case(govhall: GovHall, actor: Actor, case_id: int | str, material_ids: Sequence[str]) -> Case:
    """The applicant or agent adds materials to a case still at the front desk (submitted or being
    supplemented): the case's version moves on and the audit log records the files. Returns the case."""
    case, user = await _party_case(actor, case_id, NOT_PARTY_TO_ADD)
    if case.state not in OPEN_STATES:
        label = govhall.processes.get(case.process).state_label(case.state)
        raise UserErrorsException.single("state", f"办件当前状态为“{label}”，不能再补充材料", "/id")
    async with in_transaction():
        claimed = await Case.filter(id=case.id, version=case.version, state=case.state).update(version=case.version + 1)
        if not claimed:
            raise UserErrorsException.single("conflict", "该办件已被他人处理，请刷新后重试", None)
        case.version += 1
        role = party_role(user, case)
        owners = {user.id, case.applicant_id} if role == "agent" else {user.id}  # type: ignore[attr-defined]
        rows = await attach_materials(user, case, material_ids, owners=owners)
        await CaseEvent.create(
            case=case, seq=case.version, action="attach_materials", from_state=case.state, to_state=case.state,
            actor=user, actor_name=actor.name, role=role,
            changes={"materials": [{"id": m.public_id, "code": m.code, "filename": m.filename} for m in rows]},
            at=clock.now(),
        )
    return case


async def replace_material(
    govhall: GovHall, actor: Actor, case_id: int | str, material: str, replacement: str, *, comment: str = ""
) -> Case:
    """The applicant puts ``replacement`` (an upload of theirs, or of the applicant for an agent)
    in place of the case's file ``material``: the new file takes the old one's slot, the old one
    stays in the case's history as 已替换. Returns the case."""
    case, user = await _correcting_case(govhall, actor, case_id)
    owners = [user.id, case.applicant_id] if user.id == case.agent_id else [user.id]  # type: ignore[attr-defined]
    old = await _current(case, material)
    new = await Material.filter(public_id=str(replacement), owner_id__in=owners).first() if _is_id(replacement) else None
    errors = _comment_problems(comment)
    if old is None:
        errors.append(UserError("material.unknown", UNKNOWN, "/material"))
    if new is None:
        errors.append(UserError("material.unknown", NOT_OURS, "/replacement"))
    elif new.withdrawn_at is not None:
        errors.append(UserError("material.withdrawn", "新文件已在补正时被替换或撤回，不能再提交，请上传更正后的文件", "/replacement"))
    elif new.case_id == case.id:  # type: ignore[attr-defined]
        errors.append(UserError("material.duplicate", "这份文件已提交过本办件，请选择新上传的文件", "/replacement"))
    elif old is not None and new.blob_id == old.blob_id:  # type: ignore[attr-defined]
        errors.append(UserError("material.same_file", "新文件与被更换的文件内容完全相同，请上传重新扫描或更正后的文件", "/replacement"))
    elif old is not None and (twin := await withdrawn_twin(case, new.blob_id, old.code)) is not None:  # type: ignore[attr-defined]
        errors.append(UserError("material.withdrawn", withdrawn_twin_problem(twin, "新文件"), "/replacement"))
    if errors:
        raise UserErrorsException(errors)
    assert old is not None and new is not None
    definition = case.item_version.definition

    async def work(locked: Case) -> dict[str, Any]:
        attached = await attach_in_slot(locked, new, (old.code, old.catalogue))
        await _withdraw(old, user, attached)
        return {"material": _said(definition, old), "replacement": _said(definition, attached)}

    await record_case_event(govhall, actor, case, "replace_material", comment=comment.strip(), work=work)
    return case


async def withdraw_material(govhall: GovHall, actor: Actor, case_id: int | str, material: str, *, comment: str = "") -> Case:
    """The applicant takes the case's file ``material`` back: it stays in the case's history as
    已撤回 and no longer counts. Returns the case."""
    case, user = await _correcting_case(govhall, actor, case_id)
    old = await _current(case, material)
    errors = _comment_problems(comment)
    if old is None:
        errors.append(UserError("material.unknown", UNKNOWN, "/material"))
    if errors:
        raise UserErrorsException(errors)
    assert old is not None
    definition = case.item_version.definition

    async def work(locked: Case) -> dict[str, Any]:
        await _withdraw(old, user, None)
        return {"material": _said(definition, old)}

    await record_case_event(govhall, actor, case, "withdraw_material", comment=comment.strip(), work=work)
    return case


async def _party_case(actor: Actor, case_id: int | str, refused: str) -> tuple[Case, User]:
    """The case, when the caller is its applicant or agent: else ``not_found`` or ``forbidden``
    (saying ``refused``) at ``/id``."""
    user = actor.require_login()
    try:
        case = await load_visible_case(actor, case_id)
    except NotFound as exc:
        raise UserErrorsException.single("not_found", exc.message, "/id") from None
    except Forbidden:
        case = None
    if case is None or not is_owner(actor, case):
        security_event("permission_refused", where="material_change", user=user.username)
        raise UserErrorsException.single("forbidden", refused, "/id")
    return case, user


async def _correcting_case(govhall: GovHall, actor: Actor, case_id: int | str) -> tuple[Case, User]:
    """The case, when the caller is its applicant or agent and it awaits their correction."""
    case, user = await _party_case(actor, case_id, NOT_PARTY)
    if case.state not in CORRECTION_STATES:
        label = govhall.processes.get(case.process).state_label(case.state)
        raise UserErrorsException.single(
            "material.not_correcting",
            f"办件当前状态为“{label}”：只有在窗口一次性告知补正、待补齐材料期间，才能更换或撤回已提交的材料", "/id")
    return case, user


def _is_id(value: str) -> bool:
    return 0 < len(str(value)) <= 32  # public ids are 32 characters at most


async def _current(case: Case, material: str) -> Material | None:
    """The case's file ``material`` (a public id) if it still counts."""
    if not _is_id(material):
        return None
    return await Material.filter(case_id=case.id, public_id=str(material), withdrawn_at=None).first()


def _comment_problems(comment: str) -> list[UserError]:
    if len(comment or "") > MAX_COMMENT:
        return [UserError("too_long", f"说明不能超过{MAX_COMMENT}个字", "/comment")]
    return []


async def _withdraw(old: Material, user: User, replacement: Material | None) -> None:
    """Mark ``old`` as no longer counting (inside the case's transaction); refused if somebody did first."""
    changed = await Material.filter(id=old.id, withdrawn_at=None).update(
        withdrawn_at=clock.now(), withdrawn_by_id=user.id, replaced_by_id=replacement.id if replacement else None)
    if not changed:
        raise UserErrorsException.single("material.unknown", UNKNOWN, "/material")


def _said(definition: Mapping[str, Any], material: Material) -> dict[str, str]:
    """A file as the audit event keeps it: its id, slot, the slot's name and the file name."""
    listed = {m["code"]: m for m in definition.get("materials", [])}
    code = material.code
    name = listed[code]["name"] if code in listed else ("其他材料" if not code else f"其他材料（{code}）")
    return {"id": material.public_id or "", "code": code, "name": name, "filename": material.filename}
