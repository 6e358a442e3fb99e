"""办件进度查询: following a case without signing in, as every hall offers it at its kiosk, on its
website and through the receipt: the case number and a second factor from the application.

The second factor (``check``) is, case-insensitively:

* the last 6 characters of an identity number of the applying party: every string of the
  application outside lists (at its top level, or one level down in an object such as
  ``legalRepresentative``) that is a valid resident ID (GB 11643) or unified social credit code
  (GB 32100), so the company's USCC, its legal representative's and its handler's (经办人) ID
  numbers, the person's own ID; not those of shareholders, officers or a liquidation group (entries
  of a list); plus the ID number on the applicant's account (a walk-in party registered at the
  window);
* failing that (an application with no such number at all), the last 4 digits of a mainland mobile
  number given the same way, or of the applicant account's phone.

Anything else (an unknown number, a wrong check, a 4-digit mobile tail on a case that has an
identity number, a center's internal item, a case of another center when the lookup names one)
gets the one answer :data:`NO_MATCH`, so a number cannot be probed. Each attempt is counted
(:func:`core.services.throttle.guarded`, under ``Settings.progress_limits``) per client address, per
client address and case number as typed, and per case number from every address together: wrong
ones lock the address, or that address at that number, for a while (``too_many_attempts``,
:data:`LOCKED`), so a stranger guessing at a number locks out only himself; only many addresses
together lock the number for everyone (:data:`LOCKED_CASE`: come to the hall or call).

The answer (:class:`Progress`) holds only what is safe for whoever holds the receipt: no form data,
no documents, no staff, no comments.
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from core.plumbing.errors import UserError, UserErrorsException
from core.plumbing.models import Case, CaseEvent, Center, Department, User, Window
from core.services import clock, throttle
from core.services.calendar import CENTER_TZ
from core.services.cases import INTERNAL_ITEM, item_version
from core.services.formats import is_valid_mobile, is_valid_resident_id, is_valid_uscc
from core.services.plugins import acall_first

if TYPE_CHECKING:
    from core.services.runtime import GovHall  # the app builds this module's services, not the reverse

SCOPE = "case_progress"
NUMBER_CHARS = 48  # the case number's column
ID_TAIL = 6
MOBILE_TAIL = 4
NO_MATCH = "未找到匹配的办件，请核对受理编号和证件号码后六位"
LOCKED = "查询次数过多，请 {minutes} 分钟后再试，或携带受理通知书到服务大厅咨询台查询"
LOCKED_CASE = ("该受理编号查询不符次数过多，已暂停网上查询。请携带受理通知书和身份证件到服务大厅咨询台查询，"
               "或拨打本中心咨询电话；也可在 {minutes} 分钟后再试")
"""The case number itself is locked (many addresses guessed at it): the applicant too is refused."""

# The steps of the case's log the public sees, by action, with their words. A log line of any other
# action (hand-overs inside the hall, supervision, reminders, materials attached) is not shown.
STEPS: dict[str, tuple[str, str]] = {
    "submit": ("submitted", "提交申请"),
    "request_materials": ("correction", "一次性告知补齐材料"),
    "supply": ("supplied", "已补齐材料，待窗口核验"),
    "accept": ("accepted", "受理"),
    "finish_on_spot": ("completed", "受理并当场办结"),
    "return": ("returned", "退回（不予受理）"),
    "request_review": ("review_requested", "申请复核"),
    "uphold_return": ("returned", "复核维持退回"),
    "reply": ("completed", "办结（已答复）"),
    "request_survey": ("paused", "现场勘查、听证或专家评审（法定期限暂停计时）"),
    "finish_survey": ("resumed", "勘查（听证、评审）完毕，恢复计时"),
    "report_up": ("reported_up", "上报上级机关"),
    "record_answer": ("answered", "上级机关已答复，继续审批"),
    "extend": ("extended", "延长办理期限"),
    "deadline_recomputed": ("due_recomputed", "节假日安排公布，办结期限重新核定"),
    "approve": ("completed", "审批办结（准予许可）"),
    "refuse": ("completed", "审批办结（不予许可）"),
    "deliver": ("delivered", "出件（办理结果已领取或寄出）"),
    "withdraw": ("withdrawn", "申请人撤回申请"),
}
READY_STEP = ("ready", "办理结果已送达出件窗口，可以领取")


@dataclass(frozen=True)
class ProgressStep:
    step: str
    label: str
    date: date


@dataclass(frozen=True)
class Progress:
    """What a lookup answers: nothing a receipt's holder should not read."""

    number: str
    item_name: str
    center_name: str
    department_name: str | None
    applicant: str  # masked
    state: str
    state_label: str
    submitted_on: date
    accepted_on: date | None
    promised_due: date | None
    due_provisional: bool
    completed_on: date | None
    pickup_ready: bool
    pickup_window: str | None
    steps: list[ProgressStep]


# --- masking ----------------------------------------------------------------------------------------

ORGANISATION_SUFFIXES = tuple(sorted((
    "股份有限公司", "有限责任公司", "有限公司", "分公司", "公司", "集团", "专业合作社", "合作社", "合伙企业",
    "个体工商户", "经营部", "门市部", "商行", "商店", "事务所", "工作室", "中心", "委员会", "协会", "商会",
    "学校", "幼儿园", "医院", "诊所", "药店", "超市", "酒店", "宾馆", "餐厅", "饭店", "农场", "林场", "工厂",
    "厂", "店", "馆", "院", "所", "站", "局", "部", "社", "行", "场",
), key=len, reverse=True))
_REGION = re.compile(r"^(.{2,4}?(?:自治区|自治州|自治县|特别行政区|地区|省|市|州|盟|县|旗|区))")  # one unit: 连州市, 乌审旗
ORGANISATION_MASK = "****"


def mask_name(name: str) -> str:
    """The applicant's name as a public screen may show it. A person's keeps the first and the last
    character (张* for 张三, 张*三, 欧**明; each part of 阿依古丽·买买提 alike); an organisation's
    keeps its leading place name (one unit: 连州市, 广东省) and its kind (有限公司, 合作社…, else its
    last two characters) around a fixed ``****`` that does not tell the length
    (连州市****有限公司); without a place name it keeps its first character."""
    text = re.sub(r"\s+", "", name or "")
    if not text:
        return ""
    if _is_organisation(text):
        return _mask_organisation(text)
    return "·".join(_mask_person(part) for part in text.split("·"))


def _is_organisation(text: str) -> bool:
    """Longer than a person's name (2–5 characters; a minority name with ``·`` is a person's), or a
    short name ending in a kind of two characters or more (某某公司, 永安商行); a person may be called
    王建社 or 李晓行, so one character of kind is not enough."""
    if "·" in text:
        return False
    return len(text) > 5 or (len(text) >= 4 and any(text.endswith(s) for s in ORGANISATION_SUFFIXES if len(s) >= 2))


def _mask_person(part: str) -> str:
    if len(part) <= 1:
        return part
    if len(part) == 2:
        return part[0] + "*"
    return part[0] + "*" * (len(part) - 2) + part[-1]


def _mask_organisation(text: str) -> str:
    suffix = next((s for s in ORGANISATION_SUFFIXES if text.endswith(s) and len(s) < len(text)), text[-2:])
    rest = text[: len(text) - len(suffix)]
    region = _REGION.match(rest)
    prefix = region.group(1) if region and len(region.group(1)) < len(rest) else rest[:1]
    return prefix + ORGANISATION_MASK + suffix


# --- the second factor ---------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Full-width and other compatibility forms folded (ＬＺ－…, ｘ: NFKC), upper case."""
    return unicodedata.normalize("NFKC", text or "").upper()


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def normalise(text: str) -> str:
    """What was typed, as compared: full-width forms folded (ＬＺ－…, ｘ), spaces dropped, upper case."""
    return _squeeze(fold(text))


def _party_values(data: Any) -> Iterator[str]:
    """The strings of the application outside lists: its top level and its objects' top level."""
    if not isinstance(data, Mapping):
        return
    for value in data.values():
        if isinstance(value, str):
            yield value
        elif isinstance(value, Mapping):
            yield from (v for v in value.values() if isinstance(v, str))


def second_factors(data: Any, account: User | None) -> tuple[set[str], set[str]]:
    """The identity numbers and the mobile numbers a check may be the tail of (see the module)."""
    values = [normalise(v) for v in _party_values(data)]
    if account is not None:
        values += [normalise(account.id_number), normalise(account.phone)]
    identities = {v for v in values if len(v) == 18 and (is_valid_resident_id(v) or is_valid_uscc(v))}
    mobiles = {v for v in values if is_valid_mobile(v)}
    return identities, mobiles


def matches(check: str, identities: set[str], mobiles: set[str]) -> bool:
    """Whether ``check`` (normalised) is the tail of an identity number, or, when the application
    has none, of a mobile number."""
    if identities:
        tails = {v[-ID_TAIL:] for v in identities} if len(check) == ID_TAIL else set()
    else:
        tails = {v[-MOBILE_TAIL:] for v in mobiles} if len(check) == MOBILE_TAIL else set()
    found = False
    for tail in tails:  # every tail compared, in constant time each
        found |= hmac.compare_digest(tail, check)
    return found


def case_number_as_printed(typed: str) -> str:
    """A case number as the receipt prints it (LZ-20261127-000123) from how people type it: with
    spaces, dashes of another width or nothing between its parts (``typed`` already upper case)."""
    parts = re.fullmatch(r"([0-9A-Z]+?)[\s\-‐‑‒–—―_/]*(\d{8})[\s\-‐‑‒–—―_/]*(\d{6})", typed.strip())
    return f"{parts[1]}-{parts[2]}-{parts[3]}" if parts else typed


def typed_case_number(typed: str) -> str:
    """A case number as stored (LZ-20261127-000123) from how a person typed it: full width
    (ＬＺ－２０２６…), lower case, with spaces or other dashes between its parts. What is not a
    case number comes back folded, to be looked up in vain."""
    return _squeeze(case_number_as_printed(fold(typed)))


def check_input(number: str, check: str) -> tuple[str, str]:
    """The typed number and check, normalised; what is missing or malformed refused at once (before
    it counts as a try: the forms are public)."""
    number, check = typed_case_number(number), normalise(check)  # each folded once
    errors: list[UserError] = []
    if not number:
        errors.append(UserError("required", "请填写受理编号（受理通知书上的办件编号）", "/number"))
    elif len(number) > NUMBER_CHARS or not re.fullmatch(r"[0-9A-Z-]+", number):
        errors.append(UserError("format.number", "受理编号由字母、数字和“-”组成，如 LZ-20261127-000123，请核对后重新输入", "/number"))
    if not check:
        errors.append(UserError("required", "请填写证件号码后六位（无证件号码的办件填写手机号码后四位）", "/check"))
    elif not (re.fullmatch(rf"[0-9A-Z]{{{ID_TAIL}}}", check) or re.fullmatch(rf"\d{{{MOBILE_TAIL}}}", check)):
        errors.append(UserError("format.check", "请填写证件号码后六位（字母X不区分大小写），无证件号码的办件填写手机号码后四位", "/check"))
    if errors:
        raise UserErrorsException(errors)
    return number, check


# --- the lookup ---------------------------------------------------------------------------------------


async def case_progress(govhall: GovHall, *, number: str, check: str, center_code: str | None = None,
                        address: str | None = None) -> Progress:
    """The progress of the case ``number`` when ``check`` matches it (see the module); ``center_code``
    (a center's own page or kiosk) limits the lookup to that center. Every mismatch is
    ``no_match`` with :data:`NO_MATCH`, counted against ``address``, the pair of ``address`` and the
    number, and the number (``Settings.progress_limits``)."""
    number, check = check_input(number, check)

    async def attempt() -> Progress:
        found = await _matching_case(govhall, number, check, center_code)
        if found is None:
            raise UserErrorsException([UserError("no_match", NO_MATCH, None)])
        return await _progress(govhall, *found)

    limits = govhall.settings.progress_limits
    return await throttle.guarded(SCOPE, address, attempt, limits=limits.client, locked_message=LOCKED,
                                  subject=number, subject_limits=limits.client_case,
                                  subject_total=limits.case, subject_total_message=LOCKED_CASE)


async def _matching_case(govhall: GovHall, number: str, check: str, center_code: str | None) -> tuple[Case, Any] | None:
    case = await Case.get_or_none(number=number)
    if case is None:
        return None
    if center_code is not None and not await Center.exists(id=case.center_id, code=center_code):  # type: ignore[attr-defined]
        return None
    item = await item_version(govhall, case.item_version_id)  # type: ignore[attr-defined]
    if item.definition.get("itemType") == INTERNAL_ITEM:
        return None
    account = await User.get_or_none(id=case.applicant_id)  # type: ignore[attr-defined]
    identities, mobiles = second_factors(case.data, account)
    return (case, item) if matches(check, identities, mobiles) else None


def local_date(moment: datetime) -> date:
    return moment.astimezone(CENTER_TZ).date()

# A joint case's departments each decide their task (approve_task, refuse_task); the decision that
# completes the case is a step of its own, named by the state it left the case in.
COMPLETING_TASK_STEPS = {"approved": STEPS["approve"], "refused": STEPS["refuse"], "partly_approved": ("completed", "审批办结（部分准予）")}


def _public_step(action: str, moved_to: str) -> tuple[str, str] | None:
    """The public step of a log line (``moved_to``: the state it moved the case to, "" when it did
    not move it), or None for a line the public does not see."""
    if action in STEPS:
        return STEPS[action]
    if action in ("approve_task", "refuse_task"):
        return COMPLETING_TASK_STEPS.get(moved_to)
    return None


async def _progress(govhall: GovHall, case: Case, item: Any) -> Progress:
    center = await Center.get(id=case.center_id)  # type: ignore[attr-defined]
    department = await Department.get_or_none(id=case.department_id) if case.department_id else None  # type: ignore[attr-defined]
    process = govhall.processes.get(case.process)
    waiting = case.state in process.states_with_queue("pickup")
    ready, ready_at = waiting, None
    if waiting:
        status = await acall_first(govhall.hub.for_center(center).case_pickup_status, center=center, case=case)
        if isinstance(status, Mapping):
            ready, ready_at = bool(status.get("ready")), status.get("at")
    events = await CaseEvent.filter(case_id=case.id).order_by("seq").only("action", "at", "from_state", "to_state")
    steps = []
    for e in events:
        shown = _public_step(e.action, e.to_state if e.to_state != e.from_state else "")
        if shown is not None:
            steps.append(ProgressStep(step=shown[0], label=shown[1], date=local_date(e.at)))
    if ready:
        steps.append(ProgressStep(step=READY_STEP[0], label=READY_STEP[1], date=local_date(ready_at or case.completed_at or case.updated_at)))
        steps.sort(key=lambda s: s.date)  # stable: the log's order within a day
    return Progress(
        number=case.number, item_name=item.name, center_name=center.name,
        department_name=department.name if department else None, applicant=mask_name(case.applicant_name),
        state=case.state, state_label=process.state_label(case.state), submitted_on=local_date(case.submitted_at),
        accepted_on=case.accepted_on, promised_due=case.promised_due, due_provisional=(await clock.provisional_dues(case))[0],
        completed_on=case.completed_on, pickup_ready=ready, pickup_window=await pickup_window(center, department),
        steps=steps,
    )


async def pickup_window(center: Center, department: Department | None) -> str | None:
    """Where the result is handed out: the center's pickup window (出件窗口; the case's department's
    own, where it has one), else the department's window; with its code (统一出件窗口（CJ01）)."""
    windows = await Window.filter(center_id=center.id, closed_at__isnull=True).order_by("code")  # a closed one hands out nothing
    pickup = [w for w in windows if w.kind == "pickup"]
    own = [w for w in pickup if department is not None and w.department_id == department.id]  # type: ignore[attr-defined]
    chosen = (own or pickup or [w for w in windows if department is not None and w.department_id == department.id])[:1]  # type: ignore[attr-defined]
    return f"{chosen[0].name}（{chosen[0].code}）" if chosen else None
