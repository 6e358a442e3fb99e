"""One set of item-file vectors (tests/data/item_file_vectors.json) for the server and the designer
(web/designer/item-files.js, run with node): a key given twice in one object is refused with the same
words, and an item document is written as the same text, in the item schema's order."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from core.plumbing import json_files
from core.services.item_definitions import item_file_text, item_schema

ROOT = Path(__file__).resolve().parent.parent
VECTORS_PATH = ROOT / "tests" / "data" / "item_file_vectors.json"
VECTORS = json.loads(VECTORS_PATH.read_text("utf-8"))


def server_problem(text: str) -> str | None:
    try:
        json_files.loads(text)
    except json_files.RepeatedKeyError as e:
        return str(e)
    return None


@pytest.mark.parametrize("vector", VECTORS["repeated"], ids=lambda v: v["text"][:30])
def test_server_gives_the_vector_problem(vector: dict) -> None:
    assert server_problem(vector["text"]) == vector["problem"]


def _keys_in_schema_order(keys: list[str]) -> bool:
    order = list(item_schema()["properties"])
    known = [k for k in keys if k in order]
    return known == sorted(known, key=order.index) and keys[: len(known)] == known


@pytest.mark.parametrize("doc", VECTORS["ordered"], ids=lambda d: d["code"])
def test_server_writes_an_item_file_in_the_schema_order(doc: dict) -> None:
    written = json_files.loads(item_file_text(doc))
    assert written == doc
    assert _keys_in_schema_order(list(written))  # unknown keys after the schema's
    form = written["form"]
    assert list(form["properties"])[: len(form["x-order"])] == form["x-order"]
    for field in form["properties"].values():
        if "x-order" in field:
            assert list(field["properties"]) == field["x-order"]


NODE_SCRIPT = """
import { repeatedKeyProblem, itemFileText, ITEM_KEY_ORDER } from "%s";
import { readFileSync } from "node:fs";
const { repeated, ordered } = JSON.parse(readFileSync(process.argv[1], "utf8"));
console.log(JSON.stringify({
  problems: repeated.map((v) => repeatedKeyProblem(v.text)),
  texts: ordered.map(itemFileText),
  order: ITEM_KEY_ORDER,
}));
"""


@pytest.fixture(scope="module")
def browser() -> dict:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = NODE_SCRIPT % (ROOT / "web" / "designer" / "item-files.js").as_uri()
    run = subprocess.run([node, "--input-type=module", "-e", script, str(VECTORS_PATH)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_the_designer_refuses_a_repeated_key_in_the_servers_words(browser: dict) -> None:
    wrong = [(v["text"], v["problem"], got) for v, got in zip(VECTORS["repeated"], browser["problems"]) if got != v["problem"]]
    assert wrong == []
    assert any(v["problem"] for v in VECTORS["repeated"]) and any(v["problem"] is None for v in VECTORS["repeated"])


def test_the_designer_writes_the_same_item_file_text_as_the_server(browser: dict) -> None:
    assert browser["order"] == list(item_schema()["properties"])  # the designer's list is the schema's
    assert browser["texts"] == [item_file_text(doc) for doc in VECTORS["ordered"]]
