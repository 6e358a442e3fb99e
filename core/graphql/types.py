"""GraphQL types shared by every part of the schema."""

from __future__ import annotations

from collections.abc import Iterable

import strawberry

from ..errors import UserError as UserErrorData


@strawberry.type
class UserError:
    path: str | None
    code: str
    message: str


@strawberry.type(description="输入有误：全部问题一次列出（一次性告知）")
class UserErrors:
    errors: list[UserError]


def user_errors(errors: Iterable[UserErrorData]) -> UserErrors:
    return UserErrors(errors=[UserError(path=e.path, code=e.code, message=e.message) for e in errors])


@strawberry.type
class RoleGrant:
    center: str
    role: str
    department: str | None


@strawberry.type
class Ok:
    ok: bool
