"""Which fields are plain, and whole objects of plain fields compiled into steps.

A field is plain when it is ``__typename`` or a Strawberry field without a resolver (Strawberry
marks its resolver ``_is_default``), without arguments or directives, whose type is a scalar, an
enum, or an object type without an ``is_type_of`` check. :func:`plain_leaf` plans one such field.

:func:`compile_object` goes one step further for an object whose selection is all plain (a list
page's row: the edge, its case, the case's item): the selection becomes a tuple of :class:`Step`,
made once per selection, which :class:`core.faces.graphql.plain_fields.PlainFieldsExecutor` reads in
one loop, nested plain objects by their own steps, without graphql-core's per-object completion,
collection lookups and paths. Each value is still read once and checked as before; a value that is
not simply a value goes to graphql-core's completion from there.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable
from typing import Any, NamedTuple

from graphql import (
    GraphQLID, GraphQLLeafType, GraphQLObjectType, GraphQLSchema, GraphQLString, Undefined, is_enum_type, is_leaf_type,
    is_non_null_type, is_object_type,
)

# Values of these exact types are neither awaitable nor exceptions: no further check is needed.
PLAIN_TYPES = frozenset({str, int, float, bool, datetime.datetime, datetime.date, datetime.time, decimal.Decimal,
                          dict, list})
_BACKREF = "strawberry-definition"  # where Strawberry keeps its field on graphql-core's field
_TYPENAME = "__typename"
_GENERAL = None  # a planned field that takes graphql-core's general path


class PlainLeaf(NamedTuple):
    """How to read one plain field: the default resolver, the field's type, whether null is allowed,
    and the leaf type (a scalar's or an enum's) or the object type it holds; neither for __typename."""

    resolve: Any
    field_type: Any
    nullable: bool
    leaf_type: GraphQLLeafType | None = None
    object_type: GraphQLObjectType | None = None


def plain_leaf(schema: GraphQLSchema, parent_type: GraphQLObjectType, field_details_list: Any) -> PlainLeaf | None:
    """The plan for one grouped field, or None when it must take the general path."""
    node = field_details_list[0].node
    if any(details.node.arguments or details.node.directives for details in field_details_list):
        return _GENERAL
    name = node.name.value
    if name == _TYPENAME:
        return PlainLeaf(resolve=None, field_type=None, nullable=False)
    field_def = schema.get_field(parent_type, name)
    if field_def is None or field_def.args or not getattr(field_def.resolve, "_is_default", False):
        return _GENERAL
    field_type = field_def.type
    nullable = not is_non_null_type(field_type)
    named = field_type if nullable else field_type.of_type
    if is_leaf_type(named):
        return PlainLeaf(resolve=field_def.resolve, field_type=field_type, nullable=nullable, leaf_type=named)
    if is_object_type(named) and named.is_type_of is None:  # an is_type_of check needs the resolve info
        return PlainLeaf(resolve=field_def.resolve, field_type=field_type, nullable=nullable, object_type=named)
    return _GENERAL


class Step(NamedTuple):
    """One field of a compiled object: the response key, how to read it off the source, and what the
    value needs: a leaf's output coercion, or a plain object's own compiled selection."""

    key: str
    read: Callable[[Any, str], Any] | None  # None for __typename
    name: str  # the attribute read, or the object type's name for __typename
    nullable: bool
    coerce: Callable[[Any], Any] | None
    nested: CompiledObject | None
    field_type: Any
    field_details_list: Any


class CompiledObject(NamedTuple):
    """An object type's selection in which every field is plain, as steps, and the same steps as
    one generated function (:func:`fast_reader`)."""

    object_type: GraphQLObjectType
    steps: tuple[Step, ...]
    fast: Callable[[Any], dict[str, Any]] | None = None


def compile_object(executor: Any, object_type: GraphQLObjectType, field_details_list: Any) -> CompiledObject | None:
    """``object_type`` as ``field_details_list`` selects it, compiled; None when a field of it (or of
    an object below it) is not plain, or when its collection defers anything. ``executor`` collects
    the sub-fields (:meth:`PlainFieldsExecutor.collect_subfields`)."""
    if object_type.is_type_of is not None:
        return None
    grouped_field_set, defer_usages, _forbidden = executor.collect_subfields(object_type, field_details_list)
    if defer_usages:
        return None
    steps = []
    for key, details in grouped_field_set.items():
        leaf = plain_leaf(executor.schema, object_type, details)
        if leaf is None:
            return None
        if leaf.leaf_type is None and leaf.object_type is None:  # __typename
            steps.append(Step(key=key, read=None, name=object_type.name, nullable=False, coerce=None, nested=None,
                              field_type=None, field_details_list=details))
            continue
        strawberry_field = object_type.fields[details[0].node.name.value].extensions.get(_BACKREF)
        if strawberry_field is None:
            return None
        nested = None
        if leaf.object_type is not None:
            nested = compile_object(executor, leaf.object_type, details)
            if nested is None:
                return None
        steps.append(Step(
            key=key, read=strawberry_field.default_resolver, name=strawberry_field.python_name,
            nullable=leaf.nullable, coerce=leaf.leaf_type.coerce_output_value if leaf.leaf_type else None,
            nested=nested, field_type=leaf.field_type, field_details_list=details,
        ))
    return CompiledObject(object_type, tuple(steps), fast_reader(object_type, tuple(steps)))


_MEMO_LIMIT = 256  # distinct values kept per enum field: an enum has a handful


def fast_reader(object_type: GraphQLObjectType, steps: tuple[Step, ...]) -> Callable[[Any], dict[str, Any]]:
    """The steps as one function of the source object, generated once per compiled selection: a
    page's rows then cost one call each instead of a loop over their steps.

    It returns the object's result when every value is simply a value. At the first that is not (null
    where null is not allowed, an exception, an awaitable, a value the scalar refuses, a resolver's
    error) it raises :class:`NotSimple` with every value it read so far, so that the steps finish the
    object from there without reading anything twice (an awaitable read twice would be started twice)."""
    names: dict[str, Any] = {"PLAIN_TYPES": PLAIN_TYPES, "Undefined": Undefined, "NotSimple": NotSimple,
                             "Raised": Raised}
    lines = ["def read(src):"]
    keys = []
    for i, step in enumerate(steps):
        keys.append(f"{step.key!r}: r{i}")
        so_far = f"({', '.join(f'v{j}' for j in range(i + 1))},)"
        if step.read is None:  # __typename
            names[f"t{i}"] = step.name
            lines += [f"    v{i} = r{i} = t{i}"]
            continue
        names[f"read{i}"], names[f"name{i}"] = step.read, step.name
        lines += [
            "    try:",
            f"        v{i} = read{i}(src, name{i})",
            "    except Exception as error:",
            f"        v{i} = Raised(error)",
            f"        raise NotSimple({so_far}) from None",
            f"    if v{i} is None or v{i} is Undefined:",
            f"        r{i} = None" if step.nullable else f"        raise NotSimple({so_far})",
        ]
        if step.nested is not None:
            names[f"nested{i}"] = step.nested.fast
            lines += [
                f"    elif type(v{i}) in PLAIN_TYPES or isinstance(v{i}, BaseException) or hasattr(v{i}, '__await__'):",
                f"        raise NotSimple({so_far})",
                "    else:",
                "        try:",
                f"            r{i} = nested{i}(v{i})",
                "        except NotSimple as below:",
                f"            raise NotSimple({so_far}, below) from None",
            ]
            continue
        leaf = step.field_type.of_type if is_non_null_type(step.field_type) else step.field_type
        names[f"coerce{i}"] = step.coerce
        coerced = [
            "        try:",
            f"            r{i} = coerce{i}(v{i})",
            "        except Exception:",
            f"            raise NotSimple({so_far}) from None",
            f"        if r{i} is None or r{i} is Undefined:",
            f"            raise NotSimple({so_far})",
        ]
        if leaf is GraphQLString or leaf is GraphQLID:  # both answer a str unchanged
            lines += [f"    elif type(v{i}) is str:", f"        r{i} = v{i}"]
        if is_enum_type(leaf):  # an enum's output coercion compares the value with each of its members
            names[f"memo{i}"] = {}
            lines += [f"    elif type(v{i}) in ENUM{i} and v{i} in memo{i}:", f"        r{i} = memo{i}[v{i}]"]
            names[f"ENUM{i}"] = _hashable_enum_types(leaf)
            lines += [f"    elif type(v{i}) in ENUM{i}:", *coerced,
                      f"        if len(memo{i}) < {_MEMO_LIMIT}:", f"            memo{i}[v{i}] = r{i}"]
        lines += [f"    elif type(v{i}) in PLAIN_TYPES:", *coerced, "    else:", f"        raise NotSimple({so_far})"]
    lines.append(f"    return {{{', '.join(keys)}}}")
    exec(compile("\n".join(lines), f"<fast reader of {object_type.name}>", "exec"), names)  # noqa: S102 - our own text
    return names["read"]  # type: ignore[no-any-return]


def _hashable_enum_types(leaf: Any) -> frozenset[type]:
    """The Python enum classes whose members an enum type's output coercion answers (Strawberry
    keeps the class on the type); none when unknown, and the memo is then never used."""
    wrapped = getattr(leaf, "wrapped_cls", None)
    return frozenset({wrapped}) if isinstance(wrapped, type) else frozenset()


class Raised:
    """A value a :func:`fast_reader` could not read: the resolver's error."""

    __slots__ = ("error",)

    def __init__(self, error: Exception) -> None:
        self.error = error


class NotSimple(Exception):
    """Raised by a :func:`fast_reader`: the values of the steps it read, in order (the last one is
    the value it does not finish, or :class:`Raised`), and for a nested object the values read below."""

    def __init__(self, values: tuple[Any, ...], below: NotSimple | None = None) -> None:
        self.values, self.below = values, below
