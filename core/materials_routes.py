"""HTTP routes for materials: ``POST /materials`` (a multipart upload) and ``GET /materials/{id}``
(the bytes, for their owner and for whoever may see a case they are attached to)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from urllib.parse import quote

from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import materials
from .accounts import authenticate
from .cases import load_visible_case
from .errors import Forbidden, NotFound, UserError, UserErrorsException
from .accounts import bearer_token
from .models import Blob, Material

FORM_OVERHEAD = 64 * 1024  # multipart boundaries, headers and the ``code`` field
STATUS = {"too_large": 413, "unsupported_type": 415, "not_logged_in": 401}


class _TooLarge(Exception):
    pass


def _errors(errors: list[UserError], status: int | None = None) -> JSONResponse:
    status = status or max((STATUS.get(e.code, 400) for e in errors), default=400)
    body = {"errors": [{"code": e.code, "message": e.message, "path": e.path} for e in errors]}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


def _error(code: str, message: str, path: str | None = None, status: int | None = None) -> JSONResponse:
    return _errors([UserError(code=code, message=message, path=path)], status)


def _too_large() -> JSONResponse:
    limit = materials.MAX_BYTES / 1024 / 1024
    return _error("too_large", f"文件过大：单个材料不能超过 {limit:g} MB，请压缩或分拆后上传", "/file")


async def _limited(request: Request, limit: int) -> AsyncGenerator[bytes, None]:
    """The request body, refused as soon as it grows past ``limit`` (chunked uploads included)."""
    total = 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > limit:
            raise _TooLarge
        yield chunk


async def upload(request: Request) -> Response:
    """``POST /materials``: multipart ``file`` and optional ``code``; answers the stored file."""
    actor = await authenticate(bearer_token(request))
    if actor.is_anonymous:
        return _error("not_logged_in", "请先登录后再上传材料")
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return _error("bad_request", "请以 multipart/form-data 方式上传，文件字段名为 file", "/file")
    limit = materials.MAX_BYTES + FORM_OVERHEAD
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return _too_large()
    parser = MultiPartParser(request.headers, _limited(request, limit), max_files=1, max_fields=5)
    try:
        form = await parser.parse()
    except _TooLarge:
        return _too_large()
    except MultiPartException as exc:
        return _error("bad_request", f"上传内容格式有误：{exc.message}", "/file")
    try:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            return _error("required", "请选择要上传的文件（字段名 file）", "/file")
        content = await file.read(materials.MAX_BYTES + 1)
        code = form.get("code")
        material = await materials.store_upload(actor, content, file.filename or "", code if isinstance(code, str) else "")
    except UserErrorsException as exc:
        return _errors(exc.errors)
    finally:
        await form.close()
    info = materials.material_file(material)
    return JSONResponse(
        {key: info[key] for key in ("id", "code", "sha256", "size", "contentType", "filename", "url")}, status_code=201
    )


async def download(request: Request) -> Response:
    """``GET /materials/{id}``: the bytes, to the owner or to those who may see the case."""
    actor = await authenticate(bearer_token(request) or request.query_params.get("token"))
    if actor.is_anonymous:
        return _error("not_logged_in", "请先登录")
    fields = ("id", "owner_id", "case_id", "blob_id", "filename")
    rows = await Material.filter(id=request.path_params["id"]).values(*fields)
    if not rows:
        return _error("not_found", "材料不存在", status=404)
    row = rows[0]
    if row["owner_id"] != actor.user.id:  # type: ignore[union-attr]
        if row["case_id"] is None:
            return _error("not_found", "材料不存在", status=404)
        try:
            await load_visible_case(actor, row["case_id"])
        except NotFound as exc:
            return _error("not_found", exc.message, status=404)
        except Forbidden:
            return _error("forbidden", "无权查看该材料", status=403)
    blob = (await Blob.filter(id=row["blob_id"]).values("content", "content_type", "sha256"))[0]
    kind = blob["content_type"]
    disposition = "attachment" if kind == "application/ofd" else "inline"
    fallback = f"material-{row['id']}.{materials.EXTENSIONS.get(kind, 'bin')}"
    filename = quote(row["filename"], safe="")
    return Response(
        bytes(blob["content"]),
        media_type=kind,
        headers={
            "Content-Disposition": f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{filename}",
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "ETag": f'"{blob["sha256"]}"',
        },
    )


def routes() -> list[Route]:
    """Mounted by :func:`core.app.extra_routes`."""
    return [
        Route("/materials", upload, methods=["POST"]),
        Route("/materials/{id:int}", download, methods=["GET"]),
    ]
