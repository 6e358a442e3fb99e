"""补正: while a case awaits the applicant's correction, the applicant replaces a file the clerk found
unclear, or withdraws one. The old file stays in the case's history (已替换 / 已撤回, who and when),
visible to staff, and no longer counts: not on the material list, not for the acceptance's check of
main materials, not for reuse. Outside the correction, and for anybody but the applicant or agent,
it is refused in Chinese at ``/id``."""

from __future__ import annotations

from typing import Any

import pytest

from core.services.documents.frozen import thaw
from core.plumbing.models import CaseEvent, Document, Material
from tests.hall import CaseDriver, build_hall, codes
from tests.test_materials import PDF, PNG, make_pdf

pytestmark = pytest.mark.anyio

FILE = "id code filename status statusLabel withdrawnAt withdrawnBy replacedBy problem"
SLOTS = f"code provided how files {{ {FILE} }} history {{ {FILE} }}"
CASE_MATERIALS = f"query($id: ID!) {{ caseMaterials(id: $id) {{ {SLOTS} }} }}"
RESULT = f"__typename ... on CaseMaterials {{ caseId slots {{ {SLOTS} }} }} ... on UserErrors {{ errors {{ path code message }} }}"
REPLACE = f"""mutation($id: ID!, $material: ID!, $replacement: ID!, $comment: String) {{
  replaceMaterial(id: $id, material: $material, replacement: $replacement, comment: $comment) {{ {RESULT} }} }}"""
WITHDRAW = f"""mutation($id: ID!, $material: ID!, $comment: String) {{
  withdrawMaterial(id: $id, material: $material, comment: $comment) {{ {RESULT} }} }}"""
ATTACH = f"""mutation($id: ID!, $materials: [ID!]!) {{ attachMaterials(id: $id, materials: $materials) {{ {RESULT} }} }}"""
UNCLEAR_PNG = PNG + b"blurred"  # other bytes, still a PNG to the sniffer
CLEAR_PNG = PNG


@pytest.fixture
async def drive(govhall, gql) -> CaseDriver:
    return CaseDriver(gql, await build_hall(govhall, gql))


async def upload(drive: CaseDriver, user: str, content: bytes, filename: str, code: str) -> dict[str, Any]:
    response = await drive.gql.http.post(
        "/materials", files={"file": (filename, content, "application/octet-stream")}, data={"code": code},
        headers={"Authorization": f"Bearer {drive.hall.tokens[user]}"})
    assert response.status_code == 201, response.text
    return response.json()


async def slots(drive: CaseDriver, user: str, case: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["code"]: s for s in (await drive.query(user, CASE_MATERIALS, id=case["id"]))["caseMaterials"]}


async def replace(drive: CaseDriver, user: str, case: dict[str, Any], *, old: str, new: str, comment: str | None = None) -> dict:
    return (await drive.query(user, REPLACE, id=case["id"], material=old, replacement=new, comment=comment))["replaceMaterial"]


async def withdraw(drive: CaseDriver, user: str, case: dict[str, Any], material: str) -> dict:
    return (await drive.query(user, WITHDRAW, id=case["id"], material=material))["withdrawMaterial"]


def refusals(result: dict[str, Any]) -> list[tuple[str, str | None]]:
    assert result["__typename"] == "UserErrors", result
    return [(e["code"], e["path"]) for e in result["errors"]]


async def case_with_unclear_licence(drive: CaseDriver) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A case filed with its application and a licence scan the clerk marks as unclear in the
    one-time notice: (the case, the application's file, the unclear scan)."""
    form = await upload(drive, "app1", PDF, "申请书.pdf", "m1")
    unclear = await upload(drive, "app1", UNCLEAR_PNG, "营业执照-模糊.png", "m2")
    case = await drive.submit("app1", materials=[form["id"], unclear["id"]])
    assert case["__typename"] == "Case", case
    notice = {"missing": [{"name": "营业执照复印件", "reason": "扫描件不清晰，请重新扫描", "file": unclear["id"]}]}
    case = await drive.ok("clerk1", case, "request_materials", data=notice)
    assert case["state"] == "supplementing"
    return case, form, unclear


async def test_an_unclear_scan_is_replaced_and_stays_in_the_case_history(drive):
    case, form, unclear = await case_with_unclear_licence(drive)
    before = await slots(drive, "app1", case)
    assert before["m2"]["files"][0]["problem"] == "扫描件不清晰，请重新扫描"  # the clerk's words, on that file
    assert before["m1"]["files"][0]["problem"] is None
    (notice,) = await Document.filter(case_id=int(case["id"]), kind="correction_notice").values_list("render_context", flat=True)
    assert thaw(notice)["missing"][0]["file"] == "营业执照-模糊.png"  # the notice names the file

    clear = await upload(drive, "app1", CLEAR_PNG, "营业执照-重新扫描.png", "m2")
    result = await replace(drive, "app1", case, old=unclear["id"], new=clear["id"], comment="已重新扫描")
    assert result["__typename"] == "CaseMaterials", result
    for user in ("app1", "clerk1"):  # the applicant sees it as the clerk does
        m2 = (await slots(drive, user, case))["m2"]
        assert m2["provided"] and [f["filename"] for f in m2["files"]] == ["营业执照-重新扫描.png"]
        assert m2["files"][0]["status"] == "current" and m2["how"] == "电子件1份"  # the old file is no longer counted
        (old,) = m2["history"]
        assert (old["id"], old["status"], old["statusLabel"], old["withdrawnBy"]) == (unclear["id"], "replaced", "已替换", "app1")
        assert old["replacedBy"] == m2["files"][0]["id"] == clear["id"] and old["withdrawnAt"]
        assert old["problem"] == "扫描件不清晰，请重新扫描"
    event = await CaseEvent.filter(case_id=int(case["id"])).order_by("-seq").first()
    assert (event.action, event.role, event.comment) == ("replace_material", "applicant", "已重新扫描")
    assert event.changes["material"] == {"id": unclear["id"], "code": "m2", "name": "营业执照复印件", "filename": "营业执照-模糊.png"}
    assert event.changes["replacement"]["filename"] == "营业执照-重新扫描.png"
    # nothing is lost: the clerk still opens the old scan; it is not offered for reuse any more
    old_file = await drive.gql.http.get(unclear["url"], headers={"Authorization": f"Bearer {drive.hall.tokens['clerk1']}"})
    assert old_file.status_code == 200 and old_file.content == UNCLEAR_PNG
    mine = (await drive.query("app1", "{ myMaterials { id } }"))["myMaterials"]
    assert unclear["id"] not in {m["id"] for m in mine} and clear["id"] in {m["id"] for m in mine}
    # the replacement is something supplied: the case goes back to the front desk
    case = await drive.ok("app1", await drive.get("app1", case), "supply")
    assert case["state"] == "supplied"
    clerk_view = await drive.get("clerk1", case)
    assert [e["action"] for e in clerk_view["events"]][-2:] == ["replace_material", "supply"]


async def test_a_withdrawn_main_material_no_longer_counts_for_acceptance(drive):
    wrong = await upload(drive, "app1", make_pdf("别的公司的申请书"), "申请书-错误.pdf", "m1")
    licence = await upload(drive, "app1", UNCLEAR_PNG, "营业执照.png", "m2")
    case = await drive.submit("app1", materials=[wrong["id"], licence["id"]])
    case = await drive.ok("clerk1", case, "request_materials",
                          data={"missing": [{"name": "申请书", "reason": "上传的是其他企业的申请书，请到窗口提交原件", "file": wrong["id"], "paper": True}]})
    result = await withdraw(drive, "app1", case, wrong["id"])
    m1 = {s["code"]: s for s in result["slots"]}["m1"]
    assert (m1["provided"], m1["files"], m1["how"]) == (False, [], "")
    assert [(f["status"], f["statusLabel"], f["replacedBy"]) for f in m1["history"]] == [("withdrawn", "已撤回", None)]
    case = await drive.ok("app1", await drive.get("app1", case), "supply")  # a withdrawal is a correction too
    # the withdrawn application does not count: the main material must come at the counter
    refused = await drive.act("clerk1", case, "accept", data={"received": []})
    assert codes(refused) == ["material.missing_main"]
    accepted = await drive.ok("clerk1", case, "accept", data={"received": [{"material": "m1", "form": "original", "count": 1}]})
    assert accepted["state"] == "under_review"
    assert (await slots(drive, "clerk1", case))["m1"]["how"] == "原件1份"


async def test_outside_the_correction_and_for_anybody_else_it_is_refused_in_chinese(drive):
    form = await upload(drive, "app1", PDF, "申请书.pdf", "m1")
    case = await drive.submit("app1", materials=[form["id"]])
    new = await upload(drive, "app1", make_pdf("新申请书"), "申请书-新.pdf", "m1")
    waiting = await withdraw(drive, "app1", case, form["id"])  # not asked for a correction yet
    assert refusals(waiting) == [("material.not_correcting", "/id")]
    assert "待受理" in waiting["errors"][0]["message"] and "补正" in waiting["errors"][0]["message"]
    case = await drive.ok("clerk1", case, "request_materials", data={"missing": [{"name": "营业执照复印件", "paper": True}]})
    theirs = await upload(drive, "app2", make_pdf("他人的文件"), "他人.pdf", "m1")
    for user in ("app2", "clerk1"):  # another applicant, and the clerk: not their files to change
        result = await replace(drive, user, case, old=form["id"], new=new["id"])
        assert refusals(result) == [("forbidden", "/id")] and "申请人或代办人" in result["errors"][0]["message"]
    assert refusals(await withdraw(drive, "app1", {"id": "999999"}, form["id"])) == [("not_found", "/id")]
    # the applicant's own mistakes, all at once: an unknown file, somebody else's upload, a long note
    result = await replace(drive, "app1", case, old="nope", new=theirs["id"], comment="长" * 501)
    assert refusals(result) == [("too_long", "/comment"), ("material.unknown", "/material"), ("material.unknown", "/replacement")]
    same = await upload(drive, "app1", PDF, "申请书-同一份.pdf", "m1")
    assert refusals(await replace(drive, "app1", case, old=form["id"], new=same["id"])) == [("material.same_file", "/replacement")]
    assert not await Material.filter(withdrawn_at__not_isnull=True).exists()
    assert (await replace(drive, "app1", case, old=form["id"], new=new["id"]))["__typename"] == "CaseMaterials"
    assert refusals(await withdraw(drive, "app1", case, form["id"])) == [("material.unknown", "/material")]  # already replaced
    case = await drive.ok("app1", await drive.get("app1", case), "supply")
    late = await withdraw(drive, "app1", case, new["id"])
    assert refusals(late) == [("material.not_correcting", "/id")] and "已补齐" in late["errors"][0]["message"]


async def test_a_one_time_notice_names_only_a_file_of_the_case(drive):
    form = await upload(drive, "app1", PDF, "申请书.pdf", "m1")
    loose = await upload(drive, "app1", UNCLEAR_PNG, "未提交.png", "m2")
    case = await drive.submit("app1", materials=[form["id"]])
    notice = {"missing": [{"name": "申请书", "file": form["id"]}, {"name": "营业执照复印件", "file": loose["id"]}]}
    refused = await drive.act("clerk1", case, "request_materials", data=notice)
    assert [(e["code"], e["path"]) for e in refused["errors"]] == [("material.unknown", "/missing/1/file")]


async def test_an_agent_replaces_with_the_applicants_upload_and_the_applicant_withdraws(drive):
    """Either party of the case may correct it: the agent (代办) with their or the applicant's new
    upload, the applicant themselves; the event says who."""
    form = await upload(drive, "agent1", PDF, "申请书.pdf", "m1")
    case = await drive.submit("agent1", behalf="app1", materials=[form["id"], await drive.power_of_attorney("agent1")])
    assert case["__typename"] == "Case", case
    case = await drive.ok("clerk1", case, "request_materials", data={"missing": [{"name": "申请书", "file": form["id"]}]})
    signed = await upload(drive, "app1", make_pdf("已签字的申请书"), "申请书-已签字.pdf", "m1")
    assert (await replace(drive, "agent1", case, old=form["id"], new=signed["id"]))["__typename"] == "CaseMaterials"
    assert refusals(await withdraw(drive, "app2", case, signed["id"])) == [("forbidden", "/id")]
    result = await withdraw(drive, "app1", case, signed["id"])
    m1 = {s["code"]: s for s in result["slots"]}["m1"]
    assert [(f["filename"], f["status"], f["withdrawnBy"]) for f in m1["history"]] == [
        ("申请书.pdf", "replaced", "agent1"), ("申请书-已签字.pdf", "withdrawn", "app1")]
    events = await CaseEvent.filter(case_id=int(case["id"]), action__in=["replace_material", "withdraw_material"]).order_by("seq")
    assert [(e.action, e.actor_name, e.role) for e in events] == [
        ("replace_material", "agent1", "agent"), ("withdraw_material", "app1", "applicant")]  # as attach_materials names them
    timeline = [(e["action"], e["role"]) for e in (await drive.get("clerk1", case))["events"]]
    assert timeline[-2:] == [("replace_material", "agent"), ("withdraw_material", "applicant")]


async def attach(drive: CaseDriver, user: str, case: dict[str, Any], *ids: str) -> dict[str, Any]:
    return (await drive.query(user, ATTACH, id=case["id"], materials=list(ids)))["attachMaterials"]


async def test_a_replaced_or_withdrawn_file_cannot_come_back_to_its_case(drive):
    """What the applicant took back stays taken back: its id, and its very content in the slot it
    left, are refused for the case, in Chinese, at the file's place; the file stays as it was."""
    case, form, unclear = await case_with_unclear_licence(drive)
    clear = await upload(drive, "app1", CLEAR_PNG, "营业执照-重新扫描.png", "m2")
    assert (await replace(drive, "app1", case, old=unclear["id"], new=clear["id"]))["__typename"] == "CaseMaterials"
    again = await attach(drive, "app1", case, unclear["id"])  # the replaced scan, by its id
    assert refusals(again) == [("material.withdrawn", "/materials/0")]
    assert "营业执照-模糊.png" in again["errors"][0]["message"] and "本办件补正时被替换" in again["errors"][0]["message"]
    rescanned = await upload(drive, "app1", UNCLEAR_PNG, "营业执照-模糊(1).png", "m2")  # the same unclear scan, uploaded again
    twin = await attach(drive, "app1", case, form["id"], rescanned["id"])
    assert refusals(twin) == [("material.withdrawn", "/materials/1")] and "营业执照-模糊.png" in twin["errors"][0]["message"]
    back = await replace(drive, "app1", case, old=clear["id"], new=rescanned["id"])  # nor by replacing the new scan with it
    assert refusals(back) == [("material.withdrawn", "/replacement")]
    # withdrawn from one slot, the same content may come back as a new upload in another (here 其他材料)
    assert (await withdraw(drive, "app1", case, form["id"]))["__typename"] == "CaseMaterials"
    assert refusals(await attach(drive, "app1", case, form["id"])) == [("material.withdrawn", "/materials/0")]
    as_extra = await upload(drive, "app1", PDF, "申请书.pdf", "")
    assert (await attach(drive, "app1", case, as_extra["id"]))["__typename"] == "CaseMaterials"
    now = await slots(drive, "app1", case)
    assert [f["filename"] for f in now["m2"]["files"]] == ["营业执照-重新扫描.png"]  # nothing came back
    assert (now["m1"]["provided"], [f["status"] for f in now["m1"]["history"]]) == (False, ["withdrawn"])
    assert [f["filename"] for f in now[""]["files"]] == ["申请书.pdf"]
    assert await Material.filter(case_id=int(case["id"])).count() == 4  # application, unclear, clear, the extra


async def test_a_replaced_file_is_not_shared_with_another_case_but_its_twin_may_be(drive):
    """Not offered for reuse (材料共享), a replaced file is refused by its id for a new case as well,
    with the case it was replaced in; an upload of the same content is the applicant's own choice."""
    case, _form, unclear = await case_with_unclear_licence(drive)
    clear = await upload(drive, "app1", CLEAR_PNG, "营业执照-重新扫描.png", "m2")
    assert (await replace(drive, "app1", case, old=unclear["id"], new=clear["id"]))["__typename"] == "CaseMaterials"
    mine = {m["id"] for m in (await drive.query("app1", "{ myMaterials { id } }"))["myMaterials"]}
    assert unclear["id"] not in mine and clear["id"] in mine
    form = await upload(drive, "app1", PDF, "申请书.pdf", "m1")
    refused = await drive.submit("app1", materials=[form["id"], unclear["id"]], allow_duplicate=True)
    assert refusals(refused) == [("material.withdrawn", "/materials/1")]
    number = (await drive.get("app1", case))["number"]
    assert f"已在办件{number}补正时被替换" in refused["errors"][0]["message"] and "重新上传" in refused["errors"][0]["message"]
    other = await drive.submit("app1", materials=[form["id"], clear["id"]], allow_duplicate=True)  # what the reuse list offers is shared
    assert other["__typename"] == "Case", other
    again = await upload(drive, "app1", UNCLEAR_PNG, "营业执照-模糊.png", "m2")
    assert (await attach(drive, "app1", other, again["id"]))["__typename"] == "CaseMaterials"  # no history in this case



async def test_supply_needs_a_new_file_for_each_material_the_notice_asks_to_upload(drive):
    form = await upload(drive, "app1", PDF, "申请书.pdf", "m1")
    case = await drive.submit("app1", materials=[form["id"]])
    notice = {"missing": [
        {"name": "申请书", "reason": "未签字", "file": form["id"]},  # a file to replace
        {"name": "营业执照复印件（加盖公章）", "reason": "未提供"},  # a material of the list, with a remark
        {"name": "联系电话有误"},  # not a material: the front desk checks it
    ]}
    case = await drive.ok("clerk1", case, "request_materials", data=notice)
    # a form edit and a withdrawal bring no file: both uploads are still missing, named at once
    assert (await withdraw(drive, "app1", case, form["id"]))["__typename"] == "CaseMaterials"
    refused = await drive.act("app1", await drive.get("app1", case), "supply", data={"contactMobile": "13900139000"})
    assert refusals(refused) == [("material.not_supplied", "/materials")]
    assert refused["errors"][0]["message"].startswith("请先上传通知书列明的材料：申请书、营业执照复印件。")
    assert (await drive.get("app1", case))["state"] == "supplementing"
    # the signed application: only the licence is left
    signed = await upload(drive, "app1", make_pdf("已签字的申请书"), "申请书-已签字.pdf", "m1")
    assert (await drive.query("app1", ATTACH, id=case["id"], materials=[signed["id"]]))["attachMaterials"]["__typename"] == "CaseMaterials"
    refused = await drive.act("app1", await drive.get("app1", case), "supply", data={"contactMobile": "13900139000"})
    assert refused["errors"][0]["message"].startswith("请先上传通知书列明的材料：营业执照复印件。")
    licence = await upload(drive, "app1", PNG, "营业执照.png", "m2")
    assert (await drive.query("app1", ATTACH, id=case["id"], materials=[licence["id"]]))["attachMaterials"]["__typename"] == "CaseMaterials"
    case = await drive.ok("app1", await drive.get("app1", case), "supply", data={"contactMobile": "13900139000"})
    assert case["state"] == "supplied"


async def test_paper_for_the_window_does_not_block_the_supply(drive):
    # the notice says the licence is brought to the window on paper: a form edit is enough online
    paper = await drive.ok("clerk1", await drive.submit("app1", allow_duplicate=True), "request_materials",
                           data={"missing": [{"name": "营业执照复印件", "reason": "请带原件到窗口核对", "paper": True}]})
    assert (await drive.ok("app1", paper, "supply", data={"contactMobile": "13900139000"}))["state"] == "supplied"
    bad = await drive.act("clerk1", await drive.submit("app1", allow_duplicate=True), "request_materials",
                          data={"missing": [{"name": "营业执照复印件", "paper": "是"}]})
    assert refusals(bad) == [("type", "/missing/0/paper")]
    # asked online, the applicant is refused; the window supplying for them takes the paper (收件登记 at acceptance)
    case = await drive.ok("clerk1", await drive.submit("app1", allow_duplicate=True), "request_materials",
                          data={"missing": [{"name": "营业执照复印件", "reason": "未提供"}]})
    refused = await drive.act("app1", case, "supply", data={"contactMobile": "13900139000"})
    assert refusals(refused) == [("material.not_supplied", "/materials")]
    assert (await drive.ok("clerk1", case, "supply", data={"contactMobile": "13900139000"}))["state"] == "supplied"


def notice_of(case: dict[str, Any]) -> list[dict[str, Any]]:
    """The one-time notice's entries as its event recorded them."""
    return [e for e in case["events"] if e["action"] == "request_materials"][-1]["changes"]["params"]["missing"]


async def test_a_material_picked_from_the_list_or_named_otherwise_is_checked(drive):
    """An entry picked from the item's list carries the material's code and is checked by it, whatever
    its name says; a typed name is taken for the material it names (brackets, spaces, one name inside
    the other); one naming no material is marked ``unlisted`` and does not hold the supply back."""
    case = await drive.ok("clerk1", await drive.submit("app1"), "request_materials", data={"missing": [
        {"name": "营业执照副本复印件", "code": "m2", "reason": "未提供"},  # picked, then worded otherwise
        {"name": "加盖公章的 申请书（原件）", "reason": "未盖章"},  # typed
        {"name": "联系电话有误", "reason": "请更正"},  # names no material
    ]})
    assert notice_of(await drive.get("clerk1", case)) == [
        {"name": "营业执照副本复印件", "code": "m2", "reason": "未提供"},
        {"name": "加盖公章的 申请书（原件）", "code": "m1", "reason": "未盖章"},
        {"name": "联系电话有误", "reason": "请更正", "unlisted": True},
    ]
    refused = await drive.act("app1", await drive.get("app1", case), "supply", data={"contactMobile": "13900139000"})
    assert refusals(refused) == [("material.not_supplied", "/materials")]
    assert refused["errors"][0]["message"].startswith("请先上传通知书列明的材料：营业执照复印件、申请书。")
    licence = await upload(drive, "app1", PNG, "营业执照.png", "m2")
    form = await upload(drive, "app1", make_pdf("盖章的申请书"), "申请书.pdf", "m1")
    assert (await attach(drive, "app1", case, licence["id"], form["id"]))["__typename"] == "CaseMaterials"
    case = await drive.ok("app1", await drive.get("app1", case), "supply", data={"contactMobile": "13900139000"})
    assert case["state"] == "supplied"  # the telephone number is the front desk's to check


async def test_a_notice_names_its_materials_as_the_item_lists_them(drive):
    """A code not on the item's list is refused at its place; what a client says is unlisted is
    the server's to decide (here a material of the list: it must be uploaded)."""
    refused = await drive.act("clerk1", await drive.submit("app1", allow_duplicate=True), "request_materials",
                              data={"missing": [{"name": "营业执照复印件", "code": "m2"}, {"name": "土地证", "code": "m9"}]})
    assert refusals(refused) == [("material.unknown", "/missing/1/code")]
    assert "不在本事项的申报材料清单中" in refused["errors"][0]["message"]
    case = await drive.ok("clerk1", await drive.submit("app1", allow_duplicate=True), "request_materials",
                          data={"missing": [{"name": "营业执照复印件(复印件须清晰)", "unlisted": True}]})
    assert notice_of(await drive.get("clerk1", case)) == [{"name": "营业执照复印件(复印件须清晰)", "code": "m2"}]
    refused = await drive.act("app1", case, "supply", data={"contactMobile": "13900139000"})
    assert refused["errors"][0]["message"].startswith("请先上传通知书列明的材料：营业执照复印件。")
