"""The Starlette application: /graphql, /healthz, the web UI, and routes plugins contribute."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pluggy
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from cross_web import HTTPException
from strawberry.asgi import GraphQL

from .db import open_database
from .graphql.context import build_context
from .graphql.schema import build_schema
from .resources import shipped_dir
from .runtime import GovHall
from .sweeper import run_sweeper
from .settings import Settings

WEB_DIR = shipped_dir("web")

# Strawberry logs a full traceback for every error it returns; ours are logged once, by GovHallErrors.
logging.getLogger("strawberry.execution").setLevel(logging.CRITICAL)


BAD_REQUEST_MESSAGES = {
    "Unable to parse request body as JSON": "请求体不是有效的 JSON",
    "No GraphQL query found in the request": "请求中没有 GraphQL 查询（query）",
    "Unsupported content type": "不支持的内容类型，请使用 application/json",
    "Batching is not enabled": "不支持批量请求，请一次发送一个查询",
}


class GovHallGraphQL(GraphQL):
    async def get_context(self, request: Request, response: Any = None) -> Any:  # type: ignore[override]
        return await build_context(request)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """A request GraphQL cannot even read (bad JSON, no query, wrong content type) still gets a
        GraphQL-shaped JSON error with a 4xx status, never a bare text line or a traceback."""
        if scope["type"] != "http":
            return await super().__call__(scope, receive, send)
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as exc:
            message = BAD_REQUEST_MESSAGES.get(exc.reason, "请求格式错误")
            response = JSONResponse(
                {"data": None, "errors": [{"message": f"{message}（{exc.reason}）", "extensions": {"code": "BAD_REQUEST"}}]},
                status_code=exc.status_code,
            )
        await response(scope, receive, send)

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        """A request that never executed (syntax or validation error) is the client's fault: 400."""
        response = super().create_response(response_data, sub_response)
        if (
            isinstance(response_data, dict)
            and response_data.get("data") is None
            and response_data.get("errors")
            and all(not e.get("path") for e in response_data["errors"])
        ):
            response.status_code = 400
        return response


async def healthz(request: Request) -> Response:
    from tortoise.connection import get_connection

    await get_connection("default").execute_query("SELECT 1")
    return JSONResponse({"status": "ok"})


def extra_routes(govhall: GovHall) -> list[BaseRoute]:
    """Core routes that live in their own modules (documents, verification), then the plugins'."""
    import importlib

    routes: list[BaseRoute] = []
    for name in ("core.documents.routes", "core.materials_routes"):
        try:
            routes.extend(importlib.import_module(name).routes())
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    for group in govhall.pm.hook.register_routes():
        routes.extend(group)
    return routes


def create_app(settings: Settings | None = None, pm: pluggy.PluginManager | None = None) -> Starlette:
    """A new app with its own plugin manager and schema; the lifespan opens the database."""
    govhall = GovHall.create(settings, pm)
    govhall.processes  # noqa: B018 - check every process now: a broken one stops the app at start
    schema = build_schema(govhall.hub)
    graphql_app = GovHallGraphQL(schema, graphql_ide="graphiql")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with open_database(govhall.tortoise_config):
            sweeper = None
            if govhall.settings.sweep_seconds > 0:  # every worker sweeps: SKIP LOCKED splits the work
                sweeper = asyncio.create_task(run_sweeper(govhall, govhall.settings.sweep_seconds))
            try:
                yield
            finally:
                if sweeper is not None:
                    sweeper.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await sweeper

    routes: list[BaseRoute] = [
        Route("/graphql", graphql_app, methods=["GET", "POST"]),
        Route("/healthz", healthz),
        *extra_routes(govhall),
    ]
    if WEB_DIR.is_dir():
        routes.append(Route("/", lambda request: RedirectResponse("/web/")))
        routes.append(Mount("/web", StaticFiles(directory=WEB_DIR, html=True), name="web"))
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.govhall = govhall
    app.state.schema = schema
    return app
