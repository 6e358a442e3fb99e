"""A machine without a Chinese font prints no notice with empty boxes: fontconfig is asked which
installed fonts cover Chinese; without one a render fails, saying what to install, and is retried
(the number kept) until a font is there; `govhall serve` says so when it starts. The rare characters
of names (生僻字, CJK Extension A to F), which the Hei font lacks, are drawn by HanaMin
(fonts-hanazono), not printed as empty boxes."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from typing import Any

import pytest
from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from core.plumbing.models import Document
from core.services.documents import DocumentRenderer, example_context, fonts, rendering
from core.services.documents.fonts import RARE_SAMPLE, NoChineseFont, chinese_font_families, rare_characters_missing
from tests.cli import ROOT, serving
from tests.hall import GOOD_DATA, CaseDriver, build_hall
from tests.helpers import pdf_text
from tests.test_document_rendering import accepted, documents, make_due

pytestmark = pytest.mark.anyio

NO_FONTS = '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig></fontconfig>\n'


@pytest.fixture
def without_fonts(tmp_path) -> dict[str, str]:
    """The environment of a process whose fontconfig knows no font at all."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(NO_FONTS)
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


@pytest.fixture
def hei_only(tmp_path) -> dict[str, str]:
    """The environment of a process whose fontconfig knows only the Hei font ./dev installs."""
    hei = subprocess.run(["fc-match", "-f", "%{file}", "WenQuanYi Micro Hei"], capture_output=True, text=True, check=True).stdout
    assert "wqy" in hei.lower(), hei
    conf = tmp_path / "fonts.conf"
    conf.write_text(NO_FONTS.replace("<fontconfig>", f"<fontconfig><dir>{os.path.dirname(hei)}</dir>"))
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def test_fontconfig_names_the_chinese_fonts_installed(without_fonts):
    assert "WenQuanYi Micro Hei" in chinese_font_families()  # what ./dev installs
    asked = "from core.services.documents.fonts import chinese_font_families as f; print(f())"
    bare = subprocess.run([sys.executable, "-c", asked], env=without_fonts, cwd=ROOT, capture_output=True, text=True, check=True)
    assert bare.stdout.strip() == "[]"


@pytest.fixture
async def drive(app, govhall, gql):
    return CaseDriver(gql, await build_hall(govhall, gql))


async def notice_tried_without_font(drive: CaseDriver, govhall: Any, monkeypatch: Any) -> tuple[dict, dict, Document]:
    """A case accepted, its acceptance notice tried once on a machine without a Chinese font."""
    def none_here() -> None:
        raise NoChineseFont()

    monkeypatch.setattr(fonts, "require_chinese_font", none_here)
    case, notice = await accepted(drive)
    row = await Document.get(public_id=notice["id"])
    await rendering.claim(document_id=row.id)
    assert await rendering.render_claimed(govhall, row.id) == "pending"  # retried later, the number kept
    return case, notice, row


async def test_without_a_chinese_font_a_notice_waits_and_says_what_to_install(drive, govhall, monkeypatch):
    _, _, row = await notice_tried_without_font(drive, govhall, monkeypatch)
    waiting = await Document.get(id=row.id)
    assert not waiting.content and waiting.state == "pending" and waiting.number == row.number
    assert "服务器未安装中文字体" in waiting.last_error and "fonts-wqy-microhei" in waiting.last_error

    monkeypatch.undo()  # a font installed: the next round prints it
    await make_due(row.id)
    assert (await rendering.render_due(govhall)).rendered >= 1
    ready = await Document.get(id=row.id)
    assert ready.state == "ready" and "受理通知书" in pdf_text(ready.content)


def test_serve_says_at_start_that_documents_cannot_be_printed(tmp_path, without_fonts):
    log = tmp_path / "serve.log"
    with serving(f"sqlite://{tmp_path / 'fonts.sqlite3'}", env=without_fonts, output=log):  # it serves all the same
        deadline = time.monotonic() + 60
        while "服务器未安装中文字体" not in log.read_text("utf-8"):  # the render worker asks fontconfig once started
            assert time.monotonic() < deadline, log.read_text("utf-8")[-2000:]
            time.sleep(0.2)
    assert "apt-get install fonts-wqy-microhei" in log.read_text("utf-8")
    assert "生僻字" not in log.read_text("utf-8")  # one thing to install at a time


def test_fontconfig_says_which_rare_characters_no_font_draws(hei_only):
    assert rare_characters_missing() == ""  # ./dev installs fonts-hanazono
    asked = "from core.services.documents.fonts import rare_characters_missing as r; print(r().encode().hex())"
    bare = subprocess.run([sys.executable, "-c", asked], env=hei_only, cwd=ROOT, capture_output=True, text=True, check=True)
    assert bytes.fromhex(bare.stdout.strip()).decode() == RARE_SAMPLE


def test_serve_warns_at_start_that_rare_characters_would_print_as_boxes(tmp_path, hei_only):
    log = tmp_path / "serve.log"
    with serving(f"sqlite://{tmp_path / 'rare.sqlite3'}", env=hei_only, output=log):
        deadline = time.monotonic() + 60
        while "服务器未安装生僻字字体" not in log.read_text("utf-8"):
            assert time.monotonic() < deadline, log.read_text("utf-8")[-2000:]
            time.sleep(0.2)
    assert "apt-get install fonts-hanazono" in log.read_text("utf-8")
    assert "服务器未安装中文字体" not in log.read_text("utf-8")


PROBLEMS = "query($id: ID!) { case(id: $id) { documents { kind status problem } } }"


async def test_the_centers_staff_read_why_a_notice_waits_the_applicant_does_not(drive, govhall, monkeypatch):
    case, notice, row = await notice_tried_without_font(drive, govhall, monkeypatch)

    def problem(user: str) -> Any:
        async def ask() -> Any:
            docs = (await drive.query(user, PROBLEMS, id=case["id"]))["case"]["documents"]
            return next(d for d in docs if d["kind"] == "acceptance_notice")
        return ask()

    seen = await problem("clerk1")
    assert seen["status"] == "pending" and seen["problem"].startswith("服务器未安装中文字体")  # no exception class name
    assert (await problem("app1"))["problem"] is None
    alone = await drive.query("clerk1", "query($id: ID!) { document(id: $id) { problem } }", id=notice["id"])
    assert alone["document"]["problem"] == seen["problem"]

    monkeypatch.undo()
    await make_due(row.id)
    await rendering.render_due(govhall)
    assert (await problem("clerk1")) == {"kind": "acceptance_notice", "status": "ready", "problem": None}


async def test_an_app_stopped_while_it_asks_for_fonts_ends_the_child_itself(settings, monkeypatch):
    """The font check runs in a child process: an app stopped before it answers (a test's, a
    worker's at shutdown) kills and reaps it, instead of leaving it to a finalizer that runs after
    the event loop has closed ("Event loop is closed")."""
    import asyncio
    import dataclasses

    from core.faces.app import create_app
    from core.services.documents import worker

    started: list[Any] = []
    real = asyncio.create_subprocess_exec

    async def slow_child(*args: Any, **kwargs: Any) -> Any:
        child = await real(sys.executable, "-c", "import time; time.sleep(30)", **kwargs)
        started.append(child)
        return child

    monkeypatch.setattr(worker.asyncio, "create_subprocess_exec", slow_child)
    app = create_app(dataclasses.replace(settings, render_seconds=5))
    async with app.router.lifespan_context(app):
        for _ in range(200):
            if started:
                break
            await asyncio.sleep(0.05)
    (child,) = started
    assert child.returncode is not None  # killed and reaped before the app's lifespan ended


# --------------------------------------------------------------------------- rare characters

RARE = "𠮷䶮𡒄𬱖"  # Ext B (𠮷野家), Ext A, Ext B, Ext E: none of them is in WenQuanYi Micro Hei


def _fonts_drawn(resources: Any) -> Any:
    """The composite fonts of a page's resources and of the forms (SVG, the seal) it draws."""
    resources = resources.get_object() if resources else {}
    for font in (resources.get("/Font") or {}).values():
        yield font.get_object()
    for form in (resources.get("/XObject") or {}).values():
        yield from _fonts_drawn(form.get_object().get("/Resources"))


def glyphs_drawn(pdf: bytes, characters: str) -> dict[str, list[tuple[str, bool]]]:
    """Each character's glyphs as the PDF draws them: (font, whether that embedded font's own
    character map gives the glyph drawn to this character and the glyph has an outline). A
    character no font has is still in the text layer (pdftotext reads it back), drawn with a glyph
    id beyond the embedded font's glyphs, which a viewer shows as .notdef: an empty box."""
    found: dict[str, list[tuple[str, bool]]] = {ch: [] for ch in characters}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in _fonts_drawn(page.get("/Resources")):
            if font.get("/Subtype") != "/Type0" or "/ToUnicode" not in font:
                continue
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            cids = {int(cid, 16): bytes.fromhex(text).decode("utf-16-be")
                    for cid, text in re.findall(r"<([0-9a-fA-F]+)> <([0-9a-fA-F]+)>", cmap)}
            wanted = {cid: text for cid, text in cids.items() if text in found}
            if not wanted:
                continue
            cid_font = font["/DescendantFonts"][0].get_object()
            assert cid_font.get("/CIDToGIDMap", "/Identity") == "/Identity"  # what WeasyPrint writes
            descriptor = cid_font["/FontDescriptor"].get_object()
            program = (descriptor.get("/FontFile2") or descriptor["/FontFile3"]).get_object().get_data()
            embedded = TTFont(io.BytesIO(program))
            glyph_names, own_map, outlines = embedded.getGlyphOrder(), embedded.getBestCmap(), embedded.getGlyphSet()
            for gid, text in wanted.items():
                name = glyph_names[gid] if gid < len(glyph_names) else None
                pen = RecordingPen()
                if name is not None:
                    outlines[name].draw(pen)
                real = gid != 0 and name is not None and own_map.get(ord(text)) == name and bool(pen.value)
                found[text].append((str(font["/BaseFont"]), real))
    return found


def assert_drawn(pdf: bytes, characters: str = RARE) -> dict[str, list[tuple[str, bool]]]:
    drawn = glyphs_drawn(pdf, characters)
    boxes = {ch: fonts for ch, fonts in drawn.items() if not fonts or not all(real for _, real in fonts)}
    assert not boxes, f"printed as empty boxes (install fonts-hanazono): {boxes}"
    return drawn


async def test_an_applicant_whose_name_holds_rare_characters_gets_them_printed(drive):
    name = f"{RARE[0]}野家{RARE[1]}{RARE[2]}{RARE[3]}餐饮有限公司"
    case = await drive.ok("clerk1", await drive.submit("app1", data={**GOOD_DATA, "companyName": name}), "accept")
    (notice,) = [d for d in await documents(drive, case) if d["kind"] == "acceptance_notice"]
    pdf = await drive.pdf_bytes("clerk1", notice["url"])
    assert name in pdf_text(pdf)  # the text layer has them either way
    drawn = assert_drawn(pdf)
    assert all("HanaMin" in font for fonts in drawn.values() for font, _ in fonts)
    assert all("WenQuanYi" in font for fonts in glyphs_drawn(pdf, "野家餐饮").values() for font, _ in fonts)  # ordinary text unchanged


def test_a_seal_and_a_certificate_holder_with_rare_characters_are_printed() -> None:
    context = example_context("certificate")
    context["document"]["seal"] = {"name": f"{RARE[3]}州市市场监督管理局", "label": "", "caption": ""}  # only the seal (SVG text) has 𬱖
    context["certificate"]["holder"] = f"{RARE[0]}野家{RARE[1]}{RARE[2]}餐饮有限公司"
    assert_drawn(DocumentRenderer([]).render_pdf("certificate", context))
