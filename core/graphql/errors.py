"""What a client sees of errors: permission and not-found errors keep their Chinese message and
get ``extensions.code``; anything unexpected is logged here and masked — no traceback ever leaves."""

from __future__ import annotations

import logging

from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from ..errors import Forbidden, NotFound, UserErrorsException

log = logging.getLogger("govhall.graphql")

INTERNAL_MESSAGE = "服务器内部错误，请稍后重试；如持续出现请联系管理员"


class GovHallErrors(MaskErrors):
    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda e: True, error_message=INTERNAL_MESSAGE)

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [self._public(e) for e in errors]

    def _public(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if original is None:  # syntax or validation error: about the query, safe to show
            return error
        if isinstance(original, Forbidden):
            return self._with(error, original.message, "FORBIDDEN")
        if isinstance(original, NotFound):
            return self._with(error, original.message, "NOT_FOUND")
        if isinstance(original, UserErrorsException):
            return self._with(error, "；".join(e.message for e in original.errors), "BAD_USER_INPUT")
        if isinstance(original, GraphQLError):  # e.g. a bad scalar value
            return error
        log.error("unexpected error in %s", error.path, exc_info=original)
        return self._with(error, INTERNAL_MESSAGE, "INTERNAL")

    @staticmethod
    def _with(error: GraphQLError, message: str, code: str) -> GraphQLError:
        return GraphQLError(
            message=message, nodes=error.nodes, source=error.source, positions=error.positions,
            path=error.path, original_error=None, extensions={"code": code},
        )
