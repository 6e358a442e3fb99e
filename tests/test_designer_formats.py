"""One set of format vectors (tests/data/format_vectors.json) for the server's checks (core/services/formats.py)
and the browser's (web/formats.js, run with node): same verdicts, same words."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from jsonschema.exceptions import FormatError

from core.services.formats import FORMAT_CHECKER, reason_for

ROOT = Path(__file__).resolve().parent.parent
VECTORS = json.loads((ROOT / "tests" / "data" / "format_vectors.json").read_text("utf-8"))["vectors"]


def server_reason(fmt: str, value: object) -> str | None:
    try:
        FORMAT_CHECKER.check(value, fmt)
    except FormatError as e:
        return reason_for(fmt, e.cause)
    return None


def test_the_vectors_cover_every_format_the_browser_checks() -> None:
    formats = {v["format"] for v in VECTORS}
    assert {"uscc", "resident-id", "mobile-cn", "phone-cn", "postcode-cn", "money", "year-month", "date", "email"} <= formats
    assert all(any(v["reason"] is None for v in VECTORS if v["format"] == f) for f in formats)
    assert all(any(v["reason"] for v in VECTORS if v["format"] == f) for f in formats)


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: f"{v['format']}:{v['value']}")
def test_server_gives_the_vector_reason(vector: dict) -> None:
    assert server_reason(vector["format"], vector["value"]) == vector["reason"]


NODE_SCRIPT = """
import { formatReason, formatMessage, CHECKED_FORMATS } from "%s";
import { readFileSync } from "node:fs";
const { vectors } = JSON.parse(readFileSync(process.argv[1], "utf8"));
const out = vectors.map((v) => ({ ...v, got: formatReason(v.format, v.value) }));
console.log(JSON.stringify({ out, formats: CHECKED_FORMATS, message: formatMessage("“统一社会信用代码”", "uscc", "91310115591693856B") }));
"""


def test_browser_gives_the_same_reasons() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = NODE_SCRIPT % (ROOT / "web" / "formats.js").as_uri()
    run = subprocess.run(
        [node, "--input-type=module", "-e", script, str(ROOT / "tests" / "data" / "format_vectors.json")],
        capture_output=True, text=True, timeout=60,
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    wrong = [(v["format"], v["value"], v["reason"], v["got"]) for v in result["out"] if v["got"] != v["reason"]]
    assert wrong == []
    assert {v["format"] for v in VECTORS} <= set(result["formats"])
    assert result["message"] == "“统一社会信用代码”校验位错误"
