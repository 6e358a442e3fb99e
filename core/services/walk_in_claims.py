"""认领: a walk-in party (现场申请人, registered at the window: :mod:`core.services.walk_ins`) claims
online the case the clerk filed for it, in every center: ID number + case number, then the SMS code
sent to the mobile it gave at the window; the logged-in person becomes the case's applicant, so the
case shows in their 我的办件.

Guessing is bounded per code and per client address. A code lives ``CODE_MINUTES`` and allows
``Settings.claim_limits.code_failures`` wrong tries from everyone together; a party's case gets at most
``CODES_PER_HOUR`` codes an hour (a new code ends the older ones). Each claim is counted
(:func:`core.services.throttle.guarded`, under ``Settings.claim_limits``) per client address, per
client address and case number as typed, and per case number from every address together, as the
progress lookup counts (:mod:`core.services.progress`): a wrong code, or an ID number that does not go
with the case (when asking for a code too), locks the address, or that address at that number, for a while (:data:`LOCKED`), so a
stranger typing codes at someone's case locks out only himself and cannot spend the applicant's code;
only many addresses together lock the number's 认领 for everyone (:data:`LOCKED_CASE`). Every code
sent is counted per client address as well, at any case (``Settings.claim_limits.sends``,
:data:`TOO_MANY_SENT`), so one address cannot flood applicants' phones case after case.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from tortoise.expressions import F

from core.plumbing.errors import UserError, UserErrorsException
from core.plumbing.models import Case, CaseEvent, Center, ClaimCode, User, WalkInParty
from core.services import cases, clock, throttle
from core.services.accounts import Actor
from core.services.centers import get_center
from core.services.notifications import send_sms
from core.services.progress import normalise, typed_case_number
from core.services.walk_ins import walk_in_party

if TYPE_CHECKING:
    from core.services.runtime import GovHall

SCOPE = "walk_in_claim"
CODE_MINUTES = 10
CODES_PER_HOUR = 5
LOCKED = "认领验证码错误次数过多，请 {minutes} 分钟后再试"
LOCKED_CASE = ("该办件认领验证码错误次数过多，已暂停网上认领。请携带身份证件到服务大厅窗口办理，"
               "或拨打本中心咨询电话；也可在 {minutes} 分钟后再试")
"""The case number itself is locked (many addresses typed wrong codes at it): the applicant too is refused."""
TOO_MANY_SENT = "认领验证码发送次数过多，请 {minutes} 分钟后再试"
"""One client address asked for more codes (at any cases) than ``Settings.claim_limits.sends`` allows."""
NO_MATCH = UserError("no_match", "证件号码与办件编号不匹配，或该办件不是窗口代为申请的办件", "/caseNumber")


async def _party_case(center_code: str, case_number: str, id_number: str) -> tuple[Center, WalkInParty, Case]:
    center = await get_center(center_code)
    party = await walk_in_party(center, id_number)
    case = await Case.get_or_none(center=center, number=_number(case_number))
    if party is None or case is None or case.applicant_id != party.account_id:  # type: ignore[attr-defined]
        raise UserErrorsException([NO_MATCH])
    return center, party, case


def _number(case_number: str) -> str:
    """The case number as stored: typed on a phone it often comes in lower case (lz-20261129-000005),
    full width (ＬＺ－２０２６１１２９－００００５) or with spaces between its parts, as the progress
    lookup reads it."""
    return typed_case_number(case_number)


def _required(case_number: str, id_number: str, code: str | None = None) -> None:
    """What is left empty is refused at its field, all at once, before it counts as a wrong try."""
    errors = [UserError("required", message, path) for value, message, path in (
        (id_number, "请填写证件号码（身份证号码或统一社会信用代码）", "/idNumber"),
        (case_number, "请填写办件编号（受理通知书上的办件编号）", "/caseNumber"),
        (code, "请填写短信验证码", "/code"),
    ) if value is not None and not normalise(value)]
    if errors:
        raise UserErrorsException(errors)


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


async def send_claim_code(govhall: GovHall, actor: Actor, center_code: str, case_number: str, id_number: str,
                          address: str | None = None) -> str:
    """Send a 6-digit code to the party's mobile; returns the masked mobile it went to. An ID number
    that does not go with the case (``no_match``) is counted as :func:`claim_case` counts a wrong
    try, against ``address``, the pair of ``address`` and the case number, and the case number: a
    stranger probing which ID number goes with a case locks his own address, and a locked address
    is sent no code. Every code sent is counted against ``address`` too, at any case
    (``Settings.claim_limits.sends``): past it the address is sent none for a while."""
    actor.require_login()
    _required(case_number, id_number)
    limits = govhall.settings.claim_limits
    center, party, case = await throttle.guarded(
        SCOPE, address, lambda: _party_case(center_code, case_number, id_number), limits=limits.client,
        locked_message=LOCKED, subject=_number(case_number), subject_limits=limits.client_case,
        subject_total=limits.case, subject_total_message=LOCKED_CASE)
    moment = clock.now()
    # created_at is the database's moment, so the hour is counted in real time too
    hour_ago = datetime.now(timezone.utc) - timedelta(hours=1)
    if await ClaimCode.filter(party=party, case=case, created_at__gt=hour_ago).count() >= CODES_PER_HOUR:
        raise UserErrorsException.single("too_many", f"验证码发送过于频繁（每小时最多{CODES_PER_HOUR}次），请稍后再试", "/caseNumber")

    async def sent() -> str:
        code = f"{secrets.randbelow(10**6):06d}"
        await ClaimCode.filter(party=party, case=case, used_at=None, expires_at__gt=moment).update(expires_at=moment)  # older codes end
        await ClaimCode.create(party=party, case=case, code_hash=_hash(code), expires_at=moment + timedelta(minutes=CODE_MINUTES))
        await send_sms(govhall, center, party.mobile,
                       f"【{center.name}】您正在认领办件{case.number}，验证码{code}，{CODE_MINUTES}分钟内有效。如非本人操作请忽略。", case=case)
        return cases.mask_mobile(party.mobile)

    # every code sent counts against the address, at any case: one address cannot spend case after
    # case's codes and so flood applicants' phones
    return await throttle.metered(SCOPE, address, sent, limits=limits.sends, locked_message=TOO_MANY_SENT)


async def claim_case(govhall: GovHall, actor: Actor, center_code: str, case_number: str, id_number: str, code: str,
                     address: str | None = None) -> Case:
    """The logged-in person becomes the case's applicant (the documents keep the party's name). A
    wrong code or a party that does not go with the case is counted against ``address``, the pair of
    ``address`` and the case number, and the case number (``Settings.claim_limits``)."""
    user = actor.require_login()
    _required(case_number, id_number, code)
    limits = govhall.settings.claim_limits

    async def attempt() -> Case:
        center, party, case = await _party_case(center_code, case_number, id_number)
        pending = await ClaimCode.filter(party=party, case=case, used_at=None).order_by("-id").first()
        wrong = UserErrorsException.single("code", "验证码错误或已过期，请重新获取", "/code")
        if pending is None or pending.expires_at <= clock.now() or pending.attempts >= limits.code_failures:
            raise wrong
        if not hmac.compare_digest(pending.code_hash, _hash(normalise(code))):
            await ClaimCode.filter(id=pending.id).update(attempts=F("attempts") + 1)
            raise wrong
        if not await ClaimCode.filter(id=pending.id, used_at=None).update(used_at=clock.now(), claimed_by_id=user.id):
            raise wrong
        case.center = center
        await transfer_applicant(govhall, actor, case, user, comment=f"现场申请人{party.name}认领办件", changes={"party": party.name})
        return await Case.get(id=case.id)

    return await throttle.guarded(SCOPE, address, attempt, limits=limits.client, locked_message=LOCKED,
                                  subject=_number(case_number), subject_limits=limits.client_case,
                                  subject_total=limits.case, subject_total_message=LOCKED_CASE)


async def transfer_applicant(govhall: GovHall, actor: Actor, case: Case, user: User, *, comment: str = "",
                             changes: Mapping[str, Any] | None = None) -> CaseEvent:
    """The case's applicant becomes ``user``: audited as a ``claim`` event; the printed applicant name
    (``applicant_name``) stays the party's."""

    async def work(c: Case) -> Mapping[str, Any]:
        await Case.filter(id=c.id).update(applicant_id=user.id)
        c.applicant_id = user.id  # type: ignore[attr-defined]
        return {"applicant": user.username}

    return await cases.record_case_event(govhall, actor, case, "claim", comment=comment, changes=changes, work=work)
