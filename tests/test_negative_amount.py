"""A negative amount is one problem, said once at its field.

注册资本 (a ``money`` field with ``minimum: 0``) at -5 was refused twice over: “注册资本（万元）”不能为负数
(the money format) and “注册资本（万元）”不能小于0 (the minimum). The stricter bound speaks alone: the
format's 不能为负数 for a minimum of 0 or less, the form's own bound when it asks for more.
"""

from __future__ import annotations

import copy

import pytest

from core.services.accounts import Actor, load_grants
from core.services.form_validation import FormValidator
from core.services.items import define_item, publish_item
from tests.hall import GOOD_DATA, PERMIT, CaseDriver, build_hall


def amount(**bounds: object) -> FormValidator:
    return FormValidator({"type": "object", "properties": {
        "capital": {"type": "number", "title": "注册资本（万元）", "format": "money", "x-widget": "money", **bounds},
        "rows": {"type": "array", "items": {"type": "object", "properties": {
            "paid": {"type": "number", "title": "实缴出资额", "format": "money", **bounds}}}}}}, answers=True)


def said(validator: FormValidator, data: dict) -> list[tuple[str | None, str, str]]:
    return [(e.path, e.code, e.message) for e in validator.errors(data)]


def test_a_negative_amount_with_a_minimum_of_zero_is_said_once():
    assert said(amount(minimum=0), {"capital": -5, "rows": [{"paid": -0.5}]}) == [
        ("/capital", "format.money", "“注册资本（万元）”不能为负数"),
        ("/rows/0/paid", "format.money", "“rows”第1项的“实缴出资额”不能为负数"),
    ]
    assert said(amount(minimum=-10), {"capital": -5}) == [("/capital", "format.money", "“注册资本（万元）”不能为负数")]
    assert said(amount(exclusiveMinimum=-1), {"capital": -5}) == [("/capital", "format.money", "“注册资本（万元）”不能为负数")]


def test_a_bound_that_asks_for_more_than_not_negative_speaks_instead():
    assert said(amount(minimum=10), {"capital": -5}) == [("/capital", "minimum", "“注册资本（万元）”不能小于10")]
    assert said(amount(exclusiveMinimum=0), {"capital": -5}) == [("/capital", "exclusiveMinimum", "“注册资本（万元）”应大于0")]
    # other problems of the field are still said: a positive amount below the minimum with three decimals
    assert [e.code for e in amount(minimum=10).errors({"capital": 5.123})] == ["format.money", "minimum"]


@pytest.mark.anyio
async def test_submit_case_refuses_a_negative_capital_with_one_message(app, govhall, gql):
    hall = await build_hall(govhall, gql)
    actor = Actor(user=hall.users["config1"], grants=await load_grants(hall.users["config1"]))
    item = {**copy.deepcopy(PERMIT), "code": "test-capital"}
    item["form"]["properties"]["capital"] = {"type": "number", "title": "注册资本（万元）", "minimum": 0, "format": "money",
                                             "x-widget": "money"}
    await define_item(govhall, actor, hall.center, item)
    await publish_item(govhall, actor, hall.center, "test-capital")
    refused = await CaseDriver(gql, hall).submit("app1", item="test-capital", data={**GOOD_DATA, "capital": -5})
    assert refused["errors"] == [{"path": "/capital", "code": "format.money", "message": "“注册资本（万元）”不能为负数"}]
