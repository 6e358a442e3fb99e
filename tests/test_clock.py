"""The clock service on a real database: deadlines of cases across 2026's holidays (checked against
chinese_calendar by an independent day loop), pauses, extensions, completion figures, a provisional
2027 deadline that moves when 2027 is entered, and recomputation on every calendar change."""

from __future__ import annotations

import copy
import itertools
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

import chinese_calendar
import pytest

from core.services import clock
from core.services.accounts import Actor, Grant
from core.services.calendar import CENTER_TZ, cn_day
from core.services.notifications import tell_promise_moved
from core.services.plugins import PluginHub
from core.plumbing.errors import Forbidden, UserErrorsException
from core.plumbing.models import (
    CalendarDay,
    CalendarYear,
    Case,
    CaseEvent,
    CaseTask,
    Center,
    Department,
    Extension,
    Item,
    ItemVersion,
    Notification,
    Pause,
    Timer,
    User,
)
from tests.helpers import make_center, make_user

pytestmark = pytest.mark.anyio

DATA = Path(__file__).resolve().parent / "data"
ONE = timedelta(days=1)
_numbers = itertools.count(1)

# --- independent references (day loops, no core code) ------------------------------------------------

is_workday_cn = lru_cache(maxsize=None)(chinese_calendar.is_workday)


def sample_2027() -> dict[str, Any]:
    return json.loads((DATA / "calendar-2027-sample.json").read_text("utf-8"))


@lru_cache(maxsize=1)
def _sample_days() -> tuple[frozenset[date], frozenset[date]]:
    doc = sample_2027()
    holidays: set[date] = set()
    for h in doc["holidays"]:
        if "date" in h:
            holidays.add(date.fromisoformat(h["date"]))
        else:
            d = date.fromisoformat(h["from"])
            while d <= date.fromisoformat(h["to"]):
                holidays.add(d)
                d += ONE
    workdays = {date.fromisoformat(w["date"]) for w in doc["workdays"]}
    return frozenset(holidays), frozenset(workdays)


def is_workday_with_2027(d: date) -> bool:
    """chinese_calendar up to 2026, the sample file's schedule for 2027."""
    if d.year <= 2026:
        return is_workday_cn(d)
    holidays, workdays = _sample_days()
    return d in workdays or (d not in holidays and d.weekday() < 5)


def is_workday_provisional_2027(d: date) -> bool:
    """What anyone can say about 2027 before its schedule: weekends and fixed-date holidays."""
    if d.year <= 2026:
        return is_workday_cn(d)
    return d.weekday() < 5 and (d.month, d.day) not in {(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)}


def ref_due(start: date, n: int, skip: set[date] = frozenset(), workday=is_workday_cn) -> date:  # type: ignore[assignment]
    """The n-th working day after ``start``, not counting the days in ``skip``."""
    d, found = start, 0
    while found < n:
        d += ONE
        if workday(d) and d not in skip:
            found += 1
    return d


def days(first: date, last: date) -> set[date]:
    out, d = set(), first
    while d <= last:
        out.add(d)
        d += ONE
    return out


def midnight_utc(d: date) -> datetime:
    return datetime.combine(d, time(0), tzinfo=timezone(timedelta(hours=8))).astimezone(timezone.utc)


# --- builders (used by the other clock tests too) ----------------------------------------------------


@dataclass
class World:
    center: Center
    applicant: User
    version: ItemVersion


async def make_world(hub: PluginHub | None = None, code: str = "testc", plugins: list[str] | None = None) -> World:
    center = await make_center(hub, code=code, plugins=plugins)
    applicant = await make_user(f"applicant-{code}")
    item = await Item.create(center=center, code="test-item", latest_version=1)
    version = await ItemVersion.create(
        item=item, center=center, code="test-item", version=1, name="测试事项",
        definition={"code": "test-item", "name": "测试事项", "legalDays": 20, "promisedDays": 5},
    )
    return World(center, applicant, version)


async def make_case(world: World, *, accepted_on: date | None = None, department: str | None = None, **fields: Any) -> Case:
    dept = await Department.get(center=world.center, code=department) if department else None
    values: dict[str, Any] = {"state": "review", "kind": "promised", **fields}
    return await Case.create(
        center=world.center, number=f"T{next(_numbers):09d}", item_version=world.version, process="test",
        applicant=world.applicant, accepted_on=accepted_on, department=dept, applicant_name="申请人", **values,
    )


async def started(world: World, accepted: date, promised: int, legal: int | None = None) -> Case:
    """A case accepted on ``accepted`` with its clocks started and saved the way the workflow does."""
    case = await make_case(world, accepted_on=accepted)
    await clock.start_clock(case, kind="promised", working_days=promised, start=accepted)
    if legal is not None:
        await clock.start_clock(case, kind="legal", working_days=legal, start=accepted)
    await case.save()
    return case


@pytest.fixture
async def world(app) -> World:
    return await make_world()


# --- starting clocks -----------------------------------------------------------------------------------


async def test_promised_and_legal_deadlines_across_national_day(world):
    accepted = date(2026, 9, 28)
    case = await make_case(world, accepted_on=accepted)
    promised = await clock.start_clock(case, kind="promised", working_days=5, start=accepted)
    legal = await clock.start_clock(case, kind="legal", working_days=20, start=accepted)

    # 09-29, 09-30, (10-01..07 off), 10-08, 10-09, 10-10 (make-up Saturday)
    assert promised.due == date(2026, 10, 10) == ref_due(accepted, 5)
    assert legal.due == ref_due(accepted, 20) == chinese_calendar.find_workday(20, accepted)
    assert case.promised_due == promised.due and case.legal_due == legal.due
    assert case.promised_days == 5 and case.deadline_provisional is False

    # the case is not saved by the clock (the workflow saves it once) but the timers are
    stored = await Case.get(id=case.id)
    assert stored.promised_due is None
    rows = {t.kind: t for t in await Timer.filter(case_id=case.id)}
    assert rows["promised"].due == date(2026, 10, 10) and rows["promised"].state == "running"
    # yellow (1 working day or less left) from 10-09, a Friday: midnight Asia/Shanghai in UTC
    assert rows["promised"].check_at == midnight_utc(date(2026, 10, 9))
    assert rows["legal"].check_at == midnight_utc(ref_due(accepted, 19))


async def test_deadline_across_spring_festival_make_up_saturdays(world):
    accepted = date(2026, 2, 12)
    case = await make_case(world, accepted_on=accepted)
    timer = await clock.start_clock(case, working_days=5, start=accepted)
    # 02-13, 02-14 (make-up Saturday), (02-15..23 off), 02-24, 02-25, 02-26
    assert timer.due == date(2026, 2, 26) == ref_due(accepted, 5)
    timer2 = await clock.start_clock(case, working_days=12, start=date(2026, 2, 13))
    assert timer2.due == ref_due(date(2026, 2, 13), 12)
    assert date(2026, 2, 28) <= timer2.due  # the second make-up Saturday counted
    # starting the promised clock again stops the first one: never two clocks of one kind
    states = [t.state for t in await Timer.filter(case_id=case.id).order_by("id")]
    assert states == ["stopped", "running"]


async def test_default_start_is_today_in_shanghai(world):
    case = await make_case(world)
    timer = await clock.start_clock(case, working_days=3)
    assert timer.started_on == datetime.now(CENTER_TZ).date()


async def test_task_timer_sets_the_department_task_due(world):
    case = await make_case(world, accepted_on=date(2026, 9, 28))
    dept = await Department.get(center=world.center, code="scjg")
    task = await CaseTask.create(case=case, department=dept)
    timer = await clock.start_clock(case, kind="task", working_days=3, start=date(2026, 9, 28), task=task)
    assert (await CaseTask.get(id=task.id)).due == timer.due == date(2026, 10, 8)
    assert case.promised_due is None


async def test_unknown_kind_is_a_programming_error(world):
    case = await make_case(world)
    with pytest.raises(ValueError):
        await clock.start_clock(case, kind="nonsense", working_days=3)


# --- pauses --------------------------------------------------------------------------------------------


async def test_pause_and_resume_leave_the_paused_days_out(world):
    accepted = date(2026, 2, 12)
    case = await started(world, accepted, promised=5, legal=20)
    pause = await clock.pause_clock(case, "corrections", "缺营业执照副本", on=date(2026, 2, 24))
    assert pause.reason == "corrections" and pause.ended_on is None
    paused = {t.kind: t for t in await Timer.filter(case_id=case.id)}
    assert {t.state for t in paused.values()} == {"paused"}
    assert all(t.check_at is None for t in paused.values())  # the sweeper leaves them alone
    assert paused["promised"].due == date(2026, 2, 26)  # the old date stays while paused

    with pytest.raises(UserErrorsException) as twice:
        await clock.pause_clock(case, "hearing", on=date(2026, 2, 25))
    assert twice.value.errors[0].code == "clock.paused"
    assert "自2026年2月24日起已因“补正材料”暂停计时" in twice.value.errors[0].message  # a date as people read it

    await clock.resume_clock(case, on=date(2026, 3, 2))
    await case.save()
    # counted: 02-13, 02-14, 02-24 (the pause day itself), then from the day after the resumption
    skip = days(date(2026, 2, 25), date(2026, 3, 2))
    expected = ref_due(accepted, 5, skip)
    assert expected == date(2026, 3, 4)
    timers = {t.kind: t for t in await Timer.filter(case_id=case.id)}
    assert timers["promised"].due == expected and timers["promised"].state == "running"
    assert timers["legal"].due == ref_due(accepted, 20, skip)
    assert timers["promised"].check_at is not None
    stored = await Case.get(id=case.id)
    assert stored.promised_due == expected and stored.legal_due == timers["legal"].due
    assert (await Pause.get(id=pause.id)).ended_on == date(2026, 3, 2)


async def test_two_pauses_and_a_pause_over_national_day(world):
    accepted = date(2026, 9, 14)
    case = await started(world, accepted, promised=15)
    await clock.pause_clock(case, "site_survey", on=date(2026, 9, 16))
    await clock.resume_clock(case, on=date(2026, 9, 18))
    await clock.pause_clock(case, "expert_review", on=date(2026, 9, 29))
    await clock.resume_clock(case, on=date(2026, 10, 9))
    skip = days(date(2026, 9, 17), date(2026, 9, 18)) | days(date(2026, 9, 30), date(2026, 10, 9))
    timer = await Timer.get(case_id=case.id)
    assert timer.due == ref_due(accepted, 15, skip)
    explained = await clock.explain_case(case)
    assert explained.due == timer.due
    reasons = [e.reason for e in explained.explanation if not e.counted]
    assert any(r.startswith("暂停计时（现场勘查）") for r in reasons)
    assert any(r.startswith("暂停计时（专家评审）") and "国庆节" in r for r in reasons)
    assert [e.ordinal for e in explained.explanation if e.counted] == list(range(1, 16))


async def test_paused_limits_count_what_ran_before_the_pause_and_leave_earlier_pauses_out(world):
    """What an extension notice prints while a special procedure holds a limit: the working days
    left of each held limit; a limit that ran out before the pause keeps its date."""
    case = await started(world, date(2026, 3, 2), promised=10, legal=20)  # a Monday
    await clock.pause_clock(case, "corrections", on=date(2026, 3, 3))  # 3 March counts, 4–5 March do not
    await clock.resume_clock(case, on=date(2026, 3, 5))
    assert await clock.paused_limits(case) == {}  # running
    await clock.pause_clock(case, "site_survey", on=date(2026, 3, 10), kinds=["legal"])
    # counted: 3, 6, 9, 10 March; the promise runs on
    assert await clock.paused_limits(case) == {
        "legal": clock.PausedLimit(kind="legal", reason="现场勘查", since=date(2026, 3, 10), remaining=16),
    }
    short = await started(world, date(2026, 3, 2), promised=2, legal=2)  # both due 4 March
    await clock.pause_clock(short, "hearing", on=date(2026, 3, 10))
    assert await clock.paused_limits(short) == {}


async def test_resume_without_pause_is_a_no_op_and_bad_reason_is_refused(world):
    case = await started(world, date(2026, 9, 28), promised=5)
    await clock.resume_clock(case, on=date(2026, 9, 30))
    assert (await Timer.get(case_id=case.id)).due == date(2026, 10, 10)
    with pytest.raises(UserErrorsException) as bad:
        await clock.pause_clock(case, "lunch")
    assert bad.value.errors[0].code == "pause.reason" and "补正材料" in bad.value.errors[0].message
    assert not re.search(r"[A-Za-z]", bad.value.errors[0].message)  # the reasons' labels, not their codes
    assert set(clock.PAUSE_REASONS) == {
        "corrections", "hearing", "expert_review", "inspection", "site_survey", "testing", "report_up"
    }
    await clock.pause_clock(case, "testing", on=date(2026, 10, 9))
    with pytest.raises(UserErrorsException) as early:
        await clock.resume_clock(case, on=date(2026, 10, 8))
    assert early.value.errors[0].message == "恢复日期2026年10月8日早于暂停日期2026年10月9日"


# --- extensions ----------------------------------------------------------------------------------------


async def test_extension_adds_working_days_and_is_recorded(world):
    head = await make_user("head1", world.center, "head")
    accepted = date(2026, 9, 1)
    case = await started(world, accepted, promised=5, legal=20)
    extension = await clock.extend_clock(case, 10, "需现场核查，经首席代表批准延长", head, on=date(2026, 9, 20))
    await case.save()
    row = await Extension.get(id=extension.id)
    assert row.days == 10 and row.approved_by_id == head.id and "现场核查" in row.reason
    timers = {t.kind: t for t in await Timer.filter(case_id=case.id)}
    assert timers["legal"].extra_days == 10 and timers["legal"].due == ref_due(accepted, 30)
    assert timers["promised"].due == ref_due(accepted, 15)
    stored = await Case.get(id=case.id)
    assert stored.legal_due == ref_due(accepted, 30) and stored.promised_due == ref_due(accepted, 15)
    explained = await clock.explain_case(case)
    extra = [e for e in explained.explanation if e.counted and e.ordinal > 5]
    assert len(extra) == 10 and all(e.reason.endswith("（延期增加）") for e in extra)


async def test_extension_lowers_an_alert_that_no_longer_holds(world):
    head = await make_user("head2", world.center, "head")
    case = await started(world, date(2026, 9, 28), promised=5)
    await Timer.filter(case_id=case.id).update(alert="YELLOW")
    await clock.extend_clock(case, 5, "延期", head, on=date(2026, 10, 9))
    timer = await Timer.get(case_id=case.id)
    assert timer.alert == "NONE" and case.alert == "NONE"
    assert timer.check_at == midnight_utc(ref_due(date(2026, 9, 28), 9))


async def test_extension_needs_the_head_and_valid_input(world):
    clerk = await make_user("clerk1", world.center, "clerk")
    case = await started(world, date(2026, 9, 1), promised=5, legal=20)
    actor = Actor(user=clerk, grants=[Grant("clerk", world.center.id, world.center.code)])
    with pytest.raises(Forbidden):
        await clock.extend_clock(case, 10, "理由", clerk, actor=actor)
    with pytest.raises(UserErrorsException) as bad:
        await clock.extend_clock(case, 0, " ", clerk)
    assert {e.code for e in bad.value.errors} == {"extension.days", "required"}
    assert await Extension.filter(case_id=case.id).count() == 0
    head_actor = Actor(user=clerk, grants=[Grant("head", world.center.id, world.center.code)])
    await clock.extend_clock(case, 3, "理由", clerk, actor=head_actor)
    assert await Extension.filter(case_id=case.id).count() == 1


# --- stopping and completing -------------------------------------------------------------------------


async def test_stop_some_kinds_then_complete(world):
    accepted = date(2026, 2, 12)
    case = await started(world, accepted, promised=5, legal=20)
    await clock.stop_clock(case, kinds=["legal"])
    states = {t.kind: t.state for t in await Timer.filter(case_id=case.id)}
    assert states == {"promised": "running", "legal": "stopped"}

    await clock.pause_clock(case, "corrections", on=date(2026, 2, 13))
    await clock.resume_clock(case, on=date(2026, 2, 24))
    case.alert = "YELLOW"
    await clock.complete_case_clock(case, on=date(2026, 2, 26))
    await case.save()
    stored = await Case.get(id=case.id)
    # working days after 02-12 up to 02-26 without 02-14 and 02-24 (paused): 02-13, 02-25, 02-26
    assert stored.actual_days == 3
    assert stored.completed_on == date(2026, 2, 26) and stored.promised_days == 5 and stored.alert == "NONE"
    assert {t.state for t in await Timer.filter(case_id=case.id)} == {"stopped"}
    assert all(t.check_at is None for t in await Timer.filter(case_id=case.id))


async def test_completing_while_paused_closes_the_pause(world):
    case = await started(world, date(2026, 9, 28), promised=5)
    await clock.pause_clock(case, "report_up", on=date(2026, 9, 29))
    await clock.complete_case_clock(case, on=date(2026, 10, 12))
    assert (await Pause.get(case_id=case.id)).ended_on == date(2026, 10, 12)
    assert case.actual_days == 1  # only 09-29 counted; the rest was paused


# --- provisional 2027 and calendar imports ------------------------------------------------------------


def sample_for(center: Center) -> dict[str, Any]:
    doc = sample_2027()
    doc["center"] = center.code
    return doc


async def test_provisional_2027_deadline_moves_when_2027_is_entered(world):
    accepted = date(2026, 12, 28)
    case = await started(world, accepted, promised=40)
    provisional = ref_due(accepted, 40, workday=is_workday_provisional_2027)
    final = ref_due(accepted, 40, workday=is_workday_with_2027)
    assert provisional != final  # the 2027 Spring Festival moves it
    assert case.promised_due == provisional and case.deadline_provisional is True
    explained = await clock.explain_case(case)
    assert explained.provisional and any("暂定" in e.reason for e in explained.explanation)
    other = await started(world, date(2026, 9, 28), promised=5)  # due in 2026: untouched
    version_before = (await Case.get(id=case.id)).version

    summary = await clock.import_calendar(world.center, sample_for(world.center))
    assert summary["year"] == 2027 and summary["cases_changed"] == 1
    assert summary["holidays"] == len(_sample_days()[0]) and summary["workdays"] == 4

    stored = await Case.get(id=case.id)
    assert stored.promised_due == final and stored.deadline_provisional is False
    assert stored.version == version_before + 1
    event = await CaseEvent.get(case_id=case.id, action="deadline_recomputed")
    assert event.seq == stored.version
    assert event.changes["promisedDue"] == [provisional.isoformat(), final.isoformat()]
    assert event.changes["deadlineProvisional"] == [True, False]
    timer = await Timer.get(case_id=case.id)
    assert timer.due == final and not timer.provisional
    assert (await Case.get(id=other.id)).version == other.version
    assert await CaseEvent.filter(case_id=other.id).count() == 0
    explained = await clock.explain_case(stored)
    assert not explained.provisional and explained.due == final
    assert any("春节" in e.reason and "中心日历" in e.reason for e in explained.explanation)


async def test_an_import_that_moves_a_promised_date_tells_the_applicant_once(world, govhall):
    """The notices promise 如有变化另行告知: the import that moves a case's promised date sends its
    applicant one SMS with the old and the new date; a case whose date did not move, and an import
    of the same file again, send nothing."""
    accepted = date(2026, 12, 28)
    case = await started(world, accepted, promised=40)
    provisional = case.promised_due
    other = await started(world, date(2026, 9, 28), promised=5)  # due in 2026: untouched
    summary = await clock.import_calendar(world.center, sample_for(world.center), govhall=govhall)
    assert not await Notification.filter(case_id=case.id).exists()  # told by the caller, once committed
    told = await tell_promise_moved(govhall, world.center, summary["year"], summary["promised_moved"])
    assert (summary["cases_changed"], told) == (1, 1)
    final = (await Case.get(id=case.id)).promised_due
    (sms,) = await Notification.filter(case_id=case.id)
    assert (sms.channel, sms.recipient) == ("sms", world.applicant.phone or world.applicant.username)
    assert sms.text == (f"【{world.center.name}】您的办件（受理编号{case.number}）因2027年节假日安排公布，承诺办结日期由"
                        f"{cn_day(provisional)}调整为{cn_day(final)}。")
    assert not await Notification.filter(case_id=other.id).exists()
    again = await clock.import_calendar(world.center, sample_for(world.center), govhall=govhall)
    assert (again["cases_changed"], again["promised_moved"]) == (0, [])
    assert await Notification.filter(case_id=case.id).count() == 1


async def test_import_replaces_the_year_and_recomputes_again(world):
    accepted = date(2026, 12, 28)
    case = await started(world, accepted, promised=31)
    await clock.import_calendar(world.center, sample_for(world.center))
    assert (await Case.get(id=case.id)).promised_due == date(2027, 2, 16)
    fingerprint = (await Center.get(id=world.center.id)).settings["calendarVersion"]
    # the State Council moves the Spring Festival break a week later: import the corrected file
    doc = sample_for(world.center)
    doc["holidays"][1] = {"from": "2027-02-13", "to": "2027-02-19", "name": "春节"}
    doc["workdays"][0] = {"date": "2027-02-21", "name": "春节调休"}
    summary = await clock.import_calendar(world.center, doc)
    assert summary["replaced_days"] == len(_sample_days()[0]) + 4
    assert await CalendarDay.filter(center_id=world.center.id, day=date(2027, 2, 8)).count() == 0
    assert await CalendarYear.filter(center_id=world.center.id).count() == 1
    center = await Center.get(id=world.center.id)
    assert center.settings["calendarVersion"] != fingerprint

    def moved(d: date) -> bool:
        if d.year <= 2026:
            return is_workday_cn(d)
        if d in days(date(2027, 2, 13), date(2027, 2, 19)) or d in days(date(2027, 1, 1), date(2027, 1, 3)):
            return False
        return d == date(2027, 2, 21) or d.weekday() < 5

    stored = await Case.get(id=case.id)
    assert stored.promised_due == ref_due(accepted, 31, workday=moved) == date(2027, 2, 10)
    assert await CaseEvent.filter(case_id=case.id, action="deadline_recomputed").count() == 2


async def test_bad_calendar_changes_nothing(world):
    case = await started(world, date(2026, 12, 28), promised=40)
    before = (await Case.get(id=case.id)).promised_due
    fingerprint = (await Center.get(id=world.center.id)).settings.get("calendarVersion")
    doc = sample_for(world.center)
    doc["workdays"].append({"date": "2027-10-04", "name": "冲突"})  # a holiday, and a Monday
    doc["holidays"].append({"date": "2027-13-01", "name": "坏日期"})
    with pytest.raises(UserErrorsException) as bad:
        await clock.import_calendar(world.center, doc)
    codes = {e.code for e in bad.value.errors}
    assert {"contradiction", "not_weekend", "format.date"} <= codes
    assert all(e.path for e in bad.value.errors)
    assert await CalendarDay.all().count() == 0 and await CalendarYear.all().count() == 0
    assert (await Center.get(id=world.center.id)).settings.get("calendarVersion") == fingerprint
    assert (await Case.get(id=case.id)).promised_due == before

    other = sample_2027()  # meant for another center
    with pytest.raises(UserErrorsException) as wrong:
        await clock.import_calendar(world.center, other)
    assert wrong.value.errors[0].code == "center_mismatch" and wrong.value.errors[0].path == "/center"


async def test_a_calendar_file_keeps_the_centers_own_office_hours_unless_asked(world):
    """The year's holidays are the State Council's; a center's office hours are its own: the shipped
    sample's ``officeHours`` do not replace 08:30–12:00 / 14:30–17:30, and the answer says so."""
    await Center.filter(id=world.center.id).update(office_hours=["08:30-12:00", "14:30-17:30"])
    center = await Center.get(id=world.center.id)
    summary = await clock.import_calendar(center, sample_for(center))  # the sample has 09:00-12:00, 13:30-17:00
    assert summary["office_hours"] == ["08:30-12:00", "14:30-17:30"] and summary["office_hours_applied"] is False
    assert "未采用" in summary["office_hours_note"] and "08:30-12:00、14:30-17:30" in summary["office_hours_note"]
    assert (await Center.get(id=center.id)).office_hours == ["08:30-12:00", "14:30-17:30"]

    asked = await clock.import_calendar(center, sample_for(center), apply_office_hours=True)
    assert asked["office_hours"] == ["09:00-12:00", "13:30-17:00"] and asked["office_hours_applied"] is True
    assert asked["office_hours_note"].startswith("已按日历文件设置")
    assert (await Center.get(id=center.id)).office_hours == ["09:00-12:00", "13:30-17:00"]


async def test_a_center_without_office_hours_takes_the_files(world):
    await Center.filter(id=world.center.id).update(office_hours=[])
    center = await Center.get(id=world.center.id)
    doc = sample_for(center)
    doc["officeHours"] = ["08:30-12:00", "14:00-17:30"]
    summary = await clock.import_calendar(center, doc)
    assert summary["office_hours"] == ["08:30-12:00", "14:00-17:30"] and summary["office_hours_applied"] is True
    assert (await Center.get(id=center.id)).office_hours == ["08:30-12:00", "14:00-17:30"]


async def test_recompute_keeps_paused_timers_paused(world):
    case = await started(world, date(2026, 12, 21), promised=40)
    await clock.pause_clock(case, "hearing", on=date(2026, 12, 23))
    await case.save()
    await clock.import_calendar(world.center, sample_for(world.center))
    timer = await Timer.get(case_id=case.id)
    assert timer.state == "paused" and timer.check_at is None
    await clock.resume_clock(case, on=date(2027, 1, 6))
    skip = days(date(2026, 12, 24), date(2027, 1, 6))
    assert (await Timer.get(case_id=case.id)).due == ref_due(date(2026, 12, 21), 40, skip, workday=is_workday_with_2027)


async def test_calendar_cache_follows_the_fingerprint(world):
    center = await Center.get(id=world.center.id)
    assert (await clock.calendar_for(center)).is_workday(date(2027, 2, 8))  # provisional: a Monday
    await clock.import_calendar(center, sample_for(center))
    fresh = await Center.get(id=center.id)
    cal = await clock.calendar_for(fresh)
    assert not cal.is_workday(date(2027, 2, 8)) and cal.has_schedule(2027)
    assert await clock.calendar_for(fresh) is cal  # cached under the fingerprint

    # another process changes the calendar: new rows and a new fingerprint in one transaction
    await CalendarDay.create(center_id=center.id, day=date(2027, 3, 1), workday=False, name="地方假日")
    settings = copy.deepcopy(fresh.settings)
    settings["calendarVersion"] = "changed-elsewhere"
    await Center.filter(id=center.id).update(settings=settings)
    reread = await Center.get(id=center.id)
    assert not (await clock.calendar_for(reread)).is_workday(date(2027, 3, 1))
    # the stale center object still maps to the old calendar, a fresh read never does
    assert (await clock.calendar_for(fresh)).is_workday(date(2027, 3, 1))

    # a center whose settings lost the fingerprint is read from the database every time
    await Center.filter(id=center.id).update(settings={})
    bare = await Center.get(id=center.id)
    assert not (await clock.calendar_for(bare)).is_workday(date(2027, 3, 1))


async def test_due_date_and_thresholds(world):
    deadline = await clock.due_date(world.center, date(2026, 9, 30), 3)
    assert deadline.due == date(2026, 10, 10)
    with pytest.raises(UserErrorsException):
        await clock.due_date(world.center, date(2026, 9, 30), -1)
    assert await clock.yellow_days_for(world.center) == 1
    world.center.settings = {"alerts": {"yellowDays": 3}}
    case = await make_case(world)
    assert await clock.yellow_days_for(world.center, case) == 3
    world.version.definition = {**world.version.definition, "alerts": {"yellowDays": 0}}
    await world.version.save()
    assert await clock.yellow_days_for(world.center, case) == 0


# --- the command line ----------------------------------------------------------------------------------

from tests.cli import run  # noqa: E402


def test_cli_calendar_import_and_sweep(upgraded_db, tmp_path):
    from tests.helpers import center_doc

    center_file = tmp_path / "center.json"
    center_file.write_text(json.dumps(center_doc("clk"), ensure_ascii=False), "utf-8")
    assert run(["center", "load", str(center_file)], upgraded_db).returncode == 0

    doc = sample_2027()
    del doc["center"]
    bad = copy.deepcopy(doc)
    bad["workdays"].append({"date": "2027-10-05", "name": "矛盾"})
    bad["holidays"].append({"date": "2027-02-30", "name": "坏日期"})
    bad_file = tmp_path / "bad.json"
    bad_file.write_text(json.dumps(bad, ensure_ascii=False), "utf-8")
    result = run(["calendar", "import", str(bad_file), "--center", "clk"], upgraded_db)
    assert result.returncode == 2, result.stderr
    assert "/workdays/4/date" in result.stderr and "/holidays/7/date" in result.stderr
    assert "未作任何修改" in result.stderr and "Traceback" not in result.stderr

    good_file = tmp_path / "good.json"
    good_file.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    unknown = run(["calendar", "import", str(good_file), "--center", "nowhere"], upgraded_db)
    assert unknown.returncode == 2 and "nowhere" in unknown.stderr
    ok = run(["calendar", "import", str(good_file), "--center", "clk"], upgraded_db)
    assert ok.returncode == 0, ok.stderr
    assert "2027" in ok.stdout and "clk" in ok.stdout

    doc["center"] = "clk"  # the file names its center: no option needed
    good_file.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    again = run(["calendar", "import", str(good_file)], upgraded_db)
    assert again.returncode == 0, again.stderr
    mismatch = run(["calendar", "import", str(good_file), "--center", "other"], upgraded_db)
    assert mismatch.returncode == 2

    # without a center anywhere: the national schedule goes to every center of the deployment
    second = tmp_path / "second.json"
    second.write_text(json.dumps(center_doc("clk2"), ensure_ascii=False), "utf-8")
    assert run(["center", "load", str(second)], upgraded_db).returncode == 0
    del doc["center"]
    good_file.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    everywhere = run(["calendar", "import", str(good_file)], upgraded_db)
    assert everywhere.returncode == 0, everywhere.stderr
    assert "中心 clk：" in everywhere.stdout and "中心 clk2：" in everywhere.stdout

    swept = run(["sweep", "--once"], upgraded_db)
    assert swept.returncode == 0, swept.stderr
    assert "0 个" in swept.stdout


async def test_joint_case_keeps_one_task_timer_per_department(world):
    case = await make_case(world, accepted_on=date(2026, 9, 28))
    tasks = [await CaseTask.create(case=case, department=d) for d in await Department.filter(center=world.center)]
    for task in tasks[:3]:
        await clock.start_clock(case, kind="task", working_days=3, start=date(2026, 9, 28), task=task)
    await clock.start_clock(case, kind="task", working_days=5, start=date(2026, 9, 28))  # no task given
    assert await Timer.filter(case_id=case.id, state="running").count() == 4
    await clock.start_clock(case, kind="task", working_days=4, start=date(2026, 9, 29), task=tasks[0])
    running = await Timer.filter(case_id=case.id, state="running", task_id=tasks[0].id)
    assert [t.working_days for t in running] == [4]
    assert await Timer.filter(case_id=case.id, state="running").count() == 4
