"""Waiting and service statistics of a period: average and longest wait, per window."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from core.api import Actor, UserErrorsException, local_midnight, period_problem

from .floor import floor_center
from .models import OnSiteRating, Ticket


@dataclass
class WindowFigures:
    window: str
    served: int = 0
    average_wait: float = 0.0
    longest_wait: float = 0.0
    average_service: float = 0.0
    waits: list[float] = field(default_factory=list, repr=False)
    services: list[float] = field(default_factory=list, repr=False)


@dataclass
class WaitStats:
    tickets: int
    called: int
    average_wait: float
    longest_wait: float
    windows: list[WindowFigures]


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 1) if values else 0.0


def _check_period(start: date, end: date) -> None:
    """A period the core's ``statistics`` refuses is refused here in its words: one typed back to front
    (not counted as an empty hall), or one longer than ten years."""
    problem = period_problem(start, end)
    if problem is not None:
        raise UserErrorsException.single("range", problem[1], problem[0])


async def wait_stats(actor: Actor, center_code: str, start: date, end: date) -> WaitStats:
    """Seconds waited (taken → first call) and served (call → finished) by the tickets of the period."""
    center = await floor_center(center_code)
    actor.require(center.id, "clerk", "head", "supervisor", "admin")
    _check_period(start, end)
    rows = await Ticket.filter(center=center, day__gte=start, day__lte=end)
    waits: list[float] = []
    per: dict[str, WindowFigures] = {}
    for t in rows:
        if t.called_at is None:
            continue
        wait = max(0.0, (t.called_at - t.taken_at).total_seconds())
        waits.append(wait)
        figures = per.setdefault(t.window_code, WindowFigures(t.window_code))
        figures.waits.append(wait)
        if t.finished_at is not None:
            figures.services.append(max(0.0, (t.finished_at - t.called_at).total_seconds()))
    for figures in per.values():
        figures.served = len(figures.waits)
        figures.average_wait = _mean(figures.waits)
        figures.longest_wait = max(figures.waits, default=0.0)
        figures.average_service = _mean(figures.services)
    return WaitStats(tickets=len(rows), called=len(waits), average_wait=_mean(waits),
                     longest_wait=max(waits, default=0.0), windows=[per[k] for k in sorted(per)])


@dataclass
class RatingFigures:
    """On-site ratings of one window or one staff member: how many, their average, how many bad."""

    kind: str
    subject: str
    ratings: int
    average: float
    bad: int


async def rating_figures(actor: Actor, center_code: str, start: date, end: date) -> list[RatingFigures]:
    """The tablet's ratings of the period per window and per staff member (评价器 figures)."""
    center = await floor_center(center_code)
    actor.require(center.id, "head", "supervisor", "admin")
    _check_period(start, end)
    if not 2000 <= start.year <= end.year <= 2100:  # 9999-12-31 has no next day to end the period at
        raise UserErrorsException.single("range", "统计期间应在2000年至2100年之间", "/to")
    since, until = local_midnight(start), local_midnight(end + timedelta(days=1))  # UTC: SQLite compares text
    rows = await OnSiteRating.filter(center=center, at__gte=since, at__lt=until).select_related("staff")
    groups: dict[tuple[str, str], list[int]] = {}
    for r in rows:
        groups.setdefault(("window", r.window_code), []).append(r.level)
        if r.staff is not None:
            groups.setdefault(("staff", r.staff.display_name or r.staff.username), []).append(r.level)
    return [
        RatingFigures(
            kind=kind,
            subject=subject,
            ratings=len(levels),
            average=round(sum(levels) / len(levels), 2),
            bad=sum(1 for v in levels if v <= 2),
        )
        for (kind, subject), levels in sorted(groups.items())
    ]
