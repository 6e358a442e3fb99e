"""企业开办“一件事”: accepted once at the combined window, split into parallel tasks for the market
regulator (lead), police (seals), tax, social security and housing fund; when the last department
approves, the case is approved and the gift pack waits at the pickup window."""

from __future__ import annotations

import shutil

import pytest

from core.plumbing.models import CaseEvent, Department
from core.services.plugins import acall_first
from plugins.enterprise_zone.models import GiftPack

from .drive import GIFT_PACKS, HAND_OVER_PACK, PERSON_A, ZoneDriver, build_zone, closing_data, codes, opening_data

pytestmark = pytest.mark.anyio
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
REVIEWERS = {"scjg": "rev-scjg", "gaj": "rev-gaj", "swj": "rev-swj", "rsj": "rev-rsj", "gjj": "rev-gjj"}


@pytest.fixture
async def drive(app, govhall, gql):
    return ZoneDriver(gql, await build_zone(govhall, gql))


async def test_accepted_once_split_to_the_departments_and_a_gift_pack_recorded(drive):
    case = await drive.submit("app1", item="qykb-yjs", data=opening_data())
    assert case["__typename"] == "Case" and case["state"] == "submitted", case

    case = await drive.ok("clerk1", case, "accept")
    assert case["state"] == "under_review" and case["kind"] == "joint"
    assert [(t["department"], t["lead"], t["state"]) for t in case["tasks"]] == [
        ("scjg", True, "open"), ("gaj", False, "open"), ("swj", False, "open"), ("rsj", False, "open"), ("gjj", False, "open")]
    assert all(t["due"] == case["promisedDue"] for t in case["tasks"])
    assert "joint_notice" in [d["kind"] for d in case["documents"]]

    # the departments decide in parallel, in any order; none can approve the whole case alone
    assert codes(await drive.act("rev-scjg", case, "approve")) == ["joint_case"]
    assert codes(await drive.act("rev-scjg", case, "approve_task", data={"department": "gaj"})) == ["no_task"]
    for department in ["gjj", "gaj", "rsj", "scjg"]:
        case = await drive.ok(REVIEWERS[department], case, "approve_task")
        assert case["state"] == "under_review"
    assert await GiftPack.all().count() == 0
    case = await drive.ok("rev-swj", case, "approve_task")
    assert case["state"] == "approved" and case["completedAt"]
    assert {t["state"] for t in case["tasks"]} == {"approved"}

    (pack,) = await drive.run("pick1", GIFT_PACKS, c="hall", s="waiting")
    assert pack["caseNumber"] == case["number"] and pack["enterpriseName"] == "连州市青禾农业科技有限公司"
    assert pack["contents"] == ["营业执照正本、副本", "印章：单位专用章（公章）", "印章：财务专用章", "印章：发票专用章",
                                "印章：法定代表人名章", "税务UKey", "发票：数电发票（普通发票）"]
    assert pack["delivery"] == "现场领取" and pack["statusLabel"] == "待领取"
    assert [p["id"] for p in await drive.run("app1", GIFT_PACKS, c="hall")] == [pack["id"]]
    assert await drive.run("app2", GIFT_PACKS, c="hall") == []

    # the pickup window hands it over: recorded once, in the case's audit log
    assert codes(await drive.run("app1", HAND_OVER_PACK, g=pack["id"], r="李青禾")) == ["forbidden"]
    handed = await drive.run("pick1", HAND_OVER_PACK, g=pack["id"], r="李青禾")
    assert handed["status"] == "handed_over" and handed["receiver"] == "李青禾" and handed["handedOverBy"] == "pick1"
    assert codes(await drive.run("pick1", HAND_OVER_PACK, g=pack["id"], r="李青禾")) == ["state"]
    event = await CaseEvent.filter(case_id=int(case["id"])).order_by("-seq").first()
    assert event.action == "hand_over_gift_pack" and event.changes["giftPack"]["receiver"] == "李青禾"
    assert await drive.run("pick1", GIFT_PACKS, c="hall", s="waiting") == []


async def test_a_bundle_refused_by_every_department_is_refused_and_gets_no_gift_pack(drive):
    case = await drive.ok("clerk1", await drive.submit("app1", item="qykb-yjs", data=opening_data()), "accept")
    for department in REVIEWERS:
        case = await drive.ok(REVIEWERS[department], case, "refuse_task", comment="申请材料与登记信息不一致")
    assert case["state"] == "refused" and {t["stateLabel"] for t in case["tasks"]} == {"不予许可"}
    assert [d["kind"] for d in case["documents"] if d["kind"] in ("approval_decision", "certificate", "refusal_decision")] == ["refusal_decision"]
    assert await GiftPack.all().count() == 0


@needs_pdftotext
async def test_a_bundle_with_a_refused_part_is_partly_granted(drive):
    """公安 refuses the seals only: the licence is granted and waits at the pickup window with the rest
    of the pack; the refusal decision is the police's, about the seals alone."""
    case = await drive.ok("clerk1", await drive.submit("app1", item="qykb-yjs", data=opening_data()), "accept")
    # 部分准予 is where mixed decisions lead, never a decision of its own
    assert "approve_partly" not in (await drive.get("rev-scjg", case))["availableActions"]
    assert codes(await drive.act("rev-scjg", case, "approve_partly", comment="同意")) == ["decided_by_tasks"]
    case = await drive.ok("rev-gaj", case, "refuse_task", comment="申请刻制的印章印文与企业名称不一致",
                          data={"basis": "《印铸刻字业暂行管理规则》第六条"})
    for department in ["scjg", "swj", "rsj", "gjj"]:
        case = await drive.ok(REVIEWERS[department], case, "approve_task")
    assert (case["state"], case["stateLabel"]) == ("partly_approved", "部分准予，待出件") and case["completedAt"]
    parts = {t["department"]: (t["partName"], t["stateLabel"]) for t in case["tasks"]}
    assert parts["gaj"] == ("印章刻制", "不予许可") and parts["scjg"] == ("营业执照（设立登记）", "准予")
    (seals,) = [t for t in case["tasks"] if t["state"] == "refused"]
    assert (seals["comment"], seals["basis"]) == ("申请刻制的印章印文与企业名称不一致", "《印铸刻字业暂行管理规则》第六条")
    kinds = [d["kind"] for d in case["documents"]]
    assert kinds.count("approval_decision") == kinds.count("certificate") == kinds.count("refusal_decision") == 1
    assert "deliver" in (await drive.get("pick1", case))["availableActions"]

    names = {d.code: d.name for d in await Department.all()}
    documents = {d["kind"]: d for d in case["documents"]}
    refusal = await drive.pdf("app1", documents["refusal_decision"]["url"])
    for needle in ["印章刻制", names["gaj"], "申请刻制的印章印文与企业名称不一致", "《印铸刻字业暂行管理规则》第六条"]:
        assert needle in refusal, needle
    for other in ["营业执照", "发票", "社保", names["scjg"], names["swj"], names["rsj"], names["gjj"]]:
        assert other not in refusal, other
    approval = await drive.pdf("app1", documents["approval_decision"]["url"])
    assert "准予营业执照（设立登记）、发票和税务UKey申领、社保登记、住房公积金缴存登记" in approval
    assert "“印章刻制”事项不予许可" in approval and names["scjg"] in approval

    # the pack holds what was granted: the licence, the UKey and invoices, no seals
    (pack,) = await drive.run("pick1", GIFT_PACKS, c="hall", s="waiting")
    assert pack["contents"] == ["营业执照正本、副本", "税务UKey", "发票：数电发票（普通发票）"]


async def test_the_closing_bundle_is_joint_too_and_has_no_gift_pack(drive):
    case = await drive.ok("clerk1", await drive.submit("app1", item="qyzx-yjs", data=closing_data()), "accept")
    assert [(t["department"], t["lead"]) for t in case["tasks"]] == [
        ("scjg", True), ("swj", False), ("rsj", False), ("gjj", False)]
    for department in ["scjg", "swj", "rsj", "gjj"]:
        case = await drive.ok(REVIEWERS[department], case, "approve_task")
    assert case["state"] == "approved" and await GiftPack.all().count() == 0


async def test_the_market_regulator_leads_whatever_the_categories_say(drive, govhall):
    """The plugin answers for the bundles even where the core's category rule would pick another
    department; for any other item it leaves the choice to the core."""
    center = drive.hall.center
    await Department.filter(center=center).update(category="")
    departments = list(await Department.filter(center=center, code__in=["scjg", "gaj", "swj"]).order_by("id"))
    hooks = govhall.hub.for_center(center)
    versions = {v.code: v for v in await center.item_versions.all()}
    assert await acall_first(hooks.choose_lead_department, center=center, item=versions["qykb-yjs"],
                             departments=departments) == "scjg"
    assert await acall_first(hooks.choose_lead_department, center=center, item=versions["test-joint"],
                             departments=departments) == "swj"  # the core's default: the last department


PICKUP = "query($id: ID!) { case(id: $id) { state awaitingPickup pickupExtras { title contents methods note } } }"


async def approved_bundle(drive, **changes) -> dict:
    case = await drive.ok("clerk1", await drive.submit("app1", item="qykb-yjs", data=opening_data(**changes)), "accept")
    for department in ["scjg", "gaj", "swj", "rsj", "gjj"]:
        case = await drive.ok(REVIEWERS[department], case, "approve_task")
    assert case["state"] == "approved"
    return case


async def test_the_pickup_window_sees_the_gift_pack_and_handing_out_the_licence_hands_it_over(drive):
    case = await approved_bundle(drive)
    waiting = (await drive.query("pick1", PICKUP, id=case["id"]))["case"]
    assert waiting["awaitingPickup"] is True
    (extra,) = waiting["pickupExtras"]
    assert extra["title"] == "开办大礼包" and extra["contents"][:2] == ["营业执照正本、副本", "印章：单位专用章（公章）"]
    assert extra["methods"] == ["in_person", "courier"] and "确认出件" in extra["note"]  # a self-printed licence goes alone
    # the applicant's own page may read it too: it is what they will be given
    assert (await drive.query("app1", PICKUP, id=case["id"]))["case"]["pickupExtras"] == [extra]

    delivered = await drive.ok("pick1", case, "deliver", data={"method": "in_person", "receiver": "李青禾", "idNumber": PERSON_A})
    assert delivered["state"] == "delivered"
    pack = await GiftPack.get(case_id=int(case["id"]))
    assert (pack.status, pack.receiver, pack.handed_over_at is not None) == ("handed_over", "李青禾", True)
    assert pack.handed_over_by_id == drive.hall.users["pick1"].id
    event = delivered["events"][-1]
    assert event["action"] == "deliver"
    assert event["changes"]["giftPack"] == {"receiver": "李青禾", "contents": extra["contents"], "method": "窗口领取"}
    assert (await drive.query("pick1", PICKUP, id=case["id"]))["case"] == {"state": "delivered", "awaitingPickup": False,
                                                                         "pickupExtras": []}
    assert await drive.run("pick1", GIFT_PACKS, c="hall", s="waiting") == []


HINTS = "query($id: ID!) { case(id: $id) { pickupExtras { title hints { method text warning receipt } } } }"
ZONE_HINTS = "query($c: String!) { giftPacks(center: $c) { caseNumber status hints { text warning } } }"
ADDRESS = "广东省清远市连州市连州镇中山南路88号"


async def test_a_pack_asked_for_by_post_is_mailed_to_the_address_or_handed_over_after_a_warning(drive):
    """The application's 领取方式 for the pack is beside it at the 出件 screen: by courier the mailing
    address it asked for; collected in person, a warning to ask the applicant first. The window is
    never refused (the applicant at the counter may take the pack along), and the audit records
    that the pack was asked for by post."""
    mailed = await approved_bundle(drive, delivery="邮寄送达", mailingAddress=ADDRESS)
    (extra,) = (await drive.query("pick1", HINTS, id=mailed["id"]))["case"]["pickupExtras"]
    hints = {hint["method"]: hint for hint in extra["hints"]}
    assert set(hints) == {"courier", "in_person"}
    assert hints["courier"]["warning"] is False and ADDRESS in hints["courier"]["text"]
    assert hints["courier"]["receipt"] == f"邮寄地址：{ADDRESS}"  # the courier receipt prints where the pack went
    assert hints["in_person"]["warning"] is True and hints["in_person"]["text"].startswith("申请时选择邮寄大礼包")
    assert hints["in_person"]["receipt"] is None
    delivered = await drive.ok("pick1", mailed, "deliver", data={"method": "in_person", "receiver": "李青禾", "idNumber": PERSON_A})
    assert delivered["events"][-1]["changes"]["giftPack"]["requested"] == "邮寄送达"
    assert (await GiftPack.get(case_id=int(mailed["id"]))).status == "handed_over"

    posted = await approved_bundle(drive, delivery="邮寄送达", mailingAddress=ADDRESS)
    delivered = await drive.ok("pick1", posted, "deliver", data={"method": "courier", "receiver": "李青禾", "trackingNumber": "SF1234567890"})
    pack = delivered["events"][-1]["changes"]["giftPack"]
    assert "requested" not in pack and pack["mailingAddress"] == ADDRESS  # as asked for, to the address asked for


async def test_a_pack_asked_for_at_the_window_warns_before_it_goes_by_courier(drive):
    case = await approved_bundle(drive)  # 现场领取
    (extra,) = (await drive.query("pick1", HINTS, id=case["id"]))["case"]["pickupExtras"]
    (hint,) = extra["hints"]  # nothing to say of a pack collected as asked for
    assert hint["method"] == "courier" and hint["warning"] is True and "申请时选择现场领取" in hint["text"]
    assert hint["receipt"] is None  # no address written in the form: the receipt has none to print
    delivered = await drive.ok("pick1", case, "deliver", data={"method": "courier", "receiver": "李青禾", "trackingNumber": "SF1234567890"})
    assert delivered["events"][-1]["changes"]["giftPack"]["requested"] == "现场领取"


async def test_the_zone_tab_warns_before_handing_over_a_pack_asked_for_by_post(drive):
    """A pack left waiting (the licence printed by the applicant) is handed over on the 企业专区 tab in
    person: the tab says what the application asked for, as the 出件 screen does; once handed over,
    nothing."""
    mailed = await approved_bundle(drive, delivery="邮寄送达", mailingAddress=ADDRESS)
    await drive.ok("pick1", mailed, "deliver", data={"method": "self_print"})
    collected = await approved_bundle(drive)  # 现场领取: collected as asked for, nothing to say
    packs = {p["caseNumber"]: p for p in await drive.run("pick1", ZONE_HINTS, c="hall")}
    (hint,) = packs[mailed["number"]]["hints"]
    assert hint["warning"] is True and hint["text"].startswith(f"申请时选择邮寄大礼包（邮寄地址：{ADDRESS}）")
    assert packs[collected["number"]]["hints"] == []
    (waiting,) = [p for p in await drive.run("pick1", GIFT_PACKS, c="hall", s="waiting") if p["caseNumber"] == mailed["number"]]
    await drive.run("pick1", HAND_OVER_PACK, g=waiting["id"], r="李青禾")
    packs = {p["caseNumber"]: p for p in await drive.run("pick1", ZONE_HINTS, c="hall")}
    assert packs[mailed["number"]]["status"] == "handed_over" and packs[mailed["number"]]["hints"] == []
    # the audit records it as 出件 in person records it: what the application asked for, and where to
    event = await CaseEvent.filter(case_id=int(mailed["id"])).order_by("-seq").first()
    assert event.action == "hand_over_gift_pack"
    assert {k: v for k, v in event.changes["giftPack"].items() if k != "contents"} == {
        "receiver": "李青禾", "method": "窗口领取", "requested": "邮寄送达", "mailingAddress": ADDRESS}


async def test_a_pack_records_the_same_handed_over_at_pickup_or_on_the_zone_tab(drive):
    """One hand-over: 出件 in person and the 企业专区 tab write the same ``giftPack`` in the audit event."""
    at_pickup = await approved_bundle(drive, delivery="邮寄送达", mailingAddress=ADDRESS)
    delivered = await drive.ok("pick1", at_pickup, "deliver", data={"method": "in_person", "receiver": "李青禾", "idNumber": PERSON_A})
    on_tab = await approved_bundle(drive, delivery="邮寄送达", mailingAddress=ADDRESS)
    await drive.ok("pick1", on_tab, "deliver", data={"method": "self_print"})
    (waiting,) = await drive.run("pick1", GIFT_PACKS, c="hall", s="waiting")
    await drive.run("pick1", HAND_OVER_PACK, g=waiting["id"], r="李青禾")
    event = await CaseEvent.filter(case_id=int(on_tab["id"])).order_by("-seq").first()
    assert event.changes["giftPack"] == delivered["events"][-1]["changes"]["giftPack"]


async def test_a_self_printed_licence_leaves_the_gift_pack_waiting_at_the_window(drive):
    case = await approved_bundle(drive)
    await drive.ok("pick1", case, "deliver", data={"method": "self_print"})
    (pack,) = await drive.run("pick1", GIFT_PACKS, c="hall", s="waiting")
    assert pack["caseNumber"] == case["number"] and pack["receiver"] == ""


async def test_a_pack_handed_over_on_the_zone_tab_first_is_not_listed_or_handed_over_again(drive):
    case = await approved_bundle(drive)
    (pack,) = await drive.run("pick1", GIFT_PACKS, c="hall", s="waiting")
    await drive.run("pick1", HAND_OVER_PACK, g=pack["id"], r="王晓岚")
    assert (await drive.query("pick1", PICKUP, id=case["id"]))["case"]["pickupExtras"] == []
    delivered = await drive.ok("pick1", case, "deliver", data={"method": "courier", "receiver": "李青禾", "trackingNumber": "SF1234567890"})
    assert "giftPack" not in delivered["events"][-1]["changes"]
    assert (await GiftPack.get(case_id=int(case["id"]))).receiver == "王晓岚"


async def test_other_results_have_nothing_to_hand_over_with_them(drive):
    closing = await drive.ok("clerk1", await drive.submit("app1", item="qyzx-yjs", data=closing_data()), "accept")
    for department in ["scjg", "swj", "rsj", "gjj"]:
        closing = await drive.ok(REVIEWERS[department], closing, "approve_task")
    assert (await drive.query("pick1", PICKUP, id=closing["id"]))["case"] == {"state": "approved", "awaitingPickup": True,
                                                                            "pickupExtras": []}
    submitted = await drive.submit("app1", item="qykb-yjs", data=opening_data())
    assert (await drive.query("app1", PICKUP, id=submitted["id"]))["case"] == {"state": "submitted", "awaitingPickup": False,
                                                                             "pickupExtras": []}


async def _verified_issuers(drive, case) -> dict[str, list[str]]:
    """What the public verification page (``/verify/{code}.json``) names as the issuer of each of the
    case's decisions, by kind, in the case's order."""
    from core.plumbing.models import Document

    found: dict[str, list[str]] = {}
    for listed in case["documents"]:
        stored = await Document.get(number=listed["number"])
        summary = (await drive.gql.http.get(f"/verify/{stored.verify_code}.json")).json()
        found.setdefault(listed["kind"], []).append(summary["issuer"])
    return found


async def test_each_refused_part_is_verified_as_issued_by_its_own_department(drive):
    """Two departments refuse their parts: two refusal decisions, each checked by its code as its own
    department's (as printed under its seal), not both as the lead's or the first refuser's."""
    case = await drive.ok("clerk1", await drive.submit("app1", item="qykb-yjs", data=opening_data()), "accept")
    for department, reason in (("gaj", "印章印文与企业名称不一致"), ("swj", "发票种类与经营范围不符")):
        case = await drive.ok(REVIEWERS[department], case, "refuse_task", comment=reason, data={"basis": "《行政许可法》第三十八条"})
    for department in ["scjg", "rsj", "gjj"]:
        case = await drive.ok(REVIEWERS[department], case, "approve_task")
    assert case["state"] == "partly_approved"
    names = {d.code: d.name for d in await Department.all()}
    issuers = await _verified_issuers(drive, case)
    assert sorted(issuers["refusal_decision"]) == sorted([names["gaj"], names["swj"]])
    assert issuers["approval_decision"] == [names["scjg"]] and issuers["certificate"] == [names["scjg"]]
    assert set(issuers["acceptance_notice"]) == {"hall县政务服务中心"}


async def test_the_lead_department_refusing_its_part_leaves_the_others_granted_in_their_name(drive):
    """The market regulator refuses the licence itself: the other parts are still granted, by the
    first department that approved (the lead refused), no licence is issued and no gift pack waits."""
    case = await drive.ok("clerk1", await drive.submit("app1", item="qykb-yjs", data=opening_data()), "accept")
    case = await drive.ok("rev-scjg", case, "refuse_task", comment="名称与已登记企业重名", data={"basis": "《企业名称登记管理规定》第十七条"})
    for department in ["gaj", "swj", "rsj", "gjj"]:
        case = await drive.ok(REVIEWERS[department], case, "approve_task")
    assert case["state"] == "partly_approved"
    names = {d.code: d.name for d in await Department.all()}
    issuers = await _verified_issuers(drive, case)
    assert issuers["refusal_decision"] == [names["scjg"]] and issuers["approval_decision"] == [names["gaj"]]
    assert "certificate" not in issuers
    assert await drive.run("pick1", GIFT_PACKS, c="hall", s="waiting") == []
