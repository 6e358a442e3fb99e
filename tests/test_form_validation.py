"""Case data against an item's form: every error at once, with pointer, code and the field's label."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from core.services import form_validation
from core.plumbing.errors import UserErrorsException
from core.services.form_validation import (
    CASE_DATA_MAX_BYTES,
    ITEM_MAX_BYTES,
    FormValidator,
    check_form_schema,
    check_size,
    schema_at,
    validator_for,
)

FORM: dict[str, Any] = {
    "type": "object",
    "x-order": ["enterpriseName", "uscc", "capital", "companyType", "phone", "legalRep", "shareholders",
                "agree", "hasAgent", "agentName"],
    "required": ["enterpriseName", "uscc", "capital", "companyType", "legalRep", "shareholders", "agree"],
    "additionalProperties": False,
    "properties": {
        "enterpriseName": {"type": "string", "title": "企业名称", "minLength": 1, "maxLength": 20, "x-widget": "text"},
        "uscc": {"type": "string", "title": "统一社会信用代码", "format": "uscc"},
        "capital": {"type": "number", "title": "注册资本（万元）", "minimum": 0, "format": "money",
                    "x-widget": "money"},
        "companyType": {"type": "string", "title": "公司类型", "enum": ["有限责任公司", "股份有限公司"],
                        "x-widget": "select"},
        "phone": {"type": "string", "title": "联系电话", "format": "phone-cn"},
        "legalRep": {
            "type": "object", "title": "法定代表人", "required": ["name", "idNumber"],
            "properties": {"name": {"type": "string", "title": "姓名"},
                           "idNumber": {"type": "string", "title": "身份证号码", "format": "resident-id"}},
        },
        "shareholders": {
            "type": "array", "title": "股东", "minItems": 1, "x-widget": "table",
            "items": {
                "type": "object", "required": ["name", "idNumber"], "additionalProperties": False,
                "properties": {"name": {"type": "string", "title": "姓名", "minLength": 1},
                               "idNumber": {"type": "string", "title": "证件号码", "format": "resident-id"},
                               "ratio": {"type": "number", "title": "出资比例（%）", "minimum": 0, "maximum": 100}},
            },
        },
        "agree": {"type": "boolean", "title": "承诺书", "const": True, "x-widget": "checkbox"},
        "hasAgent": {"type": "boolean", "title": "是否委托代理人"},
        "agentName": {"type": "string", "title": "代理人姓名"},
    },
    "allOf": [{"if": {"properties": {"hasAgent": {"const": True}}, "required": ["hasAgent"]},
               "then": {"required": ["agentName"]}}],
}

VALID: dict[str, Any] = {
    "enterpriseName": "翁源县青禾农业科技有限公司",
    "uscc": "91310115591693856A",
    "capital": 100.5,
    "companyType": "有限责任公司",
    "phone": "0751-2812345",
    "legalRep": {"name": "张三", "idNumber": "11010519491231002X"},
    "shareholders": [{"name": "张三", "idNumber": "11010519491231002X", "ratio": 60},
                     {"name": "李四", "idNumber": "440524188001010014", "ratio": 40}],
    "agree": True,
    "hasAgent": False,
}


@pytest.fixture
def validator() -> FormValidator:
    return FormValidator(FORM)


def by_path(errors: list) -> dict[str, list]:
    out: dict[str, list] = {}
    for e in errors:
        out.setdefault(e.path, []).append(e)
    return out


def test_the_sample_form_is_a_valid_form() -> None:
    assert check_form_schema(FORM) == []


def test_valid_data_has_no_errors(validator: FormValidator) -> None:
    assert validator.errors(VALID) == []
    assert validator.is_valid(VALID)
    validator.check(VALID)


def test_all_errors_at_once_with_pointers_codes_and_labels(validator: FormValidator) -> None:
    data = copy.deepcopy(VALID)
    del data["enterpriseName"]
    data["uscc"] = "91310115591693856B"
    data["capital"] = -5
    data["companyType"] = "合伙企业"
    data["phone"] = "2812345"
    del data["legalRep"]["idNumber"]
    data["shareholders"][1]["idNumber"] = "440524188001010015"
    data["shareholders"][1]["ratio"] = 140
    data["shareholders"][0]["nickname"] = "老张"
    data["agree"] = False
    data["hasAgent"] = True
    data["extra"] = 1

    errors = validator.errors(data)
    got = {(e.path, e.code) for e in errors}
    assert got == {
        ("/enterpriseName", "required"),
        ("/uscc", "format.uscc"),
        ("/capital", "format.money"),  # said once: 不能为负数 (tests/test_negative_amount.py)
        ("/companyType", "enum"),
        ("/phone", "format.phone-cn"),
        ("/legalRep/idNumber", "required"),
        ("/shareholders/1/idNumber", "format.resident-id"),
        ("/shareholders/1/ratio", "maximum"),
        ("/shareholders/0/nickname", "additionalProperties"),
        ("/agree", "const"),
        ("/agentName", "required"),
        ("/extra", "additionalProperties"),
    }
    messages = {(e.path, e.code): e.message for e in errors}
    assert messages["/enterpriseName", "required"] == "请填写“企业名称”"
    assert messages["/uscc", "format.uscc"] == "“统一社会信用代码”校验位错误"
    assert messages["/capital", "format.money"] == "“注册资本（万元）”不能为负数"
    assert messages["/companyType", "enum"] == "“公司类型”应为以下选项之一：有限责任公司、股份有限公司"
    assert messages["/legalRep/idNumber", "required"] == "请填写“法定代表人”的“身份证号码”"
    assert messages["/shareholders/1/idNumber", "format.resident-id"] == "“股东”第2项的“证件号码”校验位错误"
    assert messages["/shareholders/1/ratio", "maximum"] == "“股东”第2项的“出资比例（%）”不能大于100"
    assert messages["/agree", "const"] == "请勾选“承诺书”"
    assert messages["/agentName", "required"] == "请填写“代理人姓名”"
    assert "nickname" in messages["/shareholders/0/nickname", "additionalProperties"]


def test_errors_are_sorted_by_path(validator: FormValidator) -> None:
    data = {"shareholders": [{"name": "甲"}] + [{"name": str(i), "idNumber": "1"} for i in range(11)],
            "uscc": "x", "agree": False}
    paths = [e.path for e in validator.errors(data)]
    assert paths == sorted(paths, key=lambda p: [int(x) if x.isdigit() else x for x in p.split("/")])
    # numeric order, not text order: row 10 comes after row 2
    rows = [p for p in paths if p.startswith("/shareholders/")]
    assert rows.index("/shareholders/2/idNumber") < rows.index("/shareholders/10/idNumber")


def test_required_points_at_the_missing_child(validator: FormValidator) -> None:
    errors = validator.errors({})
    assert [e.path for e in errors if e.code == "required"] == [
        "/agree", "/capital", "/companyType", "/enterpriseName", "/legalRep", "/shareholders", "/uscc",
    ]


def test_missing_row_field_in_a_table(validator: FormValidator) -> None:
    data = copy.deepcopy(VALID)
    data["shareholders"].append({"idNumber": "440524188001010014"})
    [error] = validator.errors(data)
    assert (error.path, error.code, error.message) == ("/shareholders/2/name", "required", "请填写“股东”第3项的“姓名”")


def test_empty_string_and_empty_table_read_as_missing(validator: FormValidator) -> None:
    data = copy.deepcopy(VALID)
    data["enterpriseName"] = ""
    data["shareholders"] = []
    found = {e.path: (e.code, e.message) for e in validator.errors(data)}
    assert found["/enterpriseName"] == ("minLength", "请填写“企业名称”")
    assert found["/shareholders"] == ("minItems", "请至少填写一项“股东”")


def test_max_length_counts_characters(validator: FormValidator) -> None:
    data = copy.deepcopy(VALID)
    data["enterpriseName"] = "字" * 21
    [error] = validator.errors(data)
    assert error.code == "maxLength"
    assert error.message.startswith("“企业名称”不能超过20个字符")


def test_wrong_type_is_reported_once(validator: FormValidator) -> None:
    data = copy.deepcopy(VALID)
    data["capital"] = "一百万"
    data["uscc"] = 91310115591693856
    errors = validator.errors(data)
    assert {(e.path, e.code) for e in errors} == {("/capital", "type"), ("/uscc", "type")}
    assert by_path(errors)["/capital"][0].message == "“注册资本（万元）”应为数字"


def test_money_decimals(validator: FormValidator) -> None:
    data = copy.deepcopy(VALID)
    data["capital"] = 10.125
    [error] = validator.errors(data)
    assert (error.code, error.message) == ("format.money", "“注册资本（万元）”最多保留两位小数")


def test_data_that_is_not_an_object(validator: FormValidator) -> None:
    [error] = validator.errors(["not", "a", "form"])
    assert (error.path, error.code) == ("", "type")


def test_check_raises_all_errors(validator: FormValidator) -> None:
    with pytest.raises(UserErrorsException) as info:
        validator.check({"uscc": "91310115591693856B"})
    codes = [e.code for e in info.value.errors]
    assert "format.uscc" in codes and codes.count("required") == 6


def test_title_falls_back_to_property_name() -> None:
    v = FormValidator({"type": "object", "required": ["remark"], "properties": {"remark": {"type": "string"}}})
    assert v.errors({})[0].message == "请填写“remark”"


def test_labels_through_refs_and_nested_tables() -> None:
    schema = {
        "type": "object",
        "$defs": {"person": {"type": "object", "required": ["idNumber"], "properties": {
            "idNumber": {"type": "string", "title": "身份证号码", "format": "resident-id"}}}},
        "properties": {
            "projects": {"type": "array", "title": "项目", "items": {
                "type": "object", "properties": {
                    "members": {"type": "array", "title": "成员", "items": {"$ref": "#/$defs/person"}}}}},
        },
    }
    assert check_form_schema(schema) == []
    data = {"projects": [{"members": []}, {"members": [{"idNumber": "11010519491231002X"}, {}]}]}
    [error] = FormValidator(schema).errors(data)
    assert error.path == "/projects/1/members/1/idNumber"
    assert error.message == "请填写“项目”第2项的“成员”第2项的“身份证号码”"


def test_any_of_explains_the_alternatives() -> None:
    schema = {"type": "object", "properties": {"holderId": {
        "type": "string", "title": "证件号码", "anyOf": [{"format": "uscc"}, {"format": "resident-id"}]}}}
    v = FormValidator(schema)
    assert v.errors({"holderId": "91310115591693856A"}) == []
    assert v.errors({"holderId": "11010519491231002X"}) == []
    [error] = v.errors({"holderId": "91310115591693856B"})
    assert (error.path, error.code) == ("/holderId", "anyOf")
    assert error.message == "“证件号码”须满足以下之一：统一社会信用代码校验位错误；公民身份号码应为17位数字加1位数字或X"


def test_forbidden_fields_and_dependent_required() -> None:
    schema = {
        "type": "object",
        "properties": {"agentName": {"type": "string", "title": "代理人姓名"},
                       "agentId": {"type": "string", "title": "代理人身份证号码", "format": "resident-id"},
                       "internalNote": False},
        "dependentRequired": {"agentName": ["agentId"]},
    }
    assert check_form_schema(schema) == []
    errors = FormValidator(schema).errors({"agentName": "赵六", "internalNote": "x"})
    assert [(e.path, e.code, e.message) for e in errors] == [
        ("/agentId", "required", "请填写“代理人身份证号码”"),
        ("/internalNote", "not_allowed", "“internalNote”不应填写"),
    ]


# --- the cache ------------------------------------------------------------------------------------

def test_cache_returns_the_same_validator_for_a_key() -> None:
    form_validation.clear_validator_cache()
    first = validator_for(("item", 1), FORM)
    assert validator_for(("item", 1), copy.deepcopy(FORM)) is first
    assert validator_for(("item", 2), FORM) is not first
    assert first.errors(VALID) == []
    # a case's answers are checked more strictly than a document (a blank required text is no
    # answer): one key gives the two validators apart
    answers = validator_for(("item", 1), FORM, answers=True)
    assert answers is not first and validator_for(("item", 1), FORM, answers=True) is answers
    assert validator_for(("item", 1), FORM) is first


def test_cache_is_bounded_and_least_recently_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(form_validation, "_cache", form_validation.LRUCache(maxsize=3))
    a = validator_for("a", FORM)
    b = validator_for("b", FORM)
    validator_for("c", FORM)
    assert validator_for("a", FORM) is a  # a is now the most recently used
    validator_for("d", FORM)  # evicts b
    assert len(form_validation._cache) == 3
    assert validator_for("a", FORM) is a
    assert validator_for("b", FORM) is not b


def test_default_cache_size() -> None:
    assert form_validation.VALIDATOR_CACHE_SIZE == 512


# --- checking form definitions --------------------------------------------------------------------

def test_invalid_schemas_are_rejected_with_every_problem() -> None:
    bad = {
        "type": "object",
        "x-order": ["name", "nosuch"],
        "required": ["name", "missing"],
        "properties": {
            "name": {"type": "strin", "title": "名称"},
            "code": {"type": "string", "pattern": "([a-z"},
            "tel": {"type": "string", "format": "telephone"},
            "kind": {"type": "string", "x-widget": "slider"},
            "min": {"type": "integer", "minimum": "0"},
            "ref": {"$ref": "#/$defs/none"},
            "remote": {"$ref": "https://example.com/schema.json"},
        },
    }
    problems = {(p.path, p.code) for p in check_form_schema(bad)}
    assert problems == {
        ("/form/properties/name/type", "form.invalid_schema"),
        ("/form/properties/code/pattern", "form.invalid_schema"),
        ("/form/properties/min/minimum", "form.invalid_schema"),
        ("/form/properties/tel/format", "form.unknown_format"),
        ("/form/properties/kind/x-widget", "form.invalid_hint"),
        ("/form/x-order/1", "form.invalid_hint"),
        ("/form/required/1", "form.unknown_required"),
        ("/form/properties/ref/$ref", "form.invalid_ref"),
        ("/form/properties/remote/$ref", "form.invalid_ref"),
    }


def test_unknown_format_message_is_chinese() -> None:
    [problem] = check_form_schema({"type": "object", "properties": {"x": {"type": "string", "format": "idcard"}}})
    assert problem.code == "form.unknown_format"
    assert "idcard" in problem.message and "resident-id" in problem.message


def test_root_must_be_an_object_schema() -> None:
    assert [p.code for p in check_form_schema({"type": "array"})] == ["form.root_type"]
    assert [p.code for p in check_form_schema({"properties": {}})] == ["form.root_type"]
    assert [(p.path, p.code) for p in check_form_schema("not a schema", "/definition/form")] == [
        ("/definition/form", "form.root_type")
    ]


def test_required_in_a_branch_may_name_the_objects_properties() -> None:
    schema = copy.deepcopy(FORM)
    assert check_form_schema(schema) == []
    schema["allOf"][0]["then"]["required"].append("agentPhone")
    [problem] = check_form_schema(schema)
    assert (problem.path, problem.code) == ("/form/allOf/0/then/required/1", "form.unknown_required")


def test_enum_values_are_data_not_schemas() -> None:
    schema = {"type": "object", "properties": {"x": {"enum": [{"format": "nosuch"}, {"format": "no"}], "default": {"format": "no"}}}}
    assert check_form_schema(schema) == []


def test_schema_at_finds_fields() -> None:
    assert schema_at(FORM, "/uscc")["title"] == "统一社会信用代码"
    assert schema_at(FORM, "/legalRep/idNumber")["title"] == "身份证号码"
    assert schema_at(FORM, "/shareholders/0/idNumber")["title"] == "证件号码"
    assert schema_at(FORM, "/shareholders")["title"] == "股东"
    assert schema_at(FORM, "/nosuch") is None
    assert schema_at(FORM, "/legalRep/nosuch") is None
    assert schema_at(FORM, "uscc") is None


# --- size -------------------------------------------------------------------------------------------

def test_size_limits() -> None:
    assert ITEM_MAX_BYTES == 1024 * 1024
    assert CASE_DATA_MAX_BYTES == 256 * 1024
    check_size({"note": "字" * 1000}, CASE_DATA_MAX_BYTES, "办件数据")
    # 90,000 Chinese characters are 270,000 bytes of UTF-8: over 256 KB though under 256 K characters
    with pytest.raises(UserErrorsException) as info:
        check_size({"note": "字" * 90_000}, CASE_DATA_MAX_BYTES, "办件数据")
    [error] = info.value.errors
    assert error.code == "too_large"
    assert "办件数据" in error.message and "256 KB" in error.message


def test_size_of_raw_text_and_bytes() -> None:
    check_size(b"x" * 10, 10, "文件")
    with pytest.raises(UserErrorsException):
        check_size("x" * 11, 10, "文件")
