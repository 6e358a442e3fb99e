"""saveDepartment, saveWindow and closeWindow: a center's departments and windows kept from the admin
screen (administrators and configurators of that center), and the department categories its form offers
(departmentCategories). The service is :mod:`core.services.org`."""

from __future__ import annotations

from typing import Annotated

import strawberry

from core.services import org
from core.plumbing.models import Window as WindowRow
from core.faces.graphql.centers import Department, Window, department_type, window_type
from core.faces.graphql.context import Info
from core.faces.graphql.types import UserErrors, mutation_result

SaveDepartmentResult = Annotated[Department | UserErrors, strawberry.union("SaveDepartmentResult")]
SaveWindowResult = Annotated[Window | UserErrors, strawberry.union("SaveWindowResult")]


async def _present_window(row: WindowRow) -> Window:
    await row.fetch_related("department")
    return window_type(row, row.department.code if row.department else None)


@strawberry.type(description="部门类别（联办件牵头部门按类别判定）")
class DepartmentCategory:
    code: str = strawberry.field(description="类别，即 saveDepartment 的 category")
    label: str = strawberry.field(description="类别及其牵头的事项类别（中文）")


@strawberry.type
class Query:
    @strawberry.field(description="本中心部门可选的类别（管理员、配置员），按牵头规则的顺序；部门也可不设类别（未分类）")
    async def department_categories(self, info: Info, center: str) -> list[DepartmentCategory]:
        found = await org.department_categories(info.context.actor, center)
        return [DepartmentCategory(code=code, label=label) for code, label in found]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="新增（isNew，代码不得重复）或修改本中心的进驻部门（管理员、配置员）；部门代码不可修改。"
                                     "category、backOffice、abbreviation、sealName、reconsideration、court 不传（或传 null）则保持原样，"
                                     "传空字符串则清除（救济途径清除后改用中心设置）")
    async def save_department(
        self, info: Info, center: str, code: str, name: str, category: str | None = None, back_office: str | None = None,
        abbreviation: str | None = None, seal_name: str | None = None, is_new: bool = False,
        reconsideration: str | None = None, court: str | None = None,
    ) -> SaveDepartmentResult:
        given = org.DepartmentInput(
            code=code, name=name, category=category, back_office=back_office, abbreviation=abbreviation,
            seal_name=seal_name, reconsideration=reconsideration, court=court,
        )
        actor = info.context.actor
        return await mutation_result(lambda: org.save_department(actor, center, given, is_new=is_new), department_type)

    @strawberry.mutation(description="新增（isNew，编号不得重复）或修改本中心的窗口（管理员、配置员）：名称、类型、所属部门、综合窗口服务的部门")
    async def save_window(
        self, info: Info, center: str, code: str, name: str, kind: str = "special", department: str | None = None,
        serves: list[str] | None = None, is_new: bool = False,
    ) -> SaveWindowResult:
        given = org.WindowInput(code=code, name=name, kind=kind.strip(), department=department, serves=tuple(serves or ()))
        actor = info.context.actor
        result = await mutation_result(lambda: org.save_window(actor, center, given, is_new=is_new), lambda row: row)
        return result if isinstance(result, UserErrors) else await _present_window(result)

    @strawberry.mutation(description="撤销本中心的窗口（管理员、配置员；reopen 为恢复）：撤销的窗口不再受理新的办件、不再供选择，"
                                     "办件、名册、考核仍记着它；本中心最后一个出件窗口须先另设出件窗口才能撤销（last_pickup_window），"
                                     "本中心启用的插件仍在用的窗口（如大厅现场服务的排队业务仍由它叫号）须先停用（window_in_use）")
    async def close_window(self, info: Info, center: str, code: str, reopen: bool = False) -> SaveWindowResult:
        actor = info.context.actor
        result = await mutation_result(lambda: org.close_window(info.context.govhall, actor, center, code, reopen=reopen), lambda row: row)
        return result if isinstance(result, UserErrors) else await _present_window(result)
