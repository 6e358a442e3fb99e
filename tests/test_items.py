"""Items defined over GraphQL by a configurator, versioned, with actionable validation."""

from __future__ import annotations

import copy

import pytest

from tests.hall import CaseDriver, build_hall

pytestmark = pytest.mark.anyio

# An item no file in the repository mentions.
NEW_ITEM = {
    "code": "night-market-stall",
    "name": "夜市临时摊位登记",
    "itemType": "公共服务",
    "department": "scjg",
    "legalDays": 5,
    "promisedDays": 2,
    "caseKind": "promised",
    "materials": [{"code": "m1", "name": "摊位登记表", "issuer": "申请人", "originals": 1, "copies": 0, "required": True, "role": "main"}],
    "checklist": [{"code": "c1", "text": "摊位位置在夜市规划范围内"}],
    "place": "政务服务中心一楼3号窗口",
    "process": "standard",
    "documents": ["acceptance_notice", "approval_decision"],
    "form": {
        "type": "object",
        "x-order": ["stallOwner", "ownerId", "mobile", "stallArea"],
        "required": ["stallOwner", "ownerId", "mobile"],
        "properties": {
            "stallOwner": {"type": "string", "title": "摊主姓名", "minLength": 2},
            "ownerId": {"type": "string", "title": "摊主身份证号", "format": "resident-id"},
            "mobile": {"type": "string", "title": "手机号码", "format": "mobile-cn"},
            "stallArea": {"type": "number", "title": "摊位面积（平方米）", "minimum": 1, "maximum": 20},
        },
    },
}

DEFINE = """mutation($c: String!, $d: JSON!, $u: Boolean) { defineItem(center: $c, definition: $d, update: $u) {
  __typename ... on Item { code name version } ... on UserErrors { errors { path code message } } } }"""
ITEMS = "query($s: String) { items(center: \"hall\", search: $s) { code } }"
PUBLISH = """mutation($c: String!, $code: String!) { publishItem(center: $c, code: $code) {
  __typename ... on Item { code version form } ... on UserErrors { errors { path code message } } } }"""


@pytest.fixture
async def drive(app, govhall, gql):
    return CaseDriver(gql, await build_hall(govhall, gql))


async def test_configurator_defines_publishes_and_versions_an_item(drive, gql):
    token = drive.hall.tokens["config1"]
    draft = (await gql(DEFINE, {"c": "hall", "d": NEW_ITEM}, token=token))["defineItem"]
    assert draft == {"__typename": "Item", "code": "night-market-stall", "name": "夜市临时摊位登记", "version": None}
    # not public until published
    assert (await gql('{ item(center: "hall", code: "night-market-stall") { code } }'))["item"] is None
    v1 = (await gql(PUBLISH, {"c": "hall", "code": "night-market-stall"}, token=token))["publishItem"]
    assert v1["version"] == 1
    listed = await gql('{ items(center: "hall", search: "夜市") { code name version kind legalDays promisedDays department elements form } }')
    (item,) = listed["items"]
    assert item["promisedDays"] == 2 and item["elements"]["checklist"][0]["code"] == "c1"
    assert item["form"]["properties"]["ownerId"]["format"] == "resident-id"

    bad = await drive.submit("app1", item="night-market-stall", data={"stallOwner": "李", "ownerId": "110105194912310021", "mobile": "1380013800", "stallArea": 50})
    errors = {e["path"]: e for e in bad["errors"]}
    assert set(errors) == {"/stallOwner", "/ownerId", "/mobile", "/stallArea"}
    assert errors["/ownerId"]["code"] == "format.resident-id" and "摊主身份证号" in errors["/ownerId"]["message"]
    assert "手机号码" in errors["/mobile"]["message"]
    good = {"stallOwner": "李四", "ownerId": "11010519491231002X", "mobile": "13800138000", "stallArea": 6}
    first = await drive.submit("app1", item="night-market-stall", data=good)
    assert first["item"]["version"] == 1

    v2_doc = copy.deepcopy(NEW_ITEM)
    v2_doc["form"]["properties"]["healthCertificate"] = {"type": "string", "title": "健康证编号", "minLength": 4}
    v2_doc["form"]["required"].append("healthCertificate")
    assert (await gql(DEFINE, {"c": "hall", "d": v2_doc}, token=token))["defineItem"]["errors"][0]["code"] == "duplicate"
    assert (await gql(DEFINE, {"c": "hall", "d": v2_doc, "u": True}, token=token))["defineItem"]["__typename"] == "Item"
    changes = (await gql('{ itemDraftChanges(center: "hall", code: "night-market-stall") { path change } }', token=token))["itemDraftChanges"]
    assert {"path": "/form/properties/healthCertificate", "change": "added"} in changes
    v2 = (await gql(PUBLISH, {"c": "hall", "code": "night-market-stall"}, token=token))["publishItem"]
    assert v2["version"] == 2 and "healthCertificate" in v2["form"]["required"]
    again = (await gql(PUBLISH, {"c": "hall", "code": "night-market-stall"}, token=token))["publishItem"]
    assert again["errors"][0]["code"] == "unchanged"

    # a new case needs the new field; the first case still shows and validates under version 1
    missing = await drive.submit("app1", item="night-market-stall", data=good)
    assert [e["path"] for e in missing["errors"]] == ["/healthCertificate"]
    old = await drive.get("app1", first)
    assert old["item"]["version"] == 1
    v1_again = await gql('{ item(center: "hall", code: "night-market-stall", version: 1) { version form } }')
    assert "healthCertificate" not in v1_again["item"]["form"]["properties"]
    case = await drive.ok("clerk1", first, "request_materials", data={"missing": [{"name": "摊位登记表", "paper": True}]})
    case = await drive.ok("app1", case, "supply", data={"stallArea": 8})  # valid under v1 without the v2 field
    assert case["state"] == "supplied" and case["item"]["version"] == 1
    case = await drive.ok("clerk1", case, "accept")  # the front desk accepts it under version 1 too
    assert case["state"] == "under_review" and case["item"]["version"] == 1


async def test_bad_definitions_list_every_problem_and_store_nothing(drive, gql):
    token = drive.hall.tokens["config1"]
    broken = copy.deepcopy(NEW_ITEM)
    broken["code"] = "broken-item"
    broken["legalDays"] = -1
    broken["process"] = "no-such-process"
    broken["documents"] = ["acceptance_notice", "no_such_document"]
    broken["department"] = "nowhere"
    broken["partNames"] = {"gaj": "印章刻制"}  # a part of a department that does not take part
    broken["form"]["properties"]["stallArea"]["minimum"] = "one"
    del broken["name"]
    result = (await gql(DEFINE, {"c": "hall", "d": broken}, token=token))["defineItem"]
    codes = {e["code"] for e in result["errors"]}
    paths = {e["path"] for e in result["errors"]}
    assert {"/name", "/legalDays"} <= paths
    assert any(p.startswith("/form/properties/stallArea") for p in paths)
    assert "unknown_process" in codes and "unknown_document" in codes and "unknown_department" in codes
    assert "/partNames/gaj" in paths
    assert all(e["message"] for e in result["errors"])
    assert (await gql(PUBLISH, {"c": "hall", "code": "broken-item"}, token=token))["publishItem"]["errors"][0]["code"] == "unknown_item"


async def test_keywords_are_trimmed_and_bad_ones_refused_at_their_path(drive, gql):
    """关键词 (俗称) are short words, each once (ＡＢ and ab are the same to the search), at most 20;
    the spaces typed around them are not kept."""
    token = drive.hall.tokens["config1"]
    doc = {**copy.deepcopy(NEW_ITEM), "keywords": ["\u3000摆摊 ", "摆摊", "摊" * 21, " ", "ＡＢ", "ab"]}
    errors = (await gql(DEFINE, {"c": "hall", "d": doc}, token=token))["defineItem"]["errors"]
    assert [(e["path"], e["code"], e["message"]) for e in errors] == [
        ("/keywords/1", "duplicate_keyword", "“关键词”第2项“摆摊”与第1项重复"),
        ("/keywords/2", "maxLength", "“关键词”第3项不能超过20个字符（现有21个）"),
        ("/keywords/3", "minLength", "请填写“关键词”第4项"),
        ("/keywords/5", "duplicate_keyword", "“关键词”第6项“ab”与第5项重复"),
    ]
    doc["keywords"] = [f"摆摊{i}" for i in range(21)]
    errors = (await gql(DEFINE, {"c": "hall", "d": doc}, token=token))["defineItem"]["errors"]
    assert [(e["path"], e["message"]) for e in errors] == [("/keywords", "“关键词”最多填写20项")]
    doc["keywords"] = "摆摊"
    errors = (await gql(DEFINE, {"c": "hall", "d": doc}, token=token))["defineItem"]["errors"]
    assert [(e["path"], e["message"]) for e in errors] == [("/keywords", "“关键词”应为列表")]
    assert (await gql('{ itemDraft(center: "hall", code: "night-market-stall") { code } }', token=token))["itemDraft"] is None
    doc["keywords"] = [" 摆摊\u3000", "夜市经营许可"]
    assert (await gql(DEFINE, {"c": "hall", "d": doc}, token=token))["defineItem"]["__typename"] == "Item"
    await gql(PUBLISH, {"c": "hall", "code": "night-market-stall"}, token=token)
    item = (await gql('{ item(center: "hall", code: "night-market-stall") { elements } }'))["item"]
    assert item["elements"]["keywords"] == ["摆摊", "夜市经营许可"]


async def test_the_item_search_finds_keywords_after_names(drive, gql):
    """开饭店 finds 食品经营许可: the hall's search reads the item's keywords too, and lists the items
    whose name or code has the words before those found only by a keyword."""
    token = drive.hall.tokens["config1"]
    doc = {**copy.deepcopy(NEW_ITEM), "keywords": ["摆摊", "夜市经营许可"]}
    await gql(DEFINE, {"c": "hall", "d": doc}, token=token)
    await gql(PUBLISH, {"c": "hall", "code": "night-market-stall"}, token=token)

    async def found(typed: str) -> list[str]:
        return [i["code"] for i in (await gql(ITEMS, {"s": typed}))["items"]]

    for typed in ("摆摊", "摆摊怎么办理", "夜市 摆摊"):  # a keyword, with the words people add, with a word of the name
        assert await found(typed) == ["night-market-stall"], typed
    # the name's match first, though night-market-stall comes first by code
    assert await found("经营许可") == ["test-permit", "night-market-stall"]
    assert await found("摆摊夜市") == []  # never across two keywords


async def test_only_configurators_define_items(drive, gql):
    result = (await gql(DEFINE, {"c": "hall", "d": NEW_ITEM}, token=drive.hall.tokens["clerk1"]))["defineItem"]
    assert result["errors"][0]["code"] == "forbidden"


async def test_oversized_definition_and_case_data_are_refused(drive, gql):
    huge = copy.deepcopy(NEW_ITEM)
    huge["code"] = "huge"
    huge["faq"] = [{"question": "问" * 100, "answer": "答" * 2000} for _ in range(200)]
    result = (await gql(DEFINE, {"c": "hall", "d": huge}, token=drive.hall.tokens["config1"]))["defineItem"]
    assert result["errors"][0]["code"] == "too_large" and "1 MB" in result["errors"][0]["message"].replace("1MB", "1 MB")
    big_data = {"companyName": "连州测试" * 40000, "uscc": "91310115591693856A", "contactMobile": "13800138000"}
    result = await drive.submit("app1", data=big_data)
    assert result["errors"][0]["code"] == "too_large"


def test_a_kept_check_answers_only_the_same_document_in_the_same_context():
    """validate_item_document keeps its last answers: the same text and known sets give them back,
    any change of the document or of what the center knows is checked anew."""
    from core.services.item_definitions import validate_item_document

    doc = copy.deepcopy(NEW_ITEM)
    known = {"known_processes": {"standard"}, "departments": {"scjg"}}
    assert validate_item_document(doc, **known) == []
    moved = validate_item_document(doc, known_processes={"standard"}, departments={"zjj"})
    assert [e.path for e in moved] == ["/department"], "a center without the department"
    assert validate_item_document(doc, **known) == []
    doc["promisedDays"] = 9  # longer than the legal time limit, in the very dict checked before
    assert "/promisedDays" in [e.path for e in validate_item_document(doc, **known)]
    found = validate_item_document(doc, **known)
    found.clear()  # the caller's list: the kept answer stays whole
    assert "/promisedDays" in [e.path for e in validate_item_document(doc, **known)]
