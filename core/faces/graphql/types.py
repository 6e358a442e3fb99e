"""GraphQL types shared by every part of the schema."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

import strawberry
from tortoise.exceptions import ValidationError

from core.plumbing.errors import Forbidden, LoginExpired, NotFound, UserErrorsException, unstorable_value
from core.plumbing.errors import UserError as UserErrorData
from core.plumbing.logging import security_event

T = TypeVar("T")
R = TypeVar("R")
log = logging.getLogger("govhall.graphql")


@strawberry.type
class UserError:
    path: str | None
    code: str
    message: str
    case_id: strawberry.ID | None = strawberry.field(
        default=None, description="问题涉及的另一办件（duplicate_case：申请人的在办件）的 id，供链接到该办件；其余为 null")
    case_number: str | None = strawberry.field(default=None, description="该办件的编号")


@strawberry.type(description="输入有误：全部问题一次列出（一次性告知）")
class UserErrors:
    errors: list[UserError]


def user_errors(errors: Iterable[UserErrorData]) -> UserErrors:
    return UserErrors(errors=[
        UserError(path=e.path, code=e.code, message=e.message, case_number=e.case_number,
                  case_id=None if e.case_id is None else strawberry.ID(str(e.case_id)))
        for e in errors
    ])


@strawberry.type
class RoleGrant:
    center: str
    role: str
    department: str | None


@strawberry.type
class Ok:
    ok: bool


async def mutation_result(work: Callable[[], Awaitable[T]], present: Callable[[T], R]) -> R | UserErrors:
    """Run a mutation's service call: input problems, refusals and unknown objects come back as
    ``UserErrors`` (codes from the service, ``forbidden``, ``not_found``), as the API contract promises."""
    try:
        value = await work()
    except UserErrorsException as exc:
        return user_errors(exc.errors)
    except LoginExpired as exc:  # a token no longer accepted: log in again (no refusal to audit)
        return user_errors([UserErrorData(code="forbidden", message=exc.message, path=None)])
    except Forbidden as exc:
        security_event("permission_refused", where="mutation")
        return user_errors([UserErrorData(code="forbidden", message=exc.message, path=None)])
    except NotFound as exc:
        return user_errors([UserErrorData(code="not_found", message=exc.message, path=None)])
    except ValidationError as exc:  # a text longer than its column (a lookup's or a write's): the caller's to shorten
        log.info("value refused by the ORM in a mutation: %.200s", exc)
        return user_errors([unstorable_value(str(exc))])
    return present(value)
