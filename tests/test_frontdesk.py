"""Front-desk integrity: what the system records and prints is what the counter actually received.

Counter receipt at acceptance (柜台收件), a supplied 补办件 back at the front desk, material reuse by
catalogue code (材料共享), agents only under a recorded agency (代办), materials nobody else can attach
or guess."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from core.services.accounts import Actor, load_grants
from core.services.items import define_item, publish_item
from core.plumbing.models import Case, CaseEvent, Document, Material, ReceivedMaterial, Timer
from tests.hall import GOOD_DATA, PERMIT, CaseDriver, build_hall, codes
from tests.test_materials import PDF, PNG, make_pdf

pytestmark = pytest.mark.anyio

# A second item whose list puts 营业执照 (yyzz) in another slot, and another material in slot m2.
SHOP: dict[str, Any] = {
    **copy.deepcopy(PERMIT),
    "code": "test-shop",
    "name": "测试店铺备案",
    "materials": [
        {"code": "m1", "name": "店铺备案表", "issuer": "申请人", "originals": 1, "copies": 0, "required": True, "role": "main"},
        {"code": "m2", "catalogue": "gszc", "name": "公司章程", "issuer": "申请人", "originals": 1, "copies": 0,
         "required": False, "role": "secondary"},
        {"code": "m3", "catalogue": "yyzz", "name": "营业执照", "issuer": "市场监督管理局", "originals": 0, "copies": 1,
         "required": True, "role": "secondary"},
    ],
}

SUBMIT = """mutation($item: String!, $data: JSON!, $materials: [ID!], $behalf: String) {
  submitCase(center: "hall", item: $item, data: $data, materials: $materials, onBehalfOf: $behalf) {
    __typename ... on Case { id state version } ... on UserErrors { errors { path code message } } } }"""
SLOTS = """query($id: ID!, $only: Boolean) { caseMaterials(id: $id, providedOnly: $only) {
  code catalogue name role provided how received { form count } files { id code catalogue } } }"""
CATALOGUE = "{ materialCatalogue { code name issuer } }"


@pytest.fixture
async def drive(app, govhall, gql):
    hall = await build_hall(govhall, gql)
    config = (await load_grants(hall.users["config1"]))
    actor = Actor(user=hall.users["config1"], grants=config)
    await define_item(govhall, actor, hall.center, copy.deepcopy(SHOP))
    await publish_item(govhall, actor, hall.center, SHOP["code"])
    return CaseDriver(gql, hall)


async def upload(drive: CaseDriver, user: str, content: bytes = PDF, filename: str = "申请书.pdf", **form: str) -> dict:
    response = await drive.gql.http.post(
        "/materials", files={"file": (filename, content, "application/pdf")}, data=form,
        headers={"Authorization": f"Bearer {drive.hall.tokens[user]}"},
    )
    assert response.status_code == 201, response.text
    return response.json()


async def submit(drive: CaseDriver, user: str, materials: list[str] | None = None, item: str = "test-permit",
                 behalf: str | None = None) -> dict:
    variables = {"item": item, "data": dict(GOOD_DATA), "materials": materials, "behalf": behalf}
    return (await drive.query(user, SUBMIT, **variables))["submitCase"]


async def slots(drive: CaseDriver, user: str, case: dict, only: bool = False) -> dict[str, dict]:
    return {s["code"]: s for s in (await drive.query(user, SLOTS, id=case["id"], only=only))["caseMaterials"]}


async def notice_text(drive: CaseDriver, case: dict) -> str:
    (notice,) = [d for d in case["documents"] if d["kind"] == "acceptance_notice"]
    return await drive.pdf("clerk1", notice["url"])


# --- counter receipt ------------------------------------------------------------------------------


async def test_accept_with_a_main_material_missing_is_refused(drive):
    case = await submit(drive, "app1")
    refused = await drive.act("clerk1", case, "accept", data={"received": [{"material": "m2", "form": "copy", "count": 1}]})
    assert codes(refused) == ["material.missing_main"]
    (error,) = refused["errors"]
    assert error["path"] == "/received" and "“申请书”" in error["message"] and "营业执照" not in error["message"]
    assert "data." not in error["message"] and "收件登记" in error["message"]  # the clerk's words, not the API's
    # nothing changed, nothing issued, nothing recorded
    stored = await Case.get(id=int(case["id"]))
    assert (stored.state, stored.version, stored.accepted_at) == ("submitted", case["version"], None)
    assert not await Document.filter(case_id=stored.id).exists()
    assert not await ReceivedMaterial.filter(case_id=stored.id).exists()
    assert [e.action for e in await CaseEvent.filter(case_id=stored.id)] == ["submit"]
    # the immediate item too: finishing on the spot is an acceptance
    quick = await submit(drive, "app1", item="test-quick")
    assert codes(await drive.act("clerk1", quick, "finish_on_spot", data={"received": []})) == ["material.missing_main"]
    # a receipt that does not fit the item's list is refused with every problem at once
    bad = await drive.act("clerk1", case, "accept", data={"received": [
        {"material": "m1", "form": "scan", "count": 0}, {"material": "zz", "form": "copy", "count": 1},
        {"material": "m1", "form": "original", "count": 1}, {"material": "m1", "form": "original", "count": 2}]})
    assert sorted((e["path"], e["code"]) for e in bad["errors"]) == [
        ("/received/0/count", "range"), ("/received/0/form", "enum"), ("/received/1/material", "enum"),
        ("/received/3", "duplicate")]


async def test_a_receipt_naming_a_material_or_form_by_no_text_is_refused_in_chinese(drive):
    """{material: ["m1"]} made the server fail (a list cannot be looked up in the item's list): it is
    an unknown material, refused at its place as any other."""
    case = await submit(drive, "app1")
    bad = await drive.act("clerk1", case, "accept", data={"received": [
        {"material": ["m1"], "form": "original", "count": 1}, {"material": "m1", "form": {"copy": 1}, "count": 1}]})
    assert sorted((e["path"], e["code"]) for e in bad["errors"]) == [("/received/0/material", "enum"), ("/received/1/form", "enum")]


async def test_counter_receipt_is_what_the_notice_and_the_material_list_show(drive):
    licence = await upload(drive, "app1", PNG, "营业执照.png", code="m2")
    case = await submit(drive, "app1", [licence["id"]])
    before = await slots(drive, "clerk1", case)
    assert (before["m1"]["provided"], before["m2"]["provided"]) == (False, True)  # the clerk sees what was uploaded
    received = [{"material": "m1", "form": "original", "count": 1}, {"material": "m2", "form": "copy", "count": 2}]
    case = await drive.ok("clerk1", case, "accept", data={"received": received})
    assert case["state"] == "under_review"
    assert case["events"][-1]["changes"]["received"] == [
        {"material": "m1", "name": "申请书", "form": "original", "count": 1},
        {"material": "m2", "name": "营业执照复印件", "form": "copy", "count": 2}]
    after = await slots(drive, "app1", case)
    assert after["m1"]["how"] == "原件1份" and after["m1"]["received"] == [{"form": "original", "count": 1}]
    assert after["m2"]["how"] == "电子件1份、复印件2份"
    text = await notice_text(drive, case)
    assert "申请书原件1份" in text and "营业执照复印件电子件1份、复印件2份" in text

    # only the main material, received once as an original: the notice lists exactly that
    other = await submit(drive, "app2")
    other = await drive.ok("clerk1", other, "accept", data={"received": [{"material": "m1", "form": "original", "count": 1}]})
    only = await slots(drive, "clerk1", other, only=True)
    assert list(only) == ["m1"] and only["m1"]["how"] == "原件1份"
    text = await notice_text(drive, other)
    assert "申请书原件1份" in text and "营业执照" not in text


# --- supplying corrections ------------------------------------------------------------------------


async def test_supply_with_nothing_is_refused(drive):
    case = await submit(drive, "app1")
    case = await drive.ok("clerk1", case, "request_materials", data={"missing": [{"name": "营业执照复印件", "paper": True}]})
    for data in (None, {}, {"contactMobile": GOOD_DATA["contactMobile"]}):
        refused = await drive.act("app1", case, "supply", data=data)
        assert codes(refused) == ["nothing_supplied"], data
    stored = await Case.get(id=int(case["id"]))
    assert (stored.state, stored.version) == ("supplementing", case["version"])


async def test_a_supplied_case_goes_back_to_the_front_desk_and_the_clock_starts_at_acceptance(drive):
    case = await submit(drive, "app1")
    case = await drive.ok("clerk1", case, "request_materials", data={"missing": [{"name": "营业执照复印件"}]})
    licence = await upload(drive, "app1", PNG, "营业执照.png", code="m2")
    attached = await drive.query("app1", """mutation($id: ID!, $m: [ID!]!) { attachMaterials(id: $id, materials: $m) {
      __typename } }""", id=case["id"], m=[licence["id"]])
    assert attached["attachMaterials"]["__typename"] == "CaseMaterials"
    case = await drive.ok("app1", await drive.get("app1", case), "supply")
    assert case["state"] == "supplied" and case["kind"] == "supplement" and case["acceptedAt"] is None
    key = int(case["id"])
    assert not await Timer.filter(case_id=key, kind__in=["promised", "legal"]).exists()
    assert await Timer.filter(case_id=key, kind="decide", state="running").exists()  # the front desk's 3 days
    # in the front desk's queue again; the applicant cannot accept it
    queue = await drive.query("clerk1", 'query { cases(center: "hall", state: "supplied") { edges { node { id } } } }')
    assert [e["node"]["id"] for e in queue["cases"]["edges"]] == [case["id"]]
    assert "accept" not in case["availableActions"] and "accept" in (await drive.get("clerk1", case))["availableActions"]
    # the clerk checks it: still something missing → a new one-time notice, then supplied again
    case = await drive.ok("clerk1", case, "request_materials", data={"missing": [{"name": "营业执照复印件", "reason": "不清晰，请带原件到窗口核对", "paper": True}]})
    assert case["state"] == "supplementing"
    assert codes(await drive.act("app1", case, "supply")) == ["nothing_supplied"]  # the earlier file does not count again
    case = await drive.ok("app1", case, "supply", data={"capital": 100})
    assert case["state"] == "supplied"
    # accepted now: the clock starts at this acceptance, with the received materials recorded
    case = await drive.ok("clerk1", case, "accept", data={"received": [{"material": "m1", "form": "original", "count": 1}]})
    assert case["state"] == "under_review" and case["kind"] == "supplement"
    promised = await Timer.get(case_id=key, kind="promised")
    stored = await Case.get(id=key)
    assert stored.accepted_at is not None and case["acceptedAt"]
    assert promised.started_on == stored.accepted_on and case["promisedDue"] == promised.due.isoformat()
    assert not await Timer.filter(case_id=key, kind="decide", state="running").exists()
    assert [d["kind"] for d in case["documents"]] == ["correction_notice", "correction_notice", "acceptance_notice"]
    assert "申请书原件1份" in await notice_text(drive, case)


# --- material reuse by catalogue code -------------------------------------------------------------


async def test_reuse_matches_the_catalogue_code_not_the_slot_code(drive):
    catalogue = {e["code"]: e for e in (await drive.query(None, CATALOGUE))["materialCatalogue"]}
    assert catalogue["yyzz"]["name"].startswith("营业执照") and catalogue["wts"]["name"].startswith("授权委托书")
    form = await upload(drive, "app1", make_pdf("许可申请书"), "申请书.pdf", code="m1")
    licence = await upload(drive, "app1", PNG, "营业执照.png", code="m2")
    first = await submit(drive, "app1", [form["id"], licence["id"]])
    # test-permit: m1 申请书 (no catalogue code), m2 营业执照 (yyzz); test-shop: m1 店铺备案表, m2 章程, m3 营业执照 (yyzz)
    mine = (await drive.query("app1", "{ myMaterials { id code catalogue } }"))["myMaterials"]
    assert {m["catalogue"] for m in mine} == {"", "yyzz"}
    second = await submit(drive, "app1", [m["id"] for m in mine], item="test-shop")
    assert second["__typename"] == "Case", second
    shop = await slots(drive, "app1", second)
    assert shop["m3"]["provided"] and shop["m3"]["files"][0]["catalogue"] == "yyzz"
    assert not shop["m2"]["provided"]  # the permit's m2 is a licence, not this item's m2 (articles of association)
    assert not shop["m1"]["provided"]  # the permit's application form is not the shop's form
    assert shop[""]["name"] == "其他材料"  # reused without a catalogue code: attached, but in no slot
    rows = await Material.filter(case_id=int(second["id"])).order_by("id").values_list("code", "catalogue")
    assert sorted(rows) == [("", ""), ("m3", "yyzz")]
    permit = await slots(drive, "app1", first)
    assert permit["m2"]["files"][0]["id"] == licence["id"]


# --- agency ---------------------------------------------------------------------------------------


async def test_an_agent_acts_only_under_a_power_of_attorney_for_that_applicant(drive):
    own = await upload(drive, "agent1", code="m1")
    assert codes(await submit(drive, "agent1", [own["id"]], behalf="app1")) == ["agency.required"]
    unknown = await submit(drive, "agent1", [own["id"]], behalf="nobody")
    known = await submit(drive, "agent1", [own["id"]], behalf="app1")
    assert unknown["errors"][0]["message"].replace("nobody", "") == known["errors"][0]["message"].replace("app1", "")
    assert await Case.all().count() == 0
    # a power of attorney on the case: the applicant's own upload or the agent's
    attorney = await upload(drive, "app1", make_pdf("委托书"), "委托书.pdf", catalogue="wts")
    case = await submit(drive, "agent1", [own["id"], attorney["id"]], behalf="app1")
    assert case["__typename"] == "Case", case
    stored = await Case.get(id=int(case["id"]))
    assert (stored.applicant_id, stored.agent_id) == (drive.hall.users["app1"].id, drive.hall.users["agent1"].id)
    # the power of attorney names app1: it does not let the agent file for app2, nor use app1's files there
    assert codes(await submit(drive, "agent1", [own["id"]], behalf="app2")) == ["agency.required"]
    theirs = await upload(drive, "app2", make_pdf("别人的委托书"), "委托书.pdf", catalogue="wts")
    foreign = await submit(drive, "agent1", [theirs["id"]], behalf="app1")
    assert codes(foreign) == ["material.unknown"]
    # only agents of this center: an applicant cannot act for another one at all
    assert codes(await submit(drive, "app2", behalf="app1")) == ["forbidden"]


async def test_a_foreign_material_and_an_unknown_one_get_the_same_error(drive):
    theirs = await upload(drive, "app2")
    foreign = await submit(drive, "app1", [theirs["id"]])
    made_up = await submit(drive, "app1", ["AAAAAAAAAAAAAAAAAAAAAA"])
    integer = await submit(drive, "app1", [str((await Material.get(public_id=theirs["id"])).id)])
    assert foreign["errors"] == made_up["errors"] == integer["errors"]
    assert foreign["errors"][0]["code"] == "material.unknown"


async def test_material_ids_are_not_sequential(drive):
    ids = [(await upload(drive, "app1", make_pdf(f"第{i}份")))["id"] for i in range(4)]
    assert len(set(ids)) == 4
    for key in ids:
        assert re.fullmatch(r"[A-Za-z0-9_-]{20,}", key) and not key.isdigit()
    rows = await Material.filter(public_id__in=ids).order_by("id").values_list("id", "public_id")
    assert [r[1] for r in rows] == ids and [r[0] for r in rows] == sorted(r[0] for r in rows)
    download = await drive.gql.http.get(f"/materials/{ids[0]}", headers={"Authorization": f"Bearer {drive.hall.tokens['app1']}"})
    assert download.status_code == 200
    by_key = await drive.gql.http.get(f"/materials/{rows[0][0]}", headers={"Authorization": f"Bearer {drive.hall.tokens['app1']}"})
    assert by_key.status_code == 404


# --- the material catalogue -----------------------------------------------------------------------


def test_every_shipped_material_names_a_catalogue_code():
    from pathlib import Path

    from core.services.catalogue import catalogue
    from core.services.item_definitions import validate_item_document

    root = Path(__file__).resolve().parent.parent
    known = catalogue()
    files = sorted(root.glob("forms/*.json")) + sorted(root.glob("plugins/*/forms/*.json"))
    assert len(files) >= 17
    by_code: dict[str, set[str]] = {}
    for path in files:
        doc = json.loads(path.read_text("utf-8"))
        assert validate_item_document(doc) == [], path
        for m in doc["materials"]:
            assert m.get("catalogue") in known, (path.name, m["code"])
            by_code.setdefault(m["catalogue"], set()).add(doc["code"])
    # the same document in two items has one code: the opening bundle reuses the registration's files
    assert {"scjg-gssldj", "qykb-yjs"} <= by_code["gsdj-sqs"] and {"gaj-yzkzba", "qykb-yjs"} <= by_code["yzkz-sqb"]
    assert len(by_code["yyzz"]) >= 8 and len(by_code["wts"]) >= 8


def test_an_unknown_catalogue_code_is_refused():
    from core.services.item_definitions import validate_item_document

    doc = copy.deepcopy(PERMIT)
    doc["materials"][0]["catalogue"] = "nope"
    doc["materials"][1]["catalogue"] = "Bad Code"
    problems = {(e.path, e.code) for e in validate_item_document(doc)}
    assert ("/materials/0/catalogue", "unknown_catalogue") in problems
    assert any(path == "/materials/1/catalogue" for path, _ in problems)


# --- filing at the counter ------------------------------------------------------------------------

COUNTER = """mutation($data: JSON!, $materials: [ID!], $behalf: String, $channel: String, $dup: Boolean) {
  submitCase(center: "hall", item: "test-permit", data: $data, materials: $materials, onBehalfOf: $behalf, channel: $channel, allowDuplicate: $dup) {
    __typename ... on Case { id number channel applicantName events { role actor changes } }
    ... on UserErrors { errors { path code message } } } }"""
MY_CASES = "{ myCases { edges { node { number channel } } } }"


async def test_a_clerk_filing_at_the_counter_takes_the_case_in_and_is_no_agent(drive):
    """窗口受理: a clerk files for the applicant in front of the window. The case is the applicant's
    (named as the form names them), filed through the window, and the clerk is the one who took it
    in (首问负责), not the applicant's 代办人: the acceptance notice names no 代办人."""
    users = drive.hall.users
    scanned = await upload(drive, "clerk1", code="m1")  # the application, scanned at the counter
    filed = (await drive.query("clerk1", COUNTER, data=dict(GOOD_DATA), materials=[scanned["id"]], behalf="app1"))["submitCase"]
    assert filed["__typename"] == "Case", filed
    assert (filed["channel"], filed["applicantName"]) == ("window", GOOD_DATA["companyName"])
    assert filed["events"] == [{"role": "clerk", "actor": "clerk1", "changes": {"channel": "window"}}]
    stored = await Case.get(id=int(filed["id"]))
    assert (stored.applicant_id, stored.agent_id, stored.responsible_id) == (users["app1"].id, None, users["clerk1"].id)
    assert (await slots(drive, "clerk1", filed))["m1"]["provided"]  # what the clerk scanned is on the case
    # the applicant follows it in 我的办件; it is no case of the clerk's own
    assert {"number": filed["number"], "channel": "window"} in [e["node"] for e in (await drive.query("app1", MY_CASES))["myCases"]["edges"]]
    assert (await drive.query("clerk1", MY_CASES))["myCases"]["edges"] == []
    text = await notice_text(drive, await drive.ok("clerk1", filed, "accept"))
    assert GOOD_DATA["companyName"] in text and "代办人" not in text and "clerk1" not in text
    # a channel the clerk gives is kept (an application that came by courier); an agent's filing stays agency
    posted = (await drive.query("clerk1", COUNTER, data=dict(GOOD_DATA), behalf="app1", channel="courier", dup=True))["submitCase"]
    assert posted["channel"] == "courier"
    attorney = await drive.power_of_attorney("agent1")
    agency = (await drive.query("agent1", COUNTER, data=dict(GOOD_DATA), materials=[attorney], behalf="app1", dup=True))["submitCase"]
    assert (agency["channel"], agency["events"][0]["role"]) == ("web", "agent")
    assert (await Case.get(id=int(agency["id"]))).agent_id == users["agent1"].id


async def test_only_a_clerk_filing_for_an_applicant_may_claim_the_window(drive):
    """窗口受理 is recorded by the clerk at the counter: an applicant filing online, an agent, or a
    clerk filing their own case cannot claim it (channel.counter_only at /channel, nothing filed);
    an applicant may still say the application came from the mobile app."""
    attorney = await drive.power_of_attorney("agent1")
    claims = [("app1", None, None), ("agent1", "app1", [attorney]), ("clerk1", None, None)]
    for user, behalf, materials in claims:
        result = (await drive.query(user, COUNTER, data=dict(GOOD_DATA), materials=materials, behalf=behalf,
                                    channel="window"))["submitCase"]
        assert result["__typename"] == "UserErrors", (user, result)
        (error,) = result["errors"]
        assert (error["path"], error["code"]) == ("/channel", "channel.counter_only"), error
        assert "窗口受理" in error["message"] and not re.search(r"[A-Za-z]", error["message"]), error
    assert await Case.all().count() == 0
    mobile = (await drive.query("app1", COUNTER, data=dict(GOOD_DATA), channel="mobile"))["submitCase"]
    assert (mobile["channel"], mobile["events"][0]["role"]) == ("mobile", "applicant")
