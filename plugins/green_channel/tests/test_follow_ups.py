"""先办理，后补齐, followed through: the secondary materials a green-channel case is accepted without
are due a number of working days after acceptance (the notice says by when), the window records
them as they arrive with the counter receipt (all at once or some now, some later), and when they
are late the register says so and the window is told once."""

from __future__ import annotations

import copy
import shutil
from datetime import date, datetime, time
from importlib import import_module

import pytest
from tortoise.connection import get_connection

from core.plumbing.models import Notification, ReceivedMaterial
from core.services import clock
from core.services.accounts import Actor, load_grants
from core.services.calendar import CENTER_TZ
from core.services.items import define_item, publish_item
from core.services.sweeper import sweep_plugins
from tests.hall import PERMIT, build_hall
from tests.helpers import PASSWORD, make_user
from tests.test_clock import sample_2027

from ..models import FollowUp
from .drive import ENTERPRISE, FOLLOW_UP, PRINT_FORM, GreenDriver, codes

pytestmark = pytest.mark.anyio
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed")

ACCEPTED = date(2026, 4, 30)  # a Thursday before the Labour Day holiday (1–5 May), 9 May a make-up working day
DUE = date(2026, 5, 11)  # 6, 7, 8, 9 (调休上班) and 11 May: the fifth working day; 10 May is a Sunday

# an item with two secondary materials, so that one can come now and the other later
FOLLOW = {**copy.deepcopy(PERMIT), "code": "test-follow", "name": "测试后补事项",
          "materials": [*copy.deepcopy(PERMIT["materials"]),
                        {"code": "m3", "name": "公司章程复印件", "issuer": "申请人", "originals": 0, "copies": 1,
                         "required": True, "role": "secondary"}]}

CASE = f"""query($id: ID!) {{ greenCase(case: $id) {{ projectId projectNumber projectName canRecord
  step {{ caseNumber materialsToFollow waiting followDue overdue followUps {{ {FOLLOW_UP} }} }} }} }}"""
RESULT = f"""__typename ... on GreenCase {{ canRecord step {{ waiting followDue overdue followUps {{ {FOLLOW_UP} }} }} }}
  ... on UserErrors {{ errors {{ path code message }} }}"""
RECORD = f"""mutation($id: ID!, $received: JSON!, $comment: String) {{
  recordGreenFollowUp(case: $id, received: $received, comment: $comment) {{ {RESULT} }} }}"""
MATERIALS = "query($id: ID!) { caseMaterials(id: $id) { code how received { form count } } }"
MESSAGES = "query($c: String!) { staffMessages(center: $c) { caseId caseNumber text } }"


@pytest.fixture
async def drive(app, govhall, gql, monkeypatch):
    today = [ACCEPTED]
    monkeypatch.setattr(clock, "now", lambda: datetime.combine(today[0], time(10), CENTER_TZ))
    hall = await build_hall(govhall, gql, plugins=["green_channel"])
    actor = Actor(user=hall.users["config1"], grants=await load_grants(hall.users["config1"]))
    await define_item(govhall, actor, hall.center, copy.deepcopy(FOLLOW))
    await publish_item(govhall, actor, hall.center, FOLLOW["code"])
    driver = GreenDriver(gql, hall)
    driver.today = today  # type: ignore[attr-defined]
    driver.govhall = govhall  # type: ignore[attr-defined]
    return driver


async def green_case(drive, item: str = "test-follow", follow: list[str] | None = None) -> dict:
    """A case of ``item`` linked to a new project and accepted with ``follow`` to follow later."""
    project = await drive.register("clerk1", {**ENTERPRISE, "name": f"{ENTERPRISE['name']}{drive.today[0]}"})
    case = await drive.submit("app1", item=item, allow_duplicate=True)
    await drive.link("clerk1", project, case)
    data = {"materialsToFollow": follow} if follow is not None else {}
    return await drive.ok("clerk1", case, "accept", data=data)


async def record(drive, user: str, case: dict, received, comment: str | None = None) -> dict:
    return (await drive.query(user, RECORD, id=case["id"], received=received, comment=comment))["recordGreenFollowUp"]


async def seen(drive, user: str, case: dict) -> dict | None:
    return (await drive.query(user, CASE, id=case["id"]))["greenCase"]


@needs_pdftotext
async def test_the_notice_says_by_when_counting_working_days_over_the_holiday(drive):
    case = await green_case(drive, follow=["m2", "公司章程复印件"])  # by code or by name
    (notice,) = [d for d in case["documents"] if d["kind"] == "acceptance_notice"]
    text = "".join((await drive.pdf("app1", notice["url"])).split())
    assert "下列次要材料准予后补，请于2026年5月11日前补齐：营业执照复印件、公司章程复印件。" in text, text
    assert "请尽快补齐" not in text
    view = await seen(drive, "app1", case)  # the applicant sees it too, and may not record
    assert view["canRecord"] is False and view["step"]["followDue"] == DUE.isoformat()
    assert [(f["material"], f["due"], f["state"], f["stateLabel"]) for f in view["step"]["followUps"]] == [
        ("m2", "2026-05-11", "outstanding", "待补齐"), ("m3", "2026-05-11", "outstanding", "待补齐")]
    assert case["events"][-1]["changes"]["greenChannel"]["materialsDue"] == "2026-05-11"

    # the center's own number of working days: 3 → Friday 8 May
    drive.hall.center.settings = {**(drive.hall.center.settings or {}), "greenChannel": {"followDays": 3}}
    await drive.hall.center.save()
    shorter = await green_case(drive, follow=["m2"])
    (notice,) = [d for d in shorter["documents"] if d["kind"] == "acceptance_notice"]
    assert "请于2026年5月8日前补齐：营业执照复印件。" in "".join((await drive.pdf("app1", notice["url"])).split())
    assert (await seen(drive, "clerk1", shorter))["step"]["followDue"] == "2026-05-08"


async def test_a_case_without_materials_to_follow_is_as_before(drive):
    case = await green_case(drive, follow=[])
    view = await seen(drive, "clerk1", case)
    assert view["step"]["followUps"] == [] and view["step"]["waiting"] == [] and view["canRecord"] is False
    assert view["step"]["followDue"] is None and view["step"]["overdue"] is False
    assert "materialsDue" not in case["events"][-1]["changes"]["greenChannel"]
    ordinary = await drive.ok("clerk1", await drive.submit("app2"), "accept")
    assert await seen(drive, "clerk1", ordinary) is None  # not in the green channel
    drive.today[0] = date(2026, 6, 1)
    await sweep_plugins(drive.govhall)
    assert (await drive.query("clerk1", MESSAGES, c="hall"))["staffMessages"] == []


async def test_the_window_records_some_now_and_the_rest_later(drive):
    case = await green_case(drive, follow=["m2", "m3"])
    drive.today[0] = date(2026, 5, 7)
    first = await record(drive, "clerk1", case, [{"material": "m2", "form": "copy", "count": 2}], comment="申请人送来")
    assert first["__typename"] == "GreenCase", first
    assert first["step"]["waiting"] == ["公司章程复印件"] and first["canRecord"] is True
    got = {f["material"]: f for f in first["step"]["followUps"]}
    assert got["m2"]["state"] == "received" and got["m2"]["receivedBy"] == "clerk1" and got["m2"]["receivedAt"]
    assert got["m3"]["state"] == "outstanding"
    # the core's counter receipt: the case's material list shows how it came in
    slots = {s["code"]: s for s in (await drive.query("clerk1", MATERIALS, id=case["id"]))["caseMaterials"]}
    assert slots["m2"]["how"] == "复印件2份" and slots["m2"]["received"] == [{"form": "copy", "count": 2}]
    # and the case's history
    event = (await drive.get("app1", case))["events"][-1]
    assert event["action"] == "green_follow_up" and event["actor"] == "clerk1" and event["comment"] == "申请人送来"
    assert event["changes"]["received"] == [{"material": "m2", "name": "营业执照复印件", "form": "copy", "count": 2}]
    assert event["changes"]["greenChannel"]["followedUp"] == ["营业执照复印件"]
    assert event["changes"]["greenChannel"]["outstanding"] == ["公司章程复印件"]

    last = await record(drive, "head1", case, [{"material": "m3"}])  # an original, one copy, by default
    assert last["step"]["waiting"] == [] and last["canRecord"] is False and last["step"]["followDue"] is None
    assert await ReceivedMaterial.filter(code="m3", form="original", count=1).count() == 1
    view = await seen(drive, "app1", case)
    assert [f["stateLabel"] for f in view["step"]["followUps"]] == ["已补齐", "已补齐"]


async def test_every_refusal_in_chinese(drive):
    case = await green_case(drive, follow=["m2"])
    ordinary = await drive.ok("clerk1", await drive.submit("app2"), "accept")
    refused = await record(drive, "clerk1", ordinary, [{"material": "m2"}])
    assert codes(refused) == ["green.not_green"] and "未纳入绿色通道" in refused["errors"][0]["message"]
    nothing = await green_case(drive, follow=[])
    refused = await record(drive, "clerk1", nothing, [{"material": "m2"}])
    assert codes(refused) == ["green.not_outstanding"] and "没有待补齐的后补材料" in refused["errors"][0]["message"]

    # not a material to follow, and a bad form, all at once
    refused = await record(drive, "clerk1", case, [{"material": "m1"}, {"material": "m3", "form": "scan"}])
    assert codes(refused) == ["green.not_outstanding", "green.not_outstanding", "enum"], refused
    assert refused["errors"][0]["path"] == "/received/0/material"
    assert "“申请书”不是本办件“先办理，后补齐”的后补材料，待补齐的是：营业执照复印件" in refused["errors"][0]["message"]
    assert refused["errors"][2]["path"] == "/received/1/form"
    assert codes(await record(drive, "clerk1", case, [])) == ["required"]
    assert codes(await record(drive, "clerk1", case, [{"material": "nope"}])) == ["enum"]
    for user in ("app1", "rev-scjg", "sup1", "pick1"):
        refused = await record(drive, user, case, [{"material": "m2"}])
        assert codes(refused) == ["forbidden"], (user, refused)
    assert codes(await record(drive, "clerk-other", case, [{"material": "m2"}])) in (["forbidden"], ["not_found"])
    assert (await seen(drive, "clerk1", case))["step"]["waiting"] == ["营业执照复印件"]  # nothing was written

    assert (await record(drive, "clerk1", case, [{"material": "m2"}]))["__typename"] == "GreenCase"
    again = await record(drive, "clerk1", case, [{"material": "m2"}])
    assert codes(again) == ["green.not_outstanding"] and "没有待补齐的后补材料" in again["errors"][0]["message"]


async def test_a_material_already_received_is_named_as_such(drive):
    case = await green_case(drive, follow=["m2", "m3"])
    await record(drive, "clerk1", case, [{"material": "m2"}])
    again = await record(drive, "clerk1", case, [{"material": "m2"}])
    assert codes(again) == ["green.not_outstanding"]
    assert again["errors"][0]["message"] == "“营业执照复印件”已于2026年4月30日补齐，无需再次登记"


async def test_late_on_the_register_and_the_window_told_once(drive):
    drive.hall.users["clerk2"] = await make_user("clerk2", drive.hall.center, "clerk")
    drive.hall.tokens["clerk2"] = await drive.gql.login("clerk2", PASSWORD)
    case = await green_case(drive, follow=["m2", "m3"])
    drive.today[0] = DUE  # the last day: not yet late
    await sweep_plugins(drive.govhall)
    view = await seen(drive, "clerk1", case)
    assert view["step"]["overdue"] is False and {f["state"] for f in view["step"]["followUps"]} == {"outstanding"}
    assert (await drive.query("clerk1", MESSAGES, c="hall"))["staffMessages"] == []

    drive.today[0] = date(2026, 5, 12)
    listed = (await drive.query("sup1", "query { greenProjects(center: \"hall\") { number steps { caseNumber overdue waiting "
                                        "followUps { state stateLabel overdueToldAt } } } }"))["greenProjects"]
    (step,) = [s for p in listed for s in p["steps"] if s["caseNumber"] == case["number"]]
    assert step["overdue"] is True and step["waiting"] == ["营业执照复印件", "公司章程复印件"]
    assert [f["stateLabel"] for f in step["followUps"]] == ["已逾期", "已逾期"] and step["followUps"][0]["overdueToldAt"] is None

    await sweep_plugins(drive.govhall)
    (message,) = (await drive.query("clerk1", MESSAGES, c="hall"))["staffMessages"]
    assert message["caseNumber"] == case["number"]
    assert "营业执照复印件、公司章程复印件应于2026年5月11日前补齐，已逾期未补" in message["text"]
    assert (await drive.query("clerk2", MESSAGES, c="hall"))["staffMessages"] == []  # the window's people only
    event = (await drive.get("clerk1", case))["events"][-1]
    assert event["action"] == "green_follow_overdue" and event["actor"] == "电子监察"
    assert event["changes"]["to"] == ["clerk1"] and event["changes"]["greenChannel"]["overdue"] == [
        "营业执照复印件", "公司章程复印件"]
    assert (await seen(drive, "clerk1", case))["step"]["followUps"][0]["overdueToldAt"]
    # and the applicant, by SMS: what is late and where to bring it
    (sms,) = await Notification.filter(channel="sms", case_id=int(case["id"])).values_list("text", flat=True)
    assert case["number"] in sms and "应于2026年5月11日前补交的材料营业执照复印件、公司章程复印件尚未收到" in sms

    # the printed form says so too
    project = (await drive.query("clerk1", "query($id: ID!) { greenCase(case: $id) { projectId } }", id=case["id"]))
    form = (await drive.query("clerk1", PRINT_FORM, p=project["greenCase"]["projectId"]))["printGreenForm"]
    if shutil.which("pdftotext"):
        text = "".join((await drive.pdf("clerk1", form["url"])).split())
        assert "营业执照复印件（已逾期，应于2026年5月11日前补齐）" in text, text

    # once: the next rounds, another day, say nothing more
    await sweep_plugins(drive.govhall)
    drive.today[0] = date(2026, 5, 13)
    await sweep_plugins(drive.govhall)
    assert len((await drive.query("clerk1", MESSAGES, c="hall"))["staffMessages"]) == 1
    assert await Notification.filter(channel="sms", case_id=int(case["id"])).count() == 1
    assert [e["action"] for e in (await drive.get("clerk1", case))["events"]].count("green_follow_overdue") == 1

    # received late: late no more
    done = await record(drive, "clerk1", case, [{"material": "m2"}, {"material": "m3", "form": "copy"}])
    assert done["step"]["overdue"] is False and [f["state"] for f in done["step"]["followUps"]] == ["received", "received"]


async def test_materials_named_before_deadlines_were_kept_become_follow_ups_without_a_date(drive):
    """Migration green_channel.0002: a step whose acceptance named materials to follow before this
    version gets them as follow-ups without a due date: outstanding, never late, recordable."""
    migration = import_module("plugins.green_channel.migrations.0002_follow_ups")
    case = await green_case(drive, follow=["m2", "m3"])
    await FollowUp.all().delete()  # as the step stood before the upgrade: names only
    await migration.follow_ups_of_earlier_acceptances(None, type("Editor", (), {"client": get_connection("default")})())
    view = await seen(drive, "clerk1", case)
    assert [(f["material"], f["name"], f["due"], f["state"]) for f in view["step"]["followUps"]] == [
        ("m2", "营业执照复印件", None, "outstanding"), ("m3", "公司章程复印件", None, "outstanding")]
    drive.today[0] = date(2027, 1, 4)
    await sweep_plugins(drive.govhall)
    assert (await seen(drive, "clerk1", case))["step"]["overdue"] is False
    assert (await record(drive, "clerk1", case, [{"material": "m3"}]))["step"]["waiting"] == ["营业执照复印件"]


async def test_a_refused_case_asks_for_its_materials_no_more(drive):
    """不予许可 ends the application: its materials to follow are 无需补齐, nobody may record them and
    the window is not told they are late."""
    case = await green_case(drive, follow=["m2"])
    refused = await drive.ok("rev-scjg", case, "refuse")
    assert refused["state"] == "refused"
    view = await seen(drive, "clerk1", case)
    assert view["canRecord"] is False and view["step"]["waiting"] == [] and view["step"]["overdue"] is False
    assert [(f["state"], f["stateLabel"]) for f in view["step"]["followUps"]] == [("not_needed", "无需补齐（不予许可）")]
    drive.today[0] = date(2026, 6, 1)
    await sweep_plugins(drive.govhall)
    assert (await drive.query("clerk1", MESSAGES, c="hall"))["staffMessages"] == []
    assert "green_follow_overdue" not in [e["action"] for e in (await drive.get("clerk1", case))["events"]]
    assert codes(await record(drive, "clerk1", case, [{"material": "m2"}])) == ["green.not_outstanding"]


IMPORT = """mutation($c: String!, $doc: JSON!) { importCalendar(center: $c, document: $doc) {
  __typename ... on CalendarImport { casesChanged } } }"""
PROVISIONAL = """query($id: ID!) { greenCase(case: $id) { projectId step { followDue followDueProvisional
  followUps { material due provisional state } } } }"""


async def test_a_date_in_a_year_not_published_yet_is_provisional_and_counted_again_when_it_is_imported(drive):
    """Accepted on 31 December 2026 with 5 working days to follow: the date falls in 2027, whose
    holidays the State Council has not published (the package knows up to 2026), so it is 暂定 as the
    core's due dates are — on the notice, the screens and the printed form. The center imports 2027
    (元旦 1–4 January): the date is counted again, 11 January, and no longer 暂定."""
    drive.today[0] = date(2026, 12, 31)  # a Thursday
    case = await green_case(drive, follow=["m2", "m3"])
    view = (await drive.query("clerk1", PROVISIONAL, id=case["id"]))["greenCase"]
    assert (view["step"]["followDue"], view["step"]["followDueProvisional"]) == ("2027-01-08", True)
    assert [(f["due"], f["provisional"]) for f in view["step"]["followUps"]] == [("2027-01-08", True)] * 2
    assert case["events"][-1]["changes"]["greenChannel"]["materialsDueProvisional"] is True
    if shutil.which("pdftotext"):
        (notice,) = [d for d in case["documents"] if d["kind"] == "acceptance_notice"]
        text = "".join((await drive.pdf("app1", notice["url"])).split())
        assert "请于2027年1月8日暂定前补齐：营业执照复印件、公司章程复印件。" in text, text
        assert "公布后本中心将按实际工作日重新核定" in text
        form = (await drive.query("clerk1", PRINT_FORM, p=view["projectId"]))["printGreenForm"]
        assert "营业执照复印件（2027年1月8日（暂定）前补齐）" in "".join((await drive.pdf("clerk1", form["url"])).split())
    received = await record(drive, "clerk1", case, [{"material": "m3"}])  # one came already: left as it was
    assert received["__typename"] == "GreenCase", received

    doc = {**sample_2027(), "center": "hall"}
    doc["holidays"] = [{**doc["holidays"][0], "to": "2027-01-04"}, *doc["holidays"][1:]]
    imported = (await drive.query("admin1", IMPORT, c="hall", doc=doc))["importCalendar"]
    assert imported["__typename"] == "CalendarImport", imported
    view = (await drive.query("clerk1", PROVISIONAL, id=case["id"]))["greenCase"]
    assert (view["step"]["followDue"], view["step"]["followDueProvisional"]) == ("2027-01-11", False)
    assert [(f["material"], f["due"], f["provisional"], f["state"]) for f in view["step"]["followUps"]] == [
        ("m2", "2027-01-11", False, "outstanding"), ("m3", "2027-01-08", False, "received")]  # 暂定 only while to come
    history = (await drive.get("clerk1", case))["events"]
    (recount,) = [e for e in history if e["action"] == "follow_due_recomputed"]  # the date that moved, by 系统
    assert (recount["actor"], recount["comment"]) == ("系统", "工作日历变更，后补材料期限已重新计算")
    assert recount["changes"]["followUps"] == [
        {"material": "m2", "name": "营业执照复印件", "followDue": ["2027-01-08", "2027-01-11"]}]
    later = await green_case(drive, follow=["m2"])  # accepted now: counted on the imported days at once
    view = (await drive.query("clerk1", PROVISIONAL, id=later["id"]))["greenCase"]
    assert (view["step"]["followDue"], view["step"]["followDueProvisional"]) == ("2027-01-11", False)


async def test_dates_counted_before_the_upgrade_get_their_working_days_and_their_provisional_mark(drive):
    """Migration green_channel.0003: the follow-ups already due by a date get the center's
    ``followDays`` as the working days they were counted with, and 暂定 when a day after their
    acceptance lies in a year neither the package nor the center's imported calendar covers."""
    migration = import_module("plugins.green_channel.migrations.0003_follow_up_provisional")
    before = await green_case(drive, follow=["m2"])  # 30 April 2026: due 11 May, 2026 published
    drive.today[0] = date(2026, 12, 31)
    after = await green_case(drive, follow=["m2"])  # due 8 January 2027, not published
    await FollowUp.all().update(working_days=None, provisional=False)  # as the rows stood before the upgrade
    await migration.days_and_marks(None, type("Editor", (), {"client": get_connection("default")})())
    for case, provisional in ((before, False), (after, True)):
        view = (await drive.query("clerk1", PROVISIONAL, id=case["id"]))["greenCase"]
        assert view["step"]["followDueProvisional"] is provisional
    assert set(await FollowUp.all().values_list("working_days", flat=True)) == {5}
