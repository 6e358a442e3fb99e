"""Decisions are issued by who decided, and case kinds and the clock are as the seeds say: stories
through GraphQL, with the decisions read back from their PDFs."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta, timezone

import pytest

from core.services import clock
from core.services.centers import load_center
from core.services.documents import cn_date
from core.services.licences import valid_until
from core.plumbing.models import Case, Center, Document, Pause, Timer
from core.services.parties import account_name, applicant_name
from tests.hall import GOOD_DATA, CaseDriver, build_hall, codes
from tests.helpers import PASSWORD, center_doc, make_user

pytestmark = pytest.mark.anyio
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

COMPANY = GOOD_DATA["companyName"]
SEAL = "测试县市场监督管理局行政审批专用章"


@pytest.fixture
async def drive(app, govhall, gql):
    hall = await build_hall(govhall, gql)
    for username, department in (("head-scjg", "scjg"), ("head-zjj", "zjj")):  # 首席代表 of one department
        hall.users[username] = await make_user(username, hall.center, "head", department)
        hall.tokens[username] = await gql.login(username, PASSWORD)
    return CaseDriver(gql, hall)


async def configure(govhall, code: str = "hall", **settings) -> Center:
    """The hall's center document again, with a 文号 abbreviation and seal for 市场监督管理局."""
    doc = center_doc(code, settings=settings)
    doc["departments"][0].update(abbreviation="测市监审", sealName=SEAL)
    return await load_center(doc, govhall.hub)


async def accepted(drive, item: str = "test-permit", user: str = "app1") -> dict:
    return await drive.ok("clerk1", await drive.submit(user, item=item), "accept")


async def unchanged(drive, before: dict) -> None:
    """Nothing changed and nothing was issued."""
    after = await drive.get("clerk1", before)
    assert (after["state"], after["version"], after["documents"]) == (before["state"], before["version"], before["documents"])


def document(case: dict, kind: str) -> dict:
    (found,) = [d for d in case["documents"] if d["kind"] == kind]
    return found


# --------------------------------------------------------------------------- opinions and reasons


async def test_a_decision_without_an_opinion_is_refused_and_changes_nothing(drive):
    case = await accepted(drive)
    for action in ("approve", "refuse"):
        result = await drive.act("rev-scjg", case, action, comment="  ")
        assert codes(result) == ["required"] and result["errors"][0]["path"] == "/comment"
        assert "审查意见" in result["errors"][0]["message"]
    await unchanged(drive, case)
    joint = await accepted(drive, "test-joint")
    assert codes(await drive.act("rev-zjj", joint, "approve_task", comment="")) == ["required"]
    await unchanged(drive, joint)
    submitted = await drive.submit("app1", allow_duplicate=True)
    assert codes(await drive.act("clerk1", submitted, "return", comment="")) == ["required"]
    await unchanged(drive, submitted)


async def test_a_licence_content_that_is_not_text_is_refused_not_printed(drive):
    """许可内容 is printed on the decision as it is given: a number or a list is refused, nothing issued."""
    case = await accepted(drive)
    for content in (123, ["热食类食品制售"], {"项目": "热食类"}):
        result = await drive.act("rev-scjg", case, "approve", comment="符合法定条件", data={"content": content})
        assert codes(result) == ["type"] and result["errors"][0]["path"] == "/content", result
        assert "许可内容应为文字" in result["errors"][0]["message"]
    await unchanged(drive, case)
    joint = await accepted(drive, "test-joint")
    result = await drive.act("rev-zjj", joint, "approve_task", comment="同意", data={"content": 5})
    assert codes(result) == ["type"]
    await unchanged(drive, joint)


@needs_pdftotext
async def test_a_refusal_states_its_reasons_legal_basis_and_the_applicants_rights(drive):
    case = await accepted(drive)
    no_basis = await drive.act("rev-scjg", case, "refuse", comment="经营场所位于居民住宅楼内", data={})
    assert codes(no_basis) == ["required"] and no_basis["errors"][0]["path"] == "/basis"
    await unchanged(drive, case)
    case = await drive.ok("rev-scjg", case, "refuse", comment="经营场所位于居民住宅楼内，无独立排烟设施",
                          data={"basis": "《中华人民共和国食品安全法》第三十五条"})
    assert case["state"] == "refused"
    text = await drive.pdf("app1", document(case, "refusal_decision")["url"])
    for needle in ("经营场所位于居民住宅楼内，无独立排烟设施", "《中华人民共和国食品安全法》第三十五条",
                   "行政许可法》第三十八条第二款", "申请行政复议", "提起行政诉讼", "市场监督管理局", COMPANY):
        assert needle in text, needle


@needs_pdftotext
async def test_reasons_typed_with_a_full_stop_print_one_full_stop(drive):
    """Clerks end their reasons with 。 (and sometimes the basis too): the refusal decision and the
    return notice print each sentence with exactly one, never ``。。`` or ``第三十五条。的规定``."""
    case = await drive.ok("rev-scjg", await accepted(drive), "refuse", comment="经营场所位于居民住宅楼内。",
                          data={"basis": "《中华人民共和国食品安全法》第三十五条。"})
    text = "".join((await drive.pdf("app1", document(case, "refusal_decision")["url"])).split())
    assert "经营场所位于居民住宅楼内。根据" in text and "第三十五条的规定" in text
    returned = await drive.ok("clerk1", await drive.submit("app1"), "return", comment="主件申请书缺失；")
    text = "".join((await drive.pdf("app1", document(returned, "return_notice")["url"])).split())
    assert "理由：主件申请书缺失。" in text
    for sentence_end in ("。。", "；。", "。的规定"):
        assert sentence_end not in text


async def test_a_joint_refusal_lists_each_refusing_department_with_its_basis(drive):
    case = await accepted(drive, "test-joint")
    assert codes(await drive.act("rev-hbj", case, "refuse_task", comment="环评不符合要求", data={})) == ["required"]
    case = await drive.ok("rev-hbj", case, "refuse_task", comment="环评文件未获批复",
                          data={"basis": "《中华人民共和国环境影响评价法》第二十五条"})
    case = await drive.ok("rev-zjj", case, "approve_task")
    case = await drive.ok("rev-fgj", case, "approve_task")
    assert case["state"] == "partly_approved"
    if shutil.which("pdftotext"):
        text = await drive.pdf("app1", document(case, "refusal_decision")["url"])
        assert "生态环境局：环评文件未获批复（依据：《中华人民共和国环境影响评价法》第二十五条）" in text
        assert "经审查，符合本部门审批条件" not in text  # an approving department's opinion is not a reason


# --------------------------------------------------------------------------- who decides


async def test_a_head_decides_only_for_their_own_department(drive):
    case = await accepted(drive)  # a 市场监督管理局 case
    assert "approve" not in (await drive.get("head-zjj", case))["availableActions"]
    for action, data in (("approve", None), ("refuse", None), ("extend", {"days": 5}), ("request_survey", None)):
        result = await drive.act("head-zjj", case, action, comment="越权办理", data=data)
        assert codes(result) == ["other_department"], action
        assert "住房和城乡建设局" in result["errors"][0]["message"]
    await unchanged(drive, case)
    assert "approve" in (await drive.get("head-scjg", case))["availableActions"]
    case = await drive.ok("head-scjg", case, "approve")
    assert case["state"] == "approved"
    assert case["events"][-1]["role"] == "head"


async def test_extensions_add_ten_working_days_in_all(drive):
    """行政许可法第四十二条: the head may extend by ten working days, once in all: a second extension
    adds only what the first left, and says so."""
    case = await accepted(drive)
    legal = case["legalDue"]
    case = await drive.ok("head-scjg", case, "extend", comment="需征求税务部门意见", data={"days": 6})
    extended = case["legalDue"]
    assert extended > legal
    result = await drive.act("head-scjg", case, "extend", comment="再次延期", data={"days": 10})
    assert codes(result) == ["range"]
    assert "已延期6个工作日" in result["errors"][0]["message"] and "最多还可延长4个工作日" in result["errors"][0]["message"]
    case = await drive.ok("head-scjg", case, "extend", comment="仍需等待税务意见", data={"days": 4})
    result = await drive.act("head-scjg", case, "extend", comment="再延一天", data={"days": 1})
    assert "不能再延期" in result["errors"][0]["message"]
    assert (await drive.get("head-scjg", case))["legalDue"] == case["legalDue"] > extended
    # the applicant is told each extension, its reason and the new dates, in writing (第四十二条)
    notices = [d for d in case["documents"] if d["kind"] == "extension_notice"]
    assert len(notices) == 2
    if shutil.which("pdftotext"):
        text = await drive.pdf("app1", notices[-1]["url"])
        assert "延长办理期限告知书" in text and COMPANY in text
        assert "因仍需等待税务意见，不能在原定期限内作出决定" in text and "办理期限延长4个工作日" in text
        assert f"本件承诺于{cn_date(case['promisedDue'])}前办结，法定办结期限截至{cn_date(case['legalDue'])}" in text


async def test_a_head_decides_only_their_own_departments_task_of_a_joint_case(drive):
    case = await accepted(drive, "test-joint")  # 住建 + 发改 + 生态环境
    assert codes(await drive.act("head-scjg", case, "approve_task")) == ["other_department"]
    assert codes(await drive.act("head-zjj", case, "approve_task", data={"department": "fgj"})) == ["no_task"]
    case = await drive.ok("head-zjj", case, "approve_task")
    assert {t["department"]: t["state"] for t in case["tasks"]}["zjj"] == "approved"
    assert (await drive.act("rev-gaj", case, "approve_task"))["__typename"] == "UserErrors"  # a reviewer outside it


async def test_a_returned_case_is_reviewed_by_the_supervision_office(drive):
    case = await drive.ok("clerk1", await drive.submit("app1"), "return", comment="主件申请书缺失")
    case = await drive.ok("app1", case, "request_review", comment="申请书已上传，请复核")
    assert {"accept", "uphold_return"} <= set((await drive.get("sup1", case))["availableActions"])
    assert codes(await drive.act("clerk1", case, "accept")) == ["forbidden"]  # not the clerk who returned it
    case = await drive.ok("sup1", case, "accept")  # 复核：应予受理
    assert case["state"] == "under_review"
    assert case["events"][-1]["role"] == "supervisor"
    assert "acceptance_notice" in [d["kind"] for d in case["documents"]]


# --------------------------------------------------------------------------- what the decision says


@needs_pdftotext
async def test_decisions_and_licences_are_the_deciding_departments_with_its_seal_number_and_validity(drive, govhall):
    await configure(govhall)
    case = await accepted(drive)
    accept_notice = document(case, "acceptance_notice")
    assert accept_notice["number"].startswith("测政服受")  # the center's own notice stays the center's
    case = await drive.ok("rev-scjg", case, "approve", comment="经现场核查，符合法定条件", data={"content": "准予从事测试经营活动"})
    year = datetime.now(timezone(timedelta(hours=8))).year
    today = datetime.now(timezone(timedelta(hours=8))).date()
    decision, licence = document(case, "approval_decision"), document(case, "certificate")
    assert decision["number"] == f"测市监审准〔{year}〕第0001号"
    assert licence["number"] == f"测市监审证〔{year}〕第0001号"
    number = f"CS{year}00001"
    validity = f"自{cn_date(today)}至{cn_date(valid_until(today, 5))}"
    text = await drive.pdf("app1", decision["url"])
    for needle in ("市场监督管理局", SEAL, COMPANY, "经现场核查，符合法定条件", "准予从事测试经营活动", number, validity[:-1]):
        assert needle in text, needle
    assert "hall县政务服务中心" not in text.split("核验码")[0]  # issued by the department, not the center
    text = await drive.pdf("app1", licence["url"])
    for needle in ("测试经营许可证", "市场监督管理局", SEAL, COMPANY, "许可证编号", number, "有效期", validity):
        assert needle in text, needle
    stored = await Case.get(id=int(case["id"]))
    assert stored.flags["licence"]["number"] == number
    notice = await drive.pdf("app1", accept_notice["url"])
    assert "hall县政务服务中心" in notice and SEAL not in notice


async def test_the_verification_page_names_the_deciding_department_as_issuer_of_its_decisions(drive, govhall):
    """Whoever checks a 决定书 or licence by its code reads the 决定机关 printed under its seal, not the center."""
    await configure(govhall)
    case = await drive.ok("rev-scjg", await accepted(drive), "approve", comment="符合法定条件")
    for kind, issuer in (("approval_decision", "市场监督管理局"), ("certificate", "市场监督管理局"),
                         ("acceptance_notice", "hall县政务服务中心")):
        stored = await Document.get(number=document(case, kind)["number"])
        summary = (await drive.gql.http.get(f"/verify/{stored.verify_code}.json")).json()
        assert summary["issuer"] == issuer, kind
        page = (await drive.gql.http.get(f"/verify/{stored.verify_code}")).text
        assert f"<dt>出具单位</dt><dd>{issuer}</dd>" in page, kind


async def test_licence_numbers_follow_the_items_pattern_one_sequence_per_prefix(drive, govhall):
    year = datetime.now(timezone(timedelta(hours=8))).year
    first = await drive.ok("rev-scjg", await accepted(drive), "approve")
    second = await drive.ok("rev-scjg", await accepted(drive, user="app2"), "approve")
    numbers = [(await Case.get(id=int(c["id"]))).flags["licence"]["number"] for c in (first, second)]
    assert numbers == [f"CS{year}00001", f"CS{year}00002"]
    events = [e for e in second["events"] if e["action"] == "approve"]
    assert events[0]["changes"]["licence"]["number"] == numbers[1]


async def test_the_applicant_is_the_applying_party_from_the_form(drive):
    case = await drive.submit("app1")
    stored = await Case.get(id=int(case["id"]))
    assert stored.applicant_name == COMPANY
    # a correction of the form's party renames the applicant on what is issued next
    case = await drive.ok("clerk1", case, "request_materials", data={"missing": [{"name": "申请书", "paper": True}]})
    await drive.ok("app1", case, "supply", data={"companyName": "连州市更名贸易有限公司"})
    assert (await Case.get(id=int(case["id"]))).applicant_name == "连州市更名贸易有限公司"


def test_the_applicant_name_rules():
    definition = {"applicantField": "/operator/name"}
    assert applicant_name(definition, {"operator": {"name": "连州市湟川餐饮管理有限公司"}}, "张三（申请人）") == "连州市湟川餐饮管理有限公司"
    assert applicant_name({}, {"operatorName": "李记小吃店"}, "张三（申请人）") == "李记小吃店"
    assert applicant_name({}, {"legalRepresentative": {"name": "王五"}}, "张三（申请人）") == "张三"
    assert applicant_name({"applicantField": ["/unitName", "/staffName"]}, {"staffName": "陈敏"}, "x") == "陈敏"
    assert account_name("李四(企业申请人)", "lisi") == "李四" and account_name("", "lisi") == "lisi"
    assert account_name("连州市星辰（集团）有限公司") == "连州市星辰（集团）有限公司"


# --------------------------------------------------------------------------- immediate items


@needs_pdftotext
async def test_an_immediate_item_is_finished_on_the_spot_never_promised(drive):
    case = await drive.submit("app1", item="test-quick")
    result = await drive.act("clerk1", case, "accept")
    assert codes(result) == ["immediate_item"] and "即时办结" in result["errors"][0]["message"]
    await unchanged(drive, case)
    case = await drive.ok("clerk1", case, "finish_on_spot")
    assert case["state"] == "approved" and case["kind"] == "immediate"
    text = await drive.pdf("app1", document(case, "acceptance_notice")["url"])
    assert "即办件" in text and "当场办结" in text
    assert "时限为将于" not in text and "承诺办结时限为" not in text and "截至。" not in text
    promised = await accepted(drive)
    text = await drive.pdf("app1", document(promised, "acceptance_notice")["url"])
    assert f"本件承诺在10个工作日内办结，即于{cn_date(promised['promisedDue'])}前办结" in text
    assert f"法定办结期限为20个工作日，截至{cn_date(promised['legalDue'])}" in text


async def test_a_promised_item_is_never_finished_on_the_spot_by_the_front_desk(drive):
    """即时办结 would issue the department's licence under its seal with nobody of the department
    deciding: a promised item is accepted, then its department decides."""
    case = await drive.submit("app1")
    refused = await drive.act("clerk1", case, "finish_on_spot")
    assert codes(refused) == ["not_immediate_item"]
    assert refused["errors"][0]["message"] == "“测试经营许可”不是即办件，不能当场办结：材料齐全的请“受理”，由承办部门审查决定"
    await unchanged(drive, case)
    supplement = await drive.ok("clerk1", await drive.submit("app1", item="test-quick"), "request_materials",
                                data={"missing": [{"name": "营业执照复印件", "paper": True}]})
    supplement = await drive.ok("app1", supplement, "supply", data={"contactMobile": "13900139000"})
    assert (await drive.ok("clerk1", supplement, "finish_on_spot"))["state"] == "approved"  # a 即办件 补办件 still is


# --------------------------------------------------------------------------- the clock during a survey


async def timer_states(case: dict) -> dict[str, str]:
    timers = await Timer.filter(case_id=int(case["id"]), kind__in=["promised", "legal"]).order_by("id")
    return {t.kind: t.state for t in timers}


async def test_a_site_survey_keeps_the_promised_clock_running_by_default(drive):
    case = await drive.ok("rev-scjg", await accepted(drive), "request_survey", comment="现场踏勘")
    assert await timer_states(case) == {"promised": "running", "legal": "paused"}
    event = case["events"][-1]
    assert event["changes"]["pause"] == {"reason": "site_survey", "promisedClock": "running"}
    assert (await Pause.get(case_id=int(case["id"]))).kinds == ["legal"]
    case = await drive.ok("rev-scjg", case, "finish_survey")
    assert await timer_states(case) == {"promised": "running", "legal": "running"}


async def test_a_center_may_pause_the_promised_clock_for_a_hearing_too(drive, govhall):
    await configure(govhall, clock={"surveyPausesPromised": True})
    case = await drive.ok("rev-scjg", await accepted(drive), "request_survey", comment="组织听证", data={"reason": "hearing"})
    assert await timer_states(case) == {"promised": "paused", "legal": "paused"}
    assert case["events"][-1]["changes"]["pause"] == {"reason": "hearing", "promisedClock": "paused"}


async def test_over_several_days_only_the_legal_deadline_moves(drive):
    case = await accepted(drive)
    stored = await Case.get(id=int(case["id"])).select_related("center")
    start = clock.local_today()
    await clock.pause_clock(stored, "site_survey", "踏勘", on=start, kinds=["legal"])
    await clock.resume_clock(stored, on=start + timedelta(days=14))  # ten working days or so
    timers = {t.kind: t for t in await Timer.filter(case_id=stored.id, kind__in=["promised", "legal"])}
    assert timers["promised"].due == date.fromisoformat(case["promisedDue"])
    assert timers["legal"].due > date.fromisoformat(case["legalDue"])
    assert stored.promised_due == date.fromisoformat(case["promisedDue"])
