"""Centers and their latest item versions, cached per app for the requests that need them most
(submitting a case), and never served stale.

Every saved center or published item version bumps one number in the database, the configuration
generation (a ``counter`` row, in the writer's own transaction: Tortoise ``post_save`` signals on
:class:`Center` and :class:`ItemVersion`, registered by :func:`install`). The authentication query, which every signed-in request
runs anyway, reads it too (:attr:`core.services.accounts.Actor.config_generation`); a cached entry is used
only while the generation is the one the request read. So a change made by any process (another
worker, ``govhall center load``, a calendar import) is seen by the next request, with no extra
statement per request and nothing to listen to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tortoise.signals import post_save

from core.plumbing.counters import next_value
from core.plumbing.models import Center, ItemVersion

if TYPE_CHECKING:
    from core.services.runtime import GovHall

SCOPE = "config"  # the counter row holding the generation
GENERATION_SQL = "COALESCE((SELECT value FROM counter WHERE scope = 'config'), 0)"
_KEY = "config_cache"


@dataclass
class ConfigCache:
    generation: int
    centers: dict[str, Center] = field(default_factory=dict)
    versions: dict[tuple[int, str], ItemVersion] = field(default_factory=dict)


def cache_for(govhall: GovHall | None, generation: int | None) -> ConfigCache | None:
    """The app's cache valid at ``generation``, or None (nothing may be cached: no generation was
    read, or a newer one has already been seen by another request of this app)."""
    if govhall is None or generation is None:
        return None
    cache: ConfigCache | None = govhall.memo.get(_KEY)
    if cache is None or cache.generation < generation:
        cache = govhall.memo[_KEY] = ConfigCache(generation)
    return cache if cache.generation == generation else None


async def _changed(sender: Any, instance: Any, created: bool, using_db: Any, update_fields: Any) -> None:
    await next_value(SCOPE)


def install() -> None:
    """Bump the generation on every save of a center or item version from now on (the ``post_save``
    signals). Called at every start of the runtime, before anything is saved; calling again does
    nothing (Tortoise keeps a listener once)."""
    post_save(Center, ItemVersion)(_changed)
