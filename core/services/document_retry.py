"""重新生成: a clerk, head or administrator gives one document whose rendering failed for good
(``failed`` after every attempt) a new round of attempts, once the cause is fixed. The number and
the verification code stay; the document is ``pending`` again and the renderer takes it at once.

Audited: a case's document in the case's log (action ``document_retry``), any other in the security
audit log (``document_retry``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise.transactions import in_transaction

from core.plumbing.errors import NotFound, UserErrorsException
from core.plumbing.models import Case, Document
from core.services import throttle
from core.services.accounts import Actor
from core.services.cases import record_case_event
from core.services.documents.worker import note_issued

if TYPE_CHECKING:
    from core.services.runtime import GovHall

RETRY_ROLES = ("clerk", "head", "admin")
ACTION = "document_retry"


async def _reset(document_id: int) -> None:
    reset = await Document.filter(id=document_id, state="failed").update(
        state="pending", attempts=0, next_attempt_at=None, claimed_until=None, progress=0)
    if not reset:
        raise UserErrorsException.single("state", "该文书已在生成或已生成，无需重新生成", "/id")


async def render_again(govhall: GovHall, actor: Actor, public_id: str) -> Document:
    """Reset the failed document ``public_id`` to pending (audited) and wake the renderer."""
    doc = await Document.get_or_none(public_id=str(public_id))
    if doc is None:
        raise NotFound("文书不存在")
    user = actor.require(doc.center_id, *RETRY_ROLES)  # type: ignore[attr-defined]
    if doc.state != "failed":
        raise UserErrorsException.single("state", "只有生成失败的文书可以重新生成", "/id")
    comment = f"重新生成文书《{doc.title}》{doc.number}（上次失败：{(doc.last_error or '')[:200]}）"
    if doc.case_id is not None:  # type: ignore[attr-defined]
        case = await Case.get(id=doc.case_id).select_related("center")  # type: ignore[attr-defined]

        async def work(_: Case) -> dict[str, Any]:
            await _reset(doc.id)
            return {"document": doc.number}

        await record_case_event(govhall, actor, case, ACTION, comment=comment, work=work)
    else:
        async with in_transaction():
            await _reset(doc.id)
            await throttle.audit(ACTION, username=user.username, user_id=user.id, document=doc.number,
                                 center_id=doc.center_id, comment=comment)  # type: ignore[attr-defined]
    note_issued()
    return await Document.get(id=doc.id)
