"""The one-window story: online submission → corrections requested (the notice lists two missing
materials) → the applicant supplies → the front desk checks and accepts (counter receipt) → hand-over → the department approves → hand-over to
pickup → SMS recorded → pickup registered; the audit log tells that story in order."""

from __future__ import annotations

import json
import shutil
from datetime import datetime

import pytest

from core.services.calendar import CENTER_TZ
from core.plumbing.models import Case
from plugins.one_window.models import HandOver, PickupRecord
from tests.hall import build_hall

from .drive import CAN_RECEIVE, CASE_HANDOVERS, CHECKED, ID_NUMBER, PENDING, PRINT, REGISTER, SMS, WindowDriver, codes

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed"),
]

MISSING = [{"name": "营业执照复印件", "reason": "未提供", "paper": True}, {"name": "法定代表人身份证复印件", "reason": "复印件不清晰", "paper": True}]
PICKUP = {"method": "in_person", "receiver": "张三", "idNumber": ID_NUMBER, "proxy": True}  # not in the data: 凭委托书


@pytest.fixture
async def drive(app, govhall, gql):
    return WindowDriver(gql, await build_hall(govhall, gql, plugins=["one_window"]))


async def test_the_one_window_story(drive):
    case = await drive.submit("app1")
    assert case["state"] == "submitted"

    # 一次性告知: the notice lists both missing materials
    case = await drive.ok("clerk1", case, "request_materials", data={"missing": MISSING})
    (notice,) = [d for d in case["documents"] if d["kind"] == "correction_notice"]
    text = await drive.pdf("app1", notice["url"])
    assert "营业执照复印件" in text and "法定代表人身份证复印件" in text and case["number"] in text

    # the applicant supplies: back in the front desk's queue, not accepted yet
    case = await drive.ok("app1", case, "supply", data={"contactMobile": "13900139000"})
    assert case["state"] == "supplied" and case["kind"] == "supplement" and not case["acceptedAt"]
    # the clerk checks it against the checklist, records what the counter received, accepts: the clock starts
    unticked = await drive.act("clerk1", case, "accept")
    assert codes(unticked) == ["checklist", "checklist", "originals"]
    # the clerk reads these under the form: plain Chinese, no API names (data.checklist, c1)
    for error in unticked["errors"]:
        assert "data." not in error["message"] and "c1" not in error["message"] and "编码" not in error["message"]
    received = [{"material": "m1", "form": "original", "count": 1}, {"material": "m2", "form": "copy", "count": 1}]
    case = await drive.ok("clerk1", case, "accept", data={**CHECKED, "received": received})
    assert case["state"] == "under_review" and case["kind"] == "supplement" and case["acceptedAt"]

    # hand-over to the back office: only the item's department; it lists what the counter received
    wrong = await drive.hand_over("clerk1", case, dep="gaj")
    assert codes(wrong) == ["wrong_department"] and "市场监督管理局（scjg）" in wrong["errors"][0]["message"]
    early = await drive.act("rev-scjg", case, "approve", comment="同意")
    assert codes(early) == ["handover_pending"]
    assert (await blocked(drive, "rev-scjg", case))["approve"] == early["errors"][0]["message"]  # said before trying
    handed = await drive.hand_over("clerk1", case, dep="scjg", comment="材料齐全，移交审批")
    assert handed["__typename"] == "HandOver" and handed["toDepartment"] == "scjg" and handed["receivedBy"] is None
    assert handed["materials"] == ["申请书（原件1份）", "营业执照复印件（复印件1份）"] and handed["fromUser"] == "clerk1"
    again = await drive.hand_over("clerk1", case, dep="scjg", **_vars(CHECKED))
    assert codes(again) == ["already_handed"]
    not_received = await drive.act("rev-scjg", case, "approve", comment="同意")
    assert codes(not_received) == ["handover_pending"] and "尚未签收" in not_received["errors"][0]["message"]
    assert "尚未签收" in (await blocked(drive, "rev-scjg", case))["approve"]
    pending = (await drive.query("sup1", PENDING, c="hall"))["pendingHandovers"]
    assert [p["id"] for p in pending] == [handed["id"]]

    # the department's back office receives it and approves (and only it is offered 签收)
    async def may_receive(user: str) -> list[bool]:
        return [h["canReceive"] for h in (await drive.query(user, CAN_RECEIVE, id=case["id"]))["caseHandovers"]]

    assert await may_receive("rev-scjg") == [True] and await may_receive("head1") == [True]
    assert await may_receive("clerk1") == [False]  # (another department's reviewer does not see the case)
    assert codes(await drive.receive("rev-zjj", handed)) == ["forbidden"]
    received = await drive.receive("rev-scjg", handed)
    assert received["receivedBy"] == "rev-scjg" and received["receivedAt"]
    assert codes(await drive.receive("rev-scjg", handed)) == ["already_received"]
    assert await may_receive("rev-scjg") == [False]  # signed for already
    assert set((await blocked(drive, "rev-scjg", case)).values()) == {None}
    assert (await drive.query("sup1", PENDING, c="hall"))["pendingHandovers"] == []
    case = await drive.ok("rev-scjg", case, "approve", comment="符合条件，准予许可")
    assert case["state"] == "approved"

    # the result goes to the unified pickup window; receiving it texts the applicant
    no_handover = await drive.act("pick1", case, "deliver", data=PICKUP)
    assert codes(no_handover) == ["handover_pending"]
    assert (await blocked(drive, "pick1", case))["deliver"] == "办理结果尚未移交统一出件窗口（流转交接），不能出件"
    to_pickup = await drive.hand_over("rev-scjg", case, pickup=True)
    assert to_pickup["toPickup"] and to_pickup["stage"] == "department_to_pickup"
    assert any("准予行政许可决定书" in m for m in to_pickup["materials"])
    assert (await drive.query("app1", SMS, id=case["id"]))["smsMessages"] == []
    assert await may_receive("pick1") == [False, True] and await may_receive("clerk1") == [False, False]
    assert codes(await drive.receive("clerk1", to_pickup)) == ["forbidden"]
    assert "尚未签收" in (await blocked(drive, "pick1", case))["deliver"]
    await drive.receive("pick1", to_pickup)
    assert (await blocked(drive, "pick1", case)) == {"deliver": None}
    (sms,) = (await drive.query("app1", SMS, id=case["id"]))["smsMessages"]
    assert sms["recipient"] == "13900139000" and sms["channel"] == "sms"
    assert sms["text"] == (f"【hall县政务服务中心】您的办件{case['number']}（测试经营许可）已办结，"
                           "请携带身份证到统一出件窗口领取。")

    # pickup without an ID number: refused, nothing changed
    version = (await drive.get("pick1", case))["version"]
    no_id = await drive.act("pick1", case, "deliver", data={"method": "in_person", "receiver": "张三"})
    assert codes(no_id) == ["required"] and no_id["errors"][0]["path"] == "/idNumber"
    assert (await drive.get("pick1", case))["version"] == version and not await PickupRecord.exists()
    case = await drive.ok("pick1", case, "deliver", data=PICKUP)
    assert case["state"] == "delivered"

    # the audit log tells the story in order
    assert [e["action"] for e in case["events"]] == [
        "submit", "request_materials", "supply", "accept", "handover", "receive_handover", "approve",
        "handover", "receive_handover", "deliver",
    ]
    assert [e["seq"] for e in case["events"]] == list(range(1, 11))
    events = case["events"]
    assert events[1]["changes"]["responsible"] == "clerk1"  # 首问负责: the clerk who asked for corrections
    assert events[3]["changes"]["responsible"] == "clerk1"
    assert events[3]["changes"]["checklist"]["ticked"] == ["c1", "c2"]
    assert events[3]["changes"]["checklist"]["originalsChecked"] is True
    assert [r["name"] for r in events[3]["changes"]["received"]] == ["申请书", "营业执照复印件"]
    assert events[4]["actor"] == "clerk1" and events[4]["changes"]["handover"]["to"] == "scjg"
    assert events[5]["actor"] == "rev-scjg" and events[7]["changes"]["handover"]["to"] == "pickup"
    assert events[8]["actor"] == "pick1"
    assert events[9]["changes"]["pickup"] == {"method": "in_person", "receiver": "张三", "idNumber": "110105********002X",
                                              "proxy": True}
    assert ID_NUMBER not in json.dumps(events)
    stored = await PickupRecord.get(case_id=int(case["id"]))
    assert stored.id_number == ID_NUMBER and stored.receiver == "张三"
    assert (await Case.get(id=int(case["id"]))).responsible_id == drive.hall.users["clerk1"].id

    handovers = (await drive.query("app1", CASE_HANDOVERS, id=case["id"]))["caseHandovers"]
    assert [(h["stage"], h["receivedBy"]) for h in handovers] == [
        ("front_desk_to_department", "rev-scjg"), ("department_to_pickup", "pick1")]

    # the pickup register, queried and printed
    today = datetime.now(CENTER_TZ).date().isoformat()
    (row,) = (await drive.query("pick1", REGISTER, c="hall", f=today, t=today))["pickupRegister"]
    assert row["caseNumber"] == case["number"] and row["idNumber"] == "110105********002X"
    assert row["methodLabel"] == "窗口领取" and row["by"] == "pick1"
    printed = (await drive.query("pick1", PRINT, c="hall", f=today, t=today))["printPickupRegister"]
    assert printed["kind"] == "pickup_register" and printed["title"] == "出件登记簿"
    text = await drive.pdf("pick1", printed["url"])
    assert "出件登记簿" in text and case["number"] in text and "110105********002X" in text and ID_NUMBER not in text


async def test_a_refusal_is_handed_out_at_the_pickup_window_too(drive):
    """办理结果通过综合出件窗口统一出件: a 不予许可决定书 is a result, handed over, signed for and
    registered as handed out like a licence; until then the case waits in the pickup queue."""
    case = await drive.ok("clerk1", await drive.submit("app1"), "accept", data=CHECKED)
    await drive.receive("rev-scjg", await drive.hand_over("clerk1", case, dep="scjg"))
    case = await drive.ok("rev-scjg", case, "refuse", comment="经营场所不符合要求", data={"basis": "《食品安全法》第三十五条"})
    assert case["state"] == "refused" and case["stateLabel"] == "不予许可，待出件"
    assert (await blocked(drive, "pick1", case))["deliver"] == "办理结果尚未移交统一出件窗口（流转交接），不能出件"
    to_pickup = await drive.hand_over("rev-scjg", case, pickup=True)
    assert any("不予行政许可决定书" in m for m in to_pickup["materials"]), to_pickup["materials"]
    await drive.receive("pick1", to_pickup)
    (sms,) = (await drive.query("app1", SMS, id=case["id"]))["smsMessages"]
    assert "不予许可" in sms["text"] and "领取决定书" in sms["text"]
    case = await drive.ok("pick1", case, "deliver", data=PICKUP)
    assert case["state"] == "refusal_delivered" and case["stateLabel"] == "不予许可，已出件"
    today = datetime.now(CENTER_TZ).date().isoformat()
    (row,) = (await drive.query("pick1", REGISTER, c="hall", f=today, t=today))["pickupRegister"]
    assert row["caseNumber"] == case["number"] and row["receiver"] == "张三"


BLOCKED = "query($id: ID!) { case(id: $id) { actions { action blockedReason } } }"


async def blocked(drive: WindowDriver, user: str, case: dict) -> dict[str, str | None]:
    """Each action offered to ``user`` with what the case page says stops it now (None: nothing)."""
    actions = (await drive.query(user, BLOCKED, id=case["id"]))["case"]["actions"]
    return {a["action"]: a["blockedReason"] for a in actions}


async def test_accept_needs_every_checklist_point(drive):
    case = await drive.submit("app1")
    partly = await drive.act("clerk1", case, "accept", data={"checklist": ["c1", "zz"]})
    assert [(e["code"], e["path"]) for e in partly["errors"]] == [
        ("enum", "/checklist/1"), ("checklist", "/checklist"), ("originals", "/originalsChecked")]
    assert "复印件与原件一致" in partly["errors"][1]["message"]
    nothing = await drive.act("clerk1", case, "accept")
    assert codes(nothing) == ["checklist", "checklist", "originals"]
    assert {e["message"].split("（")[0] for e in nothing["errors"][:2]} == {"未勾选审查要点：申请书已签字", "未勾选审查要点：复印件与原件一致"}
    # the clerk reads the point as printed on the checklist, not its code or the API's field names
    assert all("c1" not in e["message"] and "data." not in e["message"] for e in nothing["errors"])
    unchanged = await drive.get("clerk1", case)
    assert unchanged["version"] == 1 and unchanged["state"] == "submitted" and unchanged["documents"] == []
    assert [e["action"] for e in unchanged["events"]] == ["submit"]

    case = await drive.ok("clerk1", case, "accept", data=CHECKED)
    accept = case["events"][-1]
    assert accept["changes"]["checklist"] == {"ticked": ["c1", "c2"], "points": ["申请书已签字", "复印件与原件一致"],
                                              "originalsChecked": True}
    assert accept["changes"]["responsible"] == "clerk1"
    # accepted with the checklist: the hand-over does not ask for it again
    handed = await drive.hand_over("clerk1", case, dep="scjg", materials=["申请书（原件）"])
    assert handed["materials"] == ["申请书（原件）"]
    assert not await HandOver.filter(received_at__isnull=False).exists()


async def test_pending_handovers_oldest_first_for_supervisors_and_the_receiving_side(drive):
    first = await drive.ok("clerk1", await drive.submit("app1"), "accept", data=CHECKED)
    second = await drive.ok("clerk1", await drive.submit("app2"), "accept", data=CHECKED)
    a = await drive.hand_over("clerk1", first, dep="scjg")
    b = await drive.hand_over("head1", second, dep="scjg")
    for user in ("sup1", "head1"):
        pending = (await drive.query(user, PENDING, c="hall"))["pendingHandovers"]
        assert [p["id"] for p in pending] == [a["id"], b["id"]]
        assert pending[0]["toDepartmentName"] == "市场监督管理局" and pending[0]["stageLabel"] == "综合窗口→后台部门"
    assert (await drive.refused("clerk1", PENDING, c="hall"))["extensions"]["code"] == "FORBIDDEN"
    # a reviewer's 待签收 queue holds what was handed to their department; the pickup window's is empty
    assert [p["id"] for p in (await drive.query("rev-scjg", PENDING, c="hall"))["pendingHandovers"]] == [a["id"], b["id"]]
    assert (await drive.query("rev-zjj", PENDING, c="hall"))["pendingHandovers"] == []
    assert (await drive.query("pick1", PENDING, c="hall"))["pendingHandovers"] == []
    await drive.receive("rev-scjg", b)
    assert [p["caseNumber"] for p in (await drive.query("sup1", PENDING, c="hall"))["pendingHandovers"]] == [first["number"]]


def _vars(checked: dict) -> dict:
    return {"checklist": checked["checklist"], "originals": checked["originalsChecked"]}
