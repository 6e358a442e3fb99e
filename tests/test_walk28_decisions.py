"""The deciding side's walk (审核人员, 首席代表) with input nobody had tried: reasons and opinions typed
over several lines (1. … 2. …) print as those lines on the decision, not run together into one."""

from __future__ import annotations

import subprocess
import tempfile

import pytest

from tests.test_decisions import accepted, document, drive, needs_pdftotext  # noqa: F401  (fixture)

pytestmark = pytest.mark.anyio


def pdf_lines(pdf: bytes) -> list[str]:
    """pdftotext's lines of a PDF, each without its surrounding spaces."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", f.name, "-"], capture_output=True, check=True)
    return [line.strip() for line in out.stdout.decode("utf-8").splitlines()]


@needs_pdftotext
async def test_a_refusal_reason_typed_over_several_lines_prints_those_lines(drive):  # noqa: F811
    reason = "经营场所不符合要求：\r\n1. 无独立排烟设施😀\n2. 位于居民住宅楼内"
    case = await drive.ok("rev-scjg", await accepted(drive), "refuse", comment=reason,
                          data={"basis": "《中华人民共和国食品安全法》第三十五条"})
    lines = pdf_lines(await drive.pdf_bytes("app1", document(case, "refusal_decision")["url"]))
    assert "1. 无独立排烟设施😀" in lines, lines
    assert "2. 位于居民住宅楼内。" in lines, lines


@needs_pdftotext
async def test_an_approval_opinion_typed_over_several_lines_prints_those_lines(drive):  # noqa: F811
    case = await drive.ok("rev-scjg", await accepted(drive), "approve", comment="经审查：\n1. 材料齐全\n2. 符合法定条件")
    lines = pdf_lines(await drive.pdf_bytes("app1", document(case, "approval_decision")["url"]))
    assert "1. 材料齐全" in lines and "2. 符合法定条件" in lines, lines
