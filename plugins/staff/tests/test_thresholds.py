"""The approval center's thresholds, each at its edge: 事假 3 days in a month keeps the monthly bonus, 3.5 loses
it; 病假 7 keeps, 8 loses; 事病假 90 days in a year keep the annual bonus, 91 lose it; half a day
absent loses the monthly bonus; 2 days absent the annual bonus (1.5 keep it); 3 days absent return
the person to their department (2.5 do not)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.api import calendar_for

from .drive import MONTH, YEAR, build_staff, day

pytestmark = pytest.mark.anyio


@pytest.fixture
async def drive(app, govhall, gql, monkeypatch):
    return await build_staff(govhall, gql, monkeypatch)


async def standings(drive, query, **variables):
    return {s["username"]: s for s in await drive.run("sup1", query, c="hall", **variables)}


async def test_leave_thresholds_at_their_edges(drive):
    drive.at("2026-03-01 08:00")  # nothing attended yet: only leave counts
    for name in ("p3", "p35", "s7", "s8", "y90", "y91"):
        await drive.add_person(name, partner="office1", posted="2026-03-02")
    plans = [("p3", "personal", "2026-03-09", "2026-03-11", "pm"), ("p35", "personal", "2026-03-09", "2026-03-12", "am"),
             ("s7", "sick", "2026-03-16", "2026-03-24", "pm"), ("s8", "sick", "2026-03-16", "2026-03-25", "pm")]
    for name, kind, start, end, end_half in plans:
        leave = await drive.approve_all(await drive.leave(name, kind, start, end, end_half=end_half))
        assert leave["days"] == {"p3": 3, "p35": 3.5, "s7": 7, "s8": 8}[name]
    calendar = await calendar_for(drive.hall.center)
    workdays, current = [], day("2026-03-02")
    while len(workdays) < 91:
        if calendar.is_workday(current):
            workdays.append(current)
        current += timedelta(days=1)
    # 90 days as 事假 of 3 days and 87 days of 病假 later (the yearly limit adds both kinds)
    for name, count in (("y90", 90), ("y91", 91)):
        first = await drive.approve_all(await drive.leave(name, "personal", "2026-03-02", workdays[2].isoformat()))
        rest = await drive.approve_all(await drive.leave(name, "sick", workdays[3].isoformat(), workdays[count - 1].isoformat()))
        assert first["days"] + rest["days"] == count
    month = await standings(drive, MONTH, m="2026-03")
    assert (month["p3"]["personalLeaveDays"], month["p3"]["bonus"]) == (3, True)
    assert (month["p35"]["personalLeaveDays"], month["p35"]["bonus"]) == (3.5, False)
    assert [r["code"] for r in month["p35"]["reasons"]] == ["personal_leave"]
    assert (month["s7"]["sickLeaveDays"], month["s7"]["bonus"]) == (7, True)
    assert (month["s8"]["sickLeaveDays"], month["s8"]["bonus"]) == (8, False)
    assert [r["code"] for r in month["s8"]["reasons"]] == ["sick_leave"]
    year = await standings(drive, YEAR, y=2026)
    assert year["s8"]["bonus"] and year["p35"]["bonus"]
    assert (year["y90"]["personalLeaveDays"] + year["y90"]["sickLeaveDays"], year["y90"]["bonus"]) == (90, True)
    assert (year["y91"]["personalLeaveDays"] + year["y91"]["sickLeaveDays"], year["y91"]["bonus"]) == (91, False)
    assert [r["code"] for r in year["y91"]["reasons"]] == ["leave"] and not year["y91"]["returnedToDepartment"]


# Halves each person misses, Monday 2 to Thursday 5 March 2026 (office hours 09:00-12:00, 13:30-17:00).
MISSED = {
    "full": [],
    "half": [("2026-03-03", "am")],
    "oneandhalf": [("2026-03-02", "am"), ("2026-03-02", "pm"), ("2026-03-03", "am")],
    "two": [(d, h) for d in ("2026-03-02", "2026-03-03") for h in ("am", "pm")],
    "twohalf": [*[(d, h) for d in ("2026-03-02", "2026-03-03") for h in ("am", "pm")], ("2026-03-04", "am")],
    "three": [(d, h) for d in ("2026-03-02", "2026-03-03", "2026-03-04") for h in ("am", "pm")],
}


async def test_absence_thresholds_at_their_edges(drive):
    # the center keeps attendance from Monday (a first clock-in's day would count only for who clocked in)
    center = drive.hall.center
    center.settings = {**(center.settings or {}), "staff": {"attendanceFrom": "2026-03-02"}}
    await center.save()
    for name in MISSED:
        await drive.add_person(name, partner="office1", posted="2026-03-02")
    # "half" also misses Wednesday morning, but with leave approved afterwards (补办请假手续)
    await drive.approve_all(await drive.leave("half", "personal", "2026-03-04", "2026-03-04", end_half="am"))
    for name, missed in MISSED.items():
        for d in ("2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"):
            skip = set(missed) | ({("2026-03-04", "am")} if name == "half" else set())
            if (d, "am") not in skip:
                await drive.clock(name, f"{d} 08:55")
            if (d, "pm") not in skip:
                await drive.clock(name, f"{d} 13:25")
                await drive.clock(name, f"{d} 17:05")
    drive.at("2026-03-06 10:00")
    month = await standings(drive, MONTH, m="2026-03")
    year = await standings(drive, YEAR, y=2026)
    expected = {  # absent days, monthly bonus, annual bonus, returned
        "full": (0, True, True, False), "half": (0.5, False, True, False), "oneandhalf": (1.5, False, True, False),
        "two": (2, False, False, False), "twohalf": (2.5, False, False, False), "three": (3, False, False, True),
    }
    for name, (absent, monthly, annual, returned) in expected.items():
        got = (month[name]["absentDays"], month[name]["bonus"], year[name]["bonus"], year[name]["returnedToDepartment"])
        assert got == (absent, monthly, annual, returned), name
    assert month["half"]["personalLeaveDays"] == 0.5 and [r["code"] for r in month["half"]["reasons"]] == ["absent"]
    assert [r["code"] for r in year["three"]["reasons"]] == ["absent", "return"]
    assert month["full"]["lateCount"] == 0 and month["full"]["earlyCount"] == 0
