"""The core's effects: what a transition does besides changing the state.

Effects run inside the transition's database transaction, in the order the process lists them;
an exception rolls the whole transition back (no half-issued document, no clock without a state).
They change the case object in memory and mark the fields with ``ctx.touch``; the engine saves the
case once at the end.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from core.services import clock, config_cache, licences
from core.services.case_memo import case_tasks, flush, forget
from core.services.config_cache import cache_for
from core.services.documents.issue import issue_case_documents
from core.plumbing.models import CaseTask, Department, Material, Timer
from core.services.notice_names import marked_entries
from core.services.plugins import acall_first
from core.services.receipt import record_receipt
from core.services.workflow import Effect, EffectGroup, TransitionContext, before_insert, run_effects

CLOCK_DAYS = {"promised": "promisedDays", "legal": "legalDays", "task": "promisedDays"}


@before_insert
async def start_clock(ctx: TransitionContext, timer: str = "promised", days: int | None = None) -> None:
    if days is None:
        days = int(ctx.item.definition.get(CLOCK_DAYS.get(timer, "promisedDays"), 0))
    await clock.start_clock(ctx.case, kind=timer, working_days=days)
    if timer in ("promised", "legal"):  # other timers leave the case's own fields as they were
        ctx.touch("promised_due", "legal_due", "deadline_provisional", "promised_days", "alert")


@before_insert
async def stop_clock(ctx: TransitionContext, timer: str | None = None) -> None:
    await clock.stop_clock(ctx.case, kinds=[timer] if timer else None)
    ctx.touch("alert")


async def pause_clock(ctx: TransitionContext, reason: str = "corrections") -> None:
    """A special procedure may be named in ``data.reason`` (hearing, expert_review...); whether it
    stops the promised clock too is the center's setting (see ``clock.pause_kinds``)."""
    if reason in clock.SPECIAL_PROCEDURES and ctx.params.get("reason") in clock.SPECIAL_PROCEDURES:
        reason = ctx.params["reason"]
    kinds = clock.pause_kinds(ctx.center, reason)
    await clock.pause_clock(ctx.case, reason, ctx.comment, kinds=kinds)
    ctx.changes["pause"] = {"reason": reason, "promisedClock": "paused" if kinds is None else "running"}
    ctx.touch("promised_due", "legal_due", "alert")


async def resume_clock(ctx: TransitionContext) -> None:
    await clock.resume_clock(ctx.case)
    ctx.touch("promised_due", "legal_due", "deadline_provisional", "alert")


async def extend_clock(ctx: TransitionContext) -> None:
    user = ctx.actor.require_login()
    await clock.extend_clock(ctx.case, int(ctx.params["days"]), ctx.comment, user)
    ctx.changes["extension"] = {"days": ctx.params["days"], "reason": ctx.comment}
    ctx.touch("promised_due", "legal_due", "deadline_provisional", "alert")


@before_insert
async def set_accepted(ctx: TransitionContext) -> None:
    """The case is accepted now (a supplement case: now that its materials are complete), at the
    accepting clerk's window, or else the window that serves the item's department."""
    ctx.case.accepted_at = clock.now()  # the moment and the day (accepted_on) from the one clock
    ctx.case.accepted_on = clock.local_today()
    ctx.touch("accepted_at", "accepted_on")
    if ctx.case.window_id is None:  # type: ignore[attr-defined]
        window_id = await accepting_window(ctx)
        if window_id is not None:
            ctx.case.window_id = window_id  # type: ignore[attr-defined]
            ctx.touch("window_id")
    await set_responsible(ctx)


async def accepting_window(ctx: TransitionContext) -> int | None:
    """The window a case is accepted at: the accepting staff member's, else the first open one of the
    case's department, else the first open one that serves it. A closed window (撤销) takes no new
    cases, even from a staff member still posted to it."""
    cache = cache_for(ctx.govhall, ctx.actor.config_generation)
    windows = [w for w in await config_cache.windows(cache, ctx.center.id) if w.closed_at is None]
    open_ids = {w.id for w in windows}
    for grant in ctx.actor.grants:
        if grant.center_id == ctx.center.id and grant.window_id in open_ids:
            return grant.window_id
    department_id = ctx.case.department_id  # type: ignore[attr-defined]
    code = ctx.item.definition.get("department")
    for window in windows:
        if department_id is not None and window.department_id == department_id:  # type: ignore[attr-defined]
            return window.id
    for window in windows:
        if code in (window.serves or []):
            return window.id
    return None


@before_insert
async def set_responsible(ctx: TransitionContext) -> None:
    """首问负责: the first staff member who handles the case stays responsible for it."""
    if ctx.case.responsible_id is None and ctx.actor.user is not None and ctx.role not in ("owner",):  # type: ignore[attr-defined]
        ctx.case.responsible_id = ctx.actor.user.id  # type: ignore[attr-defined]
        ctx.touch("responsible_id")


async def mark_notice(ctx: TransitionContext) -> None:
    """一次性告知 as it is issued and recorded: each entry says which material of the item it asks
    for (``code``) or that it names none (``unlisted``: the applicant's 补齐 cannot be checked
    against an upload for it), so the check at 补齐 is the one the clerk was shown."""
    if isinstance(ctx.params.get("missing"), list):
        ctx.params["missing"] = marked_entries(ctx.params["missing"], ctx.item.definition.get("materials", []))


@before_insert
async def classify(ctx: TransitionContext, keep: str | list[str] | None = None) -> None:
    """At acceptance: joint when the item names joint departments, urgent when so designated; a
    case whose kind is one of ``keep`` (a 补办件 accepted once its materials are complete) stays so;
    otherwise promised."""
    kept = [keep] if isinstance(keep, str) else list(keep or ())
    if ctx.item.definition.get("jointDepartments"):
        kind = "joint"
    elif ctx.case.urgent:
        kind = "urgent"
    elif ctx.case.kind in kept:
        kind = ctx.case.kind
    else:
        kind = "promised"
    if ctx.case.kind != kind:
        ctx.changes["kind"] = {"old": ctx.case.kind, "new": kind}
        ctx.case.kind = kind
        ctx.touch("kind")


async def open_tasks(ctx: TransitionContext) -> None:
    """联办件: one task per department, in parallel, each with its own deadline; a lead chosen by
    the first plugin that answers ``choose_lead_department`` (the core's default follows the approval center's rules)."""
    codes = [ctx.item.definition["department"], *ctx.item.definition.get("jointDepartments", [])]
    codes = list(dict.fromkeys(codes))
    departments = await Department.filter(center_id=ctx.center.id, code__in=codes)
    by_code = {d.code: d for d in departments}
    ordered = [by_code[c] for c in codes if c in by_code]
    hooks = ctx.govhall.hub.for_center(ctx.center)
    lead = await acall_first(hooks.choose_lead_department, center=ctx.center, item=ctx.item, departments=ordered)
    days = int(ctx.item.definition.get("promisedDays", 0))
    for department in ordered:
        task = await CaseTask.create(case=ctx.case, department=department, lead=department.code == lead)
        await clock.start_clock(ctx.case, kind="task", working_days=days, task=task)
    forget(ctx.case, "tasks")
    ctx.changes["tasks"] = {"departments": [d.code for d in ordered], "lead": lead}


async def task_for_actor(ctx: TransitionContext) -> CaseTask | None:
    """The open task this actor decides: ``params.department`` if given, else their department."""
    wanted = ctx.params.get("department")
    tasks = sorted((t for t in await case_tasks(ctx.case) if t.state == "open"), key=lambda t: t.id)
    for task in tasks:
        if wanted and task.department.code != wanted:
            continue
        # a head (首席代表) or reviewer granted for a department decides only that department's task
        if ctx.actor.has(ctx.center.id, "head", "reviewer", department_id=task.department_id):  # type: ignore[attr-defined]
            return task
    return None


async def decide_task(ctx: TransitionContext, outcome: str, done: dict[str, str] | None = None) -> None:
    """One department decides; when the last one has, the case moves on as the process's own
    ``approve`` (all approved), ``refuse`` (all refused) or ``approve_partly`` (部分准予: some
    approved, some refused) transition would, with its effects. A process without the last is
    refused as a whole when any department refused."""
    task = await task_for_actor(ctx)
    assert task is not None  # the open_task_for_actor guard ran first
    task.state = outcome
    task.decided_by_id = ctx.actor.user.id if ctx.actor.user else None  # type: ignore[attr-defined]
    task.decided_at = clock.now()
    task.comment = ctx.comment
    task.basis = str(ctx.params.get("basis") or "").strip() if outcome == "refused" else ""
    await task.save()
    await flush(ctx.case)  # the transition's timer writes kept so far, before the bulk UPDATE
    await Timer.filter(task_id=task.id, state__in=["running", "paused"]).update(state="stopped")
    forget(ctx.case, "timers")  # the task's timers changed behind the transition's shared rows
    ctx.changes["task"] = {"department": task.department.code, "outcome": outcome}
    states = [t.state for t in await case_tasks(ctx.case)]
    if "open" in states:
        return
    done = {"approved": "approve", "refused": "refuse", "mixed": "approve_partly", **(done or {})}
    result = "approved" if "refused" not in states else "refused" if "approved" not in states else "mixed"
    final = done[result]
    transition = ctx.process.find(ctx.from_state, final)
    if transition is None and result == "mixed":
        final = done["refused"]
        transition = ctx.process.find(ctx.from_state, final)
    if transition is None:
        return
    ctx.to_state = transition.target(ctx.from_state)
    ctx.changes["final"] = final
    await run_effects(ctx, transition.effects)


async def refusal_reasons(ctx: TransitionContext, part: str | None = None) -> list[dict[str, str]]:
    """A joint case's refusal: every department that refused (only ``part``'s, a department code,
    when given), with its opinion and legal basis."""
    tasks = sorted((t for t in await case_tasks(ctx.case) if t.state == "refused"), key=lambda t: t.id)
    return [{"department": t.department.name, "reason": t.comment, "basis": t.basis}
            for t in tasks if part is None or t.department.code == part]


def part_name(definition: Mapping[str, Any], task: CaseTask) -> str:
    """What a department's task of a joint case is called (the item's ``partNames``: 印章刻制), else
    after its department, so that a decision on it never names the other parts."""
    names = definition.get("partNames")
    named = names.get(task.department.code) if isinstance(names, Mapping) else None
    return str(named) if named else f"{task.department.name}办理事项"


async def issue_part_decisions(ctx: TransitionContext) -> None:
    """部分准予: the approval decision for the approved parts (and the certificate, where the item's
    own department approved its part), and one refusal decision per refused part, in its refusing
    department's name, naming only that part (the applicant challenges each refusal on its own)."""
    tasks = await case_tasks(ctx.case)
    definition = ctx.item.definition
    group: list[dict[str, Any]] = [{"kind": "approval_decision"}]
    if definition.get("certificate") and any(t.department.code == definition.get("department") and t.state == "approved" for t in tasks):
        group.append({"kind": "certificate"})
    group += [{"kind": "refusal_decision", "part": t.department.code} for t in tasks if t.state == "refused"]
    await issue_documents(ctx, group)


async def licence(ctx: TransitionContext) -> dict[str, Any] | None:
    """The licence this transition issues (number and validity), numbered once per case."""
    spec = ctx.item.definition.get("certificate")
    if not isinstance(spec, Mapping):
        return None
    flags = dict(ctx.case.flags or {})
    if "licence" not in flags:
        flags["licence"] = await licences.licence_for(
            center_id=ctx.center.id,
            center_short=ctx.center.short_name,
            item_code=ctx.item.code,
            spec=spec,
            on=clock.local_today(),
        )
        ctx.case.flags = flags
        ctx.touch("flags")
        ctx.changes["licence"] = flags["licence"]
    return dict(flags["licence"])


async def issue_document(ctx: TransitionContext, kind: str) -> None:
    """Render, number and store a notice; its number goes into the audit event. Decisions print the
    decider's opinion (the transition's comment); a refusal its reasons, legal basis and the
    applicant's remedies; an approval and a certificate the licence number and validity."""
    await issue_documents(ctx, [{"kind": kind}])


async def issue_documents(ctx: TransitionContext, group: Sequence[Mapping[str, Any]]) -> None:
    """Several ``issue_document`` effects in a row, as each would, their numbers taken in one
    statement once every context is built."""
    wanted = [(params["kind"], await _document_extra(ctx, **params)) for params in group]
    config = cache_for(ctx.govhall, ctx.actor.config_generation)
    documents = await issue_case_documents(ctx.govhall, ctx.case, wanted, config=config, params=ctx.params)
    for (kind, _), document in zip(wanted, documents):
        ctx.documents.append(document)
        ctx.changes.setdefault("documents", []).append({"kind": kind, "number": document.number})


async def _document_extra(ctx: TransitionContext, kind: str, part: str | None = None) -> dict[str, Any]:
    """What a notice of ``kind`` prints beyond the case (see :func:`issue_document`); ``part``: the
    department code of the joint case's part a refusal decision is about (部分准予)."""
    extra: dict[str, Any] = {}
    if kind == "correction_notice":
        missing = ctx.params.get("missing", [])
        named = [m["file"] for m in missing if isinstance(m.get("file"), str) and m["file"]]
        files = dict(await Material.filter(case_id=ctx.case.id, public_id__in=named).values_list("public_id", "filename")) if named else {}
        extra["missing"] = [
            {"name": m.get("name", ""), "reason": str(m.get("reason") or "").strip(), "file": files.get(m.get("file") or "", ""),
             "paper": m.get("paper") is True}
            for m in missing
        ]
        extra["note"] = ctx.comment or ""  # the clerk's 办理意见: what the applicant should know beyond the list
    if kind == "extension_notice":  # 行政许可法第四十二条: the applicant is told the reason
        extra["extension"] = {"days": int(ctx.params["days"]), "reason": ctx.comment or ""}
        held = await clock.paused_limits(ctx.case)
        if held:  # extended during a special procedure: no due date exists until it ends
            first = next(iter(held.values()))
            extra["pause"] = {
                "reason": first.reason, "since": first.since,
                **{f"{kind}Remaining": limit.remaining for kind, limit in held.items()},
            }
    if kind in ("return_notice", "refusal_decision", "reply_notice"):
        extra["reason"] = ctx.comment  # the remedies: the deciding department's (see case_context)
    if kind == "refusal_decision":
        extra["basis"] = str(ctx.params.get("basis") or "").strip()
        if ctx.transition.action == "refuse_task" or await case_tasks(ctx.case):
            extra["reasons"], extra["basis"] = await refusal_reasons(ctx, part), ""
        if part is not None:  # 部分准予: this part's refusal alone, its department's reason
            task = next(t for t in await case_tasks(ctx.case) if t.department.code == part)
            extra["reason"] = task.comment
            extra["part"] = {"code": part, "name": part_name(ctx.item.definition, task), "department": task.department.name}
    if kind == "approval_decision":
        content = str(ctx.params.get("content") or "").strip() or f"准予{ctx.item.name}"
        opinion = ctx.comment
        tasks = await case_tasks(ctx.case)
        if any(t.state == "refused" for t in tasks):  # 部分准予: the approved parts only
            tasks = [t for t in tasks if t.state == "approved"]
            content = f"准予{'、'.join(part_name(ctx.item.definition, t) for t in tasks)}"
        if tasks:  # a joint case: every (approving) department's opinion
            opinion = "；".join(f"{t.department.name}：{t.comment}" for t in tasks if t.comment)
        extra["decision"] = {"content": content, "opinion": opinion}
        refused = [part_name(ctx.item.definition, t) for t in await case_tasks(ctx.case) if t.state == "refused"]
        if refused:
            extra["decision"]["refusedParts"] = refused
    if kind in ("approval_decision", "certificate"):
        found = await licence(ctx)
        if found:
            extra["licence"] = found
    return extra


async def complete(ctx: TransitionContext) -> None:
    ctx.case.completed_at = clock.now()
    legal = ctx.item.definition.get("legalDays")
    item_legal_days = legal if isinstance(legal, int) and not isinstance(legal, bool) else 0
    await clock.complete_case_clock(ctx.case, item_legal_days=item_legal_days)
    ctx.touch("completed_at", "completed_on", "actual_days", "promised_days", "legal_days", "legal_actual_days", "alert")


async def mark_urgent(ctx: TransitionContext) -> None:
    ctx.case.urgent = True
    ctx.touch("urgent")


async def notify(ctx: TransitionContext, text: str) -> None:
    """Send a message to the applicant after the transition commits."""
    center, case = ctx.center, ctx.case

    async def send() -> None:
        await case.fetch_related("applicant")
        recipient = case.applicant.phone or case.applicant.username
        message = text.format(number=case.number, item=ctx.item.name, center=center.name)
        await acall_first(ctx.govhall.hub.for_center(center).send_notification, center=center, recipient=recipient, text=message, case=case)

    ctx.after_commit.append(send)


EFFECTS: dict[str, Effect] = {
    "start_clock": start_clock,
    "stop_clock": stop_clock,
    "pause_clock": pause_clock,
    "resume_clock": resume_clock,
    "extend_clock": extend_clock,
    "set_accepted": set_accepted,
    "set_responsible": set_responsible,
    "mark_notice": mark_notice,
    "classify": classify,
    "open_tasks": open_tasks,
    "decide_task": decide_task,
    "issue_part_decisions": issue_part_decisions,
    "issue_document": issue_document,
    "complete": complete,
    "mark_urgent": mark_urgent,
    "notify": notify,
    "record_receipt": record_receipt,
}
# several of these in a row run as one (see ProcessRegistry.together)
EFFECTS_TOGETHER: dict[str, EffectGroup] = {"issue_document": issue_documents}
