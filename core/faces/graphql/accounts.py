"""login, logout, me."""

from __future__ import annotations

from typing import Annotated

import strawberry

from core.services import accounts
from core.plumbing.errors import UserError as UserErrorData
from core.plumbing.errors import UserErrorsException
from core.plumbing.logging import security_event
from core.plumbing.models import User
from core.faces.graphql.context import Info, client_address
from core.faces.graphql.types import Ok, RoleGrant, UserErrors, user_errors


MAX_USERNAME_CHARS = 64
MAX_PASSWORD_CHARS = 1024


def _client(info: Info) -> str | None:
    client = info.context.request.client
    return client.host if client else None


@strawberry.type
class Account:
    username: str
    display_name: str
    roles: list[RoleGrant]


@strawberry.type
class LoginSuccess:
    token: str
    user: Account


LoginResult = Annotated[LoginSuccess | UserErrors, strawberry.union("LoginResult")]


def account(user: User, grants: list[accounts.Grant]) -> Account:
    return Account(
        username=user.username,
        display_name=user.display_name,
        roles=[RoleGrant(center=g.center_code, role=g.role, department=g.department_code) for g in grants],
    )


@strawberry.type
class Query:
    @strawberry.field(description="当前登录用户；未登录时为 null")
    async def me(self, info: Info) -> Account | None:
        actor = info.context.actor
        if actor.user is None:
            return None
        return account(actor.user, actor.grants)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="登录，返回令牌（Authorization: Bearer <token>）；连续失败过多时暂时锁定")
    async def login(self, info: Info, username: str, password: str) -> LoginResult:
        blank = [UserErrorData(code="required", message=message, path=path) for typed, path, message in (
            (username.strip(), "/username", "请填写用户名"), (password, "/password", "请填写密码")) if not typed]
        if blank:  # nothing typed: no attempt to count against the account or the address
            return user_errors(blank)
        if len(accounts.fold_username(username)) > MAX_USERNAME_CHARS or len(password) > MAX_PASSWORD_CHARS:  # no account has them
            security_event("login_failed", reason="too_long", client=_client(info))
            return user_errors([accounts.LOGIN_FAILED])
        try:
            token, user = await accounts.login(
                username, password, settings=info.context.govhall.settings, address=client_address(info.context.request)
            )
        except UserErrorsException as exc:
            security_event("login_failed", reason=exc.errors[0].code if exc.errors else "", client=_client(info))
            return user_errors(exc.errors)
        return LoginSuccess(token=token, user=account(user, await accounts.load_grants(user)))

    @strawberry.mutation(description="注销当前令牌")
    async def logout(self, info: Info) -> Ok:
        token = info.context.token
        return Ok(ok=bool(token) and await accounts.revoke(token))
