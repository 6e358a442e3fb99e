"""myMaterials, caseMaterials, attachMaterials, replaceMaterial, withdrawMaterial and materialCatalogue:
the files behind a case (uploads go through ``POST /materials``), what the counter received, the
files replaced or withdrawn during a correction (补正), and the shared material catalogue."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from core.services import material_changes
from core.services import materials as service
from core.services.catalogue import catalogue
from core.services.cases import load_visible_case
from core.services.downloads import link_for
from core.plumbing.models import Case
from core.faces.graphql.context import Info
from core.faces.graphql.types import UserErrors, mutation_result


@strawberry.type(description="一份上传的材料文件（内容按 SHA-256 只存一份）")
class MaterialFile:
    id: strawberry.ID = strawberry.field(description="材料的公开标识（随机，不可按序推测）")
    code: str = strawberry.field(description="事项材料编码（上传时可不填）")
    catalogue: str = strawberry.field(description="材料目录编码（如 yyzz 营业执照）：材料共享按此匹配")
    filename: str
    size: int
    sha256: str
    content_type: str
    created_at: datetime
    url: str = strawberry.field(description="下载地址（需在请求头携带令牌：本人或可查看所附办件的人员）")
    status: str = strawberry.field(default="current", description="current 有效（计入已提交）/ replaced 已替换 / withdrawn 已撤回：补正时申请人更换或撤回的文件留在办件记录中，不再计入")
    status_label: str = strawberry.field(default="有效", description="有效 / 已替换 / 已撤回")
    withdrawn_at: datetime | None = strawberry.field(default=None, description="被替换或撤回的时间")
    withdrawn_by: str | None = strawberry.field(default=None, description="替换或撤回的人（姓名）")
    replaced_by: strawberry.ID | None = strawberry.field(default=None, description="替换它的新文件的标识（撤回的为空）")
    problem: str | None = strawberry.field(default=None, description="窗口在最近一次一次性告知中对这份文件提出的问题（如：扫描件不清晰），未标注的为空")

    @strawberry.field(description="下载链接：几分钟内有效，仅限本人使用（可直接在浏览器中打开）")
    async def download_url(self, info: Info) -> str:
        return await link_for(info, self.url)


@strawberry.type(description="窗口收取的纸质材料（原件或复印件及份数）")
class ReceivedCopies:
    form: str = strawberry.field(description="original 原件 / copy 复印件")
    count: int


@strawberry.type(description="事项材料清单中的一项及本办件已提交的文件、窗口收取的纸质材料")
class CaseMaterialSlot:
    code: str
    catalogue: str = strawberry.field(description="材料目录编码")
    name: str
    role: str | None = strawberry.field(description="main 主件 / secondary 辅件；清单外的材料为空")
    required: bool
    listed: bool = strawberry.field(description="是否为事项材料清单中的材料")
    originals: int = strawberry.field(description="事项要求的原件份数")
    copies: int = strawberry.field(description="事项要求的复印件份数")
    provided: bool = strawberry.field(description="已上传或已在窗口收取")
    files: list[MaterialFile] = strawberry.field(description="计入已提交的文件")
    history: list[MaterialFile] = strawberry.field(description="补正时已替换或已撤回的文件（不再计入已提交），先替换的在前")
    received: list[ReceivedCopies] = strawberry.field(description="受理时窗口收取的纸质材料")
    how: str = strawberry.field(description="收取情况，如“电子件1份、原件1份”；未提交为空")


@strawberry.type(description="材料目录中的一种材料：目录编码相同即同一种材料，可跨事项共享")
class CatalogueMaterial:
    code: str
    name: str
    issuer: str


@strawberry.type(description="办件的材料清单")
class CaseMaterials:
    case_id: strawberry.ID
    slots: list[CaseMaterialSlot]


AttachMaterialsResult = Annotated[CaseMaterials | UserErrors, strawberry.union("AttachMaterialsResult")]
MaterialChangeResult = Annotated[CaseMaterials | UserErrors, strawberry.union("MaterialChangeResult")]
STATUS_LABELS = {"current": "有效", "replaced": "已替换", "withdrawn": "已撤回"}


def material_file(info: dict[str, Any]) -> MaterialFile:
    status = info.get("status", "current")
    replaced_by = info.get("replacedBy")
    return MaterialFile(
        id=strawberry.ID(info["id"]), code=info["code"], catalogue=info["catalogue"], filename=info["filename"],
        size=info["size"], sha256=info["sha256"],
        content_type=info["contentType"], created_at=info["createdAt"], url=info["url"],
        status=status, status_label=STATUS_LABELS[status], withdrawn_at=info.get("withdrawnAt"),
        withdrawn_by=info.get("withdrawnBy"), replaced_by=strawberry.ID(replaced_by) if replaced_by else None,
        problem=info.get("problem"),
    )


def slot(info: dict[str, Any]) -> CaseMaterialSlot:
    return CaseMaterialSlot(
        code=info["code"], catalogue=info["catalogue"], name=info["name"], role=info["role"], required=info["required"],
        listed=info["listed"], originals=info["originals"], copies=info["copies"], provided=info["provided"],
        files=[material_file(f) for f in info["files"]], history=[material_file(f) for f in info["history"]],
        received=[ReceivedCopies(form=form, count=count) for form, count in info["received"].items()], how=info["how"],
    )


async def slots_for(case: Case, provided_only: bool = False) -> list[CaseMaterialSlot]:
    """The slots of a case the caller may already see (for a ``materials`` field on ``Case``)."""
    return [slot(s) for s in await service.case_materials(case, provided_only)]


@strawberry.type
class Query:
    @strawberry.field(description="我上传过的材料（最新在前，同一文件同一编码只列一次），可在新办件中直接复用")
    async def my_materials(self, info: Info) -> list[MaterialFile]:
        rows = await service.reusable_materials(info.context.actor)
        return [material_file(service.material_file(m)) for m in rows]

    @strawberry.field(description="办件的材料清单：事项要求的每项材料及已上传的文件、窗口收取的纸质材料，另列清单外的文件；providedOnly 只列实际收到的材料")
    async def case_materials(self, info: Info, id: strawberry.ID, provided_only: bool = False) -> list[CaseMaterialSlot]:
        return await slots_for(await load_visible_case(info.context.actor, id), provided_only)

    @strawberry.field(description="材料目录（公开）：事项设计时为每项材料选择目录编码，材料共享按目录编码匹配")
    def material_catalogue(self) -> list[CatalogueMaterial]:
        return [CatalogueMaterial(code=e["code"], name=e["name"], issuer=e["issuer"]) for e in catalogue().values()]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="申请人或代办人为已提交或补正中的办件补充材料（可复用以前上传的材料）")
    async def attach_materials(self, info: Info, id: strawberry.ID, materials: list[strawberry.ID]) -> AttachMaterialsResult:
        ctx = info.context

        async def work() -> CaseMaterials:
            case = await material_changes.attach_to_case(ctx.govhall, ctx.actor, id, [str(m) for m in materials])
            return CaseMaterials(case_id=strawberry.ID(str(case.id)), slots=await slots_for(case))

        return await mutation_result(work, lambda result: result)

    @strawberry.mutation(description="补正期间（待补齐材料），申请人或代办人用新上传的文件替换本办件的一份材料（如窗口指出不清晰的扫描件）："
                                     "新文件计入该项材料，原文件留在办件记录中（已替换），不再计入")
    async def replace_material(self, info: Info, id: strawberry.ID, material: strawberry.ID, replacement: strawberry.ID,
                               comment: str | None = None) -> MaterialChangeResult:
        ctx = info.context

        async def work() -> CaseMaterials:
            case = await material_changes.replace_material(
                ctx.govhall, ctx.actor, id, material=str(material), replacement=str(replacement), comment=comment or "")
            return CaseMaterials(case_id=strawberry.ID(str(case.id)), slots=await slots_for(case))

        return await mutation_result(work, lambda result: result)

    @strawberry.mutation(description="补正期间（待补齐材料），申请人或代办人撤回本办件的一份材料：留在办件记录中（已撤回），不再计入")
    async def withdraw_material(self, info: Info, id: strawberry.ID, material: strawberry.ID,
                                comment: str | None = None) -> MaterialChangeResult:
        ctx = info.context

        async def work() -> CaseMaterials:
            case = await material_changes.withdraw_material(ctx.govhall, ctx.actor, id, material=str(material), comment=comment or "")
            return CaseMaterials(case_id=strawberry.ID(str(case.id)), slots=await slots_for(case))

        return await mutation_result(work, lambda result: result)
