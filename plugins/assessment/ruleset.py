"""Rule sets are data: the documents the center's ``assessment_rules`` hooks return.

The rule sets a center uses are those its enabled plugins return, in hook call order; when several
share an ``id`` the first wins. For each subject kind (window, staff, department) the center's
``settings.assessment.<kind>`` may name a rule set id; otherwise the first rule set of that kind is
used. This plugin's own sets (``rules/*.json``, seeds 001 and 002) come last (``trylast``), so a
center's own plugin overrides them by returning a set of the same kind.
``settings.assessment.basis.<kind>`` names the center's own 办法 (考核依据) for the set it uses, in
place of the set's own basis: a county that adopts another county's rules scores under its own name.
The bundled sets carry no ``basis``, only their ``origin`` (the county whose 办法 they were written
from): without a basis of its own a center's rankings name its own rules in neutral words
(<中心名称>窗口单位考核办法), never another county's.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.api import Center, UserErrorsException, acall

RULES_DIR = Path(__file__).resolve().parent / "rules"
SUBJECT_KINDS: dict[str, str] = {"window": "窗口单位", "staff": "工作人员", "department": "进驻部门"}
MEASURED_SOURCES = (
    "faulty_cases", "overturned_returns", "overdue_days", "overdue_cases", "completion_shortfall",
    "rating_average", "dissatisfied_ratings", "verified_complaints", "staff_score_mean",
)


@lru_cache(maxsize=1)
def _bundled() -> tuple[str, ...]:
    return tuple(p.read_text("utf-8") for p in sorted(RULES_DIR.glob("*.json")))


def bundled_rules() -> list[dict[str, Any]]:
    """This plugin's rule sets (fresh copies: callers may change them)."""
    return [json.loads(text) for text in _bundled()]


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _category_problems(where: str, category: Mapping[str, Any]) -> list[str]:
    problems = []
    if not category.get("code") or not category.get("name") or not _number(category.get("points")):
        problems.append(f"{where}缺少 code、name 或 points")
    for rule in category.get("measured", []):
        if rule.get("source") not in MEASURED_SOURCES:
            problems.append(f"{where}的度量来源“{rule.get('source')}”未知，可用：{'、'.join(MEASURED_SOURCES)}")
        elif not (_number(rule.get("deduct")) or rule.get("bands") or _number(rule.get("scale"))):
            problems.append(f"{where}的度量规则需要 deduct、bands 或 scale 之一")
    for rule in category.get("manual", []):
        points = _number(rule.get("deduct")) or _number(rule.get("add"))
        if not rule.get("code") or not rule.get("label") or not points:
            problems.append(f"{where}的人工录入规则需要 code、label 和 deduct 或 add")
    return problems


def _grade_problems(name: str, grades: list[Any]) -> list[str]:
    """Grades are either all by score (``min``) or by ranking (``share`` quotas around one grade
    without a share)."""
    if not grades:
        return []
    if all(isinstance(g, Mapping) and _number(g.get("min")) and g.get("label") for g in grades):
        return []
    shared = [g for g in grades if isinstance(g, Mapping) and "share" in g]
    if not all(isinstance(g, Mapping) and g.get("label") for g in grades) or len(grades) - len(shared) != 1 \
            or not all(_number(g["share"]) and 0 <= g["share"] <= 1 for g in shared) \
            or sum(g["share"] for g in shared) > 1:
        return [f"{name}的等次应全部写 min，或除一个等次外都写 share（0 至 1，合计不超过 1）"]
    return []


def problems(doc: Mapping[str, Any]) -> list[str]:
    """What is wrong with a rule set document (empty when it can be used)."""
    name = f"考核规则“{doc.get('id', '?')}”"
    found = []
    if not doc.get("id") or doc.get("subject") not in SUBJECT_KINDS:
        found.append(f"{name}需要 id，subject 应为 {'、'.join(SUBJECT_KINDS)} 之一")
    if not _number(doc.get("base")) or not _number(doc.get("max")) or not doc.get("categories"):
        return [*found, f"{name}需要 base、max 和 categories"]
    for i, category in enumerate(doc["categories"]):
        found += _category_problems(f"{name}第{i + 1}项", category)
    codes = [c.get("code") for c in doc["categories"]]
    if len(set(codes)) != len(codes):
        found.append(f"{name}的考核项目编码重复")
    found += _grade_problems(name, doc.get("grades") or [])
    total = sum(c.get("points", 0) for c in doc["categories"] if _number(c.get("points")))
    if abs(total - doc["base"]) > 1e-9:
        found.append(f"{name}各项分值之和{total}与基本分{doc['base']}不符")
    return found


async def center_rule_sets(govhall: Any, center: Center) -> dict[str, dict[str, Any]]:
    """Every rule set the center's plugins supply, by id (the first of an id wins)."""
    found: dict[str, dict[str, Any]] = {}
    for docs in await acall(govhall.hub.for_center(center).assessment_rules, center=center):
        for doc in [docs] if isinstance(docs, Mapping) else docs or []:
            if isinstance(doc, Mapping) and doc.get("id") and doc["id"] not in found:
                found[str(doc["id"])] = copy.deepcopy(dict(doc))
    return found


async def rule_set_for(govhall: Any, center: Center, kind: str) -> dict[str, Any]:
    """The rule set the center assesses ``kind`` with; a Chinese error if none or invalid."""
    sets = await center_rule_sets(govhall, center)
    wanted = ((center.settings or {}).get("assessment") or {}).get(kind)
    if wanted:
        doc = sets.get(str(wanted))
        if doc is None or doc.get("subject") != kind:
            raise UserErrorsException.single("rules.missing", f"本中心指定的{SUBJECT_KINDS[kind]}考核规则“{wanted}”不存在")
    else:
        doc = next((d for d in sets.values() if d.get("subject") == kind), None)
        if doc is None:
            raise UserErrorsException.single("rules.missing", f"本中心未配置{SUBJECT_KINDS[kind]}考核规则")
    found = problems(doc)
    if found:
        raise UserErrorsException.single("rules.invalid", "；".join(found))
    return {**doc, "basis": basis_for(center, doc, kind)}


def basis_for(center: Center, doc: Mapping[str, Any], kind: str) -> str:
    """The 考核依据 the rankings print: the center's ``settings.assessment.basis.<kind>``, else the
    set's own ``basis`` (a county's plugin naming its own 办法), else the center's own rules in
    neutral words; never the ``origin`` of a set written for another county."""
    basis = ((center.settings or {}).get("assessment") or {}).get("basis") or {}
    if isinstance(basis, Mapping) and basis.get(kind):
        return str(basis[kind])  # the center's own 办法 for rules it took from elsewhere
    if doc.get("basis"):
        return str(doc["basis"])
    return f"{center.name}{SUBJECT_KINDS[kind]}考核办法"


def category(rules: Mapping[str, Any], code: str) -> Mapping[str, Any] | None:
    return next((c for c in rules["categories"] if c["code"] == code), None)
