"""Staff accounts of a center, kept by its administrators and configurators: add an account with
its posts (roles, a reviewer's department), change the posts, reset the password, deactivate.

Everything is per center: an administrator of one center sees and changes only the posts in that
center. An account that still holds posts in another center is not deactivated from here (that would
lock it out there too); its posts here are removed instead. Only an administrator grants ``admin``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from tortoise.transactions import in_transaction

from core.services.accounts import ROLES, Actor, add_user, hash_password
from core.services.centers import get_center
from core.services.handover import hand_over_open_cases, open_cases_of
from core.services.sessions import forget_sign_ins
from core.plumbing.errors import NotFound, UserError, UserErrorsException
from core.plumbing.models import Case, Center, Department, RoleAssignment, Token, User
from core.plumbing.passwords import PasswordHashing

if TYPE_CHECKING:
    from core.services.runtime import GovHall

MANAGER_ROLES = ("admin", "configurator")
# Posts a center's staff list manages (applicants register themselves).
POSTS = ("clerk", "reviewer", "head", "pickup", "supervisor", "agent", "configurator", "admin")
MIN_PASSWORD = 8


@dataclass(frozen=True)
class Post:
    role: str
    department: str | None


@dataclass(frozen=True)
class StaffMember:
    user: User
    posts: list[Post]


async def _center_for(actor: Actor, center_code: str) -> tuple[Center, User]:
    center = await get_center(center_code)
    return center, actor.require(center.id, *MANAGER_ROLES)


async def _posts(center: Center, user_ids: Sequence[int]) -> dict[int, list[Post]]:
    rows = await RoleAssignment.filter(center_id=center.id, user_id__in=list(user_ids), role__in=POSTS).select_related("department")
    out: dict[int, list[Post]] = {}
    for r in sorted(rows, key=lambda r: (POSTS.index(r.role), r.department.code if r.department else "")):
        out.setdefault(r.user_id, []).append(Post(r.role, r.department.code if r.department else None))  # type: ignore[attr-defined]
    return out


async def list_staff(actor: Actor, center_code: str) -> list[StaffMember]:
    """Everyone holding a post in the center, by name."""
    center, _ = await _center_for(actor, center_code)
    ids = await RoleAssignment.filter(center_id=center.id, role__in=POSTS).distinct().values_list("user_id", flat=True)
    users = await User.filter(id__in=list(ids)).order_by("username")
    posts = await _posts(center, [u.id for u in users])
    return [StaffMember(u, posts.get(u.id, [])) for u in users]


async def _member(center: Center, username: str) -> StaffMember:
    user = await User.get_or_none(username=username.strip())
    if user is None:
        raise NotFound(f"账号“{username}”不存在")
    posts = (await _posts(center, [user.id])).get(user.id, [])
    if not posts:
        raise NotFound(f"账号“{username}”不在本中心任职")
    return StaffMember(user, posts)


async def _check_posts(actor: Actor, center: Center, posts: Sequence[Post]) -> tuple[list[tuple[str, Department | None]], list[UserError]]:
    errors: list[UserError] = []
    resolved: list[tuple[str, Department | None]] = []
    departments = {d.code: d for d in await Department.filter(center_id=center.id)}
    if not posts:
        errors.append(UserError("required", "请至少选择一个岗位", "/roles"))
    for i, post in enumerate(posts):
        if post.role not in POSTS:
            errors.append(UserError("unknown_role", f"岗位应为：{'、'.join(ROLES[r] for r in POSTS)}", f"/roles/{i}/role"))
            continue
        if post.role == "admin" and not actor.has(center.id, "admin"):
            errors.append(UserError("forbidden", "只有管理员可以授予管理员岗位", f"/roles/{i}/role"))
        department = None
        if post.department:
            department = departments.get(post.department)
            if department is None:
                errors.append(UserError("unknown_department", f"本中心没有部门“{post.department}”", f"/roles/{i}/department"))
        elif post.role == "reviewer":
            errors.append(UserError("required", "后台审批岗位须指定所在部门", f"/roles/{i}/department"))
        resolved.append((post.role, department))
    return resolved, errors


async def _replace_posts(center: Center, user: User, resolved: Sequence[tuple[str, Department | None]]) -> None:
    await RoleAssignment.filter(center_id=center.id, user_id=user.id, role__in=POSTS).delete()
    seen: set[tuple[str, int | None]] = set()
    for role, department in resolved:
        key = (role, department.id if department else None)
        if key not in seen:
            seen.add(key)
            await RoleAssignment.create(user=user, center=center, role=role, department=department)
    forget_sign_ins()


async def add_staff(actor: Actor, center_code: str, username: str, display_name: str, password: str,
                    posts: Sequence[Post], phone: str = "", *, hashing: PasswordHashing | None = None) -> StaffMember:
    """A new account with its posts in the center; every problem at once, nothing created on any."""
    center, _ = await _center_for(actor, center_code)
    resolved, errors = await _check_posts(actor, center, posts)
    if not display_name.strip():
        errors.append(UserError("required", "请填写姓名", "/displayName"))
    account_ok = False
    try:
        async with in_transaction():
            user = await add_user(username.strip(), password, display_name=display_name.strip(), phone=phone.strip(),
                                  hashing=hashing)
            account_ok = True
            if errors:
                raise UserErrorsException(errors)  # undoes the account
            await _replace_posts(center, user, resolved)
    except UserErrorsException as exc:
        raise UserErrorsException(errors if account_ok else [*exc.errors, *errors]) from None
    return await _member(center, user.username)


async def set_posts(actor: Actor, center_code: str, username: str, posts: Sequence[Post]) -> StaffMember:
    """Replace the account's posts in this center (its posts elsewhere stay)."""
    center, me = await _center_for(actor, center_code)
    member = await _member(center, username)
    resolved, errors = await _check_posts(actor, center, posts)
    if member.user.id == me.id and not any(role in MANAGER_ROLES for role, _ in resolved):
        errors.append(UserError("self", "不能取消自己的管理岗位", "/roles"))
    if any(p.role == "admin" for p in member.posts) and not actor.has(center.id, "admin"):
        errors.append(UserError("forbidden", "只有管理员可以调整管理员的岗位", "/roles"))
    if errors:
        raise UserErrorsException(errors)
    async with in_transaction():
        await _replace_posts(center, member.user, resolved)
    return await _member(center, member.user.username)


async def reset_password(actor: Actor, center_code: str, username: str, password: str,
                         *, hashing: PasswordHashing | None = None) -> StaffMember:
    """A new password, hashed with the deployment's parameters (``hashing``; default the production
    ones); the account's sessions end."""
    center, _ = await _center_for(actor, center_code)
    member = await _member(center, username)
    if len(password) < MIN_PASSWORD:
        raise UserErrorsException.single("password.too_short", f"密码至少{MIN_PASSWORD}位", "/password")
    if any(p.role == "admin" for p in member.posts) and not actor.has(center.id, "admin"):
        raise UserErrorsException.single("forbidden", "只有管理员可以重置管理员的密码", "/username")
    member.user.password_hash = await hash_password(password, hashing or PasswordHashing())
    await member.user.save(update_fields=["password_hash"])
    await _end_sessions(member.user)
    return member


async def set_active(actor: Actor, center_code: str, username: str, active: bool, *, govhall: GovHall,
                     hand_over_to: str | None = None) -> StaffMember:
    """Deactivate (sessions end, login refused) or reactivate an account that works only here.

    A person still 首问负责 for open cases of the center is deactivated only with ``hand_over_to``,
    a colleague at the front desk (clerk or chief representative, in use) who becomes responsible for
    them, each case recording the hand-over; otherwise nobody would answer for those cases."""
    center, me = await _center_for(actor, center_code)
    member = await _member(center, username)
    partner: User | None = None
    held: list[Case] = []
    if not active:
        partner = await _successor(center, member.user, hand_over_to)
        held = await open_cases_of(govhall, center, member.user)
        if held and partner is None:
            name = member.user.display_name or member.user.username
            raise UserErrorsException.single(
                "open_cases", f"{name}是{len(held)}件在办办件的首问负责人，请选择接手的工作人员，移交后再停用", "/handOverTo")
        if member.user.id == me.id:
            raise UserErrorsException.single("self", "不能停用自己的账号", "/username")
        elsewhere = await RoleAssignment.filter(user_id=member.user.id).exclude(center_id=center.id).exclude(role="applicant").exists()
        if elsewhere:
            raise UserErrorsException.single(
                "other_center", "该账号还在其他中心任职，不能在本中心停用；请改为取消其在本中心的岗位", "/username")
        if any(p.role == "admin" for p in member.posts) and not actor.has(center.id, "admin"):
            raise UserErrorsException.single("forbidden", "只有管理员可以停用管理员账号", "/username")
    async with in_transaction():
        if held and partner is not None:
            reason = f"{member.user.display_name or member.user.username}的账号停用，首问负责移交{partner.display_name or partner.username}"
            await hand_over_open_cases(govhall, actor, center, person=member.user, partner=partner, reason=reason)
        member.user.active = active
        await member.user.save(update_fields=["active"])
    forget_sign_ins()
    if not active:
        await _end_sessions(member.user)
    return member


SUCCESSOR_ROLES = ("clerk", "head")


async def _successor(center: Center, person: User, username: str | None) -> User | None:
    """The colleague named to take over ``person``'s cases: in use, at the front desk of the center."""
    if not username or not username.strip():
        return None
    user = await User.get_or_none(username=username.strip(), active=True)
    works_here = user is not None and user.id != person.id and await RoleAssignment.filter(
        center_id=center.id, user_id=user.id, role__in=SUCCESSOR_ROLES).exists()
    if not works_here:
        raise UserErrorsException.single("handover.invalid", "接手人员应为本中心在用的综合窗口人员或首席代表（不能是本人）", "/handOverTo")
    return user


async def _end_sessions(user: User) -> None:
    await Token.filter(user_id=user.id, revoked_at=None).update(revoked_at=datetime.now(timezone.utc))
    forget_sign_ins()
