"""The per-request GraphQL context: who is calling, the app's state, per-request loaders."""

from __future__ import annotations

from dataclasses import dataclass, field

import strawberry
from starlette.requests import Request

from core.services.accounts import Actor, authenticate, bearer_token
from core.services.runtime import GovHall
from core.faces.graphql.loaders import Loaders


@dataclass
class Context:
    request: Request
    govhall: GovHall
    actor: Actor
    token: str | None = None
    loaders: Loaders = field(default_factory=Loaders)


Info = strawberry.Info[Context, None]


def client_address(request: Request) -> str | None:
    """The caller's address as the server sees it (behind a proxy, uvicorn's ``--proxy-headers``
    puts the forwarded address here; ``govhall serve`` turns it on for a proxy on 127.0.0.1)."""
    return request.client.host if request.client else None


async def build_context(request: Request) -> Context:
    govhall: GovHall = request.app.state.govhall
    token = bearer_token(request)
    return Context(request=request, govhall=govhall, actor=await authenticate(token, govhall.sessions), token=token)
