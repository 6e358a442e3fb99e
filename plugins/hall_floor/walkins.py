"""现场申请人: an applying person (resident ID) or enterprise (USCC) registered by the clerk at the
window, without an online account. The clerk files the case for it (``submitCase`` with
``onBehalfOf`` = the party's account); every document names the party. Later the party claims the
case online: ID number + case number, then the SMS code sent to the mobile it gave at the window.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta, timezone
from typing import Any

from core.api import (
    Actor,
    Case,
    FormatProblem,
    UserError,
    UserErrorsException,
    add_party_account,
    check_resident_id,
    check_uscc,
    is_valid_mobile,
    now,
    send_sms,
    transfer_applicant,
)

from .floor import floor_center
from .models import ClaimCode, WalkInParty

KINDS = {"person": "个人", "enterprise": "企业"}
CODE_MINUTES = 10
MAX_ATTEMPTS = 5
CODES_PER_HOUR = 5
NO_MATCH = UserError("no_match", "证件号码与办件编号不匹配，或该办件不是窗口代为申请的办件", "/caseNumber")


def _format_error(kind: str, id_number: str) -> UserError | None:
    try:
        (check_resident_id if kind == "person" else check_uscc)(id_number)
    except FormatProblem as problem:
        return UserError(f"format.{problem.format}", str(problem), "/idNumber")
    return None


async def register_party(
    govhall: Any, actor: Actor, center_code: str, kind: str, id_number: str, name: str, mobile: str,
    contact_name: str = "",
) -> WalkInParty:
    """Register (or update the contact of) the party in front of the clerk; all problems at once."""
    center = await floor_center(center_code)
    user = actor.require(center.id, "clerk", "head")
    id_number, name, mobile, contact_name = id_number.strip().upper(), name.strip(), mobile.strip(), contact_name.strip()
    errors: list[UserError] = []
    if kind not in KINDS:
        errors.append(UserError("kind", "申请人类型应为 person（个人）或 enterprise（企业）", "/kind"))
    else:
        problem = _format_error(kind, id_number)
        if problem:
            errors.append(problem)
    if not 2 <= len(name) <= 128:
        errors.append(UserError("required", "请填写申请人名称（2至128字）", "/name"))
    if not is_valid_mobile(mobile):
        errors.append(UserError("format.mobile", "手机号码应为11位数字，以1开头", "/mobile"))
    if kind == "enterprise" and not contact_name:
        errors.append(UserError("required", "企业申请人请填写经办联系人", "/contactName"))
    if errors:
        raise UserErrorsException(errors)
    found = await WalkInParty.get_or_none(center=center, id_number=id_number).select_related("account")
    if found is not None:
        if found.kind != kind:
            raise UserErrorsException.single("kind", "该证件号码已登记为其他类型的申请人", "/kind")
        found.name, found.mobile, found.contact_name = name, mobile, contact_name
        await found.save(update_fields=["name", "mobile", "contact_name"])
        return found
    # the account's name shows in addresses (the apply page's ?for=) and logs: never the ID number
    account = await add_party_account(
        govhall, f"party-{center.id}-{secrets.token_hex(6)}", display_name=name, phone=mobile,
        id_number=id_number if kind == "person" else "",
    )
    return await WalkInParty.create(
        center=center, kind=kind, id_number=id_number, name=name, contact_name=contact_name, mobile=mobile,
        account=account, registered_by=user, created_at=now(),
    )


async def find_party(actor: Actor, center_code: str, id_number: str) -> WalkInParty | None:
    center = await floor_center(center_code)
    actor.require(center.id, "clerk", "head")
    return await WalkInParty.get_or_none(center=center, id_number=id_number.strip().upper()).select_related("account")


async def _party_case(center_code: str, case_number: str, id_number: str) -> tuple[Any, WalkInParty, Case]:
    center = await floor_center(center_code)
    party = await WalkInParty.get_or_none(center=center, id_number=id_number.strip().upper())
    # typed on a phone the number often comes in lower case (lz-20261129-000005); numbers are upper case
    case = await Case.get_or_none(center=center, number=case_number.strip().upper())
    if party is None or case is None or case.applicant_id != party.account_id:  # type: ignore[attr-defined]
        raise UserErrorsException([NO_MATCH])
    return center, party, case


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


async def send_claim_code(govhall: Any, actor: Actor, center_code: str, case_number: str, id_number: str) -> str:
    """Send a 6-digit code to the party's mobile; returns the masked mobile it went to."""
    actor.require_login()
    center, party, case = await _party_case(center_code, case_number, id_number)
    moment = now()
    if await ClaimCode.filter(party=party, case=case, created_at__gt=datetime.now(timezone.utc) - timedelta(hours=1)).count() >= CODES_PER_HOUR:
        raise UserErrorsException.single("too_many", f"验证码发送过于频繁（每小时最多{CODES_PER_HOUR}次），请稍后再试", "/caseNumber")
    code = f"{secrets.randbelow(10**6):06d}"
    await ClaimCode.filter(party=party, case=case, used_at=None, expires_at__gt=moment).update(expires_at=moment)  # older codes end
    await ClaimCode.create(party=party, case=case, code_hash=_hash(code), expires_at=moment + timedelta(minutes=CODE_MINUTES))
    await send_sms(govhall=govhall, center=center, recipient=party.mobile,
                   text=f"【{center.name}】您正在认领办件{case.number}，验证码{code}，{CODE_MINUTES}分钟内有效。如非本人操作请忽略。", case=case)
    return f"{party.mobile[:3]}****{party.mobile[-4:]}"


async def claim_case(govhall: Any, actor: Actor, center_code: str, case_number: str, id_number: str, code: str) -> Case:
    """The logged-in person becomes the case's applicant (the documents keep the party's name)."""
    user = actor.require_login()
    center, party, case = await _party_case(center_code, case_number, id_number)
    pending = await ClaimCode.filter(party=party, case=case, used_at=None).order_by("-id").first()
    wrong = UserErrorsException.single("code", "验证码错误或已过期，请重新获取", "/code")
    if pending is None or pending.expires_at <= now() or pending.attempts >= MAX_ATTEMPTS:
        raise wrong
    if not hmac.compare_digest(pending.code_hash, _hash(code.strip())):
        await ClaimCode.filter(id=pending.id).update(attempts=pending.attempts + 1)
        raise wrong
    if not await ClaimCode.filter(id=pending.id, used_at=None).update(used_at=now(), claimed_by_id=user.id):
        raise wrong
    case.center = center
    await transfer_applicant(govhall, actor, case, user, comment=f"现场申请人{party.name}认领办件",
                             changes={"party": party.name})
    return await Case.get(id=case.id)
