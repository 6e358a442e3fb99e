"""HTTP routes for issued documents: the PDF for those who may see what it prints, and the public
verification page (``/verify/{code}``) that confirms a paper or a file is genuine."""

from __future__ import annotations

import hashlib
import importlib
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from core.services.downloads import DownloadRefused, download_actor
from core.plumbing.errors import Forbidden, NotFound
from core.plumbing.models import Case, Center, Document
from core.services.documents.issue import DEPARTMENT_KINDS, deciding_department, display_code, normalize_code
from core.services.documents.kinds import cn_date
from core.services.documents.rendering import ensure_rendered

if TYPE_CHECKING:
    from jinja2 import Template

REGISTER_ROLES = ("clerk", "head", "supervisor", "admin", "pickup")
CORE_READERS = {"register": REGISTER_ROLES}
UNDECLARED_READERS = ("admin",)
PUBLIC_ID = re.compile(r"[0-9a-f]{32}")
MAX_UPLOAD = 20 * 1024 * 1024  # a checked file larger than this cannot be one of our PDFs
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
GENUINE = "真实有效：文件与登记的文书完全一致"
TAMPERED = "文件与登记不符（可能被篡改）"
FAILED = "文书生成失败，请联系办件窗口重新出具"
PENDING = "文书正在生成，请稍后再核对"


# --------------------------------------------------------------------------- PDF download


def _message(status: int, text: str, **headers: str) -> JSONResponse:
    return JSONResponse({"message": text}, status_code=status, headers=headers or None)


def document_readers(govhall: Any) -> dict[str, tuple[str, ...]]:
    """Roles that may read each case-less kind: the core's register, then what plugins declare
    (``readers`` in ``register_document_kinds``). A kind nobody declared is for administrators."""
    key = ("document_readers",)
    if key not in govhall.memo:
        readers = dict(CORE_READERS)
        for group in govhall.pm.hook.register_document_kinds():
            for kind, info in group.items():
                if info.get("readers"):
                    readers.setdefault(kind, tuple(info["readers"]))
        govhall.memo[key] = readers
    return govhall.memo[key]


async def may_read(govhall: Any, actor: Any, doc: dict[str, Any]) -> Response | None:
    """None when ``actor`` may read the document; the refusal otherwise. A case's document has the
    case's permissions; a case-less one (register, ranking, form) those of the data it prints."""
    if doc["case_id"] is not None:
        cases = importlib.import_module("core.services.cases")
        try:
            await cases.load_visible_case(actor, doc["case_id"])
        except NotFound as exc:
            return _message(404, exc.message)
        except Forbidden as exc:
            return _message(403, exc.message)
        return None
    roles = document_readers(govhall).get(doc["kind"], UNDECLARED_READERS)
    if not actor.has(doc["center_id"], *roles):
        return _message(404, "文书不存在")
    return None


async def document_pdf(request: Request) -> Response:
    """``GET /documents/{id}.pdf`` (``id`` the document's random public id): the PDF, for a bearer
    token or a signed link (:mod:`core.services.downloads`), with the permissions of what it prints."""
    try:
        actor = await download_actor(request)
    except DownloadRefused as exc:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
        return _message(exc.status, exc.message, **headers)
    public_id = request.path_params["id"]
    rows = await Document.filter(public_id=public_id).values(
        "id", "public_id", "center_id", "case_id", "kind", "title", "number", "sha256", "state"
    ) if PUBLIC_ID.fullmatch(public_id) else []
    if not rows:
        return _message(404, "文书不存在")
    doc = rows[0]
    refusal = await may_read(request.app.state.govhall, actor, doc)
    if refusal is not None:
        return refusal
    if doc["state"] != "ready":
        not_ready = await _render_first(request, doc)
        if not_ready is not None:
            return not_ready
        doc = (await Document.filter(id=doc["id"]).values("id", "public_id", "title", "number", "sha256"))[0]
    content = await Document.filter(id=doc["id"]).values_list("content", flat=True)
    filename = f"{doc['title']}_{doc['number']}.pdf"
    return Response(
        bytes(content[0]),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f"inline; filename=\"document-{doc['public_id']}.pdf\"; "
            f"filename*=UTF-8''{quote(filename, safe='')}",
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "ETag": f'"{doc["sha256"]}"',
        },
    )


async def _render_first(request: Request, doc: dict[str, Any]) -> Response | None:
    """A document not rendered yet is rendered now (or the render another process is doing is
    awaited for a few seconds). None once it is ready; else a 202 saying it is being prepared
    (``Retry-After``), or a 409 when every attempt failed."""
    state = await ensure_rendered(request.app.state.govhall, doc["id"])
    if state == "ready":
        return None
    if state == "failed":
        return JSONResponse(
            {"message": "文书生成失败，请联系管理员处理（文号已保留）", "status": "failed"}, status_code=409,
        )
    progress = await Document.filter(id=doc["id"]).values_list("progress", flat=True)
    return JSONResponse(
        {"message": "文书正在生成，请稍后再试", "status": "pending", "progress": progress[0] if progress else 0},
        status_code=202, headers={"Retry-After": "5", "Cache-Control": "no-store"},
    )


# --------------------------------------------------------------------------- verification

VERIFY_PAGE_SOURCE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{ doc.number if doc else "未找到文书" }} - 政务服务文书核验</title>
<style>
body { font-family: "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", "HanaMinA", "HanaMinB", sans-serif; margin: 0;
       background: #f4f5f7; color: #222; }
main { max-width: 40rem; margin: 2rem auto; background: #fff; padding: 1.5rem 2rem; border-top: 4px solid #c0171d; }
h1 { font-size: 1.3rem; margin: 0 0 1rem; }
dl { display: grid; grid-template-columns: 8rem 1fr; gap: .5rem 1rem; }
dt { color: #666; } dd { margin: 0; word-break: break-all; }
code { font-size: .85rem; }
.status { padding: .6rem .8rem; margin: 1rem 0; font-weight: bold; }
.ok { background: #e8f5e9; color: #1b5e20; } .bad { background: #fdecea; color: #b71c1c; }
.info { background: #e3f2fd; color: #0d47a1; }
form { margin-top: 1.5rem; border-top: 1px solid #ddd; padding-top: 1rem; }
.hint { color: #666; font-size: .85rem; }
</style>
</head>
<body>
<main>
<h1>政务服务文书核验</h1>
{% if doc %}
{% if doc.state == "failed" %}
<p class="status bad" id="render-failed">{{ failed }}</p>
{% else %}
<p class="status info">本平台登记有此核验码对应的文书，请核对以下信息与您手中的文书是否一致。</p>
{% endif %}
<dl>
  <dt>文书种类</dt><dd>{{ doc.title }}</dd>
  <dt>文号</dt><dd>{{ doc.number }}</dd>
  <dt>出具日期</dt><dd>{{ issued_on }}</dd>
  <dt>出具单位</dt><dd>{{ issuer }}</dd>
  <dt>核验码</dt><dd>{{ code }}</dd>
  <dt>文件指纹<br>（SHA-256）</dt><dd>{% if doc.sha256 %}<code>{{ doc.sha256 }}</code>{% elif doc.state == "failed" %}{{ failed }}{% else %}{{ pending }}{% endif %}</dd>
</dl>
{% if result is not none %}
<p class="status {{ 'ok' if result.genuine else 'bad' }}">核对结果：{{ result.message }}</p>
<p class="hint">所传文件的 SHA-256：<code>{{ result.uploadedSha256 }}</code></p>
{% endif %}
{% if doc.state != "failed" %}
<form method="post" enctype="multipart/form-data">
  <p><label>核对电子文件：选择收到的 PDF 文件 <input type="file" name="file" accept="application/pdf,.pdf" required></label></p>
  <p><button type="submit">核对文件</button></p>
  <p class="hint">服务器只计算所传文件的 SHA-256 并与登记值比对，不保存文件。也可自行计算 PDF 文件的 SHA-256 与上方文件指纹比对。</p>
</form>
{% endif %}
{% else %}
<p class="status bad">未找到核验码“{{ code }}”对应的文书。</p>
<p>请核对核验码是否输入正确（由数字和大写字母组成，共12位，不含 0、1、O、I）。如仍无法核验，该文书可能不是本平台出具的，请向出具单位核实。</p>
{% endif %}
</main>
</body>
</html>
"""


@lru_cache(maxsize=1)
def verify_page_template() -> Template:
    """The verification page, compiled on first use: Jinja2 is loaded by those who print or check
    documents, not by every server at start."""
    from jinja2 import Environment

    return Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string(VERIFY_PAGE_SOURCE)


async def _find(code_text: str) -> tuple[dict[str, Any] | None, str]:
    """The document row (without its content) for a code, and the code as the page shows it."""
    code = normalize_code(code_text)
    if code is None:
        return None, code_text[:40]
    rows = await Document.filter(verify_code=code).values(
        "id", "center_id", "case_id", "kind", "title", "number", "issuer", "issued_on", "sha256", "state"
    )
    return (rows[0] if rows else None), display_code(code)


async def _issuer(doc: dict[str, Any]) -> str:
    """Who the document names as its issuer, as printed under its seal when it was issued (a
    department renamed since, or one part's refusal of a partly granted joint case, reads as
    printed). A document issued before the issuer was kept: a decision or certificate, the
    department that decided (its 决定机关 / 发证机关); any other document, the center."""
    if doc["issuer"]:
        return str(doc["issuer"])
    if doc["kind"] in DEPARTMENT_KINDS and doc["case_id"] is not None:
        case = await Case.get_or_none(id=doc["case_id"])
        department = await deciding_department(case, kind=doc["kind"]) if case is not None else None
        if department is not None:
            return department.name
    names = await Center.filter(id=doc["center_id"]).values_list("name", flat=True)
    return names[0] if names else ""


def _summary(doc: dict[str, Any], code: str, issuer: str) -> dict[str, Any]:
    return {
        "found": True, "verifyCode": code, "kind": doc["kind"], "title": doc["title"],
        "number": doc["number"], "issuedOn": doc["issued_on"].isoformat(), "issuer": issuer,
        "sha256": doc["sha256"] or None, "status": doc["state"],
        **({"message": FAILED} if doc["state"] == "failed" else {}),
    }


async def _page(code_text: str, result: dict[str, Any] | None = None, status: int = 200) -> HTMLResponse:
    doc, code = await _find(code_text)
    if doc is None:
        return HTMLResponse(verify_page_template().render(doc=None, code=code), status_code=404, headers=PAGE_HEADERS)
    html = verify_page_template().render(
        doc=doc, code=code, issued_on=cn_date(doc["issued_on"]), issuer=await _issuer(doc), result=result,
        failed=FAILED, pending=PENDING,
    )
    return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)


async def verify_page(request: Request) -> Response:
    """``GET /verify/{code}``: the public page (kind, number, date, issuer, hash)."""
    return await _page(request.path_params["code"])


async def verify_json(request: Request) -> Response:
    """``GET /verify/{code}.json``: the same facts for machines."""
    doc, code = await _find(request.path_params["code"])
    if doc is None:
        return JSONResponse({"found": False, "message": "未找到该核验码对应的文书"}, status_code=404)
    return JSONResponse(_summary(doc, code, await _issuer(doc)))


class _TooLarge(Exception):
    pass


async def _uploaded_sha256(request: Request) -> tuple[str, int]:
    """SHA-256 and size of the checked file: a multipart ``file`` field or the raw body."""
    digest, size = hashlib.sha256(), 0
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        async with request.form(max_files=1, max_fields=10) as form:
            upload = next((v for v in form.values() if isinstance(v, UploadFile)), None)
            if upload is not None:
                while chunk := await upload.read(65536):
                    size += len(chunk)
                    if size > MAX_UPLOAD:
                        raise _TooLarge
                    digest.update(chunk)
    else:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_UPLOAD:
                raise _TooLarge
            digest.update(chunk)
    return digest.hexdigest(), size


async def verify_file(request: Request) -> Response:
    """``POST /verify/{code}`` with the PDF (body or multipart ``file``): does its hash match?"""
    wants_html = "text/html" in request.headers.get("accept", "")
    code_text = request.path_params["code"]
    doc, code = await _find(code_text)
    if doc is None:
        if wants_html:
            return await _page(code_text)
        return JSONResponse({"found": False, "message": "未找到该核验码对应的文书"}, status_code=404)
    declared = request.headers.get("content-length", "")
    try:
        if declared.isdigit() and int(declared) > MAX_UPLOAD + 65536:
            raise _TooLarge
        sha256, size = await _uploaded_sha256(request)
    except _TooLarge:
        return JSONResponse({"found": True, "message": "文件过大，不是本平台出具的文书"}, status_code=413)
    if size == 0:
        return JSONResponse({"found": True, "message": "未收到文件，请上传要核对的 PDF 文件"}, status_code=400)
    if not doc["sha256"]:
        return JSONResponse({"found": True, "status": doc["state"], "message": FAILED if doc["state"] == "failed" else PENDING},
                            status_code=409)
    genuine = sha256 == doc["sha256"]
    result = {"genuine": genuine, "uploadedSha256": sha256, "message": GENUINE if genuine else TAMPERED}
    if wants_html:
        return await _page(code_text, result)
    return JSONResponse({**_summary(doc, code, await _issuer(doc)), **result})


def routes() -> list[Route]:
    """Mounted by :func:`core.faces.app.extra_routes`."""
    return [
        Route("/documents/{id}.pdf", document_pdf, methods=["GET"]),
        Route("/verify/{code}.json", verify_json, methods=["GET"]),
        Route("/verify/{code}", verify_page, methods=["GET"]),
        Route("/verify/{code}", verify_file, methods=["POST"]),
    ]
