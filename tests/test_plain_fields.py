"""The plain-field executor answers exactly as Strawberry's own execution context: same data, same
errors at the same paths, for values that are plain and for every kind that is not."""

from __future__ import annotations

import asyncio
import datetime
import enum
import inspect
from typing import Any

import pytest
import strawberry
from graphql import execute, parse
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from core.faces.graphql.plain_fields import PlainFieldsExecutor
from core.faces.graphql.schema import build_schema
from core.services.plugins import PluginHub


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    GREEN = "green"


class Broken:
    """Stands in for a value a scalar refuses."""


def _explode() -> Any:
    raise ValueError("boom")


@strawberry.type
class Inner:
    label: str
    size: int | None


@strawberry.type
class Row:
    id: strawberry.ID
    name: str
    note: str | None
    colour: Colour
    count: int
    when: datetime.datetime | None
    required_but_missing: str
    refused: int | None
    lazy: str | None
    failing: str | None
    inner: Inner
    maybe_inner: Inner | None
    strict_inner: Inner
    later_inner: Inner | None

    @strawberry.field
    def shout(self, times: int = 1) -> str:
        return self.name.upper() * times


class RowValues:
    """A source object as resolvers meet them: attributes, one raising, one awaitable."""

    def __init__(self, i: int) -> None:
        self.id = str(i)
        self.name = f"第{i}行"
        self.note = None if i % 2 else f"备注{i}"
        self.colour = Colour.RED if i % 2 else Colour.GREEN
        self.count = i
        self.when = datetime.datetime(2026, 11, 28, 8, i, tzinfo=datetime.timezone.utc)
        self.required_but_missing = None if i == 2 else "有"
        self.refused = Broken() if i == 1 else i
        self.inner = Inner(label=f"内{i}", size=None if i % 2 else i)
        self.maybe_inner = None if i % 2 else Inner(label=None if i == 4 else "有", size=i)  # type: ignore[arg-type]
        self.strict_inner = None if i == 3 else Inner(label="严", size=i)

    @property
    def later_inner(self) -> Any:
        return _later(Inner(label=f"迟{self.count}", size=self.count))

    @property
    def lazy(self) -> Any:
        return _later(f"稍后{self.count}")

    @property
    def failing(self) -> str:
        return _explode() if i_fails(self.count) else "好"


def i_fails(count: int) -> bool:
    return count == 3


async def _later(value: Any) -> Any:
    await asyncio.sleep(0)
    return value


@strawberry.type
class Query:
    @strawberry.field
    def rows(self) -> list[Row]:
        return [RowValues(i) for i in range(5)]  # type: ignore[misc]

    @strawberry.field
    def strict_rows(self) -> list[Row]:
        return [RowValues(i) for i in (0, 2)]  # type: ignore[misc]

    @strawberry.field
    def inners(self) -> list[Inner | None]:
        return [Inner(label="一", size=1), None, Inner(label=None, size=2), Inner(label="四", size=Broken())]  # type: ignore


SCHEMA = strawberry.Schema(query=Query)

QUERIES = [
    "{ rows { id name note colour count when } }",
    "{ rows { __typename id n: name again: name } }",
    "{ rows { id refused } }",
    "{ rows { id lazy failing } }",
    "{ rows { id shout(times: 2) } }",
    "{ rows { id ...F } } fragment F on Row { note colour }",
    "query($s: Boolean!) { rows { id note @skip(if: $s) name @include(if: $s) } }",
    "{ strictRows { id requiredButMissing } }",
    "{ rows { id inner { label size __typename } maybeInner { label size } } }",
    "{ rows { id laterInner { label size } } }",
    "{ rows { id strictInner { label } } }",
    "{ rows { inner { ... on Inner { label } } maybeInner { lbl: label } } }",
    "{ rows { id } strictRows { name requiredButMissing count } }",
    "{ inners { label size } }",
    "{ inners { __typename size } rows { inner { size } } }",
]


async def _run(query: str, executor: type) -> tuple[Any, list[tuple[str, Any]]]:
    result = execute(SCHEMA._schema, parse(query), variable_values={"s": True}, executor_class=executor)
    if asyncio.iscoroutine(result) or hasattr(result, "__await__"):
        result = await result
    errors = sorted((error.message, error.path) for error in result.errors or [])
    return result.data, errors


@pytest.mark.parametrize("query", QUERIES)
def test_answers_as_strawberry_does(query: str) -> None:
    async def both() -> tuple[Any, Any]:
        return await _run(query, PlainFieldsExecutor), await _run(query, StrawberryGraphQLCoreExecutionContext)

    plain, general = asyncio.run(both())
    assert plain == general
    assert plain[0] is not None or plain[1]  # every query answers something


def test_problem_values_are_errors_at_their_path() -> None:
    data, errors = asyncio.run(_run("{ rows { id refused failing } }", PlainFieldsExecutor))
    paths = [path for _, path in errors]
    assert ["rows", 1, "refused"] in paths and ["rows", 3, "failing"] in paths
    assert data["rows"][1]["refused"] is None and data["rows"][0]["refused"] == 0


def test_the_app_schema_uses_it(plugin_manager) -> None:
    assert build_schema(PluginHub(plugin_manager)).execution_context_class is PlainFieldsExecutor


def test_one_document_answers_each_request_by_its_own_variables() -> None:
    """Collections are kept across requests only for operations without directives: with @skip and
    @include, each request's variables decide."""
    directed = parse("query($s: Boolean!) { rows { id note @skip(if: $s) name @include(if: $s) } }")
    plain = parse("{ rows { id inner { label } } }")

    async def run(document: Any, variables: dict[str, Any]) -> Any:
        result = execute(SCHEMA._schema, document, variable_values=variables, executor_class=PlainFieldsExecutor)
        return (await result if inspect.isawaitable(result) else result).data

    async def requests() -> list[Any]:
        return [await run(directed, {"s": True}), await run(directed, {"s": False}), await run(plain, {}),
                await run(plain, {})]

    skip_note, keep_note, first, again = asyncio.run(requests())
    assert set(skip_note["rows"][0]) == {"id", "name"} and set(keep_note["rows"][0]) == {"id", "note"}
    assert first == again and first["rows"][0]["inner"] == {"label": "内0"}


def test_rows_of_plain_fields_are_read_by_compiled_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    """A list of objects whose selection is all plain is read by one compiled function per row
    (nested plain objects by theirs), with no loop over its steps; an operation with directives is
    collected per request, so not compiled."""
    stepped: list[str] = []
    nested: list[str] = []
    original_steps, original_nested = PlainFieldsExecutor._read_steps, PlainFieldsExecutor._read_nested

    def counting_steps(self: Any, compiled: Any, *args: Any, **kwargs: Any) -> Any:
        stepped.append(compiled.object_type.name)
        return original_steps(self, compiled, *args, **kwargs)

    def counting_nested(self: Any, compiled: Any, *args: Any, **kwargs: Any) -> Any:
        nested.append(compiled.object_type.name)
        return original_nested(self, compiled, *args, **kwargs)

    monkeypatch.setattr(PlainFieldsExecutor, "_read_steps", counting_steps)
    monkeypatch.setattr(PlainFieldsExecutor, "_read_nested", counting_nested)
    data, errors = asyncio.run(_run("{ rows { id name colour inner { label } } }", PlainFieldsExecutor))
    assert not errors and data["rows"][4] == {"id": "4", "name": "第4行", "colour": "GREEN", "inner": {"label": "内4"}}
    assert nested == ["Row"] * 5 and stepped == []
    nested.clear()
    asyncio.run(_run("query($s: Boolean!) { rows { id name @include(if: $s) } }", PlainFieldsExecutor))
    assert nested == [] and stepped == []


def test_a_row_finished_by_its_steps_reads_no_value_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the compiled function meets an awaitable (or an error) it stops, and the steps finish
    the row with the values it read: an awaitable read twice would be started twice, and the first
    one never awaited."""
    reads: list[str] = []
    lazy, later = RowValues.lazy, RowValues.later_inner
    monkeypatch.setattr(RowValues, "lazy", property(lambda self: reads.append("lazy") or lazy.fget(self)))
    monkeypatch.setattr(RowValues, "later_inner", property(lambda self: reads.append("later") or later.fget(self)))
    query = "{ rows { id lazy name inner { label laterInner: size } laterInner { label } failing } }"

    async def both() -> tuple[Any, Any]:
        plain = await _run(query, PlainFieldsExecutor)
        counted = len(reads)
        return plain, counted, await _run(query, StrawberryGraphQLCoreExecutionContext)

    plain, counted, general = asyncio.run(both())
    assert plain == general and plain[1]  # row 3's failing field is an error at its path
    assert counted == 10 and reads[:counted].count("lazy") == 5  # each row's two awaitables read once
