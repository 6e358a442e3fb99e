"""救济途径 per department: the 行政复议机关 and 人民法院 a refusal decision (不予许可决定书) and a
return notice (退回通知书) name are the deciding department's where it configures them (a vertically
managed 税务局: 上一级税务机关), else the center's ``settings.remedy``, else the generic text; 复核 of a
return stays the center's. Set through saveDepartment and the center file; read back from the PDFs."""

from __future__ import annotations

import copy
import json
import shutil
from typing import Any

import pytest

from core.plumbing.errors import UserErrorsException
from core.plumbing.models import Department
from core.services.centers import load_center
from core.services.demo import CENTERS_DIR
from tests.hall import GOOD_DATA, CaseDriver, build_hall, codes
from tests.helpers import center_doc

pytestmark = pytest.mark.anyio
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

SAVE = """mutation($c: String!, $code: String!, $n: String!, $r: String, $court: String, $new: Boolean!) {
  saveDepartment(center: $c, code: $code, name: $n, reconsideration: $r, court: $court, isNew: $new) {
    __typename ... on Department { code reconsideration court } ... on UserErrors { errors { path code message } } } }"""
RENAME = """mutation($c: String!, $code: String!, $n: String!) {
  saveDepartment(center: $c, code: $code, name: $n) { __typename ... on Department { name reconsideration court } } }"""
LISTED = "query($c: String!) { center(code: $c) { departments { code reconsideration court } } }"

CENTER_REMEDY = {"reconsideration": "测试县人民政府", "court": "测试县人民法院", "review": "测试县政务服务中心督查科"}
TAX = {"reconsideration": "国家税务总局测试市税务局", "court": "测试市铁路运输法院"}


@pytest.fixture
async def drive(app, govhall, gql) -> CaseDriver:
    return CaseDriver(gql, await build_hall(govhall, gql))


async def center_remedy(govhall: Any, remedy: dict[str, str] | None) -> None:
    """The hall's center file again, with (or without) ``settings.remedy``."""
    await load_center(center_doc("hall", settings={"remedy": remedy} if remedy else {}), govhall.hub)


async def save(drive: CaseDriver, code: str, name: str, new: bool = False, **remedy: str | None) -> dict[str, Any]:
    """saveDepartment as the center's administrator; a remedy authority not named is not sent."""
    variables = {"c": "hall", "code": code, "n": name, "r": remedy.get("reconsideration"), "court": remedy.get("court"), "new": new}
    return (await drive.query("admin1", SAVE, **variables))["saveDepartment"]


async def refusal_text(drive: CaseDriver) -> str:
    """A 市场监督管理局 case, accepted and refused: its 不予许可决定书 as printed, without whitespace."""
    case = await drive.ok("clerk1", await drive.submit("app1", allow_duplicate=True), "accept")
    case = await drive.ok("rev-scjg", case, "refuse", comment="经营场所位于居民住宅楼内",
                          data={"basis": "《中华人民共和国食品安全法》第三十五条"})
    (document,) = [d for d in case["documents"] if d["kind"] == "refusal_decision"]
    return await drive.pdf("app1", document["url"])


async def return_text(drive: CaseDriver) -> str:
    case = await drive.ok("clerk1", await drive.submit("app1", allow_duplicate=True), "return", comment="主件申请书缺失")
    (document,) = [d for d in case["documents"] if d["kind"] == "return_notice"]
    return await drive.pdf("app1", document["url"])


def remedies(reconsideration: str, court: str) -> tuple[str, str]:
    """Where the remedy paragraph names the authorities (short: the decision's seal, printed over
    the paragraph's end, may come between the words in the PDF's text)."""
    return f"日内向{reconsideration}申请", f"依法向{court}提起"


# --------------------------------------------------------------------------- the printed documents


@needs_pdftotext
async def test_a_refusal_names_the_deciding_departments_remedy_else_the_centers_else_the_generic_text(drive, govhall):
    await center_remedy(govhall, CENTER_REMEDY)
    assert (await save(drive, "scjg", "市场监督管理局", **TAX))["__typename"] == "Department"
    text = await refusal_text(drive)
    for needle in remedies(TAX["reconsideration"], TAX["court"]):
        assert needle in text, needle
    assert "测试县人民政府" not in text and "测试县人民法院" not in text
    assert "复核" not in text  # 复核 is for returns, never on a decision

    # the court cleared: the department's reconsideration authority, the center's court
    assert (await save(drive, "scjg", "市场监督管理局", court=""))["court"] == ""
    text = await refusal_text(drive)
    for needle in remedies(TAX["reconsideration"], CENTER_REMEDY["court"]):
        assert needle in text, needle

    # both cleared: the center's; a center without settings.remedy: the generic text
    await save(drive, "scjg", "市场监督管理局", reconsideration="", court="")
    text = await refusal_text(drive)
    for needle in remedies(CENTER_REMEDY["reconsideration"], CENTER_REMEDY["court"]):
        assert needle in text, needle
    await center_remedy(govhall, None)
    text = await refusal_text(drive)
    for needle in remedies("本级人民政府", "有管辖权的人民法院"):
        assert needle in text, needle


@needs_pdftotext
async def test_a_return_notice_names_the_departments_remedy_and_the_centers_review(drive, govhall):
    await center_remedy(govhall, CENTER_REMEDY)
    await save(drive, "scjg", "市场监督管理局", **TAX)
    text = await return_text(drive)
    assert f"可以向{CENTER_REMEDY['review']}申请复核" in text
    for needle in remedies(TAX["reconsideration"], TAX["court"]):
        assert needle in text, needle
    # without any setting: the center's supervision office reviews, the generic authorities
    await center_remedy(govhall, None)
    await save(drive, "scjg", "市场监督管理局", reconsideration="", court="")
    text = await return_text(drive)
    assert "可以向hall县政务服务中心督查科申请复核" in text
    for needle in remedies("本级人民政府", "有管辖权的人民法院"):
        assert needle in text, needle


@needs_pdftotext
async def test_a_joint_refusal_is_issued_by_the_department_that_refused(drive):
    """A joint case's part refused by one department alone: that department refuses in its own name, under
    its seal, numbered under its 文号 prefix, before its remedy authorities (the applicant challenges
    its act, not the lead department's)."""
    case = await drive.ok("clerk1", await drive.submit("app1", item="test-joint"), "accept")
    lead = next(t["department"] for t in case["tasks"] if t["lead"])
    other = next(t["department"] for t in case["tasks"] if not t["lead"])
    names = {d.code: d.name for d in await Department.filter(code__in=[lead, other])}
    await save(drive, lead, names[lead], reconsideration="测试市人民政府", court="测试市中级人民法院")
    await save(drive, other, names[other], **TAX)
    await Department.filter(code=other).update(abbreviation="测拒", seal_name=f"{names[other]}行政审批专用章")
    case = await drive.ok(f"rev-{other}", case, "refuse_task", comment="不符合本部门审批条件",
                          data={"basis": "《中华人民共和国行政许可法》第三十八条第二款"})
    for task in case["tasks"]:
        if task["state"] == "open":
            case = await drive.ok(f"rev-{task['department']}", case, "approve_task")
    assert case["state"] == "partly_approved"  # the others approved: their part stands
    (document,) = [d for d in case["documents"] if d["kind"] == "refusal_decision"]
    assert document["number"].startswith("测拒"), document
    text = await drive.pdf("app1", document["url"])
    for needle in remedies(TAX["reconsideration"], TAX["court"]):
        assert needle in text, needle
    assert "测试市人民政府" not in text
    assert f"{names[other]}行政审批专用章" in "".join(text.split())


@needs_pdftotext
async def test_a_joint_refusal_by_several_departments_is_issued_by_the_lead(drive):
    case = await drive.ok("clerk1", await drive.submit("app1", item="test-joint"), "accept")
    codes_ = [t["department"] for t in case["tasks"]]
    names = {d.code: d.name for d in await Department.filter(code__in=codes_)}
    for task in case["tasks"]:
        remedy = {"reconsideration": "测试市人民政府", "court": "测试市中级人民法院"} if task["lead"] else TAX
        await save(drive, task["department"], names[task["department"]], **remedy)
    for task in case["tasks"]:
        case = await drive.ok(f"rev-{task['department']}", case, "refuse_task", comment="不符合本部门审批条件",
                              data={"basis": "《中华人民共和国行政许可法》第三十八条第二款"})
    assert case["state"] == "refused"
    (document,) = [d for d in case["documents"] if d["kind"] == "refusal_decision"]
    text = await drive.pdf("app1", document["url"])
    for needle in remedies("测试市人民政府", "测试市中级人民法院"):
        assert needle in text, needle
    assert TAX["reconsideration"] not in text


# --------------------------------------------------------------------------- saveDepartment


async def test_the_remedy_is_set_kept_and_cleared_through_save_department(drive):
    added = await save(drive, "swj", "税务局", new=True, reconsideration=" 国家税务总局测试市税务局 ", court="测试县人民法院")
    assert added == {"__typename": "Department", "code": "swj", "reconsideration": "国家税务总局测试市税务局", "court": "测试县人民法院"}
    # a client that does not send them (an older screen, a script renaming the department) keeps them
    renamed = (await drive.query("admin1", RENAME, c="hall", code="swj", n="测试县税务局"))["saveDepartment"]
    assert renamed == {"__typename": "Department", "name": "测试县税务局", "reconsideration": "国家税务总局测试市税务局",
                       "court": "测试县人民法院"}
    listed = (await drive.query(None, LISTED, c="hall"))["center"]["departments"]
    assert {"code": "swj", "reconsideration": "国家税务总局测试市税务局", "court": "测试县人民法院"} in listed
    assert {"code": "scjg", "reconsideration": "", "court": ""} in listed
    # an empty value clears it: the center's applies again
    cleared = await save(drive, "swj", "测试县税务局", reconsideration="", court="")
    assert (cleared["reconsideration"], cleared["court"]) == ("", "")


async def test_a_remedy_that_cannot_stand_in_the_printed_sentence_is_refused_in_chinese(drive):
    await save(drive, "scjg", "市场监督管理局", **TAX)
    cases = {
        "测试县人民政府": ("format.court", "/court", "行政诉讼法院应为人民法院的名称，以“法院”结尾"),
        "向测试县人民法院提起行政诉讼": ("format.authority", "/court", "只填写机关名称"),
        "院": ("too_short", "/court", "行政诉讼法院至少2个字"),
    }
    for court, (code, path, message) in cases.items():
        result = await save(drive, "scjg", "市场监督管理局", reconsideration=TAX["reconsideration"], court=court)
        assert codes(result) == [code], court
        assert result["errors"][0]["path"] == path and message in result["errors"][0]["message"], result
    both = await save(drive, "scjg", "市场监督管理局", reconsideration="测试县人民政府，或上一级主管部门", court="法" * 65)
    assert sorted(codes(both)) == ["format.authority", "too_long"]
    messages = {e["path"]: e["message"] for e in both["errors"]}
    assert "文书上写作“向……申请行政复议”" in messages["/reconsideration"]
    assert messages["/court"] == "行政诉讼法院不能超过64个字"
    # nothing was written
    row = await Department.get(center__code="hall", code="scjg")
    assert (row.reconsideration, row.court) == (TAX["reconsideration"], TAX["court"])


# --------------------------------------------------------------------------- the center file


async def test_the_center_file_names_a_departments_remedy(app, govhall):
    doc = center_doc("filed")
    doc["departments"].append({"code": "swj", "name": "税务局", "remedy": {"reconsideration": "国家税务总局测试市税务局"}})
    center = await load_center(doc, govhall.hub)
    rows = {d.code: (d.reconsideration, d.court) for d in await Department.filter(center_id=center.id)}
    assert rows["swj"] == ("国家税务总局测试市税务局", "") and rows["scjg"] == ("", "")

    bad = copy.deepcopy(doc)
    bad["departments"][-1]["remedy"] = {"reconsideration": "国家税务总局测试市税务局", "court": "测试县人民政府"}
    bad["departments"][0]["remedy"] = {"review": "本中心督查科"}  # 复核 is the center's, not a department's
    bad["settings"] = {"remedy": {"court": "向测试县人民法院起诉"}}
    with pytest.raises(UserErrorsException) as schema_caught:
        await load_center(bad, govhall.hub)
    assert [e.path for e in schema_caught.value.errors] == ["/departments/0/remedy/review"]  # the schema first, alone
    assert "review" in schema_caught.value.errors[0].message
    del bad["departments"][0]["remedy"]
    with pytest.raises(UserErrorsException) as caught:
        await load_center(bad, govhall.hub)
    found = {e.path: (e.code, e.message) for e in caught.value.errors}
    assert found["/departments/5/remedy/court"][0] == "format.court"
    assert found["/settings/remedy/court"][0] == "format.authority"
    assert all("\u4e00" <= message[0] <= "\u9fff" for _, message in found.values())
    assert await Department.get(center_id=center.id, code="swj").values_list("court", flat=True) == ""


SAVE_ALL = """mutation($c: String!, $code: String!, $n: String!, $cat: String, $b: String, $a: String, $s: String,
  $r: String, $court: String) {
  saveDepartment(center: $c, code: $code, name: $n, category: $cat, backOffice: $b, abbreviation: $a, sealName: $s,
    reconsideration: $r, court: $court) { __typename } }"""
KEPT = ("category", "back_office", "abbreviation", "seal_name", "reconsideration", "court")


async def test_loading_the_center_file_again_keeps_what_the_screen_set_unless_the_file_names_it(drive, govhall):
    """中心管理 → 部门与窗口 sets a department's 文号简称, seal, 救济途径…; loading the center file again
    (``govhall center load``) keeps each one the file leaves out, and sets each one it names, ``""``
    included (cleared)."""
    async def row(code: str) -> tuple[str, ...]:
        department = await Department.get(center__code="hall", code=code)
        return tuple(getattr(department, field) for field in KEPT)

    screen = {"cat": "市场监管", "b": "登记注册科", "a": "测市监审", "s": "测试县市场监督管理局审批专用章",
              "r": "测试县人民政府", "court": "测试县人民法院"}
    for code, name in (("scjg", "市场监督管理局"), ("zjj", "住房和城乡建设局")):
        assert (await drive.query("admin1", SAVE_ALL, c="hall", code=code, n=name, **screen))["saveDepartment"] == {
            "__typename": "Department"}
    on_screen = tuple(screen.values())
    assert await row("scjg") == on_screen

    doc = center_doc("hall")  # scjg names only its category; zjj names its seal, clears its court and abbreviation
    doc["departments"][1].update(sealName="测试县住房和城乡建设局行政审批专用章", abbreviation="", remedy={"court": ""})
    doc["departments"].append({"code": "swj", "name": "税务局"})
    await load_center(doc, govhall.hub)
    assert await row("scjg") == ("市场监管", *on_screen[1:])
    assert await row("zjj") == ("住房建设", "登记注册科", "", "测试县住房和城乡建设局行政审批专用章", "测试县人民政府", "")
    assert await row("swj") == ("",) * 6  # a new department: nothing set yet

    # once more, unchanged: still kept
    await load_center(doc, govhall.hub)
    assert await row("scjg") == ("市场监管", *on_screen[1:])

    # a seal of one character is refused at its key, as on the screen
    doc["departments"][0]["sealName"] = "章"
    with pytest.raises(UserErrorsException) as caught:
        await load_center(doc, govhall.hub)
    assert [(e.code, e.path, e.message) for e in caught.value.errors] == [
        ("too_short", "/departments/0/sealName", "审批专用章印文至少2个字")]


async def test_the_demo_tax_departments_name_the_higher_tax_authority(app, govhall):
    """Tax is vertically managed (行政复议法第二十七条): each demo center's 税务局 names the tax
    authority above it, while its other departments keep the center's setting."""
    for path in sorted(CENTERS_DIR.glob("*.json")):
        center = await load_center(json.loads(path.read_text("utf-8")), govhall.hub)
        departments = await Department.filter(center_id=center.id)
        taxes = [d for d in departments if "税务" in d.name]
        assert taxes, path.name
        for tax in taxes:
            assert tax.reconsideration.startswith("国家税务总局") and tax.reconsideration.endswith("税务局"), tax.name
            assert tax.reconsideration != tax.name
        assert all(not d.reconsideration for d in departments if "税务" not in d.name)
