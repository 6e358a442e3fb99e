"""Downloads without tokens in URLs, unguessable document ids, and case-less documents (registers,
rankings, forms) readable only by the roles allowed the data they print."""

from __future__ import annotations

import re
import shutil
import time
from typing import Any

import pytest

from core.plumbing.models import AppSecret, Document, RoleAssignment
from plugins.green_channel.tests.drive import ENTERPRISE, PRINT_FORM, PRINT_REGISTER, REGISTER
from tests.hall import GOOD_DATA, CaseDriver, build_hall

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed"),
]

PLUGINS = ["assessment", "green_channel", "one_window"]
DOC = "__typename ... on IssuedDocument { id kind number url downloadUrl } ... on UserErrors { errors { code message } }"
ISSUE_REGISTER = f"mutation($c: String!, $f: Date!, $t: Date!) {{ issueRegister(center: $c, from: $f, to: $t) {{ {DOC} }} }}"
PRINT_ASSESSMENT = f"mutation($c: String!, $k: String!, $p: String!) {{ printAssessment(center: $c, kind: $k, period: $p) {{ {DOC} }} }}"
PRINT_PICKUP = f"mutation($c: String!, $f: Date!, $t: Date!) {{ printPickupRegister(center: $c, from: $f, to: $t) {{ {DOC} }} }}"
CASE_DOCS = "query($id: ID!) { case(id: $id) { documents { id kind url downloadUrl } } }"
MY_MATERIALS = "{ myMaterials { id url downloadUrl } }"
PDF = b"%PDF-1.4\n% a test material\n"


@pytest.fixture
async def drive(govhall: Any, gql: Any) -> CaseDriver:
    return CaseDriver(gql, await build_hall(govhall, gql, plugins=PLUGINS))


async def status(drive: CaseDriver, user: str | None, url: str) -> int:
    headers = {"Authorization": f"Bearer {drive.hall.tokens[user]}"} if user else {}
    return (await drive.gql.http.get(url, headers=headers)).status_code


async def accepted_case(drive: CaseDriver) -> dict[str, Any]:
    case = await drive.submit("app1", data=dict(GOOD_DATA))
    return await drive.ok("clerk1", case, "accept", data={"checklist": ["c1", "c2"], "originalsChecked": True})


# --------------------------------------------------------------------------- case-less documents


@pytest.mark.parametrize(
    ("issuer", "mutation", "name", "variables", "allowed", "refused"),
    [
        ("clerk1", ISSUE_REGISTER, "issueRegister", {"f": "2026-01-01", "t": "2026-12-31"},
         ("pick1", "head1", "sup1"), ("rev-scjg", "app1", "agent1", "config1", "clerk-other")),
        ("sup1", PRINT_ASSESSMENT, "printAssessment", {"k": "window", "p": "2025-03"},
         ("head1", "admin1"), ("clerk1", "pick1", "rev-scjg", "app1", "clerk-other")),
        ("clerk1", PRINT_REGISTER, "printGreenRegister", {"f": "2026-01-01", "t": "2026-12-31"},
         ("rev-scjg", "pick1", "sup1"), ("app1", "agent1", "config1", "clerk-other")),
        ("pick1", PRINT_PICKUP, "printPickupRegister", {"f": "2026-01-01", "t": "2026-12-31"},
         ("clerk1", "sup1"), ("rev-scjg", "app1", "config1", "clerk-other")),
    ],
)
async def test_caseless_documents_carry_the_permission_of_their_data(
    drive: CaseDriver, issuer: str, mutation: str, name: str, variables: dict[str, Any],
    allowed: tuple[str, ...], refused: tuple[str, ...],
) -> None:
    doc = (await drive.query(issuer, mutation, c="hall", **variables))[name]
    assert doc["__typename"] == "IssuedDocument", doc
    for user in (issuer, *allowed):
        assert await status(drive, user, doc["url"]) == 200, user
    for user in refused:
        assert await status(drive, user, doc["url"]) == 404, user
    assert await status(drive, None, doc["url"]) == 401


async def test_green_form_is_for_those_who_may_view_the_project(drive: CaseDriver) -> None:
    project = (await drive.query("clerk1", REGISTER, c="hall", input=ENTERPRISE))["registerGreenProject"]
    form = (await drive.query("clerk1", PRINT_FORM, p=project["id"]))["printGreenForm"]
    assert form["__typename"] == "IssuedDocument", form
    for user in ("clerk1", "rev-zjj", "pick1"):
        assert await status(drive, user, form["url"]) == 200, user
    for user in ("app1", "agent1", "config1", "clerk-other"):
        assert await status(drive, user, form["url"]) == 404, user


# --------------------------------------------------------------------------- ids and signed links


async def test_document_ids_are_random_and_row_numbers_open_nothing(drive: CaseDriver) -> None:
    case = await accepted_case(drive)
    docs = (await drive.query("app1", CASE_DOCS, id=case["id"]))["case"]["documents"]
    another = (await drive.query("clerk1", ISSUE_REGISTER, c="hall", f="2026-01-01", t="2026-12-31"))["issueRegister"]
    ids = [d["id"] for d in docs] + [another["id"]]
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids) and len(set(ids)) == len(ids)
    for doc in docs:
        assert doc["url"] == f"/documents/{doc['id']}.pdf"
    row = await Document.get(public_id=docs[0]["id"])
    for guess in (f"/documents/{row.id}.pdf", f"/documents/{row.id + 1}.pdf", "/documents/..%2f.pdf"):
        assert await status(drive, "clerk1", guess) == 404, guess


async def test_signed_links_open_one_file_for_one_user_for_a_few_minutes(
    drive: CaseDriver, govhall: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = await accepted_case(drive)
    (doc, *_) = (await drive.query("app1", CASE_DOCS, id=case["id"]))["case"]["documents"]
    link = doc["downloadUrl"]
    assert link.startswith(doc["url"] + "?sig=") and "token" not in link
    http = drive.gql.http
    opened = await http.get(link)  # no Authorization header: the link alone
    assert opened.status_code == 200 and opened.content.startswith(b"%PDF")
    assert (await http.get(doc["url"])).status_code == 401

    other = (await drive.query("clerk1", ISSUE_REGISTER, c="hall", f="2026-01-01", t="2026-12-31"))["issueRegister"]
    sig = link.split("?sig=")[1]
    moved = await http.get(f"{other['url']}?sig={sig}")  # the signature is for the first path only
    assert moved.status_code == 403 and moved.json()["message"].startswith("下载链接已过期")
    forged = await http.get(link[:-3] + ("abc" if not link.endswith("abc") else "xyz"))
    assert forged.status_code == 403
    assert (await http.get(doc["url"], params={"token": drive.hall.tokens["app1"]})).status_code == 400

    # the link carries its user: applicant app2 cannot read the case, and a link made for them fails
    from core.services.downloads import signed_url

    app2 = drive.hall.users["app2"]
    assert (await http.get(await signed_url(govhall, doc["url"], app2.id))).status_code == 403
    # permissions are checked when the link is opened: a clerk who lost the role is refused
    clerk_link = (await drive.query("clerk1", CASE_DOCS, id=case["id"]))["case"]["documents"][0]["downloadUrl"]
    assert (await http.get(clerk_link)).status_code == 200
    await RoleAssignment.filter(user=drive.hall.users["clerk1"]).delete()
    assert (await http.get(clerk_link)).status_code in (403, 404)

    # a few minutes later the link is dead
    import itsdangerous.timed

    real = time.time
    monkeypatch.setattr(itsdangerous.timed, "time", type("Later", (), {"time": staticmethod(lambda: real() + 301)}))
    expired = await http.get(link)
    assert expired.status_code == 403 and "过期" in expired.json()["message"]
    assert await AppSecret.filter(name="download-links").count() == 1  # one shared key, kept in the database


async def test_material_links_are_signed_and_query_tokens_refused(drive: CaseDriver) -> None:
    http = drive.gql.http
    token = drive.hall.tokens["app1"]
    uploaded = await http.post("/materials", files={"file": ("申请书.pdf", PDF, "application/pdf")},
                               headers={"Authorization": f"Bearer {token}"})
    assert uploaded.status_code == 201, uploaded.text
    body = uploaded.json()
    assert body["downloadUrl"].startswith(body["url"] + "?sig=")
    assert (await http.get(body["downloadUrl"])).content == PDF
    (mine,) = (await drive.query("app1", MY_MATERIALS))["myMaterials"]
    assert (await http.get(mine["downloadUrl"])).content == PDF
    refused = await http.get(body["url"], params={"token": token})
    assert refused.status_code == 400 and refused.json()["errors"][0]["code"] == "token_in_url"
    assert (await http.get(body["url"])).status_code == 401
    assert (await http.get(body["url"], headers={"Authorization": f"Bearer {token}"})).content == PDF
    other = (await drive.query("app2", MY_MATERIALS))["myMaterials"]
    assert other == []


async def test_a_page_open_for_long_gets_new_links_for_its_own_files(drive: CaseDriver, monkeypatch: pytest.MonkeyPatch) -> None:
    """A case page left open longer than a link lives (a phone put away) asks ``downloadLinks`` for
    new ones: documents and materials are signed again for the caller, anything else comes back as
    it was, and a new link opens no more than the caller's own token would."""
    import itsdangerous.timed

    http = drive.gql.http
    case = await accepted_case(drive)
    (doc, *_) = (await drive.query("app1", CASE_DOCS, id=case["id"]))["case"]["documents"]
    uploaded = (await http.post("/materials", files={"file": ("申请书.pdf", PDF, "application/pdf")},
                                headers={"Authorization": f"Bearer {drive.hall.tokens['app1']}"})).json()
    real = time.time
    monkeypatch.setattr(itsdangerous.timed, "time", type("Later", (), {"time": staticmethod(lambda: real() + 301)}))
    assert (await http.get(doc["downloadUrl"])).status_code == 403  # the page's links have expired
    others = ["/graphql", "https://example.org/a.pdf", "/documents/../materials/x"]
    asked = [doc["downloadUrl"], uploaded["downloadUrl"], doc["url"], *others]
    renewed = (await drive.query("app1", "query($u: [String!]!) { downloadLinks(urls: $u) }", u=asked))["downloadLinks"]
    assert renewed[3:] == others
    assert [link.split("?sig=")[0] for link in renewed[:3]] == [doc["url"], uploaded["url"], doc["url"]]
    assert renewed[0] != doc["downloadUrl"] and "token" not in renewed[0]
    opened = await http.get(renewed[0])  # the new link alone, no Authorization header
    assert opened.status_code == 200 and opened.content.startswith(b"%PDF")
    assert (await http.get(renewed[1])).content == PDF
    # another applicant gets a link, but it opens nothing of a case they may not see; nobody gets none
    theirs = (await drive.query("app2", "query($u: [String!]!) { downloadLinks(urls: $u) }", u=[doc["url"]]))["downloadLinks"]
    assert (await http.get(theirs[0])).status_code == 403
    anonymous = (await drive.query(None, "query($u: [String!]!) { downloadLinks(urls: $u) }", u=asked))["downloadLinks"]
    assert anonymous == asked
    too_many = await drive.gql.raw("query($u: [String!]!) { downloadLinks(urls: $u) }", {"u": [doc["url"]] * 201},
                                   token=drive.hall.tokens["app1"])
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "最多更新200个" in too_many["errors"][0]["message"]
