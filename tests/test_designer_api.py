"""The GraphQL the item designer uses: publishing refused while an item has no window,
material list or checklist; the change list in words; discarding a draft; drafts listed; test data
checked against a draft's form with the same messages as a submitted case."""

from __future__ import annotations

import copy

import pytest

from tests.hall import CaseDriver, build_hall
from tests.test_items import DEFINE, NEW_ITEM, PUBLISH

pytestmark = pytest.mark.anyio

CHANGES = """query($c: String!, $i: String!) { itemDraftChanges(center: $c, code: $i) { path change description } }"""
DISCARD = """mutation($c: String!, $i: String!) { discardItemDraft(center: $c, code: $i) {
  __typename ... on DiscardedDraft { code item { version } } ... on UserErrors { errors { path code message } } } }"""
VALIDATE = """query($c: String!, $d: JSON, $i: String, $data: JSON!) {
  validateCaseData(center: $c, definition: $d, item: $i, data: $data) { path code message } }"""


@pytest.fixture
async def drive(app, govhall, gql):
    return CaseDriver(gql, await build_hall(govhall, gql))


async def test_publish_is_refused_while_window_materials_or_checklist_are_missing(drive, gql):
    token = drive.hall.tokens["config1"]
    bare = copy.deepcopy(NEW_ITEM)
    del bare["place"], bare["checklist"]
    bare["materials"] = []
    assert (await gql(DEFINE, {"c": "hall", "d": bare}, token=token))["defineItem"]["__typename"] == "Item"  # a draft may lack them
    refused = (await gql(PUBLISH, {"c": "hall", "code": bare["code"]}, token=token))["publishItem"]
    assert {(e["code"], e["path"]) for e in refused["errors"]} == {
        ("no_window", "/place"), ("no_materials", "/materials"), ("no_checklist", "/checklist")}
    assert all("不能发布" in e["message"] for e in refused["errors"])
    assert (await gql('{ item(center: "hall", code: "night-market-stall") { code } }'))["item"] is None
    fixed = copy.deepcopy(NEW_ITEM)
    assert (await gql(DEFINE, {"c": "hall", "d": fixed, "u": True}, token=token))["defineItem"]["__typename"] == "Item"
    assert (await gql(PUBLISH, {"c": "hall", "code": fixed["code"]}, token=token))["publishItem"]["version"] == 1


async def test_change_list_in_words_and_discarding_a_draft(drive, gql):
    token = drive.hall.tokens["config1"]
    await gql(DEFINE, {"c": "hall", "d": NEW_ITEM}, token=token)
    await gql(PUBLISH, {"c": "hall", "code": NEW_ITEM["code"]}, token=token)
    v2 = copy.deepcopy(NEW_ITEM)
    form = v2["form"]
    form["properties"]["healthCertificate"] = {"type": "string", "title": "健康证编号", "minLength": 4}
    form["required"].append("healthCertificate")
    form["required"].remove("mobile")
    form["properties"]["stallArea"]["maximum"] = 30
    form["properties"]["stallOwner"]["title"] = "摊主"
    v2["promisedDays"] = 3
    v2["materials"].append({"code": "m2", "name": "健康证明", "issuer": "医疗机构", "originals": 0, "copies": 1,
                            "required": True, "role": "secondary"})
    await gql(DEFINE, {"c": "hall", "d": v2, "u": True}, token=token)
    changes = (await gql(CHANGES, {"c": "hall", "i": NEW_ITEM["code"]}, token=token))["itemDraftChanges"]
    words = [c["description"] for c in changes]
    assert "新增必填字段“健康证编号”" in words
    assert "字段“手机号码”改为选填" in words
    assert "字段“摊位面积（平方米）”的最大值由 20 改为 30" in words
    assert "字段“摊主姓名”改名为“摊主”" in words
    assert "“承诺办结时限（工作日）”由 2 改为 3" in words
    assert "新增材料“健康证明”" in words
    assert {"path": "/form/properties/healthCertificate", "change": "added", "description": "新增必填字段“健康证编号”"} in changes
    drafts = (await gql('{ itemDrafts(center: "hall") { code version } }', token=token))["itemDrafts"]
    assert drafts == [{"code": "night-market-stall", "version": None}]

    discarded = (await gql(DISCARD, {"c": "hall", "i": NEW_ITEM["code"]}, token=token))["discardItemDraft"]
    assert discarded == {"__typename": "DiscardedDraft", "code": "night-market-stall", "item": {"version": 1}}
    assert (await gql(CHANGES, {"c": "hall", "i": NEW_ITEM["code"]}, token=token))["itemDraftChanges"] == []
    assert (await gql('{ itemDrafts(center: "hall") { code } }', token=token))["itemDrafts"] == []
    again = (await gql(DISCARD, {"c": "hall", "i": NEW_ITEM["code"]}, token=token))["discardItemDraft"]
    assert again["errors"][0]["code"] == "unchanged"

    # a draft never published is removed altogether
    fresh = {**copy.deepcopy(NEW_ITEM), "code": "never-published"}
    await gql(DEFINE, {"c": "hall", "d": fresh}, token=token)
    gone = (await gql(DISCARD, {"c": "hall", "i": "never-published"}, token=token))["discardItemDraft"]
    assert gone == {"__typename": "DiscardedDraft", "code": "never-published", "item": None}
    assert (await gql(DEFINE, {"c": "hall", "d": fresh}, token=token))["defineItem"]["__typename"] == "Item"
    refused = (await gql(DISCARD, {"c": "hall", "i": "never-published"}, token=drive.hall.tokens["clerk1"]))["discardItemDraft"]
    assert refused["errors"][0]["code"] == "forbidden"


async def test_validate_test_data_against_a_draft_form_or_a_published_item(drive, gql):
    token = drive.hall.tokens["config1"]
    bad = {"stallOwner": "李四", "ownerId": "11010519491231002X", "mobile": "1380013800"}
    errors = (await gql(VALIDATE, {"c": "hall", "d": NEW_ITEM, "data": bad}, token=token))["validateCaseData"]
    assert errors == [{"path": "/mobile", "code": "format.mobile-cn", "message": "“手机号码”应为以1开头的11位数字"}]
    form_only = (await gql(VALIDATE, {"c": "hall", "d": NEW_ITEM["form"], "data": {}}, token=token))["validateCaseData"]
    assert [e["path"] for e in form_only] == ["/mobile", "/ownerId", "/stallOwner"]
    broken = {"type": "object", "properties": {"x": {"type": "string", "format": "nonsense"}}}
    problems = (await gql(VALIDATE, {"c": "hall", "d": broken, "data": {}}, token=token))["validateCaseData"]
    assert problems[0]["code"] == "form.unknown_format"
    # a published item: the same errors as submitting a case, for anyone
    published = (await gql(VALIDATE, {"c": "hall", "i": "test-permit", "data": {"uscc": "91310115591693856B"}}))["validateCaseData"]
    submitted = await drive.submit("app1", data={"uscc": "91310115591693856B"})
    assert published == submitted["errors"]
    # a draft's form is only checked for configurators
    denied = await gql.raw(VALIDATE, {"c": "hall", "d": NEW_ITEM, "data": {}}, drive.hall.tokens["app1"])
    assert denied["errors"] and not denied.get("data")


async def test_constraints_no_answer_can_meet_are_refused_before_saving(drive, gql):
    """A field whose minimum is above its maximum (or an empty choice list, or a table without a
    column) would refuse or stump every applicant: the draft is refused at the field, in words, and
    nothing is stored."""
    token = drive.hall.tokens["config1"]
    bad = copy.deepcopy(NEW_ITEM)
    props = bad["form"]["properties"]
    props["stallArea"].update(minimum=100, maximum=10)
    props["stallOwner"]["maxLength"] = 1
    props["goods"] = {"type": "array", "title": "经营品种", "minItems": 3, "maxItems": 2, "items": {"type": "string"}}
    props["market"] = {"type": "string", "title": "所在市场", "enum": []}
    props["fee"] = {"type": "number", "title": "摊位费", "exclusiveMinimum": 5, "maximum": 5}
    props["helpers"] = {"type": "array", "title": "帮工信息", "items": {"type": "object", "properties": {}}}  # 表格 with no column
    refused = (await gql(DEFINE, {"c": "hall", "d": bad}, token=token))["defineItem"]
    assert {(e["code"], e["path"]) for e in refused["errors"]} == {
        ("form.impossible_bounds", "/form/properties/stallArea/minimum"),
        ("form.impossible_bounds", "/form/properties/stallOwner/minLength"),
        ("form.impossible_bounds", "/form/properties/goods/minItems"),
        ("form.empty_enum", "/form/properties/market/enum"),
        ("form.impossible_bounds", "/form/properties/fee/exclusiveMinimum"),
        ("form.empty_table", "/form/properties/helpers/items"),
    }
    messages = {e["path"]: e["message"] for e in refused["errors"]}
    assert messages["/form/properties/stallArea/minimum"] == "“摊位面积（平方米）”的最小值（100）大于最大值（10），任何填写都无法通过，请修改"
    assert "可选项为空" in messages["/form/properties/market/enum"]
    assert (await gql(PUBLISH, {"c": "hall", "code": bad["code"]}, token=token))["publishItem"]["__typename"] == "UserErrors"
    props["stallArea"].update(minimum=10, maximum=10)  # one possible value is a constraint, not a contradiction
    for name in ("goods", "market", "fee", "helpers"):
        del props[name]
    del props["stallOwner"]["maxLength"]
    assert (await gql(DEFINE, {"c": "hall", "d": bad}, token=token))["defineItem"]["__typename"] == "Item"


async def test_publish_is_refused_while_a_field_has_no_name(drive, gql):
    """A field whose name (title) was cleared may stay in a draft, but is not published: the
    applicant would see the bare key ("text2") above the box and in every message."""
    token = drive.hall.tokens["config1"]
    doc = copy.deepcopy(NEW_ITEM)
    props = doc["form"]["properties"]
    props["stallOwner"]["title"] = "  "
    props["helpers"] = {"type": "array", "title": "帮工", "items": {
        "type": "object", "properties": {"name": {"type": "string", "title": "姓名"}, "age": {"type": "integer"}}}}
    assert (await gql(DEFINE, {"c": "hall", "d": doc}, token=token))["defineItem"]["__typename"] == "Item"
    refused = (await gql(PUBLISH, {"c": "hall", "code": doc["code"]}, token=token))["publishItem"]
    assert {(e["code"], e["path"], e["message"]) for e in refused["errors"]} == {  # PostgreSQL's JSONB keeps no key order
        ("untitled_field", "/form/properties/stallOwner/title", "字段“stallOwner”尚未填写名称，申请人不知道该填什么，不能发布"),
        ("untitled_field", "/form/properties/helpers/items/properties/age/title", "字段“age”尚未填写名称，申请人不知道该填什么，不能发布"),
    }
    assert (await gql('{ item(center: "hall", code: "night-market-stall") { code } }'))["item"] is None
    props["stallOwner"]["title"] = "摊主姓名"
    props["helpers"]["items"]["properties"]["age"]["title"] = "年龄"
    await gql(DEFINE, {"c": "hall", "d": doc, "u": True}, token=token)
    assert (await gql(PUBLISH, {"c": "hall", "code": doc["code"]}, token=token))["publishItem"]["version"] == 1


async def test_field_keys_the_designer_refuses_are_refused_when_sent_as_json(drive, gql):
    """The designer allows a key (the field's name in the case data) of English letters, digits and
    _, starting with a letter; a definition sent as JSON gets the same rule, at the field, in words."""
    token = drive.hall.tokens["config1"]
    bad = copy.deepcopy(NEW_ITEM)
    props = bad["form"]["properties"]
    props["摊位编号"] = {"type": "string", "title": "摊位编号"}
    props["2nd"] = {"type": "string", "title": "备用电话"}
    props["helpers"] = {"type": "array", "title": "帮工", "items": {
        "type": "object", "properties": {"姓名": {"type": "string", "title": "姓名"}}}}
    refused = (await gql(DEFINE, {"c": "hall", "d": bad}, token=token))["defineItem"]
    assert {(e["code"], e["path"]) for e in refused["errors"]} == {
        ("form.invalid_key", "/form/properties/摊位编号"),
        ("form.invalid_key", "/form/properties/2nd"),
        ("form.invalid_key", "/form/properties/helpers/items/properties/姓名"),
    }
    messages = {e["path"]: e["message"] for e in refused["errors"]}
    assert messages["/form/properties/摊位编号"] == "字段标识“摊位编号”无效：应以英文字母开头，由英文字母、数字和 _ 组成，至多64个字符"
    assert (await gql('{ itemDrafts(center: "hall") { code } }', token=token))["itemDrafts"] == []
    del props["摊位编号"], props["2nd"]
    props["helpers"]["items"]["properties"] = {"name_1": {"type": "string", "title": "姓名"}}
    assert (await gql(DEFINE, {"c": "hall", "d": bad}, token=token))["defineItem"]["__typename"] == "Item"


async def test_a_form_has_at_most_200_fields(drive, gql):
    """FORM_MAX_FIELDS (docs/security.md): nested fields count too; the draft is refused, not stored."""
    from core.services.form_validation import FORM_MAX_FIELDS

    assert FORM_MAX_FIELDS == 200
    token = drive.hall.tokens["config1"]
    doc = copy.deepcopy(NEW_ITEM)
    props = doc["form"]["properties"]
    room = FORM_MAX_FIELDS - len(props) - 2  # the table below is a field and declares one more
    props.update({f"extra{i}": {"type": "string", "title": f"备注{i}"} for i in range(room)})
    props["rows"] = {"type": "array", "title": "明细", "items": {"type": "object", "properties": {"x": {"type": "string", "title": "项目"}}}}
    saved = (await gql(DEFINE, {"c": "hall", "d": doc}, token=token))["defineItem"]
    assert saved["__typename"] == "Item", saved
    props["rows"]["items"]["properties"]["y"] = {"type": "string", "title": "金额"}
    refused = (await gql(DEFINE, {"c": "hall", "d": doc, "u": True}, token=token))["defineItem"]
    assert [(e["code"], e["path"], e["message"]) for e in refused["errors"]] == [
        ("form.too_many_fields", "/form", "表单的字段过多（201个）：一张表单最多200个字段，请精简或拆分事项")]
    saved = (await gql('{ itemDrafts(center: "hall") { code } }', token=token))["itemDrafts"]
    assert saved == [{"code": NEW_ITEM["code"]}]


async def test_the_processes_to_choose_from_are_the_ones_the_server_knows(drive, gql, govhall):
    """The designer's 办理流程 is a choice among the registered processes (core's and the plugins')."""
    listed = (await gql("{ processes { id name description } }"))["processes"]
    assert [p["id"] for p in listed] == list(govhall.processes.processes)
    (standard,) = [p for p in listed if p["id"] == "standard"]
    assert standard["name"].startswith("标准办件流程") and standard["description"]


async def test_an_empty_code_is_required_and_a_taken_one_is_told_with_the_other_problems(drive, gql):
    token = drive.hall.tokens["config1"]
    empty = {**copy.deepcopy(NEW_ITEM), "code": ""}
    errors = (await gql(DEFINE, {"c": "hall", "d": empty}, token=token))["defineItem"]["errors"]
    (code,) = [e for e in errors if e["path"] == "/code"]
    assert code["message"] == "请填写“事项编码”", code  # not 格式不正确
    assert (await gql(DEFINE, {"c": "hall", "d": NEW_ITEM}, token=token))["defineItem"]["__typename"] == "Item"
    again = {**copy.deepcopy(NEW_ITEM), "name": "", "promisedDays": 99}
    errors = (await gql(DEFINE, {"c": "hall", "d": again}, token=token))["defineItem"]["errors"]
    assert errors[0]["code"] == "duplicate" and NEW_ITEM["code"] in errors[0]["message"], errors
    assert {"/name", "/promisedDays"} <= {e["path"] for e in errors[1:]}, errors


async def test_the_applicant_field_and_a_file_fields_material_must_exist(drive, gql):
    """Documents print the applicant from the field ``applicantField`` names: a pointer to no field
    would print the account's name instead (张三, not the 个体工商户). A file field is answered by the
    files of its material: bound to a material the list lost, nobody could answer it. Both are
    refused at the field, in words; named right, the documents' applicant is the chosen field."""
    token = drive.hall.tokens["config1"]
    doc = copy.deepcopy(NEW_ITEM)
    doc["applicantField"] = "/stallName"
    props = doc["form"]["properties"]
    props["stall"] = {"type": "object", "title": "摊位", "properties": {
        "photo": {"type": "string", "title": "摊位照片", "x-widget": "file", "x-material": "m2"}}}
    refused = (await gql(DEFINE, {"c": "hall", "d": doc}, token=token))["defineItem"]
    assert {(e["code"], e["path"], e["message"]) for e in refused["errors"]} == {
        ("unknown_pointer", "/applicantField", "文书上的申请人取自“/stallName”，但表单中没有这个字段"),
        ("unknown_material", "/form/properties/stall/properties/photo/x-material",
         "字段“摊位照片”对应的申请材料“m2”不在申请材料中，申请人无法上传，请重新选择"),
    }
    assert (await gql('{ itemDrafts(center: "hall") { code } }', token=token))["itemDrafts"] == []
    doc["applicantField"] = "/stallOwner"
    props["stall"]["properties"]["photo"]["x-material"] = "m1"
    assert (await gql(DEFINE, {"c": "hall", "d": doc}, token=token))["defineItem"]["__typename"] == "Item"
    assert (await gql(PUBLISH, {"c": "hall", "code": doc["code"]}, token=token))["publishItem"]["version"] == 1
    data = {"stallOwner": "王五", "ownerId": "11010519491231002X", "mobile": "13800138000", "stallArea": 6}
    case = await drive.submit("app1", item=doc["code"], data=data)
    shown = await gql("query($id: ID!) { case(id: $id) { applicantName } }", {"id": case["id"]}, token=drive.hall.tokens["app1"])
    assert shown["case"]["applicantName"] == "王五"


async def test_a_default_the_field_refuses_and_a_read_only_required_field_without_one_are_refused(drive, gql):
    """A default outside the field's own options or limits fills every applicant's form with an
    answer that is then refused; a required field the applicant may not change, without a default,
    can never be filled. Both are refused at the field when the draft is saved, nothing stored."""
    token = drive.hall.tokens["config1"]
    doc = copy.deepcopy(NEW_ITEM)
    props = doc["form"]["properties"]
    props["market"] = {"type": "string", "title": "所在市场", "enum": ["东门夜市", "北湖夜市"], "default": "西街夜市"}
    props["stallArea"]["default"] = 50
    props["district"] = {"type": "string", "title": "所属街道", "readOnly": True}
    doc["form"]["required"].append("district")
    refused = (await gql(DEFINE, {"c": "hall", "d": doc}, token=token))["defineItem"]
    assert {(e["code"], e["path"], e["message"]) for e in refused["errors"]} == {
        ("form.bad_default", "/form/properties/market/default", "“所在市场”的默认值“西街夜市”不在可选项中，请重新选择默认值"),
        ("form.bad_default", "/form/properties/stallArea/default", "“摊位面积（平方米）”的默认值（50）大于最大值（20），请修改"),
        ("form.read_only_required", "/form/properties/district/readOnly",
         "“所属街道”是必填的只读字段，却没有默认值：申请人无法填写，请填写默认值或取消只读"),
    }
    assert (await gql('{ itemDrafts(center: "hall") { code } }', token=token))["itemDrafts"] == []
    props["market"]["default"] = "北湖夜市"
    props["stallArea"]["default"] = 20
    props["district"]["default"] = "连州镇"
    assert (await gql(DEFINE, {"c": "hall", "d": doc}, token=token))["defineItem"]["__typename"] == "Item"
