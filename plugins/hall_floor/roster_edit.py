"""编辑值班表: the supervisor (or administrator) views and changes the center's duty roster on a screen.

The saved roster is a row of :class:`.models.StoredRoster` in the center file's form (see
:mod:`.roster`); from then on it is the roster in force, a re-import of the center file does not
touch it. Every save appends a :class:`.models.RosterChange` (who, when, before, after, what changed).

A change is checked as a whole: capacities and booking horizon within bounds, periods ``HH:MM-HH:MM``
that start before they end and do not overlap, duty Saturdays that are Saturdays still to come, windows
of the center still open (a closed one, 撤销, only where the roster in force already names it) and
queues of the center. A change that would leave a booking already made outside the roster (its
period no longer open that day, or more bookings in its slot than the new capacity) is refused, with
those bookings listed: they are cancelled (and their holders told) first, or the change is narrowed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from tortoise.transactions import in_transaction

from core.api import Actor, Center, UserError, UserErrorsException, Window, closed_window_error, cn_date, local_today, lock_scope, now, parse_period

from .floor import STAFF, Queue, floor_center, queues
from .models import Booking, RosterChange, StoredRoster
from .roster import ROSTER_LOCK, Roster, current_roster, open_periods, roster

EDIT_ROLES = ("supervisor", "admin")
MAX_CAPACITY = 200
MAX_DAYS_AHEAD = 90
EARLIEST, LATEST = time(6, 0), time(22, 0)
LISTED = 10
LABELS = {
    "capacity": "每时段人数上限", "daysAhead": "可提前预约天数", "periods": "工作日时段", "extendedPeriods": "错时/延时时段",
    "saturdays": "值班周六", "saturdayPeriods": "周六时段", "saturdayWindows": "周六值班窗口", "queues": "可预约业务",
}


@dataclass(frozen=True)
class RosterView:
    center: Center
    document: dict[str, Any]
    stored: StoredRoster | None
    history: list[RosterChange]
    windows: list[Window]
    queues: list[Queue]
    can_edit: bool


def as_document(rules: Roster) -> dict[str, Any]:
    """A roster in the center file's form (``settings.hallFloor.roster``)."""
    return {
        "capacity": rules.capacity, "daysAhead": rules.days_ahead, "periods": list(rules.periods),
        "extendedPeriods": list(rules.extended),
        "saturdays": "every" if rules.saturdays == "every" else sorted(rules.saturdays),
        "saturdayPeriods": list(rules.saturday_periods), "saturdayWindows": list(rules.saturday_windows),
        "queues": list(rules.queues) if rules.queues is not None else None,
    }


async def view(actor: Actor, center_code: str) -> RosterView:
    """The roster in force with its change history (staff of the center)."""
    center = await floor_center(center_code)
    actor.require(center.id, *STAFF)
    stored = await StoredRoster.get_or_none(center_id=center.id).select_related("updated_by")
    history = await RosterChange.filter(center_id=center.id).order_by("-id").limit(50).select_related("user")
    return RosterView(
        center=center, document=as_document(await current_roster(center)), stored=stored, history=list(history),
        windows=list(await Window.filter(center_id=center.id, closed_at__isnull=True).order_by("code")), queues=await queues(center),
        can_edit=actor.has(center.id, *EDIT_ROLES),
    )


def _periods(values: Any, key: str, errors: list[UserError]) -> list[tuple[time, time]]:
    spans: list[tuple[time, time]] = []
    for i, text in enumerate(values):
        try:
            start, end = parse_period(str(text))
        except ValueError:
            errors.append(UserError("period", f"“{text}”不是有效时段，应写作 09:00-10:00", f"/{key}/{i}"))
            continue
        if not start < end:
            errors.append(UserError("period", f"时段“{text}”的开始时间应早于结束时间", f"/{key}/{i}"))
        elif start < EARLIEST or end > LATEST:
            errors.append(UserError("period", f"时段“{text}”应在06:00至22:00之间", f"/{key}/{i}"))
        else:
            spans.append((start, end))
    return spans


def _overlaps(spans: list[tuple[time, time]], where: str, path: str, errors: list[UserError]) -> None:
    ordered = sorted(spans)
    for (a_start, a_end), (b_start, b_end) in zip(ordered, ordered[1:]):
        if b_start < a_end:
            errors.append(UserError("overlap", f"{where}中 {a_start:%H:%M}-{a_end:%H:%M} 与 {b_start:%H:%M}-{b_end:%H:%M} 重叠", path))


def _number(doc: Mapping[str, Any], key: str, high: int, errors: list[UserError]) -> None:
    value = doc.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= high:
        errors.append(UserError("range", f"{LABELS[key]}应为1至{high}之间的整数", f"/{key}"))


def _saturdays(doc: Mapping[str, Any], before: Mapping[str, Any], today: date, errors: list[UserError]) -> None:
    value = doc.get("saturdays")
    if value == "every":
        return
    kept = set(before.get("saturdays") or ()) if before.get("saturdays") != "every" else set()
    for i, text in enumerate(value or ()):
        try:
            day = date.fromisoformat(str(text))
        except ValueError:
            errors.append(UserError("date", f"“{text}”不是有效日期（如 2026-12-05）", f"/saturdays/{i}"))
            continue
        if day.weekday() != 5:
            errors.append(UserError("not_saturday", f"{cn_date(day)}不是星期六", f"/saturdays/{i}"))
        elif day <= today and day.isoformat() not in kept:
            errors.append(UserError("past", f"值班周六{cn_date(day)}已过，只能新增今后的周六", f"/saturdays/{i}"))


async def check(center: Center, doc: Mapping[str, Any], before: Mapping[str, Any], today: date) -> list[UserError]:
    """Every problem of a roster document (all at once)."""
    errors: list[UserError] = []
    _number(doc, "capacity", MAX_CAPACITY, errors)
    _number(doc, "daysAhead", MAX_DAYS_AHEAD, errors)
    day_spans = _periods(doc.get("periods") or (), "periods", errors)
    if not doc.get("periods"):
        errors.append(UserError("required", "请至少设置一个工作日时段", "/periods"))
    day_spans += _periods(doc.get("extendedPeriods") or (), "extendedPeriods", errors)
    _overlaps(day_spans, "工作日时段和错时/延时时段", "/extendedPeriods" if doc.get("extendedPeriods") else "/periods", errors)
    saturday_spans = _periods(doc.get("saturdayPeriods") or (), "saturdayPeriods", errors)
    _overlaps(saturday_spans, "周六时段", "/saturdayPeriods", errors)
    _saturdays(doc, before, today, errors)
    if doc.get("saturdays") and not doc.get("saturdayPeriods"):
        errors.append(UserError("required", "有值班周六时请设置周六时段", "/saturdayPeriods"))
    if doc.get("saturdays") and not doc.get("saturdayWindows"):
        errors.append(UserError("required", "有值班周六时请选择值班窗口", "/saturdayWindows"))
    windows = {w.code: w for w in await Window.filter(center_id=center.id)}
    kept = set(before.get("saturdayWindows") or ())  # a window the roster in force names stays, closed or not
    for i, code in enumerate(doc.get("saturdayWindows") or ()):
        if code not in windows:
            errors.append(UserError("unknown_window", f"本中心没有窗口“{code}”", f"/saturdayWindows/{i}"))
        elif code not in kept and (closed := closed_window_error(windows[code], f"/saturdayWindows/{i}", doing="安排周六值班")):
            errors.append(closed)
    known = {q.code for q in await queues(center)}
    chosen = doc.get("queues")
    if chosen is not None and not chosen:
        errors.append(UserError("required", "请至少选择一类可预约的业务", "/queues"))
    for i, code in enumerate(chosen or ()):
        if code not in known:
            errors.append(UserError("unknown_queue", f"没有“{code}”类业务", f"/queues/{i}"))
    return errors


async def affected_bookings(center: Center, rules: Roster, today: date) -> list[Booking]:
    """The bookings still to come that ``rules`` would leave outside the roster: their period no longer
    open that day, or beyond the new capacity of their slot (the latest bookings of the slot)."""
    found = {q.code: q for q in await queues(center)}
    booked = await Booking.filter(center_id=center.id, status="booked", day__gte=today).order_by("day", "period", "id") \
        .select_related("user")
    open_on: dict[tuple[str, date], tuple[str, ...]] = {}
    per_slot: dict[str, int] = {}
    affected: list[Booking] = []
    for b in booked:
        key = (b.queue, b.day)
        if key not in open_on:
            open_on[key] = (await open_periods(center, found[b.queue], b.day, rules))[0] if b.queue in found else ()
        per_slot[b.slot] = per_slot.get(b.slot, 0) + 1
        if b.period not in open_on[key] or per_slot[b.slot] > rules.capacity:
            affected.append(b)
    return affected


def _describe(b: Booking) -> str:
    who = b.user.display_name or b.user.username
    return f"{cn_date(b.day)} {b.period} {b.queue}类 {who}"


def _summary(before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    def shown(value: Any) -> str:
        if value is None:
            return "全部"
        if value == "every":
            return "每周六"
        if isinstance(value, list):
            return "、".join(map(str, value)) or "无"
        return str(value)

    parts = [f"{label}：{shown(before.get(key))} → {shown(after.get(key))}"
             for key, label in LABELS.items() if before.get(key) != after.get(key)]
    return "；".join(parts) or "无变化"


def normalized(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The submitted roster with text trimmed, dates and lists sorted the way they are stored."""
    def texts(key: str) -> list[str]:
        return [str(v).strip().replace(" ", "") for v in doc.get(key) or () if str(v).strip()]

    saturdays = doc.get("saturdays")
    return {
        "capacity": doc.get("capacity"), "daysAhead": doc.get("daysAhead"),
        "periods": texts("periods"), "extendedPeriods": texts("extendedPeriods"),
        "saturdays": "every" if saturdays == "every" else sorted(set(texts("saturdays"))),
        "saturdayPeriods": texts("saturdayPeriods"), "saturdayWindows": texts("saturdayWindows"),
        "queues": texts("queues") if doc.get("queues") is not None else None,
    }


async def save(actor: Actor, center_code: str, submitted: Mapping[str, Any]) -> RosterView:
    """Check and store the roster, audited; refused (nothing written) with every problem, or with the
    bookings it would leave outside the roster."""
    center = await floor_center(center_code)
    user = actor.require(center.id, *EDIT_ROLES)
    today = local_today()
    doc = normalized(submitted)
    async with in_transaction():
        # no booking is checked against the old roster while this one is checked and stored
        await lock_scope(center, ROSTER_LOCK)
        before = as_document(await current_roster(center))
        errors = await check(center, doc, before, today)
        if errors:
            raise UserErrorsException(errors)
        rules = roster(center, doc)
        affected = await affected_bookings(center, rules, today)
        if affected:
            listed = "；".join(_describe(b) for b in affected[:LISTED]) + (f"等{len(affected)}个" if len(affected) > LISTED else "")
            raise UserErrorsException.single(
                "bookings_affected",
                f"修改后有{len(affected)}个已预约的时段不再开放或超出人数上限：{listed}。请先取消这些预约（并告知预约人），或保留相应时段",
                "/periods",
            )
        if doc != before:
            moment = now()  # the product's clock, which the screen's 最近修改 and the history show
            stored, _ = await StoredRoster.get_or_create(center_id=center.id, defaults={"document": doc, "updated_by": user})
            # an update, not save(): save() stamps the auto_now updated_at with the machine's clock
            await StoredRoster.filter(id=stored.id).update(document=doc, updated_by_id=user.id, updated_at=moment)
            await RosterChange.create(center_id=center.id, user=user, before=before, after=doc, summary=_summary(before, doc),
                                      at=moment)
    return await view(actor, center_code)

