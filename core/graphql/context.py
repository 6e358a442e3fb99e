"""The per-request GraphQL context: who is calling, the app's state, per-request loaders."""

from __future__ import annotations

from dataclasses import dataclass, field

import strawberry
from starlette.requests import Request

from ..accounts import Actor, authenticate, bearer_token
from ..runtime import GovHall
from .loaders import Loaders


@dataclass
class Context:
    request: Request
    govhall: GovHall
    actor: Actor
    token: str | None = None
    loaders: Loaders = field(default_factory=Loaders)


Info = strawberry.Info[Context, None]


async def build_context(request: Request) -> Context:
    govhall: GovHall = request.app.state.govhall
    token = bearer_token(request)
    return Context(request=request, govhall=govhall, actor=await authenticate(token), token=token)
