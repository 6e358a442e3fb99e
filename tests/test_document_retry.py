"""A document whose rendering failed for good: the public verification page says so (not "正在生成"),
and a clerk renders it again with ``retryDocument`` (same number and code, audited in the case's
log); an applicant cannot, a document not failed cannot be reset."""

from __future__ import annotations

from typing import Any

import pytest

from core.services.documents import rendering
from core.plumbing.models import CaseEvent, Document
from tests.hall import CaseDriver, build_hall, codes
from tests.test_document_rendering import Flaky, accepted, make_due

pytestmark = pytest.mark.anyio

RETRY = """mutation($id: ID!) { retryDocument(id: $id) {
  __typename ... on IssuedDocument { id number status statusLabel verifyCode } ... on UserErrors { errors { code message path } } } }"""


@pytest.fixture
async def drive(app, govhall, gql):
    return CaseDriver(gql, await build_hall(govhall, gql))


async def failed_notice(drive: CaseDriver, govhall: Any, monkeypatch: Any) -> tuple[dict[str, Any], Document]:
    case, notice = await accepted(drive)
    monkeypatch.setattr(govhall.renderer, "layout", Flaky(govhall.renderer, failures=rendering.MAX_ATTEMPTS))
    row = await Document.get(public_id=notice["id"])
    for _ in range(rendering.MAX_ATTEMPTS):
        await make_due(row.id)
        await rendering.claim(document_id=row.id)
        await rendering.render_claimed(govhall, row.id)
    row = await Document.get(id=row.id)
    assert row.state == "failed"
    return case, row


async def test_the_verify_page_of_a_failed_document_says_it_failed(drive, govhall, monkeypatch):
    _, row = await failed_notice(drive, govhall, monkeypatch)
    page = await drive.gql.http.get(f"/verify/{row.verify_code}")
    assert page.status_code == 200
    assert "文书生成失败，请联系办件窗口重新出具" in page.text and "正在生成" not in page.text
    assert "<form" not in page.text and row.number in page.text
    data = (await drive.gql.http.get(f"/verify/{row.verify_code}.json")).json()
    assert data["status"] == "failed" and data["message"] == "文书生成失败，请联系办件窗口重新出具"
    posted = await drive.gql.http.post(f"/verify/{row.verify_code}", content=b"%PDF-1.7 whatever")
    assert posted.status_code == 409 and posted.json()["message"] == "文书生成失败，请联系办件窗口重新出具"


async def test_a_clerk_renders_a_failed_document_again_audited_in_the_case_log(drive, govhall, monkeypatch):
    case, row = await failed_notice(drive, govhall, monkeypatch)
    refused = await drive.query("app1", RETRY, id=row.public_id)
    assert codes(refused["retryDocument"]) == ["forbidden"]
    assert (await Document.get(id=row.id)).state == "failed"

    done = (await drive.query("clerk1", RETRY, id=row.public_id))["retryDocument"]
    assert done["__typename"] == "IssuedDocument", done
    assert (done["status"], done["statusLabel"], done["number"]) == ("pending", "正在生成", row.number)
    event = await CaseEvent.filter(case_id=row.case_id).order_by("-seq").first()
    assert event.action == "document_retry" and event.actor_name and row.number in event.comment
    assert event.changes == {"document": row.number}

    again = (await drive.query("clerk1", RETRY, id=row.public_id))["retryDocument"]
    assert codes(again) == ["state"]  # pending now: nothing to reset

    monkeypatch.setattr(govhall.renderer, "layout", Flaky(govhall.renderer, failures=0))
    assert (await rendering.render_due(govhall)).rendered >= 1
    fresh = await Document.get(id=row.id)
    assert fresh.state == "ready" and fresh.number == row.number and fresh.verify_code == row.verify_code
    page = await drive.gql.http.get(f"/verify/{row.verify_code}")
    assert fresh.sha256 in page.text and "生成失败" not in page.text
