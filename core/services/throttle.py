"""Login throttling per account and per client address, kept in the database (``login_throttle``) so
every process and every restart sees the same counts; and the security audit log.

An attempt first *reserves* a failure on both keys (an atomic ``failures + 1``): parallel guesses are
counted before their passwords are checked, so no burst outruns the limit. A wrong password keeps the
reservation; reaching the limit locks the key for ``lock_minutes`` × 2^(earlier lockouts), at most
``max_lock_minutes``. While a key is locked every attempt is refused unchecked, the right password
too. A right password gives both reservations back and clears the account's record.

:func:`guarded` applies the same counting to other secrets typed in (a booking code at a hall's
kiosk): per client address and scope, with :class:`GuessLimits`; and, given a ``subject`` (the case
number a progress lookup names), per address and subject, and optionally per subject from every
address under a bound of its own (so one address's wrong guesses lock that address, not the subject).
:func:`metered` counts what succeeds (an SMS code sent) per client address the same way.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol, TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q

from core.plumbing.errors import UserError, UserErrorsException
from core.plumbing.models import LoginThrottle, SecurityEvent
from core.plumbing.settings import GuessLimits, LoginLimits

log = logging.getLogger("govhall.security")

T = TypeVar("T")


class Locking(Protocol):
    """What counting and locking read from a limit (:class:`LoginLimits`, :class:`GuessLimits`)."""

    @property
    def window_minutes(self) -> int: ...
    @property
    def lock_minutes(self) -> int: ...
    @property
    def max_lock_minutes(self) -> int: ...


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def lockout_error(until: datetime, now: datetime) -> UserError:
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return UserError(code="login_locked", message=f"登录失败次数过多，请 {minutes} 分钟后再试", path=None)


async def audit(kind: str, *, username: str = "", user_id: int | None = None, address: str = "", **detail: Any) -> None:
    """One row of the security audit log, and one log line (without passwords or tokens)."""
    await SecurityEvent.create(kind=kind, username=username[:64], user_id=user_id, address=address[:64], detail=detail)
    log.warning("security event %s", kind, extra={"event": kind, "username": username[:64], "address": address, **detail})


@dataclass
class Reservation:
    """The keys an attempt reserved a failure on, with their limits (and, for a key whose lock lasts
    otherwise than the attempt's ``limits`` say, its own :class:`Locking`)."""

    keys: list[tuple[str, int]]  # (key, limit)
    counts: dict[str, int]
    locking: dict[str, Locking] = field(default_factory=dict)


def _keys(username: str, address: str | None, limits: LoginLimits) -> list[tuple[str, int]]:
    keys = [(f"account:{username[:140]}", limits.account_failures)]
    if address:
        keys.append((f"address:{address[:140]}", limits.address_failures))
    return keys


async def _row(key: str, now: datetime) -> LoginThrottle:
    row = await LoginThrottle.get_or_none(key=key)
    if row is None:
        try:
            row = await LoginThrottle.create(key=key, window_start=now)
        except IntegrityError:  # a parallel attempt created it first
            row = await LoginThrottle.get(key=key)
    return row


async def reserve(username: str, address: str | None, limits: LoginLimits) -> Reservation | datetime:
    """Count this attempt as a failure on its account and address; the time a lock ends when one
    of them is locked (the attempt must then be refused without checking the password)."""
    return await reserve_keys(_keys(username, address, limits), limits)


async def reserve_keys(keys: list[tuple[str, int]], limits: Locking, *,
                       locking: Mapping[str, Locking] | None = None) -> Reservation | datetime:
    """Count an attempt as a failure on each ``(key, limit)``; the time a lock ends when one of the
    keys is locked (nothing is counted then). ``locking``: the window and lock times of a key that
    has its own (the others have ``limits``'s)."""
    reserved = await _reserve(keys, limits, locking)
    return reserved if isinstance(reserved, Reservation) else reserved[1]


async def _reserve(keys: list[tuple[str, int]], limits: Locking,
                   locking: Mapping[str, Locking] | None) -> Reservation | tuple[str, datetime]:
    """:func:`reserve_keys`, telling which key is locked: ``(key, until)``."""
    now = now_utc()
    own = dict(locking or {})
    counts: dict[str, int] = {}
    for key, limit in keys:
        key_limits = own.get(key, limits)
        window = timedelta(minutes=key_limits.window_minutes)
        row = await _row(key, now)
        if row.locked_until is not None and row.locked_until > now:
            await _give_back(list(counts))
            return key, row.locked_until
        if row.window_start <= now - window:  # a quiet window: start counting again
            await LoginThrottle.filter(id=row.id, window_start=row.window_start).update(failures=0, window_start=now)
        # counted only while the key is not locked: a lock set by a parallel attempt since the row
        # was read above must refuse this one too (one conditional UPDATE, atomic on both engines)
        unlocked = Q(locked_until=None) | Q(locked_until__lte=now)
        if not await LoginThrottle.filter(unlocked, id=row.id).update(failures=F("failures") + 1):
            await _give_back(list(counts))
            return key, (await LoginThrottle.get(id=row.id)).locked_until or now
        counts[key], locked_until = (await LoginThrottle.filter(id=row.id).values_list("failures", "locked_until"))[0]
        if locked_until is not None and locked_until > now:  # locked (and its count reset) since our increment
            await _give_back(list(counts))
            return key, locked_until
        if counts[key] > limit:  # more attempts in flight than the limit allows: lock now
            until = await _lock(row.id, now, key_limits)
            await _give_back(list(counts))
            return key, until
    return Reservation(keys=keys, counts=counts, locking=own)


async def _give_back(keys: list[str]) -> None:
    if keys:
        await LoginThrottle.filter(key__in=keys, failures__gt=0).update(failures=F("failures") - 1)


async def _lock(row_id: int, now: datetime, limits: Locking) -> datetime:
    row = await LoginThrottle.get(id=row_id)
    if row.locked_until is not None and row.locked_until > now:
        return row.locked_until
    minutes = min(limits.max_lock_minutes, limits.lock_minutes * 2 ** min(row.lockouts, 16))
    until = now + timedelta(minutes=minutes)
    await LoginThrottle.filter(id=row_id).update(locked_until=until, lockouts=F("lockouts") + 1, failures=0, window_start=now)
    return until


async def failed(reservation: Reservation, limits: Locking) -> datetime | None:
    """The password was wrong: the reservation stays a failure. The time the lock ends when this
    failure reached a limit (and locked the key), else None."""
    locked = await _failed(reservation, limits)
    return max(locked.values()) if locked else None


async def _failed(reservation: Reservation, limits: Locking) -> dict[str, datetime]:
    """:func:`failed`, by key: the keys this failure locked, with the end of each one's lock."""
    now = now_utc()
    locked: dict[str, datetime] = {}
    for key, limit in reservation.keys:
        if reservation.counts[key] >= limit:
            row = await LoginThrottle.get(key=key)
            locked[key] = await _lock(row.id, now, reservation.locking.get(key, limits))
    return locked


async def succeeded(reservation: Reservation) -> None:
    """The password was right: the account starts afresh; the address gets its reservation back."""
    account, *others = [key for key, _ in reservation.keys]
    await LoginThrottle.filter(key=account).update(failures=0, lockouts=0, locked_until=None)
    await _give_back(others)


async def give_back(reservation: Reservation) -> None:
    """The attempt was right: its reservations are given back (earlier failures stay counted)."""
    await _give_back([key for key, _ in reservation.keys])


async def metered(scope: str, address: str | None, action: Callable[[], Awaitable[T]], *, limits: GuessLimits,
                  locked_message: str) -> T:
    """Run ``action`` (something that costs: an SMS sent) counted per client ``address`` under
    ``scope`` when it succeeds: ``limits.failures`` of them within ``limits.window_minutes`` are
    allowed, the next one locks the address for ``limits.lock_minutes`` (doubled at each lockout up to
    ``max_lock_minutes``) and is refused, unrun, as ``too_many_attempts`` with ``locked_message``
    (its ``{minutes}`` filled in), audited as ``rate_refused_locked``. The count is reserved before
    ``action`` runs, so a burst cannot outrun it, and given back when ``action`` raises."""
    key = f"rate:{scope}:{address or 'unknown'}"[:160]
    reservation = await _reserve([(key, limits.failures)], limits, None)
    if not isinstance(reservation, Reservation):
        await audit("rate_refused_locked", address=address or "", scope=scope)
        minutes = max(1, math.ceil((reservation[1] - now_utc()).total_seconds() / 60))
        raise UserErrorsException([UserError("too_many_attempts", locked_message.format(minutes=minutes), None)])
    try:
        return await action()
    except BaseException:
        await give_back(reservation)
        raise


async def guarded(scope: str, address: str | None, attempt: Callable[[], Awaitable[T]], *, limits: GuessLimits,
                  locked_message: str, subject: str | None = None, subject_limits: GuessLimits | None = None,
                  subject_total: GuessLimits | None = None, subject_total_message: str | None = None) -> T:
    """Run ``attempt`` (the check of a secret someone typed) counted like a login from ``address``
    under ``scope``: a ``UserErrorsException`` from it is a failed guess. While the address is locked
    ``attempt`` is not run; the refusal is ``too_many_attempts`` with ``locked_message`` (its
    ``{minutes}`` filled in); the failure that reaches the limit gets that error after its own. Failures,
    lockouts and refusals are audited (``guess_failed``, ``guess_locked``, ``guess_refused_locked``,
    with the ``bound`` reached: ``address``, ``address_subject`` or ``subject``).

    With ``subject`` (what the guesses are about, as typed: a case number) the attempt is also counted
    on the pair of address and subject, under ``subject_limits`` (default ``limits``): a locked pair
    refuses that address at that subject only, so one address's guesses lock neither the subject for
    the others nor the address for other subjects. With ``subject_total`` too, it is counted on the
    subject from every address together: a locked subject refuses every attempt at it alike, with
    ``subject_total_message`` (default ``locked_message``). Set that bound above what one address can
    reach under ``subject_limits``, or one address locks the subject for everyone. A subject is a key
    of its own, so an unknown one locks exactly as an existing one does."""
    where = address or ""
    key = f"guess:{scope}:{address or 'unknown'}"[:160]
    keys = [(key, limits.failures)]
    locking: dict[str, Locking] = {}
    bounds = {key: "address"}
    messages = {key: locked_message}
    detail: dict[str, Any] = {"scope": scope}
    if subject is not None:
        own = subject_limits or limits
        pair_key = f"guess:{scope}:subject:{subject}:from:{address or 'unknown'}"[:160]
        keys.append((pair_key, own.failures))
        locking[pair_key], bounds[pair_key], messages[pair_key] = own, "address_subject", locked_message
        if subject_total is not None:
            subject_key = f"guess:{scope}:subject:{subject}"[:160]
            keys.append((subject_key, subject_total.failures))
            locking[subject_key], bounds[subject_key] = subject_total, "subject"
            messages[subject_key] = subject_total_message or locked_message
        detail["subject"] = subject[:64]
    reservation = await _reserve(keys, limits, locking)

    def locked(locked_key: str, until: datetime) -> UserError:
        minutes = max(1, math.ceil((until - now_utc()).total_seconds() / 60))
        return UserError(code="too_many_attempts", message=messages[locked_key].format(minutes=minutes), path=None)

    if not isinstance(reservation, Reservation):
        await audit("guess_refused_locked", address=where, bound=bounds[reservation[0]], **detail)
        raise UserErrorsException([locked(*reservation)])
    try:
        result = await attempt()
    except UserErrorsException as refused:
        await audit("guess_failed", address=where, codes=[e.code for e in refused.errors], **detail)
        now_locked = await _failed(reservation, limits)
        if not now_locked:
            raise
        # keys in order address, pair, subject: the subject's lock, when this failure set it, speaks
        # (its message differs); else the pair's
        last = list(now_locked)[-1]
        until = now_locked[last]
        await audit("guess_locked", address=where, until=until.isoformat(), bound=bounds[last], **detail)
        raise UserErrorsException([*refused.errors, locked(last, until)]) from None
    except BaseException:
        await give_back(reservation)
        raise
    await give_back(reservation)
    return result
