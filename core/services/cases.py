"""Cases (办件): submitting, seeing, listing and moving them through their process.

Every change is one transaction: the state, the audit event, the clock and the documents together.
Two users firing on one case at once: the conditional ``UPDATE ... WHERE version = ?`` lets exactly
one win; the other gets a ``conflict`` error with the case's current state. Hooks that notify run
after the commit.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, nullcontext
from dataclasses import dataclass
from functools import cache
from datetime import timezone
from typing import TYPE_CHECKING, Any

from tortoise.connection import get_connection
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.services.case_memo import (
    case_tasks, claim_case, deferred_checks, deferred_rows, deferred_writes, flush_for, reading_once,
)
from core.services.case_numbers import learn, reservation, unused_numbers_sql
from core.services import clock
from core.services.clock import just_created
from core.services.accounts import STAFF_ROLES, Actor
from core.services.case_lists import Conditions, case_page, id_in, joint_task
from core.services.case_rows import case_and_events, case_by_id
from core.services.case_search import matching_case_ids
from core.services.duplicate_cases import duplicate_error, open_case_guard, refuse_duplicate
from core.services.calendar import CENTER_TZ
from core.services.centers import cached_center, cached_center_by_id
from core.services.config_cache import cache_for
from core.plumbing.errors import Forbidden, NotFound, UserError, UserErrorsException, one_of, resolve
from core.services.form_validation import (
    CASE_DATA_MAX_BYTES,
    NOTICE_LIST_MAX_ITEMS,
    NOTICE_TEXT_TOTAL_CHARS,
    bounds_errors,
    check_size,
    fold_codes,
    validator_for,
)
from core.services.form_conditions import shown_answers
from core.plumbing.models import Case, CaseEvent, CaseTask, Center, Department, ItemVersion, User
from core.services.outbox import events as outbox_events
from core.services.parties import applicant_name, applicant_party
from core.services.plugins import acall
from core.plumbing.new_case import NEW_CASE_ID, NEW_CASE_NUMBER, Guard, Guarded, insert_new_case
from core.plumbing.instances import new_instance
from core.plumbing.outbox_models import OutboxEvent
from core.plumbing.sql import (
    for_dialect, insert_numbered_case, insert_rows_sql, insert_sql, is_postgres, rows, update_sql, write_together,
)
from core.services.workflow import Process, Transition, TransitionContext, run_effects

if TYPE_CHECKING:
    from core.services.runtime import GovHall  # the app builds this module's services, not the reverse

log = logging.getLogger("govhall.cases")

KIND_LABELS = {
    "immediate": "即办件", "promised": "承诺件", "supplement": "补办件", "joint": "联办件",
    "returned": "退回件", "urgent": "急办件", "reply": "答复件", "report_up": "上报件",
}
# Staff who see every case of their center; reviewers see their department's.
CENTER_WIDE_ROLES = tuple(STAFF_ROLES - {"reviewer"})
OWNER_ROLES = frozenset({"owner", "applicant", "agent"})


# --- who may see and do what -------------------------------------------------------------------


def _departments_decide(departments: set[int | None], case: Case) -> bool | None:
    """:func:`_acts_for_departments` when the grants alone decide it, else None (the case's joint
    tasks must be read)."""
    if not departments:
        return False
    if None in departments or case.department_id in departments:  # type: ignore[attr-defined]
        return True
    return None


async def _acts_for_departments(departments: set[int | None], case: Case) -> bool:
    """A grant for the whole center (``None``) or for the case's department or one of its joint
    departments (a task of the case)."""
    decided = _departments_decide(departments, case)
    if decided is not None:
        return decided
    return await CaseTask.exists(case_id=case.id, department_id__in=[d for d in departments if d])


async def _reviewer_sees(actor: Actor, case: Case) -> bool:
    return await _acts_for_departments(actor.departments_for(case.center_id, "reviewer"), case)  # type: ignore[attr-defined]


def is_owner(actor: Actor, case: Case) -> bool:
    return actor.user is not None and actor.user.id in (case.applicant_id, case.agent_id)  # type: ignore[attr-defined]


def party_role(user: User, case: Case) -> str:
    """``agent`` when ``user`` is the case's agent (代办人), else ``applicant``: who of the case's two
    parties an audit event names."""
    return "agent" if user.id == case.agent_id else "applicant"  # type: ignore[attr-defined]


SUPERVISION_EVENTS = frozenset({"alert", "urge", "supervise"})
"""Audit events of internal supervision: 电子监察's yellow and red cards (``alert``), 催办 and 督办."""


def sees_supervision(actor: Actor, center_id: int) -> bool:
    """Internal supervision of a case (its yellow or red card, :data:`SUPERVISION_EVENTS`, internal
    messages) is for the center's staff: an applicant or agent sees their case without it."""
    return actor.has(center_id, *STAFF_ROLES)


async def can_view(actor: Actor, case: Case) -> bool:
    if actor.user is None:
        return False
    if is_owner(actor, case) or actor.has(case.center_id, *CENTER_WIDE_ROLES):  # type: ignore[attr-defined]
        return True
    return await _reviewer_sees(actor, case)


async def load_visible_case(actor: Actor, case_id: int | str, govhall: GovHall | None = None) -> Case:
    """The case, if the actor may see it: NotFound when it does not exist, Forbidden otherwise.
    With ``govhall`` its center and item version come from the app's caches (the configuration
    generation the request read; a published version never changes) instead of being joined."""
    return await _visible(actor, await case_by_id(_case_key(case_id), joined=govhall is None), govhall)


async def load_visible_case_with_events(actor: Actor, case_id: int | str, govhall: GovHall) -> tuple[Case, list[CaseEvent]]:
    """:func:`load_visible_case` and the case's audit events (by ``seq``), read with it in one
    round trip (a case's page shows both); the same errors, in the same order."""
    case, events = await case_and_events(_case_key(case_id))
    return await _visible(actor, case, govhall), events


def _case_key(case_id: int | str) -> int:
    try:
        return int(case_id)
    except (TypeError, ValueError):
        raise NotFound("办件不存在")


async def _visible(actor: Actor, case: Case | None, govhall: GovHall | None) -> Case:
    """``case`` (read without its center and item version when ``govhall`` is given), if the actor may see it."""
    if govhall is not None and case is not None:
        case.center = await cached_center_by_id(govhall, actor.config_generation, case.center_id)  # type: ignore[attr-defined]
        case.item_version = await item_version(govhall, case.item_version_id)  # type: ignore[attr-defined]
    if case is None:
        raise NotFound("办件不存在")
    actor.require_login()
    if not await can_view(actor, case):
        raise Forbidden("无权查看该办件")
    return case


async def role_for(actor: Actor, case: Case, transition: Transition) -> str | None:
    """The role under which the actor may fire ``transition`` on ``case``, or None.

    Reviewers act only for their department; on a ``departmentOnly`` transition so does a head
    (首席代表) granted for a department: they decide for their own department, never another's."""
    for role, departments in _candidate_roles(actor, case, transition):
        if departments is None or await _acts_for_departments(departments, case):
            return role
    return None


_UNDECIDED = object()


def _role_now(actor: Actor, case: Case, transition: Transition) -> Any:
    """:func:`role_for` without reading the database: its answer, or _UNDECIDED when only the
    case's joint tasks can tell."""
    for role, departments in _candidate_roles(actor, case, transition):
        if departments is None:
            return role
        decided = _departments_decide(departments, case)
        if decided is None:
            return _UNDECIDED
        if decided:
            return role
    return None


def _candidate_roles(actor: Actor, case: Case, transition: Transition) -> Iterator[tuple[str, set[int | None] | None]]:
    """The roles :func:`role_for` tries, in its order: each with the departments the actor holds it
    for when the case's department decides (a reviewer; a head on a ``departmentOnly``
    transition), else None (the role alone decides)."""
    if actor.user is None:
        return
    roles = transition.roles_for(case.state)
    if OWNER_ROLES & roles and is_owner(actor, case):
        yield "owner", None
        return
    for role in sorted(roles - OWNER_ROLES):
        if not actor.has(case.center_id, role):  # type: ignore[attr-defined]
            continue
        if role == "reviewer" or (transition.department_only and role == "head"):
            yield role, actor.departments_for(case.center_id, role)  # type: ignore[attr-defined]
        else:
            yield role, None


async def outside_department(actor: Actor, case: Case, transition: Transition) -> str | None:
    """Why a head/reviewer who holds a role for ``transition`` may not fire it here: the case
    belongs to another department (a message naming theirs), or None."""
    if not transition.department_only:
        return None
    names = []
    for role in ("head", "reviewer"):
        if role in transition.roles_for(case.state) and actor.has(case.center_id, role):  # type: ignore[attr-defined]
            ids = [d for d in actor.departments_for(case.center_id, role) if d]  # type: ignore[attr-defined]
            names += await Department.filter(id__in=ids).values_list("name", flat=True)
    if not names:
        return None
    return f"您是{'、'.join(dict.fromkeys(names))}的审批人员（首席代表），只能办理本部门的办件或联办任务"


async def available_transitions(actor: Actor, case: Case, process: Process) -> list[Transition]:
    """What ``actor`` may fire on ``case`` now. An immediate case (即办件, its kind from the item at
    submission) is not offered the transitions its ``not_immediate`` guard would refuse (受理 as a
    promised case): the clerk sees 即时办结 instead. Nor is a case offered what its department
    tasks decide against (:func:`_fits_tasks`): a joint case is decided task by task, any other
    as a whole."""
    found = [t for t in _offered(case, process) if await role_for(actor, case, t)]
    if any(_TASK_GUARDS.intersection(t.guards) for t in found):
        tasks = await case_tasks(case)
        found = [t for t in found if _fits_tasks(t, tasks, actor, case)]
    return found


# Guards that depend on the case's department tasks and the actor's grants only, never on what the
# request sends: a transition they would refuse is not offered.
_TASK_GUARDS = frozenset({"no_department_tasks", "open_task_for_actor"})


def _fits_tasks(transition: Transition, tasks: list[CaseTask], actor: Actor, case: Case) -> bool:
    """Whether the task guards of ``transition`` would let ``actor`` fire it: 准予/不予许可 as a whole
    only on a case without department tasks; a department's decision only where the actor may
    decide an open task (its reviewers; a head)."""
    if "no_department_tasks" in transition.guards and tasks:
        return False
    if "open_task_for_actor" in transition.guards:
        return any(t.state == "open" and actor.has(case.center_id, "head", "reviewer", department_id=t.department_id)  # type: ignore[attr-defined]
                   for t in tasks)
    return True


def _offered(case: Case, process: Process) -> Iterator[Transition]:
    """The transitions from the case's state that its kind allows, whoever asks: an immediate case
    is not accepted as a promised one (``not_immediate``), and a case of an item that is no 即办件
    is not finished on the spot (``immediate_only``; known when the item came with the case, as on
    its page: the guard refuses it anyway), and neither an urgent case nor an immediate one is
    made urgent (``not_urgent``); nor is 部分准予 (``decided_by_tasks``: where a joint case's mixed
    decisions lead, never a decision of its own)."""
    immediate = case.kind == "immediate"
    item = case.__dict__.get("_item_version")
    decided_later = isinstance(item, ItemVersion) and item.definition.get("caseKind", "promised") != "immediate"
    return (t for t in process.from_state(case.state)
            if not (immediate and "not_immediate" in t.guards) and not (decided_later and "immediate_only" in t.guards)
            and not ((immediate or case.urgent) and "not_urgent" in t.guards) and "decided_by_tasks" not in t.guards)


def available_transitions_now(actor: Actor, case: Case, process: Process) -> list[Transition] | None:
    """:func:`available_transitions` when the actor's grants decide it without the database (nearly
    always: only what a reviewer or head may decide on a case under review needs its tasks read), else None."""
    found = []
    for t in _offered(case, process):
        role = _role_now(actor, case, t)
        if role is _UNDECIDED or (role and _TASK_GUARDS.intersection(t.guards)):
            return None  # the case's department tasks decide
        if role:
            found.append(t)
    return found


# --- submitting ----------------------------------------------------------------------------------


async def latest_version(
    center: Center, code: str, govhall: GovHall | None = None, generation: int | None = None
) -> ItemVersion:
    """The newest published version. With the configuration ``generation`` the request read, the
    app keeps it until an item version is published (see :mod:`core.services.config_cache`); otherwise
    one small indexed query for its id (versions only ever grow), and an app keeps the versions
    it has read (a published version never changes)."""
    cache = cache_for(govhall, generation)
    if cache is not None and (cached := cache.versions.get((center.id, code))) is not None:
        return cached
    ids = await rows(
        'SELECT "id" FROM "item_version" WHERE "center_id" = ? AND "code" = ? ORDER BY "version" DESC LIMIT 1',
        [center.id, code],
    )
    found = ids[0]["id"] if ids else None
    if found is None:
        raise UserErrorsException.single("unknown_item", f"本中心没有已发布的事项“{code}”", "/item")
    version = await item_version(govhall, found)
    if cache is not None:
        cache.versions[(center.id, code)] = version
    return version


async def item_version(govhall: GovHall | None, version_id: int) -> ItemVersion:
    """A published item version by id; an app keeps the versions it has read (they never change).
    Callers must not change the returned row."""
    key = ("item_version", version_id)
    if govhall is not None and key in govhall.memo:
        version: ItemVersion = govhall.memo[key]
        return version
    version = await ItemVersion.get(id=version_id)
    if govhall is not None:
        govhall.memo[key] = version
    return version


async def department_id(govhall: GovHall, center: Center, code: str) -> int | None:
    """Department ids never change once created (rows are never deleted): remembered per app."""
    key = ("department", center.id, code)
    if key not in govhall.memo:
        found = await Department.get_or_none(center=center, code=code).values_list("id", flat=True)
        if found is None:
            return None
        govhall.memo[key] = found
    return govhall.memo[key]


async def validate_data(
    govhall: GovHall, center: Center, item: ItemVersion, data: Any, action: str, before: Any = None
) -> list[UserError]:
    """The form's schema, then the center's plugins: every problem at once (一次性告知).
    ``before``: the case's data as it stands, for a transition that edits it: a date the form
    limits by today (``x-today``) is held to it only when it changes, so a 预约日期 that was fine
    when filed does not stop the correction of another field weeks later."""
    check_size(data, CASE_DATA_MAX_BYTES, "办件数据")
    # keyed by app instance too: item ids restart in a new database (tests), versions never change
    validator = validator_for(("item", govhall.instance, item.id), item.definition["form"], answers=True)
    errors = bounds_errors(data, validator.label) or validator.errors(data)
    if before is not None:
        errors = [e for e in errors if not (e.code == "today" and e.path is not None
                                            and resolve(before, e.path, None) == resolve(data, e.path, None))]
    if errors:
        return errors
    for group in await acall(govhall.hub.for_center(center).validate_case, center=center, item=item, data=data, action=action):
        errors.extend(group)
    return errors


SUBMIT_CHANNELS: dict[str, str] = {"web": "网上申报", "window": "窗口受理", "mobile": "移动端", "courier": "快递"}
"""申报渠道 a case may be filed through (the item document's ``channels``, GB/T 39046 办理形式)."""


WINDOW_CHANNEL_ONLY = ("“窗口受理”只能由窗口工作人员在窗口为申请人代为申报时选择；"
                       "自行申报请选择网上申报、移动端或快递，或不填申报渠道")
"""A 窗口受理 claimed by anyone but a clerk or head of the center filing for an applicant (an
applicant, an agent, staff filing their own case): refused, since the counter, not the caller, says so."""


NO_AGENCY = ("您没有代该申请人办理的代办记录：请由申请人申请代办服务并经指派，"
             "或在“授权委托书”一栏上传申请人签署的授权委托书后再提交")
"""The agent's words: the applicant was picked by name (never a login name), the power of attorney
goes where the form shows it (its catalogue code ``wts`` is for API clients: docs and ``code``)."""


async def represented(
    govhall: GovHall, actor: Actor, center: Center, item: ItemVersion, username: str, materials: Sequence[str]
) -> User:
    """The applicant an agent or a window clerk files for (``onBehalfOf``).

    A clerk or head at the window files for the applicant in front of them. An agent (代办员) acts
    only under a recorded agency for that applicant in this center: one a plugin vouches for
    (``agency_granted``, e.g. an accepted agency request), or a power of attorney (委托书) among the
    materials of this submission. An unknown account and one without agency get the same answer."""
    from core.services.materials import is_power_of_attorney, owned_materials

    user = actor.require_login()
    if actor.has(center.id, "clerk", "head"):
        found = await User.get_or_none(username=username)
        if found is None:
            raise UserErrorsException.single("unknown_user", f"申请人账号“{username}”不存在", "/onBehalfOf")
        return found
    if not actor.has(center.id, "agent"):
        raise Forbidden("只有代办员或窗口人员可以代为申请")
    refused = UserErrorsException.single("agency.required", NO_AGENCY, "/onBehalfOf")
    found = await User.get_or_none(username=username)
    if found is None or found.id == user.id:
        raise refused
    hooks = govhall.hub.for_center(center)
    if any(r is True for r in await acall(hooks.agency_granted, center=center, agent=user, applicant=found, item=item)):
        return found
    if materials:
        rows = await owned_materials(materials, {user.id, found.id})
        if any(is_power_of_attorney(item.definition, m) for m in rows):
            return found
    raise refused


def case_number(center: Center, day: str, seq: int) -> str:
    return f"{center.short_name}-{day}-{seq:06d}"


INTERNAL_ITEM = "内部事项"
"""The item type (``itemType``) of the center's own forms (工作人员请假单): filed by its staff only."""

async def submit_case(
    govhall: GovHall,
    actor: Actor,
    center_code: str,
    item_code: str,
    data: Any,
    *,
    on_behalf_of: str | None = None,
    channel: str | None = None,
    materials: Sequence[str] = (),
    submit_key: str | None = None,
    allow_duplicate: bool = False,
) -> Case:
    """File a case. Online and at the window alike (线上线下无差别受理).

    A second filing while the applicant's earlier case of the item is open is refused
    (``duplicate_case``, :mod:`core.services.duplicate_cases`) unless ``allow_duplicate``.

    A clerk or head filing ``on_behalf_of`` the applicant in front of the window (窗口受理) is
    recorded as the one who took it in (首问负责, ``responsible``), never as the applicant's agent
    (代办人, which only an agent is); the channel is then ``window`` unless given. Only such a
    filing may be ``window`` (:data:`WINDOW_CHANNEL_ONLY`).

    ``submit_key`` is the form's own key: sent again by the same person (a phone whose answer was
    lost on the way back taps 提交 again), it answers the case already filed instead of filing a
    second one."""
    user = actor.require_login()
    if channel is not None and channel not in SUBMIT_CHANNELS:
        raise UserErrorsException.single("enum", f"申报渠道应为：{one_of(SUBMIT_CHANNELS)}", "/channel")
    stored_key = _stored_submit_key(user, submit_key)
    if stored_key is not None:
        filed = await _filed_with(stored_key)
        if filed is not None:
            return filed
    center = await cached_center(govhall, actor.config_generation, center_code)
    item = await latest_version(center, item_code, govhall, actor.config_generation)
    if item.definition.get("itemType") == INTERNAL_ITEM and not actor.has(center.id, *STAFF_ROLES, "configurator"):
        raise UserErrorsException.single(
            "internal_item", f"“{item.definition['name']}”是中心内部事项，仅限本中心工作人员申报", "/item"
        )
    process = govhall.processes.get(item.definition["process"])
    applicant, agent, clerk = user, None, None
    if on_behalf_of:
        found = await represented(
            govhall=govhall, actor=actor, center=center, item=item, username=on_behalf_of, materials=materials
        )
        if actor.has(center.id, "clerk", "head"):  # 窗口受理: the clerk takes it in, for the applicant
            applicant, clerk = found, user
        else:
            applicant, agent = found, user
    if channel is None:
        channel = "window" if clerk else "web"
    elif channel == "window" and clerk is None:  # 窗口受理 is what a clerk at the counter records, for someone else
        raise UserErrorsException.single("channel.counter_only", WINDOW_CHANNEL_ONLY, "/channel")
    data = as_sent(item, data)
    errors = await validate_data(govhall=govhall, center=center, item=item, data=data, action="submit")
    if errors:
        if materials:  # the uploads' problems too, in the same answer (一次性告知); none are read otherwise
            from core.services.materials import material_problems

            owners = {user.id, applicant.id} | ({agent.id} if agent else set())
            errors = [*errors, *await material_problems(item.definition, materials, owners)]
        raise UserErrorsException(errors)
    name = applicant_name(item.definition, data, applicant.display_name, applicant.username)
    one_write = not materials and govhall.processes.submits_before_insert(process)
    guard = None if allow_duplicate else open_case_guard(
        govhall.processes, applicant_id=applicant.id, applicant_name=name, item_id=item.item_id,  # type: ignore[attr-defined]
    )
    if guard is not None and not one_write:  # read on its own before the transaction's steps
        await refuse_duplicate(govhall.processes, applicant_id=applicant.id, applicant_name=name,
                               item_id=item.item_id, for_self=applicant is user)  # type: ignore[attr-defined]
    department = await department_id(govhall, center, item.definition["department"])
    now = clock.now().astimezone(CENTER_TZ)  # the one now (a held clock too): number, stamps, events
    if agent:
        role = "agent"
    elif clerk:
        role = "clerk" if actor.has(center.id, "clerk") else "head"
    else:
        role = "applicant"
    stamp = now.astimezone(timezone.utc)  # stored as the ORM stores its own timestamps: in UTC
    day = now.strftime("%Y%m%d")
    new = _NewCase(
        center=center, item=item, process=process, applicant=applicant, agent=agent, role=role,
        values={
            "center_id": center.id, "item_version_id": item.id, "process": process.id,
            "applicant_id": applicant.id, "agent_id": agent.id if agent else None, "department_id": department,
            "responsible_id": clerk.id if clerk else None,
            "applicant_name": name,
            "data": data, "state": process.initial, "kind": item.definition.get("caseKind", "promised"),
            "channel": channel, "urgent": False, "flags": {}, "version": 1, "submitted_at": stamp,
            "updated_at": stamp, "deadline_provisional": False, "promised_days": 0, "alert": "NONE",
            "submit_key": stored_key,
        },
        number_scope=f"case:{center.id}:{day}", number_prefix=case_number(center, day, 0)[:-6],
        event_values={
            "seq": 1, "action": "submit", "from_state": "", "to_state": process.initial, "actor_id": user.id,
            "actor_name": actor.name, "role": role, "at": stamp, "comment": "", "changes": {"channel": channel},
        },
    )
    try:
        if one_write:
            try:
                case, event, ctx = await _submit_in_one_write(govhall, actor, new, guard)
            except Guarded as stopped:  # 您已有该事项的在办件: nothing written
                raise duplicate_error(govhall.processes, stopped.row, for_self=applicant is user) from None
        else:
            case, event, ctx = await _submit_in_transaction(govhall=govhall, actor=actor, new=new, materials=materials)
    except IntegrityError:
        # the same form twice at once (two taps racing): the one that was written is the answer
        filed = await _filed_with(stored_key) if stored_key is not None else None
        if filed is None:
            raise
        return filed
    await _after_commit(govhall=govhall, center=center, case=case, event=event, ctx=ctx)
    return case


def _stored_submit_key(user: User, key: str | None) -> str | None:
    """The key as stored: the submitter's own (another person's same key never finds their case)."""
    if key is None or not key.strip():
        return None
    key = key.strip()
    if len(key) > 64:
        raise UserErrorsException.single("too_long", "提交标识不能超过64个字符", "/submitKey")
    return f"{user.id}:{key}"


async def _filed_with(stored_key: str) -> Case | None:
    """The case filed with this (stored) submit key, with what the answer to submitCase reads."""
    return await Case.filter(submit_key=stored_key).select_related("center", "item_version", "applicant", "agent").first()


@dataclass
class _NewCase:
    """What a submission writes before its effects run: the case's and its first event's values."""

    center: Center
    item: ItemVersion
    process: Process
    applicant: User
    agent: User | None
    role: str
    values: dict[str, Any]
    number_scope: str
    number_prefix: str
    event_values: dict[str, Any]

    def relate(self, case: Case) -> None:
        """Set the case's center, item version and people, as loaded with it."""
        case.center, case.item_version, case.applicant = self.center, self.item, self.applicant
        if self.agent is not None:
            case.agent = self.agent

    def context(self, govhall: GovHall, actor: Actor, case: Case) -> TransitionContext:
        self.relate(case)
        return _context(
            govhall=govhall, actor=actor, center=self.center, case=case, item=self.item, process=self.process,
            transition=None, comment="", params={}, role="owner" if self.role == "applicant" else self.role,
        )

    def event(self, actor: Actor, case: Case | None, to_state: str) -> CaseEvent:
        """The first audit event (of ``case``, when written), as the ORM would load it."""
        values = {k: v for k, v in self.event_values.items() if k != "actor_id"}
        event = new_instance(CaseEvent, {**values, "actor": actor.require_login()})
        if case is not None:
            event.case = case
        event.to_state = to_state
        return event


async def _submit_in_one_write(
    govhall: GovHall, actor: Actor, new: _NewCase, guard: Guard | None = None,
) -> tuple[Case, CaseEvent, TransitionContext]:
    """A submission whose effects may all run before its case is written
    (:meth:`~core.services.workflow.ProcessRegistry.submits_before_insert`), without materials: the
    effects run on the case in memory, which has no id or number yet (markers stand for them:
    :mod:`core.plumbing.new_case`); then the case, its number, its first event, the rows the
    effects kept for it and its ``case.submitted`` outbox event are written at once: one statement
    on PostgreSQL (atomic by itself, so no ``BEGIN``/``COMMIT``), one call in a transaction on SQLite;
    with ``guard`` (the duplicate filing probe) read first in it: :class:`Guarded` when it stopped the write."""
    draft = new_instance(Case, new.values)
    draft.id, draft.number = NEW_CASE_ID, NEW_CASE_NUMBER
    ctx = new.context(govhall, actor, draft)
    with just_created(draft), outbox_events.kept():
        await run_effects(ctx, new.process.on_submit)
        event = new.event(actor, None, draft.state)
        await outbox_events.case_submitted(new.center, draft, event)
        updates, rows = deferred_rows(draft)
        if updates:  # a new case has no rows to change: an effect marked before_insert broke its promise
            raise RuntimeError(f"an effect changed rows of a case not written yet: {updates}")
        values = {name: getattr(draft, name) for name in (*new.values, *sorted(ctx.case_fields))}
        event_values = {**new.event_values, "to_state": draft.state}
        async with nullcontext() if is_postgres() else in_transaction():
            row, event_id = await insert_new_case(
                case_model=Case, case_values=values, number_scope=new.number_scope, number_prefix=new.number_prefix,
                event_model=CaseEvent, event_values=event_values, rows=[*rows, (OutboxEvent, outbox_events.take_batch())],
                guard=guard,
            )
    case = Case._init_from_db(**row)
    ctx.case = case
    new.relate(case)
    event.id, event.case, event._saved_in_db = event_id, case, True
    return case, event, ctx


async def _submit_in_transaction(
    govhall: GovHall, actor: Actor, new: _NewCase, materials: Sequence[str]
) -> tuple[Case, CaseEvent, TransitionContext]:
    """A submission with materials, or whose effects need the case written first (a plugin's):
    the case is inserted, then its effects run, in one transaction."""
    async with in_transaction():
        # the case, its number and its first audit event: one statement on PostgreSQL (core.plumbing.sql)
        row, event_id = await insert_numbered_case(
            case_model=Case, case_values=new.values, number_scope=new.number_scope, number_prefix=new.number_prefix,
            event_model=CaseEvent, event_values=new.event_values,
        )
        case = Case._init_from_db(**row)
        ctx = new.context(govhall, actor, case)
        event = new.event(actor, case, case.state)
        event.id, event._saved_in_db = event_id, True
        if materials:
            from core.services.materials import attach_materials

            await attach_materials(actor.require_login(), case, materials)  # the filer's, the applicant's
        with just_created(case, with_materials=bool(materials)), outbox_events.kept():
            await run_effects(ctx, new.process.on_submit)
            if case.state != event.to_state:  # an effect moved the new case on: the event says where to
                event.to_state = case.state
                await CaseEvent.filter(id=event.id).update(to_state=case.state)
            await outbox_events.case_submitted(new.center, case, event)
            await _write_submission(ctx)
    return case, event, ctx


async def _write_submission(ctx: TransitionContext) -> None:
    """A submission's last writes in one round trip: the fields of the case its effects set, the
    rows they kept for it (the deadline timer: :mod:`core.services.case_memo`) and its outbox event."""
    case = ctx.case
    writes = [update_sql(case, sorted(ctx.case_fields))] if ctx.case_fields else []
    writes += deferred_writes(case)
    if kept := outbox_events.take_batch():
        writes.append(insert_rows_sql(OutboxEvent, kept))
    if writes:
        await write_together(writes)


# --- moving a case -------------------------------------------------------------------------------


def _context(
    govhall: GovHall, actor: Actor, center: Center, case: Case, item: ItemVersion, process: Process,
    transition: Transition | None, comment: str, params: dict[str, Any], role: str,
) -> TransitionContext:
    placeholder = transition or Transition(
        action="submit",
        label="提交",
        sources=frozenset(),
        to=case.state,
        roles=frozenset(),
        comment_required=False,
        edits_data=False,
        set_kind=None,
        guards=(),
        effects=(),
    )
    return TransitionContext(
        govhall=govhall, actor=actor, center=center, case=case, item=item, process=process,
        transition=placeholder, comment=comment, params=params, from_state=case.state,
        to_state=placeholder.target(case.state), role=role,
    )


def as_sent(item: ItemVersion, data: Any) -> Any:
    """Case data as the web form sends it, from any client: codes typed full width (１３８…) folded
    (``fold_codes``), and no answer to a field the form hides for the other answers (个人经营 with
    家庭成员 filled in, from an API client or a stale draft), silently: the form never asked for it,
    so it is neither refused nor stored (``shown_answers``)."""
    form = item.definition["form"]
    return shown_answers(form, fold_codes(form, data))


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON merge patch: what an applicant sends when correcting some fields."""
    if not isinstance(patch, Mapping):
        return patch
    result = dict(target) if isinstance(target, Mapping) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


async def _conflict(case: Case, process: Process, actor: Actor | None = None, action: str = "") -> UserErrorsException:
    """``conflict``: the case changed since the caller read it. Said as the case's latest change
    puts it, in plain words: a change the actor already made (``action`` again, by them: a tap
    repeated after its answer was lost on a phone) is no one else's (path ``/action``, so a page
    shows the case as it now is instead of asking to retry); else who did what, and the state."""
    latest = await CaseEvent.filter(case_id=case.id).order_by("-seq").first()
    state = process.state_label(case.state)
    if latest is None:
        return UserErrorsException.single("conflict", f"该办件已被他人处理，当前状态：{state}，请刷新后重试", None)
    own = actor is not None and actor.user is not None and latest.actor_id == actor.user.id
    label = next((t.label for t in process.transitions if t.action == latest.action), None)
    if own and latest.action == action:
        return UserErrorsException.single("conflict", f"您已提交（{label or '该操作'}），无需重复提交", "/action")
    who = "您" if own else (latest.actor_name or "系统")
    done = f"办理了“{label}”" if label else "更新了办件"
    return UserErrorsException.single("conflict", f"该办件刚由{who}{done}，当前状态：{state}，请刷新后重试", None)


@asynccontextmanager
async def _moving() -> AsyncIterator[None]:
    """A transition's transaction: its own outbox events are written in it as one INSERT before
    the commit. In it the case's rows are read once for the guards and effects together
    (:func:`~core.services.case_memo.reading_once`)."""
    async with in_transaction(), outbox_events.batched():
        yield


@cache
def _claim_sql() -> str:
    """A transition's version claim on SQLite (PostgreSQL's locks the row: ``case_memo.claim_case``), built once."""
    return for_dialect('UPDATE "gh_case" SET "version" = ? WHERE "id" = ? AND "version" = ?', False)


async def transition_case(
    govhall: GovHall,
    actor: Actor,
    case_id: int | str,
    action: str,
    *,
    comment: str = "",
    params: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
) -> Case:
    """Fire ``action`` on the case, if the actor may see it and fire it there, and its version is
    ``expected_version`` (when given; else the version it has when claimed).

    On PostgreSQL the case's row is read by its claim (:func:`~core.services.case_memo.claim_case`),
    which locks it and reads its rows in the transaction's first statement: one round trip fewer
    than reading it before; it also takes the document numbers the actor's last such transition
    took (:mod:`core.services.case_numbers`): one round trip fewer again for an accept. The checks then run in the transaction, in the order and with the
    answers of a case read first (:func:`_visible`, then :func:`_checked`); a refused transition
    rolls back. On SQLite (one writer at a time: a transaction would hold every other writer
    while the checks run) and for an anonymous actor (refused before any lock is taken) the
    case is read first, checked, then claimed by writing its version."""
    key = _case_key(case_id)
    if is_postgres() and actor.user is not None:
        async with _moving():
            claim = await claim_case(key, expected_version, reservation(govhall, actor.user.id, action))
            case = await _visible(actor, claim.case, govhall)
            request = await _checked(govhall, actor, case, action=action, comment=comment, params=params, current=claim.claimed)
            with reading_once(case, **claim.rows):
                event, ctx = await _move(govhall, actor, case, request)
                learn(govhall, user_id=actor.user.id, action=action, case=case, from_state=ctx.from_state)
    else:
        case = await load_visible_case(actor, key, govhall)
        current = expected_version is None or expected_version == case.version
        request = await _checked(govhall, actor, case, action=action, comment=comment, params=params, current=current)
        async with _moving():
            # first, as before: the case row is the first lock a transition takes
            claimed = (await get_connection("default").execute_query(_claim_sql(), [case.version + 1, case.id, case.version]))[0]
            if not claimed:
                raise await _conflict(await Case.get(id=case.id), request.process, actor, action)
            with reading_once(case):
                event, ctx = await _move(govhall, actor, case, request)
    await _after_commit(govhall=govhall, center=case.center, case=case, event=event, ctx=ctx)
    return case


@dataclass
class _Request:
    """A transition asked for and allowed: what it fires, under which role, with what."""

    process: Process
    transition: Transition
    role: str
    comment: str
    params: dict[str, Any]
    new_data: Any


async def _checked(
    govhall: GovHall, actor: Actor, case: Case, *, action: str, comment: str, params: Mapping[str, Any] | None, current: bool,
) -> _Request:
    """The transition ``action`` on ``case`` (a case the actor may see), if it may be fired: else,
    in this order, ``conflict`` (not ``current``: the case's version is not the one expected),
    ``unknown_action``, ``other_department`` or ``forbidden``, ``required`` (an opinion), the
    bounds of what a notice may print, then the data's errors (a transition that edits data)."""
    process = govhall.processes.get(case.process)
    if not current:
        raise await _conflict(case, process, actor, action)
    transition = process.find(case.state, action)
    if transition is None:
        allowed = await available_transitions(actor, case, process)
        names = one_of(t.label for t in allowed) or "无"
        label = next((t.label for t in process.transitions if t.action == action), None)
        refused = f"不能执行“{label}”" if label else "不能执行所请求的操作"  # an unknown code is not shown
        raise UserErrorsException.single(
            "unknown_action", f"办件当前状态为“{process.state_label(case.state)}”，{refused}；您可执行：{names}", "/action"
        )
    role = await role_for(actor, case, transition)
    if role is None:
        other = await outside_department(actor, case, transition)
        if other:
            raise UserErrorsException.single("other_department", other, "/action")
        raise UserErrorsException.single("forbidden", f"您的角色不能执行“{transition.label}”", "/action")
    comment = (comment or "").strip()
    if transition.opinion_required and not comment:
        what = "办理意见（审查意见）" if transition.decision else "理由或意见"
        raise UserErrorsException.single("required", f"“{transition.label}”须填写{what}", "/comment")
    if params is not None and not isinstance(params, Mapping):
        raise UserErrorsException.single(
            "type", f"“{transition.label}”的参数（data）应为 JSON 对象，如 {{\"checklist\": [\"c01\"]}}", "/data"
        )
    params = dict(params or {})
    printed = {**params, "comment": comment}  # a notice may print every word of them
    if errors := bounds_errors(printed, _notice_label, total_chars=NOTICE_TEXT_TOTAL_CHARS, list_items=NOTICE_LIST_MAX_ITEMS,
                               total_named=("办理意见与本次填写的其他内容（如依据、理由）", "/comment")):
        raise UserErrorsException(errors)
    new_data = case.data
    if transition.edits_data:
        new_data = as_sent(case.item_version, merge_patch(case.data, params))
        errors = await validate_data(govhall=govhall, center=case.center, item=case.item_version, data=new_data, action=action,
                                     before=case.data)
        if errors:
            raise UserErrorsException(errors)
    return _Request(process=process, transition=transition, role=role, comment=comment, params=params, new_data=new_data)


def _notice_label(parts: Sequence[Any]) -> str:
    """An action's comment or parameter, named in a message about its length or characters."""
    if list(parts) == ["comment"]:
        return "办理意见"
    return f"参数“{'/'.join(str(p) for p in parts)}”" if parts else "参数"


async def _move(govhall: GovHall, actor: Actor, case: Case, request: _Request) -> tuple[CaseEvent, TransitionContext]:
    """The claimed transition, in its transaction: its guards (which may still refuse it), then
    the case's new fields, its effects and its last writes (:func:`_write_transition`)."""
    center, item, transition = case.center, case.item_version, request.transition
    case.version += 1
    ctx = _context(
        govhall=govhall,
        actor=actor,
        center=center,
        case=case,
        item=item,
        process=request.process,
        transition=transition,
        comment=request.comment,
        params=request.params,
        role=request.role,
    )
    errors = []
    for name in transition.guards:
        errors.extend(await govhall.processes.guards[name](ctx))
    if not errors:
        hooks = govhall.hub.for_center(center)
        for group in await acall(hooks.transition_guard, ctx=ctx):
            errors.extend(group)
    if errors:
        raise UserErrorsException(errors)
    if transition.set_kind and transition.set_kind != case.kind:
        ctx.changes["kind"] = {"old": case.kind, "new": transition.set_kind}
        case.kind = transition.set_kind
        ctx.touch("kind")
    if transition.edits_data:
        ctx.changes["data"] = _diff(case.data, request.new_data)
        case.data = request.new_data
        ctx.touch("data")
        party = applicant_party(item.definition, request.new_data)
        if party and party[:256] != case.applicant_name:
            case.applicant_name = party[:256]
            ctx.touch("applicant_name")
    await run_effects(ctx, transition.effects)
    plugin_effects = govhall.hub.for_center(center).transition_effects
    await flush_for(case, plugin_effects)
    await acall(plugin_effects, ctx=ctx)
    case.state = ctx.to_state
    if request.params and not transition.edits_data:
        ctx.changes.setdefault("params", redact(request.params))
    event = new_instance(CaseEvent, {
        "case": case, "seq": case.version, "action": transition.action, "from_state": ctx.from_state, "to_state": case.state,
        "actor": actor.user, "actor_name": actor.name, "role": event_role(actor, case, request.role), "comment": request.comment,
        "changes": ctx.changes, "at": clock.now(),
    })
    await _write_transition(ctx, event)
    return event, ctx


async def _write_transition(ctx: TransitionContext, event: CaseEvent) -> None:
    """The transition's last writes in one round trip: the case, the rows its effects kept for it
    (timers, the counter receipt: :mod:`core.services.case_memo`), its outbox events (the case's
    last alert event is read first, where they depend on it) and its audit event."""
    case = ctx.case
    insert_event = insert_sql(event)  # stamps ``event.at``, which the outbox events carry
    await outbox_events.case_transitioned(ctx, event)
    writes = [update_sql(case, sorted({"state", "version", *ctx.case_fields})), *deferred_writes(case), *unused_numbers_sql(case)]
    if kept := outbox_events.take_batch():
        writes.append(insert_rows_sql(OutboxEvent, kept))
    writes.append(insert_event)
    # the notices' templates are filled while the writes travel (PostgreSQL): an error rolls all back
    event.pk = (await write_together(writes, meanwhile=deferred_checks(case)))[0]["id"]
    event._saved_in_db = True


async def record_case_event(
    govhall: GovHall,
    actor: Actor,
    case: Case,
    action: str,
    *,
    comment: str = "",
    changes: Mapping[str, Any] | None = None,
    work: Callable[[Case], Awaitable[Mapping[str, Any] | None]] | None = None,
    actor_name: str | None = None,
) -> CaseEvent:
    """A change to a case that is not a state transition (a hand-over, a pickup note): in one
    transaction the case's version is claimed, ``work`` writes the caller's own rows (its result
    is added to the event's changes), and the event is appended to the audit log. Concurrent
    changes get ``conflict`` as transitions do. ``actor_name`` names who the event shows for a
    change nobody signed in made (``电子监察`` for a sweeper's reminder, with ``Actor()``)."""
    process = govhall.processes.get(case.process)
    async with in_transaction():
        claimed = await Case.filter(id=case.id, version=case.version).update(version=case.version + 1)
        if not claimed:
            raise await _conflict(await Case.get(id=case.id), process, actor, action)
        case.version += 1
        all_changes = dict(changes or {})
        if work is not None:
            all_changes.update(await work(case) or {})
        event = await CaseEvent.create(
            case=case, seq=case.version, action=action, from_state=case.state, to_state=case.state,
            actor=actor.user, actor_name=actor_name or actor.name, role=primary_role(actor, case),
            comment=comment, changes=all_changes, at=clock.now(),
        )
    center = case.center if hasattr(case.center, "plugins") else await Center.get(id=case.center_id)  # type: ignore[attr-defined]
    try:
        await acall(govhall.hub.for_center(center).case_changed, center=center, case=case, event=event)
    except Exception:  # noqa: BLE001
        log.exception("case_changed hook failed for case %s", case.number)
    return event


ROLE_PRIORITY = ("head", "clerk", "reviewer", "pickup", "supervisor", "admin", "configurator", "agent", "applicant")


def event_role(actor: Actor, case: Case, role: str) -> str:
    """The role a transition's audit event names: ``role`` (the one the transition was fired
    under, ``ctx.role`` for guards and effects), except that the case's own party, ``owner`` to
    the workflow, is named as ``agent`` (代办人) or ``applicant`` as every other event of theirs is.
    Events written before keep ``owner``, which readers show as the applicant."""
    return party_role(actor.user, case) if role == "owner" else role  # type: ignore[arg-type]


def primary_role(actor: Actor, case: Case) -> str:
    """The one role an audit event names for a change that is not a transition: the case's own
    party as ``agent`` (代办人) or ``applicant``, as ``attach_materials`` records them; else the
    actor's highest staff role in the case's center."""
    if is_owner(actor, case):
        return party_role(actor.user, case)  # type: ignore[arg-type]
    held = actor.roles_in(case.center_id)  # type: ignore[attr-defined]
    return next((r for r in ROLE_PRIORITY if r in held), "")


# Parameters that identify a person: kept out of the audit log in full (出件登记 keeps them).
SENSITIVE_PARAMS = frozenset({"idNumber", "id_number", "residentId", "receiverIdNumber"})


def mask_identity(value: Any) -> Any:
    text = str(value)
    return text[:6] + "*" * max(len(text) - 10, 0) + text[-4:] if len(text) > 10 else "*" * len(text)


def mask_mobile(value: str) -> str:
    """``13800138000`` → ``138****8000``: a mobile number as an answer or a public page may show it."""
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)


def redact(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: mask_identity(v) if k in SENSITIVE_PARAMS and v else v for k, v in params.items()}


def _diff(old: Any, new: Any) -> dict[str, Any]:
    keys = set(old or {}) | set(new or {})
    return {k: {"old": (old or {}).get(k), "new": (new or {}).get(k)} for k in sorted(keys) if (old or {}).get(k) != (new or {}).get(k)}


async def _after_commit(govhall: GovHall, center: Center, case: Case, event: CaseEvent, ctx: TransitionContext) -> None:
    """Notifications and plugin reactions: the change is committed, so failures are only logged."""
    try:
        await acall(govhall.hub.for_center(center).case_changed, center=center, case=case, event=event)
        for callback in ctx.after_commit:
            await callback()
    except Exception:  # noqa: BLE001 - the case already changed; tell the log, not the user
        log.exception("after-commit hook failed for case %s", case.number)


# --- listing -------------------------------------------------------------------------------------


@dataclass
class CasePage:
    cases: list[Case]
    has_next: bool
    end_cursor: str | None


MAX_PAGE = 100
_MAX_ID = 2**31 - 1  # PostgreSQL ``integer`` keys: a larger one in a cursor was never handed out


def encode_cursor(case: Case) -> str:
    return base64.urlsafe_b64encode(f"{int(case.urgent)}:{case.id}".encode()).decode()


def cursor_parts(cursor: str, tags: Sequence[str]) -> tuple[str, int]:
    """The tag and the id of a cursor this server wrote (``tag:id`` in URL-safe base64); anything
    else, an id out of the database's range included, is refused as a bad cursor (never a query)."""
    try:
        tag, key = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii").split(":")
    except (ValueError, UnicodeError):
        tag, key = "", ""
    if tag not in tags or not (key.isascii() and key.isdigit()) or not 0 < int(key) <= _MAX_ID:
        raise UserErrorsException.single("cursor", "分页游标无效：请使用上一页返回的 endCursor，或不带 after 从头读取", "/after")
    return tag, int(key)


def decode_cursor(cursor: str) -> tuple[bool, int]:
    urgent, key = cursor_parts(cursor, ("0", "1"))
    return urgent == "1", key


def page_size(first: int, name: str = "first") -> int:
    """How many rows a page holds: ``first`` up to :data:`MAX_PAGE`; 0 reads only whether any
    exist (``hasNextPage``), as Relay connections allow; a negative number is refused."""
    if first < 0:
        raise UserErrorsException.single("range", f"每页条数（{name}）不能小于0", f"/{name}")
    return min(first, MAX_PAGE)


async def list_cases(
    actor: Actor,
    center_code: str,
    *,
    state: str | None = None,
    kind: str | None = None,
    alert: str | None = None,
    department: str | None = None,
    mine: bool = False,
    first: int = 20,
    after: str | None = None,
    search: str | None = None,
    govhall: GovHall | None = None,
    without_json: bool = False,
) -> CasePage:
    """Urgent cases first (急办件优先), then oldest first: a work queue. Keyset pagination.
    ``search``: only cases whose number, applicant name, ID number, USCC or mobile contains it.
    With ``govhall``, the center and the department come from the app's caches (no statement).
    ``without_json``: for a list that shows neither the data nor the flags (see ``case_page``).

    The urgent cases and the others are read as two ranges of one index each (``urgent, id`` after
    the filter's columns): the second only when the first does not fill the page. So a page costs
    the same at a thousand cases and at a million, and the rows carry no item definition."""
    user = actor.require_login()
    center = await cached_center(govhall, actor.config_generation, center_code)
    where = Conditions()
    where.add('"center_id" = ?', center.id)
    if actor.has(center.id, *CENTER_WIDE_ROLES):
        if mine:
            where.add('"responsible_id" = ?', user.id)
    else:
        reviewer_departments = actor.departments_for(center.id, "reviewer")
        ids = [d for d in reviewer_departments if d]
        owner = '("applicant_id" = ? OR "agent_id" = ?)'
        visible: tuple[str, list[Any]] | None = (owner, [user.id, user.id])
        if None in reviewer_departments:
            visible = None
        elif reviewer_departments:
            visible = (f'({owner} OR {id_in("department_id", ids)} OR {joint_task(ids, open_only=False)})', [user.id, user.id])
        if mine and reviewer_departments:
            visible = (f'({id_in("department_id", ids)} OR {joint_task(ids, open_only=True)})', [])
        elif mine:
            visible = (owner, [user.id, user.id])
        if visible is not None:
            where.add(visible[0], *visible[1])
    if state:
        where.add('"state" = ?', state)
    if kind:
        where.add('"kind" = ?', kind)
    if alert and sees_supervision(actor, center.id):
        where.add('"alert" = ?', alert.upper())
    elif alert and alert.upper() != "NONE":  # an applicant's cases carry no card they could filter on
        where.add("1 = 0")
    if department:
        if govhall is not None:
            found = await department_id(govhall, center, department)
        else:
            found = await Department.get_or_none(center_id=center.id, code=department).values_list("id", flat=True)
        where.add('"department_id" = ?', found if found is not None else 0)
    if search is not None and search.strip():
        where.add(id_in("id", await matching_case_ids(center.id, search)))
    cursor = decode_cursor(after) if after else None
    first = page_size(first)
    rows = await case_page(where, cursor, first + 1, without_json=without_json)
    page = rows[:first]
    return CasePage(cases=page, has_next=len(rows) > first, end_cursor=encode_cursor(page[-1]) if page else None)
