"""PDF documents: every kind renders, reads back with poppler, stays safe with hostile text."""

from __future__ import annotations

import copy
import os
import re
import shutil
import socket
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import segno  # noqa: E402
from weasyprint import HTML  # noqa: E402
from weasyprint.urls import URLFetchingError, fetch  # noqa: E402

from core.services.documents import (  # noqa: E402
    ASSET_DIR,
    DOCUMENT_KINDS,
    AssetRefused,
    DocumentError,
    DocumentRenderer,
    cn_date,
    example_context,
)
from core.services.documents.render import AssetFetcher  # noqa: E402  (built on first use: WeasyPrint loads lazily)

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils (pdftotext, pdffonts) not installed",
)

HOSTILE_IMG = '<img src="file:///etc/passwd">'
HOSTILE_LINK = '<link rel=stylesheet href="http://127.0.0.1:9/x.css">'


# --------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def renderer() -> DocumentRenderer:
    return DocumentRenderer([])


def pdf_text(pdf: bytes, tmp_path: Path, name: str = "doc") -> str:
    """Text of the PDF as pdftotext reads it."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def squash(text: str) -> str:
    """Text without any whitespace: line breaks and letter-spacing gaps do not matter."""
    return re.sub(r"\s+", "", text)


def page_count(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "count.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


class RecordingFetcher(AssetFetcher):
    """The renderer's fetcher, recording every URL WeasyPrint asks for and what happened."""

    def __init__(self) -> None:
        super().__init__(ASSET_DIR)
        self.calls: list[tuple[str, str]] = []

    def fetch(self, url: str, headers: Any = None) -> Any:
        try:
            response = super().fetch(url, headers)
        except AssetRefused:
            self.calls.append((url, "refused"))
            raise
        self.calls.append((url, "served"))
        return response


def recording_renderer(template_dirs: list[Path] | None = None) -> tuple[DocumentRenderer, RecordingFetcher]:
    renderer = DocumentRenderer(template_dirs or [])
    recorder = RecordingFetcher()
    renderer.url_fetcher = recorder
    return renderer, recorder


def expected_strings(kind: str, ctx: dict[str, Any]) -> list[str]:
    """What the PDF of ``kind`` must show, taken from the context."""
    doc = ctx["document"]
    title = ctx["certificate"]["title"] if kind == "certificate" else DOCUMENT_KINDS[kind]
    issuer = doc.get("issuer", ctx["center"]["name"])
    out = [ctx["center"]["name"], title, doc["number"], issuer, cn_date(doc["issuedOn"]), doc["verifyCode"],
           doc["verifyUrl"], "扫码或访问", "核验真伪"]
    case = ctx["case"]
    if kind not in ("certificate", "register"):
        out += [case["applicantName"], case["itemName"], cn_date(case["acceptedAt"])]
    if kind in ("acceptance_notice", "promise_notice", "joint_notice"):
        out += [cn_date(case["promisedDue"]), cn_date(case["legalDue"]), case["number"], case["department"],
                case["window"], "个工作日", "查询方式：凭受理编号及证件号码后六位在本中心网站或大厅自助终端查询",
                doc["progressUrl"]]
    if kind == "acceptance_notice":
        out += ["申请材料齐全、符合法定形式，决定予以受理", case["agentName"]]
        out += [m["name"] for m in ctx["materials"]]
    if kind == "correction_notice":
        out += ["补正材料通知书", "一次性告知"]
        out += [m["name"] for m in ctx["missing"]] + [m["reason"] for m in ctx["missing"]]
    if kind in ("return_notice", "refusal_decision"):
        remedy = ctx["remedy"]
        out += [ctx["reason"], remedy["reconsideration"], remedy["court"], remedy["review"],
                "60日内", "申请行政复议", "6个月内", "提起行政诉讼"]
    if kind == "return_notice":
        out += ["决定不予受理"]
    if kind == "refusal_decision":
        out += ["决定不予行政许可", "第三十八条第二款", ctx["basis"]]
    if kind == "joint_notice":
        out += [case["leadDepartment"], "牵头", *case["departments"]]
    if kind == "extension_notice":
        out += [case["number"], ctx["extension"]["reason"], "办理期限延长10个工作日", "第四十二条",
                cn_date(case["promisedDue"]), cn_date(case["legalDue"])]
    if kind == "approval_decision":
        out += ["决定准予行政许可", ctx["decision"]["content"], cn_date(ctx["decision"]["validUntil"])]
    if kind == "certificate":
        out += ["发证机关"]
        for field in ctx["certificate"]["fields"]:
            out += [field["label"], field["value"]]
    if kind == "reply_notice":
        out += [ctx["reason"], ctx["guidance"], "答复如下"]
    if kind == "register":
        rows = ctx["register"]["rows"]
        out += [ctx["register"]["period"], f"共{len(rows)}件", "办件编号", "承诺办结"]
        out += [row["number"] for row in rows]
    return out


# --------------------------------------------------------------------------- every kind


def test_document_kinds_are_the_eleven_core_kinds() -> None:
    assert set(DOCUMENT_KINDS) == {
        "acceptance_notice", "correction_notice", "return_notice", "promise_notice", "joint_notice",
        "approval_decision", "refusal_decision", "certificate", "reply_notice", "register", "extension_notice",
    }
    for kind in DOCUMENT_KINDS:
        assert (ROOT / "core/services/documents/templates" / f"{kind}.html").is_file()


@pytest.mark.parametrize("kind", sorted(DOCUMENT_KINDS))
def test_every_kind_renders_and_reads_back(kind: str, renderer: DocumentRenderer, tmp_path: Path) -> None:
    ctx = example_context(kind)
    pdf = renderer.render_pdf(kind, ctx)
    assert pdf.startswith(b"%PDF-")
    text = squash(pdf_text(pdf, tmp_path))
    missing = [s for s in expected_strings(kind, ctx) if squash(s) not in text]
    assert not missing, f"{kind}: not in the PDF text: {missing}"
    pages = page_count(pdf, tmp_path)
    if kind == "register":
        assert pages >= 2  # 60 rows run over several pages
        assert "第1页/共" in text
        # The table header repeats on every page.
        assert text.count("受理时间") == pages
    else:
        assert pages == 1, f"{kind} runs over {pages} pages"


def test_pdf_embeds_the_cjk_font(renderer: DocumentRenderer, tmp_path: Path) -> None:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(renderer.render_pdf("acceptance_notice", example_context()))
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    cjk = [row for row in rows if "WenQuanYi" in row[0]]
    assert cjk, out
    # columns: name type... encoding emb sub uni object ID; emb is the 5th from the end
    assert all(row[-5] == "yes" for row in cjk), out
    assert all(row[-5] == "yes" for row in rows), f"every font must be embedded:\n{out}"


def test_one_page_notice_is_small(renderer: DocumentRenderer, tmp_path: Path) -> None:
    pdf = renderer.render_pdf("acceptance_notice", example_context())
    assert page_count(pdf, tmp_path) == 1
    assert len(pdf) < 100 * 1024, f"{len(pdf)} bytes"


def page_text(pdf: bytes, tmp_path: Path, page: int) -> str:
    path = tmp_path / "page.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"], capture_output=True, text=True, check=True)
    return squash(out.stdout)


def test_the_seal_never_stands_alone_on_a_page(renderer: DocumentRenderer, tmp_path: Path) -> None:
    """An acceptance notice with three materials received 电子件1份、原件1份 ran over two pages, the
    second holding only the seal and the date (a seal page must carry text of the document,
    GB/T 9704): the 收取情况 column wrapped each entry on two lines. Now it fits one page, and a list
    too long for one takes the last lines of the text over with the seal."""
    received = {"name": "公司章程修正案", "copies": "电子件1份、原件1份"}
    context = example_context("acceptance_notice")
    context["materials"] = [dict(received) for _ in range(4)]
    assert page_count(renderer.render_pdf("acceptance_notice", context), tmp_path) == 1
    for rows in (5, 7):
        context["materials"] = [dict(received) for _ in range(rows)]
        pdf = renderer.render_pdf("acceptance_notice", context)
        last = page_count(pdf, tmp_path)
        text = page_text(pdf, tmp_path, last).split("查询方式")[0]
        assert "2026年11月26日" in text and "地址" in text, (rows, text)


def test_dates_in_chinese_form() -> None:
    assert cn_date(date(2026, 11, 26)) == "2026年11月26日"
    assert cn_date(date(2026, 11, 26), upper=True) == "二〇二六年十一月二十六日"
    assert cn_date("2026-01-10", upper=True) == "二〇二六年一月十日"
    assert cn_date("2030-12-31", upper=True) == "二〇三〇年十二月三十一日"
    assert cn_date("2026-10-20", upper=True) == "二〇二六年十月二十日"
    # An aware datetime is shown in China time: 17:00 UTC is the next day in Beijing.
    assert cn_date(datetime(2026, 11, 25, 17, 0, tzinfo=timezone.utc)) == "2026年11月26日"
    assert cn_date("2026-11-25T17:00:00+00:00") == "2026年11月26日"
    assert cn_date(None) == ""


def test_provisional_deadline_is_marked(renderer: DocumentRenderer, tmp_path: Path) -> None:
    ctx = example_context("acceptance_notice")
    plain = squash(pdf_text(renderer.render_pdf("acceptance_notice", ctx), tmp_path, "plain"))
    assert "暂定" not in plain
    ctx["case"]["provisional"] = True
    ctx["case"]["legalDue"] = date(2027, 1, 6)
    marked = squash(pdf_text(renderer.render_pdf("acceptance_notice", ctx), tmp_path, "marked"))
    assert "暂定" in marked
    assert "法定节假日安排尚未公布" in marked
    assert "2027年1月6日" in marked


def test_the_seal_never_stands_alone_with_the_provisional_note(renderer: DocumentRenderer, tmp_path: Path) -> None:
    """Four materials and the 暂定 note push the signature past the first page: the last lines of the
    text (the contact line) go over with it, never a page with the seal and date only."""
    ctx = example_context("acceptance_notice")
    ctx["case"]["provisional"] = True
    ctx["case"]["legalDue"] = date(2027, 1, 6)
    ctx["materials"] = [{"name": f"申请材料第{i}项", "copies": "原件1份"} for i in range(1, 5)]
    pages = [p for p in pdf_text(renderer.render_pdf("acceptance_notice", ctx), tmp_path, "long").split("\f") if p.strip()]
    assert len(pages) == 2
    last = squash(pages[-1])
    assert "地址：" in last and "2026年11月26日" in last


def test_qr_code_encodes_the_verify_url(renderer: DocumentRenderer) -> None:
    ctx = example_context()
    ctx["document"]["verifyUrl"] = "https://zwfw.example.gov.cn/v/ZZ99"
    html = renderer.render_html("acceptance_notice", ctx)
    expected = segno.make("https://zwfw.example.gov.cn/v/ZZ99", error="m", micro=False)
    path_d = re.search(r'<path[^>]* d="([^"]+)"', expected.svg_inline(border=2, omitsize=True)).group(1)
    assert path_d in html
    other = segno.make("https://zwfw.example.gov.cn/v/OTHER", error="m", micro=False)
    assert re.search(r' d="([^"]+)"', other.svg_inline(border=2)).group(1) not in html
    # The seal is drawn inline: a red ring, no image file.
    assert 'class="seal-svg"' in html and 'stroke="#d7201b"' in html
    assert "<img" not in html


# --------------------------------------------------------------------------- safety


def test_hostile_text_is_printed_literally_and_nothing_is_fetched(tmp_path: Path) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.setblocking(False)
    port = listener.getsockname()[1]
    hostile_local = f'<link rel="stylesheet" href="http://127.0.0.1:{port}/y.css">'
    try:
        renderer, recorder = recording_renderer()
        ctx = example_context("acceptance_notice")
        ctx["case"]["applicantName"] = HOSTILE_IMG
        ctx["case"]["agentName"] = HOSTILE_LINK
        ctx["case"]["itemName"] = hostile_local
        ctx["center"]["address"] = "<style>@import url(file:///etc/hostname);</style>"
        html = renderer.render_html("acceptance_notice", ctx)
        assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
        assert HOSTILE_IMG not in html and HOSTILE_LINK not in html
        pdf = renderer.render_pdf("acceptance_notice", ctx)
        text = squash(pdf_text(pdf, tmp_path))
        assert squash(HOSTILE_IMG) in text
        assert squash(HOSTILE_LINK) in text
        assert squash(hostile_local) in text
        # Only the document's own stylesheet was asked for.
        assert recorder.calls == [((ASSET_DIR / "document.css").as_uri(), "served")]
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody connected
    finally:
        listener.close()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.css",
        "https://example.com/x.css",
        "ftp://example.com/x.css",
        "data:text/css,body{color:red}",
        "file://localhost/etc/passwd",
        "file://evil.example/" + str(ASSET_DIR / "document.css"),
        (ASSET_DIR / "document.css").as_uri() + "?x=1",
        ASSET_DIR.as_uri() + "/../render.py",
        ASSET_DIR.as_uri() + "/%2e%2e/render.py",
        ASSET_DIR.as_uri() + "/",
        ASSET_DIR.as_uri() + "/missing.css",
        "document.css",
        "/etc/passwd",
    ],
)
def test_fetcher_refuses_everything_outside_the_assets(url: str) -> None:
    fetcher = AssetFetcher()
    with pytest.raises(AssetRefused):
        fetcher.fetch(url)
    # WeasyPrint turns the refusal into an URLFetchingError, which it logs and skips.
    with pytest.raises(URLFetchingError):
        with fetch(fetcher, url):
            pass


def test_fetcher_refuses_a_symlink_out_of_the_assets(tmp_path: Path) -> None:
    secret = tmp_path / "secret.css"
    secret.write_text("body::before { content: 'LEAKED' }")
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "ok.css").write_text("p { color: black }")
    (assets / "link.css").symlink_to(secret)
    fetcher = AssetFetcher(assets)
    assert fetcher.fetch((assets / "ok.css").as_uri()).read() == b"p { color: black }"
    with pytest.raises(AssetRefused):
        fetcher.fetch((assets / "link.css").as_uri())


def test_fetcher_serves_the_stylesheet_as_css() -> None:
    response = AssetFetcher().fetch((ASSET_DIR / "document.css").as_uri())
    assert response.content_type == "text/css"
    assert b"WenQuanYi Micro Hei" in response.read()


def test_markup_a_plugin_lets_through_still_cannot_fetch(tmp_path: Path) -> None:
    """Even a template that marks applicant text safe cannot make WeasyPrint read a file."""
    outside = tmp_path / "outside.css"
    outside.write_text("body::before { content: 'LEAKED-MARKER' }")
    plugin = tmp_path / "plugin"
    plugin.mkdir()
    (plugin / "reply_notice.html").write_text(
        '{% extends "core/reply_notice.html" %}'
        "{% block body %}{{ super() }}<div>{{ case.applicantName|safe }}</div>{% endblock %}",
        encoding="utf-8",
    )
    renderer, recorder = recording_renderer([plugin])
    ctx = example_context("reply_notice")
    link = f'<link rel="stylesheet" href="{outside.as_uri()}">'
    ctx["case"]["applicantName"] = f'{link}<img src="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png">'
    html = renderer.render_html("reply_notice", ctx)
    assert link in html  # the plugin really let the markup through

    pdf = renderer.render_pdf("reply_notice", ctx)
    assert "LEAKED-MARKER" not in pdf_text(pdf, tmp_path)
    refused = {url for url, outcome in recorder.calls if outcome == "refused"}
    assert {outside.as_uri(), "file:///etc/passwd", "http://127.0.0.1:9/x.png"} <= refused
    served = [url for url, outcome in recorder.calls if outcome == "served"]
    assert served == [(ASSET_DIR / "document.css").as_uri()]

    # Control: WeasyPrint's default fetcher would have loaded the outside stylesheet.
    unsafe = HTML(string=f"<html><head>{link}</head><body><p>x</p></body></html>").write_pdf()
    assert "LEAKED-MARKER" in pdf_text(unsafe, tmp_path, "control")


# --------------------------------------------------------------------------- errors


def test_missing_field_names_template_and_field(renderer: DocumentRenderer) -> None:
    ctx = example_context("acceptance_notice")
    del ctx["case"]["applicantName"]
    with pytest.raises(DocumentError) as caught:
        renderer.render_pdf("acceptance_notice", ctx)
    err = caught.value
    assert err.template == "acceptance_notice.html"
    assert err.field == "case.applicantName"
    assert "acceptance_notice.html" in str(err) and "case.applicantName" in str(err)
    assert "缺少字段" in str(err) and "missing field" in str(err)
    assert err.location and err.location.startswith("_macros.html:")


def test_missing_field_path_inside_lists_and_top_level(renderer: DocumentRenderer) -> None:
    ctx = example_context("register")
    del ctx["register"]["rows"][3]["due"]
    with pytest.raises(DocumentError) as caught:
        renderer.render_html("register", ctx)
    assert (caught.value.template, caught.value.field) == ("register.html", "register.rows[3].due")

    ctx = example_context("correction_notice")
    del ctx["missing"]
    with pytest.raises(DocumentError) as caught:
        renderer.render_html("correction_notice", ctx)
    assert (caught.value.template, caught.value.field) == ("correction_notice.html", "missing")

    ctx = example_context("return_notice")
    del ctx["remedy"]["court"]
    with pytest.raises(DocumentError) as caught:
        renderer.render_html("return_notice", ctx)
    assert caught.value.field == "remedy.court"


def test_optional_fields_may_be_left_out(renderer: DocumentRenderer, tmp_path: Path) -> None:
    ctx = example_context("acceptance_notice")
    for key in ("agentName", "promisedDays", "legalDays"):
        del ctx["case"][key]
    del ctx["materials"]
    del ctx["center"]["phone"], ctx["center"]["address"]
    text = squash(pdf_text(renderer.render_pdf("acceptance_notice", ctx), tmp_path))
    assert "代办人" not in text and "已收取材料" not in text
    assert "受理通知书" in text


def test_unknown_kind_and_bad_values(renderer: DocumentRenderer) -> None:
    with pytest.raises(DocumentError) as caught:
        renderer.render_html("no_such_kind", example_context())
    assert caught.value.template == "no_such_kind.html"
    with pytest.raises(DocumentError):
        renderer.render_html("../../etc/passwd", example_context())
    ctx = example_context("reply_notice")
    ctx["case"]["acceptedAt"] = "not a date"
    with pytest.raises(DocumentError) as caught:
        renderer.render_html("reply_notice", ctx)
    assert "not a date" in str(caught.value)


def test_caller_context_is_not_modified(renderer: DocumentRenderer) -> None:
    ctx = example_context("certificate")
    before = copy.deepcopy(ctx)
    renderer.render_html("certificate", ctx)
    assert ctx == before


def test_the_issue_check_fills_each_shape_of_context_once(tmp_path: Path) -> None:
    """An issuing transaction's check fills a template once per shape of context: another case's
    notice of the same shape is not filled again, but a missing field, a value given as text
    instead of a date, an empty value, another list length, or a template changed on disk is."""
    plugin = tmp_path / "plugin"
    plugin.mkdir()
    template = plugin / "reply_notice.html"
    template.write_text('{% extends "base.html" %}{% block body %}<p>{{ case.applicantName }}</p>{% endblock %}')
    renderer = DocumentRenderer([plugin], auto_reload=True)
    filled: list[str] = []
    real = renderer.render_html

    def counting(kind: str, context: Any) -> str:
        filled.append(kind)
        return real(kind, context)

    renderer.render_html = counting  # type: ignore[method-assign]
    ctx = example_context("acceptance_notice")
    renderer.check("acceptance_notice", ctx)
    another = copy.deepcopy(ctx)
    another["case"]["applicantName"], another["document"]["number"] = "另一家公司", "测政服受〔2026〕第0099号"
    renderer.check("acceptance_notice", another)
    assert filled == ["acceptance_notice"]

    missing = copy.deepcopy(ctx)
    del missing["case"]["applicantName"]
    with pytest.raises(DocumentError) as caught:
        renderer.check("acceptance_notice", missing)
    assert caught.value.field == "case.applicantName"
    as_text = copy.deepcopy(ctx)
    as_text["case"]["acceptedAt"] = "not a date"
    with pytest.raises(DocumentError):
        renderer.check("acceptance_notice", as_text)
    emptied = copy.deepcopy(ctx)
    emptied["case"]["agentName"] = ""
    renderer.check("acceptance_notice", emptied)
    longer = copy.deepcopy(ctx)
    longer["materials"] = [*longer["materials"], longer["materials"][0]]
    renderer.check("acceptance_notice", longer)
    assert len(filled) == 5

    reply = example_context("reply_notice")
    renderer.check("reply_notice", reply)
    renderer.check("reply_notice", reply)
    assert len(filled) == 6
    template.write_text('{% extends "base.html" %}{% block body %}<p>{{ case.noSuchField }}</p>{% endblock %}')
    later = template.stat().st_mtime + 10
    os.utime(template, (later, later))
    with pytest.raises(DocumentError) as caught:
        renderer.check("reply_notice", reply)
    assert caught.value.field == "case.noSuchField"


# --------------------------------------------------------------------------- plugins


def test_plugin_template_overrides_a_kind_and_adds_one(tmp_path: Path) -> None:
    plugin = tmp_path / "kunshan"
    plugin.mkdir()
    (plugin / "acceptance_notice.html").write_text(
        '{% extends "base.html" %}{% block body %}'
        "<p>昆山市审批中心专用受理通知：{{ case.applicantName }}，你的{{ case.itemName }}申请已受理。</p>"
        "{% endblock %}",
        encoding="utf-8",
    )
    (plugin / "green_channel_form.html").write_text(
        '{% extends "base.html" %}{% block body %}<p>绿色通道项目：{{ project }}</p>{% endblock %}',
        encoding="utf-8",
    )
    renderer = DocumentRenderer([plugin])
    ctx = example_context("acceptance_notice")
    text = squash(pdf_text(renderer.render_pdf("acceptance_notice", ctx), tmp_path, "override"))
    assert "昆山市审批中心专用受理通知" in text
    assert "决定予以受理" not in text  # the core body is gone
    assert "受理通知书" in text and ctx["document"]["number"] in text  # the base layout stays

    # Other kinds still come from the core.
    core_text = squash(pdf_text(renderer.render_pdf("return_notice", example_context("return_notice")), tmp_path))
    assert "决定不予受理" in core_text

    # A new kind, titled by the caller.
    ctx = example_context("acceptance_notice")
    ctx["document"]["title"] = "绿色通道受理表"
    ctx["project"] = "年产十万吨新型建材项目"
    text = squash(pdf_text(renderer.render_pdf("green_channel_form", ctx), tmp_path, "new"))
    assert "绿色通道受理表" in text and "年产十万吨新型建材项目" in text
    assert renderer.kinds()["green_channel_form"] == "green_channel_form"

    # Without the plugin folder the core template is used.
    plain = DocumentRenderer([]).render_html("acceptance_notice", example_context())
    assert "决定予以受理" in plain


def test_document_error_for_broken_plugin_template(tmp_path: Path) -> None:
    plugin = tmp_path / "broken"
    plugin.mkdir()
    (plugin / "reply_notice.html").write_text('{% extends "base.html" %}{% block body %}{% if %}{% endblock %}')
    with pytest.raises(DocumentError) as caught:
        DocumentRenderer([plugin]).render_html("reply_notice", example_context("reply_notice"))
    assert caught.value.template == "reply_notice.html"
    assert "syntax" in str(caught.value)


def test_register_rows_in_china_time(renderer: DocumentRenderer) -> None:
    ctx = example_context("register")
    ctx["register"]["rows"] = [{
        "number": "LZ1", "item": "设立登记", "applicant": "张三",
        "acceptedAt": datetime(2026, 11, 25, 16, 30, tzinfo=timezone.utc),
        "due": date(2026, 12, 2), "state": "办理中", "finishedAt": None,
    }]
    html = renderer.render_html("register", ctx)
    assert "2026-11-26 00:30" in html
    assert "—" in html  # not finished yet


def test_example_contexts_cover_every_kind() -> None:
    for kind in DOCUMENT_KINDS:
        ctx = example_context(kind)
        assert ctx["document"]["kind"] == kind
        assert isinstance(ctx["document"]["issuedOn"], date)
    # Deadlines later than the issue date in every sample.
    case = example_context()["case"]
    assert case["promisedDue"] > case["acceptedAt"].date() and case["legalDue"] >= case["promisedDue"]
    assert case["acceptedAt"].utcoffset() == timedelta(hours=8)


def test_dict_lookups_find_what_jinjas_own_lookup_finds(renderer: DocumentRenderer) -> None:
    """The environment's faster ``a.b`` on plain dicts (render._Environment.getattr) answers as
    Jinja's own lookup does: the key, a dict's own attribute, or the same undefined (a missing key)."""
    from jinja2 import Environment, Undefined

    env = renderer.env
    context = {"name": "某中心", "items": [1], "keys": "a key named like a dict method"}
    for attribute in ("name", "items", "keys", "issuer", "get", "__class__", "sealLabel"):
        mine, jinjas = env.getattr(context, attribute), Environment.getattr(env, context, attribute)
        assert type(mine) is type(jinjas), attribute
        if isinstance(jinjas, Undefined):
            assert mine._undefined_obj is jinjas._undefined_obj and mine._undefined_name == jinjas._undefined_name
            assert mine._undefined_hint == jinjas._undefined_hint and mine._undefined_exception is jinjas._undefined_exception
        else:
            assert mine == jinjas, attribute


def test_materials_to_follow_whose_names_hold_a_comma_are_parted_by_semicolons(renderer: DocumentRenderer, tmp_path: Path) -> None:
    """先办理，后补齐: 清税证明、营业执照正、副本 read as three materials; with a name holding its own 、
    the list is parted by ；, otherwise by 、 as before."""
    context = example_context("acceptance_notice")
    context["materialsToFollow"] = ["清税证明", "营业执照正、副本"]
    text = "".join(pdf_text(renderer.render_pdf("acceptance_notice", context), tmp_path).split())
    assert "：清税证明；营业执照正、副本。" in text, text
    context["materialsToFollow"] = ["清税证明", "公司章程复印件"]
    text = "".join(pdf_text(renderer.render_pdf("acceptance_notice", context), tmp_path, "plain").split())
    assert "：清税证明、公司章程复印件。" in text, text


LONG_SCOPE = ("热食类食品制售、冷食类食品制售、生食类食品制售、糕点类食品制售（含裱花蛋糕）、"
              "自制饮品制售（不含自酿酒），连州市连州镇北山路18号首层东侧商铺及二层全部")


def _certificate(rows: int, long: int = 0, lines: int = 0) -> dict[str, Any]:
    """The sample certificate with ``rows`` 证照栏目, ``long`` of them three lines long and the last
    a table of ``lines`` rows (参建单位), and a licence number with its 有效期."""
    context = example_context("certificate")
    sample = context["certificate"]["fields"]
    fields = [{"label": f"{sample[i % len(sample)]['label']}{i // len(sample) or ''}", "value": sample[i % len(sample)]["value"]}
              for i in range(rows)]
    for field in fields[:long]:
        field["value"] = LONG_SCOPE
    if lines:
        fields[-1] = {"label": "参建单位", "value": "…",
                      "lines": [f"单位类别：施工单位，单位名称：连州市第{k + 1}建筑工程有限公司" for k in range(lines)]}
    context["certificate"]["fields"] = fields
    context["licence"] = {"number": "JY24418820012345", "validFrom": "2026-11-26", "validUntil": "2031-11-25"}
    return context


@pytest.mark.parametrize("shape", [(10,), (12, 2), (15,), (15, 4), (10, 2, 8), (15, 3, 5)])
def test_a_certificate_stays_one_page_with_its_seal(shape: tuple[int, ...], renderer: DocumentRenderer, tmp_path: Path) -> None:
    """A certificate of ten rows ran onto a second page holding only its 有效期 and the seal: a
    licence of two pages with the seal alone on the back. Up to 15 rows, some of them long, and a
    table one line per row, the rows take smaller type and the certificate stays one page."""
    context = _certificate(*shape)
    pdf = renderer.render_pdf("certificate", context)
    assert page_count(pdf, tmp_path) == 1, shape
    text = page_text(pdf, tmp_path, 1)
    last = context["certificate"]["fields"][-1]
    assert squash(last["lines"][-1] if "lines" in last else last["value"]) in text
    for printed in ("自2026年11月26日至2031年11月25日", "发证机关", "连州市市场监督管理局", "2026年11月26日"):
        assert printed in text, printed


@pytest.mark.parametrize("shape", [(15, 0, 45)])
def test_rows_that_fit_no_page_take_their_last_rows_over_with_the_seal(shape: tuple[int, ...], renderer: DocumentRenderer,
                                                                        tmp_path: Path) -> None:
    """Dozens of rows run over, in the tightest type; the seal goes over with the last rows."""
    context = _certificate(*shape)
    pdf = renderer.render_pdf("certificate", context)
    pages = page_count(pdf, tmp_path)
    assert pages >= 2
    text = page_text(pdf, tmp_path, pages).split("核验码")[0]
    last = context["certificate"]["fields"][-1]
    assert squash(last["lines"][-1] if "lines" in last else last["value"]) in text
    assert "JY24418820012345" in text and "自2026年11月26日至2031年11月25日" in text and "发证机关" in text
    assert all("发证机关" not in page_text(pdf, tmp_path, page) for page in range(1, pages))


def test_an_answer_typed_on_several_lines_keeps_them_on_the_certificate(renderer: DocumentRenderer, tmp_path: Path) -> None:
    """经营范围 typed as 一般项目：… and 许可项目：… on two lines printed as one run of text."""
    context = _certificate(8)
    context["certificate"]["fields"][6]["value"] = "一般项目：日用百货销售；办公用品销售。\n许可项目：食品经营；烟草制品零售。"
    lines = [line.strip() for line in pdf_text(renderer.render_pdf("certificate", context), tmp_path).splitlines()]
    assert "一般项目：日用百货销售；办公用品销售。" in lines and "许可项目：食品经营；烟草制品零售。" in lines, lines


def test_a_long_issuer_keeps_one_line_under_a_register(renderer: DocumentRenderer, tmp_path: Path) -> None:
    """The 办件登记簿 of 连州市人民政府行政服务分中心（企业服务中心） printed 制表单位 over two lines,
    broken inside 中心 (…分中 / 心（企业服务中心）): the signature block was 80 mm wide whatever the
    issuer. It is now as wide as the issuer needs."""
    issuer = "连州市人民政府行政服务分中心（企业服务中心）"
    ctx = example_context("register")
    ctx["register"]["rows"] = ctx["register"]["rows"][:3]
    ctx["center"]["name"] = ctx["document"]["issuer"] = issuer
    lines = [line.strip() for line in pdf_text(renderer.render_pdf("register", ctx), tmp_path).splitlines()]
    assert f"制表单位：{issuer}" in lines, [line for line in lines if "制表" in line or "心（" in line]
