"""现场申请人 (walk-in parties): a person (resident ID) or an enterprise (USCC) in front of the window
without an online account, registered by the clerk so that the case can be filed for it
(``submitCase`` with ``onBehalfOf`` = the party's account, 窗口受理). Every center's front desk has
it; the documents name the party as the form does.

The party's account has a random password nobody knows: nobody logs in with it. Its name
(``party-<center id>-<12 random hex digits>``) shows in addresses (the apply page's ``?for=``) and
logs, so it never carries the ID number. Registering an ID number again updates the contact, never
makes a second account. The party claims its cases online later (认领:
:mod:`core.services.walk_in_claims`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.plumbing.errors import UserError, UserErrorsException
from core.plumbing.models import Center, WalkInParty
from core.services import clock
from core.services.accounts import MAX_DISPLAY_NAME, Actor, add_user
from core.services.centers import get_center
from core.services.formats import FormatProblem, check_resident_id, check_uscc, is_valid_mobile
from core.services.items import get_version
from core.services.parties import party_answers
from core.services.progress import normalise

if TYPE_CHECKING:
    from core.services.runtime import GovHall

KINDS = {"person": "个人", "enterprise": "企业"}
COUNTER_ROLES = ("clerk", "head")


@dataclass(frozen=True)
class WalkInInput:
    """What the clerk typed: ``kind`` person or enterprise, its ID number or USCC, name, mobile, and
    for an enterprise the person who handles it (经办联系人)."""

    kind: str
    id_number: str
    name: str
    mobile: str
    contact_name: str = ""

    def cleaned(self) -> WalkInInput:
        return WalkInInput(kind=self.kind.strip(), id_number=normal_id(self.id_number), name=self.name.strip(),
                           mobile=self.mobile.strip(), contact_name=self.contact_name.strip())


def normal_id(id_number: str) -> str:
    """An ID number or USCC as stored: full-width forms folded (typed with a phone's Chinese keyboard:
    １１０…ｘ), without spaces, in upper case (``x`` → ``X``)."""
    return normalise(id_number)


def problems(given: WalkInInput) -> list[UserError]:
    """Every problem of the input at once (一次性告知), with the core's format checks."""
    errors: list[UserError] = []
    if given.kind not in KINDS:
        errors.append(UserError("kind", "申请人类型应为 person（个人）或 enterprise（企业）", "/kind"))
    else:
        try:
            (check_resident_id if given.kind == "person" else check_uscc)(given.id_number)
        except FormatProblem as problem:
            errors.append(UserError(f"format.{problem.format}", str(problem), "/idNumber"))
    if not 2 <= len(given.name) <= MAX_DISPLAY_NAME:
        errors.append(UserError("required", f"请填写申请人名称（2至{MAX_DISPLAY_NAME}字）", "/name"))
    if not is_valid_mobile(given.mobile):
        errors.append(UserError("format.mobile", "手机号码应为11位数字，以1开头", "/mobile"))
    if given.kind == "enterprise" and not given.contact_name:
        errors.append(UserError("required", "企业申请人请填写经办联系人", "/contactName"))
    return errors


async def register_walk_in(govhall: GovHall, actor: Actor, center_code: str, given: WalkInInput) -> WalkInParty:
    """Register the party in front of a clerk or head of the center (or update its contact when its
    ID number is registered already), with its account; ``UserErrorsException`` with every problem."""
    center = await get_center(center_code)
    clerk = actor.require(center.id, *COUNTER_ROLES)
    given = given.cleaned()
    errors = problems(given)
    if errors:
        raise UserErrorsException(errors)
    found = await walk_in_party(center, given.id_number)
    if found is not None:
        if found.kind != given.kind:
            raise UserErrorsException.single("kind", "该证件号码已登记为其他类型的申请人", "/kind")
        found.name, found.mobile, found.contact_name = given.name, given.mobile, given.contact_name
        await found.save(update_fields=["name", "mobile", "contact_name"])
        return found
    try:
        async with in_transaction():
            account = await add_user(
                f"party-{center.id}-{secrets.token_hex(6)}", secrets.token_urlsafe(24), display_name=given.name,
                phone=given.mobile, id_number=given.id_number if given.kind == "person" else "",
                hashing=govhall.settings.password_hashing,
            )
            party = await WalkInParty.create(
                center=center, kind=given.kind, id_number=given.id_number, name=given.name,
                contact_name=given.contact_name, mobile=given.mobile, account=account, registered_by=clerk,
                created_at=clock.now(),
            )
    except IntegrityError:  # the same number registered at another window a moment ago
        raise UserErrorsException.single("conflict", "该证件号码刚刚已被登记，请按证件号码查找", "/idNumber") from None
    party.account = account
    return party


async def find_walk_in(actor: Actor, center_code: str, id_number: str | None = None,
                       account: str | None = None) -> WalkInParty | None:
    """The party registered in the center with this ID number or USCC, or whose account is
    ``account`` (the apply page's ``?for=``), for clerks and heads; or None."""
    center = await get_center(center_code)
    actor.require(center.id, *COUNTER_ROLES)
    if account is not None:
        found = await WalkInParty.get_or_none(center=center, account__username=account).select_related("account")
        return found if found and (id_number is None or found.id_number == normal_id(id_number)) else None
    return await walk_in_party(center, id_number or "")


async def form_answers(party: WalkInParty, item_code: str) -> dict[str, Any]:
    """The answers of the item's published form that name ``party``, for its application opened at
    the window (``party_answers``: the applicant's name and number fields, the contact's name and
    mobile); ``{}`` for an item the center does not publish."""
    version = await get_version(await party.center, item_code)
    if version is None:
        return {}
    return party_answers(version.definition, kind=party.kind, name=party.name, id_number=party.id_number,
                         contact_name=party.contact_name, mobile=party.mobile)


async def walk_in_party(center: Center, id_number: str) -> WalkInParty | None:
    """The center's party with this ID number or USCC (any case, spaces ignored), its ``account``
    loaded; no permission is checked."""
    return await WalkInParty.get_or_none(center=center, id_number=normal_id(id_number)).select_related("account")
