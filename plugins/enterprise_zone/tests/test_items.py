"""The bundle item documents are valid for both demo enterprise-zone centers, and the plugin ships them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.services.item_definitions import load_item_files, validate_item_document
from plugins.enterprise_zone import FORMS

DEMO_CENTERS = Path(__file__).resolve().parents[3] / "core" / "services" / "demo" / "centers"


def departments(center: str) -> set[str]:
    doc = json.loads((DEMO_CENTERS / f"{center}.json").read_text("utf-8"))
    return {d["code"] for d in doc["departments"]}


@pytest.mark.anyio
async def test_the_plugin_ships_both_bundles(govhall):
    (folder,) = [p for group in govhall.hub.hook.register_item_dirs() for p in group if Path(p) == FORMS]
    codes = sorted(doc["code"] for _, doc in load_item_files(folder))
    assert codes == ["qykb-yjs", "qyzx-yjs"]
    for _, doc in load_item_files(folder):
        errors = validate_item_document(doc, known_processes=set(govhall.processes.processes),
                                        known_documents=set(govhall.renderer.kinds()))
        assert errors == [], (doc["code"], errors)


@pytest.mark.parametrize("center", ["lianzhou", "wushen"])
def test_their_departments_exist_in_the_demo_centers(center):
    for _, doc in load_item_files(FORMS):
        assert validate_item_document(doc, known_processes={"standard"}, departments=departments(center)) == []


def test_the_bundles_are_joint_items_led_by_the_combined_window():
    docs = {doc["code"]: doc for _, doc in load_item_files(FORMS)}
    opening, closing = docs["qykb-yjs"], docs["qyzx-yjs"]
    assert opening["department"] == closing["department"] == "scjg"
    assert opening["jointDepartments"] == ["gaj", "swj", "rsj", "gjj"]
    assert closing["jointDepartments"] == ["swj", "rsj", "gjj"]
    assert opening["promisedDays"] == 1 and opening["process"] == closing["process"] == "standard"
    assert {m["role"] for m in opening["materials"]} == {"main", "secondary"}
    form = opening["form"]["properties"]
    assert form["seals"]["properties"]["types"]["items"]["enum"][0] == "单位专用章（公章）"
    assert form["legalRepresentative"]["properties"]["idNumber"]["format"] == "resident-id"
    assert closing["form"]["properties"]["cancellationType"]["enum"] == ["简易注销", "普通注销"]
