"""Measured facts per window, staff member or department for one period, as SQL aggregates.

Counts over all cases (completion, ratings) are ``GROUP BY`` queries; only the few exceptional
rows (overdue cases, overturned returns, verified complaints, dissatisfied ratings) are read one by
one, because each is named in the explanation. Definitions:

* A case's **window** is ``gh_case.window_id``, else the window of the case's department (the
  lowest id among windows whose ``department`` it is). A case's **staff** are the clerk
  responsible for it (首问负责) and every reviewer who recorded an event on it.
* ``overdue_days``: working days (the center's calendar) after ``promised_due`` that fall in the
  period, up to completion or, for open cases, today or the start of an open pause (a paused clock
  keeps its old due date) — each overdue working day counts once, in the period it falls in.
  ``overdue_cases``: the cases with any.
* ``completion_shortfall``: 100 − the percentage of cases due in the period (``promised_due`` from
  its start to its end, or to yesterday for the current period) completed by their due date; an
  open case whose clock was paused by its due date is not yet due.
* ``overturned_returns``: cases returned (action ``return``) and accepted on review in the period
  (可作收件处理而未收件); for staff, charged to who returned it. ``faulty_cases``: those plus the
  cases with a complaint verified in the period.
* ``rating_average`` / ``dissatisfied_ratings``: ratings given in the period (level ≤ 2: 不满意): the
  cases' (the core's ``rating``), and those given at a window that are no case's, which other plugins
  report (``assessment_window_ratings``: a rating tablet's of a queue number served without a case),
  counted for that window, its department and the member of staff who served.
* ``verified_complaints``: complaints filed in the period and found substantiated (read through
  ``core.api.verified_complaints``: complaints are a core service); charged to the complaint's
  department / window / staff member, else to the case's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from core.api import (
    DEPARTMENT_ORDER,
    WINDOW_ORDER,
    Case,
    Center,
    COMPLAINT_CHANNELS,
    local_midnight,
    Complaint,
    Department,
    RoleAssignment,
    User,
    Window,
    acall,
    calendar_for,
    fetch_rows,
    verified_complaints,
    is_postgres,
    local_today,
)

from .models import ManualScore
from .periods import Period
from .scoring import FactItem, Facts, ManualEntry, Measure, fmt

STAFF_ROLES = ("clerk", "reviewer", "head", "pickup")
REVIEWER_ROLE = "reviewer"
RETURN_ACTION = "return"
DISSATISFIED_LEVEL = 2
CHANNELS = COMPLAINT_CHANNELS

WINDOW_OF_CASE = (
    "COALESCE(c.window_id, (SELECT MIN(w.id) FROM service_window w "
    "WHERE w.center_id = c.center_id AND w.department_id = c.department_id))"
)
SUBJECT_OF_CASE = {"department": "c.department_id", "window": WINDOW_OF_CASE}
_COLUMNS = "c.id AS case_id, c.number AS number, c.promised_due AS promised_due, c.completed_on AS completed_on"
_PAUSED_ON = "(SELECT MIN(p.started_on) FROM pause p WHERE p.case_id = c.id AND p.ended_on IS NULL) AS paused_on"
_NOT_PAUSED_WHEN_DUE = (
    "(c.completed_on IS NOT NULL OR NOT EXISTS (SELECT 1 FROM pause p WHERE p.case_id = c.id "
    "AND p.ended_on IS NULL AND p.started_on <= c.promised_due))"
)


@dataclass(frozen=True)
class WindowRating:
    """A rating given at a window that is no case's (``assessment_window_ratings``)."""

    window: str
    staff: int | None
    level: int
    label: str


async def window_ratings(govhall: Any, center: Center, since: datetime, until: datetime) -> list[WindowRating]:
    """What the center's plugins answer to ``assessment_window_ratings`` for ``[since, until)``."""
    answers = await acall(govhall.hub.for_center(center).assessment_window_ratings, center=center, since=since,
                          until=until)
    return [WindowRating(window=str(r["window"]), staff=int(r["staff"]) if r.get("staff") else None,
                         level=int(r["level"]), label=str(r.get("label") or "现场评价"))
            for answer in answers for r in answer or ()]


@dataclass(frozen=True)
class Subject:
    id: int
    code: str
    name: str
    department_ids: tuple[int, ...] = ()


# --------------------------------------------------------------------------- SQL helpers


class _Sql:
    """Parameter types for the connected database; the SQL runs through :func:`core.api.fetch_rows`."""

    def __init__(self) -> None:
        self.postgres = is_postgres()

    def day(self, value: date) -> Any:
        return value if self.postgres else value.isoformat()

    def moment(self, value: datetime) -> Any:
        utc = value.astimezone(timezone.utc)
        return utc if self.postgres else utc.isoformat(sep=" ")

    async def rows(self, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        return await fetch_rows(sql, params)


def _case_source(
    kind: str, center_id: int, where: str, params: Sequence[Any], columns: str = _COLUMNS
) -> tuple[str, list[Any]]:
    """``(subject_id, case_id, number, promised_due, completed_on)`` of the center's cases that
    satisfy ``where`` (on ``c``), with the subject each case counts for."""
    if kind == "staff":
        sql = (
            f"SELECT c.responsible_id AS subject_id, {columns} FROM gh_case c "
            f"WHERE c.center_id = ? AND c.responsible_id IS NOT NULL AND {where} "
            f"UNION SELECT e.actor_id AS subject_id, {columns} FROM gh_case c JOIN case_event e ON e.case_id = c.id "
            f"WHERE c.center_id = ? AND e.role = ? AND e.actor_id IS NOT NULL AND {where}"
        )
        return sql, [center_id, *params, center_id, REVIEWER_ROLE, *params]
    sql = f"SELECT {SUBJECT_OF_CASE[kind]} AS subject_id, {columns} FROM gh_case c WHERE c.center_id = ? AND {where}"
    return sql, [center_id, *params]


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _local_bounds(period: Period) -> tuple[datetime, datetime]:
    return local_midnight(period.start), local_midnight(period.end + timedelta(days=1))


# --------------------------------------------------------------------------- subjects


async def subjects(center: Center, kind: str, *, also: Iterable[int] = ()) -> list[Subject]:
    """Who is ranked, in the center's order (how a ranking lists those with the same score): every
    window as 中心管理 lists them (``WINDOW_ORDER``), every department as 中心管理 and the statistics
    list them (``DEPARTMENT_ORDER``), or every staff member of the center, by the place of the window
    they sit at (the first, for one at several; those at none after), then by name. ``also``: staff
    who handled cases in the period but no longer hold a role there (at no window)."""
    if kind == "window":
        return [Subject(w.id, w.code, w.name) for w in await Window.filter(center_id=center.id).order_by(*WINDOW_ORDER)]
    if kind == "department":
        departments = await Department.filter(center_id=center.id).order_by(*DEPARTMENT_ORDER)  # the center's order
        return [Subject(d.id, d.code, d.name) for d in departments]
    place = {key: i for i, key in enumerate(
        await Window.filter(center_id=center.id).order_by(*WINDOW_ORDER).values_list("id", flat=True))}
    grants = await RoleAssignment.filter(center_id=center.id, role__in=STAFF_ROLES).values_list(
        "user_id", "department_id", "window_id")
    departments: dict[int, set[int]] = defaultdict(set)
    seat: dict[int, int] = {}
    for user_id, department_id, window_id in grants:
        departments[user_id].update([department_id] if department_id else [])
        if window_id in place:
            seat[user_id] = min(seat.get(user_id, len(place)), place[window_id])
    users = await User.filter(id__in=[*departments, *also])
    staff = [Subject(u.id, u.username, u.display_name or u.username, tuple(sorted(departments.get(u.id, ()))))
             for u in users]
    return sorted(staff, key=lambda s: (seat.get(s.id, len(place)), s.name, s.code))


# --------------------------------------------------------------------------- measured facts


class _Gatherer:
    def __init__(self, center: Center, kind: str, period: Period, today: date) -> None:
        self.center, self.kind, self.period, self.today = center, kind, period, today
        self.sql = _Sql()
        self.items: dict[str, dict[int, list[FactItem]]] = defaultdict(lambda: defaultdict(list))
        self.measures: dict[int, dict[str, Measure]] = defaultdict(dict)

    def source(self, where: str, params: Sequence[Any], columns: str = _COLUMNS) -> tuple[str, list[Any]]:
        return _case_source(kind=self.kind, center_id=self.center.id, where=where, params=params, columns=columns)

    async def completion(self) -> None:
        due_end = min(self.period.end, self.today - timedelta(days=1))
        if due_end < self.period.start:
            return
        src, params = self.source(f"c.promised_due >= ? AND c.promised_due <= ? AND {_NOT_PAUSED_WHEN_DUE}",
                                  [self.sql.day(self.period.start), self.sql.day(due_end)])
        rows = await self.sql.rows(
            f"SELECT s.subject_id AS subject, COUNT(*) AS due, SUM(CASE WHEN s.completed_on IS NOT NULL "
            f"AND s.completed_on <= s.promised_due THEN 1 ELSE 0 END) AS on_time FROM ({src}) s "
            f"WHERE s.subject_id IS NOT NULL GROUP BY s.subject_id", params)
        for row in rows:
            due, on_time = int(row["due"]), int(row["on_time"] or 0)
            rate = round(on_time / due * 100, 2)
            self.measures[int(row["subject"])]["completion_shortfall"] = Measure(
                value=round(100 - rate, 2), info={"rate": fmt(rate), "detail": f"本期应办结{due}件，按时办结{on_time}件"})

    async def overdue(self) -> None:
        last = min(self.period.end, self.today)
        src, params = self.source(
            "c.promised_due IS NOT NULL AND c.promised_due < ? AND (c.completed_on IS NULL OR "
            "(c.completed_on > c.promised_due AND c.completed_on >= ?))",
            [self.sql.day(last), self.sql.day(self.period.start)], f"{_COLUMNS}, {_PAUSED_ON}")
        rows = await self.sql.rows(f"SELECT * FROM ({src}) s WHERE s.subject_id IS NOT NULL ORDER BY s.number", params)
        calendar = await calendar_for(self.center)
        for row in rows:
            due, done = _as_date(row["promised_due"]), _as_date(row["completed_on"])
            assert due is not None
            before = max(due, self.period.start - timedelta(days=1))
            days = calendar.working_days_between(before, min(done or _as_date(row["paused_on"]) or last, last))
            if days > 0:
                subject = int(row["subject_id"])
                still = "" if done else "（尚未办结）"
                self.items["overdue_days"][subject].append(FactItem(f"{row['number']}{still}", days))
                self.items["overdue_cases"][subject].append(FactItem(f"{row['number']}（超期{days}个工作日）{still}"))

    async def overturned(self) -> dict[int, tuple[int, str]]:
        """Overturned returns by subject; returns {case id: (subject, number)} for faulty cases."""
        bounds = [self.sql.day(self.period.start), self.sql.day(self.period.end)]
        if self.kind == "staff":
            sql = ("SELECT DISTINCT e.actor_id AS subject, c.id AS case_id, c.number AS number FROM gh_case c "
                   "JOIN case_event e ON e.case_id = c.id WHERE c.center_id = ? AND c.accepted_on >= ? "
                   "AND c.accepted_on <= ? AND e.action = ? AND e.actor_id IS NOT NULL ORDER BY number")
        else:
            sql = (f"SELECT {SUBJECT_OF_CASE[self.kind]} AS subject, c.id AS case_id, c.number AS number "
                   "FROM gh_case c WHERE c.center_id = ? AND c.accepted_on >= ? AND c.accepted_on <= ? AND EXISTS "
                   "(SELECT 1 FROM case_event e WHERE e.case_id = c.id AND e.action = ?) ORDER BY c.number")
        found: dict[int, tuple[int, str]] = {}
        for row in await self.sql.rows(sql, [self.center.id, *bounds, RETURN_ACTION]):
            if row["subject"] is not None:
                self.items["overturned_returns"][int(row["subject"])].append(FactItem(str(row["number"])))
                found[int(row["case_id"])] = (int(row["subject"]), str(row["number"]))
        return found

    async def ratings(self, at_windows: Sequence[WindowRating]) -> None:
        """The cases' ratings of the period, and ``at_windows``: those given at a window that are no
        case's, for the window, its department or who served."""
        since, until = (self.sql.moment(t) for t in _local_bounds(self.period))
        rated = "c.id IN (SELECT r.case_id FROM rating r WHERE r.at >= ? AND r.at < ?)"
        src, params = self.source(rated, [since, until])
        rows = await self.sql.rows(
            f"SELECT s.subject_id AS subject, COUNT(*) AS n, SUM(r.level) AS total, "
            f"SUM(CASE WHEN r.level <= ? THEN 1 ELSE 0 END) AS bad "
            f"FROM ({src}) s JOIN rating r ON r.case_id = s.case_id "
            f"WHERE s.subject_id IS NOT NULL GROUP BY s.subject_id", [DISSATISFIED_LEVEL, *params])
        tally: dict[int, list[int]] = defaultdict(lambda: [0, 0])  # subject: [ratings, sum of levels]
        for row in rows:
            tally[int(row["subject"])] = [int(row["n"]), int(row["total"])]
        if any(int(row["bad"] or 0) for row in rows):
            bad = await self.sql.rows(
                f"SELECT s.subject_id AS subject, s.number AS number, r.level AS level FROM ({src}) s "
                f"JOIN rating r ON r.case_id = s.case_id WHERE s.subject_id IS NOT NULL AND r.level <= ? "
                f"ORDER BY s.number", [*params, DISSATISFIED_LEVEL])
            for row in bad:
                label = f"办件{row['number']}（评价{int(row['level'])}级）"
                self.items["dissatisfied_ratings"][int(row["subject"])].append(FactItem(label))
        windows = await self._windows({r.window for r in at_windows}) if self.kind != "staff" else {}
        for rating in at_windows:
            subject = rating.staff if self.kind == "staff" else windows.get(rating.window)
            if subject is None:
                continue
            tally[subject][0] += 1
            tally[subject][1] += rating.level
            if rating.level <= DISSATISFIED_LEVEL:
                label = f"{rating.label}（评价{rating.level}级）"
                self.items["dissatisfied_ratings"][subject].append(FactItem(label))
        for subject, (n, total) in tally.items():
            self.measures[subject]["rating_average"] = Measure(value=round(total / n, 2), info={"count": n})

    async def _windows(self, codes: set[str]) -> dict[str, int | None]:
        """The subject (window or department) of each of the center's windows named in ``codes``."""
        if not codes:
            return {}
        rows = await Window.filter(center_id=self.center.id, code__in=sorted(codes)).values_list(
            "code", "id", "department_id")
        return {code: window_id if self.kind == "window" else department_id for code, window_id, department_id in rows}

    async def complaints(self) -> dict[int, tuple[int, str]]:
        """Verified complaints by subject; returns {case id: (subject, number)} for faulty cases."""
        since, until = _local_bounds(self.period)
        rows = await verified_complaints(self.center, since, until)
        windows = {} if self.kind != "window" else await _department_windows(self.center)
        found: dict[int, tuple[int, str]] = {}
        for k in rows:
            case: Case | None = k.case
            subject = _complaint_subject(self.kind, k, case, windows)
            if subject is None:
                continue
            number = f"，办件{case.number}" if case else ""
            label = f"{CHANNELS.get(k.channel, k.channel)}投诉第{k.id}号{number}"
            self.items["verified_complaints"][subject].append(FactItem(label))
            if case is not None:
                found[case.id] = (subject, case.number)
        return found

    def faulty(self, overturned: dict[int, tuple[int, str]], complained: dict[int, tuple[int, str]]) -> None:
        for case_id, (subject, number) in sorted({**complained, **overturned}.items(), key=lambda kv: kv[1][1]):
            why = "退回后经复核改为受理" if case_id in overturned else "投诉经查实"
            self.items["faulty_cases"][subject].append(FactItem(f"{number}（{why}）"))

    def facts(self) -> dict[int, Facts]:
        result: dict[int, Facts] = defaultdict(Facts)
        for subject, measures in self.measures.items():
            result[subject].measures.update(measures)
        for source, by_subject in self.items.items():
            for subject, items in by_subject.items():
                result[subject].measures[source] = Measure(items=tuple(items))
        return result


async def _department_windows(center: Center) -> dict[int, int]:
    windows: dict[int, int] = {}
    rows = await Window.filter(center_id=center.id).order_by("-id").values_list("id", "department_id")
    for window_id, department_id in rows:
        if department_id is not None:
            windows[department_id] = window_id
    return windows


def _complaint_subject(kind: str, k: Complaint, case: Case | None, windows: dict[int, int]) -> int | None:
    if kind == "department":
        return k.department_id or (case.department_id if case else None)  # type: ignore[attr-defined]
    if kind == "window":
        if k.window_id:  # type: ignore[attr-defined]
            return int(k.window_id)  # type: ignore[attr-defined]
        if case is None:
            return None
        return case.window_id or windows.get(case.department_id)  # type: ignore[attr-defined]
    return k.staff_id or (case.responsible_id if case else None)  # type: ignore[attr-defined]


async def manual_entries(center: Center, kind: str, period: Period, rule_set: str) -> dict[int, list[ManualEntry]]:
    """Supervisors' entries for the period and the shorter periods inside it."""
    rows = await ManualScore.filter(
        center_id=center.id, subject_kind=kind, period__in=period.keys_within(), rule_set=rule_set
    ).order_by("at", "id")
    found: dict[int, list[ManualEntry]] = defaultdict(list)
    for r in rows:
        found[r.subject_id].append(
            ManualEntry(category=r.category, points=r.points, reason=r.reason, label=r.label, count=r.count))
    return found


async def gather(
    govhall: Any, center: Center, kind: str, period: Period, rule_set: str, today: date | None = None
) -> dict[int, Facts]:
    """The facts of every subject of ``kind`` that has any, keyed by subject id."""
    gatherer = _Gatherer(center, kind, period, today or local_today())
    await gatherer.completion()
    await gatherer.overdue()
    await gatherer.ratings(await window_ratings(govhall, center, *_local_bounds(period)))
    overturned = await gatherer.overturned()
    complained = await gatherer.complaints()
    gatherer.faulty(overturned, complained)
    facts = gatherer.facts()
    for subject, entries in (await manual_entries(center, kind, period, rule_set)).items():
        facts[subject].manual.extend(entries)
    return dict(facts)
