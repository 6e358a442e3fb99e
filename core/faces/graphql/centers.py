"""centers, center, and switching a center's plugins."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from core.services.centers import get_center, set_plugin_enabled
from core.services.complaints import publicity_days
from core.plumbing.models import Center as CenterRow
from core.plumbing.models import DEPARTMENT_ORDER, WINDOW_ORDER
from core.plumbing.models import Department as DepartmentRow
from core.plumbing.models import Window as WindowRow
from core.faces.graphql.context import Info
from core.faces.graphql.types import UserErrors, mutation_result


@strawberry.type
class Department:
    code: str
    name: str
    category: str
    back_office: str = strawberry.field(default="", description="后台审批科室")
    abbreviation: str = strawberry.field(default="", description="文号简称，如 连市监审")
    seal_name: str = strawberry.field(default="", description="审批专用章印文；空则为部门名称＋审批专用章")
    reconsideration: str = strawberry.field(
        default="", description="本部门不予许可决定书、退回通知书写明的行政复议机关；空则用中心设置，再空则为“本级人民政府”"
    )
    court: str = strawberry.field(
        default="", description="本部门不予许可决定书、退回通知书写明的行政诉讼法院；空则用中心设置，再空则为“有管辖权的人民法院”"
    )


@strawberry.type
class Window:
    code: str
    name: str
    kind: str = strawberry.field(description="comprehensive 综合窗口、special 专业窗口、pickup 出件窗口、consult 咨询窗口、agency 代办窗口")
    department: str | None = strawberry.field(default=None, description="所属部门代码")
    serves: list[str] = strawberry.field(default_factory=list, description="综合窗口服务的部门代码")
    closed_at: datetime | None = strawberry.field(default=None, description="撤销的时间（closeWindow），未撤销为 null")

    @strawberry.field(description="已撤销：不再受理新的办件、不再供选择，办件仍记着它")
    def closed(self) -> bool:
        return self.closed_at is not None


def department_type(d: DepartmentRow) -> Department:
    return Department(code=d.code, name=d.name, category=d.category, back_office=d.back_office,
                      abbreviation=d.abbreviation, seal_name=d.seal_name, reconsideration=d.reconsideration, court=d.court)


def window_type(w: WindowRow, department_code: str | None) -> Window:
    return Window(code=w.code, name=w.name, kind=w.kind, department=department_code, serves=list(w.serves or []),
                  closed_at=w.closed_at)


@strawberry.type
class Center:
    code: str
    name: str
    plugins: list[str]
    office_hours: list[str]
    parent: str | None
    complaint_publicity_days: int = strawberry.field(description="匿名投诉处理结果公示期（天，含记录当日）：公示期内的处理结果在办事大厅公示")
    _id: strawberry.Private[int]

    @strawberry.field
    async def departments(self) -> list[Department]:
        rows = await DepartmentRow.filter(center_id=self._id).order_by(*DEPARTMENT_ORDER)
        return [department_type(d) for d in rows]

    @strawberry.field(description="本中心的窗口；已撤销的（closeWindow）只在 includeClosed 时列出（中心管理）")
    async def windows(self, include_closed: bool = False) -> list[Window]:
        rows = WindowRow.filter(center_id=self._id)
        if not include_closed:
            rows = rows.filter(closed_at__isnull=True)
        rows = await rows.order_by(*WINDOW_ORDER).select_related("department")
        return [window_type(w, w.department.code if w.department else None) for w in rows]


def center_type(row: CenterRow, parent_code: str | None = None) -> Center:
    return Center(
        code=row.code, name=row.name, plugins=list(row.plugins or []), office_hours=list(row.office_hours or []),
        parent=parent_code, complaint_publicity_days=publicity_days(row), _id=row.id,
    )


SetPluginResult = Annotated[Center | UserErrors, strawberry.union("SetPluginResult")]


@strawberry.type(description="一个已安装的插件：代码与中文名称")
class PluginTitle:
    name: str = strawberry.field(description="插件代码（中心文件与 setPluginEnabled 使用）")
    title: str = strawberry.field(description="中文名称")


@strawberry.type
class Query:
    @strawberry.field(description="所有政务服务中心（公开）")
    async def centers(self) -> list[Center]:
        rows = await CenterRow.all().order_by("id").select_related("parent")
        return [center_type(r, r.parent.code if r.parent else None) for r in rows]

    @strawberry.field(description="一个中心（公开）")
    async def center(self, code: str) -> Center | None:
        row = await CenterRow.get_or_none(code=code).select_related("parent")
        return center_type(row, row.parent.code if row.parent else None) if row else None

    @strawberry.field(description="本部署已安装、中心可以启用的插件")
    def installed_plugins(self, info: Info) -> list[str]:
        return sorted(info.context.govhall.hub.installed)

    @strawberry.field(description="已安装插件的中文名称（插件以 register_title 声明；未声明的以代码称呼），按代码排序")
    def installed_plugin_titles(self, info: Info) -> list[PluginTitle]:
        titles = info.context.govhall.hub.titles
        return [PluginTitle(name=name, title=titles[name]) for name in sorted(titles)]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="为中心启用或停用插件（管理员），立即生效")
    async def set_plugin_enabled(self, info: Info, center: str, plugin: str, enabled: bool) -> SetPluginResult:
        async def work() -> CenterRow:
            row = await get_center(center)
            info.context.actor.require(row.id, "admin")
            return await set_plugin_enabled(row, plugin, enabled, info.context.govhall.hub.installed)

        return await mutation_result(work, center_type)
