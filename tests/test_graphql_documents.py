"""issueRegister through GraphQL: staff get the 办件登记簿 of a period, others are refused."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from core.plumbing.models import Document
from tests.helpers import PASSWORD, make_center, make_user
from tests.test_document_issue import make_case, pdf_text

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed"),
]

CHINA = timezone(timedelta(hours=8))
ISSUE = """
mutation($c: String!, $f: Date!, $t: Date!) {
  issueRegister(center: $c, from: $f, to: $t) {
    __typename
    ... on IssuedDocument { id kind title number issuedOn url sha256 verifyCode status statusLabel progress }
    ... on UserErrors { errors { path code message } }
  }
}"""

POLL = "query($id: ID!) { document(id: $id) { status statusLabel progress sha256 } }"


async def issue(gql: Any, start: str = "2026-11-01", end: str = "2026-11-30", center: str = "testc") -> dict[str, Any]:
    return (await gql(ISSUE, {"c": center, "f": start, "t": end}))["issueRegister"]


async def test_clerk_issues_the_register_of_a_period(app: Any, gql: Any, client: Any) -> None:
    center = await make_center()
    inside = [
        await make_case(center, "TESTC2026110300001", accepted=datetime(2026, 11, 3, 9, 5, tzinfo=CHINA),
                        applicant_name="张建华"),
        await make_case(center, "TESTC2026113000002", accepted=datetime(2026, 11, 30, 16, 40, tzinfo=CHINA),
                        applicant_name="连州市悦居酒店", state="delivered",
                        completed_at=datetime(2026, 12, 2, 10, 0, tzinfo=CHINA)),
    ]
    await make_case(center, "TESTC2026103100003", accepted=datetime(2026, 10, 31, 11, 0, tzinfo=CHINA),
                    applicant_name="十月的申请人")
    await make_user("clerk1", center, "clerk")
    gql.token = await gql.login("clerk1", PASSWORD)

    result = await issue(gql)
    assert result["__typename"] == "IssuedDocument", result
    assert result["kind"] == "register" and result["title"] == "办件登记簿"
    assert result["number"] == f"测政服登〔{date.fromisoformat(result['issuedOn']).year}〕第0001号"
    assert result["url"] == f"/documents/{result['id']}.pdf" and len(result["verifyCode"]) == 12
    # numbered now, laid out after commit: being prepared until the first download (or the worker)
    assert (result["status"], result["statusLabel"], result["sha256"]) == ("pending", "正在生成", None)
    stored = await Document.get(public_id=result["id"])
    assert stored.case_id is None and stored.state == "pending" and stored.sha256 == ""

    pdf = await client.get(result["url"], headers={"Authorization": f"Bearer {gql.token}"})
    assert pdf.status_code == 200
    stored = await Document.get(public_id=result["id"])
    assert stored.state == "ready" and stored.sha256 == hashlib.sha256(pdf.content).hexdigest()
    polled = (await gql(POLL, {"id": result["id"]}))["document"]
    assert polled == {"status": "ready", "statusLabel": "已生成", "progress": 100, "sha256": stored.sha256}
    text = pdf_text(pdf.content)
    assert "办件登记簿" in text and "2026年11月" in text and "共2件" in text
    for case in inside:
        assert case.number in text and case.applicant_name in text
    assert "2026-11-0309:05" in text and "2026-12-0210:00" in text  # accepted, finished (China time)
    assert "TESTC2026103100003" not in text and "十月的申请人" not in text

    again = await issue(gql, "2026-11-03", "2026-11-03")
    assert again["number"].endswith("第0002号")
    second = await client.get(again["url"], headers={"Authorization": f"Bearer {gql.token}"})
    assert "TESTC2026113000002" not in pdf_text(second.content)


async def test_applicant_and_anonymous_are_refused(app: Any, gql: Any) -> None:
    center = await make_center()
    await make_user("applicant1")
    await make_user("reviewer1", center, "reviewer", "scjg")
    other = await make_center(code="otherc")
    await make_user("otherclerk", other, "clerk")
    assert (await issue(gql))["errors"][0]["code"] == "forbidden"
    for username in ("applicant1", "reviewer1", "otherclerk"):
        gql.token = await gql.login(username, PASSWORD)
        result = await issue(gql)
        assert result["__typename"] == "UserErrors" and result["errors"][0]["code"] == "forbidden", username
    assert await Document.all().count() == 0


async def test_bad_periods_are_user_errors(app: Any, gql: Any) -> None:
    center = await make_center()
    await make_user("head1", center, "head")
    gql.token = await gql.login("head1", PASSWORD)
    backwards = await issue(gql, "2026-11-30", "2026-11-01")
    assert backwards["errors"] == [{"path": "/to", "code": "range.order", "message": "截止日期不能早于起始日期"}]
    too_long = await issue(gql, "2025-01-01", "2026-01-02")
    assert too_long["errors"][0]["code"] == "range.too_long"
    assert (await issue(gql, "2024-01-01", "2024-12-31"))["__typename"] == "IssuedDocument"  # 366 days
    unknown = await issue(gql, center="nosuch")
    assert unknown["errors"][0]["code"] == "unknown_center"
    bad_date = await gql.raw(ISSUE, {"c": "testc", "f": "2026-13-01", "t": "2026-11-30"})
    assert bad_date["errors"]
    assert await Document.all().count() == 1


async def test_a_register_too_large_to_print_in_one_request_is_refused(app: Any, gql: Any, monkeypatch: Any) -> None:
    """A register prints at most REGISTER_MAX_ROWS rows: a longer period is refused before anything
    is numbered or rendered, asking for a shorter one (here the limit is lowered to 2)."""
    import core.services.documents.issue as issuing

    monkeypatch.setattr(issuing, "REGISTER_MAX_ROWS", 2)
    center = await make_center()
    for day in (3, 4, 5):
        await make_case(center, f"TESTC2026110{day}0000{day}", accepted=datetime(2026, 11, day, 9, 0, tzinfo=CHINA))
    await make_user("clerk1", center, "clerk")
    gql.token = await gql.login("clerk1", PASSWORD)
    refused = await issue(gql)
    assert refused["errors"][0]["code"] == "register.too_large" and refused["errors"][0]["path"] == "/to"
    assert "共有3条记录" in refused["errors"][0]["message"] and "最多2条" in refused["errors"][0]["message"]
    assert await Document.all().count() == 0
    assert (await issue(gql, "2026-11-03", "2026-11-04"))["__typename"] == "IssuedDocument"
