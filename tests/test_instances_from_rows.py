"""Rows read from the database become the same model instances through ``from_rows`` as through
Tortoise's ``_init_from_db``, for every model of the app with rows after some real case work (cases
submitted, accepted, decided: events, timers, documents, outbox events...), on both databases; any
row that is not exactly the model's columns is left to Tortoise; such an instance saves as before."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from tortoise import Tortoise
from tortoise.connection import get_connection

from core.plumbing.instances import from_rows
from core.plumbing.models import Case
from core.plumbing.sql import select_list
from tests.hall import CaseDriver, build_hall

pytestmark = pytest.mark.anyio


def _same(made, expected) -> None:
    assert made.__dict__ == expected.__dict__
    for name, value in expected.__dict__.items():  # equal is not enough: 1 == True, a date == no datetime
        assert type(made.__dict__[name]) is type(value), name
        if isinstance(value, datetime):
            assert made.__dict__[name].tzinfo == value.tzinfo, name


async def test_every_model_with_rows_is_built_alike(app, govhall, gql):
    hall = await build_hall(govhall, gql)
    drive = CaseDriver(gql, hall)
    for n in range(3):
        case = await drive.submit("app1", allow_duplicate=True)
        case = await drive.ok("clerk1", case, "accept")
        if n == 0:
            await drive.ok("rev-scjg", case, "approve", comment="同意")
    conn = get_connection("default")
    checked = 0
    for app_models in Tortoise.apps.values():
        for model in app_models.values():
            found = await conn.execute_query_dict(f'SELECT {select_list(model)} FROM "{model._meta.db_table}"')
            if not found:
                continue
            for made, row in zip(from_rows(model, found), found):
                _same(made, model._init_from_db(**row))
            checked += 1
    assert checked >= 15  # cases, events, timers, documents, outbox events, users, centers, items...


async def test_other_rows_are_left_to_tortoise_and_instances_save(app, govhall, gql):
    hall = await build_hall(govhall, gql)
    case = await CaseDriver(gql, hall).submit("app1")
    conn = get_connection("default")
    (row,) = await conn.execute_query_dict(f'SELECT {select_list(Case)}, 1 AS "extra" FROM "gh_case" WHERE "id" = {int(case["id"])}')
    _same(from_rows(Case, [row])[0], Case._init_from_db(**row))
    del row["extra"], row["data"]
    partial = from_rows(Case, [row])[0]
    _same(partial, Case._init_from_db(**row))
    assert partial._partial
    (row,) = await conn.execute_query_dict(f'SELECT {select_list(Case)} FROM "gh_case" WHERE "id" = {int(case["id"])}')
    (whole,) = from_rows(Case, [row])
    assert not whole._partial and isinstance(whole.submitted_at, datetime) and isinstance(whole.version, int)
    whole.legal_due = date(2031, 1, 2)
    await whole.save(update_fields=["legal_due"])
    assert (await Case.get(id=whole.id)).legal_due == date(2031, 1, 2)
