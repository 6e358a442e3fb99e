"""Staff accounts of a center (administrators and configurators of that center): the list, adding an
account with its posts, changing posts, resetting a password, deactivating. The service is
:mod:`core.services.staff`; this module shapes the answers."""

from __future__ import annotations

from typing import Annotated

import strawberry

from core.services import staff
from core.faces.graphql.context import Info
from core.faces.graphql.types import RoleGrant, UserErrors, mutation_result


@strawberry.type(name="StaffAccount", description="中心工作人员账号及其在本中心的岗位")
class StaffAccountType:
    username: str
    display_name: str
    phone: str
    active: bool = strawberry.field(description="停用的账号不能登录")
    roles: list[RoleGrant] = strawberry.field(description="在本中心的岗位（后台审批岗位带部门）")


@strawberry.input(description="一个岗位：role 为 clerk、reviewer、head、pickup、supervisor、agent、configurator、admin；后台审批须带部门")
class PostInput:
    role: str
    department: str | None = None


StaffAccountResult = Annotated[StaffAccountType | UserErrors, strawberry.union("StaffAccountResult")]


def _present(center: str):
    def present(member: staff.StaffMember) -> StaffAccountType:
        u = member.user
        return StaffAccountType(
            username=u.username, display_name=u.display_name, phone=u.phone, active=u.active,
            roles=[RoleGrant(center=center, role=p.role, department=p.department) for p in member.posts],
        )

    return present


def _posts(roles: list[PostInput]) -> list[staff.Post]:
    return [staff.Post(r.role.strip(), (r.department or "").strip() or None) for r in roles]


@strawberry.type
class Query:
    @strawberry.field(description="本中心的工作人员账号（管理员、配置员）")
    async def staff_accounts(self, info: Info, center: str) -> list[StaffAccountType]:
        return [_present(center)(m) for m in await staff.list_staff(info.context.actor, center)]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="新增工作人员账号并授予本中心岗位（管理员、配置员；只有管理员可授予管理员岗位）")
    async def add_staff_account(
        self, info: Info, center: str, username: str, display_name: str, password: str, roles: list[PostInput],
        phone: str | None = None,
    ) -> StaffAccountResult:
        actor = info.context.actor
        return await mutation_result(
            lambda: staff.add_staff(actor=actor, center_code=center, username=username, display_name=display_name, password=password, posts=_posts(roles), phone=phone or "",
                                    hashing=info.context.govhall.settings.password_hashing),
            _present(center),
        )

    @strawberry.mutation(description="调整工作人员在本中心的岗位（整体替换；其他中心的岗位不变）")
    async def set_staff_roles(self, info: Info, center: str, username: str, roles: list[PostInput]) -> StaffAccountResult:
        actor = info.context.actor
        return await mutation_result(lambda: staff.set_posts(actor, center, username, _posts(roles)), _present(center))

    @strawberry.mutation(description="重置工作人员密码（至少8位）；该账号已登录的会话失效")
    async def reset_staff_password(self, info: Info, center: str, username: str, password: str) -> StaffAccountResult:
        actor = info.context.actor
        hashing = info.context.govhall.settings.password_hashing
        return await mutation_result(lambda: staff.reset_password(actor, center, username, password, hashing=hashing),
                                     _present(center))

    @strawberry.mutation(description="停用或重新启用只在本中心任职的工作人员账号；停用后不能登录。仍是在办办件首问负责人的，须以 handOverTo 指定接手的综合窗口人员或首席代表，办件逐件移交并记入办件日志")
    async def set_staff_active(self, info: Info, center: str, username: str, active: bool,
                               hand_over_to: str | None = None) -> StaffAccountResult:
        actor = info.context.actor
        return await mutation_result(lambda: staff.set_active(actor, center, username, active, govhall=info.context.govhall,
                                                              hand_over_to=hand_over_to), _present(center))
