"""Per-request DataLoaders: a page of cases asks for its departments, items, ratings, events… in
one query per kind, not one per case (made in :func:`core.faces.graphql.context.build_context`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from functools import cached_property
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from strawberry.types.nodes import SelectedField, Selection
from tortoise.models import Model

from core.plumbing.models import CaseEvent, Center, CaseTask, Department, Document, ItemVersion, Notification, Rating

M = TypeVar("M", bound=Model)
K = TypeVar("K")
T = TypeVar("T")


def ready(loader: DataLoader[K, T], key: K) -> T | Awaitable[T]:
    """What ``loader`` holds for ``key`` if it has already loaded it, else the awaitable load.

    A field whose resolver is plain (not ``async``) and returns a value needs no task of its own:
    on a page of cases the list's resolver loads a kind for every row at once (one query, see
    :func:`selected_below`), and each row's field then answers at once."""
    future = loader.load(key)
    if future.done() and not future.cancelled() and future.exception() is None:  # type: ignore[attr-defined]
        return future.result()  # type: ignore[attr-defined]
    return future


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


def _by_id(model: type[M], only: Sequence[str] = ()) -> Callable[[Sequence[int]], Awaitable[list[M | None]]]:
    async def load(ids: Sequence[int]) -> list[M | None]:
        query = model.filter(id__in=list(ids))
        if only:
            query = query.only("id", *only)
        found = {row.id: row for row in await query}
        return [found.get(i) for i in ids]

    return load


def _one_per_case(model: type[M]) -> Callable[[Sequence[int]], Awaitable[list[M | None]]]:
    async def load(case_ids: Sequence[int]) -> list[M | None]:
        found = {row.case_id: row for row in await model.filter(case_id__in=list(case_ids))}  # type: ignore[attr-defined]
        return [found.get(i) for i in case_ids]

    return load


def _many_per_case(
    model: type[M], *order: str, related: Sequence[str] = (), only: Sequence[str] = ()
) -> Callable[[Sequence[int]], Awaitable[list[list[M]]]]:
    async def load(case_ids: Sequence[int]) -> list[list[M]]:
        query = model.filter(case_id__in=list(case_ids)).order_by(*order)
        if related:
            query = query.select_related(*related)
        if only:
            query = query.only("case_id", *only)
        grouped: dict[int, list[M]] = defaultdict(list)
        for row in await query:
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
    def rating(self) -> DataLoader[int, Rating | None]:
        return DataLoader(_one_per_case(Rating))

    @cached_property
    def events(self) -> DataLoader[int, list[CaseEvent]]:
        return DataLoader(_many_per_case(CaseEvent, "seq"))

    @cached_property
    def documents(self) -> DataLoader[int, list[Document]]:
        return DataLoader(_many_per_case(
            Document, "id", only=("id", "public_id", "kind", "title", "number", "issued_on", "sha256", "verify_code",
                           "state", "progress")))

    @cached_property
    def tasks(self) -> DataLoader[int, list[CaseTask]]:
        return DataLoader(_many_per_case(CaseTask, "id", related=("department",)))

    @cached_property
    def notifications(self) -> DataLoader[int, list[Notification]]:
        return DataLoader(_many_per_case(Notification, "id"))
