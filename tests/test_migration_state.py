"""Migration states built with less work (core.plumbing.migration_state): the copy Tortoise keeps
before each operation is rendered only when read, and reads the models as they stood when it was
taken; a state model's lookups, built on demand, are those Tortoise would have built at once. That
the migrations still build the models' schema is tests/test_newest_schema.py's."""

from __future__ import annotations

import functools
import inspect
from typing import Any

import pytest
from tortoise import fields
from tortoise.migrations import operations as ops
from tortoise.migrations.schema_generator.state import ModelState, State
from tortoise.migrations.schema_generator.state_apps import StateApps

from core.plumbing.migration_state import DeferredState
from core.plumbing.model_filters import FiltersOnDemand

pytestmark = pytest.mark.anyio


def _same(a: Any, b: Any) -> bool:
    """Lookups alike in two renderings of a model: Tortoise makes a new functools.partial for some
    operators each time, and a relation's lookups hold the field (or its encoder) and the table."""
    if isinstance(a, functools.partial) and isinstance(b, functools.partial):
        return a.func is b.func and _same(list(a.args), list(b.args)) and _same(a.keywords, b.keywords)
    if inspect.ismethod(a) and inspect.ismethod(b):
        return a.__func__ is b.__func__ and _same(a.__self__, b.__self__)
    if isinstance(a, fields.Field) and isinstance(b, fields.Field):
        return type(a) is type(b) and a.model_field_name == b.model_field_name
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return bool(a == b) or str(a) == str(b)  # a table object, rendered again: alike by its name


def _state() -> State:
    """A town and its offices, as two migrations' operations would leave them."""
    state = State(models={}, apps=StateApps(default_connections={"hall": "default"}))
    ops.CreateModel(name="Town", fields=[
        ("id", fields.IntField(primary_key=True)),
        ("name", fields.CharField(max_length=40)),
        ("profile", fields.JSONField(default=dict)),
    ]).state_forward("hall", state)
    ops.CreateModel(name="Office", fields=[
        ("id", fields.IntField(primary_key=True)),
        ("town", fields.ForeignKeyField("hall.Town", related_name="offices")),
        ("opened", fields.DateField(null=True)),
    ]).state_forward("hall", state)
    return state


async def test_a_copy_is_rendered_when_read_as_the_state_stood_when_taken(govhall: Any) -> None:
    state = _state()
    copy = state.clone()
    assert isinstance(copy, DeferredState) and copy._apps is None  # nothing rendered yet
    ops.AddField(model_name="Town", name="code", field=fields.CharField(max_length=12, null=True)).state_forward("hall", state)
    again = copy.clone()  # a copy of the copy, still unrendered
    assert again._apps is None

    for before in (copy, again):
        town = before.apps.get_model("hall.Town")
        assert "code" not in town._meta.fields_map and "name" in town._meta.fields_map
        assert town is not state.apps.get_model("hall.Town")
        assert before.apps.get_model("hall.Office")._meta.fields_map["town"].related_model is town
    assert "code" in state.apps.get_model("hall.Town")._meta.fields_map


async def test_state_models_look_up_every_field_as_tortoise_would(govhall: Any) -> None:
    state = _state()
    for name in ("Town", "Office"):
        meta = state.apps.get_model(f"hall.{name}")._meta
        assert isinstance(meta.filters, FiltersOnDemand) and dict.__len__(meta.filters) == 0  # none built yet
        # the same model rendered by Tortoise alone, its lookups built at once
        eager_apps = StateApps(default_connections={"hall": "default"})
        for key, model_state in state.models.items():
            eager_apps.register_model(key[0], ModelState.render.__wrapped__(model_state, eager_apps))
        StateApps._init_relations.__wrapped__(eager_apps)
        eager = eager_apps.get_model(f"hall.{name}")._meta
        eager.finalise_model()
        assert not isinstance(eager.filters, FiltersOnDemand) and eager.filters
        for key, info in eager.filters.items():
            assert key in meta.filters and _same(meta.filters[key], info), key
        assert "nothing" not in meta.filters
    office = state.apps.get_model("hall.Office")
    assert office._meta.filters["town_id__in"]["source_field"] == "town_id"
