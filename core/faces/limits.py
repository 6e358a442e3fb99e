"""What one GraphQL request may ask of the server, so no single caller can freeze it for everyone.

Limits come in two tiers: anonymous callers (no valid token) get the tightest, signed-in callers
more room. A request is checked in this order, each step cheap and before the costly ones:

1. the body size (``ANONYMOUS.max_body_bytes`` / ``Settings.max_request_bytes``, in the GraphQL
   route: 413), and whether the body is readable JSON at all (400);
2. the tokens of the query, counted by a regular expression before graphql-core's pure-Python
   parser runs (the parser also stops there: Strawberry's ``MaxTokensLimiter`` option), and integer
   literals too long for Python to convert;
3. the number of selections after expanding fragments (a fragment "bomb" is measured, not walked);
4. the limit rules, run on their own before graphql-core's full validation (whose overlapping-fields
   rule is quadratic in the fields): operation depth (Strawberry's ``QueryDepthLimiter``), aliases
   (``MaxAliasesLimiter``), one ``login`` per request (100 aliased logins are not 100 password
   guesses); then the full validation, with no introspection for anonymous callers in production;
5. the input values (:func:`input_problems`): no NUL characters, text-direction overrides, NaN or
   infinite numbers, numbers beyond ±2^53, nesting deeper than :data:`MAX_INPUT_DEPTH`, very long
   strings or lists; ids beyond the database's integer range are simply "not found";
6. the cost of the operation with its variables (:func:`operation_cost`): one point per field, list
   fields with a page size (``first``, ``limit``, given or by default) multiply what they contain,
   expensive fields and every mutation cost more.

Refusals are GraphQL errors with a Chinese message and ``extensions.code`` (``LIMIT_EXCEEDED`` with
``extensions.limit``, ``BAD_USER_INPUT``, ``NOT_FOUND``); each is logged as a security event
(:mod:`core.plumbing.logging`). Case data has tighter bounds of its own (:func:`core.services.form_validation.bounds_errors`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import islice
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    get_named_type,
)
from graphql.language import parse
from graphql.pyutils import Undefined
from graphql.language import IntValueNode, ListValueNode, ObjectValueNode, ValueNode, VariableNode
from graphql.utilities import TypeInfo, value_from_ast_untyped
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document
from strawberry.extensions.max_aliases import create_validator as aliases_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator

from core.plumbing.errors import UserError
from core.plumbing.text_safety import BIDI_CONTROLS, BIDI_MESSAGE

__all__ = [
    "ANONYMOUS",
    "SIGNED_IN",
    "LIMIT_CODE",
    "MAX_INPUT_DEPTH",
    "MAX_INPUT_STRING_CHARS",
    "MAX_INPUT_LIST_ITEMS",
    "MAX_DATABASE_ID",
    "RequestLimits",
    "Tier",
    "input_problems",
    "operation_cost",
    "parse_within",
    "request_errors",
    "public_limit_error",
    "tier_for",
]

LIMIT_CODE = "LIMIT_EXCEEDED"


@dataclass(frozen=True)
class Tier:
    """The limits of one class of caller."""

    name: str
    max_depth: int
    max_aliases: int
    max_tokens: int
    max_selections: int  # after expanding fragments
    max_cost: int
    max_body_bytes: int | None  # None: ``Settings.max_request_bytes``


# The web's deepest query is its schema introspection (a type reference nested five levels): depth 10.
# Tokens are the cost of parsing, which nothing can interrupt: ~0.1 ms each on a busy 2-core server.
ANONYMOUS = Tier("anonymous", max_depth=10, max_aliases=10, max_tokens=1_000, max_selections=500,
                 max_cost=1_000, max_body_bytes=64 * 1024)
SIGNED_IN = Tier("signed_in", max_depth=15, max_aliases=50, max_tokens=2_000, max_selections=3_000,
                 max_cost=20_000, max_body_bytes=None)

MAX_INPUT_DEPTH = 32
MAX_INPUT_STRING_CHARS = 1_000_000  # any one string (the body limit is lower still); case data: core.services.form_validation
MAX_INPUT_LIST_ITEMS = 5_000
MAX_INPUT_NUMBER = 2**53  # beyond this JSON numbers lose precision in every browser
MAX_DATABASE_ID = 2**31 - 1  # PostgreSQL ``integer`` primary keys
_MAX_REPORTED = 20

# --- cost --------------------------------------------------------------------------------------------

MUTATION_COST = 100
"""Every root mutation field: mutations write, and some render documents."""
PAGE_ARGUMENTS: dict[str, int] = {"first": 100, "limit": 5_000}
"""List arguments that say how many items come back, with the largest value the services accept:
what a list field contains costs that many times over."""


def _int_argument(args: Mapping[str, Any], name: str, ceiling: int) -> int:
    value = args.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        return max(0, min(value, ceiling))
    return ceiling  # a variable the client left out, or not a number: assume the worst


def _due_date_cost(args: Mapping[str, Any]) -> int:
    from core.services.clock import MAX_DUE_DATE_WORKING_DAYS

    return 1 + _int_argument(args, "workingDays", MAX_DUE_DATE_WORKING_DAYS) // 10


FIELD_COSTS: dict[str, Callable[[Mapping[str, Any]], int]] = {
    "dueDate": _due_date_cost,  # walks the calendar and explains every day
    "deadlineExplanation": lambda args: 20,
    "supervision": lambda args: 20,
    "statistics": lambda args: 20,
}


def _operation(document: DocumentNode, operation_name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        return next((o for o in operations if o.name and o.name.value == operation_name), None)
    return operations[0] if len(operations) == 1 else None


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def operation_cost(
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    schema: GraphQLSchema | None = None,
) -> int:
    """The cost of the operation that will run, its variables filled in (0 if there is none).

    An argument left out counts as what the field will run with: the variable's default, else, with
    ``schema``, the argument's own (``supervision`` without ``limit`` lists up to 500 cases).
    Linear in the document's size however fragments nest: a fragment's cost is computed once."""
    operation = _operation(document, operation_name)
    if operation is None:
        return 0
    fragments = _fragments(document)
    memo: dict[str, int] = {}
    variables = _with_variable_defaults(operation, variables or {})

    def selection_cost(selection_set: SelectionSetNode, parent: GraphQLNamedType | None, root: bool) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                definition = _field_definition(parent, selection.name.value)
                args = _arguments(selection, definition, variables)
                own = FIELD_COSTS.get(selection.name.value, lambda _: 1)(args)
                if root and operation.operation == OperationType.MUTATION:
                    own += MUTATION_COST
                total += own
                if selection.selection_set is not None:
                    factor = max(
                        [_int_argument(args, name, cap) for name, cap in PAGE_ARGUMENTS.items() if name in args],
                        default=1,
                    )
                    inner = get_named_type(definition.type) if definition is not None else None
                    total += max(factor, 1) * selection_cost(selection.selection_set, inner, False)
            elif isinstance(selection, InlineFragmentNode):
                total += selection_cost(selection.selection_set, _fragment_type(schema, selection, parent), root)
            elif isinstance(selection, FragmentSpreadNode):
                total += fragment_cost(selection.name.value, root)
        return total

    def fragment_cost(name: str, root: bool) -> int:
        key = f"{name}:{root}"
        if key not in memo:
            memo[key] = 0  # a cycle (refused by validation anyway) counts nothing more
            fragment = fragments.get(name)
            memo[key] = selection_cost(fragment.selection_set, _fragment_type(schema, fragment, None), root) if fragment else 0
        return memo[key]

    root_type = None
    if schema is not None:
        root_type = schema.mutation_type if operation.operation == OperationType.MUTATION else schema.query_type
    return selection_cost(operation.selection_set, root_type, True)


def _with_variable_defaults(operation: OperationDefinitionNode, variables: Mapping[str, Any]) -> Mapping[str, Any]:
    """``variables`` and, for those the client left out, the operation's own defaults (``$n: Int = 5``)."""
    defaults = {
        d.variable.name.value: _value(d.default_value, {})
        for d in operation.variable_definitions or ()
        if d.default_value is not None and d.variable.name.value not in variables
    }
    return {**variables, **defaults} if defaults else variables


def _fragment_type(
    schema: GraphQLSchema | None, node: InlineFragmentNode | FragmentDefinitionNode, parent: GraphQLNamedType | None
) -> GraphQLNamedType | None:
    """The type a fragment's fields are selected on: its condition's, else the enclosing one."""
    if node.type_condition is None or schema is None:
        return parent
    return schema.get_type(node.type_condition.name.value)


def _field_definition(parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
    fields = getattr(parent, "fields", None)  # object and interface types; a union has only __typename
    return fields.get(name) if fields is not None else None


def _arguments(field: FieldNode, definition: GraphQLField | None, variables: Mapping[str, Any]) -> dict[str, Any]:
    """The field's arguments as it will run: those given (a variable left out gives ``Undefined``),
    the schema's defaults for the others and for variables left out."""
    given = {a.name.value: _value(a.value, variables) for a in field.arguments or ()}
    if definition is None:
        return given
    defaults = {name: arg.default_value for name, arg in definition.args.items() if arg.default_value is not Undefined}
    return {**defaults, **{name: value for name, value in given.items() if value is not Undefined or name not in defaults}}


def expanded_selections(document: DocumentNode) -> int:
    """How many field selections the document has once every fragment is expanded, over all its
    operations; computed in linear time (memoised per fragment), so a fragment bomb is measured,
    not walked."""
    fragments = _fragments(document)
    memo: dict[str, int] = {}

    def count(selection_set: SelectionSetNode | None) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += 1 + count(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                total += count(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in memo:
                    memo[name] = 0
                    fragment = fragments.get(name)
                    memo[name] = count(fragment.selection_set) if fragment else 0
                total += memo[name]
        return total

    return sum(count(d.selection_set) for d in document.definitions if isinstance(d, OperationDefinitionNode))


def _value(node: ValueNode, variables: Mapping[str, Any]) -> Any:
    try:
        return value_from_ast_untyped(node, variables)
    except (ValueError, TypeError):  # e.g. an integer literal of thousands of digits
        return None


# --- validation rules ---------------------------------------------------------------------------------


class OneLoginPerRequest(ValidationRule):
    """A request may call ``login`` once: a hundred aliased logins would be a hundred password guesses."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        fragments = _fragments(context.document)
        for operation in context.document.definitions:
            if isinstance(operation, OperationDefinitionNode) and operation.operation == OperationType.MUTATION:
                if _root_field_count(operation.selection_set, "login", fragments, set()) > 1:
                    context.report_error(GraphQLError(
                        "一次请求只能登录一次（login）", operation, extensions={"code": LIMIT_CODE, "limit": "login"},
                    ))


def _root_field_count(selection_set: SelectionSetNode, name: str, fragments: Mapping[str, FragmentDefinitionNode], seen: set[str]) -> int:
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            total += selection.name.value == name
        elif isinstance(selection, InlineFragmentNode):
            total += _root_field_count(selection.selection_set, name, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                seen.add(selection.name.value)
                total += _root_field_count(fragment.selection_set, name, fragments, seen)
    return total


CONSTRUCTOR_RULES: set[type[ASTValidationRule]] = {OneLoginPerRequest}
"""Rules that check the whole document in their constructor (as Strawberry's depth and alias limiters do)."""


@cache
def tier_rules(tier: Tier, production: bool) -> tuple[type[ASTValidationRule], ...]:
    """The validation rules of a tier: built once, so the validation cache (keyed by the rule
    classes) serves every request of the tier."""
    rules: list[type[ASTValidationRule]] = [
        depth_validator(tier.max_depth, None, None),
        aliases_validator(tier.max_aliases),
        OneLoginPerRequest,
    ]
    CONSTRUCTOR_RULES.update(rules)
    if production and tier is ANONYMOUS:
        rules.append(NoSchemaIntrospectionCustomRule)
    return tuple(rules)


def tier_for(context: Any) -> Tier:
    """Anonymous (no valid token) or signed-in, from the GraphQL context."""
    actor = getattr(context, "actor", None)
    return SIGNED_IN if getattr(actor, "user", None) is not None else ANONYMOUS


def is_production(context: Any) -> bool:
    govhall = getattr(context, "govhall", None)
    return bool(govhall is not None and govhall.settings.is_production)


# --- input values ------------------------------------------------------------------------------------


def _scan(value: Any, path: str, depth: int, problems: list[UserError]) -> None:
    if len(problems) >= _MAX_REPORTED:
        return
    if depth > MAX_INPUT_DEPTH:
        problems.append(UserError("too_deep", f"输入嵌套超过 {MAX_INPUT_DEPTH} 层", path))
        return
    if isinstance(value, str):
        if "\x00" in value:
            problems.append(UserError("nul_character", "输入包含空字符（\\u0000），请删除后重试", path))
        if BIDI_CONTROLS.search(value):
            problems.append(UserError(
                "bidi_control", "输入" + BIDI_MESSAGE, path,
            ))
        if len(value) > MAX_INPUT_STRING_CHARS:
            problems.append(UserError("too_long", f"文本过长（{len(value)} 个字符），不能超过 {MAX_INPUT_STRING_CHARS} 个字符", path))
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, float):
        if not math.isfinite(value):
            problems.append(UserError("not_finite", "数值无效（NaN 或无穷大）", path))
        elif abs(value) > MAX_INPUT_NUMBER:
            problems.append(UserError("range", "数值超出可处理的范围", path))
    elif isinstance(value, int):
        if abs(value) > MAX_INPUT_NUMBER:
            problems.append(UserError("range", "数值超出可处理的范围", path))
    elif isinstance(value, Mapping):
        if len(value) > MAX_INPUT_LIST_ITEMS:
            problems.append(UserError("too_many", f"输入的字段过多（{len(value)} 个），不能超过 {MAX_INPUT_LIST_ITEMS} 个", path))
            return
        for key, item in value.items():
            _scan(key, path, depth + 1, problems)
            _scan(item, f"{path}/{str(key).replace('~', '~0').replace('/', '~1')}", depth + 1, problems)
    elif isinstance(value, (list, tuple)):
        if len(value) > MAX_INPUT_LIST_ITEMS:
            problems.append(UserError("too_many", f"列表项过多（{len(value)} 项），不能超过 {MAX_INPUT_LIST_ITEMS} 项", path))
            return
        for index, item in enumerate(value):
            _scan(item, f"{path}/{index}", depth + 1, problems)


def _literal_depth_ok(node: ValueNode, depth: int = 0) -> bool:
    if depth > MAX_INPUT_DEPTH:
        return False
    if isinstance(node, ListValueNode):
        return all(_literal_depth_ok(v, depth + 1) for v in node.values)
    if isinstance(node, ObjectValueNode):
        return all(_literal_depth_ok(f.value, depth + 1) for f in node.fields)
    return True


def _root_fields(selection_set: SelectionSetNode, fragments: Mapping[str, FragmentDefinitionNode], seen: set[str]) -> Iterator[FieldNode]:
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _root_fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
            seen.add(selection.name.value)
            if (fragment := fragments.get(selection.name.value)) is not None:
                yield from _root_fields(fragment.selection_set, fragments, seen)


def _all_fields(selection_set: SelectionSetNode | None) -> Iterator[FieldNode]:
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection
            yield from _all_fields(selection.selection_set)
        elif isinstance(selection, InlineFragmentNode):
            yield from _all_fields(selection.selection_set)


def input_problems(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any] | None
) -> tuple[list[UserError], bool]:
    """Problems with the request's input values, and whether an id is beyond the database's range
    (then the object cannot exist: the caller gets "not found").

    Paths: ``/<argument>/...`` into an argument of a root field, ``/$<variable>/...`` into a variable.
    """
    problems: list[UserError] = []
    variables = variables or {}
    for name, value in variables.items():
        _scan(value, f"/${name}", 0, problems)
    operation = _operation(document, operation_name)
    if operation is None:
        return problems, False
    id_out_of_range = False
    fragments = _fragments(document)
    definitions = [operation, *fragments.values()]
    for definition in definitions:
        for field in _all_fields(definition.selection_set):
            for argument in field.arguments or ():
                if isinstance(argument.value, VariableNode):
                    continue  # scanned above, with the variables
                if not _literal_depth_ok(argument.value):
                    problems.append(UserError("too_deep", f"输入嵌套超过 {MAX_INPUT_DEPTH} 层", f"/{argument.name.value}"))
                    continue
                if _huge_int_literal(argument.value):
                    problems.append(UserError("range", "数值超出可处理的范围", f"/{argument.name.value}"))
                    continue
                _scan(_value(argument.value, variables), f"/{argument.name.value}", 0, problems)
    root = schema.mutation_type if operation.operation == OperationType.MUTATION else schema.query_type
    if root is not None:
        for field in _root_fields(operation.selection_set, fragments, set()):
            definition = root.fields.get(field.name.value)
            if definition is None:
                continue
            for argument in field.arguments or ():
                arg = definition.args.get(argument.name.value)
                if arg is not None and _is_id(get_named_type(arg.type)):
                    ids = _value(argument.value, variables)
                    for value in ids if isinstance(ids, list) else [ids]:
                        if _beyond_database(value):
                            id_out_of_range = True
    return problems, id_out_of_range


def _huge_int_literal(node: ValueNode) -> bool:
    if isinstance(node, IntValueNode):
        return len(node.value.lstrip("-")) > 16
    if isinstance(node, ListValueNode):
        return any(_huge_int_literal(v) for v in node.values)
    if isinstance(node, ObjectValueNode):
        return any(_huge_int_literal(f.value) for f in node.fields)
    return False


def _is_id(named: GraphQLNamedType | None) -> bool:
    return named is not None and named.name == "ID"


def _beyond_database(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return not -MAX_DATABASE_ID <= value <= MAX_DATABASE_ID
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        text = value.strip().lstrip("-")
        return len(text) > 10 or int(text) > MAX_DATABASE_ID
    return False


# --- turning library messages into ours ---------------------------------------------------------------

_LIBRARY_LIMITS: list[tuple[re.Pattern[str], str, Callable[[re.Match[str]], str]]] = [
    (re.compile(r"exceeds maximum operation depth of (\d+)"), "depth",
     lambda m: f"查询嵌套过深：最多 {m.group(1)} 层"),
    (re.compile(r"Maximum introspection depth exceeded"), "depth", lambda m: "查询嵌套过深（类型信息查询）"),
    (re.compile(r"(\d+) aliases found\. Allowed: (\d+)"), "aliases",
     lambda m: f"别名过多（{m.group(1)} 个）：一次请求最多 {m.group(2)} 个"),
    (re.compile(r"Document contains more than (\d+) tokens"), "tokens",
     lambda m: f"查询过长：最多 {m.group(1)} 个词法单元"),
]


def public_limit_error(error: GraphQLError) -> GraphQLError | None:
    """A limit refusal from Strawberry or graphql-core, in Chinese with ``extensions.code``; None
    when ``error`` is not one."""
    for pattern, limit, message in _LIBRARY_LIMITS:
        if match := pattern.search(error.message):
            return GraphQLError(
                f"{message(match)}（{error.message}）", nodes=error.nodes, source=error.source,
                positions=error.positions, path=error.path, extensions={"code": LIMIT_CODE, "limit": limit},
            )
    return None


def _refusal(message: str, limit: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": LIMIT_CODE, "limit": limit})


# --- the extension ----------------------------------------------------------------------------------

_TOKEN = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|"(?:[^"\\\n]|\\.)*"|#[^\n]*|\.\.\.|[!$&():=@\[\]{|}]'
    r"|-?[0-9][0-9.eE+-]*|[_A-Za-z][_0-9A-Za-z]*"
)


_LONG_DIGITS = re.compile(r"\d{17}")


def _is_huge_number(token: str) -> bool:
    return token[:1] in "-0123456789" and len(re.sub(r"\D", "", token.split("e")[0].split("E")[0])) > 16


def count_tokens(query: str, stop_after: int | None = None) -> int:
    """The document's lexical tokens and comments, as graphql-core's ``max_tokens`` counts them
    (near enough: a refusal here would also be one there); counting stops after ``stop_after``."""
    return sum(1 for _ in islice(_TOKEN.finditer(query), stop_after))


_parse = lru_cache(maxsize=512)(parse)
"""Parsed documents by query text and token limit, shared by every request and schema."""

_CHECKED_SIZE = 512
_checked: dict[tuple[Any, ...], list[GraphQLError]] = {}
"""What :func:`_document_errors` found, by schema, query text, tier and rules: a signed-in
client sends the same few documents again and again, and hashing a text is far cheaper than
hashing a document (graphql-core's nodes hash their whole subtree, every time)."""


def _document_errors(
    schema: GraphQLSchema, document: DocumentNode, tier: Tier, limit_rules: tuple[type[ASTValidationRule], ...],
    validation_rules: tuple[type[ASTValidationRule], ...],
) -> list[GraphQLError]:
    """The limit rules' refusals, else the full validation's errors."""
    selections = expanded_selections(document)
    if selections > tier.max_selections:
        return [_refusal(f"查询过大：展开片段后有 {selections} 个字段，最多 {tier.max_selections} 个", "selections")]
    # These rules do all their work when constructed: no need for graphql-core's slow full walk.
    errors: list[GraphQLError] = []
    context = ValidationContext(schema, document, TypeInfo(schema), errors.append)
    for rule in limit_rules:
        if rule in CONSTRUCTOR_RULES:
            rule(context)
    return errors or validate_document(schema, document, validation_rules)


def checked_document(
    schema: GraphQLSchema, query: str | None, document: DocumentNode, tier: Tier,
    limit_rules: tuple[type[ASTValidationRule], ...], validation_rules: tuple[type[ASTValidationRule], ...],
) -> list[GraphQLError]:
    """:func:`_document_errors` of ``document`` (parsed from ``query``), kept for the next request
    that sends the same text. The list returned is the cache's: copy it before changing it."""
    if query is None:
        return _document_errors(
            schema=schema, document=document, tier=tier, limit_rules=limit_rules, validation_rules=validation_rules
        )
    key = (schema, query, tier.name, limit_rules, validation_rules)
    errors = _checked.get(key)
    if errors is None:
        errors = _document_errors(
            schema=schema, document=document, tier=tier, limit_rules=limit_rules, validation_rules=validation_rules
        )
        if len(_checked) >= _CHECKED_SIZE:
            del _checked[next(iter(_checked))]  # the oldest entry
        _checked[key] = errors
    return errors


def parse_within(query: str, tier: Tier) -> DocumentNode:
    """``query`` parsed (cached by its text), after a C-speed count of its tokens, so an
    over-long document is refused without being parsed at all (the parser is pure Python, ~10-30 µs
    a token). Raises a GraphQLError refusal, or graphql-core's syntax error."""
    limit = tier.max_tokens
    if len(query) > limit and count_tokens(query, stop_after=limit + 1) > limit:
        raise _refusal(f"查询过长：最多 {limit} 个词法单元", "tokens")
    if _LONG_DIGITS.search(query) and any(_is_huge_number(m.group()) for m in _TOKEN.finditer(query)):
        # graphql-core would fail converting it (Python refuses ints of over 4,300 digits)
        raise GraphQLError("查询中的数值超出可处理的范围", extensions={"code": "BAD_USER_INPUT"})
    return _parse(query, max_tokens=limit)


def request_errors(
    schema: GraphQLSchema, query: str | None, document: DocumentNode, tier: Tier,
    limit_rules: tuple[type[ASTValidationRule], ...], validation_rules: tuple[type[ASTValidationRule], ...],
    variables: Mapping[str, Any] | None, operation_name: str | None,
) -> list[GraphQLError]:
    """Why the operation may not run: the limit rules' and the validation's errors (cached by the
    query text), else its input values' problems and its cost, which depend on the variables. A new
    list each time (the cache owns the validation's)."""
    errors = checked_document(
        schema=schema, query=query, document=document, tier=tier,
        limit_rules=limit_rules, validation_rules=validation_rules,
    )
    if errors:
        return list(errors)
    return _value_errors(schema=schema, document=document, tier=tier, variables=variables or {}, operation_name=operation_name)


@dataclass(frozen=True)
class _ValuePlan:
    """What :func:`_value_errors` finds in a document whatever the variables say."""

    literals_clean: bool  # no literal argument holds a variable, and every one passes the input checks
    id_arguments: tuple[ValueNode, ...]  # the root fields' ID arguments, checked against the database's range
    cost: int | None  # the operation's cost, or None when it depends on the variables


_PLANS_SIZE = 512
_plans: dict[tuple[int, int, str | None], tuple[GraphQLSchema, DocumentNode, _ValuePlan]] = {}
"""By schema, document (the parse cache hands every request of a text the same one) and operation
name; each entry keeps its schema and document alive, so their ids are not reused meanwhile."""


def _value_plan(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None) -> _ValuePlan:
    key = (id(schema), id(document), operation_name)
    entry = _plans.get(key)
    if entry is not None and entry[0] is schema and entry[1] is document:
        return entry[2]
    plan = _make_value_plan(schema, document, operation_name)
    if len(_plans) >= _PLANS_SIZE:
        del _plans[next(iter(_plans))]  # the oldest entry
    _plans[key] = (schema, document, plan)
    return plan


def _make_value_plan(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None) -> _ValuePlan:
    operation = _operation(document, operation_name)
    if operation is None:
        return _ValuePlan(literals_clean=True, id_arguments=(), cost=0)
    fragments = _fragments(document)
    literals_clean, cost_varies = True, False
    for definition in (operation, *fragments.values()):
        for field in _all_fields(definition.selection_set):
            for argument in field.arguments or ():
                if not _holds_variable(argument.value):
                    continue
                if not isinstance(argument.value, VariableNode):
                    literals_clean = False  # a literal with a variable inside: checked with the variables
                if field.name.value in FIELD_COSTS or argument.name.value in PAGE_ARGUMENTS:
                    cost_varies = True
    if literals_clean:
        problems, _ = input_problems(schema, document, operation_name, {})
        literals_clean = not problems
    id_arguments: list[ValueNode] = []
    root = schema.mutation_type if operation.operation == OperationType.MUTATION else schema.query_type
    if root is not None:
        for field in _root_fields(operation.selection_set, fragments, set()):
            found = root.fields.get(field.name.value)
            for argument in (field.arguments or ()) if found is not None else ():
                arg = found.args.get(argument.name.value)
                if arg is not None and _is_id(get_named_type(arg.type)):
                    id_arguments.append(argument.value)
    cost = None if cost_varies else operation_cost(document, operation_name, {}, schema)
    return _ValuePlan(literals_clean=literals_clean, id_arguments=tuple(id_arguments), cost=cost)


def _holds_variable(node: ValueNode) -> bool:
    if isinstance(node, VariableNode):
        return True
    if isinstance(node, ListValueNode):
        return any(_holds_variable(v) for v in node.values)
    if isinstance(node, ObjectValueNode):
        return any(_holds_variable(f.value) for f in node.fields)
    return False


def _planned_input_problems(plan: _ValuePlan, variables: Mapping[str, Any]) -> tuple[list[UserError], bool]:
    """:func:`input_problems` of a document whose literals are clean: only the variables and the
    root fields' ids are left to check."""
    problems: list[UserError] = []
    for name, value in variables.items():
        _scan(value, f"/${name}", 0, problems)
    for node in plan.id_arguments:
        ids = _value(node, variables)
        if any(_beyond_database(value) for value in (ids if isinstance(ids, list) else [ids])):
            return problems, True
    return problems, False


def _value_errors(
    schema: GraphQLSchema, document: DocumentNode, tier: Tier, variables: Mapping[str, Any], operation_name: str | None,
) -> list[GraphQLError]:
    plan = _value_plan(schema, document, operation_name)
    if plan.literals_clean:
        problems, id_out_of_range = _planned_input_problems(plan, variables)
    else:
        problems, id_out_of_range = input_problems(schema, document, operation_name, variables)
    errors: list[GraphQLError] = []
    if problems:
        errors.append(GraphQLError(
            "；".join(f"{p.path}：{p.message}" for p in problems),
            extensions={"code": "BAD_USER_INPUT", "userErrors": [
                {"path": p.path, "code": p.code, "message": p.message} for p in problems
            ]},
        ))
    elif id_out_of_range:
        errors.append(GraphQLError("未找到：编号超出范围", extensions={"code": "NOT_FOUND"}))
    else:
        cost = plan.cost if plan.cost is not None else operation_cost(document, operation_name, variables, schema)
        signed_out = tier.name == ANONYMOUS.name
        if signed_out and cost > tier.max_cost:
            # Every field whose list size has a default (cases, supervision, staffMessages…) needs a
            # login: without one it is refused FORBIDDEN before it lists anything, as the contract says
            # of every authorization failure. What the caller asked for explicitly still counts.
            cost = operation_cost(document, operation_name, variables)
        if cost > tier.max_cost:  # signed out: most likely a token left out, said before "ask for less"
            errors.append(_refusal(
                f"查询代价过高（{cost}，上限 {tier.max_cost}）：请减少字段、别名或分页大小（first/limit），"
                "或分成几次请求" + ("；这是未登录时的上限，需要登录的查询请带上 Authorization: Bearer 令牌" if signed_out else ""),
                "cost",
            ))
    if errors:
        from core.plumbing.logging import security_event

        security_event("input_refused" if problems or id_out_of_range else "limit_refused",
                       limit=(errors[0].extensions or {}).get("limit"),
                       codes=sorted({p.code for p in problems}) or None, tier=tier.name)
    return errors


class RequestLimits(SchemaExtension):
    """Applies the caller's tier to the request (see the module docstring for the order), parses
    (cached by the query text) and validates: the cheap limit rules first, so an oversized document
    is refused before graphql-core's full validation (whose overlapping-fields rule is quadratic in
    the fields) ever sees it; then the full validation, cached by the query text too; then cost and
    input values, which depend on the variables, on every request."""

    def on_operation(self) -> Iterator[None]:
        ctx = self.execution_context
        self.tier = tier_for(ctx.context)
        self.limit_rules = tier_rules(self.tier, is_production(ctx.context))
        ctx.parse_options["max_tokens"] = self.tier.max_tokens
        ctx.validation_rules = ctx.validation_rules + self.limit_rules
        yield

    def on_parse(self) -> Iterator[None]:
        self.execution_context.graphql_document = parse_within(self.execution_context.query or "", self.tier)
        yield

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        document = ctx.graphql_document
        if document is not None:
            ctx.pre_execution_errors = request_errors(
                schema=ctx.schema._schema, query=ctx.query, document=document, tier=self.tier,
                limit_rules=self.limit_rules, validation_rules=ctx.validation_rules,
                variables=ctx.variables, operation_name=ctx.operation_name,
            )
        yield
