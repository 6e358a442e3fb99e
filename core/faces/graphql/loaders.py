"""Per-request DataLoaders: a page of cases asks for its departments, items, ratings, events… in
one query per kind, not one per case (made in :func:`core.faces.graphql.context.build_context`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import Any, TypeVar

from graphql import FieldNode, FragmentSpreadNode
from strawberry.dataloader import DataLoader
from strawberry.types.nodes import SelectedField, Selection
from tortoise.connection import get_connection
from tortoise.models import Model

from core.plumbing.models import CaseEvent, Center, CaseTask, Department, Document, ItemVersion, Notification, Rating, Timer
from core.plumbing.instances import from_rows
from core.plumbing.sql import bounded_read
from core.services.documents.issue import ISSUED_COLUMNS

M = TypeVar("M", bound=Model)
R = TypeVar("R")


def _fields(selections: Iterable[Selection]) -> Iterator[SelectedField]:
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        else:  # a fragment, inline or named: its fields are selected here too
            yield from _fields(selection.selections)


def selected_below(selections: Iterable[Selection], *path: str) -> set[str]:
    """The names of the fields selected at ``path`` under ``selections``, fragments expanded:
    ``selected_below(info.selected_fields, "cases", "edges", "node")``."""
    current = list(selections)
    for name in path:
        current = [s for f in _fields(current) if f.name == name for s in f.selections]
    return {f.name for f in _fields(current)}


def wanted_below(info: Any, *path: str) -> frozenset[str]:
    """:func:`selected_below` the field ``info`` resolves (``info.selected_fields``' own selections),
    kept per field node (Strawberry converts the whole selection on every call)."""
    node = info._raw_info.field_nodes[0]
    return _per_node(node, ("wanted", path), lambda: frozenset(
        selected_below([s for field in info.selected_fields for s in field.selections], *path)))


def selects_directly(field_nodes: Sequence[Any], fragments: Mapping[str, Any], name: str) -> bool:
    """Whether a field (its nodes in the operation) selects ``name`` in its own selection set, through
    fragments too, whatever their directives say (so a caller may read ahead for nothing, never
    miss). Kept per field node."""
    return _per_node(field_nodes[0], ("selects", name), lambda: any(
        _selects_in(node.selection_set, fragments, name, set()) for node in field_nodes))


def _per_node(node: Any, question: tuple[Any, ...], answer: Callable[[], R]) -> R:
    """``answer()`` to ``question`` about a field node, kept: the parse cache hands every request of
    a text the same nodes, and these answers depend on nothing else."""
    key = (id(node), question)
    kept = _answers.get(key)
    if kept is not None and kept[0] is node:
        return kept[1]  # type: ignore[no-any-return]
    found = answer()
    if len(_answers) >= 2048:
        _answers.clear()
    _answers[key] = (node, found)  # the node is kept alive with its id
    return found


_answers: dict[tuple[int, tuple[Any, ...]], tuple[Any, Any]] = {}


def _selects_in(selection_set: Any, fragments: Mapping[str, Any], name: str, seen: set[str]) -> bool:
    for selection in selection_set.selections if selection_set is not None else ():
        if isinstance(selection, FieldNode):
            if selection.name.value == name:
                return True
        elif isinstance(selection, FragmentSpreadNode):
            spread = selection.name.value
            if spread not in seen and spread in fragments:
                seen.add(spread)
                if _selects_in(fragments[spread].selection_set, fragments, name, seen):
                    return True
        elif _selects_in(selection.selection_set, fragments, name, seen):  # an inline fragment
            return True
    return False


NOT_LOADED: Any = object()


def loaded_now(loader: DataLoader[Any, Any], key: Any) -> Any:
    """What ``loader`` already holds for ``key`` (read, or primed), else :data:`NOT_LOADED`: a
    resolver may then answer at once instead of awaiting, which costs GraphQL a task."""
    future = loader.cache_map.get(key) if loader.cache else None
    if future is None or not future.done() or future.cancelled() or future.exception() is not None:
        return NOT_LOADED
    return future.result()


def _select(model: type[Model], only: Sequence[str], column: str, keys: Sequence[int], *, order: Sequence[str]) -> str:
    """``SELECT`` of ``model``'s columns (``only`` these fields, else all) whose ``column`` is one of
    ``keys`` (integers, written into the statement), as the ORM would read them. Written by hand:
    the ORM composes the query anew on every call, which costs more than running it here."""
    names = model._meta.fields_db_projection
    columns = [names[f] for f in only] if only else list(names.values())
    keys_sql = ", ".join(str(int(k)) for k in keys) or "NULL"
    selected = ", ".join(f'"{c}"' for c in columns)
    sql = f'SELECT {selected} FROM "{model._meta.db_table}" WHERE "{column}" IN ({keys_sql})'
    if order:
        sql += " ORDER BY " + ", ".join(f'"{names[f]}"' for f in order)
    return sql


async def _rows(model: type[M], only: Sequence[str], column: str, keys: Sequence[int], *, order: Sequence[str] = ()) -> list[M]:
    found = await bounded_read(get_connection("default"), _select(model, only, column, keys, order=order), ())
    return from_rows(model, found)


def _by_id(model: type[M], only: Sequence[str] = ()) -> Callable[[Sequence[int]], Awaitable[list[M | None]]]:
    fields = ("id", *only) if only else ()

    async def load(ids: Sequence[int]) -> list[M | None]:
        found = {row.id: row for row in await _rows(model, fields, "id", ids)}
        return [found.get(i) for i in ids]

    return load


def _one_per_case(model: type[M]) -> Callable[[Sequence[int]], Awaitable[list[M | None]]]:
    async def load(case_ids: Sequence[int]) -> list[M | None]:
        found = {row.case_id: row for row in await _rows(model, (), "case_id", case_ids)}  # type: ignore[attr-defined]
        return [found.get(i) for i in case_ids]

    return load


def _many_per_case(
    model: type[M], *order: str, related: Sequence[str] = (), only: Sequence[str] = ()
) -> Callable[[Sequence[int]], Awaitable[list[list[M]]]]:
    fields = ("case_id", *only) if only else ()

    async def load(case_ids: Sequence[int]) -> list[list[M]]:
        if related:
            query = model.filter(case_id__in=list(case_ids)).order_by(*order).select_related(*related)
            if only:
                query = query.only(*fields)
            found = list(await query)
        else:
            found = await _rows(model, fields, "case_id", case_ids, order=order)
        grouped: dict[int, list[M]] = defaultdict(list)
        for row in found:
            grouped[row.case_id].append(row)  # type: ignore[attr-defined]
        return [grouped.get(i, []) for i in case_ids]

    return load


class Loaders:
    """One set per request (a loader caches what it read for the request's lifetime only). Each
    loader is made when a resolver first asks for it: most requests use none of them."""

    def __init__(self) -> None:
        self.extra: dict[str, Any] = {}  # loaders plugins add for their own fields

    @cached_property
    def center(self) -> DataLoader[int, Center | None]:
        return DataLoader(_by_id(Center))

    @cached_property
    def department(self) -> DataLoader[int, Department | None]:
        return DataLoader(_by_id(Department))

    @cached_property
    def item_version(self) -> DataLoader[int, ItemVersion | None]:
        # a list shows an item's code, name and version: never its definition (the whole form)
        return DataLoader(_by_id(ItemVersion, only=("code", "name", "version")))

    @cached_property
    def item_definition(self) -> DataLoader[int, ItemVersion | None]:
        # the whole document, for what only the form tells (Case.people)
        return DataLoader(_by_id(ItemVersion, only=("definition",)))

    @cached_property
    def rating(self) -> DataLoader[int, Rating | None]:
        return DataLoader(_one_per_case(Rating))

    @cached_property
    def events(self) -> DataLoader[int, list[CaseEvent]]:
        return DataLoader(_many_per_case(CaseEvent, "seq"))

    @cached_property
    def documents(self) -> DataLoader[int, list[Document]]:
        return DataLoader(_many_per_case(Document, "id", only=ISSUED_COLUMNS))

    @cached_property
    def tasks(self) -> DataLoader[int, list[CaseTask]]:
        return DataLoader(_many_per_case(CaseTask, "id", related=("department",)))

    @cached_property
    def timers(self) -> DataLoader[int, list[Timer]]:
        # which of a case's dates are provisional (Case.promisedDueProvisional): asked only for cases
        # whose deadlines are
        return DataLoader(_many_per_case(Timer, "id", only=("id", "kind", "state", "provisional")))

    @cached_property
    def notifications(self) -> DataLoader[int, list[Notification]]:
        return DataLoader(_many_per_case(Notification, "id"))
