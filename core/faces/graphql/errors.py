"""What a client sees of errors: permission and not-found errors keep their Chinese message and
get ``extensions.code``; limit refusals are said in Chinese; anything unexpected is logged here and
masked — no traceback ever leaves. In production, anonymous callers get no field suggestions
("Did you mean …?"): they would spell out the schema that introspection hides."""

from __future__ import annotations

import logging
import re
from typing import Any

from graphql.error import GraphQLError
from tortoise.exceptions import ValidationError

from core.plumbing.errors import Forbidden, LoginExpired, NotFound, UserErrorsException, unstorable_value
from core.faces.limits import is_production, public_limit_error, tier_for
from core.plumbing.logging import security_event

log = logging.getLogger("govhall.graphql")

_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")
INTERNAL_MESSAGE = "服务器内部错误，请稍后重试；如持续出现请联系管理员"


def public_errors(errors: list[GraphQLError], context: Any) -> list[GraphQLError]:
    """What the client may see of ``errors`` (``context``: the request's GraphQL context, or None)."""
    public = [_public(e, context) for e in errors]
    if is_production(context) and getattr(getattr(context, "actor", None), "user", None) is None:
        public = [_without_suggestions(e) for e in public]
    return public


def _public(error: GraphQLError, context: Any) -> GraphQLError:
    if (error.extensions or {}).get("code") and error.original_error is None:
        return error  # ours already (a limit refusal, a bad input): said once, logged once
    original = error.original_error
    if original is None:  # syntax or validation error: about the query, safe to show
        limited = public_limit_error(error)
        if limited is not None:
            security_event("limit_refused", limit=(limited.extensions or {}).get("limit"),
                           tier=tier_for(context).name, **_who(context))
            return limited
        return _bad_request(error)
    if isinstance(original, LoginExpired):  # FORBIDDEN as the contract says; the reason tells a lapsed login apart
        public = _with(error, original.message, "FORBIDDEN")
        public.extensions["reason"] = "LOGIN_EXPIRED"  # type: ignore[index]
        return public
    if isinstance(original, Forbidden):
        security_event("permission_refused", field=".".join(str(p) for p in error.path or ()), **_who(context))
        return _with(error, original.message, "FORBIDDEN")
    if isinstance(original, NotFound):
        return _with(error, original.message, "NOT_FOUND")
    if isinstance(original, UserErrorsException):
        return _with(error, "；".join(e.message for e in original.errors), "BAD_USER_INPUT")
    if isinstance(original, GraphQLError):  # e.g. a bad scalar value
        return _bad_request(error)
    if isinstance(original, ValidationError):  # a text longer than its column, looked up or written
        log.info("value refused by the ORM in %s: %.200s", error.path, original)
        return _with(error, unstorable_value(str(original)).message, "BAD_USER_INPUT")
    log.error("unexpected error in %s", error.path, exc_info=original)
    return _with(error, INTERNAL_MESSAGE, "INTERNAL")


_BAD_VARIABLE = re.compile(r"invalid value: .*?\b(?:Variable|variable) '\$(\w+)'|^Variable '\$(\w+)' (?:has|got) invalid value")
_VARIABLE_MESSAGES = (
    (re.compile(r"represent a Date"), "日期未填写或不是有效日期（应为 年-月-日），请选择日期后重试"),
    (re.compile(r"Int cannot represent|Float cannot represent"), "数字未填写或不是有效的数，请修改后重试"),
    (re.compile(r"was not provided|to be provided|must not be null|not to be None"), "有必填内容尚未填写，请填写后重试"),
)


def _bad_request(error: GraphQLError) -> GraphQLError:
    """A syntax, validation or value error, with ``extensions.code = BAD_REQUEST``. A variable's
    bad value (a date or a number a person typed) is said in Chinese for that person, with the
    variable's name and graphql-core's text in ``extensions`` (``variable``, ``detail``) for the
    client's developer; anything else is about the query itself: graphql-core's text after a
    Chinese lead."""
    if (error.extensions or {}).get("code"):
        return error
    bad_variable = _BAD_VARIABLE.search(error.message)
    if bad_variable is not None:
        message = next((m for pattern, m in _VARIABLE_MESSAGES if pattern.search(error.message)), "填写的内容格式不正确，请检查后重试")
        return GraphQLError(
            message=message, nodes=error.nodes, source=error.source, positions=error.positions, path=error.path,
            original_error=None, extensions={**(error.extensions or {}), "code": "BAD_REQUEST",
                                             "variable": bad_variable.group(1) or bad_variable.group(2), "detail": error.message},
        )
    return GraphQLError(
        message=f"请求有误：{error.message}", nodes=error.nodes, source=error.source, positions=error.positions,
        path=error.path, original_error=None, extensions={**(error.extensions or {}), "code": "BAD_REQUEST"},
    )


def _who(context: Any) -> dict[str, object]:
    user = getattr(getattr(context, "actor", None), "user", None)
    return {"user_id": user.id if user is not None else None}


def _without_suggestions(error: GraphQLError) -> GraphQLError:
    message = _SUGGESTION.sub("", error.message)
    if message == error.message:
        return error
    return GraphQLError(
        message=message, nodes=error.nodes, source=error.source, positions=error.positions,
        path=error.path, original_error=error.original_error, extensions=error.extensions,
    )


def _with(error: GraphQLError, message: str, code: str) -> GraphQLError:
    return GraphQLError(
        message=message, nodes=error.nodes, source=error.source, positions=error.positions,
        path=error.path, original_error=None, extensions={"code": code},
    )
