"""A required field holding a blank text or an empty list is not filled in.

JSON Schema's ``required`` asks only that the key be there: ``"unitName": ""`` from a platform, or
``"   "``, filed a case for nobody (the notices then named the account holder), and a required 多选
arrived as ``[]`` from the browser itself when nothing was ticked. Case data says 请填写… for them;
the repository's own documents (item documents, center files) keep the plain rule.
"""

from __future__ import annotations

import copy

import pytest

from core.services.accounts import Actor, load_grants
from core.services.form_precheck import compile_precheck
from core.services.form_validation import FormValidator
from core.services.items import define_item, publish_item
from tests.hall import PERMIT, CaseDriver, build_hall, codes

FORM = {
    "type": "object", "title": "申请表", "required": ["unitName", "uscc", "crops", "staff"],
    "properties": {
        "unitName": {"type": "string", "title": "单位名称", "maxLength": 100},
        "uscc": {"type": "string", "title": "统一社会信用代码", "format": "uscc"},
        "crops": {"type": "array", "title": "经营作物种类", "items": {"type": "string", "enum": ["水稻", "玉米"]},
                  "uniqueItems": True, "x-widget": "checkbox"},
        "staff": {"type": "array", "title": "从业人员", "x-widget": "table", "minItems": 1, "items": {
            "type": "object", "required": ["name"], "properties": {"name": {"type": "string", "title": "姓名", "minLength": 2}}}},
        "note": {"type": "string", "title": "备注"},
    },
}
GOOD = {"unitName": "龙门县丰禾种业有限公司", "uscc": "91310115591693856A", "crops": ["水稻"], "staff": [{"name": "李梅"}]}


def test_blank_answers_are_not_filled_in():
    validator = FormValidator(FORM, answers=True)
    blank = {"unitName": "   ", "uscc": "", "crops": [], "staff": [{"name": ""}], "note": ""}
    found = {e.path: (e.code, e.message) for e in validator.errors(blank)}
    assert found == {
        "/unitName": ("required", "请填写“单位名称”"),
        "/uscc": ("required", "请填写“统一社会信用代码”"),  # not a bad check digit as well
        "/crops": ("required", "请填写“经营作物种类”"),
        "/staff/0/name": ("minLength", "请填写“从业人员”第1项的“姓名”"),  # said once, by its length
    }
    assert validator.is_valid({**GOOD, "note": ""})  # an optional field may stay blank
    # the quick yes never says yes to a blank answer
    quick = compile_precheck({"type": "object", "required": ["a", "b"], "properties": {"a": {"type": "string"}, "b": {"type": "array"}}})
    assert quick({"a": "龙门", "b": [1]}) and not quick({"a": " ", "b": [1]}) and not quick({"a": "龙门", "b": []})
    # documents keep JSON Schema's own rule
    assert FormValidator(FORM).is_valid({**GOOD, "unitName": "", "crops": []})


@pytest.mark.anyio
async def test_submit_case_and_the_designers_check_refuse_blank_answers(app, govhall, gql):
    hall = await build_hall(govhall, gql)
    actor = Actor(user=hall.users["config1"], grants=await load_grants(hall.users["config1"]))
    item = {**copy.deepcopy(PERMIT), "code": "test-blank", "form": FORM}
    item["certificate"]["fields"] = [{"label": "单位名称", "pointer": "/unitName"}]
    await define_item(govhall, actor, hall.center, item)
    await publish_item(govhall, actor, hall.center, "test-blank")
    drive = CaseDriver(gql, hall)
    refused = await drive.submit("app1", item="test-blank", data={**GOOD, "unitName": "", "crops": []})
    assert codes(refused) == ["required", "required"]
    assert [e["path"] for e in refused["errors"]] == ["/crops", "/unitName"]
    checked = await gql('query($d: JSON!) { validateCaseData(center: "hall", item: "test-blank", data: $d) { path code } }',
                        {"d": {**GOOD, "unitName": " "}}, token=hall.tokens["config1"])
    assert checked["validateCaseData"] == [{"path": "/unitName", "code": "required"}]
    assert (await drive.submit("app1", item="test-blank", data=GOOD))["__typename"] == "Case"
