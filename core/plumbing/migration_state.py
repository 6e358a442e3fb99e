"""Tortoise's migration state, built with less work when migrations replay.

To apply or check migrations, Tortoise keeps a model state: every model as it stood after each
operation, rendered as model classes. Replaying GovHall's migrations (``govhall db upgrade`` on a
database that has tables, ``govhall db check``) rendered every model again about 300 times, each
time with the lookup tables of all its fields (~2,800 small dicts), and most of that was never read:

- before each operation Tortoise keeps a copy of the state, in case the operation reads the models
  as they were; most operations (creating a model, adding a field or an index) never do. The copy
  (:class:`DeferredState`) now renders its models when something first reads them;
- a state model's lookup tables are built on demand (:class:`~core.plumbing.model_filters.FiltersOnDemand`,
  as for the app's own models), for the few fields a data migration's query names.

Everything else is Tortoise's own code; the schema the migrations build is unchanged
(``tests/test_newest_schema.py`` compares it with the models'). :func:`install` puts both in place,
once per process, before migrations run (:func:`core.plumbing.db.upgrade`); they act only while a
migration state is being rendered. Replaying every migration took 11.3 s on SQLite before, 2.3 s now.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from tortoise import models as tortoise_models
from tortoise.filters import get_filters_for_field
from tortoise.migrations.schema_generator.state import ModelState, State
from tortoise.migrations.schema_generator.state_apps import StateApps

from core.plumbing.model_filters import SEPARATOR, FiltersOnDemand

_rendering = ContextVar("rendering_migration_state", default=False)
_LATER: dict[str, Any] = {}  # a field's lookups while a state model is defined: built when a query names it


@contextmanager
def _rendering_state() -> Iterator[None]:
    token = _rendering.set(True)
    try:
        yield
    finally:
        _rendering.reset(token)


def _while_rendering(method: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _rendering_state():
            return method(*args, **kwargs)

    wrapper.__wrapped__ = method  # type: ignore[attr-defined]
    wrapper.__doc__ = method.__doc__
    return wrapper


class DeferredState(State):
    """A copy of a migration state whose models are rendered the first time ``apps`` is read."""

    def __init__(self, models: dict[tuple[str, str], ModelState], source: StateApps) -> None:
        self.models = models
        self._source = source  # the apps copied from: their connections, not their models
        self._apps: StateApps | None = None

    @property  # type: ignore[override]
    def apps(self) -> StateApps:
        if self._apps is None:
            self._apps = self._source.clone(model_states=self.models)
        return self._apps

    @apps.setter
    def apps(self, value: StateApps) -> None:
        self._apps = value


def _clone(state: State) -> State:
    """``State.clone``: the same models, copied now, rendered later."""
    source = state._source if isinstance(state, DeferredState) and state._apps is None else state.apps
    return DeferredState({key: model.clone() for key, model in state.models.items()}, source)


def _filters_for_field(field_name: str, field: Any, source_field: str) -> dict[str, Any]:
    """Tortoise's ``get_filters_for_field`` as ``tortoise.models`` calls it; while a state model is
    defined, only the field's name, its lookups left for :func:`_generate_filters` to defer."""
    if _rendering.get():
        return {field_name: _LATER}
    return get_filters_for_field(field_name=field_name, field=field, source_field=source_field)


_tortoise_generate_filters = tortoise_models.MetaInfo._generate_filters


def _generate_filters(meta: Any) -> None:
    """``MetaInfo._generate_filters``; for a state model, a :class:`FiltersOnDemand` table."""
    everything = meta._filters
    if not any(info is _LATER for info in everything.values()):
        _tortoise_generate_filters(meta)
        return
    table = FiltersOnDemand(meta, frozenset(key.split(SEPARATOR, 1)[0] for key in everything))
    dict.update(table, meta.filters)  # what relations already put there (a many-to-many's lookups)
    meta.filters = table
    meta._filters = {key: info for key, info in everything.items() if info is not _LATER}
    try:
        _tortoise_generate_filters(meta)  # the lookups already built, with the database's operators
    finally:
        meta._filters = everything


_installed = False


def install() -> None:
    """Defer the copies and lookup tables of migration states (calling again does nothing)."""
    global _installed
    if _installed:
        return
    _installed = True
    State.clone = _clone  # type: ignore[method-assign]
    ModelState.render = _while_rendering(ModelState.render)  # type: ignore[method-assign]
    StateApps._init_relations = _while_rendering(StateApps._init_relations)  # type: ignore[method-assign]
    StateApps._build_initial_querysets = _while_rendering(StateApps._build_initial_querysets)  # type: ignore[method-assign]
    tortoise_models.get_filters_for_field = _filters_for_field  # type: ignore[assignment]
    tortoise_models.MetaInfo._generate_filters = _generate_filters  # type: ignore[method-assign]
