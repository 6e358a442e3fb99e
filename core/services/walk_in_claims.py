"""认领: a walk-in party (现场申请人, registered at the window: :mod:`core.services.walk_ins`) claims
online the case the clerk filed for it, in every center: ID number + case number, then the SMS code
sent to the mobile it gave at the window; the logged-in person becomes the case's applicant, so the
case shows in their 我的办件.

Guessing is bounded twice: a code allows ``MAX_ATTEMPTS`` wrong tries and lives ``CODE_MINUTES``, and
a party's case gets at most ``CODES_PER_HOUR`` codes an hour (a new code ends the older ones).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from core.plumbing.errors import UserError, UserErrorsException
from core.plumbing.models import Case, CaseEvent, Center, ClaimCode, User, WalkInParty
from core.services import cases, clock
from core.services.accounts import Actor
from core.services.centers import get_center
from core.services.notifications import send_sms
from core.services.walk_ins import walk_in_party

if TYPE_CHECKING:
    from core.services.runtime import GovHall

CODE_MINUTES = 10
MAX_ATTEMPTS = 5
CODES_PER_HOUR = 5
NO_MATCH = UserError("no_match", "证件号码与办件编号不匹配，或该办件不是窗口代为申请的办件", "/caseNumber")


async def _party_case(center_code: str, case_number: str, id_number: str) -> tuple[Center, WalkInParty, Case]:
    center = await get_center(center_code)
    party = await walk_in_party(center, id_number)
    # typed on a phone the number often comes in lower case (lz-20261129-000005); numbers are upper case
    case = await Case.get_or_none(center=center, number=case_number.strip().upper())
    if party is None or case is None or case.applicant_id != party.account_id:  # type: ignore[attr-defined]
        raise UserErrorsException([NO_MATCH])
    return center, party, case


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


async def send_claim_code(govhall: GovHall, actor: Actor, center_code: str, case_number: str, id_number: str) -> str:
    """Send a 6-digit code to the party's mobile; returns the masked mobile it went to."""
    actor.require_login()
    center, party, case = await _party_case(center_code, case_number, id_number)
    moment = clock.now()
    # created_at is the database's moment, so the hour is counted in real time too
    hour_ago = datetime.now(timezone.utc) - timedelta(hours=1)
    if await ClaimCode.filter(party=party, case=case, created_at__gt=hour_ago).count() >= CODES_PER_HOUR:
        raise UserErrorsException.single("too_many", f"验证码发送过于频繁（每小时最多{CODES_PER_HOUR}次），请稍后再试", "/caseNumber")
    code = f"{secrets.randbelow(10**6):06d}"
    await ClaimCode.filter(party=party, case=case, used_at=None, expires_at__gt=moment).update(expires_at=moment)  # older codes end
    await ClaimCode.create(party=party, case=case, code_hash=_hash(code), expires_at=moment + timedelta(minutes=CODE_MINUTES))
    await send_sms(govhall, center, party.mobile,
                   f"【{center.name}】您正在认领办件{case.number}，验证码{code}，{CODE_MINUTES}分钟内有效。如非本人操作请忽略。", case=case)
    return f"{party.mobile[:3]}****{party.mobile[-4:]}"


async def claim_case(govhall: GovHall, actor: Actor, center_code: str, case_number: str, id_number: str, code: str) -> Case:
    """The logged-in person becomes the case's applicant (the documents keep the party's name)."""
    user = actor.require_login()
    center, party, case = await _party_case(center_code, case_number, id_number)
    pending = await ClaimCode.filter(party=party, case=case, used_at=None).order_by("-id").first()
    wrong = UserErrorsException.single("code", "验证码错误或已过期，请重新获取", "/code")
    if pending is None or pending.expires_at <= clock.now() or pending.attempts >= MAX_ATTEMPTS:
        raise wrong
    if not hmac.compare_digest(pending.code_hash, _hash(code.strip())):
        await ClaimCode.filter(id=pending.id).update(attempts=pending.attempts + 1)
        raise wrong
    if not await ClaimCode.filter(id=pending.id, used_at=None).update(used_at=clock.now(), claimed_by_id=user.id):
        raise wrong
    case.center = center
    await transfer_applicant(govhall, actor, case, user, comment=f"现场申请人{party.name}认领办件", changes={"party": party.name})
    return await Case.get(id=case.id)


async def transfer_applicant(govhall: GovHall, actor: Actor, case: Case, user: User, *, comment: str = "",
                             changes: Mapping[str, Any] | None = None) -> CaseEvent:
    """The case's applicant becomes ``user``: audited as a ``claim`` event; the printed applicant name
    (``applicant_name``) stays the party's."""

    async def work(c: Case) -> Mapping[str, Any]:
        await Case.filter(id=c.id).update(applicant_id=user.id)
        c.applicant_id = user.id  # type: ignore[attr-defined]
        return {"applicant": user.username}

    return await cases.record_case_event(govhall, actor, case, "claim", comment=comment, changes=changes, work=work)
