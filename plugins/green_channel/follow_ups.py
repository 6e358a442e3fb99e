"""先办理，后补齐, followed through: the secondary materials a green-channel case was accepted without
are due by a date, the window records when they arrive, and the window is told once when they are
late.

* **Deadline.** ``settings.greenChannel.followDays`` working days (default :data:`DEFAULT_FOLLOW_DAYS`)
  on the center's calendar, counted from the day after acceptance as every time limit is
  (``2026年3月6日`` accepted on a Friday with 5 days: due the next Friday; holidays and make-up
  working days count as the calendar says). The acceptance notice prints it: 请于…前补齐. A date
  counted over days of a year whose holiday schedule is not published yet is 暂定 (provisional), as
  the core's due dates are, on the notice, the screens and the printed form; when that year's
  calendar is imported (the core's ``calendar_imported`` hook) every date still to come from it on
  is counted again with the days it was counted with, as the core recounts its cases'.
* **Receipt.** A clerk or the chief representative of the case's center records what arrived with
  the core's counter receipt (:func:`core.api.record_counter_receipt`, the ``received`` rows of the
  acceptance), so the case's material list shows them; the audit event ``green_follow_up`` names
  what came and what is still to come.
* **Late.** A follow-up not received after its due date is late (已逾期) on the register and the
  case page; the ``sweep_tick`` round after the due date sends the window's people (the clerk who
  accepted, the case's responsible clerk, the clerks of the window) one internal message and writes
  ``green_follow_overdue`` on the case, as 电子监察.

A follow-up stays outstanding until the window records it, whatever becomes of the case (the
applicant undertook to supply it when the case was accepted without it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from core.api import (
    Actor,
    Case,
    Center,
    GovHall,
    RoleAssignment,
    User,
    UserError,
    UserErrorsException,
    WorkCalendar,
    applicant_recipient,
    calendar_for,
    case_flag,
    cn_date,
    load_visible_case,
    local_today,
    record_case_event,
    record_counter_receipt,
    require_plugin,
    send_sms,
    send_staff_message,
)
from core.api import now as clock_now

from .models import FollowUp, GreenStep

PLUGIN = "green_channel"
DEFAULT_FOLLOW_DAYS = 5
MAX_FOLLOW_DAYS = 60
RECEIVE_ROLES = ("clerk", "head")
RECEIVED_ACTION = "green_follow_up"
OVERDUE_ACTION = "green_follow_overdue"
SWEEPER_NAME = "电子监察"

OUTSTANDING = "outstanding"
OVERDUE = "overdue"
RECEIVED = "received"
NOT_NEEDED = "not_needed"
STATE_LABELS = {OUTSTANDING: "待补齐", OVERDUE: "已逾期", RECEIVED: "已补齐", NOT_NEEDED: "无需补齐（不予许可）"}
# The case state after which a material to follow is no longer asked for: the application was
# refused, so nothing more is decided on it (a case approved still owes its materials).
REFUSED_OUTCOME = "refused"


def follow_days(center: Center) -> int:
    """The center's ``settings.greenChannel.followDays`` (working days), else the default."""
    settings = (center.settings or {}).get("greenChannel") or {}
    days = settings.get("followDays") if isinstance(settings, Mapping) else None
    if isinstance(days, int) and not isinstance(days, bool) and 1 <= days <= MAX_FOLLOW_DAYS:
        return days
    return DEFAULT_FOLLOW_DAYS


@dataclass(frozen=True)
class FollowDue:
    """When the materials to follow are due: the date, whether it is 暂定, the working days counted."""

    due: date
    provisional: bool
    working_days: int


def count_due(calendar: WorkCalendar, accepted_on: date, working_days: int) -> FollowDue:
    """``working_days`` on the center's calendar from the day after ``accepted_on``: the date and,
    as for the core's deadlines, whether a day counted is provisional."""
    deadline = calendar.add_working_days(accepted_on, working_days, explain=False)
    assert deadline.due is not None  # no pause: a date is always found
    return FollowDue(deadline.due, deadline.provisional, working_days)


async def due_for(center: Center, accepted_at: datetime) -> FollowDue:
    """The last day to supply the materials of a case accepted at ``accepted_at``."""
    return count_due(await calendar_for(center), local_today(accepted_at), follow_days(center))


async def open_follow_ups(step: GreenStep, materials: Sequence[tuple[str, str]], due: FollowDue) -> None:
    """One follow-up per material (``(code, name)``) named at the step's acceptance."""
    await FollowUp.bulk_create([
        FollowUp(step_id=step.id, code=code, name=name, due=due.due, provisional=due.provisional,
                 working_days=due.working_days)
        for code, name in materials
    ])


async def recount_dues(govhall: GovHall, center: Center, year: int) -> int:
    """A calendar of ``year`` was imported (``calendar_imported``, in the import's transaction):
    every material still to come of the center due on or after 1 January of ``year`` is counted
    again from its acceptance with the working days it was counted with, as the core recounts its
    open cases' deadlines; its 暂定 mark follows. A date moved to today or later is told again
    when late. Each case whose dates moved gets one history entry (``follow_due_recomputed``,
    by 系统) naming each material's old and new date. Returns how many changed."""
    calendar = await calendar_for(center)
    today = local_today()
    rows = await FollowUp.filter(step__project__center_id=center.id, received_at=None, due__gte=date(year, 1, 1)) \
        .exclude(step__outcome=REFUSED_OUTCOME).select_related("step").order_by("id")
    changed = 0
    moved: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        if row.step.accepted_at is None:
            continue
        again = count_due(calendar, local_today(row.step.accepted_at), row.working_days or follow_days(center))
        if (again.due, again.provisional) == (row.due, row.provisional):
            continue
        values: dict[str, Any] = {"due": again.due, "provisional": again.provisional, "working_days": again.working_days}
        if again.due != row.due and again.due >= today:
            values["overdue_checked_at"] = None
        await FollowUp.filter(id=row.id).update(**values)
        if again.due != row.due:
            moved.setdefault(row.step.case_id, []).append(  # type: ignore[attr-defined]
                {"material": row.code, "name": row.name, "followDue": [_iso(row.due), _iso(again.due)]})
        changed += 1
    for case_id, materials in moved.items():
        case = await Case.get(id=case_id)
        await record_case_event(govhall, Actor(), case, "follow_due_recomputed", comment="工作日历变更，后补材料期限已重新计算",
                                changes={"followUps": materials}, actor_name="系统")
    return changed


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def state_of(row: FollowUp, today: date, outcome: str = "") -> str:
    """Received, else no longer needed once the case was refused (``outcome``: the state its step
    finished in), else late from the day after its due date, else outstanding."""
    if row.received_at is not None:
        return RECEIVED
    if outcome == REFUSED_OUTCOME:
        return NOT_NEEDED
    if row.due is not None and today > row.due:
        return OVERDUE
    return OUTSTANDING


# --- the window records what arrived ----------------------------------------------------------


async def record_receipt(govhall: GovHall, actor: Actor, case_id: Any, *, received: Any, comment: str = "") -> GreenStep:
    """The window received (some of) a green-channel case's materials to follow: the counter receipt
    and the follow-ups marked received, in one change with its audit event. Every problem at once."""
    case = await load_visible_case(actor, case_id)
    require_plugin(case.center, PLUGIN)
    actor.require(case.center.id, *RECEIVE_ROLES)
    step = await GreenStep.get_or_none(case_id=case.id).select_related("project")
    if step is None or not case_flag(case, PLUGIN):
        raise UserErrorsException.single(
            "green.not_green", f"办件{case.number}未纳入绿色通道，没有“先办理，后补齐”的后补材料", "/case")
    rows = await FollowUp.filter(step_id=step.id).order_by("id")
    refused = step.outcome == REFUSED_OUTCOME
    pending = {} if refused else {r.code: r for r in rows if r.received_at is None}
    problems: list[UserError] = []
    if refused:
        problems.append(UserError("green.not_outstanding", f"办件{case.number}已不予许可，后补材料无需补齐", "/received"))
    elif not pending:
        problems.append(UserError("green.not_outstanding", f"办件{case.number}没有待补齐的后补材料", "/received"))
    taken: dict[str, FollowUp] = {}
    if pending:
        every = {r.code: r for r in rows}
        names = _item_names(case)
        for i, entry in enumerate(received if isinstance(received, list) else []):
            code = entry.get("material") if isinstance(entry, Mapping) else None
            if not isinstance(code, str) or code not in names:
                continue  # not a material of the item: the counter receipt says so
            if code in pending:
                taken[code] = pending[code]
            elif code in every:
                problems.append(UserError("green.not_outstanding", f"“{names[code]}”已于{cn_date(_local_date(every[code].received_at))}补齐，"
                                          "无需再次登记", f"/received/{i}/material"))
            else:
                problems.append(UserError("green.not_outstanding", f"“{names[code]}”不是本办件“先办理，后补齐”的后补材料，"
                                          f"待补齐的是：{'、'.join(r.name for r in pending.values())}", f"/received/{i}/material"))
    user = actor.require_login()
    left = [r.name for code, r in pending.items() if code not in taken]

    async def work(_: Case) -> dict[str, Any]:
        await FollowUp.filter(id__in=[r.id for r in taken.values()], received_at=None).update(
            received_at=clock_now(), received_by_id=user.id)
        return {"greenChannel": {"project": step.project.number, "followedUp": [r.name for r in taken.values()],
                                 "outstanding": left}}

    await record_counter_receipt(govhall, actor, case, received, action=RECEIVED_ACTION, comment=(comment or "").strip(),
                                 problems=problems, work=work)
    return step


def _item_names(case: Case) -> dict[str, str]:
    return {str(m["code"]): str(m.get("name", m["code"])) for m in (case.item_version.definition or {}).get("materials", [])
            if m.get("code")}


def _local_date(moment: datetime | None) -> date | None:
    return local_today(moment) if moment is not None else None


# --- late: tell the window once ---------------------------------------------------------------


class _Taken(Exception):
    """Another sweeper told the window first: this one's event is rolled back."""


async def window_people(center: Center, step: GreenStep, case: Case) -> list[User]:
    """Who hears of a late material: the clerk who accepted, the case's responsible clerk, the clerks
    and chief representatives of the step's window; the center's chief representatives when none."""
    ids: list[int] = [i for i in (step.accepted_by_id, case.responsible_id) if i]  # type: ignore[attr-defined]
    if step.window_id:  # type: ignore[attr-defined]
        ids += await RoleAssignment.filter(center_id=center.id, window_id=step.window_id,  # type: ignore[attr-defined]
                                           role__in=list(RECEIVE_ROLES)).order_by("id").values_list("user_id", flat=True)
    if not ids:
        ids = await RoleAssignment.filter(center_id=center.id, role="head").order_by("id").values_list("user_id", flat=True)
    users = {u.id: u for u in await User.filter(id__in=list(set(ids)), active=True)}
    return [users[i] for i in dict.fromkeys(ids) if i in users]


async def warn_overdue(govhall: GovHall, center: Center, now: datetime) -> int:
    """Tell the window, once, of each case whose materials to follow were due before today and have
    not come: an internal message to :func:`window_people` and an audit event on the case. Returns
    the number of cases told."""
    today = local_today(now)
    late = await FollowUp.filter(step__project__center_id=center.id, received_at=None, overdue_checked_at=None,
                                 due__lt=today).exclude(step__outcome=REFUSED_OUTCOME).order_by("step_id", "id")
    by_step: dict[int, list[FollowUp]] = {}
    for row in late:
        by_step.setdefault(row.step_id, []).append(row)  # type: ignore[attr-defined]
    told = 0
    for step_id, rows in by_step.items():
        if await _warn_step(govhall, center, step_id, rows=rows, now=now):
            told += 1
    return told


async def _warn_step(govhall: GovHall, center: Center, step_id: int, *, rows: list[FollowUp], now: datetime) -> bool:
    ids = [r.id for r in rows]
    step = await GreenStep.get(id=step_id).select_related("project")
    case = await Case.get(id=step.case_id).select_related("item_version")  # type: ignore[attr-defined]
    case.center = center
    people = await window_people(center, step, case)
    names = "、".join(r.name for r in rows)
    due = min(r.due for r in rows if r.due is not None)
    late = f"“先办理，后补齐”的后补材料{names}应于{cn_date(due)}前补齐，已逾期未补"
    text = f"【后补材料逾期】办件{case.number}（{case.item_version.name}，申请人{case.applicant_name}）{late}，请联系申请人尽快补齐。"

    async def work(locked: Case) -> dict[str, Any]:
        claimed = await FollowUp.filter(id__in=ids, overdue_checked_at=None).update(overdue_checked_at=now)
        if claimed != len(ids):
            raise _Taken()
        await send_staff_message(center, people, text, case=locked)
        return {}

    try:
        await record_case_event(
            govhall, Actor(), case, OVERDUE_ACTION, actor_name=SWEEPER_NAME, comment=late, work=work,
            changes={"notice": "后补材料逾期提醒", "to": [p.display_name or p.username for p in people],
                     "greenChannel": {"project": step.project.number, "overdue": [r.name for r in rows],
                                      "due": due.isoformat()}},
        )
    except _Taken:
        return False
    except UserErrorsException:  # the case changed meanwhile (conflict): the next round tells
        return False
    await send_sms(govhall, center, await applicant_recipient(case), applicant_text(center, case, names, due), case=case)
    return True


def applicant_text(center: Center, case: Case, names: str, due: date) -> str:
    """后补材料逾期 SMS to the applicant: what is late, since when, and where to bring it."""
    return (f"【{center.name}】您的办件{case.number}（{case.item_version.name}）按“先办理，后补齐”应于{cn_date(due)}前"
            f"补交的材料{names}尚未收到，请尽快携带原件到窗口补交。")


@dataclass(frozen=True)
class FollowUpView:
    """One material to follow, as the screens and the printed form show it."""

    code: str
    name: str
    due: date | None
    received_at: datetime | None
    received_by: str
    state: str
    state_label: str
    overdue_told_at: datetime | None
    provisional: bool = False
    """The due date is 暂定 (a year's calendar it was counted over is not published yet)."""
