"""A machine without a Chinese font prints no notice with empty boxes: fontconfig is asked which
installed fonts cover Chinese; without one a render fails, saying what to install, and is retried
(the number kept) until a font is there; `govhall serve` says so when it starts."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

import pytest

from core.plumbing.models import Document
from core.services.documents import fonts, rendering
from core.services.documents.fonts import NoChineseFont, chinese_font_families
from tests.cli import ROOT, serving
from tests.hall import CaseDriver, build_hall
from tests.helpers import pdf_text
from tests.test_document_rendering import accepted, make_due

pytestmark = pytest.mark.anyio

NO_FONTS = '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig></fontconfig>\n'


@pytest.fixture
def without_fonts(tmp_path) -> dict[str, str]:
    """The environment of a process whose fontconfig knows no font at all."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(NO_FONTS)
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
