"""The rules a center uses are what its enabled plugins' ``assessment_rules`` hooks return: a
center's own plugin replaces the bundled window rules; the first rule set of an id wins; the
center's settings may pick a set by id; a broken rule set is reported, not half-applied."""

from __future__ import annotations

import pytest

from core import hookimpl
from core.services.centers import set_plugin_enabled
from core.plumbing.models import Center
from tests.hall import build_hall

from .drive import WINDOW, AssessmentDriver, category, row_of

pytestmark = pytest.mark.anyio

OWN_RULES = {
    "id": "window-wengyuan", "subject": "window", "title": "翁源县窗口考核", "base": 100, "max": 100,
    "categories": [
        {"code": "service", "name": "服务", "points": 60,
         "measured": [{"source": "overdue_days", "deduct": 1, "text": "{label}超期{n}天，扣{points}分"}]},
        {"code": "order", "name": "秩序", "points": 40, "manual": [{"code": "noise", "label": "大声喧哗", "deduct": 1}]},
    ],
}


class WengyuanRules:
    """A county's own plugin: its window rules, and a copy of ``window-001`` it does not own."""

    def __init__(self) -> None:
        self.broken = False

    @hookimpl
    def assessment_rules(self, center: Center) -> list[dict]:
        own = {**OWN_RULES, "max": "很多"} if self.broken else OWN_RULES
        return [own, {"id": "window-001", "subject": "window", "title": "冒名", "base": 0, "max": 0, "categories": []}]


@pytest.fixture
def county(plugin_manager):
    plugin = WengyuanRules()
    plugin_manager.register(plugin, name="wengyuan")
    return plugin


@pytest.fixture
async def drive(county, app, govhall, gql):
    return AssessmentDriver(gql, await build_hall(govhall, gql, plugins=["assessment", "wengyuan"]))


async def test_a_center_plugin_supplies_its_own_rules(drive, county, govhall):
    ranking = (await drive.query("sup1", WINDOW, c="hall", p="2025-03"))["windowAssessment"]
    assert (ranking["ruleSet"], ranking["title"], ranking["max"]) == ("window-wengyuan", "翁源县窗口考核", 100)
    assert [c["code"] for c in ranking["rows"][0]["categories"]] == ["service", "order"]

    # the bundled window-001 comes last and loses to the county's set of the same id
    center = drive.hall.center
    center.settings = {**(center.settings or {}), "assessment": {"window": "window-001"}}
    await center.save(update_fields=["settings"])
    refused = await drive.refused("sup1", WINDOW, c="hall", p="2025-03")
    assert "考核规则“window-001”" in refused["message"] and "需要 base、max 和 categories" in refused["message"]

    # without the county's plugin the bundled rules of the approval center's rules apply
    await set_plugin_enabled(center, "wengyuan", False, govhall.hub.installed)
    ranking = (await drive.query("sup1", WINDOW, c="hall", p="2025-03"))["windowAssessment"]
    assert ranking["ruleSet"] == "window-001" and category(row_of(ranking, "A01"), "fees")["max"] == 15


async def test_a_broken_rule_set_is_reported(drive, county):
    county.broken = True
    refused = await drive.refused("sup1", WINDOW, c="hall", p="2025-03")
    assert refused["extensions"]["code"] == "BAD_USER_INPUT" and "window-wengyuan" in refused["message"]


def test_the_demo_centers_name_their_basis_once_and_in_whole_sentences():
    """The demo centers' 考核依据 name the part of Kunshan's 办法 they follow (第一部分 对窗口成员单位实行考核,
    第二部分 对窗口工作人员实行考核), not “…考核办法》一执行”; and a center file gives ``assessment`` once:
    a second one silently replaced the first, and Wushen's 进驻部门 rules lost their own name."""
    import json
    import re

    from core.services.demo import CENTERS_DIR

    def once(pairs: list[tuple[str, object]]) -> dict[str, object]:
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), keys
        return dict(pairs)

    bases = {path.stem: json.loads(path.read_text("utf-8"), object_pairs_hook=once)["settings"]
             .get("assessment", {}).get("basis", {}) for path in sorted(CENTERS_DIR.glob("*.json"))}
    for basis in (text for b in bases.values() for text in b.values()):
        assert not re.search(r"》[一二三]", basis), basis
    assert bases["lianzhou"]["window"] == "参照《昆山市行政审批服务中心窗口单位和工作人员考核办法》第一部分执行"
    assert bases["wushen"]["department"] == "《乌审旗政务服务中心服务企业专区进驻部门绩效考核管理办法》考核细则"
