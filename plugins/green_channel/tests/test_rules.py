"""The scope of the approval center's rules at its boundaries: "以上" includes the threshold itself."""

from __future__ import annotations

import re

import pytest

from plugins.green_channel.rules import assess, materials_to_follow, supplement_later
from tests.hall import PERMIT


def codes(result):
    return [r.code for r in result.reasons]


@pytest.mark.parametrize(
    ("data", "basis"),
    [
        ({"kind": "enterprise", "investor": "foreign", "registeredCapital": 1000}, "foreign_capital"),
        ({"kind": "enterprise", "investor": "foreign", "registeredCapital": 10, "capitalIncrease": "1000.00"}, "foreign_capital"),
        ({"kind": "enterprise", "investor": "domestic", "registeredCapital": 5000}, "domestic_capital"),
        ({"kind": "enterprise", "investor": "domestic", "capitalIncrease": 5000}, "domestic_capital"),
        ({"kind": "construction", "investment": 5000}, "construction_investment"),
        ({"kind": "construction", "keyProject": True, "keyProjectDocument": "连政办〔2026〕12号"}, "key_project"),
        ({"kind": "enterprise", "leaderAssigned": True, "leaderInstruction": "市领导批示第8号"}, "leader_assigned"),
    ],
)
def test_exactly_the_threshold_is_eligible(data, basis):
    result = assess(data)
    assert result.eligible and result.reasons == []
    assert [b.code for b in result.basis] == [basis]


def test_foreign_capital_just_below_ten_million_dollars_is_not():
    result = assess({"kind": "enterprise", "investor": "foreign", "registeredCapital": 999, "capitalIncrease": "999.99"})
    assert not result.eligible and result.basis == ()
    assert codes(result) == ["green.key_project", "green.capital", "green.leader_assigned"]
    capital = result.reasons[1]
    assert "1000万美元以上（含本数）" in capital.message and "注册资本999万美元" in capital.message
    assert "增资额999.99万美元" in capital.message and capital.path == "/registeredCapital"
    assert "重点实事项目" in result.reasons[0].message and "领导交办" in result.reasons[2].message


def test_domestic_and_construction_just_below_fifty_million_yuan_are_not():
    domestic = assess({"kind": "enterprise", "investor": "domestic", "registeredCapital": "4999.99"})
    assert not domestic.eligible and "5000万元以上（含本数）" in domestic.reasons[1].message
    assert "4999.99万元" in domestic.reasons[1].message
    # the dollar threshold is not the yuan one: 1000 万元 of a domestic enterprise is far too little
    assert not assess({"kind": "enterprise", "investor": "domestic", "registeredCapital": 1000}).eligible
    construction = assess({"kind": "construction", "investment": 4999.99})
    assert codes(construction) == ["green.key_project", "green.investment", "green.leader_assigned"]
    assert "投资额须在5000万元以上（含本数）：本项目投资额4999.99万元" in construction.reasons[1].message


def test_the_amounts_are_recorded_with_their_unit():
    result = assess({"kind": "enterprise", "investor": "foreign", "registeredCapital": "1200.50"})
    assert dict(result.amounts) == {"investor": "foreign", "currency": "USD", "unit": "万美元",
                                    "registeredCapital": "1200.5", "capitalIncrease": None}
    assert result.basis[0].detail == "注册资本1200.5万美元"


def test_every_input_problem_at_once():
    result = assess({"investor": "martian", "keyProject": True, "leaderAssigned": "yes", "investment": -1})
    assert not result.eligible
    by_path = {r.path: r.code for r in result.reasons}
    assert by_path == {"/keyProjectDocument": "required", "/kind": "required", "/leaderAssigned": "type"}
    bad = assess({"kind": "enterprise", "investor": "foreign", "registeredCapital": "很多", "capitalIncrease": True})
    assert {(r.path, r.code) for r in bad.reasons} >= {("/registeredCapital", "type"), ("/capitalIncrease", "type")}
    assert not assess({"kind": "construction", "investment": -5}).eligible
    assert codes(assess({"kind": "construction", "investment": "1e999"}))[0] == "maximum"
    assert codes(assess({"kind": "enterprise", "investor": ["foreign"], "registeredCapital": 1000}))[0] == "enum"
    which_currency = assess({"kind": "enterprise", "registeredCapital": 2000})
    assert [(r.code, r.path) for r in which_currency.reasons] == [
        ("required", "/investor"), ("green.key_project", "/keyProject"), ("green.leader_assigned", "/leaderAssigned")]
    assert codes(assess("not an object")) == ["type"]


def test_a_basis_is_enough_even_if_the_amount_is_small():
    result = assess({"kind": "enterprise", "investor": "domestic", "registeredCapital": 100,
                     "keyProjectDocument": "连政办〔2026〕12号"})
    assert result.eligible and [b.code for b in result.basis] == ["key_project"]
    assert result.basis[0].detail == "认定文件（办文单）文号：连政办〔2026〕12号"


def test_only_secondary_materials_missing_is_processed_first():
    definition = PERMIT  # 申请书 is a main material, 营业执照复印件 a secondary one
    (error,) = supplement_later(definition, [{"name": "营业执照复印件", "reason": "未带"}])
    assert error.code == "green.supplement_later" and "先办理，后补齐" in error.message and "营业执照复印件" in error.message
    # the clerk is pointed at the box on the accept form, by its Chinese label (no field name of the API)
    assert "受理时在“后补材料”中勾选" in error.message and not re.search(r"[A-Za-z]", error.message)
    assert supplement_later(definition, [{"code": "m2"}])
    # picked from the list and then worded otherwise: the code says which material
    assert supplement_later(definition, [{"name": "执照副本", "code": "m2"}])
    assert supplement_later(definition, [{"name": "营业执照复印件"}, {"name": "申请书"}]) == []
    assert supplement_later(definition, [{"name": "营业执照复印件"}, {"name": "法定代表人身份证复印件"}]) == []
    assert supplement_later(definition, []) == []


def test_materials_to_follow_must_be_secondary():
    assert materials_to_follow(PERMIT, ["营业执照复印件", "m2"]) == (["营业执照复印件"], [])
    names, errors = materials_to_follow(PERMIT, ["申请书", "土地证"])
    assert names == [] and [(e.code, e.path) for e in errors] == [("green.main_material", "/materialsToFollow/0"),
                                                                   ("enum", "/materialsToFollow/1")]
    assert materials_to_follow(PERMIT, None) == ([], [])
