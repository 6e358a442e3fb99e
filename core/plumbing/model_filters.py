"""Tortoise's filter tables, built when a query first needs them instead of all at start-up.

For every field of every model Tortoise builds, at import and again at ``Tortoise.init``, a dict
per lookup it could answer (``state``, ``state__in``, ``state__icontains``, ``state__search``…):
about 18,000 small dicts for GovHall's models, 5 MiB of every process's memory, of which a
worker uses a few dozen. :func:`build_filters_on_demand` replaces each model's table, after
``Tortoise.init``, with a :class:`FiltersOnDemand` that builds a field's lookups the first time a
query names that field, with Tortoise's own functions and the database's operator overrides, so
a query resolves exactly as before (``tests/test_model_filters.py`` compares every lookup of every
model with Tortoise's eager table, on both databases)."""

from __future__ import annotations

from copy import copy
from typing import Any

from tortoise import Tortoise
from tortoise.fields.relational import ManyToManyFieldInstance
from tortoise.filters import FilterInfoDict, get_filters_for_field, get_m2m_filters

SEPARATOR = "__"


def field_lookups(meta: Any, name: str) -> dict[str, FilterInfoDict]:
    """Every lookup Tortoise builds for the field ``name`` of a model (``pk`` for its primary key),
    as ``MetaInfo`` builds them: :func:`get_filters_for_field` (or :func:`get_m2m_filters`), then
    the database executor's operator overrides. Empty for a name that is not a field."""
    field = meta.pk if name == "pk" else meta.fields_map.get(name)
    if field is None:
        return {}
    if isinstance(field, ManyToManyFieldInstance) and name != "pk":
        lookups = get_m2m_filters(name, field)
    else:
        source = field.source_field or (field.model_field_name if name == "pk" else name)
        lookups = get_filters_for_field(field_name=name, field=field, source_field=source)
    override = meta.db.executor_class.get_overridden_filter_func
    built: dict[str, FilterInfoDict] = {}
    for key, info in lookups.items():
        operator = override(filter_func=info["operator"], filter_info=info)
        if operator:
            info = copy(info)
            info["operator"] = operator
        built[key] = info
    return built


class FiltersOnDemand(dict):  # type: ignore[type-arg]
    """A model's lookup table (``MetaInfo.filters``) that holds only the fields queries have named.

    Tortoise reads it with ``key in filters`` and ``filters[key]``; both build the lookups of the
    key's field (the part before ``__``) the first time, and only for the fields Tortoise's own
    table had (``names``): a relation's name stays unknown here as it was there."""

    __slots__ = ("names", "_built", "_meta")

    def __init__(self, meta: Any, names: frozenset[str]) -> None:
        super().__init__()
        self.names = names
        self._built: set[str] = set()
        self._meta = meta

    def _build(self, key: Any) -> None:
        name = key.split(SEPARATOR, 1)[0] if isinstance(key, str) else key
        if name in self.names and name not in self._built:
            self._built.add(name)
            for lookup, info in field_lookups(self._meta, name).items():
                self.setdefault(lookup, info)

    def __contains__(self, key: object) -> bool:
        if not dict.__contains__(self, key):
            self._build(key)
        return dict.__contains__(self, key)

    def __missing__(self, key: str) -> FilterInfoDict:
        self._build(key)
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        raise KeyError(key)


def build_filters_on_demand() -> None:
    """Give every initialised model a :class:`FiltersOnDemand` in place of its eager lookup table
    (idempotent: a later ``Tortoise.init`` of the same models keeps the names already known)."""
    for models in Tortoise.apps.values():
        for model in models.values():
            meta = model._meta
            table = meta.filters
            names = set(table.names) if isinstance(table, FiltersOnDemand) else set()
            names.update(key.split(SEPARATOR, 1)[0] for key in dict.keys(table))
            meta.filters = FiltersOnDemand(meta, frozenset(names))
            meta._filters = {}  # Tortoise's source of ``filters``, read again only by another init
