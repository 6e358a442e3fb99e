"""Issuing documents: number a document and record it, with its frozen context, inside the caller's
transaction; the PDF is rendered after commit (:mod:`core.services.documents.rendering`).

:func:`issue_document` takes a ready context (see :mod:`core.services.documents.render`); the case helpers
build that context from a :class:`~core.plumbing.models.Case` (:func:`case_context`) and issue in one call
(:func:`issue_case_document`); :func:`issue_register` makes the 办件登记簿 of a period.

Nothing here commits: a :class:`~core.services.documents.render.DocumentError` (the template is filled
in the issuing transaction, which takes milliseconds: at issue time, or for a transition's notices
at its end, before the commit; only the layout is deferred) or any other error
propagates, so the caller's transaction rolls back with the number it consumed and no
``Document`` row is left behind. Called outside any transaction, :func:`issue_document` opens its
own so the same holds.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from functools import partial
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from tortoise.backends.base.client import TransactionalDBClient
from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from core.services import clock, config_cache
from core.services.case_memo import case_tasks, defer_check, defer_insert, flush_for
from core.services.case_numbers import take_numbers
from core.services.config_cache import ConfigCache
from core.plumbing.counters import next_value
from core.plumbing.instances import new_instance
from core.plumbing.sql import insert_new
from core.plumbing.errors import UserErrorsException
from core.services.outbox import events as outbox_events
from core.plumbing.models import Case, Center, Department, Document, ItemVersion, User, Window
from core.services.parties import account_name
from core.services.plugins import acall
from core.services.documents.certificate import certificate_block
from core.services.documents.frozen import freeze
from core.services.documents.kinds import DOCUMENT_KINDS, DocumentError, cn_date
from core.services.remedy import REMEDY_KINDS, remedy_for
from core.services.documents.worker import note_issued

if TYPE_CHECKING:
    from core.services.runtime import GovHall

# 文号 abbreviation per kind: 连政服受〔2026〕第0001号.
KIND_ABBREVIATIONS: dict[str, str] = {
    "acceptance_notice": "受",
    "correction_notice": "补",
    "return_notice": "退",
    "promise_notice": "承",
    "joint_notice": "联",
    "approval_decision": "准",
    "refusal_decision": "不准",
    "certificate": "证",
    "reply_notice": "答",
    "extension_notice": "延",
    "register": "登",
}
DEFAULT_ABBREVIATION = "文"

# Issued in the deciding department's name, under its 审批专用章 and, where the center configures
# one, its own 文号 prefix; every other kind is the center's own notice.
DEPARTMENT_KINDS: frozenset[str] = frozenset({"approval_decision", "refusal_decision", "certificate"})
SEAL_SUFFIX = "审批专用章"
# What needs the deciding department: its name and seal, or its remedy authorities.
_DECIDED_KINDS: frozenset[str] = DEPARTMENT_KINDS | REMEDY_KINDS

# No 0/O, 1/I: a code read aloud or typed from paper cannot be mistaken.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 12
assert 256 % len(CODE_ALPHABET) == 0  # every letter as likely (see new_verify_code)
_CODE_RE = re.compile(f"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")


# --------------------------------------------------------------------------- small helpers


def new_verify_code() -> str:
    """A random 12-character code from an unambiguous alphabet (60 bits): one random byte per
    character, each as likely (the alphabet's 32 letters divide 256)."""
    return "".join(CODE_ALPHABET[b % len(CODE_ALPHABET)] for b in secrets.token_bytes(CODE_LENGTH))


def normalize_code(text: str) -> str | None:
    """``k7q2-9xdm-4tpa`` → ``K7Q29XDM4TPA``; ``None`` when it cannot be a verification code."""
    code = re.sub(r"[\s\-]", "", text or "").upper()
    return code if _CODE_RE.match(code) else None


def display_code(code: str) -> str:
    """``K7Q29XDM4TPA`` → ``K7Q2-9XDM-4TPA`` (as printed on the document)."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def document_number(center: Center, abbreviation: str, year: int, n: int, prefix: str | None = None) -> str:
    """``连政服受〔2026〕第0001号`` (``prefix``: a department's, ``连市监审准〔2026〕第0001号``)."""
    return f"{prefix or center.doc_prefix}{abbreviation}〔{year}〕第{n:04d}号"


def seal_caption(department: Department) -> str:
    """The department's seal as configured (``sealName``), else ``<name>审批专用章``."""
    return department.seal_name or f"{department.name}{SEAL_SUFFIX}"


def department_block(department: Department) -> dict[str, Any]:
    """``{code, name, abbreviation, seal {caption, name, label}}``: the seal's caption split into the
    text along its rim (the department's name) and the line under the star (审批专用章)."""
    caption = seal_caption(department)
    if caption.startswith(department.name) and len(caption) > len(department.name):
        rim, label = department.name, caption[len(department.name):]
    else:
        rim, label = caption, ""
    return {
        "code": department.code, "name": department.name, "abbreviation": department.abbreviation,
        "seal": {"caption": caption, "name": rim, "label": label},
    }


def verify_url(govhall: GovHall, code: str) -> str:
    return f"{govhall.settings.public_url.rstrip('/')}/verify/{code}"


def progress_url(govhall: GovHall, center: Center) -> str:
    """The center's page of 办件进度查询 (``web/views/progress.js``), printed on the acceptance notices."""
    return f"{govhall.settings.public_url.rstrip('/')}/web/#/progress/{center.code}"


ISSUED_COLUMNS = ("id", "public_id", "center_id", "kind", "title", "number", "issued_on", "sha256", "verify_code", "state",
                  "progress", "last_error")
"""The columns a document's GraphQL view reads (its PDF content is never loaded for it)."""


def document_url(document: Document) -> str:
    """Where an authorised user downloads the PDF (relative to the site): by its random public id,
    never the row number."""
    return f"/documents/{document.public_id}.pdf"


def _title(govhall: GovHall, kind: str, context: Mapping[str, Any]) -> str | None:
    """The printed title: given in ``document.title``, the certificate's, or the kind's (the core's,
    or the one its plugin declared)."""
    given = context.get("document")
    if isinstance(given, Mapping) and given.get("title"):
        return str(given["title"])
    certificate = context.get("certificate")
    if kind == "certificate" and isinstance(certificate, Mapping) and certificate.get("title"):
        return str(certificate["title"])
    return DOCUMENT_KINDS.get(kind) or govhall.document_titles.get(kind)


def _center_block(center: Center) -> dict[str, Any]:
    block: dict[str, Any] = {
        "name": center.name, "code": center.code, "docPrefix": center.doc_prefix,
        "phone": center.phone, "address": center.address,
    }
    seal = (center.settings or {}).get("sealLabel")
    if seal:
        block["sealLabel"] = seal
    return block


# --------------------------------------------------------------------------- issuing


async def issue_document(
    govhall: GovHall,
    *,
    center: Center,
    kind: str,
    context: Mapping[str, Any],
    case: Case | None = None,
    department: Department | None = None,
    kept: bool = False,
) -> Document:
    """Number one document and record it ``pending`` with its context; runs in the caller's
    transaction (or its own). The PDF is rendered after commit (a worker, or the first download).

    ``kept``: in a transition of ``case``, the row is kept for the transition's last round trip
    (:func:`core.services.case_memo.defer_insert`; written earlier, with its id, when anything
    may read it first): the document has no ``id`` until then; and its template is filled then,
    still before the commit (:func:`core.services.case_memo.defer_check`). Otherwise both now.

    With ``department`` (the one that decided) the 文号 takes the department's abbreviation, where
    the center configures one, and its own sequence.

    ``context`` follows the renderer's contract; its ``center`` and ``document`` blocks may add
    keys (``sealLabel``, ``issuer``, ``title``) but the number, codes and date are set here.
    Raises :class:`DocumentError` for an unknown kind or a template error.
    """
    check_kind(govhall, kind)
    check_register_size(context)
    if isinstance(get_connection("default"), TransactionalDBClient):
        return await _issue(
            govhall=govhall, center=center, kind=kind, context=context, case=case, department=department, kept=kept
        )
    async with in_transaction():
        return await _issue(
            govhall=govhall, center=center, kind=kind, context=context, case=case, department=department
        )


def check_kind(govhall: GovHall, kind: str) -> None:
    """:class:`DocumentError` for a kind no template exists for."""
    # the core's kinds first: ``kinds()`` looks through the template folders on every call
    if kind not in DOCUMENT_KINDS and kind not in govhall.renderer.kinds():
        raise DocumentError(f"{kind}.html", None, f"未知的文书种类 / unknown document kind: {kind!r}")


REGISTER_MAX_ROWS = 500
"""Most rows one register (``context["register"]["rows"]``: the core's, the pickup and green-channel
registers) may print in one document, about 20 pages: one request must not make the server print a
year of a busy hall at once (the render runs after commit, in the background, but still costs it)."""


def check_register_size(context: Mapping[str, Any]) -> None:
    """Refuse a register with more rows than :data:`REGISTER_MAX_ROWS` (``register.too_large`` at
    ``/to``, asking for a shorter period), before anything is numbered or rendered."""
    register = context.get("register")
    rows = register.get("rows") if isinstance(register, Mapping) else None
    if rows is not None and len(rows) > REGISTER_MAX_ROWS:
        raise UserErrorsException.single(
            "register.too_large",
            f"该期间共有{len(rows)}条记录，一份登记簿最多{REGISTER_MAX_ROWS}条：请缩短期间，分段出具",
            "/to",
        )


@dataclass(frozen=True)
class _Numbering:
    """Which sequence a document takes its number from, and the parts of the number around it."""

    scope: str
    abbreviation: str
    prefix: str | None
    issued_on: date


def _numbering(govhall: GovHall, center: Center, kind: str, department: Department | None) -> _Numbering:
    issued_on = clock.local_today()  # its year picks the number sequence
    year = issued_on.year
    # one sequence per prefix and abbreviation: two kinds numbered alike can never share a number
    abbreviation = govhall.document_abbreviations.get(kind, DEFAULT_ABBREVIATION)
    prefix = department.abbreviation if department is not None and department.abbreviation else None
    if prefix and prefix != center.doc_prefix:
        return _Numbering(f"doc:{center.id}:{prefix}:{abbreviation}:{year}", abbreviation, prefix, issued_on)
    return _Numbering(f"doc:{center.id}:{abbreviation}:{year}", abbreviation, None, issued_on)


async def _issue(
    govhall: GovHall, center: Center, kind: str, context: Mapping[str, Any], case: Case | None,
    department: Department | None = None, kept: bool = False,
) -> Document:
    numbering = _numbering(govhall, center, kind, department)
    n = await next_value(numbering.scope)
    return await _record(
        govhall, center=center, kind=kind, context=context, case=case, numbering=numbering, n=n, kept=kept
    )


async def _record(
    govhall: GovHall, *, center: Center, kind: str, context: Mapping[str, Any], case: Case | None,
    numbering: _Numbering, n: int, kept: bool,
) -> Document:
    """The document numbered ``n`` of its sequence: filled (or its fill kept, see
    :func:`issue_document`), recorded, announced."""
    issued_on, abbreviation, prefix = numbering.issued_on, numbering.abbreviation, numbering.prefix
    year = issued_on.year
    number = document_number(center=center, abbreviation=abbreviation, year=year, n=n, prefix=prefix)
    code = new_verify_code()
    title = _title(govhall, kind, context)
    values = dict(context)
    given_center = values.get("center")
    values["center"] = {**_center_block(center), **(given_center if isinstance(given_center, Mapping) else {})}
    given_doc = values.get("document")
    values["document"] = {
        **(given_doc if isinstance(given_doc, Mapping) else {}),
        "kind": kind, "number": number, "issuedOn": issued_on,
        "verifyCode": display_code(code), "verifyUrl": verify_url(govhall, code),
        "progressUrl": progress_url(govhall, center),
    }
    if title:  # a kind without one (undeclared) must name its own title block (or fails clearly)
        values["document"]["title"] = title
    # Fill the template in the issuing transaction (milliseconds), so a missing field or a template
    # error refuses the issue and rolls the number back; the PDF is laid out after commit
    # (core.services.documents.rendering). A transition's notices are filled at its end, while its
    # last writes (their rows among them) travel to the database, before it commits.
    deferred = kept and case is not None and defer_check(case, partial(govhall.renderer.check, kind, values))
    if not deferred:
        govhall.renderer.check(kind, values)
    document = new_instance(Document, {
        "center": center, "case": case, "kind": kind, "title": (title or kind)[:128], "number": number, "issued_on": issued_on,
        "issuer": str(values["document"].get("issuer") or values["center"].get("name") or "")[:128],
        "verify_code": code, "sha256": "", "content": b"", "size": 0, "state": "pending", "progress": 0,
        "render_context": freeze(values),
    })
    if not (deferred and case is not None and defer_insert(case, document)):
        await insert_new(document)
    note_issued()
    await outbox_events.document_issued(center, document, case)
    return document


# --------------------------------------------------------------------------- case context


def state_label(govhall: GovHall, process: str, state: str) -> str:
    """The process's label for ``state`` (``审查中``), or the raw state when unknown."""
    try:
        return str(govhall.processes.get(process).state_label(state))
    except Exception:  # no registry yet, unknown process: print the raw state
        return state


async def _materials(case: Case, definition: Mapping[str, Any]) -> list[dict[str, str]]:
    """What this case actually has, and how (uploaded, originals, copies): never the item's list."""
    from core.services.receipt import received_list

    return await received_list(case, definition)


async def _get(model: Any, key: Any, case: Case | None = None) -> Any:
    """The row ``key`` of ``model``; with ``case``, remembered on that in-memory case, so the
    documents one transition issues (an accept: two notices) look each row up once."""
    if key is None:
        return None
    if case is None:
        return await model.get_or_none(id=key)
    memo = case.__dict__.setdefault("_document_rows", {})
    if (model, key) not in memo:
        memo[(model, key)] = await model.get_or_none(id=key)
    return memo[(model, key)]


async def _loaded(case: Case, name: str, model: Any) -> Any:
    """The case's ``name`` relation as the case was loaded with it (``select_related``), else read."""
    found = getattr(case, f"_{name}", None)
    if isinstance(found, model) and found.id == getattr(case, f"{name}_id"):
        return found
    return await _get(model, getattr(case, f"{name}_id"), case)


async def _department(case: Case, config: ConfigCache | None) -> Department | None:
    if config is not None:
        return await config_cache.department(config, case.department_id)  # type: ignore[attr-defined]
    return await _get(Department, case.department_id, case)  # type: ignore[attr-defined]


async def _window(case: Case, config: ConfigCache | None) -> Window | None:
    if config is not None:
        return await config_cache.window(config, case.center_id, case.window_id)  # type: ignore[attr-defined]
    return await _get(Window, case.window_id, case)  # type: ignore[attr-defined]


async def case_context(
    govhall: GovHall,
    case: Case,
    kind: str,
    extra: Mapping[str, Any] | None = None,
    *,
    config: ConfigCache | None = None,
    params: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The template context of ``kind`` for ``case`` (in-memory field values are used as they are).

    ``extra`` is merged on top, then what the center's ``case_document_context`` hooks return
    (given ``params``, the issuing transition's data). A refusal decision or a return notice names
    the deciding department's remedy authorities (:mod:`core.services.remedy`).
    ``config``: the app's configuration cache valid for the request (departments and windows).
    """
    center: Center = await _loaded(case, "center", Center)
    item: ItemVersion = await _loaded(case, "item_version", ItemVersion)
    department = await _department(case, config)
    window = await _window(case, config)
    agent: User | None = await _get(User, case.agent_id, case)  # type: ignore[attr-defined]
    applicant_name = case.applicant_name
    if not applicant_name:
        applicant = await _get(User, case.applicant_id, case)  # type: ignore[attr-defined]
        applicant_name = account_name(applicant.display_name, applicant.username) if applicant else ""
    tasks = await case_tasks(case)
    definition = item.definition or {}
    department_name = department.name if department else ""
    lead = next((t.department.name for t in tasks if t.lead), department_name)
    promised_provisional, legal_provisional = await clock.provisional_dues(case)
    context: dict[str, Any] = {
        "case": {
            "number": case.number,
            "itemName": item.name,
            "applicantName": applicant_name,
            "agentName": account_name(agent.display_name, agent.username) if agent else "",
            "kind": case.kind,
            "acceptedAt": case.accepted_at or case.submitted_at,
            "submittedAt": case.submitted_at,  # the application's date (于…提交): online, days before acceptance
            "promisedDue": case.promised_due,
            "legalDue": case.legal_due,
            "promisedDays": definition.get("promisedDays"),
            "legalDays": definition.get("legalDays"),
            "provisional": bool(case.deadline_provisional),  # some date is: the note below the dates
            "promisedProvisional": promised_provisional,  # each date marked 暂定 on its own
            "legalProvisional": legal_provisional,
            "department": department_name,
            "window": window.name if window else "",
            "leadDepartment": lead,
            "departments": [t.department.name for t in tasks] or ([department_name] if department_name else []),
            "state": state_label(govhall, case.process, case.state),
        }
    }
    if kind == "acceptance_notice":
        context["materials"] = await _materials(case, definition)
    if kind == "certificate":
        context["certificate"] = {**certificate_block(definition, case.data), "holder": applicant_name}
    deciding = await deciding_department(case, department, tasks, kind=kind, part=_part(extra)) if kind in _DECIDED_KINDS else None
    if kind in DEPARTMENT_KINDS and deciding is not None:
        # 发证机关 / 决定机关: the deciding department, under its seal
        block = department_block(deciding)
        context["department"] = block
        context["document"] = {"issuer": block["name"], "heading": block["name"], "seal": block["seal"]}
    if kind in REMEDY_KINDS:  # 行政复议 and 行政诉讼 before the deciding department's authorities
        context["remedy"] = remedy_for(center, deciding, kind)
    context.update(extra or {})
    hooks = govhall.hub.for_center(center)
    await flush_for(case, hooks.case_document_context)
    for result in await acall(hooks.case_document_context, center=center, case=case, kind=kind, params=params or {}):
        if isinstance(result, Mapping):
            context.update(result)
    return context


async def deciding_department(
    case: Case, department: Department | None = None, tasks: Any = None, *, kind: str = "", config: ConfigCache | None = None,
    part: str | None = None,
) -> Department | None:
    """The department that decides the case: the case's own; on a joint case its lead department,
    except for a refusal (``kind`` ``refusal_decision``) that one department alone made, or that
    is about one ``part`` (a department code: 部分准予): that department refuses in its own name,
    under its seal and before its own remedy authorities (the applicant challenges the act of
    whoever refused). Refused by several, the lead department issues the decision, which lists
    every department's reasons. A partly granted case's approval is the lead's when it approved,
    else the first approving department's."""
    if tasks is None:
        tasks = await case_tasks(case)
    if kind == "refusal_decision":
        refusing = [t.department for t in tasks if t.state == "refused" and part in (None, t.department.code)]
        if len(refusing) == 1:
            return refusing[0]
    approving = [t for t in tasks if t.state == "approved"]
    if kind in ("approval_decision", "certificate") and approving and any(t.state == "refused" for t in tasks):
        return next((t.department for t in approving if t.lead), approving[0].department)
    lead = next((t.department for t in tasks if t.lead), None)
    if lead is not None:
        return lead
    if department is None:
        department = await _department(case, config)
    return department


def _part(extra: Mapping[str, Any] | None) -> str | None:
    """The department code of the joint case's part a decision is about (``extra.part.code``), if any."""
    part = (extra or {}).get("part")
    return str(part["code"]) if isinstance(part, Mapping) and part.get("code") else None


async def issue_case_document(
    govhall: GovHall,
    case: Case,
    kind: str,
    extra: Mapping[str, Any] | None = None,
    *,
    config: ConfigCache | None = None,
) -> Document:
    """:func:`case_context` + :func:`issue_document` for the case's center (a decision or
    certificate: in the deciding department's name, under its 文号 prefix). ``config``: the app's
    configuration cache valid for the request, if any. In a transition of ``case`` the row is
    written with the transition's last round trip (``kept``, see :func:`issue_document`)."""
    (document,) = await issue_case_documents(govhall, case, [(kind, extra)], config=config)
    return document


async def issue_case_documents(
    govhall: GovHall,
    case: Case,
    wanted: Sequence[tuple[str, Mapping[str, Any] | None]],
    *,
    config: ConfigCache | None = None,
    params: Mapping[str, Any] | None = None,
) -> list[Document]:
    """:func:`issue_case_document` for each ``(kind, extra)`` in turn, their numbers taken in one
    statement (:func:`core.plumbing.counters.next_values`) once every context is built: what one
    transition issues together (an accept: two notices), ``params`` its data. Runs in the caller's
    transaction, or its own."""
    if not isinstance(get_connection("default"), TransactionalDBClient):
        async with in_transaction():
            return await issue_case_documents(govhall, case, wanted, config=config, params=params)
    center = await _loaded(case, "center", Center)
    prepared = []
    for kind, extra in wanted:
        context = await case_context(govhall, case, kind, extra, config=config, params=params)
        department = await deciding_department(case, kind=kind, config=config, part=_part(extra)) if kind in DEPARTMENT_KINDS else None
        check_kind(govhall, kind)
        check_register_size(context)
        prepared.append((kind, context, _numbering(govhall, center, kind, department)))
    numbers = await take_numbers(case, [numbering.scope for _, _, numbering in prepared])  # reserved by a claim, or next
    return [
        await _record(govhall, center=center, kind=kind, context=context, case=case, numbering=numbering, n=n, kept=True)
        for (kind, context, numbering), n in zip(prepared, numbers)
    ]


# --------------------------------------------------------------------------- register


def period_text(start: date, end: date) -> str:
    """``2026年11月`` for a whole month, else ``2026年11月1日至2026年11月15日``."""
    if start == end:
        return cn_date(start)
    next_day = date.fromordinal(end.toordinal() + 1)
    if start.day == 1 and next_day.day == 1 and (start.year, start.month) == (end.year, end.month):
        return f"{start.year}年{start.month}月"
    return f"{cn_date(start)}至{cn_date(end)}"


async def register_context(govhall: GovHall, center: Center, start: date, end: date) -> dict[str, Any]:
    """The 办件登记簿 context: every case of ``center`` accepted from ``start`` to ``end``."""
    cases = (
        await Case.filter(center_id=center.id, accepted_on__gte=start, accepted_on__lte=end)
        .select_related("item_version")
        .order_by("accepted_at", "id")
    )
    rows = [
        {
            "number": c.number,
            "item": c.item_version.name,
            "applicant": c.applicant_name,
            "acceptedAt": c.accepted_at,
            "due": c.promised_due,
            "state": state_label(govhall, c.process, c.state),
            "finishedAt": c.completed_at,
        }
        for c in cases
    ]
    return {"register": {"period": period_text(start, end), "rows": rows}}


async def issue_register(govhall: GovHall, center: Center, start: date, end: date) -> Document:
    """Issue the register of a period (no case); runs in the caller's transaction."""
    context = await register_context(govhall, center, start, end)
    return await issue_document(govhall, center=center, kind="register", context=context)
