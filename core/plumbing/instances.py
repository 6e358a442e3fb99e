"""New model instances built as ``Model(**values)`` builds them, without its per-field dispatch;
instances of rows read from the database as ``Model._init_from_db`` builds them (:func:`from_rows`).

Tortoise's ``Model.__init__`` sorts each keyword into relation, column or error, then gives every
field not passed its default, asking for each one whether the default is a coroutine function, a
callable or a value; every attribute goes through ``Model.__setattr__``. A submission builds its
draft case, its first event and its deadline timer that way on every request: over a hundred such
steps. :func:`new_instance` does the same steps, with what depends only on the model and the names
passed (which fields take which default, in which order) worked out once."""

from __future__ import annotations

import inspect
from copy import deepcopy
from functools import lru_cache
from typing import Any, TypeVar

from tortoise.models import Model

M = TypeVar("M", bound=Model)

_AWAIT, _CALL, _VALUE, _COPY, _DB_DEFAULT, _NONE = range(6)


@lru_cache(maxsize=256)
def _defaults(model: type[Model], passed: frozenset[str]) -> tuple[tuple[str, int, Any, bool], ...]:
    """The fields ``Model.__init__`` gives a default when ``passed`` are given, in its order:
    (name, how, default, whether it is a relation: set through the model's ``__setattr__``)."""
    meta = model._meta
    relations = meta.fk_fields | meta.o2o_fields
    plan = []
    for key in meta.fields.difference(passed):
        field = meta.fields_map[key]
        default = field.default
        if inspect.iscoroutinefunction(default):
            how = _AWAIT
        elif callable(default):
            how = _CALL
        elif default is not None:
            how = _VALUE if isinstance(default, (int, float, str, bool, bytes)) else _COPY
        elif field.has_db_default():
            how = _DB_DEFAULT
        else:
            how = _NONE
        plan.append((key, how, default, key in relations))
    return tuple(plan)


@lru_cache(maxsize=64)
def _relations(model: type[Model]) -> frozenset[str]:
    return frozenset(model._meta.fk_fields | model._meta.o2o_fields)


@lru_cache(maxsize=256)
def _known(model: type[Model], names: frozenset[str]) -> bool:
    """Whether every name is a column or a relation of ``model`` (anything else: ``Model.__init__``)."""
    return all(name in model._meta.fields_db_projection or name in _relations(model) for name in names)


def new_instance(model: type[M], values: dict[str, Any]) -> M:
    """``model(**values)``: the same instance, the same checks (a null for a non-null field, an
    unsaved related object) and the same errors (any name that is neither a column nor a relation
    is left to ``Model.__init__`` itself)."""
    meta = model._meta
    relations = _relations(model)
    if not _known(model, frozenset(values)):
        return model(**values)
    self = model.__new__(model)
    put = object.__setattr__
    put(self, "_partial", False)
    put(self, "_saved_in_db", False)
    put(self, "_custom_generated_pk", False)
    put(self, "_await_when_save", {})
    passed = set(values)
    passed |= meta.fetch_fields
    fields = meta.fields_map
    for key, value in values.items():
        if key in relations:
            if value and not value._saved_in_db:
                from tortoise.exceptions import OperationalError

                raise OperationalError(f"You should first call .save() on {value} before referring to it")
            setattr(self, key, value)
            passed.add(fields[key].source_field)
            continue
        field = fields[key]
        if field.pk and field.generated:
            put(self, "_custom_generated_pk", True)
        if value is None and not field.null:
            raise ValueError(f"{key} is non nullable field, but null was passed")
        put(self, key, field.to_python_value(value))
    _set_defaults(self, _defaults(model, frozenset(passed)))
    return self


def _set_defaults(self: Model, plan: tuple[tuple[str, int, Any, bool], ...]) -> None:
    put = object.__setattr__
    for key, how, default, relation in plan:
        if how == _AWAIT:
            self._await_when_save[key] = default
            continue
        if how == _CALL:
            value = default()
        elif how == _VALUE:
            value = default
        elif how == _COPY:
            value = deepcopy(default)
        elif how == _DB_DEFAULT:
            value = self._meta.fields_map[key].get_db_default_value()
        else:
            value = None
        if relation:
            setattr(self, key, value)
        else:
            self._await_when_save.pop(key, None)
            put(self, key, value)


# --- instances of rows read from the database -----------------------------------------------------


@lru_cache(maxsize=256)
def _row_plan(model: type[Model], columns: frozenset[str]) -> tuple[tuple[str, Any], ...] | None:
    """How ``model._init_from_db`` converts a row of exactly ``columns``: the fields whose value it
    converts (model field, converter), the others being taken as they are under the same name;
    None when the row is anything else (partial, extra or renamed columns)."""
    meta = model._meta
    taken = {key for key, name, _field in meta.db_native_fields if key == name}
    converted: list[tuple[str, Any]] = []
    for key, name, field in meta.db_default_fields:
        if key != name:
            return None
        converted.append((name, lambda value, kind=field.field_type: value if value is None else kind(value)))
    for key, name, field in meta.db_complex_fields:
        if key != name:
            return None
        converted.append((name, field.to_python_value))
    if len(taken) != len(meta.db_native_fields) or columns != taken | {name for name, _ in converted}:
        return None
    return tuple(converted)


def from_rows(model: type[M], rows: list[dict[str, Any]]) -> list[M]:
    """``[model._init_from_db(**row) for row in rows]`` for rows of one query (the same columns):
    the same instances, each row's values put in at once instead of field by field (a page of 20
    cases took a quarter of a millisecond that way)."""
    if not rows:
        return []
    plan = _row_plan(model, frozenset(rows[0]))
    if plan is None:
        return [model._init_from_db(**row) for row in rows]
    custom_pk = model._meta.db_pk_column not in model._meta.generated_db_fields
    made = []
    for row in rows:
        self = model.__new__(model)
        values = self.__dict__
        values["_partial"] = False
        values["_saved_in_db"] = True
        values["_custom_generated_pk"] = custom_pk
        values["_await_when_save"] = {}
        values.update(row)
        for name, convert in plan:
            values[name] = convert(row[name])
        made.append(self)
    return made
