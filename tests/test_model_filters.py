"""The models' lookup tables built on demand (core.plumbing.model_filters) answer every lookup as
Tortoise's eager tables do, and no other: compared in a fresh interpreter (where Tortoise's tables
are still whole) for every model, on the test's database; and queries through them still filter."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.plumbing.model_filters import FiltersOnDemand
from core.plumbing.models import Case, User

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parent.parent

COMPARE = r'''
import asyncio, functools, json, sys
from tortoise import Tortoise
from core.plumbing.db import tortoise_config
from core.services.plugins import make_plugin_manager, plugin_model_apps
from core.plumbing.model_filters import FiltersOnDemand, build_filters_on_demand


def same(a, b):
    """Filter infos alike: Tortoise makes a new functools.partial for some operators each time."""
    if isinstance(a, functools.partial) and isinstance(b, functools.partial):
        return a.func is b.func and a.args == b.args and a.keywords == b.keywords
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b or str(a) == str(b)


async def main():
    await Tortoise.init(config=tortoise_config(sys.argv[1], plugin_model_apps(make_plugin_manager())))
    eager = {(label, name): dict(model._meta.filters) for label, models in Tortoise.apps.items() for name, model in models.items()}
    build_filters_on_demand()
    report = {"models": 0, "lookups": 0, "wrong": [], "extra": []}
    for label, models in Tortoise.apps.items():
        for name, model in models.items():
            table, before = model._meta.filters, eager[(label, name)]
            assert isinstance(table, FiltersOnDemand)
            report["models"] += 1
            for key, info in before.items():
                report["lookups"] += 1
                if key not in table or not same(table[key], info):
                    report["wrong"].append(f"{name}.{key}")
            relations = model._meta.fk_fields | model._meta.o2o_fields | model._meta.backward_fk_fields
            for probe in [*relations, *(f"{r}__id" for r in relations), "nothing", "nothing__in"]:
                if probe not in before and probe in table:
                    report["extra"].append(f"{name}.{probe}")
            if dict.__len__(table) > len(before):
                report["extra"].append(f"{name}: {dict.__len__(table)} > {len(before)}")
    await Tortoise.close_connections()
    print(json.dumps(report))

asyncio.run(main())
'''


async def test_every_lookup_of_every_model_is_built_as_tortoise_builds_it(database_url, app):
    # ``app``: the test's database exists (and, on PostgreSQL, its tables)
    done = subprocess.run([sys.executable, "-c", COMPARE, database_url], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["models"] >= 40 and report["lookups"] > 10_000, report
    assert report["wrong"] == [], report["wrong"][:20]
    assert report["extra"] == [], report["extra"][:20]



async def test_queries_filter_through_the_tables_built_on_demand(govhall, app):
    assert isinstance(Case._meta.filters, FiltersOnDemand)
    assert dict.__len__(User._meta.filters) < 200  # only what queries have named so far, not ~400
    await User.create(username="filters-a", display_name="甲", password_hash="x")
    await User.create(username="filters-b", display_name="乙", password_hash="x", active=False)
    assert await User.filter(username__in=["filters-a", "filters-b"], active=True).values_list("username", flat=True) == ["filters-a"]
    assert await User.filter(username__startswith="filters-", display_name__not="甲").count() == 1
    assert await User.exclude(username__icontains="FILTERS").filter(username__contains="filters").count() == 0
    assert await Case.filter(center__code="nowhere").count() == 0  # a relation, resolved as a join
    with pytest.raises(Exception):
        await User.filter(no_such_field=1).count()
