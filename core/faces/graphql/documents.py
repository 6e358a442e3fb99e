"""``issueRegister``: the 办件登记簿 of a period, as a numbered, verifiable PDF; ``document``: one
issued document's state; ``retryDocument``: a document whose rendering failed, rendered again."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry
from tortoise.transactions import in_transaction

from core.services.centers import get_center
from core.services.document_retry import render_again
from core.services.documents.issue import ISSUED_COLUMNS, document_url, issue_register
from core.services.documents.rendering import state_label
from core.faces.routes.documents import PUBLIC_ID, may_read
from core.services.downloads import fresh_links, link_for
from core.plumbing.errors import UserErrorsException
from core.plumbing.models import Document
from core.faces.graphql.context import Info
from core.faces.graphql.types import UserErrors, mutation_result

REGISTER_ROLES = ("clerk", "head", "supervisor", "admin", "pickup")
MAX_REGISTER_DAYS = 366


@strawberry.type(description="出具的文书：文号、核验码和下载地址")
class IssuedDocument:
    id: strawberry.ID = strawberry.field(description="文书编号（随机，不连续）")
    kind: str
    title: str
    number: str
    issued_on: date
    url: str = strawberry.field(description="PDF 地址（需在请求头携带令牌，权限同所载数据）")
    sha256: str | None = strawberry.field(description="PDF 的 SHA-256（生成之前为空）")
    verify_code: str
    status: str = strawberry.field(default="ready", description="生成状态：pending 正在生成、ready 已生成、failed 生成失败")
    status_label: str = strawberry.field(default="已生成", description="生成状态（中文）")
    progress: int = strawberry.field(default=100, description="生成进度（百分比）")
    _problem: strawberry.Private[str | None] = None
    _center_id: strawberry.Private[int | None] = None

    @strawberry.field(description="PDF 下载链接：几分钟内有效，仅限本人使用（可直接在浏览器中打开）")
    async def download_url(self, info: Info) -> str:
        return await link_for(info, self.url)

    @strawberry.field(description="尚未生成或生成失败的原因（最近一次生成出的错，如服务器未安装中文字体）；仅本中心工作人员可见，其他人为空")
    def problem(self, info: Info) -> str | None:
        if self._problem is None or self._center_id is None:
            return None
        return self._problem if info.context.actor.has(self._center_id, *PROBLEM_READERS) else None


PROBLEM_READERS = ("clerk", "head", "reviewer", "pickup", "supervisor", "admin", "configurator")


IssueRegisterResult = Annotated[IssuedDocument | UserErrors, strawberry.union("IssueRegisterResult")]
RetryDocumentResult = Annotated[IssuedDocument | UserErrors, strawberry.union("RetryDocumentResult")]


def issued_document(document: Document) -> IssuedDocument:
    """The GraphQL view of an issued document row."""
    return IssuedDocument(**document_fields(document))


def document_fields(document: Document) -> dict[str, Any]:
    """Every field of :class:`IssuedDocument` (and of the types built on it) for a document row."""
    return {
        "id": strawberry.ID(document.public_id), "kind": document.kind, "title": document.title,
        "number": document.number, "issued_on": document.issued_on, "url": document_url(document),
        "sha256": document.sha256 or None, "verify_code": document.verify_code, **status_fields(document),
        "_problem": _problem(document), "_center_id": document.center_id,  # type: ignore[attr-defined]
    }


def _problem(document: Document) -> str | None:
    """The last render's error, for a document not ready, without the exception's class name."""
    error = document.last_error or ""
    if document.state == "ready" or not error:
        return None
    name, colon, message = error.partition(": ")
    return message if colon and name.isidentifier() else error


def status_fields(document: Document) -> dict[str, Any]:
    """``status``, ``statusLabel`` and ``progress`` of a document (rendered after its issue)."""
    state = document.state
    return {"status": state, "status_label": state_label(state),
            "progress": 100 if state == "ready" else int(document.progress or 0)}


@strawberry.type
class Query:
    @strawberry.field(description="一份已出具的文书（按文书编号）：生成状态、进度与下载地址；无权查看时为空")
    async def document(self, info: Info, id: strawberry.ID) -> IssuedDocument | None:
        rows = await Document.filter(public_id=str(id)).values(
            "id", "center_id", "case_id", "kind") if PUBLIC_ID.fullmatch(str(id)) else []
        if not rows or await may_read(info.context.govhall, info.context.actor, rows[0]) is not None:
            return None
        return issued_document(await Document.get(id=rows[0]["id"]).only(*ISSUED_COLUMNS))

    @strawberry.field(description="更新下载链接：页面打开较久后，把其上的文书 PDF、材料文件下载链接（几分钟内有效）换成本人的新链接，按原顺序返回；其他地址原样返回；一次最多 200 个")
    async def download_links(self, info: Info, urls: list[str]) -> list[str]:
        user = info.context.actor.user
        return await fresh_links(info.context.govhall, user.id if user is not None else None, urls)



def check_period(start: date, end: date) -> None:
    """Refuse a period that ends before it starts or is longer than a year."""
    if end < start:
        raise UserErrorsException.single("range.order", "截止日期不能早于起始日期", "/to")
    if (end - start).days + 1 > MAX_REGISTER_DAYS:
        raise UserErrorsException.single(
            "range.too_long", f"登记簿期间不能超过{MAX_REGISTER_DAYS}天，请分段出具", "/to"
        )


@strawberry.type
class Mutation:
    @strawberry.mutation(description="出具办件登记簿（窗口、首席代表、督查、管理员、出件人员）：期间内受理的办件")
    async def issue_register(
        self,
        info: Info,
        center: str,
        from_: Annotated[date, strawberry.argument(name="from", description="起始日期（含）")],
        to: Annotated[date, strawberry.argument(description="截止日期（含）")],
    ) -> IssueRegisterResult:
        async def work() -> Document:
            row = await get_center(center)
            info.context.actor.require(row.id, *REGISTER_ROLES)
            check_period(from_, to)
            async with in_transaction():
                return await issue_register(info.context.govhall, row, from_, to)

        return await mutation_result(work, issued_document)

    @strawberry.mutation(description="重新生成生成失败的文书（窗口、首席代表、管理员）：文号和核验码不变，记入办件日志")
    async def retry_document(self, info: Info, id: strawberry.ID) -> RetryDocumentResult:
        ctx = info.context
        return await mutation_result(lambda: render_again(ctx.govhall, ctx.actor, str(id)), issued_document)
