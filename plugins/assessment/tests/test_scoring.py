"""Scoring rules against hand-computed expectations: the bundled rule sets of seeds 001 and 002."""

from __future__ import annotations

import pytest

from core import UserErrorsException
from plugins.assessment.periods import parse_period
from plugins.assessment.ruleset import bundled_rules, problems
from plugins.assessment.scoring import FactItem, Facts, ManualEntry, Measure, evaluate, fmt, grades_by_rank, rank

RULES = {doc["subject"]: doc for doc in bundled_rules()}


def points(result, code):
    return next(c for c in result.categories if c.code == code)


def test_the_bundled_rule_sets_are_valid_and_add_up_to_their_base():
    assert {d["id"] for d in bundled_rules()} == {"window-001", "staff-001", "department-002"}
    for doc in bundled_rules():
        assert problems(doc) == []
    window = RULES["window"]
    assert (window["base"], window["max"]) == (100, 110)
    assert [c["points"] for c in window["categories"]] == [10, 15, 15, 15, 15, 10, 10, 10]
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


def test_the_total_is_capped_at_the_maximum():
    facts = Facts(measures={"rating_average": Measure(value=5, info={"count": 9})})
    result = evaluate(RULES["window"], facts)  # the rating's +2 is the only bonus the approval center's rules defines
    assert (result.raw_total, result.total, result.capped) == (102, 102, False)
    assert not any(c["code"] == "bonus" for c in RULES["window"]["categories"])
    tight = {**RULES["window"], "max": 101}
    assert (evaluate(tight, facts).total, evaluate(tight, facts).capped) == (101, True)


def test_manual_deductions_are_explained():
    facts = Facts(manual=[ManualEntry("fees", -3, "3月5日多收工本费", "擅自提高或降低收费标准")])
    fees = points(evaluate(RULES["window"], facts), "fees")
    assert fees.points == 12 and fees.lines == ("擅自提高或降低收费标准：3月5日多收工本费，扣3分",)


def test_staff_grades_by_ranking_with_a_quota():
    grades = RULES["staff"]["grades"]
    assert evaluate(RULES["staff"], Facts()).grade is None  # graded by ranking, not by cut-offs
    totals = {f"s{i}": float(100 - i) for i in range(10)}  # 100, 99 ... 91
    assert grades_by_rank(grades, totals) == {**{k: "称职" for k in totals}, "s0": "优秀", "s1": "优秀"}
    shares = {"优秀": 0.3, "不称职": 0.1}
    graded = grades_by_rank(grades, totals, shares)
    assert [graded[f"s{i}"] for i in range(10)] == ["优秀"] * 3 + ["称职"] * 6 + ["不称职"]
    tied = {**totals, "s3": 98.0}  # s2 and s3 tie on the boundary of the 3 places: neither fits
    graded = grades_by_rank(grades, tied, shares)
    assert [graded[f"s{i}"] for i in range(4)] == ["优秀", "优秀", "称职", "称职"]
    assert grades_by_rank(grades, {"a": 80.0}) == {"a": "称职"}  # 20% of one person is no place
    assert problems({**RULES["staff"], "grades": [{"label": "优秀", "share": 0.2}, {"label": "不称职", "share": 0.9}]})
