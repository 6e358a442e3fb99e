"""Issuing documents: numbered per center, kind and year, stored with their hash, verifiable at
/verify/{code}, downloadable with the case's permissions, never half-issued."""

from __future__ import annotations

import asyncio
import hashlib
import re
import shutil
import subprocess
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from tortoise.transactions import in_transaction

from core import api as core_api
from core import hookimpl
from core.services.accounts import login
from core.services.documents import DocumentError, cn_date
from core.services import clock
from core.services.config_cache import SCOPE as CONFIG_SCOPE
from core.services.documents import issue as issue_module
from core.plumbing.counters import next_value, next_values
from core.services.documents.issue import (
    CODE_ALPHABET,
    case_context,
    display_code,
    issue_case_document,
    issue_case_documents,
    issue_document,
    issue_register,
)
from core.services.documents.rendering import ensure_rendered
from core.plumbing.models import Case, CaseTask, Center, Counter, Department, Document, Item, ItemVersion, ReceivedMaterial, Window
from core.plumbing.settings import Settings
from tests.helpers import PASSWORD, TEST_PASSWORD_HASHING, make_center, make_user, pdf_text

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed"),
]

CHINA = timezone(timedelta(hours=8))
ACCEPTED = datetime(2026, 11, 26, 10, 30, tzinfo=CHINA)
SUBMITTED = datetime(2026, 11, 24, 16, 45, tzinfo=CHINA)  # filed online two days before the counter accepted it
APPLICANT = "连州市湟川餐饮管理有限公司"
DEFINITION: dict[str, Any] = {
    "code": "spjy",
    "name": "食品经营许可（新办）",
    "legalDays": 20,
    "promisedDays": 5,
    "materials": [
        {"code": "m01", "name": "食品经营许可申请书", "issuer": "申请人自备", "originals": 1, "copies": 0,
         "required": True, "role": "main"},
        {"code": "m02", "name": "营业执照", "issuer": "市场监管部门", "originals": 0, "copies": 1,
         "required": True, "role": "secondary"},
        {"code": "m03", "name": "委托书", "issuer": "申请人自备", "originals": 1, "copies": 0,
         "required": False, "role": "secondary"},
    ],
    "certificate": {
        "title": "食品经营许可证",
        "fields": [
            {"label": "经营者名称", "pointer": "/enterprise/name"},
            {"label": "统一社会信用代码", "pointer": "/enterprise/uscc"},
            {"label": "经营项目", "pointer": "/scope"},
            {"label": "有效期至", "pointer": "/valid~1until"},
        ],
    },
}
DATA = {
    "enterprise": {"name": APPLICANT, "uscc": "91310115591693856A"},
    "scope": ["热食类食品制售", "冷食类食品制售"],
    "valid/until": "2031-11-25",
}
REMEDY = {"review": "本中心督查科", "reconsideration": "测试县人民政府", "court": "测试县人民法院"}
EXTRA: dict[str, dict[str, Any]] = {
    "correction_notice": {"missing": [{"name": "经营场所平面布局图", "reason": "未提交，需标明加工操作区域"}]},
    "return_notice": {"reason": "经营场所位于居民住宅楼内", "remedy": REMEDY},
    "refusal_decision": {"reason": "现场核查不符合场所条件", "remedy": REMEDY},
    "approval_decision": {"decision": {"content": "准予从事食品经营活动", "validUntil": date(2031, 11, 25)}},
    "reply_notice": {"reason": "该事项不属于本中心受理范围", "guidance": "请到城市管理局办理"},
}
CASE_KINDS = [
    "acceptance_notice", "correction_notice", "return_notice", "promise_notice", "joint_notice",
    "approval_decision", "refusal_decision", "certificate", "reply_notice",
]


# --------------------------------------------------------------------------- helpers




async def make_item(center: Center, definition: dict[str, Any] | None = None) -> ItemVersion:
    definition = definition or DEFINITION
    item = await Item.create(center=center, code=definition["code"], latest_version=1)
    return await ItemVersion.create(
        item=item, center=center, code=definition["code"], version=1, name=definition["name"], definition=definition
    )


async def make_case(center: Center, number: str = "TESTC2026112600001", *, joint: bool = False,
                    accepted: datetime = ACCEPTED, applicant_name: str = APPLICANT, **values: Any) -> Case:
    version = await ItemVersion.get_or_none(center=center, code="spjy") or await make_item(center)
    applicant = await make_user("applicant1")
    department = await Department.get(center=center, code="scjg")
    fields: dict[str, Any] = {
        "center": center, "number": number, "item_version": version, "process": "standard",
        "applicant": applicant, "agent": await make_user("agent1"), "department": department,
        "window": await Window.get(center=center, code="A01"), "applicant_name": applicant_name, "data": DATA,
        "state": "under_review", "kind": "joint" if joint else "promised", "submitted_at": SUBMITTED, "accepted_at": accepted,
        "accepted_on": accepted.date(), "promised_due": date(2026, 12, 3), "legal_due": date(2026, 12, 24),
    }
    case = await Case.create(**{**fields, **values})
    if joint:
        await CaseTask.create(case=case, department=department, lead=True)
        await CaseTask.create(case=case, department=await Department.get(center=center, code="zjj"))
    return case


async def rendered(govhall: Any, doc: Document) -> Document:
    """The document once rendered (as its first download would render it)."""
    assert await ensure_rendered(govhall, doc.id) == "ready"
    return await Document.get(id=doc.id)


def year() -> int:
    return datetime.now(CHINA).year


# --------------------------------------------------------------------------- every kind


@pytest.mark.parametrize("kind", CASE_KINDS)
async def test_every_case_kind_is_issued_stored_and_reads_back(govhall: Any, kind: str) -> None:
    center = await make_center()
    case = await make_case(center, joint=kind == "joint_notice")
    if kind == "acceptance_notice":  # what the counter received (柜台收件): the notice lists exactly that
        await ReceivedMaterial.create(case=case, code="m01", name="食品经营许可申请书", form="original", count=1)
        await ReceivedMaterial.create(case=case, code="m02", name="营业执照", form="copy", count=2)
    doc = await issue_case_document(govhall, case, kind, EXTRA.get(kind))
    assert doc.state == "pending" and not doc.content  # numbered now, rendered after commit

    stored = await rendered(govhall, doc)
    content = bytes(stored.content)
    assert content.startswith(b"%PDF")
    assert stored.sha256 == hashlib.sha256(content).hexdigest() and stored.size == len(content)
    assert stored.case_id == case.id and stored.center_id == center.id and stored.kind == kind
    assert len(stored.verify_code) == 12 and set(stored.verify_code) <= set(CODE_ALPHABET)
    assert stored.issued_on == datetime.now(CHINA).date()
    abbr = issue_module.KIND_ABBREVIATIONS[kind]
    assert stored.number == f"测政服{abbr}〔{stored.issued_on.year}〕第0001号"

    text = pdf_text(content)
    title = "食品经营许可证" if kind == "certificate" else stored.title
    # a decision or certificate is the deciding department's, under its 审批专用章; notices the center's
    issuer = ["市场监督管理局", "市场监督管理局审批专用章"] if kind in issue_module.DEPARTMENT_KINDS else [center.name]
    expected = [*issuer, title, stored.number,
                cn_date(stored.issued_on), display_code(stored.verify_code), APPLICANT]
    if kind != "certificate":  # the application is dated the day it was filed, not the day it was accepted
        expected += ["食品经营许可（新办）", f"于{cn_date(SUBMITTED)}提"]
        assert f"于{cn_date(ACCEPTED)}提" not in text
    if kind in ("acceptance_notice", "promise_notice", "joint_notice"):
        expected += [cn_date(case.promised_due), cn_date(case.legal_due), case.number, "综合受理窗口", f"受理日期{cn_date(ACCEPTED)}"]
    if kind == "acceptance_notice":
        expected += ["食品经营许可申请书原件1份", "营业执照复印件2份", "agent1"]
        assert "委托书" not in text  # not received
    if kind == "joint_notice":
        expected += ["住房和城乡建设局", "牵头"]
    if kind == "correction_notice":
        expected += ["经营场所平面布局图", "未提交，需标明加工操作区域"]
    if kind == "certificate":
        expected += ["发证机关", "市场监督管理局"]
    for value in EXTRA.get(kind, {}).values():
        if isinstance(value, str):
            expected.append(value)
    for needle in expected:
        assert needle in text, f"{kind}: {needle!r} not in PDF text"


async def test_pdf_embeds_a_cjk_font(govhall: Any, tmp_path: Path) -> None:
    center = await make_center()
    doc = await rendered(govhall, await issue_case_document(govhall, await make_case(center), "acceptance_notice"))
    path = tmp_path / "n.pdf"
    path.write_bytes(bytes(doc.content))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"WenQuanYi|Noto.*CJK|Micro", fonts), fonts
    assert doc.size < 100_000


async def test_certificate_fields_come_from_case_data_by_pointer(govhall: Any) -> None:
    center = await make_center()
    case = await make_case(center)
    context = await case_context(govhall, case, "certificate")
    assert context["certificate"]["fields"] == [
        {"label": "经营者名称", "value": APPLICANT},
        {"label": "统一社会信用代码", "value": "91310115591693856A"},
        {"label": "经营项目", "value": "热食类食品制售、冷食类食品制售"},
        {"label": "有效期至", "value": "2031年11月25日"},
    ]
    doc = await rendered(govhall, await issue_case_document(govhall, case, "certificate"))
    text = pdf_text(bytes(doc.content))
    for needle in ("食品经营许可证", "91310115591693856A", "热食类食品制售、冷食类食品制售", "2031年11月25日", "发证机关"):
        assert needle in text
    assert doc.title == "食品经营许可证"

    # a field left blank (optional, or shown only for some answers) leaves its row out (test_certificate_rows.py)
    case.data = {"enterprise": {"name": APPLICANT}}
    context = await case_context(govhall, case, "certificate")
    assert context["certificate"]["fields"] == [{"label": "经营者名称", "value": APPLICANT}]


class FakeProcess:
    def state_label(self, state: str) -> str:
        return {"under_review": "审查中"}.get(state, state)


class FakeRegistry:
    def get(self, process_id: str) -> FakeProcess:
        if process_id != "standard":
            raise KeyError(process_id)
        return FakeProcess()


async def test_case_context_merges_extra_and_state_label(govhall: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    center = await make_center()
    case = await make_case(center, joint=True)
    monkeypatch.setitem(govhall.__dict__, "processes", FakeRegistry())
    context = await case_context(govhall, case, "joint_notice", {"note": "额外"})
    assert context["note"] == "额外"
    c = context["case"]
    assert c["leadDepartment"] == "市场监督管理局"
    assert c["departments"] == ["市场监督管理局", "住房和城乡建设局"]
    assert (c["promisedDays"], c["legalDays"], c["provisional"]) == (5, 20, False)
    assert c["state"] == "审查中"  # the process's label
    case.process = "unknown"
    assert (await case_context(govhall, case, "joint_notice"))["case"]["state"] == "under_review"


# --------------------------------------------------------------------------- numbering


async def test_numbers_per_center_kind_and_year(govhall: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    center = await make_center()
    case = await make_case(center)
    y = year()
    first = await issue_case_document(govhall, case, "acceptance_notice")
    second = await issue_case_document(govhall, case, "acceptance_notice")
    other_kind = await issue_case_document(govhall, case, "correction_notice", EXTRA["correction_notice"])
    assert first.number == f"测政服受〔{y}〕第0001号"
    assert second.number == f"测政服受〔{y}〕第0002号"
    assert other_kind.number == f"测政服补〔{y}〕第0001号"

    other = await make_center(code="otherc")
    other.doc_prefix = "另政服"
    await other.save()
    in_other = await issue_case_document(govhall, await make_case(other, "OTHE2026112600001"), "acceptance_notice")
    assert in_other.number == f"另政服受〔{y}〕第0001号"

    monkeypatch.setattr(clock, "local_today", lambda now=None: date(y + 1, 1, 2))
    next_year = await issue_case_document(govhall, case, "acceptance_notice")
    assert next_year.number == f"测政服受〔{y + 1}〕第0001号" and next_year.issued_on == date(y + 1, 1, 2)
    assert len({d.verify_code for d in await Document.all()}) == 5


async def test_documents_issued_together_are_numbered_in_one_statement_as_one_by_one(govhall: Any) -> None:
    """issue_case_documents numbers every document with one upsert: a new sequence, an existing
    one, and a kind named twice get what issuing them one by one would have given."""
    center = await make_center()
    case = await make_case(center)
    y = year()
    await issue_case_document(govhall, case, "correction_notice", EXTRA["correction_notice"])
    async with in_transaction():
        issued = await issue_case_documents(govhall, case, [
            ("acceptance_notice", None), ("correction_notice", EXTRA["correction_notice"]), ("acceptance_notice", None),
        ])
    assert [d.number for d in issued] == [f"测政服受〔{y}〕第0001号", f"测政服补〔{y}〕第0002号", f"测政服受〔{y}〕第0002号"]
    assert [await next_value(f"doc:{center.id}:{a}:{y}") for a in ("受", "补")] == [3, 3]
    assert await next_values([]) == []
    stored = await Document.filter(case_id=case.id).order_by("id").values_list("number", flat=True)
    assert stored == [f"测政服补〔{y}〕第0001号", *(d.number for d in issued)]


# --------------------------------------------------------------------------- plugin templates, errors


class TemplatePlugin:
    """A test plugin: a template folder with a working and a broken kind, and a context hook."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @hookimpl
    def register_document_templates(self) -> list[Path]:
        return [self.folder]

    @hookimpl
    def register_document_kinds(self) -> dict[str, dict[str, Any]]:
        """A kind whose template names no title: the declared one is printed (docs/plugins.md)."""
        return {"fee_notice": {"title": "收费告知书", "abbreviation": "费", "readers": ("clerk",)}}

    @hookimpl
    def case_document_context(self, center: Any, case: Any, kind: str) -> dict[str, Any] | None:
        if kind == "inspection_notice":
            return {"inspection": {"team": "第三核查组"}}
        return None


@pytest.fixture
def doc_plugin(plugin_manager: Any, tmp_path: Path) -> TemplatePlugin:
    """Registered on the plugin manager before the app (and its renderer) is built."""
    folder = tmp_path / "templates"
    folder.mkdir()
    body = (
        '{% extends "base.html" %}{% block title %}现场核查通知书{% endblock %}'
        "{% block body %}<p>{{ case.applicantName }}：核查组 {{ inspection.team }}</p>{% endblock %}"
    )
    (folder / "inspection_notice.html").write_text(body, "utf-8")
    (folder / "site_notice.html").write_text(body.replace("现场核查", "现场勘查"), "utf-8")
    (folder / "fee_notice.html").write_text(
        '{% extends "base.html" %}{% block body %}<p>应缴{{ fee.amount }}元</p>{% endblock %}', "utf-8")
    plugin = TemplatePlugin(folder)
    plugin_manager.register(plugin, name="docplug")
    return plugin


async def test_template_error_rolls_back_number_and_row(doc_plugin: TemplatePlugin, govhall: Any) -> None:
    center = await make_center()  # does not enable docplug: its context hook stays silent
    case = await make_case(center)
    with pytest.raises(DocumentError) as caught:
        async with in_transaction():
            await issue_case_document(govhall, case, "inspection_notice")
    assert caught.value.template == "inspection_notice.html"
    assert caught.value.field == "inspection"
    assert "inspection" in caught.value.message
    assert await Document.all().count() == 0
    counter = await Counter.get_or_none(scope=f"doc:{center.id}:inspection_notice:{year()}")
    assert counter is None or counter.value == 0

    # Outside any transaction the issuer opens its own: still nothing half-issued.
    with pytest.raises(DocumentError):
        await issue_case_document(govhall, case, "inspection_notice")
    assert await Document.all().count() == 0
    assert await Counter.filter(value__gt=0).exclude(scope=CONFIG_SCOPE).count() == 0  # no number was taken

    with pytest.raises(DocumentError, match="unknown document kind"):
        await issue_case_document(govhall, case, "no_such_notice")


async def test_plugin_kind_with_hook_context(doc_plugin: TemplatePlugin, govhall: Any) -> None:
    center = await make_center(hub=govhall.hub, plugins=["docplug"])
    case = await make_case(center)
    async with in_transaction():
        doc = await issue_case_document(govhall, case, "inspection_notice")
    doc = await rendered(govhall, doc)
    assert doc.number == f"测政服文〔{year()}〕第0001号"
    assert doc.title == "inspection_notice"
    text = pdf_text(bytes(doc.content))
    assert "现场核查通知书" in text and "第三核查组" in text and APPLICANT in text


async def test_plugin_kind_prints_the_title_it_declared(doc_plugin: TemplatePlugin, govhall: Any) -> None:
    center = await make_center(hub=govhall.hub, plugins=["docplug"])
    doc = await core_api.issue_document(govhall, center=center, kind="fee_notice", context={"fee": {"amount": 30}})
    doc = await rendered(govhall, doc)
    assert doc.number == f"测政服费〔{year()}〕第0001号" and doc.title == "收费告知书"
    text = pdf_text(bytes(doc.content))
    assert "收费告知书" in text and "应缴30元" in text


async def test_document_error_inside_caller_transaction_keeps_earlier_work_out(govhall: Any) -> None:
    center = await make_center()
    case = await make_case(center)
    with pytest.raises(DocumentError):
        async with in_transaction():
            await issue_case_document(govhall, case, "acceptance_notice")  # fine
            await issue_case_document(govhall, case, "return_notice")  # no reason
    assert await Document.all().count() == 0
    assert await Counter.filter(value__gt=0).exclude(scope=CONFIG_SCOPE).count() == 0  # no number was taken


# --------------------------------------------------------------------------- /verify


async def test_verify_page_json_and_file_check(govhall: Any, client: Any) -> None:
    center = await make_center()
    center.name = "测试县<b>政务</b>服务中心"
    await center.save()
    doc = await issue_case_document(govhall, await make_case(center), "acceptance_notice")
    pending = await client.get(f"/verify/{doc.verify_code}")  # genuine, not laid out yet: no fingerprint
    assert pending.status_code == 200 and "文书正在生成" in pending.text
    assert (await client.post(f"/verify/{doc.verify_code}", content=b"%PDF-1.7")).status_code == 409
    doc = await rendered(govhall, doc)
    content = bytes(doc.content)

    page = await client.get(f"/verify/{doc.verify_code}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    for needle in ("受理通知书", doc.number, cn_date(doc.issued_on), doc.sha256, display_code(doc.verify_code)):
        assert needle in html
    assert "测试县&lt;b&gt;政务&lt;/b&gt;服务中心" in html and "<b>政务" not in html
    assert APPLICANT not in html  # the public page shows the minimum only
    assert "default-src 'none'" in page.headers["content-security-policy"]

    dashed = await client.get(f"/verify/{display_code(doc.verify_code).lower()}")
    assert dashed.status_code == 200 and doc.number in dashed.text

    data = (await client.get(f"/verify/{doc.verify_code}.json")).json()
    assert data == {
        "found": True, "verifyCode": display_code(doc.verify_code), "kind": "acceptance_notice",
        "title": "受理通知书", "number": doc.number, "issuedOn": doc.issued_on.isoformat(),
        "issuer": center.name, "sha256": doc.sha256, "status": "ready",
    }

    genuine = (await client.post(f"/verify/{doc.verify_code}", content=content)).json()
    assert genuine["genuine"] is True and genuine["message"].startswith("真实有效")
    middle = len(content) // 2
    tampered_bytes = content[:middle] + bytes([content[middle] ^ 0x01]) + content[middle + 1:]
    tampered = (await client.post(f"/verify/{doc.verify_code}", content=tampered_bytes)).json()
    assert tampered["genuine"] is False and tampered["message"] == "文件与登记不符（可能被篡改）"
    assert tampered["uploadedSha256"] == hashlib.sha256(tampered_bytes).hexdigest()

    form = await client.post(
        f"/verify/{doc.verify_code}", files={"file": ("notice.pdf", content, "application/pdf")},
        headers={"Accept": "text/html"},
    )
    assert form.status_code == 200 and "真实有效" in form.text
    form_bad = await client.post(
        f"/verify/{doc.verify_code}", files={"file": ("notice.pdf", tampered_bytes, "application/pdf")},
        headers={"Accept": "text/html"},
    )
    assert "文件与登记不符（可能被篡改）" in form_bad.text

    empty = await client.post(f"/verify/{doc.verify_code}", content=b"")
    assert empty.status_code == 400


async def test_verify_unknown_code_is_a_chinese_404(client: Any) -> None:
    for code in ("ABCDEFGHJKLM", "<script>", "x" * 200):
        page = await client.get(f"/verify/{quote(code)}")
        assert page.status_code == 404 and "未找到核验码" in page.text
        assert "<script>" not in page.text
    assert (await client.get("/verify/ABCDEFGHJKLM.json")).status_code == 404
    assert (await client.post("/verify/ABCDEFGHJKLM", content=b"%PDF")).status_code == 404


# --------------------------------------------------------------------------- /documents/{id}.pdf


async def _token(username: str) -> str:
    token, _ = await login(username, PASSWORD, settings=Settings(token_hours=1, password_hashing=TEST_PASSWORD_HASHING))
    return token


async def test_document_pdf_follows_case_permissions(govhall: Any, client: Any) -> None:
    center = await make_center()
    other_center = await make_center(code="otherc")
    case = await make_case(center)
    doc = await issue_case_document(govhall, case, "acceptance_notice")
    await make_user("clerk1", center, "clerk")
    await make_user("stranger", other_center, "clerk")
    await make_user("applicant2")
    url = f"/documents/{doc.public_id}.pdf"

    async def get(username: str | None, *, query: bool = False, path: str = url) -> Any:
        if username is None:
            return await client.get(path)
        token = await _token(username)
        if query:
            return await client.get(path, params={"token": token})
        return await client.get(path, headers={"Authorization": f"Bearer {token}"})

    for allowed in ("applicant1", "agent1", "clerk1"):
        response = await get(allowed)
        assert response.status_code == 200, (allowed, response.text)
        assert response.headers["content-type"] == "application/pdf"
        assert response.content == bytes((await Document.get(id=doc.id)).content)  # rendered by the first
    refused = await get("applicant1", query=True)  # a token in the URL would end up in access logs
    assert refused.status_code == 400 and "网址中不接受登录令牌" in refused.json()["message"]
    response = await get("applicant1")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("inline;")
    assert f"filename*=UTF-8''{quote('受理通知书_' + doc.number + '.pdf', safe='')}" in disposition

    assert (await get(None)).status_code == 401
    bad = await client.get(url, headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401 and bad.json()["message"] == "登录已失效，请重新登录"
    assert (await get("applicant2")).status_code == 403
    assert (await get("stranger")).status_code == 403
    assert (await get("clerk1", path=f"/documents/{doc.id}.pdf")).status_code == 404  # row ids are not URLs


async def test_document_pdf_maps_not_found_from_the_case_check(
    govhall: Any, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import core.services.cases
    from core.plumbing.errors import NotFound

    async def hidden(actor: Any, case_id: Any) -> Any:
        raise NotFound("办件不存在")

    center = await make_center()
    doc = await issue_case_document(govhall, await make_case(center), "acceptance_notice")
    monkeypatch.setattr(core.services.cases, "load_visible_case", hidden)
    token = await _token("applicant1")
    response = await client.get(f"/documents/{doc.public_id}.pdf", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404


async def test_register_pdf_is_for_center_staff(govhall: Any, client: Any) -> None:
    center = await make_center()
    other_center = await make_center(code="otherc")
    await make_case(center)
    doc = await issue_register(govhall, center, date(2026, 11, 1), date(2026, 11, 30))
    assert doc.case_id is None and doc.kind == "register"
    await make_user("pickup1", center, "pickup")
    await make_user("stranger", other_center, "admin")
    url = f"/documents/{doc.public_id}.pdf"
    for username, status in (("pickup1", 200), ("applicant1", 404), ("stranger", 404)):
        response = await client.get(url, headers={"Authorization": f"Bearer {await _token(username)}"})
        assert response.status_code == status, username


# --------------------------------------------------------------------------- concurrency


@pytest.mark.postgres_only
async def test_concurrent_issuances_never_share_a_number(govhall: Any) -> None:
    center = await make_center()
    case = await make_case(center)

    async def one() -> Document:
        async with in_transaction():
            return await issue_document(
                govhall, center=center, kind="acceptance_notice",
                context=await case_context(govhall, case, "acceptance_notice"), case=case,
            )

    docs = await asyncio.gather(*(asyncio.create_task(one()) for _ in range(20)))
    numbers = sorted(int(re.search(r"第(\d+)号", d.number).group(1)) for d in docs)
    assert numbers == list(range(1, 21))
    assert len({d.verify_code for d in docs}) == 20
    assert await Document.filter(center=center).count() == 20
