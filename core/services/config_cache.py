"""Centers, their latest item versions, departments and windows, cached per app for the requests
that need them most (submitting and moving a case), and never served stale.

Every saved center, published item version, saved or deleted department or window bumps one number
in the database, the configuration generation (a ``counter`` row, in the writer's own transaction:
Tortoise ``post_save`` and ``post_delete`` signals on :class:`Center`, :class:`ItemVersion`,
:class:`Department` and :class:`Window`, registered by :func:`install`). The authentication query, which every signed-in request
runs anyway, reads it too (:attr:`core.services.accounts.Actor.config_generation`); a cached entry is used
only while the generation is the one the request read. So a change made by any process (another
worker, ``govhall center load``, a calendar import) is seen by the next request that reads its
token, with no extra statement per request. On PostgreSQL a process may keep a token's read between
requests (:mod:`core.services.sessions`); the generation's change notifies every process, so a
change made elsewhere is seen a moment after its commit, and one made here at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tortoise.signals import post_delete, post_save

from core.plumbing.counters import next_value
from core.plumbing.models import Center, Department, ItemVersion, Window
from core.services.sessions import forget_sign_ins

if TYPE_CHECKING:
    from core.services.runtime import GovHall

SCOPE = "config"  # the counter row holding the generation
GENERATION_SQL = "COALESCE((SELECT value FROM counter WHERE scope = 'config'), 0)"
_KEY = "config_cache"


@dataclass
class ConfigCache:
    generation: int
    centers: dict[str, Center] = field(default_factory=dict)
    centers_by_id: dict[int, Center] = field(default_factory=dict)
    versions: dict[tuple[int, str], ItemVersion] = field(default_factory=dict)
    departments: dict[int, Department | None] = field(default_factory=dict)
    windows: dict[int, list[Window]] = field(default_factory=dict)  # by center id, in id order


def cache_for(govhall: GovHall | None, generation: int | None) -> ConfigCache | None:
    """The app's cache valid at ``generation``, or None (nothing may be cached: no generation was
    read, or a newer one has already been seen by another request of this app)."""
    if govhall is None or generation is None:
        return None
    cache: ConfigCache | None = govhall.memo.get(_KEY)
    if cache is None or cache.generation < generation:
        cache = govhall.memo[_KEY] = ConfigCache(generation)
    return cache if cache.generation == generation else None


async def department(cache: ConfigCache | None, department_id: int | None) -> Department | None:
    """The department row ``department_id`` (None: none), from ``cache`` when it has it. Callers
    must not change the returned row."""
    if department_id is None:
        return None
    if cache is None:
        return await Department.get_or_none(id=department_id)
    if department_id not in cache.departments:
        cache.departments[department_id] = await Department.get_or_none(id=department_id)
    return cache.departments[department_id]


async def windows(cache: ConfigCache | None, center_id: int) -> list[Window]:
    """The center's windows in id order, from ``cache`` when it has them. Callers must not change
    the returned rows."""
    if cache is None:
        return await Window.filter(center_id=center_id).order_by("id")
    if center_id not in cache.windows:
        cache.windows[center_id] = await Window.filter(center_id=center_id).order_by("id")
    return cache.windows[center_id]


async def window(cache: ConfigCache | None, center_id: int, window_id: int | None) -> Window | None:
    """The window ``window_id`` of the center (None: none), from ``cache`` when it has it."""
    if window_id is None:
        return None
    if cache is not None:
        for found in await windows(cache, center_id):
            if found.id == window_id:
                return found
    return await Window.get_or_none(id=window_id)


async def _changed(sender: Any, instance: Any, created: bool, using_db: Any, update_fields: Any) -> None:
    await next_value(SCOPE)
    forget_sign_ins()  # a sign-in carries the generation


async def _deleted(sender: Any, instance: Any, using_db: Any) -> None:
    await next_value(SCOPE)
    forget_sign_ins()


def install() -> None:
    """Bump the generation on every save of a center or item version, and every save or delete of a
    department or window, from now on (the ``post_save`` and ``post_delete`` signals). Called at every
    start of the runtime, before anything is saved; calling again does nothing (Tortoise keeps a
    listener once)."""
    post_save(Center, ItemVersion, Department, Window)(_changed)
    post_delete(Department, Window)(_deleted)
