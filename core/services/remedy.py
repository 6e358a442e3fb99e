"""The applicant's remedies (救济途径) that a refusal decision (不予许可决定书) and a return notice
(不予受理（退回）通知书) print: where to apply for 行政复议, before which court to bring 行政诉讼 and,
for a return only, where to ask for 复核.

Each authority is the deciding department's when it names one (``Department.reconsideration`` and
``court``: a vertically managed department such as 税务 names 上一级税务机关, where a 市场监管局's
decisions go to 本级人民政府), else the center's ``settings.remedy``, else the generic text below.
复核 of a return is the center's own (``settings.remedy.review``, else its supervision office): the
front desk returned the case, and the center reviews it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from core.plumbing.errors import UserError
from core.plumbing.models import Center, Department

GENERIC: Mapping[str, str] = {
    "reconsideration": "本级人民政府",
    "court": "有管辖权的人民法院",
}
"""What a document names when neither the department nor the center configures an authority: a
county department's acts go to its own government (行政复议法 2023, 第二十四条); a vertically managed
one (第二十七条) names the authority above it. The templates add the statutory limits (60 days, 6 months)."""

REMEDY_KINDS: frozenset[str] = frozenset({"return_notice", "refusal_decision"})
"""The kinds that print the remedies (the ``remedy`` block of their context)."""

DEPARTMENT_FIELDS: tuple[str, ...] = ("reconsideration", "court")
"""What a department may name itself: 复核 stays the center's."""


def remedy_for(center: Center, department: Department | None, kind: str) -> dict[str, str]:
    """``{reconsideration, court}`` (and ``review`` for a ``return_notice``) for a document of
    ``kind`` decided by ``department`` (``None``: the center's settings alone), field by field."""
    remedy = dict(GENERIC)
    configured = (center.settings or {}).get("remedy")
    if isinstance(configured, Mapping):
        remedy.update({name: str(value) for name, value in configured.items() if value})
    if department is not None:
        remedy.update({name: value for name in DEPARTMENT_FIELDS if (value := getattr(department, name, ""))})
    if kind == "return_notice":
        remedy.setdefault("review", f"{center.name}督查科")
    else:
        remedy.pop("review", None)  # 复核 is for returns (退回件), not for decisions
    return remedy


LABELS: Mapping[str, str] = {"reconsideration": "行政复议机关", "court": "行政诉讼法院", "review": "退回件复核机构"}
EXAMPLES: Mapping[str, str] = {
    "reconsideration": "国家税务总局清远市税务局", "court": "连州市人民法院", "review": "连州市政务服务中心督查科",
}
# How each name reads in the printed sentence (…向<名称>申请行政复议…): a name, not a sentence of its own.
SENTENCES: Mapping[str, str] = {"reconsideration": "向……申请行政复议", "court": "向……提起行政诉讼", "review": "向……申请复核"}
AUTHORITY_MIN, AUTHORITY_MAX = 2, 64
_NOT_IN_A_NAME = re.compile(r"[。；;，,：:！!？?、\s]")


def authority_errors(field: str, value: str, path: str) -> list[UserError]:
    """What is wrong with ``value`` as the ``field`` authority (``reconsideration``, ``court``,
    ``review``), reported at ``path``: it is printed inside a sentence, so it must be one name
    (2–64 characters, no punctuation or spaces, not the sentence itself), and a court's name ends
    with 法院. An empty value is no problem: the next level's authority applies."""
    label, example = LABELS[field], EXAMPLES[field]
    if not value:
        return []
    if len(value) < AUTHORITY_MIN:
        return [UserError("too_short", f"{label}至少{AUTHORITY_MIN}个字", path)]
    if len(value) > AUTHORITY_MAX:
        return [UserError("too_long", f"{label}不能超过{AUTHORITY_MAX}个字", path)]
    if _NOT_IN_A_NAME.search(value) or value.startswith("向") or value.endswith(("申请行政复议", "提起行政诉讼", "申请复核")):
        return [UserError("format.authority", f"{label}只填写机关名称，如“{example}”，不含标点、空格或整句话："
                                              f"文书上写作“{SENTENCES[field]}”", path)]
    if field == "court" and not value.endswith("法院"):
        return [UserError("format.court", f"{label}应为人民法院的名称，以“法院”结尾，如“{example}”", path)]
    return []
