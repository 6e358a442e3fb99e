"""Documents after commit: a transition numbers and records its document, the PDF is laid out
afterwards (by the worker inside ``serve``, ``govhall documents render`` or the first download),
outside any transaction. A failed render keeps its number and row and is retried; after every
attempt has failed the document is ``failed`` and shows so. Run on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from markupsafe import Markup

from core.services.documents import DocumentError, rendering
from core.services.documents.frozen import freeze, thaw
from core.services.documents.worker import RenderWorker
from core.services.form_validation import CASE_TEXT_MAX_CHARS, NOTICE_LIST_MAX_ITEMS, NOTICE_TEXT_TOTAL_CHARS
from core.plumbing.models import Counter, Document, Timer
from core.plumbing.sql import is_postgres
from core.services import clock
from core.plumbing.outbox_models import OutboxEvent
from tests.hall import GOOD_DATA, CaseDriver, build_hall
from tests.helpers import PASSWORD, pdf_text
from tests.test_transition_cost import counted_statements

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parent.parent

DOCS = "query($id: ID!) { case(id: $id) { documents { id kind number url sha256 status statusLabel progress } } }"
LOGIN = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { __typename } }"


@pytest.fixture
async def drive(app, govhall, gql):
    return CaseDriver(gql, await build_hall(govhall, gql))


async def documents(drive: CaseDriver, case: dict[str, Any], user: str = "clerk1") -> list[dict[str, Any]]:
    return (await drive.query(user, DOCS, id=case["id"]))["case"]["documents"]


async def accepted(drive: CaseDriver) -> tuple[dict[str, Any], dict[str, Any]]:
    """A case accepted by the clerk, and its acceptance notice as the case shows it."""
    case = await drive.ok("clerk1", await drive.submit("app1"), "accept")
    (notice,) = [d for d in await documents(drive, case) if d["kind"] == "acceptance_notice"]
    return case, notice


async def counters() -> dict[str, int]:
    return {c.scope: c.value for c in await Counter.filter(scope__startswith="doc:")}


def make_due(document_id: int) -> Any:
    """As if the retry delay had passed."""
    return Document.filter(id=document_id).update(next_attempt_at=datetime.now(timezone.utc) - timedelta(seconds=1))


class Flaky:
    """A layout step that fails ``failures`` times, then lays out as the real one does."""

    def __init__(self, renderer: Any, failures: int) -> None:
        self.real, self.failures, self.calls = renderer.layout, failures, 0

    def __call__(self, html: str) -> Any:
        self.calls += 1
        if self.calls <= self.failures:
            raise RuntimeError("字体服务暂时不可用")
        return self.real(html)


# --------------------------------------------------------------------------- issued once


async def test_a_transition_records_the_document_and_renders_nothing(drive, govhall, monkeypatch):
    def no_layout(html: str) -> Any:
        raise AssertionError("laid out inside the transition")

    monkeypatch.setattr(govhall.renderer, "layout", no_layout)
    case, notice = await accepted(drive)
    assert (notice["status"], notice["statusLabel"], notice["sha256"], notice["progress"]) == ("pending", "正在生成", None, 0)
    row = await Document.get(public_id=notice["id"])
    assert row.state == "pending" and row.content == b"" and row.render_context and row.attempts == 0
    assert thaw(row.render_context)["document"]["number"] == notice["number"]  # the frozen context prints it


async def test_a_document_whose_first_render_fails_is_issued_exactly_once(drive, govhall, monkeypatch):
    case, notice = await accepted(drive)
    numbers_before = await counters()
    flaky = Flaky(govhall.renderer, failures=1)
    monkeypatch.setattr(govhall.renderer, "layout", flaky)

    row = await Document.get(public_id=notice["id"])
    assert await rendering.claim(document_id=row.id) == [row.id]
    assert await rendering.render_claimed(govhall, row.id) == "pending"
    row = await Document.get(id=row.id)
    assert row.state == "pending" and row.attempts == 1 and "字体服务暂时不可用" in row.last_error
    assert row.next_attempt_at > datetime.now(timezone.utc)  # backs off: not claimed again at once
    assert await rendering.claim(document_id=row.id) == []
    waiting = await drive.gql.http.get(notice["url"], headers={"Authorization": f"Bearer {drive.hall.tokens['clerk1']}"})
    assert waiting.status_code == 202 and waiting.json()["message"] == "文书正在生成，请稍后再试"

    await make_due(row.id)
    text = await drive.pdf("clerk1", notice["url"])  # the retry: this download renders it
    assert notice["number"] in text and flaky.calls == 2
    rows = await Document.filter(case_id=row.case_id, kind="acceptance_notice")
    assert len(rows) == 1 and rows[0].id == row.id and rows[0].number == notice["number"]
    assert await counters() == numbers_before  # no number consumed by the failure or the retry
    assert rows[0].state == "ready" and rows[0].attempts == 2 and rows[0].last_error == "" and rows[0].render_context is None
    (shown,) = [d for d in await documents(drive, case) if d["kind"] == "acceptance_notice"]
    assert (shown["status"], shown["statusLabel"], shown["progress"], shown["sha256"]) == ("ready", "已生成", 100, rows[0].sha256)


async def test_after_every_attempt_fails_the_document_is_failed_and_shows_it(drive, govhall, monkeypatch):
    case, notice = await accepted(drive)
    flaky = Flaky(govhall.renderer, failures=rendering.MAX_ATTEMPTS)
    monkeypatch.setattr(govhall.renderer, "layout", flaky)
    row = await Document.get(public_id=notice["id"])
    for attempt in range(rendering.MAX_ATTEMPTS):
        await make_due(row.id)
        assert len(await rendering.claim()) == 1
        await rendering.render_claimed(govhall, row.id)
    row = await Document.get(id=row.id)
    assert row.state == "failed" and row.attempts == rendering.MAX_ATTEMPTS and row.number == notice["number"]
    (shown,) = [d for d in await documents(drive, case) if d["kind"] == "acceptance_notice"]
    assert (shown["status"], shown["statusLabel"]) == ("failed", "生成失败")
    refused = await drive.gql.http.get(notice["url"], headers={"Authorization": f"Bearer {drive.hall.tokens['clerk1']}"})
    assert refused.status_code == 409 and "文书生成失败" in refused.json()["message"]

    assert await rendering.retry_failed() == 1  # the cause fixed, an operator queues it again
    assert (await rendering.render_due(govhall)).rendered >= 1
    row = await Document.get(id=row.id)
    assert row.state == "ready" and row.number == notice["number"]
    assert await Document.filter(case_id=row.case_id, kind="acceptance_notice").count() == 1


async def test_a_download_while_another_renderer_holds_it_says_it_is_being_prepared(drive, govhall, monkeypatch):
    case, notice = await accepted(drive)
    row = await Document.get(public_id=notice["id"])
    assert await rendering.claim(document_id=row.id) == [row.id]  # another process is rendering it
    monkeypatch.setattr(rendering, "WAIT_SECONDS", 0.3)
    answer = await drive.gql.http.get(notice["url"], headers={"Authorization": f"Bearer {drive.hall.tokens['clerk1']}"})
    assert answer.status_code == 202 and answer.headers["retry-after"]
    assert answer.json() == {"message": "文书正在生成，请稍后再试", "status": "pending", "progress": rendering.PROGRESS_CLAIMED}
    assert await rendering.render_claimed(govhall, row.id) == "ready"  # that renderer finishes
    assert notice["number"] in await drive.pdf("clerk1", notice["url"])


async def test_two_renderers_never_claim_one_document(drive, govhall):
    await accepted(drive)
    pending = await Document.filter(state="pending").count()
    claims = await asyncio.gather(*(rendering.claim() for _ in range(pending + 2)))
    claimed = [i for ids in claims for i in ids]
    assert len(claimed) == len(set(claimed)) == pending >= 1


# --------------------------------------------------------------------------- the worker


async def test_the_worker_renders_right_after_the_issuing_request(app, drive, govhall):
    """The worker polls only hourly here: the render follows the request because the request woke it."""
    worker = RenderWorker(govhall, poll_seconds=3600)
    app.state.render_worker = worker
    task = asyncio.create_task(worker.run())
    try:
        await asyncio.sleep(0)  # its first round finds nothing and waits to be woken
        case, notice = await accepted(drive)
        for _ in range(600):
            if (await Document.get(public_id=notice["id"])).state == "ready":
                break
            await asyncio.sleep(0.05)
        row = await Document.get(public_id=notice["id"])
        assert row.state == "ready" and row.content.startswith(b"%PDF")
    finally:
        app.state.render_worker = None
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


async def test_govhall_documents_render_renders_what_is_pending(drive, settings):
    case, notice = await accepted(drive)
    pending = await Document.filter(state="pending").count()
    done = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "core.faces.cli", "documents", "render"], capture_output=True, text=True,
        env={**os.environ, "GOVHALL_DATABASE_URL": settings.database_url}, cwd=ROOT, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert f"已生成 {pending} 份文书" in done.stdout and "仍在排队 0 份" in done.stdout, done.stdout
    assert await Document.filter(state="pending").count() == 0
    assert notice["number"] in await drive.pdf("clerk1", notice["url"])


ACCEPT = """mutation($id: ID!, $v: Int, $data: JSON) { transitionCase(id: $id, action: "accept", expectedVersion: $v, data: $data) {
  __typename ... on Case { state version } ... on UserErrors { errors { code message } } } }"""


async def test_a_notice_whose_template_fails_refuses_the_whole_transition(drive, govhall, monkeypatch):
    """A transition's notices are filled at its end, while its last writes (their rows among them)
    travel to the database: a template error there still refuses the transition, and nothing of it
    stays: no document, no number, no timer, no event, the case as it was."""
    await drive.ok("clerk1", await drive.submit("app1", allow_duplicate=True), "accept")  # the notices' counters exist
    case = await drive.submit("app1", allow_duplicate=True)
    received = await drive.counter_receipt("clerk1", case)
    numbers_before = await counters()
    filled: list[str] = []
    real = govhall.renderer.check

    def check(kind: str, context: Any) -> None:
        filled.append(kind)
        if kind == "promise_notice":
            raise DocumentError("promise_notice.html", "case.window", "文书模板 promise_notice.html 缺少字段 case.window")
        real(kind, context)

    monkeypatch.setattr(govhall.renderer, "check", check)
    body = await drive.gql.raw(ACCEPT, {"id": case["id"], "v": case["version"], "data": {"received": received}},
                               token=drive.hall.tokens["clerk1"])
    assert body.get("errors") or body["data"]["transitionCase"]["__typename"] == "UserErrors", body
    assert filled == ["acceptance_notice", "promise_notice"]
    assert await counters() == numbers_before  # both numbers given back
    assert not await Document.filter(case_id=case["id"]).exists()
    assert not await Timer.filter(case_id=case["id"], kind__in=["promised", "legal"]).exists()
    assert not await OutboxEvent.filter(subject=case["number"], kind__in=["case.accepted", "document.issued"]).exists()
    shown = await drive.get("clerk1", case)
    assert (shown["state"], shown["version"]) == ("submitted", case["version"])

    monkeypatch.setattr(govhall.renderer, "check", real)  # the same accept, now that the template fills
    accepted = await drive.ok("clerk1", case, "accept")
    assert accepted["state"] == "under_review"
    assert sorted(await Document.filter(case_id=case["id"]).values_list("kind", flat=True)) == ["acceptance_notice", "promise_notice"]


# --------------------------------------------------------------------------- statements


async def test_accept_runs_a_bounded_number_of_statements(drive, monkeypatch):
    """Numbering the notices costs one counter upsert for all of them, and their rows go with the
    transition's last writes (one multi-row INSERT in its one round trip): no render, no PDF."""
    cases = [await drive.submit("app1", allow_duplicate=True) for _ in range(2)]
    await drive.ok("clerk1", cases[0], "accept")  # warm the per-app caches
    with counted_statements(monkeypatch) as statements:
        accepted = await drive.ok("clerk1", cases[1], "accept")
    notices = await Document.filter(case_id=accepted["id"]).order_by("id")
    counter_upserts = [s for s in statements if s.lstrip().upper().startswith("INSERT INTO COUNTER")]
    document_inserts = [s for s in statements if 'INSERT INTO "document"' in s]
    if is_postgres():  # the claim takes both numbers, as the clerk's last accept took them
        (claim,) = [s for s in statements if s.startswith('WITH "claim"')]
        assert not counter_upserts and "INSERT INTO counter" in claim, statements
    else:
        assert len(counter_upserts) == 1, statements  # both numbers in one statement
    assert len(notices) == 2
    year = notices[0].issued_on.year  # each the next of its own sequence, in the order issued
    assert [(d.kind, d.number) for d in notices] == [
        ("acceptance_notice", f"测政服受〔{year}〕第0002号"), ("promise_notice", f"测政服承〔{year}〕第0002号")]
    assert len(document_inserts) == 1 and 'UPDATE "gh_case"' in document_inserts[0], statements  # with the case
    assert not [s for s in statements if "UPDATE DOCUMENT" in s.upper() or 'UPDATE "DOCUMENT"' in s.upper()]
    # not counting the token's reads (two requests: none once a PostgreSQL process keeps the sign-in), 11
    # (10 on PostgreSQL, whose claim takes the numbers):
    # the mutation 6 (tests/test_transition_cost.py), the counter receipt query and the full answer 5;
    # three more while each notice had a number and a row statement of its own, 36 before the
    # transition shared the rows it reads and wrote its outbox events at once
    counted = [s for s in statements if "FROM token t" not in s]
    assert len(counted) <= (10 if is_postgres() else 11), (len(counted), counted)


async def test_numbers_taken_in_the_claim_are_the_next_and_those_not_used_are_given_back(drive, monkeypatch):
    """A clerk's accept takes its notices' numbers in its claim, guessed from their last accept
    (PostgreSQL): the numbers are those the notices would have taken themselves. When the guess
    no longer fits (the year turned between two accepts), the reserved numbers go back to their
    counters in the same transaction and the notices take the new year's: no sequence skips a
    number. A refused accept takes none. On SQLite the notices take them as before."""
    y = clock.local_today().year
    first = await drive.ok("clerk1", await drive.submit("app1", allow_duplicate=True), "accept")
    second = await drive.ok("clerk1", await drive.submit("app1", allow_duplicate=True), "accept")
    kinds = ("acceptance_notice", "promise_notice")

    async def numbers(case: dict[str, Any]) -> list[str]:
        return [n for _, n in sorted(await Document.filter(case_id=case["id"], kind__in=kinds).values_list("kind", "number"))]

    assert await numbers(first) == [f"测政服受〔{y}〕第0001号", f"测政服承〔{y}〕第0001号"]
    assert await numbers(second) == [f"测政服受〔{y}〕第0002号", f"测政服承〔{y}〕第0002号"]
    this_year = await counters()

    refused = await drive.submit("app1", allow_duplicate=True)  # no counter receipt of the originals: the accept is refused
    body = await drive.gql.raw(ACCEPT, {"id": refused["id"], "v": refused["version"]}, token=drive.hall.tokens["clerk1"])
    assert body["data"]["transitionCase"]["__typename"] == "UserErrors", body
    assert await counters() == this_year

    monkeypatch.setattr(clock, "local_today", lambda now=None: date(y + 1, 1, 4))
    with counted_statements(monkeypatch) as statements:
        third = await drive.ok("clerk1", await drive.submit("app1", allow_duplicate=True), "accept")
    fourth = await drive.ok("clerk1", await drive.submit("app1", allow_duplicate=True), "accept")
    assert await numbers(third) == [f"测政服受〔{y + 1}〕第0001号", f"测政服承〔{y + 1}〕第0001号"]
    assert await numbers(fourth) == [f"测政服受〔{y + 1}〕第0002号", f"测政服承〔{y + 1}〕第0002号"]
    now = await counters()
    assert {scope: now[scope] for scope in this_year} == this_year  # last year's reserved numbers given back
    if is_postgres():
        assert [s for s in statements if s.startswith("WITH") and "UPDATE counter SET value = value -" in s], statements


# --------------------------------------------------------------------------- no request holds the database


class Blocked:
    """A layout step that waits until the test releases it (so a render can be caught mid-way)."""

    def __init__(self, renderer: Any) -> None:
        self.real = renderer.layout
        self.entered, self.release = threading.Event(), threading.Event()

    def __call__(self, html: str) -> Any:
        self.entered.set()
        if not self.release.wait(timeout=120):
            raise RuntimeError("never released")
        return self.real(html)


async def wait_for_thread_event(event: threading.Event) -> None:
    for _ in range(1200):
        if event.is_set():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the render never started")


async def test_a_render_of_the_largest_notice_holds_no_lock_others_write_meanwhile(drive, govhall, monkeypatch):
    """The largest one-time notice a request may ask for: the transition answers without laying it
    out; while its render is stopped mid-way, another clerk's transition in the same center (the
    same 文号 sequence) and a login (a write) both complete; then the notice is printed in full."""
    blocked = Blocked(govhall.renderer)
    monkeypatch.setattr(govhall.renderer, "layout", blocked)
    data = {**GOOD_DATA, "companyName": "甲" * CASE_TEXT_MAX_CHARS}
    case = await drive.submit("app1", data=data)
    other = await drive.submit("app1")
    per_entry = NOTICE_TEXT_TOTAL_CHARS // NOTICE_LIST_MAX_ITEMS - 25
    missing = [{"name": f"材料{i:03d}" + "乙" * per_entry, "reason": "未提供"} for i in range(NOTICE_LIST_MAX_ITEMS)]
    case = await drive.ok("clerk1", case, "request_materials", data={"missing": missing})
    (notice,) = [d for d in case["documents"] if d["kind"] == "correction_notice"]
    assert not blocked.entered.is_set()  # answered before anything was laid out

    download = asyncio.create_task(drive.gql.http.get(
        notice["url"], headers={"Authorization": f"Bearer {drive.hall.tokens['clerk1']}"}))
    await wait_for_thread_event(blocked.entered)
    # the render is running (stopped in its layout): other clients write meanwhile
    other = await drive.ok("clerk1", other, "request_materials", data={"missing": [{"name": "营业执照", "reason": "过期"}]})
    login = await drive.gql.raw(LOGIN, {"u": "app2", "p": PASSWORD})
    assert login["data"]["login"]["__typename"] == "LoginSuccess"
    (second,) = [d for d in other["documents"] if d["kind"] == "correction_notice"]
    assert second["number"] != notice["number"] and second["number"].endswith("第0002号")
    assert not download.done() and not blocked.release.is_set()  # all of it while the render was held

    blocked.release.set()
    response = await download
    assert response.status_code == 200, response.text
    text = pdf_text(response.content)
    assert f"材料{NOTICE_LIST_MAX_ITEMS - 1:03d}" in text and notice["number"] in text


# --------------------------------------------------------------------------- registers: background, with progress


async def test_a_register_renders_in_the_background_with_its_progress(drive, govhall, monkeypatch):
    blocked = Blocked(govhall.renderer)
    monkeypatch.setattr(govhall.renderer, "layout", blocked)
    await drive.ok("clerk1", await drive.submit("app1"), "accept")
    today = date.today().isoformat()
    issued = (await drive.query("clerk1", """mutation($f: Date!, $t: Date!) { issueRegister(center: "hall", from: $f, to: $t) {
      __typename ... on IssuedDocument { id url status statusLabel progress } } }""", f=today, t=today))["issueRegister"]
    assert issued["__typename"] == "IssuedDocument" and issued["status"] == "pending", issued
    poll = "query($id: ID!) { document(id: $id) { status statusLabel progress downloadUrl } }"
    register = await Document.get(public_id=issued["id"])
    rendering_task = asyncio.create_task(rendering.ensure_rendered(govhall, register.id))
    await wait_for_thread_event(blocked.entered)
    midway = (await drive.query("clerk1", poll, id=issued["id"]))["document"]
    assert (midway["status"], midway["statusLabel"], midway["progress"]) == ("pending", "正在生成", rendering.PROGRESS_HTML)
    assert (await drive.query("app1", poll, id=issued["id"]))["document"] is None  # not the applicant's data
    blocked.release.set()
    assert await rendering_task == "ready"
    done = (await drive.query("clerk1", poll, id=issued["id"]))["document"]
    assert (done["status"], done["progress"]) == ("ready", 100) and done["downloadUrl"]
    pdf = await drive.gql.http.get(done["downloadUrl"])
    assert pdf.status_code == 200 and "办件登记簿" in pdf_text(pdf.content)


# --------------------------------------------------------------------------- frozen context


def test_a_frozen_context_comes_back_as_it_was():
    context = {
        "case": {"acceptedAt": datetime(2026, 11, 26, 10, 30, tzinfo=timezone(timedelta(hours=8))),
                 "promisedDue": date(2026, 12, 3), "fee": Decimal("12.50"), "departments": ("甲", "乙")},
        "seal": Markup("<svg></svg>"), "odd": {"$date": "not a date"}, "order": {"b": 1, "a": 2},
    }
    back = thaw(freeze(context))
    assert back["case"]["acceptedAt"] == context["case"]["acceptedAt"] and back["case"]["acceptedAt"].utcoffset()
    assert back["case"]["promisedDue"] == date(2026, 12, 3) and type(back["case"]["promisedDue"]) is date
    assert back["case"]["fee"] == Decimal("12.50") and back["case"]["departments"] == ["甲", "乙"]
    assert isinstance(back["seal"], Markup) and back["odd"] == {"$date": "not a date"}
    assert list(back["order"]) == ["b", "a"]
    with pytest.raises(ValueError):
        freeze({"x": float("nan")})
