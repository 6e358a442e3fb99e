"""A center file's lists of periods (09:00-12:00), wherever they are: the office hours, and the lists
a plugin's settings keep, found by the schema's period pattern (the core names no plugin's keys),
must be in order and not overlap; the file is refused otherwise, at the list's item."""

from __future__ import annotations

from core.services.centers import check_center_document
from tests.helpers import center_doc


def paths(doc) -> list[tuple[str, str | None]]:
    return [(e.code, e.path) for e in check_center_document(doc, ["enterprise_zone", "hall_floor"])]


def test_every_list_of_periods_is_checked_where_the_schema_keeps_it():
    good = center_doc("hours", ["enterprise_zone", "hall_floor"], officeHours=["09:00-12:00", "13:30-17:00"], settings={
        "appointments": {"periods": ["09:00-10:00", "10:00-11:00"], "delayedPeriods": ["17:00-18:30"]},
        "hallFloor": {"hours": {"periods": ["08:30-12:00", "13:30-17:30"]}},
    })
    assert paths(good) == []
    bad = center_doc("hours", ["enterprise_zone", "hall_floor"], settings={
        "appointments": {"periods": ["10:00-11:00", "09:00-10:00"], "delayedPeriods": ["17:00-18:30", "18:00-19:00"]},
        "hallFloor": {"hours": {"saturdayPeriods": ["09:00-12:00", "11:00-12:30"]}},
    })
    found = paths(bad)
    assert found == [
        ("periods.order", "/settings/appointments/periods/1"), ("periods.order", "/settings/appointments/delayedPeriods/1"),
        ("periods.order", "/settings/hallFloor/hours/saturdayPeriods/1"),
    ], found
    messages = [e.message for e in check_center_document(bad, ["enterprise_zone", "hall_floor"])]
    assert messages[0].startswith("预约时段应按先后排列") and messages[2].startswith("值班周六办公时段应按先后排列"), messages


def test_a_refusal_names_its_list_and_only_the_office_hours_say_office_hours():
    """The office hours keep the codes clients know (``office_hours.*``); a plugin's list of periods is
    refused as ``periods.*``, named by its own schema title, never as 办公时段."""
    doc = center_doc("hours", ["enterprise_zone", "hall_floor"], officeHours=["13:30-17:00", "09:00-12:00"], settings={
        "appointments": {"periods": ["11:00-10:00"]},
        "hallFloor": {"hours": {"periods": ["13:30-17:00", "09:00-12:00"]}},
    })
    found = [(e.code, e.path, e.message) for e in check_center_document(doc, ["enterprise_zone", "hall_floor"])]
    assert [(code, path) for code, path, _ in found] == [
        ("office_hours.order", "/officeHours/1"),
        ("periods.range", "/settings/appointments/periods/0"),
        ("periods.order", "/settings/hallFloor/hours/periods/1"),
    ], found
    messages = [message for _, _, message in found]
    assert messages[0].startswith("办公时段应按先后排列"), messages
    assert messages[1] == "预约时段开始时间 11:00 应早于结束时间 10:00", messages
    assert messages[2].startswith("工作日办公时段应按先后排列"), messages
