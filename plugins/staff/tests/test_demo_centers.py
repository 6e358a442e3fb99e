"""The demo centers whose seeds describe staff rules enable the plugin: 连州 (the enterprise service sub-center's rules: the minimum
term of two years) and 昆山 (the approval center's rules: 刷卡考勤, leave routing, bonus thresholds); their files pass
the center document's checks with the plugin's settings."""

from __future__ import annotations

import json

import pytest

from core.services.centers import check_center_document
from core.services.demo import CENTERS_DIR

pytestmark = pytest.mark.anyio


async def test_lianzhou_and_kunshan_enable_the_staff_plugin(govhall):
    docs = {path.stem: json.loads(path.read_text("utf-8")) for path in CENTERS_DIR.glob("*.json")}
    assert "staff" in docs["lianzhou"]["plugins"] and "staff" in docs["kunshan"]["plugins"]
    assert docs["lianzhou"]["settings"]["staff"]["minTermMonths"] == 24
    for name, doc in docs.items():
        assert check_center_document(doc, govhall.hub.installed) == [], name
    bad = {**docs["lianzhou"], "settings": {"staff": {"minTermMonths": "两年"}}}
    assert check_center_document(bad, govhall.hub.installed)
