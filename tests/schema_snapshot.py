"""What a database's schema is, as comparable data: its tables' columns, foreign keys, indexes and
constraints, its triggers and (PostgreSQL) its functions and extensions. Two databases built two
ways (every migration in turn, or the newest schema at once) must give the same snapshot."""

from __future__ import annotations

import re
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

IGNORED_TABLES = {"tortoise_migrations"}  # the recorder's own table: its rows are compared apart


def _spaces(sql: str | None) -> str:
    return re.sub(r"\s+", " ", sql or "").strip()


async def schema_snapshot(conn: BaseDBAsyncClient) -> dict[str, Any]:
    if conn.capabilities.dialect == "postgres":
        return await _postgres(conn)
    return await _sqlite(conn)


async def _sqlite(conn: BaseDBAsyncClient) -> dict[str, Any]:
    rows = await conn.execute_query_dict(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
    )
    snapshot: dict[str, Any] = {"tables": {}, "triggers": {}}
    for row in rows:
        if row["tbl_name"] in IGNORED_TABLES:
            continue
        if row["type"] == "trigger":
            snapshot["triggers"][row["name"]] = _spaces(row["sql"])
        if row["type"] != "table":
            continue
        table = row["name"]
        columns = await conn.execute_query_dict(f'PRAGMA table_info("{table}")')
        keys = await conn.execute_query_dict(f'PRAGMA foreign_key_list("{table}")')
        indexes = {}
        for index in await conn.execute_query_dict(f'PRAGMA index_list("{table}")'):
            info = await conn.execute_query_dict(f'PRAGMA index_info("{index["name"]}")')
            # an automatic index (UNIQUE in the table's text) has no name of its own to compare
            name = index["name"] if index["origin"] == "c" else f"{index['origin']}:{','.join(i['name'] for i in info)}"
            indexes[name] = (bool(index["unique"]), bool(index["partial"]), tuple(i["name"] for i in info))
        snapshot["tables"][table] = {
            "columns": {c["name"]: (c["type"].upper(), bool(c["notnull"]), c["dflt_value"], c["pk"]) for c in columns},
            "foreign_keys": sorted((k["from"], k["table"], k["to"], k["on_update"], k["on_delete"]) for k in keys),
            "indexes": indexes,
        }
    return snapshot


async def _postgres(conn: BaseDBAsyncClient) -> dict[str, Any]:
    async def rows(sql: str) -> list[dict[str, Any]]:
        return await conn.execute_query_dict(sql)

    tables: dict[str, Any] = {}
    for c in await rows(
        "SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default, character_maximum_length,"
        " numeric_precision, numeric_scale FROM information_schema.columns WHERE table_schema = current_schema()"
    ):
        if c["table_name"] in IGNORED_TABLES:
            continue
        default = c["column_default"]
        tables.setdefault(c["table_name"], {"columns": {}, "indexes": {}, "constraints": {}})["columns"][c["column_name"]] = (
            c["data_type"], c["udt_name"], c["is_nullable"], default, c["character_maximum_length"],
            c["numeric_precision"], c["numeric_scale"],
        )
    for i in await rows("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"):
        if i["tablename"] not in IGNORED_TABLES:
            tables[i["tablename"]]["indexes"][i["indexname"]] = _spaces(i["indexdef"])
    for k in await rows(
        "SELECT c.conrelid::regclass::text AS table_name, c.conname, pg_get_constraintdef(c.oid) AS definition"
        " FROM pg_constraint c WHERE c.connamespace = current_schema()::regnamespace AND c.conrelid <> 0"
    ):
        if k["table_name"] not in IGNORED_TABLES:
            tables[k["table_name"].strip('"')]["constraints"][k["conname"]] = _spaces(k["definition"])
    triggers = {
        f"{t['table_name']}.{t['tgname']}": _spaces(t["definition"])
        for t in await rows(
            "SELECT t.tgrelid::regclass::text AS table_name, t.tgname, pg_get_triggerdef(t.oid) AS definition"
            " FROM pg_trigger t JOIN pg_class r ON r.oid = t.tgrelid"
            " WHERE NOT t.tgisinternal AND r.relnamespace = current_schema()::regnamespace"
        )
    }
    functions = {
        f["proname"]: _spaces(f["definition"])
        for f in await rows(
            "SELECT p.proname, pg_get_functiondef(p.oid) AS definition FROM pg_proc p"
            " WHERE p.pronamespace = current_schema()::regnamespace AND p.prokind = 'f'"
            " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"
        )
    }
    extensions = sorted(e["extname"] for e in await rows("SELECT extname FROM pg_extension"))
    return {"tables": tables, "triggers": triggers, "functions": functions, "extensions": extensions}


def unique_by_columns(snapshot: dict[str, Any]) -> dict[str, Any]:
    """``snapshot`` with every unique index keyed by its columns, not its name, and without the
    unique constraints whose index that is: a ``UNIQUE`` in the table's text and a named unique
    index made after it enforce the same thing (one database may have either, by how it was built)."""
    pattern = re.compile(r"CREATE UNIQUE INDEX \S+ ON \S+ USING (\w+) \((.*)\)$")
    for table in snapshot["tables"].values():
        indexes = {}
        for name, index in table["indexes"].items():
            if isinstance(index, tuple) and index[0] and not index[1]:  # SQLite: (unique, partial, columns)
                indexes[f"unique({','.join(index[2])})"] = index
            elif isinstance(index, str) and (match := pattern.match(index)):  # PostgreSQL: its definition
                indexes[f"unique({match.group(2)})"] = match.group(1)
            else:
                indexes[name] = index
        table["indexes"] = indexes
        if "constraints" in table:
            table["constraints"] = {n: c for n, c in table["constraints"].items() if not c.startswith("UNIQUE (")}
    return snapshot


def differences(left: dict[str, Any], right: dict[str, Any], path: str = "") -> list[str]:
    """Where two snapshots differ, one line each (``path: left != right``)."""
    if isinstance(left, dict) and isinstance(right, dict):
        found = []
        for key in sorted(set(left) | set(right), key=str):
            where = f"{path}.{key}" if path else str(key)
            if key not in right:
                found.append(f"{where}: only in the first: {left[key]!r}")
            elif key not in left:
                found.append(f"{where}: only in the second: {right[key]!r}")
            else:
                found.extend(differences(left[key], right[key], where))
        return found
    return [] if left == right else [f"{path}: {left!r} != {right!r}"]
