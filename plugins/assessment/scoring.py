"""Scoring, pure: a rule set (``rules/*.json``) evaluated against one subject's facts.

A category starts at its points (or, for a ``scale`` rule, at its points scaled by a measured
score), loses what its measured and manual deductions say, gains what bonuses and rating bands
add, never goes below 0 (上述扣分至小项扣完为止) and never above its ``ceiling`` (default: its
points). The total is the sum of the categories, capped at the rule set's ``max``. Every change is
explained in Chinese, e.g. ``办件HALL-0001超期2个工作日，扣4分``.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

K = TypeVar("K", bound=Hashable)

__all__ = [
    "CategoryResult", "FactItem", "Facts", "ManualEntry", "Measure", "Result",
    "evaluate", "fmt", "grade_for", "grades_by_rank", "rank",
]


@dataclass(frozen=True)
class FactItem:
    """One counted thing (a case 2 working days late, a verified complaint) and its amount."""

    label: str
    amount: float = 1


@dataclass(frozen=True)
class Measure:
    """A measured source for one subject: a value and/or counted items, plus words for the text."""

    value: float | None = None
    items: tuple[FactItem, ...] = ()
    info: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ManualEntry:
    """What a supervisor entered: signed points (negative deducts) for one category."""

    category: str
    points: float
    reason: str = ""
    label: str = ""
    count: int = 1


@dataclass
class Facts:
    """Everything known about one subject in one period."""

    measures: dict[str, Measure] = field(default_factory=dict)
    manual: list[ManualEntry] = field(default_factory=list)


@dataclass(frozen=True)
class CategoryResult:
    code: str
    name: str
    group: str | None
    max: float
    points: float
    floored: bool
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Result:
    total: float
    raw_total: float
    capped: bool
    categories: tuple[CategoryResult, ...]
    grade: str | None = None


def fmt(value: float) -> str:
    """``4.0`` → ``4``, ``0.5`` → ``0.5``, ``16.25`` → ``16.25``."""
    text = f"{round(float(value), 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _change(points: float) -> str:
    if points > 0:
        return f"加{fmt(points)}分"
    if points < 0:
        return f"扣{fmt(-points)}分"
    return "不加减分"


def _deductions(rule: Mapping[str, Any], measure: Measure) -> list[tuple[float, str]]:
    """(signed points, line) for a ``deduct`` rule: per item when items are counted, else per
    whole ``per`` units of the value (``completion_shortfall``: per percentage point)."""
    unit = float(rule["deduct"])
    text = str(rule.get("text", "{label}，扣{points}分"))
    info = dict(measure.info)
    if measure.items:
        return [
            (-unit * item.amount, text.format(**{**info, "label": item.label, "n": fmt(item.amount),
                                                 "points": fmt(unit * item.amount), "value": ""}))
            for item in measure.items
        ]
    if measure.value is None:
        return []
    n = math.floor(measure.value / float(rule.get("per", 1)) + 1e-9)
    if n <= 0:
        return []
    label = info.pop("label", "")
    return [(-unit * n, text.format(**{**info, "label": label, "n": n, "points": fmt(unit * n),
                                       "value": fmt(measure.value)}))]


def _band(rule: Mapping[str, Any], measure: Measure | None) -> tuple[float, str]:
    if measure is None or measure.value is None:
        return 0.0, str(rule.get("noneText", "本期无服务对象评价，不加减分"))
    band = next((b for b in rule["bands"] if measure.value >= float(b["min"])), rule["bands"][-1])
    points = float(band["points"])
    text = str(rule.get("text", "平均{value}，综合反映“{band}”，{change}"))
    return points, text.format(**{**measure.info, "value": fmt(measure.value), "band": band["label"],
                                  "change": _change(points)})


def _scaled(rule: Mapping[str, Any], measure: Measure | None, points: float) -> tuple[float, str]:
    if measure is None or measure.value is None:
        return points, str(rule.get("noneText", "本期无可折算的考核结果，按满分计"))
    scaled = round(points * measure.value / float(rule.get("scale", 100)), 2)
    text = str(rule.get("text", "折合{points}分"))
    return scaled, text.format(**{**measure.info, "value": fmt(measure.value), "points": fmt(scaled)})


def _manual_line(entry: ManualEntry) -> str:
    head = entry.label + (f"{entry.count}次" if entry.label and entry.count > 1 else "")
    text = f"{head}：{entry.reason}" if head and entry.reason else head or entry.reason or "督查科录入"
    return f"{text}，{_change(entry.points)}"


def _category(category: Mapping[str, Any], facts: Facts) -> CategoryResult:
    points = float(category["points"])
    score = points
    lines: list[str] = []
    for rule in category.get("measured", []):
        measure = facts.measures.get(rule["source"])
        if "scale" in rule:
            score, line = _scaled(rule, measure, points)
            lines.append(line)
        elif "bands" in rule:
            change, line = _band(rule, measure)
            score += change
            lines.append(line)
        elif measure is not None:
            for change, line in _deductions(rule, measure):
                score += change
                lines.append(line)
    for entry in facts.manual:
        if entry.category == category["code"]:
            score += entry.points
            lines.append(_manual_line(entry))
    score = round(score, 2)
    floored = score < 0
    if floored:
        lines.append(f"扣分超过本项分值{fmt(points)}分，本项扣完为止，计0分")
        score = 0.0
    ceiling = float(category.get("ceiling", points))
    if score > ceiling:
        lines.append(f"本项最高{fmt(ceiling)}分")
        score = ceiling
    return CategoryResult(
        code=str(category["code"]), name=str(category["name"]), group=category.get("group"),
        max=points, points=score, floored=floored, lines=tuple(lines),
    )


def grade_for(rules: Mapping[str, Any], total: float) -> str | None:
    """The first grade (listed best first) whose ``min`` the total reaches; None without grades or
    when the grades are given by ranking (``share``: see :func:`grades_by_rank`)."""
    grades = rules.get("grades", [])
    if not grades or any("min" not in g for g in grades):
        return None
    for grade in grades:
        if total >= float(grade["min"]) - 1e-9:
            return str(grade["label"])
    return None


def grades_by_rank(
    grades: Iterable[Mapping[str, Any]], totals: Mapping[K, float], shares: Mapping[str, float] | None = None
) -> dict[K, str]:
    """Grades by ranking (按得分高低), best first: the one grade without a ``share`` takes everyone
    not placed by the others; grades listed before it are filled from the top, those after it from
    the bottom. A grade's quota (名额) is ``floor(share × number ranked)``, ``shares`` (by label)
    overriding the rule set's. A quota is a maximum: a subject gets a top grade only when the subjects
    scoring at least as much fit in the quota, a bottom grade only when those scoring at most as much
    do, so subjects tied on a boundary share the middle grade."""
    listed = list(grades)
    middle = next(i for i, g in enumerate(listed) if "share" not in g)
    n = len(totals)
    quota = {str(g["label"]): math.floor(float((shares or {}).get(str(g["label"]), g.get("share", 0))) * n + 1e-9)
             for g in listed if "share" in g}
    values = list(totals.values())
    found: dict[K, str] = {}
    for key, total in totals.items():
        at_least = sum(1 for v in values if v >= total - 1e-9)
        at_most = sum(1 for v in values if v <= total + 1e-9)
        label = str(listed[middle]["label"])
        used = 0
        for g in listed[:middle]:
            used += quota[str(g["label"])]
            if at_least <= used:
                label = str(g["label"])
                break
        else:
            used = 0
            for g in reversed(listed[middle + 1:]):
                used += quota[str(g["label"])]
                if at_most <= used:
                    label = str(g["label"])
                    break
        found[key] = label
    return found


def evaluate(rules: Mapping[str, Any], facts: Facts) -> Result:
    """One subject's score under ``rules``: per category, the total capped at ``max``, the grade."""
    categories = tuple(_category(c, facts) for c in rules["categories"])
    raw = round(sum(c.points for c in categories), 2)
    cap = float(rules["max"])
    total = min(raw, cap)
    return Result(total=total, raw_total=raw, capped=raw > cap, categories=categories, grade=grade_for(rules, total))


def rank(scored: Iterable[tuple[K, float]], order: Mapping[K, Any] | None = None) -> list[tuple[int, K, float]]:
    """Competition ranking, highest total first: equal totals share a rank and the next takes its
    place (1, 2, 2, 4); ties are listed by ``order`` (the center's order of the subjects)."""
    rows = sorted(scored, key=lambda kv: (-kv[1], (order or {}).get(kv[0], "")))
    ranked: list[tuple[int, K, float]] = []
    for i, (key, total) in enumerate(rows):
        position = ranked[-1][0] if ranked and math.isclose(ranked[-1][2], total) else i + 1
        ranked.append((position, key, total))
    return ranked

