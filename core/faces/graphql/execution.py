"""Running one GraphQL operation: what ``strawberry.Schema.execute`` does with GovHallExtension,
in straight-line code.

Strawberry's ``execute`` sets up an execution context, an extension runner and a context manager
per hook for every request; for a small query that costs as much as the resolver. This does the
same steps in the same order: the caller's tier, parsing (:func:`core.faces.limits.parse_within`),
the operation's type, validation, input values and cost (:func:`core.faces.limits.request_errors`),
graphql-core's execution with Strawberry's execution context class (resolvers see the same
``info``), then what the client may see of the errors (:func:`core.faces.graphql.errors.public_errors`).
Requests the HTTP view does not send here (GET, multipart uploads, streaming) still go through
``Schema.execute`` and GovHallExtension, which share those functions."""

from __future__ import annotations

from collections.abc import Collection
from inspect import isawaitable
from typing import Any

import strawberry
from graphql import GraphQLError, execute, specified_rules
from strawberry.execution import optimized_is_awaitable
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.utils.operation import get_first_operation, get_operation_type

from core.faces.graphql.errors import public_errors
from core.faces.limits import is_production, parse_within, request_errors, tier_for, tier_rules

_SPECIFIED_RULES = tuple(specified_rules)


async def execute_operation(
    schema: strawberry.Schema, query: str, variables: dict[str, Any] | None, operation_name: str | None,
    context: Any, allowed: Collection[OperationType], extensions: dict[str, Any] | None = None,
) -> ExecutionResult:
    """The result of one operation, its errors already made public. Raises Strawberry's
    ``CannotGetOperationTypeError`` / ``InvalidOperationTypeError`` as ``Schema.execute`` does
    (the view answers those with 400)."""
    tier = tier_for(context)
    limit_rules = tier_rules(tier, is_production(context))
    try:
        document = parse_within(query, tier)
    except Exception as error:  # noqa: BLE001 - a refusal or a syntax error, answered as Strawberry does
        return _failed([_as_graphql_error(error)], context)
    if operation_name is None:  # as Strawberry: the first operation, when a document holds several
        first = get_first_operation(document)
        operation_name = first.name.value if first is not None and first.name is not None else None
    try:
        operation_type = get_operation_type(document, operation_name)
    except RuntimeError as error:
        raise CannotGetOperationTypeError(operation_name) from error
    if operation_type not in allowed:
        raise InvalidOperationTypeError(operation_type)
    try:
        errors = request_errors(
            schema=schema._schema, query=query, document=document, tier=tier, limit_rules=limit_rules,
            validation_rules=_SPECIFIED_RULES + limit_rules, variables=variables, operation_name=operation_name,
        )
        if errors:
            return _failed(errors, context)
        result = execute(
            schema._schema, document, variable_values=variables, operation_name=operation_name,
            context_value=context, is_awaitable=optimized_is_awaitable,
            executor_class=schema.execution_context_class, operation_extensions=extensions,
        )
        if isawaitable(result):
            result = await result
    except Exception as error:  # noqa: BLE001 - as Strawberry: an error of the request, masked
        return _failed([_as_graphql_error(error)], context)
    return ExecutionResult(
        data=result.data, errors=public_errors(result.errors, context) if result.errors else None,
    )


def _as_graphql_error(error: Exception) -> GraphQLError:
    return error if isinstance(error, GraphQLError) else GraphQLError(str(error), original_error=error)


def _failed(errors: list[GraphQLError], context: Any) -> ExecutionResult:
    return ExecutionResult(data=None, errors=public_errors(errors, context))
