"""items, item, itemDraft, itemDrafts, itemDraftChanges, validateCaseData, processes, defineItem,
publishItem, discardItemDraft."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from core.services import items as service
from core.services.centers import get_center
from core.plumbing.errors import NotFound, UserErrorsException
from core.services.form_validation import CASE_DATA_MAX_BYTES, ITEM_MAX_BYTES, FormValidator, check_form_schema, check_size, validator_for
from core.plumbing.models import Item as ItemRow
from core.plumbing.models import ItemVersion
from core.faces.graphql.context import Info
from core.faces.graphql.types import UserError, UserErrors, mutation_result


@strawberry.type(description="事项（已发布版本或草稿）")
class Item:
    code: str
    name: str
    version: int | None = strawberry.field(description="版本号；草稿为 null")
    kind: str = strawberry.field(description="默认办件类型：immediate 即办件 / promised 承诺件")
    item_type: str
    legal_days: int
    promised_days: int
    department: str
    joint_departments: list[str]
    process: str
    elements: JSON = strawberry.field(description="公开要素：设定依据、受理条件、申报材料、收费、审查要点…")
    form: JSON = strawberry.field(description="表单 JSON Schema（draft 2020-12），含界面提示")
    published_at: str | None = None


def item_type(definition: dict, version: int | None, published_at: str | None = None) -> Item:
    return Item(
        code=definition["code"], name=definition["name"], version=version, kind=definition.get("caseKind", "promised"),
        item_type=definition.get("itemType", ""), legal_days=definition.get("legalDays", 0),
        promised_days=definition.get("promisedDays", 0), department=definition.get("department", ""),
        joint_departments=list(definition.get("jointDepartments", [])), process=definition.get("process", ""),
        elements=service.elements_of(definition), form=definition.get("form", {}), published_at=published_at,
    )


def from_version(row: ItemVersion) -> Item:
    return item_type(row.definition, row.version, row.published_at.isoformat())


@strawberry.type(description="草稿相对已发布版本的一处改动")
class ItemChange:
    path: str = strawberry.field(description="改动处在事项文档中的 JSON 指针")
    change: str = strawberry.field(description="added / removed / changed")
    old: JSON | None
    new: JSON | None
    description: str = strawberry.field(description="改动的中文说明，如“新增必填字段“健康证编号””")


@strawberry.type(description="放弃草稿的结果：事项回到的已发布版本；从未发布的事项被删除时为 null")
class DiscardedDraft:
    code: str
    item: Item | None


@strawberry.type(name="Process", description="办理流程（core 的及插件注册的）：事项文档的 process 填它的 id")
class ProcessInfo:
    id: str
    name: str
    description: str


DefineItemResult = Annotated[Item | UserErrors, strawberry.union("DefineItemResult")]
PublishItemResult = Annotated[Item | UserErrors, strawberry.union("PublishItemResult")]
DiscardItemDraftResult = Annotated[DiscardedDraft | UserErrors, strawberry.union("DiscardItemDraftResult")]


@strawberry.type
class Query:
    @strawberry.field(description="中心已发布的事项（公开），可按名称、编码或关键词（俗称）搜索")
    async def items(
        self, center: str,
        search: Annotated[str | None, strawberry.argument(description="名称、编码或关键词中的词，多个词以空格分隔，须都出现；词尾的证、办理、申请等可有可无（食品经营许可证可查到食品经营许可），全角字母数字同半角；名称或编码命中的排在前，只在关键词中命中的排在后（开饭店可查到食品经营许可）")] = None,
    ) -> list[Item]:
        row = await get_center(center)
        return [from_version(v) for v in await service.published_items(row, search)]

    @strawberry.field(description="一个事项：默认最新发布版本，可指定 version")
    async def item(self, center: str, code: str, version: int | None = None) -> Item | None:
        row = await get_center(center)
        found = await service.get_version(row, code, version)
        return from_version(found) if found else None

    @strawberry.field(description="事项草稿（配置员）")
    async def item_draft(self, info: Info, center: str, code: str) -> Item | None:
        row = await get_center(center)
        info.context.actor.require(row.id, *service.CONFIGURATOR_ROLES)
        item = await ItemRow.get_or_none(center=row, code=code)
        return item_type(item.draft, None) if item and item.draft else None

    @strawberry.field(description="草稿相对最新发布版本的差异（配置员）")
    async def item_draft_changes(self, info: Info, center: str, code: str) -> list[ItemChange]:
        row = await get_center(center)
        info.context.actor.require(row.id, *service.CONFIGURATOR_ROLES)
        try:
            changes = await service.draft_changes(row, code)
        except UserErrorsException as exc:
            raise NotFound(exc.errors[0].message)
        return [
            ItemChange(path=c["path"], change=c["change"], old=c["old"], new=c["new"], description=c["description"])
            for c in changes
        ]

    @strawberry.field(description="草稿与最新发布版本不同（或从未发布）的事项（配置员）")
    async def item_drafts(self, info: Info, center: str) -> list[Item]:
        row = await get_center(center)
        info.context.actor.require(row.id, *service.CONFIGURATOR_ROLES)
        return [item_type(i.draft, None) for i in await service.draft_items(row)]

    @strawberry.field(description="本部署已注册的办理流程（公开）：事项设计时从中选择事项的 process")
    def processes(self, info: Info) -> list[ProcessInfo]:
        known = info.context.govhall.processes.processes.values()
        return [ProcessInfo(id=p.id, name=p.name, description=p.description) for p in known]

    @strawberry.field(
        description="用表单校验测试数据，不保存任何内容：definition 为事项文档（或只是 form，配置员预览用），"
        "否则用已发布事项 item 的表单；返回与提交办件时相同的问题列表"
    )
    async def validate_case_data(
        self, info: Info, center: str, data: JSON, definition: JSON | None = None, item: str | None = None
    ) -> list[UserError]:
        row = await get_center(center)
        try:
            check_size(data, CASE_DATA_MAX_BYTES, "测试数据")
            check_size(definition, ITEM_MAX_BYTES, "事项定义")
        except UserErrorsException as exc:
            return [UserError(path=e.path, code=e.code, message=e.message) for e in exc.errors]
        if definition is not None:
            info.context.actor.require(row.id, *service.CONFIGURATOR_ROLES)
            form = definition.get("form", definition) if isinstance(definition, dict) else definition
            problems = check_form_schema(form)
            errors = problems or FormValidator(form, answers=True).errors(data)
        else:
            if not item:
                raise UserErrorsException.single("required", "请指定事项编码（item），或给出事项定义（definition）", "/item")
            found = await service.get_version(row, item)
            if found is None:
                raise NotFound(f"事项“{item}”不存在或尚未发布")
            key = ("item", info.context.govhall.instance, found.id)  # the same cache key as submitCase
            errors = validator_for(key, found.definition["form"], answers=True).errors(data)
        return [UserError(path=e.path, code=e.code, message=e.message) for e in errors]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="定义事项草稿（配置员）；update: true 修改已有事项的草稿")
    async def define_item(self, info: Info, center: str, definition: JSON, update: bool = False) -> DefineItemResult:
        async def work() -> ItemRow:
            row = await get_center(center)
            return await service.define_item(info.context.govhall, info.context.actor, row, definition, update=update)

        return await mutation_result(work, lambda item: item_type(item.draft, None))

    @strawberry.mutation(description="发布草稿为新的不可变版本（配置员）")
    async def publish_item(self, info: Info, center: str, code: str) -> PublishItemResult:
        async def work() -> ItemVersion:
            return await service.publish_item(info.context.govhall, info.context.actor, await get_center(center), code)

        return await mutation_result(work, from_version)

    @strawberry.mutation(description="放弃草稿（配置员）：回到最新发布版本；从未发布的事项整个删除")
    async def discard_item_draft(self, info: Info, center: str, code: str) -> DiscardItemDraftResult:
        async def work() -> ItemVersion | None:
            return await service.discard_draft(info.context.actor, await get_center(center), code)

        return await mutation_result(work, lambda v: DiscardedDraft(code=code, item=from_version(v) if v else None))
