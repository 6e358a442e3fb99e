"""Document numbers taken in a transition's claim, on PostgreSQL.

An accept issues two notices, each numbered from its counter: one statement of its own between
the claim and the last write. The numbers a transition takes depend on the case's center,
process and state and on the action, which the case's row tells only once it is claimed; so the
claim of a transition takes the numbers the actor's last transition of that action took, if the
case is in the same center, process and state (:class:`~core.services.case_memo.Reservation`):
the same documents, the same counters. The documents then use them (:func:`take_numbers`), as
they would have taken them themselves, in order.

A guess that no longer fits (another year's counter, a document not issued this time) costs
nothing wrong: numbers the transition did not use are given back in its last write
(:func:`unused_numbers_sql`), while it still holds the counter rows, so the sequences stay
gap-free; numbers it needs and did not reserve are taken as before. A refused transition rolls
its reservation back with the rest."""

from __future__ import annotations

from collections import OrderedDict
from collections import Counter as Tally
from collections.abc import Sequence
from typing import Any

from core.plumbing.counters import next_values
from core.plumbing.models import Case
from core.services.case_memo import NUMBERS_RESERVED, Reservation, memo_of

_TAKEN = "numbers_taken"
_GUESSES = "case_numbers.guesses"
_GUESSES_KEPT = 1024


def reservation(govhall: Any, user_id: int | None, action: str) -> Reservation | None:
    """What the claim of ``action`` by this user should take: what their last one took, if any."""
    guesses = govhall.memo.get(_GUESSES)
    return guesses.get((user_id, action)) if guesses else None


def learn(govhall: Any, user_id: int | None, action: str, case: Case, from_state: str) -> None:
    """After a transition committed: remember which numbers it took (none, too), for the next."""
    memo = memo_of(case)
    if memo is None:
        return
    taken = Tally(memo.get(_TAKEN, ()))
    scopes = tuple(sorted(taken))
    guess = Reservation(center_id=case.center_id, process=case.process, state=from_state,  # type: ignore[attr-defined]
                        scopes=scopes, counts=tuple(taken[s] for s in scopes)) if scopes else None
    guesses: OrderedDict[tuple[int | None, str], Reservation | None] = govhall.memo.setdefault(_GUESSES, OrderedDict())
    guesses[(user_id, action)] = guess
    guesses.move_to_end((user_id, action))
    if len(guesses) > _GUESSES_KEPT:
        guesses.popitem(last=False)


async def take_numbers(case: Case, scopes: Sequence[str]) -> list[int]:
    """The next number of each of ``scopes`` in order (:func:`core.plumbing.counters.next_values`):
    those the case's claim reserved first, the others from the counters."""
    memo = memo_of(case)
    if memo is None:
        return await next_values(scopes)
    reserved: dict[str, list[int]] = memo.get(NUMBERS_RESERVED) or {}
    numbers: list[int | None] = [reserved[s].pop(0) if reserved.get(s) else None for s in scopes]
    wanted = [i for i, n in enumerate(numbers) if n is None]
    if wanted:
        for i, n in zip(wanted, await next_values([scopes[i] for i in wanted])):
            numbers[i] = n
    memo.setdefault(_TAKEN, []).extend(scopes)
    return [n for n in numbers if n is not None]


def unused_numbers_sql(case: Case) -> list[tuple[str, list[Any]]]:
    """The statements that give back the numbers the claim reserved and the transition did not
    use (the last ones of their counters: one is taken from the counter only once its reserved
    ones are used), for its last write."""
    memo = memo_of(case)
    reserved: dict[str, list[int]] = (memo.pop(NUMBERS_RESERVED, None) or {}) if memo is not None else {}
    return [("UPDATE counter SET value = value - ? WHERE scope = ?", [len(left), scope])
            for scope, left in sorted(reserved.items()) if left]
