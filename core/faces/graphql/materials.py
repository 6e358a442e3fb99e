"""myMaterials, caseMaterials, attachMaterials and materialCatalogue: the files behind a case (uploads
go through ``POST /materials``), what the counter received, and the shared material catalogue."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

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
    files: list[MaterialFile]
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


def material_file(info: dict[str, Any]) -> MaterialFile:
    return MaterialFile(
        id=strawberry.ID(info["id"]), code=info["code"], catalogue=info["catalogue"], filename=info["filename"],
        size=info["size"], sha256=info["sha256"],
        content_type=info["contentType"], created_at=info["createdAt"], url=info["url"],
    )


def slot(info: dict[str, Any]) -> CaseMaterialSlot:
    return CaseMaterialSlot(
        code=info["code"], catalogue=info["catalogue"], name=info["name"], role=info["role"], required=info["required"],
        listed=info["listed"], originals=info["originals"], copies=info["copies"], provided=info["provided"],
        files=[material_file(f) for f in info["files"]],
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
            case = await load_visible_case(ctx.actor, id)
            label = ctx.govhall.processes.get(case.process).state_label(case.state)
            await service.attach_to_case(ctx.actor, case, materials, label)
            return CaseMaterials(case_id=strawberry.ID(str(case.id)), slots=await slots_for(case))

        return await mutation_result(work, lambda result: result)
