"""Who decides a leave request's step: the holder of the step's post on the register, or, while
that post is vacant, the next post up.

A post is *vacant* for a request when nobody but the person asking holds it: no active
``window_leader`` at the person's window, no active ``office``, no active ``supervision`` (nor a
core supervisor) or ``leadership`` on the register. A new request with a vacant post on its route
is refused (``no_approver``, :mod:`.leave`), but a post can fall vacant while requests wait at it:
its holder moves to another post, leaves the register or is deactivated. Such a request is never
stuck: it is decided, as on paper when a signatory is missing, by the next post on the request's
own route that somebody holds (a vacant 窗口负责人's step by 中心办公室, a vacant 中心办公室's by
督查科 or 中心领导), and when every post after it is vacant as well, by the center's
administrator (管理员, who keeps the register). Nothing is stored: it is worked out each time the
request is read or decided, so once the post is filled again its new holder decides. (Only which
deciding post was told of it is kept, :mod:`.acting`.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.api import Actor, Center, RoleAssignment, User

from .models import POSITIONS, LeaveRequest, StaffRecord
from .register import record_of

STEPS = {"window": "窗口负责人签字", "office": "中心办公室审核", "supervision": "督查科核准", "leadership": "中心领导核准"}
STEP_POSITIONS = {"window": "window_leader", "office": "office", "supervision": "supervision", "leadership": "leadership"}
ADMIN = "admin"
"""The post past the last step: the center's administrators (the core's ``admin`` role)."""
POST_LABELS = {**{step: POSITIONS[position] for step, position in STEP_POSITIONS.items()}, ADMIN: "中心管理员"}


@dataclass
class Vacancies:
    """Which posts are vacant, asked once per post, window and person within one read of the list."""

    center: Center
    known: dict[tuple[str, int | None, int], bool] = field(default_factory=dict)

    async def vacant(self, step: str, person: StaffRecord | None, requester_id: int) -> bool:
        window_id = person.window_id if person is not None else None  # type: ignore[attr-defined]
        key = (step, window_id if step == "window" else None, requester_id)
        if key not in self.known:
            self.known[key] = await _vacant(self.center, step, window_id, requester_id)
        return self.known[key]


async def _vacant(center: Center, step: str, window_id: int | None, requester_id: int) -> bool:
    if step == "window" and window_id is None:
        return True  # the person no longer works at a window: no window leader can sign
    holders = StaffRecord.filter(center_id=center.id, position=STEP_POSITIONS[step], user__active=True).exclude(
        user_id=requester_id)
    if step == "window":
        holders = holders.filter(window_id=window_id)
    if await holders.exists():
        return False
    if step == "supervision":
        return not await RoleAssignment.filter(center_id=center.id, role="supervisor", user__active=True).exclude(
            user_id=requester_id).exists()
    return True


async def post_vacant(center: Center, step: str, person: StaffRecord) -> bool:
    """Whether nobody but ``person`` holds the post that decides ``step`` of their request."""
    return await Vacancies(center).vacant(step, person, person.user_id)  # type: ignore[attr-defined]


async def deciding_post(center: Center, leave: LeaveRequest, vacancies: Vacancies | None = None) -> str:
    """The post that decides the request's current step now: the step's own, else (vacant) the
    next post on its route somebody holds, else :data:`ADMIN`."""
    vacancies = vacancies or Vacancies(center)
    person = await record_of(center, leave.user_id)  # type: ignore[attr-defined]
    for step in leave.route[leave.step:]:
        if not await vacancies.vacant(step, person, leave.user_id):  # type: ignore[attr-defined]
            return str(step)
    return ADMIN


async def holds(actor: Actor, center: Center, leave: LeaveRequest, post: str) -> bool:
    """Whether the actor holds ``post`` for this request (a window leader: of the person's own window)."""
    if actor.user is None or actor.user.id == leave.user_id:  # type: ignore[attr-defined]
        return False
    if post == ADMIN:
        return actor.has(center.id, "admin")
    if post == "supervision" and actor.has(center.id, "supervisor"):
        return True
    own = await record_of(center, actor.user.id)
    if own is None or own.position != STEP_POSITIONS[post]:
        return False
    if post == "window":
        person = await record_of(center, leave.user_id)  # type: ignore[attr-defined]
        return person is not None and person.window_id is not None and person.window_id == own.window_id  # type: ignore[attr-defined]
    return True


async def holders(center: Center, leave: LeaveRequest, post: str) -> list[User]:
    """The active people who hold ``post`` for this request (those :func:`holds` lets decide it),
    the person asking left out: whom to tell that the request now waits for them."""
    if post == ADMIN:
        ids = set(await RoleAssignment.filter(center_id=center.id, role="admin").values_list("user_id", flat=True))
    else:
        records = StaffRecord.filter(center_id=center.id, position=STEP_POSITIONS[post])
        if post == "window":
            person = await record_of(center, leave.user_id)  # type: ignore[attr-defined]
            if person is None or person.window_id is None:  # type: ignore[attr-defined]
                return []
            records = records.filter(window_id=person.window_id)  # type: ignore[attr-defined]
        ids = set(await records.values_list("user_id", flat=True))
        if post == "supervision":
            ids |= set(await RoleAssignment.filter(center_id=center.id, role="supervisor").values_list("user_id", flat=True))
    ids.discard(leave.user_id)  # type: ignore[attr-defined]
    return await User.filter(id__in=ids, active=True).order_by("id") if ids else []


def waiting_label(step: str, post: str) -> str:
    """What a pending request waits for: 窗口负责人签字, or 窗口负责人签字（窗口负责人空缺，由中心办公室审批）."""
    if post == step:
        return STEPS[step]
    return f"{STEPS[step]}（{POST_LABELS[step]}空缺，由{POST_LABELS[post]}审批）"
