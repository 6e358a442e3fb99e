"""What a client sees of errors: permission and not-found errors keep their Chinese message and
get ``extensions.code``; limit refusals are said in Chinese; anything unexpected is logged here and
masked — no traceback ever leaves. In production, anonymous callers get no field suggestions
("Did you mean …?"): they would spell out the schema that introspection hides."""

from __future__ import annotations

import logging
import re

from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from ..errors import Forbidden, NotFound, UserErrorsException
from ..limits import LIMIT_CODE, is_production, public_limit_error, tier_for
from ..logging import security_event

log = logging.getLogger("govhall.graphql")

_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")
INTERNAL_MESSAGE = "服务器内部错误，请稍后重试；如持续出现请联系管理员"


class GovHallErrors(MaskErrors):
    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda e: True, error_message=INTERNAL_MESSAGE)

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        public = [self._public(e) for e in errors]
        context = self.execution_context.context
        if is_production(context) and getattr(getattr(context, "actor", None), "user", None) is None:
            public = [self._without_suggestions(e) for e in public]
        return public

    def _public(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if original is None:  # syntax or validation error: about the query, safe to show
            limited = public_limit_error(error)
            if limited is not None or (error.extensions or {}).get("code") == LIMIT_CODE:
                limited = limited or error
                security_event(
                    "limit_refused", limit=(limited.extensions or {}).get("limit"),
                    tier=tier_for(self.execution_context.context).name, **self._who(),
                )
                return limited
            return error
        if isinstance(original, Forbidden):
            security_event("permission_refused", field=".".join(str(p) for p in error.path or ()), **self._who())
            return self._with(error, original.message, "FORBIDDEN")
        if isinstance(original, NotFound):
            return self._with(error, original.message, "NOT_FOUND")
        if isinstance(original, UserErrorsException):
            return self._with(error, "；".join(e.message for e in original.errors), "BAD_USER_INPUT")
        if isinstance(original, GraphQLError):  # e.g. a bad scalar value
            return error
        log.error("unexpected error in %s", error.path, exc_info=original)
        return self._with(error, INTERNAL_MESSAGE, "INTERNAL")

    def _who(self) -> dict[str, object]:
        actor = getattr(self.execution_context.context, "actor", None)
        user = getattr(actor, "user", None)
        return {"user_id": user.id if user is not None else None}

    @staticmethod
    def _without_suggestions(error: GraphQLError) -> GraphQLError:
        message = _SUGGESTION.sub("", error.message)
        if message == error.message:
            return error
        return GraphQLError(
            message=message, nodes=error.nodes, source=error.source, positions=error.positions,
            path=error.path, original_error=error.original_error, extensions=error.extensions,
        )

    @staticmethod
    def _with(error: GraphQLError, message: str, code: str) -> GraphQLError:
        return GraphQLError(
            message=message, nodes=error.nodes, source=error.source, positions=error.positions,
            path=error.path, original_error=None, extensions={"code": code},
        )
