"""submitCase, case, cases, transitionCase, rateCase; the Case type."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry.scalars import JSON

from core.services import cases as service
from core.services import my_cases
from core.faces.graphql.documents import IssuedDocument, document_fields
from core.plumbing.models import Case as CaseRow
from core.plumbing.models import Center as CenterRow
from core.plumbing.models import Department, ItemVersion
from core.services.guards import people_in
from core.services.effects import part_name
from core.services.ratings import CHANNELS as RATING_CHANNELS
from core.services.ratings import rate_case
from core.faces.graphql.context import Context, Info
from core.faces.graphql.loaders import NOT_LOADED, loaded_now, selects_directly, wanted_below
from core.services.config_cache import cache_for
from core.faces.graphql.types import UserErrors, mutation_result


R = TypeVar("R")


@strawberry.enum(description="预警：NONE 正常，YELLOW 黄牌（临近期限），RED 红牌（已超期）；内部监察，申请人、代办人看到的总是 NONE")
class Alert(Enum):
    NONE = "NONE"
    YELLOW = "YELLOW"
    RED = "RED"


@strawberry.type
class CaseItem:
    code: str
    name: str
    version: int


@strawberry.type(description="申请中登记的人员（法定代表人、经办人、股东…）")
class CasePerson:
    name: str
    id_number: str = strawberry.field(description="身份证号码")


@strawberry.type(description="办件所在的政务服务中心")
class CaseCenter:
    code: str
    name: str


@strawberry.type
class CaseEventType:
    seq: int
    action: str
    actor: str
    role: str
    at: datetime
    comment: str
    from_state: str
    to_state: str
    changes: JSON


@strawberry.type
class CaseDocument(IssuedDocument):
    """A document of the case (``Case.documents``): the fields of :class:`IssuedDocument`, under the
    type name the case has always had in the schema."""


@strawberry.type
class CaseAction:
    action: str
    label: str
    comment_required: bool
    edits_data: bool
    decision: bool = strawberry.field(default=False, description="审批决定（准予/不予许可、退回、复核）：须填写意见，执行前应确认")
    _case: strawberry.Private[Any] = None

    @strawberry.field(description="本中心启用的插件为该动作另需填写的字段（JSON Schema 对象，随 transitionCase 的 data 提交；"
                                  "如绿色通道受理时的后补材料）；核心动作自带的字段不在其中；无则为 null")
    async def form(self, info: Info) -> JSON | None:
        from core.services.action_forms import action_form

        if self._case is None:
            return None
        return await action_form(info.context.govhall, info.context.actor, self._case, self.action)

    @strawberry.field(description="本中心启用的插件说明该动作此刻为何不能执行（如办理结果尚未移交统一出件窗口），可以执行时为 null；"
                                  "办件页据此停用按钮并显示原因，执行时仍以 transitionCase 的校验为准")
    async def blocked_reason(self, info: Info) -> str | None:
        from core.services.action_forms import action_blocked

        if self._case is None:
            return None
        return await action_blocked(info.context.govhall, info.context.actor, self._case, self.action)


TASK_STATE_LABELS = {"open": "办理中", "approved": "准予", "refused": "不予许可"}


@strawberry.type(description="联办件中一个部门办理的部分及其结果")
class DepartmentTask:
    department: str
    department_name: str
    lead: bool
    state: str = strawberry.field(description="open 办理中、approved 准予、refused 不予许可")
    due: date | None
    comment: str = strawberry.field(description="部门的审批意见；不予许可时为理由")
    state_label: str = strawberry.field(description="该部分的结果：办理中、准予、不予许可")
    basis: str = strawberry.field(description="不予许可的法律依据（准予或办理中为空）")
    decided_at: datetime | None = strawberry.field(description="该部门作出决定的时间")
    _task: strawberry.Private[Any]
    _item_version_id: strawberry.Private[int]

    @strawberry.field(description="该部门办理的事项（事项的 partNames，如 印章刻制；未列出的为“某部门办理事项”）")
    async def part_name(self, info: Info) -> str:
        # read only when asked: a page of cases listing its tasks reads no item definition
        version = await info.context.loaders.item_definition.load(self._item_version_id)
        return part_name((version.definition or {}) if version is not None else {}, self._task)


@strawberry.type
class NotificationType:
    channel: str
    recipient: str
    text: str
    at: datetime


@strawberry.type
class ExplainedDayType:
    date: date
    counted: bool
    reason: str


@strawberry.type(name="PausedLimit", description="特别程序（现场勘查、听证…）或上报期间暂停计时的期限：恢复计时前没有到期日，只有尚余的工作日数")
class PausedLimitType:
    kind: str = strawberry.field(description="promised 承诺期限，legal 法定期限")
    reason: str = strawberry.field(description="暂停的原因，如 现场勘查")
    since: date = strawberry.field(description="暂停开始之日")
    remaining: int = strawberry.field(description="恢复计时后尚余的工作日数（含已批准的延期）")


@strawberry.type(description="按某一出件方式出件时，窗口需要知道的关于随件物品的情况（如申请时选择的领取方式、邮寄地址）")
class PickupHint:
    method: str = strawberry.field(description="出件方式：in_person 窗口领取，courier 快递送达，self_print 自助打印")
    text: str = strawberry.field(description="提示内容，如 申请时选择邮寄送达大礼包，邮寄地址：…")
    warning: bool = strawberry.field(description="是否为提醒（与申请时的选择不一致等，须向申请人确认），不阻止出件")
    receipt: str | None = strawberry.field(default=None, description="按该出件方式出件时，出件回执上随该物品打印的说明，如 邮寄地址：…")


@strawberry.type(description="出件时随办理结果一并发放的物品（本中心启用的插件提供，如企业开办大礼包）")
class PickupExtra:
    title: str = strawberry.field(description="名称，如 开办大礼包")
    contents: list[str] = strawberry.field(description="逐项列出要发放的物品，如 营业执照正本、副本；印章：单位专用章（公章）")
    methods: list[str] = strawberry.field(description="随哪些出件方式一并发放：in_person 窗口领取，courier 快递送达，self_print 自助打印")
    note: str | None = strawberry.field(default=None, description="确认出件时一并登记的情况，如 确认出件即登记大礼包已领取")
    hints: list[PickupHint] = strawberry.field(default_factory=list, description="按出件方式的提示：窗口选择该出件方式时显示")


@strawberry.type(name="Case", description="办件")
class CaseType:
    _row: strawberry.Private[CaseRow]
    id: strawberry.ID
    number: str
    state: str
    kind: str
    data: JSON
    version: int
    urgent: bool
    channel: str
    submitted_at: datetime
    accepted_at: datetime | None
    completed_at: datetime | None
    promised_due: date | None
    legal_due: date | None
    deadline_provisional: bool
    alert: Alert
    applicant_name: str
    # Plain fields, not resolvers: a 20-row page resolves some 300 fields, and a resolver costs
    # Strawberry an Info object and its argument and extension wrapping per row. The labels are
    # set by case_type; item, center and department are the value when it is already at hand (the
    # case's own row, or the page's prefetch), else a Pending that asks the loader only if awaited.
    state_label: str = strawberry.field(description="状态名称")
    kind_label: str = strawberry.field(description="办件类型名称")
    item: CaseItem
    center: CaseCenter = strawberry.field(description="办件所在的中心（我的办件跨中心列出时显示）")
    department: str | None

    # availableActions, actions and events answer at once when they can (the actor's grants decide the
    # actions; the events were read with the case), else they return the awaitable they always were:
    # an awaited field costs GraphQL a task. Any error is left to the awaitable, which raises it as before.
    @strawberry.field(description="当前用户可执行的动作标识")
    def available_actions(self, info: Info) -> list[str]:
        return self._with_transitions(info, _action_names)

    @strawberry.field(description="当前用户可执行的动作（含名称）")
    def actions(self, info: Info) -> list[CaseAction]:
        return self._with_transitions(info, lambda transitions: _case_actions(transitions, self._row))

    def _with_transitions(self, info: Info, make: Callable[[list], R]) -> R:
        try:
            process = info.context.govhall.processes.get(self._row.process)
            transitions = service.available_transitions_now(info.context.actor, self._row, process)
            if transitions is not None:
                return make(transitions)
        except Exception:  # noqa: BLE001 - raised again by the general path, where it always was
            pass
        return _later(self._transitions(info), make)  # type: ignore[return-value]

    async def _transitions(self, info: Info) -> list:
        process = info.context.govhall.processes.get(self._row.process)
        return await service.available_transitions(info.context.actor, self._row, process)

    @strawberry.field(description="审计记录（只增不改）；申请人、代办人看不到内部监察记录（黄牌红牌预警、催办、督办）")
    def events(self, info: Info) -> list[CaseEventType]:
        loader = info.context.loaders.events
        make = _event_types if service.sees_supervision(info.context.actor, self._row.center_id) else _owner_event_types  # type: ignore[attr-defined]
        rows = loaded_now(loader, self._row.id)
        if rows is not NOT_LOADED:
            try:
                return make(rows)
            except Exception:  # noqa: BLE001 - raised again by the general path, where it always was
                pass
        return _later(loader.load(self._row.id), make)  # type: ignore[return-value]

    @strawberry.field(description="已出具的文书")
    async def documents(self, info: Info) -> list[CaseDocument]:
        rows = await info.context.loaders.documents.load(self._row.id)
        return [CaseDocument(**document_fields(d)) for d in rows]

    @strawberry.field(description="联办件各部门任务，即各部分的结果（部门、准予或不予许可、理由）：各部分结果不一时办件为部分准予")
    async def tasks(self, info: Info) -> list[DepartmentTask]:
        rows = await info.context.loaders.tasks.load(self._row.id)
        if not rows:
            return []
        return [
            DepartmentTask(department=t.department.code, department_name=t.department.name, lead=t.lead,
                           state=t.state, due=t.due, comment=t.comment, state_label=TASK_STATE_LABELS.get(t.state, t.state),
                           basis=t.basis, decided_at=t.decided_at, _task=t, _item_version_id=self._row.item_version_id)
            for t in rows
        ]

    @strawberry.field(description="暂停计时中的期限（无则为空）：此时 promisedDue、legalDue 仍是暂停前的日期，恢复计时后才重新确定")
    async def paused_limits(self) -> list[PausedLimitType]:
        from core.services.clock import paused_limits

        if self._row.accepted_on is None:
            return []
        held = await paused_limits(self._row)
        return [PausedLimitType(kind=k.kind, reason=k.reason, since=k.since, remaining=k.remaining) for k in held.values()]

    @strawberry.field(description="承诺办结日期为暂定：计算时经过了节假日安排尚未公布的年度（deadlineProvisional 指任一期限暂定）")
    def promised_due_provisional(self, info: Info) -> bool:
        return self._due_provisional(info, "promised")  # type: ignore[return-value]

    @strawberry.field(description="法定期限的到期日为暂定：计算时经过了节假日安排尚未公布的年度")
    def legal_due_provisional(self, info: Info) -> bool:
        return self._due_provisional(info, "legal")  # type: ignore[return-value]

    def _due_provisional(self, info: Info, kind: str) -> Any:
        """False at once unless some deadline of the case is provisional; else the timers of the
        page's provisional cases, read in one query."""
        from core.services.clock import provisional_due

        if not self._row.deadline_provisional:
            return False
        return _later(info.context.loaders.timers.load(self._row.id), lambda timers: provisional_due(timers, kind))

    @strawberry.field(description="期限计算说明：逐日列出计入与不计入的日期及原因")
    async def deadline_explanation(self) -> list[ExplainedDayType]:
        from core.services.clock import explain_case

        if self._row.accepted_on is None:
            return []
        deadline = await explain_case(self._row)
        return [ExplainedDayType(date=d.day, counted=d.counted, reason=d.reason) for d in deadline.explanation]

    @strawberry.field(description="申报材料：按事项材料清单列出已提交的文件（含共享复用）")
    async def materials(self) -> list[Annotated["CaseMaterialSlot", strawberry.lazy("core.faces.graphql.materials")]]:
        from core.faces.graphql.materials import slots_for

        return await slots_for(self._row)

    @strawberry.field(description="已发送的短信通知（工作人员还看到内部消息）")
    async def notifications(self, info: Info) -> list[NotificationType]:
        rows = await info.context.loaders.notifications.load(self._row.id)
        if not service.sees_supervision(info.context.actor, self._row.center_id):  # type: ignore[attr-defined]
            rows = [n for n in rows if n.channel != "internal"]
        return [NotificationType(channel=n.channel, recipient=n.recipient, text=n.text, at=n.created_at) for n in rows]

    @strawberry.field(description="申请中登记的人员（姓名和身份证号码）：出件窗口据此核验领取人是否为申请人一方，与出件时服务端的核验同一规则")
    async def people(self, info: Info) -> list[CasePerson]:
        version = await info.context.loaders.item_definition.load(self._row.item_version_id)
        form = (version.definition or {}).get("form") if version is not None else None
        seen: dict[tuple[str, str], None] = {}
        for person in people_in(self._row.data, form=form):
            seen.setdefault(person)
        return [CasePerson(name=name, id_number=number) for name, number in seen]

    @strawberry.field(description="办理结果在统一出件窗口待领取（已办结，尚未出件：所在状态属出件队列）；"
                                  "办件页在出件后才请申请人评价")
    def awaiting_pickup(self, info: Info) -> bool:
        return info.context.govhall.processes.get(self._row.process).awaits_pickup(self._row.state)

    @strawberry.field(description="出件时须随办理结果一并发放的物品（如企业开办大礼包），由本中心启用的插件提供；"
                                  "仅在办件待出件时列出，否则为空")
    async def pickup_extras(self, info: Info) -> list[PickupExtra]:
        from core.services.action_forms import pickup_extras

        extras = await pickup_extras(info.context.govhall, info.context.actor, self._row)
        return [PickupExtra(**{**extra, "hints": [PickupHint(**hint) for hint in extra["hints"]]}) for extra in extras]

    @strawberry.field(description="好差评")
    async def rating(self, info: Info) -> int | None:
        row = await info.context.loaders.rating.load(self._row.id)
        return row.level if row else None

    @strawberry.field(description="好差评的评价渠道：网上 或 现场（窗口评价器）")
    async def rating_channel(self, info: Info) -> str | None:
        row = await info.context.loaders.rating.load(self._row.id)
        return RATING_CHANNELS.get(row.channel, row.channel) if row else None


def _action_names(transitions: list) -> list[str]:
    return [t.action for t in transitions]


def _case_actions(transitions: list, case: CaseRow) -> list[CaseAction]:
    return [
        CaseAction(action=t.action, label=t.label, comment_required=t.opinion_required, edits_data=t.edits_data,
                   decision=t.decision, _case=case)
        for t in transitions
    ]


def _event_types(rows: list) -> list[CaseEventType]:
    return [
        CaseEventType(seq=e.seq, action=e.action, actor=e.actor_name, role=e.role, at=e.at, comment=e.comment,
                      from_state=e.from_state, to_state=e.to_state, changes=e.changes)
        for e in rows
    ]


def _owner_event_types(rows: list) -> list[CaseEventType]:
    """The events an applicant or agent reads: without internal supervision (:data:`~core.services.cases.SUPERVISION_EVENTS`)."""
    return _event_types([e for e in rows if e.action not in service.SUPERVISION_EVENTS])


def _case_item(v: ItemVersion) -> CaseItem:
    return CaseItem(code=v.code, name=v.name, version=v.version)


def _case_center(c: CenterRow) -> CaseCenter:
    return CaseCenter(code=c.code, name=c.name)


def _department_code(d: Department | None) -> str | None:
    return d.code if d else None


class Pending:
    """A field's value read through its loader only when the query asks for the field: GraphQL
    awaits what a plain field holds when it is awaitable, and a value never asked for is never
    read (so its loader adds no statement)."""

    __slots__ = ("_loader", "_key", "_make")

    def __init__(self, loader: Any, key: int, make: Callable[[Any], Any]) -> None:
        self._loader, self._key, self._make = loader, key, make

    def __await__(self) -> Any:
        return _later(self._loader.load(self._key), self._make).__await__()


async def _later(pending: Any, make: Callable[[Any], R]) -> R:
    return make(await pending)


def _loaded(loader: Any, key: int, *, made: Mapping[int, Any] | None, make: Callable[[Any], R]) -> R | Pending:
    """The field's value for the loader's row ``key``: ``made`` holds it when the page's prefetch
    loaded it, else it is read when the field is awaited."""
    if made is not None and key in made:
        return made[key]  # type: ignore[no-any-return]
    return Pending(loader, key, make)


def _state_label(govhall: Any, row: CaseRow) -> Any:
    try:
        return govhall.processes.get(row.process).state_label(row.state)
    except Exception as exc:  # noqa: BLE001 - an error of this field alone, as a resolver's would be
        return _Failed(exc)


class _Failed:
    """A field's error, raised when (and only if) the query asks for the field."""

    __slots__ = ("_error",)

    def __init__(self, error: Exception) -> None:
        self._error = error

    def __await__(self) -> Any:
        return _raise(self._error).__await__()


async def _raise(error: Exception) -> Any:
    raise error


Prefetched = dict[str, dict[int, Any]]


async def prefetch(info: Info, rows: list[CaseRow]) -> Prefetched:
    """The item versions, centers and departments of a page of cases, only if the query asks for
    them, before the rows' fields are made: each row's field then holds its value, with no task per
    row. The app's caches answer first (an item version never changes; centers and departments are
    kept while the configuration generation holds); what they lack is read, each kind in one query.
    Returns, per field, its value by the row's key."""
    wanted = wanted_below(info, "edges", "node")
    ctx = info.context
    cache = cache_for(ctx.govhall, ctx.actor.config_generation)
    kinds: list[tuple[str, Any, dict[int, Any], Callable[[Any], Any]]] = []
    if "item" in wanted:
        memo = ctx.govhall.memo if ctx.govhall is not None else {}
        kinds.append(("item", ctx.loaders.item_version, _known({r.item_version_id for r in rows}, memo, "item_label"), _case_item))  # type: ignore[attr-defined]
    if "center" in wanted:
        known = cache.centers_by_id if cache is not None else {}
        kinds.append(("center", ctx.loaders.center, _known({r.center_id for r in rows}, known), _case_center))  # type: ignore[attr-defined]
    if "department" in wanted:
        known = cache.departments if cache is not None else {}
        ids = {r.department_id for r in rows if r.department_id is not None}  # type: ignore[attr-defined]
        kinds.append(("department", ctx.loaders.department, _known(ids, known), _department_code))
    missing = [[k for k, v in found.items() if v is _UNKNOWN] for _name, _loader, found, _make in kinds]
    loaded = await asyncio.gather(*(loader.load_many(keys) for (_n, loader, _f, _m), keys in zip(kinds, missing) if keys))
    made: Prefetched = {}
    for (name, _loader, found, make), keys in zip(kinds, missing):
        if keys:
            found.update(zip(keys, loaded.pop(0)))
            _remember(name, keys, found, memo=ctx.govhall.memo if ctx.govhall is not None else None, cache=cache)
        # a missing item or center is left to its field (an error there, as before); a department: None
        made[name] = {k: make(v) for k, v in found.items() if v is not None or name == "department"}
    return made


_UNKNOWN = object()


def _known(keys: set[int], known: Mapping[Any, Any], prefix: str | None = None) -> dict[int, Any]:
    """The rows ``known`` holds for ``keys`` (by ``(prefix, key)`` when a prefix is given), the others _UNKNOWN."""
    return {k: known.get((prefix, k) if prefix else k, _UNKNOWN) for k in keys}


def _remember(name: str, keys: list[int], found: dict[int, Any], *, memo: dict[Any, Any] | None, cache: Any) -> None:
    """Keep what a page read for the next pages: an item version's code, name and number forever
    (a published version never changes), centers and departments in the generation's cache."""
    for key in keys:
        row = found[key]
        if name == "item" and memo is not None and row is not None:
            memo[("item_label", key)] = row
        elif name == "center" and cache is not None and row is not None:
            cache.centers_by_id[key] = row
        elif name == "department" and cache is not None:
            cache.departments[key] = row


FIELDS_WITHOUT_JSON = frozenset({
    "__typename", "id", "number", "state", "stateLabel", "kind", "kindLabel", "version", "urgent", "channel",
    "submittedAt", "acceptedAt", "completedAt", "promisedDue", "legalDue", "deadlineProvisional", "alert",
    "applicantName", "item", "center", "department",
})
"""The case's fields that :func:`case_type` makes from the row's other columns than its data and
flags (the resolvers may read any column): a list asking for no others leaves those unread."""


def case_type(row: CaseRow, ctx: Context, prefetched: Prefetched | None = None) -> CaseType:
    """The GraphQL case of ``row`` for the request ``ctx``; ``prefetched``: what :func:`prefetch`
    made for the page."""
    loaders = ctx.loaders
    made = prefetched or {}
    version = row.__dict__.get("_item_version")  # fetched with the case (one case), else batched
    if isinstance(version, ItemVersion):
        item: Any = _case_item(version)
    else:
        item = _loaded(loaders.item_version, row.item_version_id, made=made.get("item"), make=_case_item)  # type: ignore[attr-defined]
    center = row.__dict__.get("_center")  # the app's cached center (one case), else batched
    if isinstance(center, CenterRow):
        case_center: Any = _case_center(center)
    else:
        case_center = _loaded(loaders.center, row.center_id, made=made.get("center"), make=_case_center)  # type: ignore[attr-defined]
    department_id = row.department_id  # type: ignore[attr-defined]
    department: Any = None
    if department_id is not None:
        department = _loaded(loaders.department, department_id, made=made.get("department"), make=_department_code)
    return CaseType(
        _row=row, id=strawberry.ID(str(row.id)), number=row.number, state=row.state, kind=row.kind, data=row.data,
        version=row.version, urgent=row.urgent, channel=row.channel, submitted_at=row.submitted_at,
        accepted_at=row.accepted_at, completed_at=row.completed_at, promised_due=row.promised_due,
        legal_due=row.legal_due, deadline_provisional=row.deadline_provisional,
        alert=Alert(row.alert) if service.sees_supervision(ctx.actor, row.center_id) else Alert.NONE,  # type: ignore[attr-defined]
        applicant_name=row.applicant_name, state_label=_state_label(ctx.govhall, row),  # type: ignore[arg-type]
        kind_label=service.KIND_LABELS.get(row.kind, row.kind), item=item, center=case_center, department=department,
    )


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class CaseEdge:
    node: CaseType
    cursor: str


@strawberry.type
class CaseConnection:
    edges: list[CaseEdge]
    page_info: PageInfo


@strawberry.type
class RatingType:
    case_id: strawberry.ID
    level: int
    comment: str
    channel: str = strawberry.field(description="评价渠道：网上 或 现场（同办件的 ratingChannel）")


SubmitCaseResult = Annotated[CaseType | UserErrors, strawberry.union("SubmitCaseResult")]
TransitionCaseResult = Annotated[CaseType | UserErrors, strawberry.union("TransitionCaseResult")]
RateCaseResult = Annotated[RatingType | UserErrors, strawberry.union("RateCaseResult")]
PageSize = Annotated[int, strawberry.argument(
    description=f"每页条数，0 至 {service.MAX_PAGE}（更大按 {service.MAX_PAGE}）；0 只看 pageInfo.hasNextPage"
)]


@strawberry.type
class Query:
    @strawberry.field(description="一个办件（申请人只能看自己的，工作人员看本中心/本部门的）")
    async def case(self, info: Info, id: strawberry.ID) -> CaseType:
        ctx = info.context
        raw = info._raw_info
        if not selects_directly(raw.field_nodes, raw.fragments, "events"):
            return case_type(await service.load_visible_case(ctx.actor, id, ctx.govhall), ctx)
        # the case's page: its events come with it, in one round trip, for the events field
        row, events = await service.load_visible_case_with_events(ctx.actor, id, ctx.govhall)
        ctx.loaders.events.prime(row.id, events)
        return case_type(row, ctx)

    @strawberry.field(description="办件列表：急办件优先，其余按提交先后；游标分页")
    async def cases(
        self, info: Info, center: str, state: str | None = None, kind: str | None = None, alert: Alert | None = None,
        department: str | None = None, mine: bool = False, first: PageSize = 20, after: str | None = None,
        search: Annotated[str | None, strawberry.argument(description="办件编号、申请人姓名、身份证号码、统一社会信用代码或手机号码（包含即可）")] = None,
    ) -> CaseConnection:
        page = await service.list_cases(
            info.context.actor, center, state=state, kind=kind, alert=alert.value if alert else None,
            department=department, mine=mine, first=first, after=after, search=search, govhall=info.context.govhall,
            without_json=wanted_below(info, "edges", "node") <= FIELDS_WITHOUT_JSON,
        )
        made = await prefetch(info, page.cases)
        ctx = info.context
        edges = [CaseEdge(node=case_type(c, ctx, made), cursor=service.encode_cursor(c)) for c in page.cases]
        return CaseConnection(edges=edges, page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor))

    @strawberry.field(description="我的办件：本人申请或代办的办件，所有中心合在一起，新提交的在前；游标分页")
    async def my_cases(self, info: Info, first: PageSize = 20, after: str | None = None) -> CaseConnection:
        page = await my_cases.list_my_cases(info.context.actor, first=first, after=after)
        made = await prefetch(info, page.cases)
        ctx = info.context
        edges = [CaseEdge(node=case_type(c, ctx, made), cursor=my_cases.encode_cursor(c)) for c in page.cases]
        return CaseConnection(edges=edges, page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor))


@strawberry.type
class Mutation:
    @strawberry.mutation(description="提交办件（线上线下无差别）；代办时 onBehalfOf 为申请人账号，须有已受理的代办申请或随件提交授权委托书（目录编码 wts）；窗口人员为现场申请人申报时 onBehalfOf 亦为申请人账号，记为窗口受理，该人员为首问负责人而非代办人")
    async def submit_case(
        self, info: Info, center: str, item: str, data: JSON, materials: list[strawberry.ID] | None = None,
        on_behalf_of: str | None = None,
        channel: Annotated[str | None, strawberry.argument(description="申报渠道：web 网上申报、window 窗口受理（仅限窗口人员为申请人代为申报）、mobile 移动端、courier 快递；不填时窗口人员代为申报的为 window，其余为 web")] = None,
        submit_key: Annotated[str | None, strawberry.argument(description="本次填写的提交标识（表单生成，如随机 UUID，至多64个字符）：网络中断未收到答复而再次提交同一标识时，返回已提交的办件，不重复立案")] = None,
        allow_duplicate: Annotated[bool | None, strawberry.argument(description="申请人已有该事项的在办件（同一账号、同一申请人名称）时默认拒绝（duplicate_case）；确认确需再次申报（如两处房产）时为 true")] = None,
    ) -> SubmitCaseResult:
        ctx = info.context
        return await mutation_result(
            lambda: service.submit_case(
                govhall=ctx.govhall,
                actor=ctx.actor,
                center_code=center,
                item_code=item,
                data=data,
                on_behalf_of=on_behalf_of,
                channel=channel,
                materials=materials or (),
                submit_key=submit_key,
                allow_duplicate=bool(allow_duplicate),
            ),
            lambda c: case_type(c, ctx),
        )

    @strawberry.mutation(description="执行办件动作；expectedVersion 防止并发覆盖（冲突时返回 conflict；本人刚已执行同一动作的，其 path 为 /action，无需重试）")
    async def transition_case(
        self, info: Info, id: strawberry.ID, action: str, comment: str | None = None, data: JSON | None = None,
        expected_version: int | None = None,
    ) -> TransitionCaseResult:
        ctx = info.context
        return await mutation_result(
            lambda: service.transition_case(ctx.govhall, ctx.actor, id, action, comment=comment or "",
                                            params=data or {}, expected_version=expected_version),
            lambda c: case_type(c, ctx),
        )

    @strawberry.mutation(description="好差评：1 非常不满意 … 5 非常满意")
    async def rate_case(self, info: Info, id: strawberry.ID, level: int, comment: str | None = None) -> RateCaseResult:
        return await mutation_result(
            lambda: rate_case(info.context.actor, id, level, comment or ""),
            lambda r: RatingType(case_id=strawberry.ID(str(r.case_id)), level=r.level, comment=r.comment,
                                 channel=RATING_CHANNELS.get(r.channel, r.channel)),
        )
