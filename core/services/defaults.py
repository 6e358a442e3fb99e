"""The core's default hook implementations: every center has them, plugins may override them
(``trylast`` so that any enabled plugin answering a first-result hook wins)."""

from __future__ import annotations

from collections.abc import Sequence

from core.services import clock
from core.services.hookspecs import hookimpl
from core.plumbing.models import Case, Center, Department, ItemVersion, Notification

# The approval center's rules: which department leads a joint case, by the item's category.
LEAD_BY_CATEGORY: dict[str, str] = {
    "建设项目": "发展改革",
    "房地产开发": "发展改革",
    "技术改造": "经济信息",
    "公用事业": "住房建设",
    "小型企业": "市场监管",
}
# The department categories those rules know: a department's ``category`` is one of them or empty.
DEPARTMENT_CATEGORIES: tuple[str, ...] = tuple(dict.fromkeys(LEAD_BY_CATEGORY.values()))


def category_label(category: str) -> str:
    """How the admin screen names a department category: the category and the item categories whose
    joint cases a department of it leads (the reason it is set at all)."""
    leads = [item for item, department in LEAD_BY_CATEGORY.items() if department == category]
    return f"{category}（牵头：{'、'.join(leads)}）"


def category_problem(value: str) -> str | None:
    """A Chinese refusal for a department category the lead rules would never match, else None."""
    if value == "" or value in DEPARTMENT_CATEGORIES:
        return None
    return f"部门类别“{value}”未知：联办件牵头部门按类别判定，可用类别为{'、'.join(DEPARTMENT_CATEGORIES)}，或留空"


@hookimpl(trylast=True)
def choose_lead_department(center: Center, item: ItemVersion, departments: Sequence[Department]) -> str | None:
    """By category (the approval center's rules); otherwise the last approving department."""
    if not departments:
        return None
    wanted = LEAD_BY_CATEGORY.get(item.definition.get("category", ""))
    if wanted:
        for department in departments:
            if department.category == wanted:
                return department.code
    return departments[-1].code


@hookimpl(trylast=True)
async def send_notification(center: Center, recipient: str, text: str, case: Case | None) -> str:
    """Record the message; a deployment with an SMS gateway adds a plugin that sends it."""
    await Notification.create(center=center, case=case, channel="sms", recipient=recipient, text=text, created_at=clock.now())
    return "sms"
