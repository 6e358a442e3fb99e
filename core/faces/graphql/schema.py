"""Assembling the schema: the core's Query/Mutation pieces plus what plugins contribute."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from core.faces.limits import RequestLimits
from core.services.plugins import PluginHub
from core.faces.graphql import accounts, centers
from core.faces.graphql.errors import public_errors
from core.faces.graphql.plain_fields import PlainFieldsExecutor

CORE_QUERIES: list[type] = [accounts.Query, centers.Query]
CORE_MUTATIONS: list[type] = [accounts.Mutation, centers.Mutation]


def _optional_pieces() -> tuple[list[type], list[type]]:
    """Core parts that live in their own modules (items, cases, clock, documents)."""
    from core.faces.graphql import (calendar_year, cases, clock, complaints, documents, item_catalogue, items, materials, org, outbox,
                   progress, staff, supervision_notices, walk_ins)

    queries: list[type] = []
    mutations: list[type] = []
    for module in (items, cases, clock, documents, materials, staff, org, calendar_year, supervision_notices, complaints,
                   outbox, item_catalogue, progress, walk_ins):
        queries.extend(getattr(module, "QUERIES", [getattr(module, "Query", None)]))
        mutations.extend(getattr(module, "MUTATIONS", [getattr(module, "Mutation", None)]))
    return [q for q in queries if q], [m for m in mutations if m]


class GovHallExtension(RequestLimits):
    """The request's limits (:class:`RequestLimits`: tokens, parsing, validation, cost, input
    values), then what the client may see of the errors (:func:`public_errors`): no traceback ever
    leaves. One extension, so Strawberry sets up its hooks once per request, not once per concern."""

    def on_operation(self) -> Iterator[None]:
        yield from super().on_operation()
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = public_errors(result.errors, self.execution_context.context)


def build_schema(hub: PluginHub) -> strawberry.Schema:
    queries, mutations = list(CORE_QUERIES), list(CORE_MUTATIONS)
    extra_q, extra_m = _optional_pieces()
    queries += extra_q
    mutations += extra_m
    for contribution in hub.hook.register_graphql():
        queries += list(contribution.get("query", ()))
        mutations += list(contribution.get("mutation", ()))
    return _schema_of(tuple(queries), tuple(mutations))


@lru_cache(maxsize=8)
def _schema_of(queries: tuple[type, ...], mutations: tuple[type, ...]) -> strawberry.Schema:
    """One schema per set of pieces: a schema holds no per-app state, and apps built with the same
    plugins (the workers of one server, the tests) share it instead of converting every type again."""
    return strawberry.Schema(
        query=merge_types("Query", queries),
        mutation=merge_types("Mutation", mutations),
        # a factory, not an instance: an extension keeps the request's execution context on itself;
        # it counts tokens before it parses (cached by the query text), and validates (cached too)
        # itself, its own cheap rules first
        extensions=[GovHallExtension],
        config=StrawberryConfig(auto_camel_case=True),
        execution_context_class=PlainFieldsExecutor,
    )


def schema_sdl(schema: strawberry.Schema) -> str:
    return schema.as_str() + "\n"

