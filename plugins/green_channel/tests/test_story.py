"""A foreign-invested enterprise project through the green channel: registered, its two cases
linked and put first in the queue, each window signing the travelling form, the project finished
by its end item's case, the form and the register printed."""

from __future__ import annotations

import shutil
from datetime import date, datetime

import pytest

from core.api import cn_date
from core.services.calendar import CENTER_TZ
from tests.hall import build_hall

from .drive import CHECK, ENTERPRISE, PRINT_FORM, PRINT_REGISTER, PROJECTS, QUEUE, GreenDriver, codes

pytestmark = pytest.mark.anyio
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed")


@pytest.fixture
async def drive(app, govhall, gql):
    return GreenDriver(gql, await build_hall(govhall, gql, plugins=["green_channel"]))


def today() -> str:
    return datetime.now(CENTER_TZ).date().isoformat()


async def test_anyone_may_check_eligibility(drive):
    found = (await drive.query(None, CHECK, c="hall", input={"kind": "construction", "investment": 5000}))
    assert found["checkGreenEligibility"]["eligible"] is True
    assert found["checkGreenEligibility"]["basis"][0]["code"] == "construction_investment"
    below = (await drive.query(None, CHECK, c="hall", input={"kind": "construction", "investment": 4999}))
    result = below["checkGreenEligibility"]
    assert result["eligible"] is False and result["basis"] == []
    assert [r["code"] for r in result["reasons"]] == ["green.key_project", "green.investment", "green.leader_assigned"]
    assert "5000万元以上" in result["reasons"][1]["message"]


async def test_registering_lists_every_reason_and_numbers_per_year(drive):
    refused = await drive.register("clerk1", {"kind": "enterprise", "investor": "foreign", "registeredCapital": 999.99,
                                              "endItem": "no-such-item"})
    assert codes(refused) == ["green.key_project", "green.capital", "green.leader_assigned", "required", "required",
                              "unknown_item"]
    assert "1000万美元以上" in refused["errors"][1]["message"]
    assert [e["path"] for e in refused["errors"][3:]] == ["/name", "/applicant", "/endItem"]
    no_end = await drive.register("clerk1", {k: v for k, v in ENTERPRISE.items() if k != "endItem"})
    assert codes(no_end) == ["required"] and no_end["errors"][0]["path"] == "/endItem", no_end
    assert "请在“终止环节事项”中选择" in no_end["errors"][0]["message"], no_end  # the field's label, not "endItem"
    assert "endItem" not in no_end["errors"][0]["message"], no_end
    for user in ("app1", "rev-scjg", "sup1"):
        assert codes(await drive.register(user, ENTERPRISE)) == ["forbidden"]

    year = datetime.now(CENTER_TZ).year
    first = await drive.register("clerk1", ENTERPRISE)
    assert first["__typename"] == "GreenProject", first
    assert first["number"] == f"绿〔{year}〕001" and first["status"] == "open" and first["steps"] == []
    assert first["basis"] == [{"code": "foreign_capital", "label": "注册资本或增资额在1000万美元以上的外商投资企业设立登记项目",
                               "detail": "注册资本1200万美元"}]
    assert first["amounts"]["unit"] == "万美元" and first["endItemName"] == "测试经营许可"
    assert first["registeredBy"] == "clerk1" and first["kindLabel"] == "企业投资项目"
    second = await drive.register("admin1", {"kind": "construction", "investment": 8000, "name": "城南污水处理厂",
                                             "applicant": "连州市城投公司", "endItem": "test-joint"})
    assert second["number"] == f"绿〔{year}〕002"
    listed = (await drive.query("rev-zjj", PROJECTS, c="hall"))["greenProjects"]
    assert [p["number"] for p in listed] == [first["number"], second["number"]]
    assert (await drive.refused("app1", PROJECTS, c="hall"))["extensions"]["code"] == "FORBIDDEN"


@needs_pdftotext
async def test_the_green_channel_story(drive):
    ordinary = await drive.submit("app2")
    name_case = await drive.submit("app1", item="test-quick")  # the project's first window (名称核准-like)
    licence = await drive.submit("app1")  # the end item: test-permit (营业执照-like)
    project = await drive.register("clerk1", ENTERPRISE)

    # linking: the case turns green and urgent, first in the clerk's queue
    assert codes(await drive.link("rev-scjg", project, licence)) == ["forbidden"]
    linked = await drive.link("clerk1", project, licence)
    linked = await drive.link("head1", project, name_case)
    assert [s["caseNumber"] for s in linked["steps"]] == [licence["number"], name_case["number"]]
    assert [s["endsProject"] for s in linked["steps"]] == [True, False]
    assert all(s["acceptedAt"] is None and s["finishedAt"] is None for s in linked["steps"])
    again = await drive.link("clerk1", project, licence)
    assert codes(again) == ["already_linked"] and project["number"] in again["errors"][0]["message"]
    queue = (await drive.query("clerk1", QUEUE, c="hall"))["cases"]["edges"]
    assert [e["node"]["id"] for e in queue] == [name_case["id"], licence["id"], ordinary["id"]]  # urgent first
    assert [e["node"]["urgent"] for e in queue] == [True, True, False]
    event = (await drive.get("clerk1", licence))["events"][-1]
    assert event["action"] == "green_channel" and event["changes"]["greenChannel"]["project"] == project["number"]
    assert event["changes"]["urgent"] == {"old": False, "new": True}
    assert event["comment"] == f"纳入绿色通道项目 {project['number']}（{project['name']}）"  # the timeline reads the number apart, with the name

    # the first window finishes the name case on the spot: it signs both times
    name_case = await drive.ok("clerk1", name_case, "finish_on_spot")
    signed = name_case["events"][-1]["changes"]["greenChannel"]
    assert set(signed) == {"project", "acceptedAt", "finishedAt"}
    # the licence window accepts (the secondary material to follow), then the department approves
    licence = await drive.ok("clerk1", licence, "accept", data={"materialsToFollow": ["营业执照复印件"]})
    assert licence["kind"] == "urgent"
    # its acceptance notice tells the applicant what is still to come, instead of 申请材料齐全
    (notice,) = [d for d in licence["documents"] if d["kind"] == "acceptance_notice"]
    text = "".join((await drive.pdf("app1", notice["url"])).split())
    view = await drive.project("rev-scjg", project)
    step = view["steps"][0]
    due = cn_date(date.fromisoformat(step["followDue"]))  # 5 working days after acceptance (followDays)
    assert "申请材料主件齐全" in text and f"下列次要材料准予后补，请于{due}前补齐：营业执照复印件。" in text
    assert "申请材料齐全" not in text
    assert step["acceptedAt"] == licence["acceptedAt"] and step["acceptedBy"] == "clerk1"
    assert step["finishedAt"] is None and step["materialsToFollow"] == ["营业执照复印件"]
    assert view["status"] == "open"  # the name case is not the end item
    licence = await drive.ok("rev-scjg", licence, "approve", comment="准予")
    view = await drive.project("clerk1", project)
    step, first = view["steps"]
    assert step["finishedAt"] == licence["completedAt"] and step["finishedBy"] == "rev-scjg"
    assert step["outcome"] == "approved" and step["outcomeLabel"] == "已办结，待出件"
    assert first["acceptedBy"] == first["finishedBy"] == "clerk1" and first["acceptedAt"] and first["finishedAt"]
    assert view["status"] == "finished" and view["statusLabel"] == "已办结" and view["finishedAt"] == step["finishedAt"]
    assert licence["events"][-1]["changes"]["greenChannel"]["projectFinished"] is True
    late = await drive.link("clerk1", project, ordinary)
    assert codes(late) == ["finished"]
    assert [p["id"] for p in (await drive.query("sup1", PROJECTS, c="hall", s="finished"))["greenProjects"]] == [project["id"]]
    assert (await drive.query("sup1", PROJECTS, c="hall", s="open"))["greenProjects"] == []

    # the travelling form and the register, as verifiable PDFs
    form = (await drive.query("clerk1", PRINT_FORM, p=project["id"]))["printGreenForm"]
    assert form["__typename"] == "IssuedDocument" and form["kind"] == "green_form", form
    text = await drive.pdf("clerk1", form["url"])
    for expected in ("快速审批绿色通道受理表", project["name"], project["number"], licence["number"], name_case["number"],
                     "rev-scjg", "营业执照复印件", "（终止环节）"):
        assert expected in text, expected
    register = (await drive.query("sup1", PRINT_REGISTER, c="hall", f=today(), t=today()))["printGreenRegister"]
    assert register["__typename"] == "IssuedDocument" and register["kind"] == "green_register", register
    text = await drive.pdf("sup1", register["url"])
    for expected in ("项目登记簿", project["name"], project["number"], "市场监督管理局", "已办结"):
        assert expected in text, expected
    assert codes((await drive.query("rev-scjg", PRINT_FORM, p=project["id"]))["printGreenForm"]) == ["forbidden"]


async def test_process_first_supplement_later(drive):
    project = await drive.register("clerk1", ENTERPRISE)
    case = await drive.submit("app1")
    await drive.link("clerk1", project, case)
    secondary = [{"name": "营业执照复印件", "reason": "未带", "paper": True}]
    refused = await drive.act("clerk1", case, "request_materials", data={"missing": secondary})
    assert codes(refused) == ["green.supplement_later"]
    assert "先办理，后补齐" in refused["errors"][0]["message"] and "营业执照复印件" in refused["errors"][0]["message"]
    unchanged = await drive.get("clerk1", case)
    assert unchanged["state"] == "submitted" and unchanged["documents"] == []
    main_follows = await drive.act("clerk1", case, "accept", data={"materialsToFollow": ["申请书"]})
    assert codes(main_follows) == ["green.main_material"]
    # a main material missing: the one-time notice is still the way
    case = await drive.ok("clerk1", case, "request_materials",
                          data={"missing": [{"name": "申请书", "reason": "未签字", "paper": True}, *secondary]})
    assert case["state"] == "supplementing"
    case = await drive.ok("app1", case, "supply", data={"contactMobile": "13900139000"})
    (step,) = (await drive.project("clerk1", project))["steps"]
    assert step["acceptedAt"] == case["acceptedAt"] and step["finishedAt"] is None

    # an ordinary case missing a secondary material gets its notice as usual
    ordinary = await drive.ok("clerk1", await drive.submit("app2"), "request_materials", data={"missing": secondary})
    assert ordinary["state"] == "supplementing"


async def test_a_joint_end_item_finishes_with_its_last_department(drive):
    project = await drive.register("clerk1", {"kind": "construction", "investment": 8000, "name": "城南污水处理厂",
                                              "applicant": "连州市城投公司", "endItem": "test-joint"})
    case = await drive.ok("clerk1", await drive.submit("app1", item="test-joint"), "accept")
    linked = await drive.link("clerk1", project, case)  # linked after acceptance: the acceptance is already signed
    assert linked["steps"][0]["acceptedAt"] == case["acceptedAt"] and linked["steps"][0]["acceptedBy"] == "clerk1"
    for department in ("zjj", "fgj"):
        case = await drive.ok(f"rev-{department}", case, "approve_task")
    assert (await drive.project("clerk1", project))["status"] == "open"
    case = await drive.ok("rev-hbj", case, "approve_task")
    view = await drive.project("clerk1", project)
    assert case["state"] == "approved" and view["status"] == "finished"
    assert view["steps"][0]["finishedBy"] == "rev-hbj" and view["steps"][0]["outcome"] == "approved"
    done = await drive.submit("app2", item="test-quick")
    done = await drive.ok("clerk1", done, "finish_on_spot")
    other = await drive.register("clerk1", {**project_input(), "name": "另一项目"})
    assert codes(await drive.link("clerk1", other, done)) == ["state"]


def project_input() -> dict:
    return {"kind": "construction", "investment": 8000, "name": "城南污水处理厂", "applicant": "连州市城投公司",
            "endItem": "test-joint"}


ACTIONS = "query($id: ID!) { case(id: $id) { actions { action form } } }"


async def test_the_accept_form_offers_the_secondary_materials_to_follow(drive):
    """CaseAction.form: on a green-channel case, accepting asks which secondary materials follow
    later (the item's secondary ones, by code, named); an ordinary case's accept asks nothing more.
    What the form offers is what the guard takes."""
    project = await drive.register("clerk1", ENTERPRISE)
    ordinary, green = await drive.submit("app2"), await drive.submit("app1")
    await drive.link("clerk1", project, green)

    def forms(case: dict) -> dict:
        return {a["action"]: a["form"] for a in case["actions"]}

    plain = forms((await drive.query("clerk1", ACTIONS, id=ordinary["id"]))["case"])
    assert "accept" in plain and plain["accept"] is None
    offered = forms((await drive.query("clerk1", ACTIONS, id=green["id"]))["case"])
    assert offered["request_materials"] is None  # 即时办结 is not offered: a promised item
    field = offered["accept"]["properties"]["materialsToFollow"]
    assert offered["accept"]["x-order"] == ["materialsToFollow"] and field["x-widget"] == "checkbox"
    assert field["items"]["enum"] == ["m2"] and field["items"]["x-enumNames"] == ["营业执照复印件"]
    accepted = await drive.ok("clerk1", green, "accept", data={"materialsToFollow": field["items"]["enum"]})
    assert accepted["state"] != "submitted"
    (step,) = (await drive.project("clerk1", project))["steps"]
    assert step["materialsToFollow"] == ["营业执照复印件"]
