"""A configurator told that an item has no main material reads it in the designer's words.

The designer offers 主件/辅件 and never shows the document's ``role: main``; the message said
“（role: main）”. It now says which choice to make, in Chinese only.
"""

from __future__ import annotations

import re

from core.services.item_definitions import validate_item_document
from tests.test_item_documents import load


def test_the_missing_main_material_is_said_in_the_designers_words() -> None:
    doc = load("gaj-yzkzba")
    for m in doc["materials"]:
        m["role"] = "secondary"
    [problem] = [p for p in validate_item_document(doc) if p.code == "no_main_material"]
    assert "主件" in problem.message and "“主件”" in problem.message
    assert not re.search(r"[A-Za-z]", problem.message), problem.message
