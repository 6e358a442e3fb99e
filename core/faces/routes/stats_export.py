"""``GET /exports/statistics``: the statistics of a period for the whole center and for each
department, as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese) or XLSX (openpyxl).
Supervisors, heads and administrators of the center; signed in as for documents (the
``Authorization`` header or a signed link, never a token in the query string)."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from urllib.parse import quote

from core.services import stats
from core.services.centers import CENTER_CODE_CHARS
from core.plumbing.errors import Forbidden, NotFound
from core.services.downloads import DownloadRefused, download_actor
from core.plumbing.models import DEPARTMENT_ORDER, Center, Department

ROLES = ("supervisor", "head", "admin")
COLUMNS = [
    ("department", "部门"), ("accepted", "受理（件）"), ("completed", "办结（件）"),
    ("legalCompleted", "其中有法定时限（件）"),
    ("averageLegalDays", "平均法定时限（工作日）"),
    ("averagePromisedDays", "平均承诺时限（工作日）"), ("averageActualDays", "平均实际办理（工作日）"),
    ("speedUpPercent", "实际提速（%）=（Σ法定−Σ实际）÷Σ法定"),
    ("speedUpVsPromisedPercent", "比承诺时限提速（%）=（Σ承诺−Σ实际）÷Σ承诺"),
    ("onTimePercent", "按时办结率（%）"),
]
# Under the table: how each figure is computed, and what an empty cell means.
NOTES = [
    "说明：",
    *(stats.FORMULAS[key] for key, _ in COLUMNS if key in stats.FORMULAS),
    "空白表示没有可计算的办件（如期间内无办结件，或办结件均无法定时限）。",
]
TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _error(code: str, message: str, status: int, path: str | None = None) -> JSONResponse:
    return JSONResponse({"errors": [{"path": path, "code": code, "message": message}]}, status_code=status)


async def statistics_rows(center: Center, start: date, end: date) -> list[dict[str, Any]]:
    """The center's figures, then each department's, in the center's order (as the center file lists
    them and 中心管理 shows them, :data:`~core.plumbing.models.DEPARTMENT_ORDER`)."""
    rows = [{"department": "全中心", **await stats.statistics(center, start=start, end=end)}]
    by_department = await stats.statistics_by_department(center, start=start, end=end)
    empty = stats.empty_figures()
    for d in await Department.filter(center_id=center.id).order_by(*DEPARTMENT_ORDER):
        rows.append({"department": d.name, **by_department.get(d.id, empty)})
    return rows


def _cell(value: Any) -> Any:
    return round(value, 2) if isinstance(value, float) else ("" if value is None else value)


def to_csv(title: str, rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([title])
    writer.writerow([label for _, label in COLUMNS])
    for r in rows:
        writer.writerow([_cell(r[k]) for k, _ in COLUMNS])
    writer.writerow([])
    for line in NOTES:
        writer.writerow([line])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(title: str, rows: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "办件统计"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([label for _, label in COLUMNS])
    for cell in sheet[2]:
        cell.font, cell.alignment = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for r in rows:
        sheet.append([_cell(r[k]) for k, _ in COLUMNS])
    sheet.append([])
    for line in NOTES:
        sheet.append([line])
    sheet.freeze_panes = "A3"  # the title and the column names stay in view while scrolling
    sheet.column_dimensions["A"].width = 40
    for column in range(2, len(COLUMNS) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def export_statistics(request: Request) -> Response:
    try:
        actor = await download_actor(request)
    except DownloadRefused as exc:
        return _error(exc.code, exc.message, exc.status)
    q = request.query_params
    fmt = q.get("format", "xlsx")
    if fmt not in TYPES:
        return _error("format", "导出格式应为 csv 或 xlsx", 400, "/format")
    code = q.get("center", "")
    center = await Center.get_or_none(code=code) if len(code) <= CENTER_CODE_CHARS else None  # longer names none
    if center is None:
        return _error("not_found", f"中心“{q.get('center', '')}”不存在", 404, "/center")
    try:
        actor.require(center.id, *ROLES)
    except (Forbidden, NotFound) as exc:
        return _error("forbidden", str(getattr(exc, "message", exc)), 403)
    try:
        start, end = date.fromisoformat(q.get("from", "")), date.fromisoformat(q.get("to", ""))
    except ValueError:
        return _error("format.date", "起止日期应为 YYYY-MM-DD", 400, "/from")
    problem = stats.period_problem(start, end)
    if problem is not None:
        return _error("range", problem[1], 400, problem[0])
    title = f"{center.name}办件统计（{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日）"
    rows = await statistics_rows(center, start, end)
    body = to_csv(title, rows) if fmt == "csv" else to_xlsx(title, rows)
    name = f"办件统计-{center.code}-{start.isoformat()}-{end.isoformat()}.{fmt}"
    return Response(body, media_type=TYPES[fmt], headers={
        "Content-Disposition": f"attachment; filename=\"statistics.{fmt}\"; filename*=UTF-8''{quote(name)}",
        "Cache-Control": "no-store",
    })


def routes() -> list[Route]:
    """Mounted by :func:`core.faces.app.extra_routes`."""
    return [Route("/exports/statistics", export_statistics, methods=["GET"])]
