"""The Starlette application: /graphql, /healthz, the web UI, and routes plugins contribute."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pluggy
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from cross_web import HTTPException
from strawberry.asgi import GraphQL
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType
from tortoise.exceptions import ValidationError

from core.plumbing.db import open_database
from core.plumbing.errors import unstorable_value
from core.services.documents.worker import KickRenderer, start_render_worker, stop_render_worker
from core.faces.graphql.context import bearer_token, build_context
from core.faces.graphql.errors import public_errors
from core.faces.graphql.execution import execute_operation
from core.faces.graphql.schema import build_schema
from core.faces.limits import ANONYMOUS, LIMIT_CODE
from core.plumbing.logging import AccessLog, configure_logging, security_event
from core.plumbing.resources import shipped_dir
from core.services.runtime import GovHall
from core.faces.security_headers import SecurityHeaders
from core.services.outbox.lifespan import start_dispatcher, stop_dispatcher
from core.services.sessions import start_session_cache, stop_session_cache
from core.services.sweeper import run_sweeper
from core.plumbing.settings import Settings

WEB_DIR = shipped_dir("web")
_POST_OPERATIONS = frozenset(OperationType.from_http("POST"))

# Strawberry logs a full traceback for every error it returns; ours are logged once, by GovHallExtension.
logging.getLogger("strawberry.execution").setLevel(logging.CRITICAL)
log = logging.getLogger("govhall.app")


BAD_REQUEST_MESSAGES = {
    "Unable to parse request body as JSON": "请求体不是有效的 JSON",
    "No GraphQL query found in the request": "请求中没有 GraphQL 查询（query）",
    "Unsupported content type": "不支持的内容类型，请使用 application/json",
    "Batching is not enabled": "不支持批量请求，请一次发送一个查询",
}


def _error_response(message: str, code: str, status: int, **extensions: Any) -> JSONResponse:
    return JSONResponse(
        {"data": None, "errors": [{"message": message, "extensions": {"code": code, **extensions}}]},
        status_code=status,
    )


async def _read_body(scope: Any, receive: Any, limit: int) -> bytes | None:
    """The whole request body, or None as soon as it is known to exceed ``limit`` bytes."""
    for name, value in scope.get("headers", []):
        if name == b"content-length" and value.isdigit() and int(value) > limit:
            return None
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


_NOT_JSON = object()


def _json_body(scope: Any, body: bytes) -> tuple[Any, str | None]:
    """A JSON POST's parsed body (``_NOT_JSON`` for any other request), or why it cannot be read
    (invalid UTF-8, nesting too deep for the decoder, a number of thousands of digits): Strawberry
    would let these escape as a server error."""
    content_type = next((v for k, v in scope.get("headers", []) if k == b"content-type"), b"")
    if scope.get("method") != "POST" or not content_type.startswith(b"application/json"):
        return _NOT_JSON, None
    try:
        return json.loads(body.decode("utf-8")), None
    except UnicodeDecodeError:
        return _NOT_JSON, "请求体不是有效的 UTF-8 文本"
    except RecursionError:
        return _NOT_JSON, "请求体的 JSON 嵌套过深"
    except ValueError as exc:  # JSONDecodeError, or an integer beyond Python's digit limit
        return _NOT_JSON, f"请求体不是有效的 JSON（{exc}）"


def _plain_operation(scope: Any, data: Any) -> tuple[str, dict[str, Any] | None, str | None, dict[str, Any] | None] | None:
    """(query, variables, operation name, extensions) of a body holding one well-formed operation
    that asks for a plain JSON answer, else None (batches, streaming, malformed fields: Strawberry's
    view answers those, with its own checks and messages)."""
    if not isinstance(data, dict):
        return None
    query, variables, name, extensions = (
        data.get("query"), data.get("variables"), data.get("operationName"), data.get("extensions"),
    )
    if not isinstance(query, str) or not query:
        return None
    if not isinstance(variables, (dict, type(None))) or not isinstance(name, (str, type(None))):
        return None
    if not isinstance(extensions, (dict, type(None))):
        return None
    for key, value in scope.get("headers", []):
        if key == b"accept" and (b"multipart/mixed" in value or b"text/event-stream" in value):
            return None
    return query, variables, name, extensions


def _replaying(body: bytes, receive: Any) -> Any:
    sent = False

    async def replay() -> Any:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _status_of(response_data: Any) -> int:
    """A request that never executed (syntax or validation error) is the client's fault: 400."""
    if (
        isinstance(response_data, dict)
        and response_data.get("data") is None
        and response_data.get("errors")
        and all(not e.get("path") for e in response_data["errors"])
    ):
        return 400
    return 200


class GovHallGraphQL(GraphQL):
    def __init__(self, *args: Any, max_request_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_request_bytes = max_request_bytes

    async def get_context(self, request: Request, response: Any = None) -> Any:  # type: ignore[override]
        context = await build_context(request)
        request.state.graphql_context = context
        return context

    async def process_result(self, request: Request, result: Any) -> Any:  # type: ignore[override]
        """Errors raised while parsing (e.g. too many tokens) skip the schema's error extension:
        they are made public here, the same way."""
        if result.errors:
            result.errors = public_errors(result.errors, getattr(request.state, "graphql_context", None))
        return await super().process_result(request, result)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """A request GraphQL cannot even read (bad JSON, no query, wrong content type) still gets a
        GraphQL-shaped JSON error with a 4xx status, never a bare text line or a traceback."""
        if scope["type"] != "http":
            return await super().__call__(scope, receive, send)
        request = Request(scope=scope, receive=receive)
        limit = self.max_request_bytes if bearer_token(request) else ANONYMOUS.max_body_bytes or 0
        body = await _read_body(scope, receive, limit)
        if body is None:
            security_event("limit_refused", limit="body", bytes_allowed=limit)
            response = _error_response(
                f"请求过大：不能超过 {limit // 1024} KB（登录后可发送更大的请求）", LIMIT_CODE, 413, limit="body",
            )
            return await response(scope, receive, send)
        data, unreadable = _json_body(scope, body)
        if unreadable:
            return await _error_response(f"{unreadable}", "BAD_REQUEST", 400)(scope, receive, send)
        receive = _replaying(body, receive)
        try:
            if (operation := _plain_operation(scope, data)) is not None:
                response = await self._execute_plain(Request(scope=scope, receive=receive), *operation)
            else:
                response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as exc:
            message = BAD_REQUEST_MESSAGES.get(exc.reason, "请求格式错误")
            response = _error_response(f"{message}（{exc.reason}）", "BAD_REQUEST", exc.status_code)
        await response(scope, receive, send)

    async def _execute_plain(
        self, request: Request, query: str, variables: dict[str, Any] | None, operation_name: str | None,
        extensions: dict[str, Any] | None,
    ) -> Response:
        """One operation POSTed as JSON, the request nearly every client sends: executed by
        :func:`execute_operation` (the schema's steps, GovHallExtension's checks, in straight-line
        code) without the generic view's per-request setup (content negotiation, sub-responses,
        transports). Together these cost as much as a small query."""
        context = await self.get_context(request)
        try:
            result = await execute_operation(
                schema=self.schema, query=query, variables=variables, operation_name=operation_name,
                context=context, allowed=_POST_OPERATIONS, extensions=extensions,
            )
        except CannotGetOperationTypeError as exc:
            raise HTTPException(400, exc.as_http_error_reason()) from exc
        except InvalidOperationTypeError as exc:
            raise HTTPException(400, exc.as_http_error_reason("POST")) from exc
        data = await self.process_result(request, result)
        return Response(self.encode_json(data), status_code=_status_of(data), media_type="application/json")

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        if _status_of(response_data) == 400:
            response.status_code = 400
        return response


async def healthz(request: Request) -> Response:
    from tortoise.connection import get_connection

    await get_connection("default").execute_query("SELECT 1")
    return JSONResponse({"status": "ok"})


def extra_routes(govhall: GovHall) -> list[BaseRoute]:
    """Core routes that live in their own modules (documents, verification), then the plugins'."""
    from core.faces.routes import materials as materials_routes, stats_export
    from core.faces.routes import documents as document_routes

    routes: list[BaseRoute] = []
    for module in (document_routes, materials_routes, stats_export):
        routes.extend(module.routes())
    for group in govhall.pm.hook.register_routes():
        routes.extend(group)
    return routes


async def unstorable_request(request: Request, exc: Exception) -> Response:
    """A route's (a download's, an upload's, an export's) value longer than its column, in a lookup or
    a write: the request's fault, 400 with the routes' ``errors`` shape, not a 500."""
    log.info("value refused by the ORM on %s: %.200s", request.url.path, exc)
    error = unstorable_value(str(exc))
    return JSONResponse({"errors": [{"code": error.code, "message": error.message, "path": error.path}]}, status_code=400)


def create_app(settings: Settings | None = None, pm: pluggy.PluginManager | None = None) -> Starlette:
    """A new app with its own plugin manager and schema; the lifespan opens the database."""
    govhall = GovHall.create(settings, pm)
    govhall.processes  # noqa: B018 - check every process now: a broken one stops the app at start
    schema = build_schema(govhall.hub)
    settings = govhall.settings
    graphql_app = GovHallGraphQL(
        schema, graphql_ide=None if settings.is_production else "graphiql", max_request_bytes=settings.max_request_bytes,
    )
    configure_logging()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with open_database(govhall.tortoise_config):
            sweeper = None
            if govhall.settings.sweep_seconds > 0:  # every worker sweeps: SKIP LOCKED splits the work
                sweeper = asyncio.create_task(run_sweeper(govhall, govhall.settings.sweep_seconds))
            renderer = start_render_worker(app, govhall)
            dispatcher = start_dispatcher(govhall)
            await start_session_cache(govhall)
            try:
                yield
            finally:
                await stop_session_cache(govhall)
                await stop_dispatcher(dispatcher)
                await stop_render_worker(app, renderer)
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
    middleware = [Middleware(SecurityHeaders), Middleware(KickRenderer)]
    if settings.log_requests:
        middleware.insert(0, Middleware(AccessLog))
    app = Starlette(routes=routes, lifespan=lifespan, middleware=middleware,
                    exception_handlers={ValidationError: unstorable_request})
    app.state.govhall = govhall
    app.state.schema = schema
    return app
