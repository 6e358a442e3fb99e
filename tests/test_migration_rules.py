"""House rules for migrations (core's and the plugins'), checked over their operations.

A column a migration adds to an existing table must have a value for the rows already there: a
NOT NULL column needs a database default (``db_default=``, beside the Python ``default=`` the
models use), else `govhall db upgrade` fails on every database that has rows ("Cannot add a NOT
NULL column with default value NULL" on SQLite, "column ... contains null values" on PostgreSQL).
An operation that writes its own SQL for the column (a subclass of AddField overriding
``database_forward``) is its author's to get right: tests/test_upgrade_with_rows.py applies every
migration to tables that have rows."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

from tortoise.migrations.operations import AddField

ROOT = Path(__file__).resolve().parent.parent


def migration_modules() -> list[ModuleType]:
    folders = [ROOT / "core" / "plumbing" / "migrations", *sorted((ROOT / "plugins").glob("*/migrations"))]
    return [importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
            for folder in folders for path in sorted(folder.glob("[0-9]*.py"))]


def columns_without_a_value_for_existing_rows(modules: list[ModuleType]) -> list[str]:
    """``module: Model.field`` of every NOT NULL column added by Tortoise's own AddField without a
    database default."""
    found = []
    for module in modules:
        for operation in module.Migration.operations:
            if not isinstance(operation, AddField) or type(operation).database_forward is not AddField.database_forward:
                continue
            field = operation.field
            if not field.null and not field.has_db_default() and not getattr(field, "generated", False):
                found.append(f"{module.__name__.rsplit('.', 1)[-1]}: {operation.model_name}.{operation.name}")
    return found


def test_a_not_null_column_added_to_a_table_has_a_database_default() -> None:
    modules = migration_modules()
    assert len(modules) > 30 and any(m.__name__.startswith("plugins.hall_floor.") for m in modules)
    offenders = columns_without_a_value_for_existing_rows(modules)
    assert not offenders, ("give these columns a database default (db_default= as the default=, in the migration "
                           "and the model), or make them nullable:\n" + "\n".join(offenders))


def test_the_check_finds_a_required_column_without_a_database_default() -> None:
    from tortoise import fields
    from tortoise.migrations import operations as ops

    class OwnSQL(ops.AddField):
        async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None: ...

    module = ModuleType("plugins.sample.migrations.0002_sample")
    module.Migration = type("Migration", (), {"operations": [
        ops.AddField(model_name="Ticket", name="note", field=fields.CharField(max_length=8, default="")),
        ops.AddField(model_name="Ticket", name="kind", field=fields.CharField(max_length=8, default="a", db_default="a")),
        ops.AddField(model_name="Ticket", name="seen_at", field=fields.DatetimeField(null=True)),
        ops.AddField(model_name="Ticket", name="count", field=fields.IntField(default=0)),
        OwnSQL(model_name="Ticket", name="code", field=fields.CharField(max_length=8)),
        ops.RemoveField(model_name="Ticket", name="old"),
    ]})
    assert columns_without_a_value_for_existing_rows([module]) == ["0002_sample: Ticket.note", "0002_sample: Ticket.count"]
