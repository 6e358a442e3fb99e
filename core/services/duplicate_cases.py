"""您已有该事项的在办件: a second filing of an item by the same applicant (the same account and the
same applicant name printed on the case) while an earlier case of it is still open is refused, unless
the filer confirms it (``allowDuplicate``: some items are rightly filed twice at once, e.g. for two
properties). Without the check the front desk finds and closes such duplicates by hand.

Open (在办) is the case's state neither completed nor terminal in its own process, as the handover
means it (:func:`core.services.handover.open_cases_of`), and not returned (``NOT_PENDING``:
退回（不予受理）, 已退回): a returned case waits only for the applicant, who may ask for review (复核)
or file anew, and is told then of no 在办件 (the handover still counts it: the 首问负责 person stays
in charge of its review). The probe is one indexed read of the case's id, number, state and process
(``gh_case (applicant_id, item_version_id, applicant_name, completed_at)``: a completed case has
``completed_at``, so only the open, the returned and the withdrawn cases of that applicant, name
and item are visited), made the new case's guard: on PostgreSQL in the submission's one statement,
on SQLite in its one call. A case whose process is no longer registered cannot move and counts as
ended.

Two filings sent at the same moment may both pass: the check spares the front desk the common
duplicate, it is no uniqueness rule (a confirmed second filing is allowed)."""

from __future__ import annotations

from functools import cache
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from core.plumbing.errors import UserError, UserErrorsException
from core.plumbing.new_case import Guard
from core.plumbing.sql import rows

if TYPE_CHECKING:
    from core.services.workflow import ProcessRegistry

DUPLICATE_CASE = "duplicate_case"
NOT_PENDING = ("returned",)
"""States that are not 在办 to the check though neither completed nor terminal: 已退回 (the
standard process's 退回（不予受理）); a state a process does not have is no matter."""
COLUMNS = ("id", "number", "state", "process")
_SELECTED = ", ".join(f'o."{column}"' for column in COLUMNS)


@cache
def _probe(ended_states: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[str, tuple[str, ...]]:
    """The probe's SQL and the values of its open condition, ``(o.process = ? AND o.state NOT IN
    (…)) OR …`` over the registered processes (:attr:`ProcessRegistry.ended_states`, and
    ``NOT_PENDING``). No ``ORDER BY``: SQLite would walk the applicant's cases by id instead of the
    probe's index range."""
    parts: list[str] = []
    args: list[str] = []
    for process, ended_only in ended_states:
        ended = (*ended_only, *(s for s in NOT_PENDING if s not in ended_only))
        not_ended = f' AND o."state" NOT IN ({", ".join("?" * len(ended))})' if ended else ""
        parts.append(f'(o."process" = ?{not_ended})')
        args += [process, *ended]
    sql = (
        f'SELECT {_SELECTED} FROM "gh_case" o'
        ' WHERE o."applicant_id" = ? AND o."applicant_name" = ? AND o."completed_at" IS NULL'
        ' AND o."item_version_id" IN (SELECT v."id" FROM "item_version" v WHERE v."item_id" = ?)'
        f' AND ({" OR ".join(parts) or "1 = 0"}) LIMIT 1'
    )
    return sql, tuple(args)


def open_case_guard(registry: ProcessRegistry, *, applicant_id: int, applicant_name: str, item_id: int) -> Guard:
    """The probe for an open case of the item (any of its versions) filed for this applicant
    account under this applicant name, as the new case's guard (:mod:`core.plumbing.new_case`):
    read in the submission's own statement, it costs no round trip."""
    sql, args = _probe(registry.ended_states)
    return Guard(sql=sql, args=(applicant_id, applicant_name, item_id, *args), columns=COLUMNS)


def duplicate_error(registry: ProcessRegistry, case: Mapping[str, Any], *, for_self: bool) -> UserErrorsException:
    """``duplicate_case`` naming the open ``case`` (its number and state in the message, its id and
    number for a link); ``for_self``: the filer is the applicant (您), else a clerk or agent filing
    for them (该申请人)."""
    process = registry.processes.get(case["process"])
    label = process.state_label(case["state"]) if process else case["state"]
    who = "您" if for_self else "该申请人"
    message = (f"{who}已有该事项的在办件 {case['number']}（{label}），请勿重复申报；"
               "如确需再次申报，请确认后提交")
    return UserErrorsException([UserError(DUPLICATE_CASE, message, case_id=int(case["id"]), case_number=case["number"])])


async def refuse_duplicate(
    registry: ProcessRegistry, *, applicant_id: int, applicant_name: str, item_id: int, for_self: bool
) -> None:
    """Raise :func:`duplicate_error` when there is an open case, read on its own (a submission
    written in a transaction of its own steps: :func:`core.services.cases.submit_case`)."""
    guard = open_case_guard(registry, applicant_id=applicant_id, applicant_name=applicant_name, item_id=item_id)
    found = await rows(guard.sql, guard.args)
    if found:
        raise duplicate_error(registry, found[0], for_self=for_self)
