"""Calendar files: the sample imports; a bad file reports every problem at once."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from core.services.calendar import OfficeHours, WorkCalendar
from core.services.calendar_files import (
    SCHEMA_PATH,
    load_calendar_file,
    parse_calendar_document,
    read_calendar_document,
)
from core.plumbing.errors import UserErrorsException

SAMPLE = Path(__file__).parent / "data" / "calendar-2027-sample.json"


def sample() -> dict[str, Any]:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def problems(doc: Any) -> set[tuple[str, str | None]]:
    with pytest.raises(UserErrorsException) as info:
        read_calendar_document(doc)
    errors = info.value.errors
    assert all(e.message and not e.message.isascii() for e in errors), errors  # Chinese messages
    return {(e.code, e.path) for e in errors}


def test_schema_is_valid_draft_2020_12() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert list(Draft202012Validator(schema).iter_errors(sample())) == []


def test_sample_is_marked_as_a_test_sample() -> None:
    assert "测试样例" in sample()["source"] and "非官方" in sample()["source"]


def test_sample_imports() -> None:
    year, overrides = parse_calendar_document(sample())
    assert year == 2027
    assert all(o.day.year == 2027 for o in overrides)
    assert len({o.day for o in overrides}) == len(overrides)
    by_day = {o.day: o for o in overrides}
    assert by_day[date(2027, 2, 14)].workday is True
    assert by_day[date(2027, 2, 8)].workday is False and by_day[date(2027, 2, 8)].name == "春节"
    assert sum(1 for o in overrides if date(2027, 2, 6) <= o.day <= date(2027, 2, 12)) == 7
    assert sum(o.workday for o in overrides) == 4

    document = load_calendar_file(SAMPLE)
    assert document.center == "TEST-CENTER"
    assert document.office_hours == OfficeHours()
    assert document.overrides == overrides


def test_sample_makes_2027_deadlines_final() -> None:
    year, overrides = parse_calendar_document(sample())
    cal = WorkCalendar(overrides, entered_years=[year])
    deadline = cal.add_working_days(date(2027, 9, 24), 3)
    # 26 Sep (make-up Sunday) and 27, 28 Sep count.
    assert deadline.due == date(2027, 9, 28)
    assert not deadline.provisional
    assert WorkCalendar().add_working_days(date(2027, 9, 24), 3).due == date(2027, 9, 29)


def test_every_problem_is_reported_at_once() -> None:
    doc = {
        "year": 2027,
        "source": "",
        "extra": True,
        "holidays": [
            {"date": "2026-12-31", "name": "元旦"},
            {"from": "2027-02-12", "to": "2027-02-06", "name": "春节"},
            {"date": "2027-02-30", "name": "春节"},
            {"from": "2027-03-01", "name": "缺结束日"},
            {"name": "无日期"},
            {"date": "2027-04-05", "from": "2027-04-05", "to": "2027-04-06", "name": "两种都写"},
            {"from": "2027-05-01", "to": "2027-05-05", "name": "劳动节"},
            {"date": "2027-05-03", "name": "劳动节"},
        ],
        "workdays": [
            {"date": "2027-05-01", "name": "劳动节调休"},  # a Saturday, but a holiday above
            {"date": "2027-05-12", "name": "调休"},  # a Wednesday
            {"date": "2027-05-08"},
        ],
        "officeHours": ["13:30-17:00", "09:00-12:00", "9:00-12"],
    }
    assert problems(doc) == {
        ("minLength", "/source"),
        ("additionalProperties", "/extra"),
        ("outside_year", "/holidays/0/date"),
        ("range_order", "/holidays/1"),
        ("format.date", "/holidays/2/date"),
        ("required", "/holidays/3/to"),
        ("required", "/holidays/4/date"),
        ("date_or_range", "/holidays/5"),
        ("duplicate", "/holidays/7"),
        ("contradiction", "/workdays/0/date"),
        ("not_weekend", "/workdays/1/date"),
        ("required", "/workdays/2/name"),
        ("office_hours.order", "/officeHours/1"),
        ("format.period", "/officeHours/2"),
    }


def test_contradiction_alone() -> None:
    doc = sample()
    doc["workdays"].append({"date": "2027-02-06", "name": "春节"})  # Saturday inside the holiday
    assert problems(doc) == {("contradiction", "/workdays/4/date")}


def test_make_up_day_on_a_weekday_changes_nothing() -> None:
    doc = sample()
    doc["workdays"] = [{"date": "2027-02-15", "name": "春节调休"}]  # a Monday
    assert problems(doc) == {("not_weekend", "/workdays/0/date")}


def test_duplicates_in_ranges_and_workdays() -> None:
    doc = sample()
    doc["holidays"].append({"from": "2027-10-06", "to": "2027-10-08", "name": "国庆节"})
    doc["workdays"].append({"date": "2027-09-26", "name": "国庆节调休"})
    with pytest.raises(UserErrorsException) as info:
        read_calendar_document(doc)
    errors = {(e.code, e.path): e.message for e in info.value.errors}
    assert set(errors) == {("duplicate", "/holidays/7"), ("duplicate", "/workdays/4/date")}
    assert errors[("duplicate", "/holidays/7")] == "2027年10月6日、2027年10月7日已在 /holidays/6 列为放假日，不能重复"
    assert "/holidays/6" in errors[("duplicate", "/holidays/7")]


def test_range_crossing_the_year_is_outside_it() -> None:
    doc = sample()
    doc["holidays"][0] = {"from": "2026-12-31", "to": "2027-01-03", "name": "元旦"}
    assert problems(doc) == {("outside_year", "/holidays/0/from")}
    with pytest.raises(UserErrorsException) as info:
        read_calendar_document(doc)
    assert info.value.errors[0].message == "2026年12月31日不在2027年内；跨年的日期请录入对应年份的日历文件"


def test_office_hours_must_be_ordered_and_well_formed() -> None:
    doc = sample()
    doc["officeHours"] = ["09:00-12:00", "11:30-17:00", "18:00-17:30", "25:00-26:00"]
    assert problems(doc) == {
        ("office_hours.order", "/officeHours/1"),
        ("office_hours.range", "/officeHours/2"),
        ("format.period", "/officeHours/3"),
    }
    doc["officeHours"] = ["09:00-12:00", "09:00-12:00"]
    assert problems(doc) == {("uniqueItems", "/officeHours"), ("office_hours.order", "/officeHours/1")}
    doc["officeHours"] = []
    assert problems(doc) == {("minItems", "/officeHours")}


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ([], {("type", "")}),
        ({}, {("required", "/year"), ("required", "/source"), ("required", "/holidays")}),
        ({"year": "2027", "source": "x", "holidays": {}}, {("type", "/year"), ("type", "/holidays")}),
        ({"year": 1999, "source": "x", "holidays": []}, {("minimum", "/year")}),
        ({"year": True, "source": "x", "holidays": []}, {("type", "/year")}),
    ],
)
def test_structural_errors(doc: Any, expected: set[tuple[str, str]]) -> None:
    assert problems(doc) == expected


def test_input_is_not_modified() -> None:
    doc = sample()
    before = copy.deepcopy(doc)
    parse_calendar_document(doc)
    assert doc == before


def test_load_reports_bad_json_and_missing_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"year": 2027,', encoding="utf-8")
    with pytest.raises(UserErrorsException) as info:
        load_calendar_file(broken)
    assert [e.code for e in info.value.errors] == ["json"]
    with pytest.raises(UserErrorsException) as info:
        load_calendar_file(tmp_path / "missing.json")
    assert [e.code for e in info.value.errors] == ["file"]
