"""importItemCatalogue: a provincial catalogue export (JSON, or XLSX in base64) into item drafts."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from core.services import item_catalogue_import as service
from core.services.centers import get_center
from core.plumbing import errors
from core.plumbing.errors import UserErrorsException
from core.faces.graphql.context import Info
from core.faces.graphql.items import ItemChange
from core.faces.graphql.types import UserError, UserErrors, mutation_result

XLSX_MAX_BYTES = 10 * 1024 * 1024


@strawberry.type(description="目录中未能对应到事项文档的要素")
class UnmappedElement:
    element: str = strawberry.field(description="目录中的要素名，如“权力来源”“申请材料[2].电子证照标识”")
    value: str
    reason: str


@strawberry.type(description="目录中一个事项的导入结果")
class CatalogueImportItem:
    code: str
    name: str
    status: str = strawberry.field(description="created 新建草稿 / updated 更新草稿 / unchanged 无变化 / failed 未导入")
    changes: list[ItemChange] = strawberry.field(description="与导入前草稿的差异，同 itemDraftChanges")
    unmapped: list[UnmappedElement]
    problems: list[UserError] = strawberry.field(description="事项文档的问题（未导入的原因）")


@strawberry.type(description="事项目录导入结果；dryRun 时只预览、不保存")
class CatalogueImport:
    center: str
    dry_run: bool
    created: int
    updated: int
    unchanged: int
    failed: int
    items: list[CatalogueImportItem]
    problems: list[UserError] = strawberry.field(description="不属于某个事项的问题，如“申请材料”表中实施编码没有对应事项的材料（未导入）")


ImportItemCatalogueResult = Annotated[CatalogueImport | UserErrors, strawberry.union("ImportItemCatalogueResult")]


def present(result: service.CatalogueImport) -> CatalogueImport:
    return CatalogueImport(
        center=result.center, dry_run=result.dry_run, created=result.count("created"), updated=result.count("updated"),
        unchanged=result.count("unchanged"), failed=result.count("failed"),
        items=[
            CatalogueImportItem(
                code=i.code, name=i.name, status=i.status,
                changes=[ItemChange(path=c["path"], change=c["change"], old=c["old"], new=c["new"], description=c["description"])
                         for c in i.changes],
                unmapped=[UnmappedElement(**u) for u in i.unmapped],
                problems=[UserError(path=p.path, code=p.code, message=p.message) for p in i.problems],
            )
            for i in result.items
        ],
        problems=[UserError(path=p.path, code=p.code, message=p.message) for p in result.problems],
    )


def rows_from(catalogue: JSON | None, xlsx_base64: str | None) -> tuple[list[dict], list[errors.UserError]]:
    """The catalogue's rows, and the problems of the file no row owns (an XLSX's unmatched materials)."""
    if (catalogue is None) == (xlsx_base64 is None):
        raise UserErrorsException.single("required", "请提供目录：catalogue（JSON）或 xlsxBase64（XLSX 文件）二者之一", "/catalogue")
    if catalogue is not None:
        return service.read_catalogue(catalogue), []
    if len(xlsx_base64 or "") > XLSX_MAX_BYTES * 4 // 3 + 4:
        raise UserErrorsException.single("too_large", "XLSX 文件不能超过 10 MB", "/xlsxBase64")
    try:
        data = base64.b64decode(xlsx_base64 or "", validate=True)
    except (binascii.Error, ValueError):
        raise UserErrorsException.single("xlsx.base64", "xlsxBase64 不是有效的 Base64 编码", "/xlsxBase64")
    return service.read_xlsx(data)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="导入省级事项目录（JSON 或 XLSX）为事项草稿（管理员、配置员）：报告未能对应的要素，重新导入显示差异；不发布")
    async def import_item_catalogue(
        self, info: Info, center: str, catalogue: JSON | None = None, xlsx_base64: str | None = None, dry_run: bool = False,
    ) -> ImportItemCatalogueResult:
        ctx = info.context

        async def work() -> service.CatalogueImport:
            row = await get_center(center)
            ctx.actor.require(row.id, *service.CONFIGURATOR_ROLES)
            rows, problems = rows_from(catalogue, xlsx_base64)
            return await service.import_catalogue(ctx.govhall, ctx.actor, row, rows, dry_run=dry_run, file_problems=problems)

        return await mutation_result(work, present)
