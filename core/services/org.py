"""A center's departments and windows, kept by its administrators and configurators from the admin
screen (the center file loads the same rows; see :func:`core.services.centers.load_center`).

Saving either adds a new row (``is_new``: its code must be free) or changes an existing one (its code
must exist); every problem comes back at once and nothing is written when there is one. Codes follow
the center file's rules (``schemas/center.schema.json``), so a center file exported later stays valid.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from core.services import clock
from core.services.accounts import Actor
from core.services.centers import get_center, window_in_use
from core.services.runtime import GovHall
from core.services.defaults import DEPARTMENT_CATEGORIES, category_label, category_problem
from core.services.remedy import DEPARTMENT_FIELDS, authority_errors
from core.plumbing.errors import UserError, UserErrorsException
from core.plumbing.models import Center, Department, Window

MANAGER_ROLES = ("admin", "configurator")
DEPARTMENT_CODE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
WINDOW_CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
WINDOW_KINDS = {"comprehensive": "综合窗口", "special": "专业窗口", "pickup": "出件窗口", "consult": "咨询窗口", "agency": "代办窗口"}


@dataclass(frozen=True)
class DepartmentInput:
    code: str
    name: str
    # every optional column: None keeps what is stored (a new department: ""), "" clears it
    category: str | None = None
    back_office: str | None = None
    abbreviation: str | None = None
    seal_name: str | None = None
    # 救济途径 its refusals and returns name ("": cleared, the center's apply)
    reconsideration: str | None = None
    court: str | None = None


@dataclass(frozen=True)
class WindowInput:
    code: str
    name: str
    kind: str = "special"
    department: str | None = None
    serves: Sequence[str] = ()


async def _managed_center(actor: Actor, center_code: str) -> Center:
    center = await get_center(center_code)
    actor.require(center.id, *MANAGER_ROLES)
    return center


def _text(errors: list[UserError], value: str, path: str, label: str, *, required: bool = False,
          min_len: int = 0, max_len: int = 128) -> str:
    value = value.strip()
    if not value:
        if required:
            errors.append(UserError("required", f"请填写{label}", path))
        return ""
    if len(value) < min_len:
        errors.append(UserError("too_short", f"{label}至少{min_len}个字", path))
    elif len(value) > max_len:
        errors.append(UserError("too_long", f"{label}不能超过{max_len}个字", path))
    return value


async def _existing(model: type[Department] | type[Window], center: Center, code: str, is_new: bool,
                    label: str, errors: list[UserError]) -> Department | Window | None:
    row = await model.get_or_none(center_id=center.id, code=code)
    if is_new and row is not None:
        errors.append(UserError("duplicate", f"{label}“{code}”已存在，请换一个，或修改已有的{label[:2]}", "/code"))
    elif is_new and code and (twin := await model.filter(center_id=center.id, code__iexact=code).first()) is not None:
        # W01 beside w01: one window to the hall's staff and the applicants reading the notices
        errors.append(UserError("duplicate", f"{label}“{code}”与已有的“{twin.code}”只差大小写，请换一个，"
                                             f"或修改已有的{label[:2]}", "/code"))
    elif not is_new and row is None:
        errors.append(UserError("not_found", f"本中心没有{label}“{code}”", "/code"))
    return row


# the optional columns of a department, as save_department checks them: field, JSON path, label, min and max length
_OPTIONAL_TEXTS: tuple[tuple[str, str, str, int, int], ...] = (
    ("category", "/category", "部门类别", 0, 32),
    ("back_office", "/backOffice", "后台审批科室", 0, 256),
    ("abbreviation", "/abbreviation", "文号简称", 0, 16),
    ("seal_name", "/sealName", "审批专用章印文", 2, 128),
)


async def department_categories(actor: Actor, center_code: str) -> list[tuple[str, str]]:
    """The categories a department of the center may have, as (category, label), in the lead rules'
    order (the admin screen offers them; an empty category, 未分类, is allowed too)."""
    await _managed_center(actor, center_code)
    return [(category, category_label(category)) for category in DEPARTMENT_CATEGORIES]


async def save_department(actor: Actor, center_code: str, given: DepartmentInput, *, is_new: bool) -> Department:
    """Add a department (``is_new``) or change the name, category, back office, 文号 abbreviation,
    seal caption and remedy authorities (行政复议机关, 行政诉讼法院) of an existing one; its code
    never changes (cases and posts refer to it). An optional value not given (``None``) stays as it
    is, so a client that does not know or does not send it never clears it (as the center file
    loaded again keeps a key it leaves out); an empty one is cleared. A new department records when it
    was added (``created_at``): it is assessed for the quarters from then on."""
    center = await _managed_center(actor, center_code)
    errors: list[UserError] = []
    code = given.code.strip()
    if not DEPARTMENT_CODE.fullmatch(code):
        errors.append(UserError("format.code", "部门代码须以小写字母开头，由小写字母、数字、-、_ 组成，最多32位", "/code"))
    values = {"name": _text(errors, given.name, "/name", "部门名称", required=True, min_len=2)}
    for field, path, label, min_len, max_len in _OPTIONAL_TEXTS:
        value = getattr(given, field)
        if value is not None:
            values[field] = _text(errors, value, path, label, min_len=min_len, max_len=max_len)
    problem = category_problem(values.get("category") or "")
    if problem:
        errors.append(UserError("unknown_category", problem, "/category"))
    for field in DEPARTMENT_FIELDS:
        value = getattr(given, field)
        if value is not None:
            values[field] = value.strip()
            errors.extend(authority_errors(field, values[field], f"/{field}"))
    async with in_transaction():
        row = await _existing(model=Department, center=center, code=code, is_new=is_new, label="部门代码", errors=errors)
        if errors:
            raise UserErrorsException(errors)
        if row is None:  # a new department comes last in the center's order
            last = await Department.filter(center_id=center.id).order_by("-position").first()
            return await Department.create(center=center, code=code, position=(last.position + 1) if last else 1,
                                           created_at=clock.now(), **values)  # the product clock, as the assessment reads it
        await row.update_from_dict(values).save()
        return row  # type: ignore[return-value]


async def save_window(actor: Actor, center_code: str, given: WindowInput, *, is_new: bool) -> Window:
    """Add a window (``is_new``) or change an existing one: its name, kind, the department it belongs
    to and, for a comprehensive window, the departments it serves."""
    center = await _managed_center(actor, center_code)
    errors: list[UserError] = []
    code = given.code.strip()
    if not WINDOW_CODE.fullmatch(code):
        errors.append(UserError("format.code", "窗口编号由字母、数字、-、_ 组成，最多32位", "/code"))
    name = _text(errors, given.name, "/name", "窗口名称", required=True, min_len=2)
    if given.kind not in WINDOW_KINDS:
        errors.append(UserError("unknown_kind", f"窗口类型应为：{'、'.join(WINDOW_KINDS.values())}", "/kind"))
    departments = {d.code: d for d in await Department.filter(center_id=center.id)}
    department = None
    if given.department and given.department.strip():
        department = departments.get(given.department.strip())
        if department is None:
            errors.append(UserError("unknown_department", f"本中心没有部门“{given.department.strip()}”", "/department"))
    serves: list[str] = []
    for i, served in enumerate(s.strip() for s in given.serves):
        if served not in departments:
            errors.append(UserError("unknown_department", f"本中心没有部门“{served}”", f"/serves/{i}"))
        elif served not in serves:
            serves.append(served)
    async with in_transaction():
        row = await _existing(model=Window, center=center, code=code, is_new=is_new, label="窗口编号", errors=errors)
        if row is not None and given.kind != "pickup" and await _last_open_pickup(center, row):  # type: ignore[arg-type]
            errors.append(UserError("last_pickup_window", f"“{row.name}”是本中心唯一的出件窗口，请先把另一个窗口设为出件窗口"  # type: ignore[union-attr]
                                    "再改为其他类型", "/kind"))
        if errors:
            raise UserErrorsException(errors)
        values = {"name": name, "kind": given.kind, "department": department, "serves": serves}
        if row is None:
            return await Window.create(center=center, code=code, **values)
        await row.update_from_dict(values).save()
        return row  # type: ignore[return-value]


async def close_window(govhall: GovHall, actor: Actor, center_code: str, code: str, *, reopen: bool = False) -> Window:
    """Close a window a reorganisation removed (撤销), or open it again (``reopen``). The row stays:
    cases, staff records, hall queues and the assessment keep naming it; a closed window is no longer
    listed for new work (``center { windows }``, the accepting window of a case). The center's last
    open pickup window (出件窗口) is not closed: results would have nowhere to be handed out until
    another window is made one; nor is a window a plugin the center enables still needs (the
    ``window_closing`` hook: the hall floor's queues calling at it), ``window_in_use`` with the
    plugins' reasons. Closing a closed window, or reopening an open one, changes nothing."""
    center = await _managed_center(actor, center_code)
    errors: list[UserError] = []
    async with in_transaction():
        row = await _existing(model=Window, center=center, code=code.strip(), is_new=False, label="窗口编号", errors=errors)
        if row is not None and not reopen and await _last_open_pickup(center, row):  # type: ignore[arg-type]
            errors.append(UserError("last_pickup_window", f"“{row.name}”是本中心的出件窗口，请先把另一个窗口设为出件窗口再撤销", "/code"))
        if row is not None and not reopen and row.closed_at is None:  # type: ignore[union-attr]
            if in_use := await window_in_use(govhall.hub, center, row, "/code"):  # type: ignore[arg-type]
                errors.append(in_use)
        if errors:
            raise UserErrorsException(errors)
        assert row is not None
        if reopen != (row.closed_at is None):  # type: ignore[union-attr]
            row.closed_at = None if reopen else clock.now()  # type: ignore[union-attr]  # the product clock
            await row.save(update_fields=["closed_at"])
        return row  # type: ignore[return-value]


async def _last_open_pickup(center: Center, row: Window) -> bool:
    """Whether ``row`` is the center's only open pickup window (出件窗口): results would have
    nowhere to be handed out without it."""
    if row.kind != "pickup" or row.closed_at is not None:
        return False
    return not await Window.filter(center_id=center.id, kind="pickup", closed_at__isnull=True).exclude(id=row.id).exists()
