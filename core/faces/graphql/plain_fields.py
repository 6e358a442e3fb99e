"""Executing plain fields without graphql-core's per-field machinery.

A page of 20 cases asks about 300 fields, nearly all of them attributes read straight off the row
(``number``, ``state``, ``promisedDue``...). For each one graphql-core builds a path and a resolve
info, calls Strawberry's default resolver, then completes the value through four checks: on a list
page that was most of the request's time. :class:`PlainFieldsExecutor` plans each selection set
once and reads such fields directly: the attribute, then the scalar's or enum's own output
coercion, exactly what the general path ends with. It also keeps graphql-core's collection of an
operation's sub-fields across requests when nothing in the operation depends on the variables.

Which fields are plain is decided in :mod:`core.faces.graphql.plain_objects`; an object (a list's
row among them) whose selection is all plain is compiled there and read in one loop of its steps
(:meth:`PlainFieldsExecutor._read_steps`). Any other field goes through graphql-core's general
path; a plain field whose value is not simply a value (null where null is not allowed, an
exception, an awaitable, a value the scalar refuses) is completed by graphql-core's general
completion, which gives the usual result or error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import GraphQLObjectType, Undefined, is_non_null_type, is_object_type
from graphql.execution.executor import to_nodes
from graphql.pyutils import Path, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from core.faces.graphql.plain_objects import (
    PLAIN_TYPES, CompiledObject, NotSimple, PlainLeaf, Raised, compile_object, plain_leaf,
)


class PlainFieldsExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, reading plain leaf fields directly (see the module's doc)."""

    def collect_subfields(self, return_type: GraphQLObjectType, field_details_list: Any) -> Any:
        """graphql-core's collection of an object's sub-fields, kept across requests for an operation
        without directives: the parse cache hands every request of the same text the same nodes, and
        what is collected then depends on nothing else. (graphql-core keeps it for one request.)"""
        kept = _collections.for_operation(self.operation, self.fragments)
        if kept is None:
            return super().collect_subfields(return_type, field_details_list)
        key = (return_type, *map(id, to_nodes(field_details_list)))
        found = kept.get(key)
        if found is None:
            found = kept[key] = super().collect_subfields(return_type, field_details_list)
        return found

    def execute_fields(
        self, parent_type: GraphQLObjectType, source_value: Any, path: Path | None, grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        plan = self._plan(parent_type, grouped_field_set)
        if plan is None:
            return super().execute_fields(
                parent_type=parent_type, source_value=source_value, path=path, grouped_field_set=grouped_field_set,
                position_context=position_context,
            )
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for response_name, field_details_list, leaf in plan:
                if leaf is None:
                    result = self.execute_field(
                        parent_type, source_value, field_details_list, Path(path, response_name, parent_type.name),
                        position_context,
                    )
                elif leaf.object_type is not None:
                    result = self._read_object(
                        leaf, parent_type=parent_type, source=source_value, field_details_list=field_details_list,
                        path=Path(path, response_name, parent_type.name), position_context=position_context,
                    )
                else:
                    result = _read_plain(leaf, parent_type, source_value, is_awaitable)
                    if type(result) is Unfinished:
                        result = self._complete_read(
                            parent_type, field_details_list, Path(path, response_name, parent_type.name), result,
                            position_context=position_context,
                        )
                    else:
                        results[response_name] = result
                        continue
                self._keep(results, awaitable_fields, response_name, result)
        except Exception:
            self._settle_started(results, awaitable_fields)
            raise
        return _gather_into(results, awaitable_fields) if awaitable_fields else results

    def _read_object(
        self, leaf: PlainLeaf, *, parent_type: GraphQLObjectType, source: Any, field_details_list: Any, path: Path,
        position_context: Any,
    ) -> Any:
        """A plain field holding an object: its sub-selection executed straight away (no resolve info,
        no completion checks), with graphql-core's handling of the errors below it."""
        try:
            value = leaf.resolve(source, None)
        except Exception as error:  # noqa: BLE001 - completed as the resolver's error of this field
            return self._complete_read(
                parent_type, field_details_list, path, Unfinished(error=error), position_context=position_context,
            )
        if value is None or value is Undefined or isinstance(value, Exception) or self.is_awaitable(value):
            if leaf.nullable and (value is None or value is Undefined):
                return None
            return self._complete_read(
                parent_type, field_details_list, path, Unfinished(value), position_context=position_context,
            )
        compiled = self._compiled(leaf.object_type, field_details_list)
        if compiled is not None:
            return self._read_nested(compiled, value, field_type=leaf.field_type, field_details_list=field_details_list,
                                     path=path, position_context=position_context)
        try:
            completed = self.collect_and_execute_subfields(leaf.object_type, field_details_list, path, value, position_context)
        except Exception as raw_error:  # noqa: BLE001 - located and kept, or raised for a non-null field
            self.handle_field_error(raw_error, leaf.field_type, field_details_list, path)
            return None
        if self.is_awaitable(completed):
            return _await_completed(
                self, completed, field_type=leaf.field_type, field_details_list=field_details_list, path=path,
            )
        return completed

    def complete_list_item_value(
        self, item: Any, complete_results: list[Any], item_type: Any, field_details_list: Any, info: Any,
        item_path: Path, position_context: Any,
    ) -> bool:
        """A list item of a compiled plain object type read by its steps (a page's row); any other
        item as graphql-core completes it. True when the item's result is awaitable."""
        if item is None or isinstance(item, Exception):
            return super().complete_list_item_value(
                item=item, complete_results=complete_results, item_type=item_type,
                field_details_list=field_details_list, info=info, item_path=item_path,
                position_context=position_context,
            )
        compiled = self._compiled(item_type.of_type if is_non_null_type(item_type) else item_type, field_details_list)
        if compiled is None:
            return super().complete_list_item_value(
                item=item, complete_results=complete_results, item_type=item_type,
                field_details_list=field_details_list, info=info, item_path=item_path,
                position_context=position_context,
            )
        completed = self._read_nested(compiled, item, field_type=item_type, field_details_list=field_details_list,
                                      path=item_path, position_context=position_context)
        complete_results.append(completed)
        return self.is_awaitable(completed)

    def _compiled(self, object_type: Any, field_details_list: Any) -> CompiledObject | None:
        """``object_type`` as ``field_details_list`` selects it, compiled once per selection and kept
        like the operation's collections; None when it is not all plain, when the operation's
        collections are not kept, or when middleware must see every field."""
        if not is_object_type(object_type) or self.middleware_manager is not None:
            return None
        key = (id(field_details_list), object_type)
        found = _compiled_objects.get(key)
        if found is not None and found[0] is field_details_list:
            return found[1]
        if _collections.for_operation(self.operation, self.fragments) is None:
            return None
        compiled = compile_object(self, object_type, field_details_list)
        if len(_compiled_objects) >= _MAX_PLANS:
            _compiled_objects.clear()
        _compiled_objects[key] = (field_details_list, compiled)  # the list is kept alive with its id
        return compiled

    def _read_nested(
        self, compiled: CompiledObject, value: Any, *, field_type: Any, field_details_list: Any, path: Path,
        position_context: Any, known: NotSimple | None = None,
    ) -> Any:
        """The object ``value`` read by its compiled function, else (a value that is not simply a
        value) finished by its steps from there, with graphql-core's handling of the errors below it
        (as :meth:`_read_object` does for a selection executed field by field). ``known``: the values
        an enclosing object's compiled function already read of this one."""
        if known is None and compiled.fast is not None:
            try:
                return compiled.fast(value)
            except NotSimple as stopped:
                known = stopped
        try:
            completed = self._read_steps(compiled, value, path=path, position_context=position_context, known=known)
        except Exception as raw_error:  # noqa: BLE001 - located and kept, or raised for a non-null field
            self.handle_field_error(raw_error, field_type, field_details_list, path)
            return None
        if self.is_awaitable(completed):
            return _await_completed(
                self, completed, field_type=field_type, field_details_list=field_details_list, path=path,
            )
        return completed

    def _read_steps(
        self, compiled: CompiledObject, source: Any, path: Path, position_context: Any, known: NotSimple | None = None,
    ) -> Any:
        """What :meth:`execute_fields` answers for a selection of plain fields, in one loop: a value
        that is not simply a value (null where null is not allowed, an exception, an awaitable, a
        value the scalar refuses, the resolver's error) is completed by graphql-core from there.
        ``known``: the values the compiled function read before it stopped, not read again."""
        object_type = compiled.object_type
        is_awaitable = self.is_awaitable
        results: dict[str, Any] = {}
        awaitable_fields: list[str] = []
        read_before = known.values if known is not None else ()
        try:
            for index, step in enumerate(compiled.steps):
                key = step.key
                if step.read is None:
                    results[key] = step.name
                    continue
                try:
                    value = read_before[index] if index < len(read_before) else step.read(source, step.name)
                    if type(value) is Raised:
                        raise value.error
                except Exception as error:  # noqa: BLE001 - completed as the resolver's error of this field
                    unfinished = Unfinished(error=error)
                else:
                    if value is None or value is Undefined:
                        if step.nullable:
                            results[key] = None
                            continue
                        unfinished = Unfinished(value)
                    elif type(value) not in PLAIN_TYPES and (isinstance(value, Exception) or is_awaitable(value)):
                        unfinished = Unfinished(value)
                    elif step.nested is not None:
                        below = known.below if known is not None and index == len(read_before) - 1 else None
                        result = self._read_nested(
                            step.nested, value, field_type=step.field_type, field_details_list=step.field_details_list,
                            path=Path(path, key, object_type.name), position_context=position_context, known=below,
                        )
                        results[key] = result
                        if is_awaitable(result):
                            awaitable_fields.append(key)
                        continue
                    else:
                        try:
                            coerced = step.coerce(value)  # type: ignore[misc]
                        except Exception:  # noqa: BLE001 - the general completion raises it again, located
                            coerced = None
                        if coerced is not None and coerced is not Undefined:
                            results[key] = coerced
                            continue
                        unfinished = Unfinished(value)
                result = self._complete_read(
                    object_type, step.field_details_list, Path(path, key, object_type.name), unfinished,
                    position_context=position_context,
                )
                self._keep(results, awaitable_fields, key, result)
        except Exception:
            self._settle_started(results, awaitable_fields)
            raise
        return _gather_into(results, awaitable_fields) if awaitable_fields else results

    def _keep(self, results: dict[str, Any], awaitable_fields: list[str], key: str, result: Any) -> None:
        """Keep a field's completed ``result`` (none when Undefined), noting it if it is to be awaited."""
        if result is not Undefined:
            results[key] = result
            if self.is_awaitable(result):
                awaitable_fields.append(key)

    def _settle_started(self, results: dict[str, Any], awaitable_fields: list[str]) -> None:
        """As graphql-core when a field fails: settle what other fields started, they may fail too."""
        if awaitable_fields:
            self.settle_in_background([results[field] for field in awaitable_fields])

    def _complete_read(
        self, parent_type: GraphQLObjectType, field_details_list: Any, path: Path, unfinished: Unfinished, *,
        position_context: Any,
    ) -> Any:
        """What graphql-core's ``execute_field`` does once the resolver has answered ``unfinished.value``
        (or raised ``unfinished.error``): the field is read once, whatever path completes it."""
        field_def = self.schema.get_field(parent_type, field_details_list[0].node.name.value)
        return_type = field_def.type
        info = self.build_resolve_info(field_def, to_nodes(field_details_list), parent_type, path)
        try:
            if unfinished.error is not None:
                raise unfinished.error
            if self.is_awaitable(unfinished.value):
                return self.complete_awaitable_value(
                    return_type, field_details_list, info, path, unfinished.value, position_context,
                )
            return self.complete_value(return_type, field_details_list, info, path, unfinished.value, position_context)
        except Exception as raw_error:  # noqa: BLE001 - located and kept, or raised for a non-null field
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> list[tuple[str, Any, PlainLeaf | None]] | None:
        """The selection set's plan, made once: graphql-core memoizes the grouped field set of a
        list's items, and :meth:`collect_subfields` keeps it across requests, so every row of a page
        and every request of the same text meet the same object. None when no field is plain, or when
        middleware must see every field."""
        if self.middleware_manager is not None:
            return None
        cached = _plans.get(id(grouped_field_set))
        if cached is not None and cached[0] is grouped_field_set:
            return cached[1]
        plan: list[tuple[str, Any, PlainLeaf | None]] | None = [
            (response_name, field_details_list, plain_leaf(self.schema, parent_type, field_details_list))
            for response_name, field_details_list in grouped_field_set.items()
        ]
        if all(leaf is None for _, _, leaf in plan):
            plan = None
        if len(_plans) >= _MAX_PLANS:
            _plans.clear()
        _plans[id(grouped_field_set)] = (grouped_field_set, plan)  # the set is kept alive with its id
        return plan


class KeptCollections:
    """The sub-field collections of recent operations, by the operation node's identity (each entry
    keeps its operation alive, so the identity is not reused while it is here)."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._by_operation: dict[int, tuple[Any, dict[Any, Any] | None]] = {}

    def for_operation(self, operation: Any, fragments: Mapping[str, Any]) -> dict[Any, Any] | None:
        """The operation's collections, or None when it (or a fragment) carries directives: @skip,
        @include and @defer make the collection depend on the variables."""
        entry = self._by_operation.get(id(operation))
        if entry is None or entry[0] is not operation:
            if len(self._by_operation) >= self.size:
                self._by_operation.clear()
            plain = not _has_directives(operation) and not any(_has_directives(f) for f in fragments.values())
            entry = self._by_operation[id(operation)] = (operation, {} if plain else None)
        return entry[1]


def _has_directives(node: Any) -> bool:
    if getattr(node, "directives", None) or getattr(node, "variable_definitions", None) and any(
        d.directives for d in node.variable_definitions
    ):
        return True
    selection_set = getattr(node, "selection_set", None)
    return selection_set is not None and any(_has_directives(s) for s in selection_set.selections)


_collections = KeptCollections()
_MAX_PLANS = 1024
_plans: dict[int, tuple[Any, list[tuple[str, Any, PlainLeaf | None]] | None]] = {}  # by the grouped field set
_compiled_objects: dict[tuple[int, Any], tuple[Any, CompiledObject | None]] = {}  # by selecting fields, type


class Unfinished:
    """A plain field's value that the general completion must finish: a null where null is not
    allowed, an exception, an awaitable, a value the scalar refuses, or the resolver's error."""

    __slots__ = ("value", "error")

    def __init__(self, value: Any = None, error: Exception | None = None) -> None:
        self.value = value
        self.error = error


def _read_plain(leaf: PlainLeaf, parent_type: GraphQLObjectType, source: Any, is_awaitable: Any) -> Any:
    """The completed value of a plain field, or :class:`Unfinished`."""
    if leaf.leaf_type is None:
        return parent_type.name
    try:
        value = leaf.resolve(source, None)
    except Exception as error:  # noqa: BLE001 - completed as the resolver's error of this field
        return Unfinished(error=error)
    if value is None or value is Undefined:
        return None if leaf.nullable else Unfinished(value)
    if isinstance(value, Exception) or is_awaitable(value):
        return Unfinished(value)
    try:
        coerced = leaf.leaf_type.coerce_output_value(value)
    except Exception:  # noqa: BLE001 - the general completion raises it again, located
        return Unfinished(value)
    return Unfinished(value) if coerced is None or coerced is Undefined else coerced


async def _await_completed(
    executor: PlainFieldsExecutor, completed: Any, *, field_type: Any, field_details_list: Any, path: Path,
) -> Any:
    """An object field's awaited sub-selection, its error handled as graphql-core's ``execute_field`` does."""
    try:
        return await completed
    except Exception as raw_error:  # noqa: BLE001 - located and kept, or raised for a non-null field
        executor.handle_field_error(raw_error, field_type, field_details_list, path)
        return None


async def _gather_into(results: dict[str, Any], awaitable_fields: list[str]) -> dict[str, Any]:
    """The results with their awaitable fields awaited, as graphql-core's ``execute_fields`` does."""
    if len(awaitable_fields) == 1:
        field = awaitable_fields[0]
        results[field] = await results[field]
    else:
        awaited = await gather_with_cancel(*(results[field] for field in awaitable_fields))
        results.update(zip(awaitable_fields, awaited, strict=True))
    return results
