"""Render the notices, decisions, certificates and registers a service center issues, as PDF.

Pure rendering: no database. The caller (case services) numbers the document, stores the bytes and
passes everything printed in one context dict. :class:`DocumentRenderer` fills a Jinja2 template
(``<kind>.html``, looked up in the plugin template folders first, then in ``templates/`` here) and
lays it out with WeasyPrint: A4, the center's name as heading, title, number (文号), body, the date,
a seal drawn in SVG, and a footer with the verification code and a QR code of ``verifyUrl``.

Context contract (keys are camelCase, as in the GraphQL API; dates may be ``date``, ``datetime``
or ISO strings; an aware ``datetime`` is shown in China time; ``?`` marks an optional key)::

    center    {name, code, docPrefix, phone?, address?, sealLabel?}
    document  {kind, number, issuedOn, verifyCode, verifyUrl, progressUrl?, title?, issuer?}
              (progressUrl: the center's 办件进度查询 page, printed on the acceptance, promise
              and joint notices beside 查询方式)
              (kind is informational: the kind rendered is the one passed to render_*)
              title defaults to DOCUMENT_KINDS[kind] (a certificate takes certificate.title);
              issuer (who signs and seals) defaults to center.name
    case      {number, itemName, applicantName, agentName?, submittedAt?, acceptedAt, promisedDue, legalDue,
               promisedDays?, legalDays?, provisional, promisedProvisional?, legalProvisional?,
               department, window, leadDepartment, departments, state}
              provisional: True when a deadline falls in a year whose holiday schedule is not
              published yet; the notice then explains why below the dates.
              promisedProvisional, legalProvisional: that date itself is such a date, and is
              marked 暂定 (a promise due in December is not, when only the legal date is in
              January); without them (documents frozen before) both dates follow provisional.
              state is a display label (办理中); the notices do not print it.

    per kind (only what its template prints is required):
    acceptance_notice   case.{number, itemName, applicantName, acceptedAt, promisedDue, legalDue,
                        provisional, department, window}; materials? [{name, copies?}];
                        materialsToFollow? [name] (secondary materials accepted to follow later),
                        materialsDue? date (the last day to supply them: 请于…前补齐),
                        materialsDueProvisional? bool (that date is 暂定)
    correction_notice   case.{number, itemName, applicantName, acceptedAt, window};
                        missing [{name, reason, file?}] (file: the name of the case's file an
                        entry is about, e.g. an unclear scan to replace)
    return_notice       case.{number, itemName, applicantName, acceptedAt}; reason; remedy
    promise_notice      as acceptance_notice
    joint_notice        as acceptance_notice + case.{leadDepartment, departments [str]}
    approval_decision   case.{number, itemName, applicantName, acceptedAt};
                        decision {content, basis?, validUntil?, refusedParts? [str] (部分准予)}
    refusal_decision    case.{number, itemName, applicantName, acceptedAt}; reason; remedy; basis?;
                        part? {code, name, department}: the joint case's one part refused (部分准予)
    certificate         certificate {title, fields [{label, value}], holder?}
    reply_notice        case.{number, itemName, applicantName, acceptedAt}; reason; guidance?
    extension_notice    case.{number, itemName, applicantName, acceptedAt, promisedDue, legalDue,
                        provisional}; extension {days, reason} (行政许可法第四十二条);
                        pause? {reason, since, promisedRemaining?, legalRemaining?}: extended while
                        a special procedure holds a limit, which then has working days left, no date
    register            register {period, rows [{number, item, applicant, acceptedAt, due, state,
                        finishedAt (None while open)}]}

    remedy  {reconsideration: 行政复议机关, court: 人民法院, review?: 复核受理机构}
            printed with the statutory limits: 复议 60 日 (行政复议法第二十条),
            诉讼 6 个月 (行政诉讼法第四十六条).

A key a template needs but the context lacks raises :class:`DocumentError` naming the template and
the dotted field (``case.applicantName``). Text is HTML-escaped; WeasyPrint only ever fetches files
under ``assets/`` (see :class:`AssetFetcher`), so nothing an applicant typed can read a file or
call a URL.
"""

from __future__ import annotations

import math
import mimetypes
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import segno
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    Undefined,
    UndefinedError,
    select_autoescape,
)
from jinja2.utils import missing as _MISSING
from markupsafe import Markup, escape

from core.services.calendar import CENTER_TZ
from core.services.documents import fonts
from core.services.documents.certificate import certificate_density
from core.services.documents.kinds import (
    DOCUMENT_KINDS,
    LITIGATION_MONTHS,
    RECONSIDERATION_DAYS,
    DocumentError,
    clause,
    cn_date,
    cn_datetime,
    short_date,
    short_datetime,
)

PACKAGE_DIR = Path(__file__).resolve().parent
CORE_TEMPLATE_DIR = PACKAGE_DIR / "templates"
ASSET_DIR = PACKAGE_DIR / "assets"

_KIND_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


# --------------------------------------------------------------------------- errors


class AssetRefused(ValueError):
    """Raised by :class:`AssetFetcher` for any URL outside the asset folder.

    WeasyPrint catches it, logs a warning and renders without the resource.
    """


class _MissingField(UndefinedError):
    """UndefinedError that remembers the undefined value, to name the missing field."""

    def __init__(self, message: str, undefined: Undefined) -> None:
        super().__init__(message)
        self.undefined = undefined


class _FieldUndefined(StrictUndefined):
    """StrictUndefined whose error carries the object and name that were looked up."""

    __slots__ = ()

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> Any:
        raise _MissingField(self._undefined_message, self)


# StrictUndefined binds its dunders to Undefined's function object: rebind them to ours.
for _name in dir(StrictUndefined):
    if getattr(StrictUndefined, _name, None) is Undefined._fail_with_undefined_error:
        setattr(_FieldUndefined, _name, _FieldUndefined._fail_with_undefined_error)
del _name


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(Environment):
    """Jinja's environment, looking ``a.b`` up faster where ``a`` is a plain dict (every block of a
    document's context): Jinja tries the attribute first and the key after it failed, and the
    failure (an exception) costs more than the rest. A name that is no attribute of a dict can
    only be a key, so the key is looked up first, and a missing key is what Jinja would find
    after both failed (``undefined`` naming the dict and the key: ``document.issuer is defined``,
    asked by every notice); every other lookup goes Jinja's way, so a template sees exactly what
    it saw before."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


# --------------------------------------------------------------------------- SVG helpers


def qr_svg(data: str) -> Markup:
    """The QR code of ``data`` as inline ``<svg>`` (no size: CSS sizes it)."""
    return Markup(_qr_svg(str(data)))


def _no_qr(data: str) -> Markup:
    return Markup("")


@lru_cache(maxsize=256)
def _qr_svg(data: str) -> str:
    qr = segno.make(data, error="m", micro=False)
    return qr.svg_inline(border=2, omitsize=True, dark="#000", svgclass="qr-code", lineclass=None)


def seal_svg(name: str, label: str = "") -> Markup:
    """A round red seal outline: ``name`` along the upper arc, a star, ``label`` below it."""
    return Markup(_seal_svg(str(name), str(label or "")))


@lru_cache(maxsize=64)
def _seal_svg(name: str, label: str) -> str:
    size, cx, cy = 100.0, 50.0, 50.0
    chars = [c for c in name if not c.isspace()] or ["　"]
    n = len(chars)
    # Characters sit on an arc inside the ring, spread over ~220° (up to 250° for long names).
    fs = 12.5
    r = 46.5 - 1.5 - 2.5 - fs * 0.5
    if n > 1 and math.degrees(fs * 1.05 / r) * (n - 1) > 250:
        fs = max(6.0, 38.0 * math.radians(250) / (n - 1) / 1.05)
        r = 46.5 - 1.5 - 2.5 - fs * 0.5
    min_step = math.degrees(fs * 1.05 / r)
    span = 0.0 if n == 1 else max(min_step * (n - 1), min(220.0, 30.0 * (n - 1)))
    step = span / (n - 1) if n > 1 else 0.0
    parts = [
        f'<svg class="seal-svg" viewBox="0 0 {size:g} {size:g}" xmlns="http://www.w3.org/2000/svg">',
        f'<circle cx="{cx:g}" cy="{cy:g}" r="46.5" fill="none" stroke="#d7201b" stroke-width="3"/>',
    ]
    for i, ch in enumerate(chars):
        angle = -span / 2 + i * step
        a = math.radians(angle)
        x, y = cx + r * math.sin(a), cy - r * math.cos(a)
        parts.append(
            f'<text transform="translate({x:.2f} {y:.2f}) rotate({angle:.2f}) '
            f'translate({-fs / 2:.2f} {fs * 0.38:.2f})" font-size="{fs:.2f}" fill="#d7201b" '
            f'font-family="WenQuanYi Micro Hei, HanaMinA, HanaMinB, sans-serif">{escape(ch)}</text>'
        )
    # Five-pointed star in the middle.
    points = []
    for k in range(10):
        rr = 13.0 if k % 2 == 0 else 5.2
        a = math.radians(-90 + k * 36)
        points.append(f"{cx + rr * math.cos(a):.2f},{cy + 2 + rr * math.sin(a):.2f}")
    parts.append(f'<polygon points="{" ".join(points)}" fill="#d7201b"/>')
    if label:
        lfs = min(9.0, 60.0 / max(len(label), 1))
        parts.append(
            f'<text x="{cx - lfs * len(label) / 2:.2f}" y="{cy + 27:.2f}" font-size="{lfs:.2f}" '
            f'fill="#d7201b" font-family="WenQuanYi Micro Hei, HanaMinA, HanaMinB, sans-serif">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


# --------------------------------------------------------------------------- fetcher


@lru_cache(maxsize=1)
def _asset_fetcher_class() -> type:
    """The fetcher class, built on first use: WeasyPrint takes about a second to import, which a
    command that prints nothing (``govhall db upgrade``) should not pay."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AssetFetcher(URLFetcher):
        """WeasyPrint URL fetcher that serves files under one folder and refuses every other URL.

        Only ``file:`` URLs whose resolved path (symlinks followed) lies inside ``root`` are read;
        ``http:``, ``https:``, ``ftp:``, ``data:``, other files and ``..`` tricks raise
        :class:`AssetRefused`, which WeasyPrint logs and skips.
        """

        def __init__(self, root: Path = ASSET_DIR) -> None:
            super().__init__(allowed_protocols=("file",), allow_redirects=False, timeout=1)
            self.root = Path(root).resolve()

        def resolve(self, url: str) -> Path:
            """The asset file ``url`` names, or :class:`AssetRefused`."""
            parts = urlsplit(url)
            if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost") or parts.query:
                raise AssetRefused(f"拒绝加载外部资源 / refused URL outside the document assets: {url}")
            try:
                path = Path(url2pathname(unquote(parts.path))).resolve()
            except (OSError, RuntimeError, ValueError) as exc:
                raise AssetRefused(f"拒绝加载外部资源 / refused URL: {url}") from exc
            if not path.is_relative_to(self.root) or not path.is_file():
                raise AssetRefused(f"拒绝加载外部资源 / refused URL outside the document assets: {url}")
            return path

        def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
            """Return the asset's bytes with its MIME type; refuse anything else."""
            path = self.resolve(url)
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if mime.startswith("text/"):
                mime += "; charset=utf-8"
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})

    return AssetFetcher


def __getattr__(name: str) -> Any:
    """``AssetFetcher`` is importable from here as if defined at module level (built lazily)."""
    if name == "AssetFetcher":
        return _asset_fetcher_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --------------------------------------------------------------------------- renderer


def _find_path(root: Mapping[str, Any], target: Any, depth: int = 6) -> str | None:
    """Dotted path of ``target`` (by identity) inside the context, e.g. ``register.rows[2]``."""
    stack: list[tuple[Any, str, int]] = [(v, str(k), 1) for k, v in root.items()]
    while stack:
        value, path, level = stack.pop()
        if value is target:
            return path
        if level >= depth:
            continue
        if isinstance(value, Mapping):
            stack.extend((v, f"{path}.{k}", level + 1) for k, v in value.items())
        elif isinstance(value, (list, tuple)):
            stack.extend((v, f"{path}[{i}]", level + 1) for i, v in enumerate(value))
    return None


def _field_name(exc: BaseException, context: Mapping[str, Any]) -> str | None:
    """``case.applicantName`` / ``register.rows[3].due`` for a missing-field error."""
    if not isinstance(exc, _MissingField):
        return None
    name = exc.undefined._undefined_name
    obj = exc.undefined._undefined_obj
    parent = None if obj is _MISSING else _find_path(context, obj)
    if name is None:
        return parent
    if isinstance(name, str):
        return f"{parent}.{name}" if parent else name
    return f"{parent}[{name!r}]" if parent else repr(name)


def _failing_template(exc: BaseException, roots: Sequence[Path]) -> tuple[str | None, int | None]:
    """Name and line of the innermost template frame in ``exc``'s traceback."""
    found: tuple[str | None, int | None] = (None, None)
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".html"):
            path = Path(filename)
            name = path.name
            for root in roots:
                if path.is_relative_to(root):
                    name = path.relative_to(root).as_posix()
                    break
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found


_FILLED_SHAPES_KEPT = 512


def context_shape(value: Any) -> Any:
    """What of a document's context decides whether its template fills: every mapping's keys
    (sorted) with their values' shapes, every list's length and items' shapes, every other
    value's type and whether it is empty (``{% if %}`` takes one branch or the other)."""
    if isinstance(value, Mapping):
        return tuple(sorted((str(key), context_shape(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple)):
        return ("[", *(context_shape(item) for item in value))
    return (type(value).__name__, bool(value))


class DocumentRenderer:
    """Renders documents from templates; one instance per process, reused for every document.

    ``template_dirs`` (plugin folders) are searched before the core templates, so a plugin can
    override a kind (``acceptance_notice.html``) or add one. A plugin template can extend the
    core version of the same kind as ``core/<kind>.html``. Rendering PDF is serialised by a lock:
    the shared font configuration is not meant for concurrent use.

    Templates get the context plus ``kind`` and ``title``; filters ``clause`` (free text without its final
    full stop, before the template's own), ``cn_date`` (``upper=True``
    for 二〇二六年…), ``cn_datetime``, ``short_date``, ``short_datetime``; globals ``qr_svg(text)``,
    ``seal_svg(name, label)``, ``certificate_density(certificate, licence)`` (the class that keeps a
    certificate's rows on one page), ``RECONSIDERATION_DAYS``, ``LITIGATION_MONTHS``; macros in
    ``_macros.html``. Blocks of ``base.html``: body_class, title, subtitle, body, signature, after.
    """

    def __init__(self, template_dirs: Sequence[Path] = (), *, auto_reload: bool = False) -> None:
        self.template_dirs = [Path(d).resolve() for d in template_dirs]
        self._search = [*self.template_dirs, CORE_TEMPLATE_DIR]
        self.env = _Environment(
            loader=ChoiceLoader(
                [
                    FileSystemLoader([str(d) for d in self._search]),
                    PrefixLoader({"core": FileSystemLoader(str(CORE_TEMPLATE_DIR))}),
                ]
            ),
            autoescape=select_autoescape(("html", "htm", "xml", "svg"), default_for_string=True, default=True),
            undefined=_FieldUndefined,
            finalize=lambda value: "" if value is None else value,
            auto_reload=auto_reload,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(
            clause=clause,
            cn_date=cn_date,
            cn_datetime=cn_datetime,
            short_date=short_date,
            short_datetime=short_datetime,
        )
        self.env.globals.update(
            qr_svg=qr_svg,
            seal_svg=seal_svg,
            certificate_density=certificate_density,
            DOCUMENT_KINDS=DOCUMENT_KINDS,
            RECONSIDERATION_DAYS=RECONSIDERATION_DAYS,
            LITIGATION_MONTHS=LITIGATION_MONTHS,
        )
        self._font_config: Any = None  # WeasyPrint's, made on the first PDF (see _asset_fetcher_class)
        self._url_fetcher: Any = None
        self.base_url = ASSET_DIR.as_uri() + "/"
        self._lock = threading.Lock()
        self._filled: OrderedDict[tuple[str, int, Any], None] = OrderedDict()  # see check()

    @property
    def font_config(self) -> Any:
        """One ``FontConfiguration`` for every document this renderer lays out."""
        if self._font_config is None:
            from weasyprint.text.fonts import FontConfiguration

            self._font_config = FontConfiguration()
        return self._font_config

    @property
    def url_fetcher(self) -> Any:
        """The asset-only fetcher (tests may replace it with a recording one)."""
        if self._url_fetcher is None:
            self._url_fetcher = _asset_fetcher_class()(ASSET_DIR)
        return self._url_fetcher

    @url_fetcher.setter
    def url_fetcher(self, fetcher: Any) -> None:
        self._url_fetcher = fetcher

    def kinds(self) -> dict[str, str]:
        """Every kind a template exists for: core kinds plus the plugins' (title or kind name)."""
        found = dict(DOCUMENT_KINDS)
        for folder in self.template_dirs:
            for path in sorted(folder.glob("*.html")):
                kind = path.stem
                if _KIND_RE.match(kind) and kind != "base" and kind not in found:
                    found[kind] = kind
        return found

    def check(self, kind: str, context: Mapping[str, Any]) -> None:
        """Fill the template as :meth:`render_html` would, to raise its :class:`DocumentError` now,
        but without drawing the QR code (most of the cost): what an issuing transaction runs.

        A context of a shape this template already filled without error (:func:`context_shape`:
        the same keys at every level, the same list lengths, the same types, the same empty and
        non-empty values) is not filled again: every accept issues its two notices with contexts
        of one shape, and filling them was an eighth of the accept's work. What the check exists
        for (a missing field, a template that does not compile) depends on the shape alone; a
        failure that depends on a value's text (rare in a notice) shows when the PDF is laid out
        after commit, which is retried and marked failed, the number kept."""
        template = self._template(kind)
        key = (kind, id(template), context_shape(context)) if template is not None else None
        if key is not None and key in self._filled:
            self._filled.move_to_end(key)
            return
        self.render_html(kind, {**context, "qr_svg": _no_qr})
        if key is not None:
            self._filled[key] = None
            if len(self._filled) > _FILLED_SHAPES_KEPT:
                self._filled.popitem(last=False)

    def _template(self, kind: str) -> Any:
        """The compiled template of ``kind`` (a new object once its file changed, with
        ``auto_reload``), or None where :meth:`render_html` will say why there is none."""
        if not _KIND_RE.match(kind or "") or kind == "base":
            return None
        try:
            return self.env.get_template(f"{kind}.html")
        except TemplateError:
            return None

    def render_html(self, kind: str, context: Mapping[str, Any]) -> str:
        """The document's HTML (links ``document.css`` relative to the asset folder)."""
        template_name = f"{kind}.html"
        if not _KIND_RE.match(kind or "") or kind == "base":
            raise DocumentError(template_name, None, f"未知的文书种类 / unknown document kind: {kind!r}")
        values = dict(context)
        document = values.get("document")
        title = None
        if isinstance(document, Mapping):
            title = document.get("title")
        title = title or DOCUMENT_KINDS.get(kind)
        values["kind"] = kind
        if title is not None:
            values["title"] = title
        try:
            template = self.env.get_template(template_name)
            return template.render(values)
        except TemplateNotFound as exc:
            missing = exc.name if isinstance(exc.name, str) else template_name
            raise DocumentError(
                missing, None, f"找不到文书模板 {missing} / template not found: {missing}"
            ) from exc
        except TemplateSyntaxError as exc:
            name = exc.name or template_name
            raise DocumentError(
                name, None, f"文书模板 {name} 第{exc.lineno}行语法错误 / template syntax error in "
                f"{name} line {exc.lineno}: {exc.message}",
                location=f"{name}:{exc.lineno}",
            ) from exc
        except UndefinedError as exc:
            field = _field_name(exc, values) or str(exc)
            if field == "title":  # a plugin kind with no DOCUMENT_KINDS entry needs a title
                field = "document.title"
            at = self._location(exc)
            raise DocumentError(
                template_name, field,
                f"文书模板 {template_name} 缺少字段 {field}（{at}）/ template {template_name}: "
                f"missing field {field} (at {at}: {exc})",
                location=at,
            ) from exc
        except (TemplateError, ValueError, TypeError) as exc:
            at = self._location(exc)
            raise DocumentError(
                template_name, None,
                f"文书模板 {template_name} 渲染出错（{at}）/ template {template_name} failed "
                f"at {at}: {type(exc).__name__}: {exc}",
                location=at,
            ) from exc

    def _location(self, exc: BaseException) -> str:
        """``_macros.html:4``: the innermost template line in the traceback."""
        name, line = _failing_template(exc, self._search)
        return f"{name}:{line}" if name else "?"

    def html_to_pdf(self, html: str) -> bytes:
        """Lay out already rendered HTML with the shared fonts and the asset-only fetcher (never
        without a Chinese font: :class:`~core.services.documents.fonts.NoChineseFont`)."""
        from weasyprint import HTML

        fonts.require_chinese_font()
        with self._lock:
            document = HTML(string=html, base_url=self.base_url, url_fetcher=self.url_fetcher)
            return document.write_pdf(font_config=self.font_config)

    def render_pdf(self, kind: str, context: Mapping[str, Any]) -> bytes:
        """The document as PDF bytes."""
        return self.html_to_pdf(self.render_html(kind, context))

    def layout(self, html: str) -> Any:
        """Lay out rendered HTML into pages (the long part of a register); :meth:`write` makes the
        PDF. Two steps so a background render can report its progress between them."""
        from weasyprint import HTML

        fonts.require_chinese_font()
        with self._lock:
            document = HTML(string=html, base_url=self.base_url, url_fetcher=self.url_fetcher)
            return document.render(font_config=self.font_config)

    def write(self, laid_out: Any) -> bytes:
        """The PDF of a document :meth:`layout` made."""
        with self._lock:
            return laid_out.write_pdf()


# --------------------------------------------------------------------------- example


def example_context(kind: str = "acceptance_notice") -> dict[str, Any]:
    """A complete sample context for ``kind`` (demo data, previews, tests, benchmarks)."""
    center = {
        "name": "连州市政务服务中心",
        "code": "LZ000",
        "docPrefix": "连政服",
        "phone": "0763-6666123",
        "address": "连州市连州镇中山南路政务服务中心一楼",
    }
    short = {
        "acceptance_notice": "受", "correction_notice": "补", "return_notice": "退",
        "promise_notice": "承", "joint_notice": "联", "approval_decision": "准",
        "refusal_decision": "不准", "certificate": "证", "reply_notice": "答", "register": "登",
        "extension_notice": "延",
    }.get(kind, "文")
    context: dict[str, Any] = {
        "center": center,
        "document": {
            "kind": kind,
            "number": f"{center['docPrefix']}{short}〔2026〕第0001号",
            "issuedOn": date(2026, 11, 26),
            "verifyCode": "K7Q2-9XDM-4TPA",
            "verifyUrl": "https://zwfw.lianzhou.gov.cn/v/K7Q29XDM4TPA",
            "progressUrl": "https://zwfw.lianzhou.gov.cn/web/#/progress/lianzhou",
        },
        "case": {
            "number": "LZ0002026112600017",
            "itemName": "食品经营许可（新办）",
            "applicantName": "连州市湟川餐饮管理有限公司",
            "agentName": "李晓梅",
            "acceptedAt": datetime(2026, 11, 26, 10, 30, tzinfo=CENTER_TZ),
            "promisedDue": date(2026, 12, 3),
            "legalDue": date(2026, 12, 24),
            "promisedDays": 5,
            "legalDays": 20,
            "provisional": False,
            "department": "连州市市场监督管理局",
            "window": "综合受理窗口 3 号",
            "leadDepartment": "连州市市场监督管理局",
            "departments": ["连州市市场监督管理局", "连州市卫生健康局", "连州市消防救援大队"],
            "state": "已受理",
        },
    }
    if kind == "acceptance_notice":
        context["materials"] = [
            {"name": "食品经营许可申请书", "copies": "原件1份"},
            {"name": "营业执照", "copies": "复印件1份"},
            {"name": "法定代表人身份证明", "copies": "复印件1份"},
            {"name": "食品安全管理制度文本", "copies": "原件1份"},
        ]
    elif kind == "correction_notice":
        context["missing"] = [
            {"name": "经营场所平面布局图", "reason": "未提交，需标明加工操作区域及设备布局"},
            {"name": "食品安全管理人员健康证明", "reason": "已过有效期，请提交有效期内的证明"},
        ]
    elif kind in ("return_notice", "refusal_decision"):
        context["reason"] = (
            "申请经营场所位于居民住宅楼内且无独立排烟设施，不符合《食品经营许可审查通则》规定的场所条件"
        )
        context["remedy"] = {
            "review": "连州市政务服务中心督查科",
            "reconsideration": "连州市人民政府",
            "court": "连州市人民法院",
        }
        if kind == "refusal_decision":
            context["basis"] = "《中华人民共和国食品安全法》第三十五条"
    elif kind == "extension_notice":
        context["extension"] = {"days": 10, "reason": "需征求卫生健康部门意见"}
        context["case"].update(promisedDue=date(2026, 12, 17), legalDue=date(2027, 1, 8))
    elif kind == "joint_notice":
        context["case"].update(promisedDays=15, legalDays=45, promisedDue=date(2026, 12, 17),
                               legalDue=date(2027, 2, 5), provisional=True)
    elif kind == "approval_decision":
        context["decision"] = {
            "content": "准予从事食品经营活动，经营项目：热食类食品制售、冷食类食品制售。",
            "basis": "《中华人民共和国食品安全法》第三十五条",
            "validUntil": date(2031, 11, 25),
        }
    elif kind == "certificate":
        context["document"]["issuer"] = "连州市市场监督管理局"
        context["certificate"] = {
            "title": "食品经营许可证",
            "holder": "连州市湟川餐饮管理有限公司",
            "fields": [
                {"label": "经营者名称", "value": "连州市湟川餐饮管理有限公司"},
                {"label": "统一社会信用代码", "value": "91441882MA4X1Y2Z3C"},
                {"label": "法定代表人（负责人）", "value": "陈国栋"},
                {"label": "住所", "value": "连州市连州镇北山路18号"},
                {"label": "经营场所", "value": "连州市连州镇北山路18号首层"},
                {"label": "主体业态", "value": "餐饮服务经营者（中型餐馆）"},
                {"label": "经营项目", "value": "热食类食品制售；冷食类食品制售"},
                {"label": "许可证编号", "value": "JY24418820012345"},
                {"label": "有效期至", "value": "2031年11月25日"},
            ],
        }
    elif kind == "reply_notice":
        context["reason"] = (
            "你（单位）咨询的户外广告设施设置审批事项，依据《连州市城市管理综合执法事项目录》，"
            "已划转由连州市城市管理和综合执法局实施，不属于本中心受理范围"
        )
        context["guidance"] = "请持相关材料到连州市城市管理和综合执法局（连州镇建设路9号）办理，咨询电话0763-6612345。"
    elif kind == "register":
        states = ["已办结", "办理中", "已办结", "补正中", "已办结"]
        items = ["食品经营许可（新办）", "个体工商户设立登记", "建筑工程施工许可",
                 "公共场所卫生许可", "道路货物运输经营许可"]
        rows = []
        for i in range(60):
            accepted = datetime(2026, 11, 2, 9, 0, tzinfo=CENTER_TZ) + timedelta(days=i // 3, minutes=37 * i)
            state = states[i % 5]
            rows.append({
                "number": f"LZ0002026110{2 + i // 30}{i:05d}",
                "item": items[i % 5],
                "applicant": ["连州市湟川餐饮管理有限公司", "张建华", "连州市星辰建筑工程有限公司",
                              "连州市悦居酒店", "连州市顺达物流有限公司"][i % 5],
                "acceptedAt": accepted,
                "due": (accepted + timedelta(days=7)).date(),
                "state": state,
                "finishedAt": accepted + timedelta(days=2, hours=3) if state == "已办结" else None,
            })
        context["register"] = {"period": "2026年11月", "rows": rows}
    return context
