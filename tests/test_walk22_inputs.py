"""A new user's walk: the statistics period checked alike by the query and the export; an item's
time limits told once; names typed with spaces around them (full-width too) stored without them."""

from __future__ import annotations

import copy

import pytest

from core.plumbing.models import Department, Item, Window
from tests.hall import CaseDriver, build_hall
from tests.test_items import DEFINE, NEW_ITEM
from tests.test_org import DEPARTMENT, WINDOW

pytestmark = pytest.mark.anyio

STATISTICS = "query($f: Date!, $t: Date!) { statistics(center: \"hall\", from: $f, to: $t) { accepted } }"


@pytest.fixture
async def drive(app, govhall, gql):
    return CaseDriver(gql, await build_hall(govhall, gql))


async def _both(drive, start: str, end: str) -> tuple[dict, dict]:
    token = drive.hall.tokens["sup1"]
    answer = await drive.gql.raw(STATISTICS, {"f": start, "t": end}, token=token)
    response = await drive.gql.http.get(
        "/exports/statistics", params={"center": "hall", "from": start, "to": end, "format": "csv"},
        headers={"Authorization": f"Bearer {token}"})
    return answer, response


async def test_the_statistics_query_and_its_export_refuse_the_same_periods_with_the_same_words(drive):
    for start, end in (("0001-01-01", "9999-12-31"), ("2016-01-01", "2026-01-31"), ("2026-12-31", "2026-01-01")):
        answer, response = await _both(drive, start, end)
        (error,) = answer["errors"]
        assert answer.get("data") is None or answer["data"].get("statistics") is None
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert response.status_code == 400
        (refused,) = response.json()["errors"]
        assert refused["code"] == "range" and refused["message"] == error["message"]
    assert "不能超过十年" in (await _both(drive, "0001-01-01", "9999-12-31"))[1].json()["errors"][0]["message"]
    # ten years exactly are answered by both
    answer, response = await _both(drive, "2016-01-01", "2025-12-31")
    assert answer["data"]["statistics"] == {"accepted": 0} and response.status_code == 200


async def test_a_time_limit_already_refused_is_not_compared_with_the_other(drive, gql):
    token = drive.hall.tokens["config1"]
    result = (await gql(DEFINE, {"c": "hall", "d": {**NEW_ITEM, "legalDays": -1, "promisedDays": 0}}, token=token))["defineItem"]
    assert [(e["path"], e["code"]) for e in result["errors"]] == [("/legalDays", "minimum")]
    result = (await gql(DEFINE, {"c": "hall", "d": {**NEW_ITEM, "legalDays": 5, "promisedDays": 400}}, token=token))["defineItem"]
    assert [(e["path"], e["code"]) for e in result["errors"]] == [("/promisedDays", "maximum")]
    result = (await gql(DEFINE, {"c": "hall", "d": {**NEW_ITEM, "legalDays": 3, "promisedDays": 4}}, token=token))["defineItem"]
    assert [(e["path"], e["code"]) for e in result["errors"]] == [("/promisedDays", "promised_exceeds_legal")]


async def test_names_typed_with_spaces_around_them_are_stored_without_them(drive, gql):
    token = drive.hall.tokens["config1"]
    doc = copy.deepcopy(NEW_ITEM)
    doc["name"] = "\u3000 夜市临时摊位登记\u3000\t"
    doc["materials"][0]["name"] = " 摊位登记表\u3000"
    doc["timeLimitNote"] = "  自由文本照原样保存  "
    defined = (await gql(DEFINE, {"c": "hall", "d": doc}, token=token))["defineItem"]
    assert defined["name"] == "夜市临时摊位登记"
    draft = (await Item.get(center_id=drive.hall.center.id, code=doc["code"])).draft
    assert draft["name"] == "夜市临时摊位登记" and draft["materials"][0]["name"] == "摊位登记表"
    assert draft["timeLimitNote"] == "  自由文本照原样保存  "
    # a name of spaces only is a name too short, as 中心管理's are
    blank = (await gql(DEFINE, {"c": "hall", "d": {**NEW_ITEM, "code": "blank", "name": "\u3000\u3000 "}, "u": False}, token=token))["defineItem"]
    assert [(e["path"], e["code"]) for e in blank["errors"]] == [("/name", "minLength")]
    # departments and windows on 中心管理 likewise
    dept = {"c": "hall", "code": "swj", "n": "\u3000商务局 ", "a": None, "s": None, "new": True}
    assert (await gql(DEPARTMENT, dept, token=token))["saveDepartment"]["name"] == "商务局"
    window = {"c": "hall", "code": "W9", "n": " 商务窗口\u3000", "k": "special", "d": "swj", "s": None, "new": True}
    assert (await gql(WINDOW, window, token=token))["saveWindow"]["name"] == "商务窗口"
    assert (await Department.get(center_id=drive.hall.center.id, code="swj")).name == "商务局"
    assert (await Window.get(center_id=drive.hall.center.id, code="W9")).name == "商务窗口"
