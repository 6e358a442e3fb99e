"""A submission whose effects may run before its case is written stores the case, its number, its
first event, its deadline timer and its ``case.submitted`` event in one write
(:mod:`core.plumbing.new_case`; one statement on PostgreSQL): the same rows as a submission that
inserts the case first and runs its effects after, numbers that stay unique and gap-free when
submissions run at once or one fails, and the rows naming the case by its real id and number."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import pytest

from core.plumbing.models import Case, CaseEvent, Timer
from core.services.outbox import OutboxEvent
from core.services.workflow import ProcessRegistry
from tests.hall import GOOD_DATA, CaseDriver, build_hall

pytestmark = pytest.mark.anyio

STAMPS = {"id", "number", "submitted_at", "updated_at"}


async def rows_of(case_id: int) -> dict[str, Any]:
    """What a submission wrote for one case, without ids and the times it was written."""
    case = (await Case.filter(id=case_id).values())[0]
    number = case["number"]
    events = await CaseEvent.filter(case_id=case_id).values()
    timers = await Timer.filter(case_id=case_id).values()
    outbox = await OutboxEvent.filter(subject=number).values()
    assert len(outbox) == 1 and outbox[0]["kind"] == "case.submitted", outbox
    payload = outbox[0]["payload"]
    assert payload["case"]["id"] == case_id and payload["case"]["number"] == number, payload
    return {
        "case": {k: v for k, v in case.items() if k not in STAMPS},
        "events": [{k: v for k, v in e.items() if k not in {"id", "case_id", "at"}} for e in events],
        "timers": [{k: v for k, v in t.items() if k not in {"id", "case_id"}} for t in timers],
        "payload": {
            "case": {k: v for k, v in payload["case"].items() if k not in {"id", "number", "submittedAt"}},
            "event": {k: v for k, v in payload["event"].items() if k != "at"},
        },
        "outbox": {k: v for k, v in outbox[0].items()
                   if k in {"center_id", "kind", "state", "attempts", "claim", "done_targets", "last_error", "lease_until"}},
    }


async def test_one_write_stores_what_inserting_first_stores(app, govhall, gql, monkeypatch):
    hall = await build_hall(govhall, gql)
    drive = CaseDriver(gql, hall)
    assert govhall.processes.submits_before_insert(govhall.processes.get("standard"))
    at_once = await drive.submit("app1")
    monkeypatch.setattr(ProcessRegistry, "submits_before_insert", lambda self, process: False)
    inserted_first = await drive.submit("app1", allow_duplicate=True)
    assert at_once["__typename"] == inserted_first["__typename"] == "Case"
    first, second = int(at_once["id"]), int(inserted_first["id"])
    one, other = await rows_of(first), await rows_of(second)
    assert one == other
    assert one["timers"] and one["timers"][0]["kind"] == "decide"
    assert int(inserted_first["number"][-6:]) == int(at_once["number"][-6:]) + 1


async def test_effects_that_set_the_case_and_keep_several_rows_write_them_alike(app, govhall, gql, monkeypatch):
    """Two timers (one of them stopped again before anything was written) and the case fields the
    promised clock sets: in the one write's INSERT as in the UPDATE after the case was inserted."""
    hall = await build_hall(govhall, gql)
    drive = CaseDriver(gql, hall)
    standard = govhall.processes.get("standard")
    on_submit = (
        {"effect": "start_clock", "timer": "decide", "days": 3},
        {"effect": "start_clock", "timer": "promised"},
        {"effect": "stop_clock", "timer": "decide"},
        {"effect": "classify"},
    )
    monkeypatch.setitem(govhall.processes.processes, "standard", dataclasses.replace(standard, on_submit=on_submit))
    assert govhall.processes.submits_before_insert(govhall.processes.get("standard"))
    at_once = await drive.submit("app1")
    monkeypatch.setattr(ProcessRegistry, "submits_before_insert", lambda self, process: False)
    inserted_first = await drive.submit("app1", allow_duplicate=True)
    one, other = await rows_of(int(at_once["id"])), await rows_of(int(inserted_first["id"]))
    assert one == other
    assert sorted((t["kind"], t["state"]) for t in one["timers"]) == [("decide", "stopped"), ("promised", "running")]
    assert one["case"]["promised_due"] is not None and one["case"]["promised_days"] > 0
    assert at_once["promisedDue"] == inserted_first["promisedDue"] is not None


async def test_submissions_at_once_get_consecutive_numbers(app, govhall, gql):
    hall = await build_hall(govhall, gql)
    drive = CaseDriver(gql, hall)
    # each for a company of its own: twelve first filings, each through the duplicate check
    cases = await asyncio.gather(*(drive.submit("app1", data={**GOOD_DATA, "companyName": f"连州市第{n}贸易有限公司"})
                                   for n in range(12)))
    assert all(c["__typename"] == "Case" for c in cases), cases
    numbers = sorted(int(c["number"][-6:]) for c in cases)
    assert numbers == list(range(numbers[0], numbers[0] + 12))
    assert numbers[0] == 1
    assert await Timer.filter(case_id__in=[int(c["id"]) for c in cases]).count() == 12
    assert await OutboxEvent.filter(kind="case.submitted").count() == 12


async def test_a_failed_write_takes_no_number(app, govhall, gql, monkeypatch):
    """The outbox event's stable id is unique: a second event with the first one's id fails the
    write, and the case, its number and its timer go with it."""
    hall = await build_hall(govhall, gql)
    drive = CaseDriver(gql, hall)
    monkeypatch.setattr("core.services.outbox.events.new_event_id", lambda: "00000000-0000-4000-8000-000000000000")
    first = await drive.submit("app1")
    assert first["__typename"] == "Case"
    cases, timers = await Case.all().count(), await Timer.all().count()
    failed = await gql.raw(
        'mutation($d: JSON!) { submitCase(center: "hall", item: "test-permit", data: $d, allowDuplicate: true) { __typename } }',
        {"d": (await Case.get(id=first["id"])).data}, token=hall.tokens["app1"],
    )
    assert failed.get("errors"), failed
    assert (await Case.all().count(), await Timer.all().count()) == (cases, timers)
    monkeypatch.undo()
    after = await drive.submit("app1", allow_duplicate=True)
    assert int(after["number"][-6:]) == int(first["number"][-6:]) + 1
