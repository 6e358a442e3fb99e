"""Finding a person of the zone by name, ID number or mobile: an agent picks the applicant it files
for, a head picks the agent it assigns, without anyone typing a login name."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Q

from core.api import Actor, RoleAssignment, User, UserErrorsException

from .zone import ZONE_STAFF, zone_center

SEARCH_ROLES = {"applicant": "申请人", "agent": "代办员"}
MIN_LENGTH = 1
LIMIT = 20


@dataclass(frozen=True)
class Person:
    username: str
    display_name: str
    id_number: str  # masked
    phone: str  # masked


def mask(value: str, keep_start: int, keep_end: int) -> str:
    value = value.strip()
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[len(value) - keep_end:]


async def search_people(actor: Actor, center_code: str, role: str, text: str) -> list[Person]:
    """Holders of ``role`` in the center whose name contains ``text`` or whose ID number or mobile is
    ``text``; zone staff and agents only. ID numbers and mobiles come back masked."""
    center = await zone_center(center_code)
    actor.require(center.id, *ZONE_STAFF, "agent")
    if role not in SEARCH_ROLES:
        raise UserErrorsException.single("role", f"只能查找{'、'.join(SEARCH_ROLES.values())}", "/role")
    text = text.strip()
    if len(text) < MIN_LENGTH:
        raise UserErrorsException.single("required", "请输入姓名、身份证号码或手机号码", "/search")
    holders = RoleAssignment.filter(center_id=center.id, role=role).values_list("user_id", flat=True)
    ids = set(await holders)
    users = await User.filter(
        Q(id__in=list(ids)), Q(active=True),
        Q(display_name__icontains=text) | Q(id_number=text.upper()) | Q(phone=text) | Q(username=text),
    ).order_by("display_name", "id").limit(LIMIT)
    return [
        Person(username=u.username, display_name=u.display_name or u.username,
               id_number=mask(u.id_number, 6, 4) if u.id_number else "", phone=mask(u.phone, 3, 4) if u.phone else "")
        for u in users
    ]
