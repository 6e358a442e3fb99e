"""HTTP routes for materials: ``POST /materials`` (a multipart upload, within the quotas and rate of
:mod:`core.services.upload_limits`) and ``GET /materials/{id}`` (the bytes, for their owner and for whoever
may see a case they are attached to; a bearer token or a signed link, never a token in the URL)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from urllib.parse import quote

from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.services import materials, upload_limits
from core.services.accounts import authenticate
from core.services.cases import load_visible_case
from core.services.downloads import DownloadRefused, download_actor, signed_url
from core.plumbing.errors import Forbidden, NotFound, UserError, UserErrorsException
from core.services.accounts import bearer_token
from core.plumbing.models import Blob, Material

FORM_OVERHEAD = 64 * 1024  # multipart boundaries, headers and the ``code`` field
STATUS = {"too_large": 413, "unsupported_type": 415, "not_logged_in": 401, "rate_limited": 429,
          "quota.user_files": 413, "quota.user_bytes": 413, "quota.center": 413}


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
    """``POST /materials``: multipart ``file``, optional ``code`` (the item's slot) and ``catalogue``
    (the material catalogue code); answers the stored file with its public id."""
    actor = await authenticate(bearer_token(request))
    if actor.is_anonymous:
        return _error("not_logged_in", "请先登录后再上传材料")
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return _error("bad_request", "请以 multipart/form-data 方式上传，文件字段名为 file", "/file")
    limit = materials.MAX_BYTES + FORM_OVERHEAD
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return _too_large()
    limits = request.app.state.govhall.settings.upload_limits
    user_id = actor.user.id  # type: ignore[union-attr]
    try:  # before reading the body: a refused upload costs no bandwidth
        await upload_limits.check_rate(user_id, limits)
        await upload_limits.check_user_quota(user_id, max(0, int(declared) - FORM_OVERHEAD) if declared.isdigit() else 0, limits)
    except UserErrorsException as exc:
        return _errors(exc.errors)
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
        code, catalogue_code = form.get("code"), form.get("catalogue")
        center_code = form.get("center")
        center = await upload_limits.upload_center(center_code if isinstance(center_code, str) else "")
        await upload_limits.check_user_quota(user_id, len(content), limits)
        if center is not None:
            await upload_limits.check_center_quota(center, len(content), limits)
        material = await materials.store_upload(actor=actor, content=content, filename=file.filename or "", code=code if isinstance(code, str) else "",
                                                catalogue_code=catalogue_code if isinstance(catalogue_code, str) else "")
        if center is not None:
            await Material.filter(id=material.id).update(center_id=center.id)
    except UserErrorsException as exc:
        return _errors(exc.errors)
    finally:
        await form.close()
    info = materials.material_file(material)
    body = {key: info[key] for key in ("id", "code", "catalogue", "sha256", "size", "contentType", "filename", "url")}
    body["downloadUrl"] = await signed_url(request.app.state.govhall, info["url"], user_id)
    return JSONResponse(body, status_code=201)


async def download(request: Request) -> Response:
    """``GET /materials/{id}``: the bytes, to the owner or to those who may see the case."""
    try:
        actor = await download_actor(request)
    except DownloadRefused as exc:
        return _error(exc.code, exc.message, status=exc.status)
    fields = ("id", "owner_id", "case_id", "blob_id", "filename")
    public_id = request.path_params["id"]
    rows = await Material.filter(public_id=public_id).values(*fields) if len(public_id) <= 32 else []  # ids are 32 hex digits
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
    fallback = f"material.{materials.EXTENSIONS.get(kind, 'bin')}"
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
    """Mounted by :func:`core.faces.app.extra_routes`."""
    return [
        Route("/materials", upload, methods=["POST"]),
        Route("/materials/{id:str}", download, methods=["GET"]),
    ]
