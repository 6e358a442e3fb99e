"""What moving a case costs the database: a transition reads the case's rows once, in one query
(timers, pauses, materials, tasks, its last alert event), takes windows and departments from the
per-app configuration cache and writes the case, its timers, its outbox events and its audit event
in one round trip; and the cache never serves a stale window or department,
whoever changed it (this app, another process through the CLI). Run on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from core.plumbing import sql
from core.plumbing.models import CaseEvent, CaseTask, Document, Pause, Timer, User
from core.plumbing.outbox_models import OutboxEvent
from core.services import org
from core.services.accounts import Actor, load_grants
from core.services.org import DepartmentInput, WindowInput
from core.services.documents.frozen import thaw
from tests.hall import CaseDriver, build_hall
from tests.helpers import center_doc
from tests.test_cli import run
from tests.test_graphql_loaders import counted_statements as counted_by_clients

pytestmark = pytest.mark.anyio

LEAN = """mutation($id: ID!, $action: String!, $v: Int, $data: JSON, $comment: String) {
  transitionCase(id: $id, action: $action, expectedVersion: $v, data: $data, comment: $comment) {
    __typename ... on Case { id state version } ... on UserErrors { errors { code message } } } }"""


@pytest.fixture
async def drive(app, govhall, gql):
    return CaseDriver(gql, await build_hall(govhall, gql))


async def lean(drive: CaseDriver, user: str, case: dict[str, Any], action: str, **variables: Any) -> dict[str, Any]:
    result = (await drive.query(user, LEAN, id=case["id"], action=action, v=case["version"], **variables))["transitionCase"]
    assert result["__typename"] == "Case", result
    return result


@contextmanager
def counted_statements(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every round trip to the database: each statement a client runs, and each group of writes
    :func:`core.plumbing.sql.write_together` hands to SQLite's thread at once (its statements
    joined with ``;``; PostgreSQL runs such a group as one statement, which the client counts)."""
    with counted_by_clients(monkeypatch) as statements:
        original = sql._write_together_sqlite

        async def together(conn: Any, group: Any) -> Any:
            statements.append("; ".join(text for text, _ in group))
            return await original(conn, group)

        monkeypatch.setattr(sql, "_write_together_sqlite", together)
        try:
            yield statements
        finally:
            monkeypatch.setattr(sql, "_write_together_sqlite", original)


def reading(statements: list[str], table: str) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH")) and f'FROM "{table}"' in s]


def writing(statements: list[str], table: str) -> list[str]:
    return [s for s in statements if f'INSERT INTO "{table}"' in s]


async def test_an_accept_reads_each_row_once_and_writes_its_events_in_one_insert(drive, monkeypatch):
    cases = [await drive.submit("app1", allow_duplicate=True) for _ in range(2)]
    await drive.ok("clerk1", cases[0], "accept")  # warms the per-app caches
    received = await drive.counter_receipt("clerk1", cases[1])
    with counted_statements(monkeypatch) as statements:
        accepted = await lean(drive, "clerk1", cases[1], "accept", data={"received": received})
    assert accepted["state"] == "under_review"
    assert len(reading(statements, "timer")) == 1, statements  # stop, promised and legal clocks share them
    assert len(reading(statements, "pause")) == 1, statements
    assert len([s for s in statements if '"material"' in s]) == 1, statements  # the guard and the notice share them
    assert len(reading(statements, "case_task")) == 1, statements  # both notices (read with the timers)
    assert not reading(statements, "department") and not reading(statements, "service_window"), statements
    assert len(writing(statements, "outbox_event")) == 1, statements
    # the token, the case (on PostgreSQL read by its claim), its version claim, the case's rows
    # (materials, timers, pauses, tasks and last alert event in one query; on PostgreSQL in the
    # claim's statement), the two notices' numbers in one upsert, and one round trip for the case,
    # its timers (one stopped, two started), the receipt, the two notices' rows, the outbox and the
    # audit event: 4 on PostgreSQL (5 while the case was read before its claim, 6 while the claim
    # and the read were two statements, 30 before the rows were shared, 19 before they were read
    # and written together, 9 while each notice had a number and a row statement of its own), 6 on SQLite
    assert len(statements) <= (4 if sql.is_postgres() else 6), (len(statements), statements)
    if sql.is_postgres():
        claims = [s for s in statements if s.startswith('WITH "claim" AS MATERIALIZED (SELECT * FROM "gh_case"')]
        assert len(claims) == 1 and not [s for s in statements if s.startswith('UPDATE "gh_case" SET "version"')], statements
        assert reading(statements, "gh_case") == claims, statements  # the case is read by its claim alone
    assert len(statements[-1].split("; ")) in (1, 7), statements[-1]  # PostgreSQL: one statement; SQLite: one hand-over
    assert len(writing(statements, "document")) == 1 and 'INSERT INTO "document"' in statements[-1], statements

    events = await OutboxEvent.filter(subject=cases[1]["number"]).order_by("id")
    assert [e.kind for e in events] == ["case.submitted", "document.issued", "document.issued", "case.accepted"]
    assert len({e.event_id for e in events}) == 4 and all(e.created_at and e.next_attempt_at for e in events)
    notices = [e.payload["document"]["number"] for e in events[1:3]]
    assert [d["number"] for d in events[3].payload["documents"]] == notices
    timers = await Timer.filter(case_id=cases[1]["id"]).order_by("id")
    assert [(t.kind, t.state) for t in timers] == [("decide", "stopped"), ("promised", "running"), ("legal", "running")]


async def test_a_transition_without_documents_reads_timers_and_pauses_once(drive, monkeypatch):
    case = await drive.ok("clerk1", await drive.submit("app1"), "accept")
    with counted_statements(monkeypatch) as paused:
        case = await lean(drive, "rev-scjg", case, "request_survey", comment="现场踏勘")
    with counted_statements(monkeypatch) as resumed:
        case = await lean(drive, "rev-scjg", case, "finish_survey")
    for statements in (paused, resumed):
        assert len(reading(statements, "timer")) == 1 and len(reading(statements, "pause")) == 1, statements
        assert len(writing(statements, "outbox_event")) == 1, statements
        assert not writing(statements, "document"), statements
        # the token, the case, its version claim, the case's rows (timers, pauses, materials,
        # tasks, last alert event), a pause written (pausing), and the case with its timers, the
        # outbox and its event in one round trip: 6 pausing, 5 resuming (11 before); on PostgreSQL
        # the claim reads the case and its rows: 4 pausing, 3 resuming
        most = 6 if statements is paused else 5
        assert len(statements) <= (most - 2 if sql.is_postgres() else most), (len(statements), statements)
    assert case["state"] == "under_review"
    (pause,) = await Pause.filter(case_id=case["id"])
    assert pause.ended_on is not None
    assert {t.state for t in await Timer.filter(case_id=case["id"], kind__in=["promised", "legal"])} == {"running"}


async def test_a_joint_case_decided_department_by_department(drive, monkeypatch):
    """Tasks read once per transition stay true as departments decide them."""
    case = await drive.ok("clerk1", await drive.submit("app1", item="test-joint"), "accept")
    assert case["kind"] == "joint" and len(case["tasks"]) >= 2
    users = {"scjg": "rev-scjg", "zjj": "rev-zjj", "fgj": "rev-fgj", "hbj": "rev-hbj", "gaj": "rev-gaj"}
    for task in case["tasks"][:-1]:
        case = await drive.ok(users[task["department"]], case, "approve_task")
        assert case["state"] == "under_review"
    last = case["tasks"][-1]
    case = await drive.ok(users[last["department"]], case, "approve_task")
    assert case["state"] == "approved"
    assert {t["state"] for t in case["tasks"]} == {"approved"}
    assert not await Timer.filter(case_id=case["id"], state__in=["running", "paused"]).exists()
    (decision,) = [d for d in case["documents"] if d["kind"] == "approval_decision"]
    row = await Document.get(number=decision["number"])
    opinion = thaw(row.render_context)["decision"]["opinion"]
    assert all(t.department.name in opinion for t in await CaseTask.filter(case_id=case["id"]).select_related("department"))
    final = await CaseEvent.filter(case_id=case["id"]).order_by("-seq").first()
    assert final is not None and final.changes["final"] == "approve"


async def notice_context(case: dict[str, Any]) -> dict[str, Any]:
    row = await Document.get(case_id=case["id"], kind="acceptance_notice")
    return thaw(row.render_context)["case"]


async def test_a_department_or_window_changed_elsewhere_is_printed_by_the_next_accept(drive, settings, tmp_path):
    first = await drive.ok("clerk1", await drive.submit("app1", allow_duplicate=True), "accept")
    printed = await notice_context(first)
    assert (printed["department"], printed["window"]) == ("市场监督管理局", "综合受理窗口")

    doc = center_doc("hall", [])
    doc["departments"][0]["name"] = "市场监督管理局（新址）"
    doc["windows"][0]["name"] = "综合受理一号窗口"
    path = tmp_path / "hall.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    loaded = run(["center", "load", str(path)], settings.database_url)  # its own process and connection
    assert loaded.returncode == 0, loaded.stderr
    second = await drive.ok("clerk1", await drive.submit("app1", allow_duplicate=True), "accept")
    printed = await notice_context(second)
    assert (printed["department"], printed["window"]) == ("市场监督管理局（新址）", "综合受理一号窗口")

    # changes made in this process through the organisation screens (no center saved): a renamed
    # department, and a new window of that department, which accepts its cases from now on
    admin = await User.get(username="admin1")
    actor = Actor(user=admin, grants=await load_grants(admin))
    await org.save_department(actor, "hall", DepartmentInput(code="scjg", name="市场监督管理局（三址）", category="市场监管"),
                              is_new=False)
    await org.save_window(actor, "hall", WindowInput(code="B01", name="市场监管专窗", department="scjg"), is_new=True)
    third = await drive.ok("clerk1", await drive.submit("app1", allow_duplicate=True), "accept")
    printed = await notice_context(third)
    assert (printed["department"], printed["window"]) == ("市场监督管理局（三址）", "市场监管专窗")
