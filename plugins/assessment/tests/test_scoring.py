"""Scoring rules against hand-computed expectations: the bundled rule sets of seeds 001 and 002."""

from __future__ import annotations

import pytest

from core import UserErrorsException
from plugins.assessment.periods import parse_period
from plugins.assessment.ruleset import bundled_rules, problems
from plugins.assessment.scoring import FactItem, Facts, ManualEntry, Measure, evaluate, fmt, rank

RULES = {doc["subject"]: doc for doc in bundled_rules()}


def points(result, code):
    return next(c for c in result.categories if c.code == code)


def test_the_bundled_rule_sets_are_valid_and_add_up_to_their_base():
    assert {d["id"] for d in bundled_rules()} == {"window-001", "staff-001", "department-002"}
    for doc in bundled_rules():
        assert problems(doc) == []
    window = RULES["window"]
    assert (window["base"], window["max"]) == (100, 110)
    assert [c["points"] for c in window["categories"]] == [10, 15, 15, 15, 15, 10, 10, 10, 0]
    assert [c["points"] for c in RULES["staff"]["categories"]] == [20, 20, 10, 10, 15, 15, 10]
    assert [c["points"] for c in RULES["department"]["categories"]] == [40, 10, 40, 10]


def test_nothing_measured_and_nothing_entered_gives_the_base():
    result = evaluate(RULES["window"], Facts())
    assert (result.total, result.raw_total, result.capped) == (100, 100, False)
    assert points(result, "rating").lines == ("本期无服务对象评价，不加减分",)


def test_overdue_days_cost_two_points_per_case_and_day():
    facts = Facts(measures={"overdue_days": Measure(items=(FactItem("HALL-1", 2), FactItem("HALL-2", 3)))})
    time_limits = points(evaluate(RULES["window"], facts), "time_limits")
    assert time_limits.points == 5  # 15 − 2×2 − 2×3
    assert time_limits.lines == ("办件HALL-1超期2个工作日，扣4分", "办件HALL-2超期3个工作日，扣6分")


def test_a_category_never_goes_below_zero():
    facts = Facts(measures={"overdue_days": Measure(items=(FactItem("HALL-9", 10),))})
    result = evaluate(RULES["window"], facts)
    time_limits = points(result, "time_limits")
    assert time_limits.points == 0 and time_limits.floored  # 15 − 20 → 0, not −5
    assert time_limits.lines[-1] == "扣分超过本项分值15分，本项扣完为止，计0分"
    assert result.total == 85  # the other categories keep their points


def test_completion_costs_half_a_point_per_whole_percentage_point_below_100():
    shortfall = Measure(value=4.5, info={"rate": "95.5", "detail": "本期应办结200件，按时办结191件"})
    results = points(evaluate(RULES["window"], Facts(measures={"completion_shortfall": shortfall})), "results")
    assert results.points == 13  # 4 whole points below → 4 × 0.5 = 2
    assert results.lines == ("按时办结率95.5%（本期应办结200件，按时办结191件），低于100%共4个百分点，扣2分",)
    bad = Measure(value=33.33, info={"rate": "66.67", "detail": "本期应办结3件，按时办结2件"})
    assert points(evaluate(RULES["window"], Facts(measures={"completion_shortfall": bad})), "results").points == 0


@pytest.mark.parametrize(("average", "expected", "said"), [
    (4.6, 12, "综合反映“好”，加2分"), (4.0, 11, "综合反映“较好”，加1分"),
    (3.0, 10, "综合反映“一般”，不加减分"), (2.0, 8, "综合反映“较差”，扣2分"),
])
def test_applicant_ratings_move_the_window_by_up_to_two_points(average, expected, said):
    facts = Facts(measures={"rating_average": Measure(value=average, info={"count": 4})})
    rating = points(evaluate(RULES["window"], facts), "rating")
    assert rating.points == expected and said in rating.lines[0] and "评价4条" in rating.lines[0]


def test_the_total_is_capped_at_110():
    facts = Facts(
        measures={"rating_average": Measure(value=5, info={"count": 9})},
        manual=[ManualEntry("bonus", 5, "受到市政府通报表扬", "受到上级机关或服务对象书面表扬", 1),
                ManualEntry("bonus", 4, "“一窗通办”经验被全市推广", "服务创新举措被推广", 2),
                ManualEntry("bonus", 3, "锦旗")],
    )
    result = evaluate(RULES["window"], facts)
    bonus = points(result, "bonus")
    assert bonus.points == 10 and bonus.lines[-1] == "本项最高10分"  # 12 entered, ceiling 10
    assert bonus.lines[1] == "服务创新举措被推广2次：“一窗通办”经验被全市推广，加4分"
    assert (result.raw_total, result.total, result.capped) == (112, 110, True)


def test_manual_deductions_are_explained():
    facts = Facts(manual=[ManualEntry("fees", -3, "3月5日多收工本费", "擅自提高或降低收费标准")])
    fees = points(evaluate(RULES["window"], facts), "fees")
    assert fees.points == 12 and fees.lines == ("擅自提高或降低收费标准：3月5日多收工本费，扣3分",)


def test_staff_grades():
    staff = RULES["staff"]
    assert evaluate(staff, Facts()).grade == "优秀"
    many = Measure(items=tuple(FactItem(f"HALL-{i}") for i in range(9)))
    tired = Facts(measures={"overdue_cases": many, "dissatisfied_ratings": many})
    result = evaluate(staff, tired)  # skill 20 − 18 = 2, satisfaction 10 − 18 → 0
    assert result.total == 72 and result.grade == "称职"
    tired.measures["completion_shortfall"] = Measure(value=50, info={"rate": "50", "detail": ""})
    assert evaluate(staff, tired).grade == "不称职"  # completion 15 − 25 → 0: 57


def test_department_staff_management_is_the_staff_mean_scaled_and_complaints_cost_five():
    department = RULES["department"]
    facts = Facts(measures={
        "staff_score_mean": Measure(value=90, info={"count": 3}),
        "verified_complaints": Measure(items=(FactItem("书面投诉第7号"),)),
    })
    result = evaluate(department, facts)
    assert points(result, "staff").points == 36
    assert points(result, "staff").lines == ("进驻部门工作人员考核平均90分（3人），折合36分",)
    assert points(result, "conduct").lines == ("被投诉经核查属实（书面投诉第7号），扣5分",)
    assert result.total == 40 + 5 + 36 + 10
    assert points(evaluate(department, Facts()), "staff").points == 40  # no staff: full marks


def test_ranking_shares_places_on_ties():
    ranked = rank([("a", 100.0), ("b", 102.0), ("c", 100.0), ("d", 79.0)], {"a": "A01", "b": "B", "c": "C01", "d": "D"})
    assert [(position, key) for position, key, _ in ranked] == [(1, "b"), (2, "a"), (2, "c"), (4, "d")]


def test_numbers_and_periods():
    assert [fmt(x) for x in (4.0, 0.5, 16.25, -0.0, 32.4)] == ["4", "0.5", "16.25", "0", "32.4"]
    q = parse_period("2026-Q3")
    assert (q.start.isoformat(), q.end.isoformat(), q.label) == ("2026-07-01", "2026-09-30", "2026年第三季度")
    assert q.keys_within() == ("2026-Q3", "2026-07", "2026-08", "2026-09")
    assert parse_period("2026-02").end.isoformat() == "2026-02-28" and parse_period("2026").label == "2026年度"
    with pytest.raises(UserErrorsException) as caught:
        parse_period("2026-11", ("quarter",), "/quarter")
    assert caught.value.errors[0].path == "/quarter" and "2026-Q3" in caught.value.errors[0].message


def test_a_rule_set_whose_categories_do_not_add_up_is_refused():
    doc = bundled_rules()[0]
    doc["categories"][0]["points"] += 5
    doc["categories"][1]["measured"] = [{"source": "moon_phase", "deduct": 1}]
    found = problems(doc)
    assert any("各项分值之和" in p for p in found) and any("moon_phase" in p for p in found)
