"""Hand-over routes besides the story: a joint case goes to each of its departments; an immediate
case goes from the window to pickup and leaves by courier with an SMS."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.services.calendar import CENTER_TZ
from tests.hall import build_hall

from .drive import CHECKED, REGISTER, SMS, WindowDriver, codes

pytestmark = pytest.mark.anyio


@pytest.fixture
async def drive(app, govhall, gql):
    return WindowDriver(gql, await build_hall(govhall, gql, plugins=["one_window"]))


async def test_joint_case_is_handed_to_each_department(drive):
    case = await drive.ok("clerk1", await drive.submit("app1", item="test-joint"), "accept", data=CHECKED)
    wrong = await drive.hand_over("clerk1", case, dep="scjg")
    assert codes(wrong) == ["wrong_department"]
    for name in ("住房和城乡建设局（zjj）", "发展和改革局（fgj）", "生态环境局（hbj）"):
        assert name in wrong["errors"][0]["message"]
    handed = {dep: await drive.hand_over("clerk1", case, dep=dep) for dep in ("zjj", "fgj", "hbj")}
    assert codes(await drive.act("rev-fgj", case, "approve_task")) == ["handover_pending"]
    for dep in ("zjj", "fgj", "hbj"):
        await drive.receive(f"rev-{dep}", handed[dep])
        case = await drive.ok(f"rev-{dep}", case, "approve_task")
    assert case["state"] == "approved"
    assert codes(await drive.hand_over("clerk1", case, pickup=True)) == ["forbidden"]
    to_pickup = await drive.hand_over("rev-hbj", case, pickup=True)
    assert to_pickup["__typename"] == "HandOver"


async def test_hand_over_needs_an_accepted_case_and_one_destination(drive):
    case = await drive.submit("app1")
    assert codes(await drive.hand_over("clerk1", case, dep="scjg")) == ["state"]
    assert codes(await drive.hand_over("clerk1", case)) == ["required"]
    assert codes(await drive.hand_over("clerk1", case, dep="scjg", pickup=True)) == ["required"]
    assert codes(await drive.hand_over("app1", case, dep="scjg")) == ["forbidden"]
    case = await drive.ok("clerk1", case, "accept", data=CHECKED)
    assert codes(await drive.hand_over("rev-scjg", case, pickup=True)) == ["state"]
    assert codes(await drive.hand_over("clerk1", case, dep="scjg", materials=["申请书", " "])) == ["required"]


async def test_immediate_case_goes_from_the_window_to_pickup_and_leaves_by_courier(drive):
    case = await drive.submit("app1", item="test-quick")
    assert codes(await drive.act("clerk1", case, "finish_on_spot")) == ["checklist", "checklist", "originals"]
    case = await drive.ok("clerk1", case, "finish_on_spot", data=CHECKED)
    assert case["state"] == "approved"
    to_pickup = await drive.hand_over("clerk1", case, pickup=True, comment="即办件结果移交出件窗口")
    assert any("测试经营许可证" in m or "证照" in m for m in to_pickup["materials"]), to_pickup
    await drive.receive("pick1", to_pickup)
    no_tracking = await drive.act("pick1", case, "deliver", data={"method": "courier"})
    assert codes(no_tracking) == ["required"] and no_tracking["errors"][0]["path"] == "/trackingNumber"
    case = await drive.ok("pick1", case, "deliver", data={"method": "courier", "trackingNumber": "SF1234567890"})
    assert case["events"][-1]["changes"]["pickup"] == {"method": "courier", "trackingNumber": "SF1234567890"}
    ready, courier = (await drive.query("app1", SMS, id=case["id"]))["smsMessages"]
    assert "已办结" in ready["text"] and "SF1234567890" in courier["text"] and case["number"] in courier["text"]
    today = datetime.now(CENTER_TZ).date().isoformat()
    (row,) = (await drive.query("sup1", REGISTER, c="hall", f=today, t=today))["pickupRegister"]
    assert row["methodLabel"] == "快递送达" and row["trackingNumber"] == "SF1234567890" and row["idNumber"] == ""
    assert (await drive.refused("app1", REGISTER, c="hall", f=today, t=today))["extensions"]["code"] == "FORBIDDEN"
    backwards = await drive.refused("sup1", REGISTER, c="hall", f=today, t="2000-01-01")
    assert backwards["extensions"]["code"] == "BAD_USER_INPUT"
