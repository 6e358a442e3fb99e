"""GET /exports/statistics: the period's figures for the center and each department, as CSV and
XLSX, for supervisors, heads and administrators of the center only."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest

from core.services import clock
from core.services.calendar import CENTER_TZ
from core.services.clock import local_today
from tests.hall import CaseDriver, build_hall

pytestmark = pytest.mark.anyio


@pytest.fixture
async def drive(app, govhall, gql):
    drive = CaseDriver(gql, await build_hall(govhall, gql))
    await drive.ok("clerk1", await drive.submit("app1"), "accept")
    return drive


def params(fmt: str, **extra: str) -> dict[str, str]:
    today = local_today().isoformat()
    return {"center": "hall", "from": f"{today[:4]}-01-01", "to": today, "format": fmt, **extra}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_csv_and_xlsx(drive):
    http = drive.gql.http
    response = await http.get("/exports/statistics", params=params("csv"), headers={"Authorization": f"Bearer {drive.hall.tokens['sup1']}"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert "办件统计" in rows[0][0] and rows[1][:3] == ["部门", "受理（件）", "办结（件）"]
    assert rows[2][:2] == ["全中心", "1"]
    assert any(r[1] == "1" for r in rows[3:])  # the accepting department

    from openpyxl import load_workbook

    token = drive.hall.tokens["head1"]
    response = await http.get("/exports/statistics", params=params("xlsx"), headers=bearer(token))
    assert response.status_code == 200 and "spreadsheetml" in response.headers["content-type"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == "部门" and sheet["A3"].value == "全中心" and sheet["B3"].value == 1


async def test_refused(drive):
    http = drive.gql.http
    assert (await http.get("/exports/statistics", params=params("csv"))).status_code == 401
    for user in ("clerk1", "app1", "clerk-other"):
        response = await http.get("/exports/statistics", params=params("csv"), headers=bearer(drive.hall.tokens[user]))
        assert response.status_code == 403 and response.json()["errors"][0]["code"] == "forbidden"
    sup = drive.hall.tokens["sup1"]
    bad = await http.get("/exports/statistics", params=params("pdf"), headers=bearer(sup))
    assert bad.status_code == 400 and bad.json()["errors"][0]["path"] == "/format"
    backwards = await http.get("/exports/statistics", params={**params("csv"), "from": "2030-01-01"}, headers=bearer(sup))
    in_url = await http.get("/exports/statistics", params=params("csv", token=sup))
    assert in_url.status_code == 400 and in_url.json()["errors"][0]["code"] == "token_in_url"
    assert backwards.status_code == 400 and "晚于结束日" in backwards.json()["errors"][0]["message"]  # as the query says it


async def test_the_headers_and_notes_say_how_each_figure_is_computed(app, govhall, gql, monkeypatch):
    """实际提速 is against the legal limit: the header says so with its formula, the notes under the
    table give every formula, and a figure with nothing to measure is an empty cell."""
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 6, 2, 10, 0, tzinfo=CENTER_TZ))
    drive = CaseDriver(gql, await build_hall(govhall, gql))
    case = await drive.ok("clerk1", await drive.submit("app1"), "accept")
    await drive.ok("rev-scjg", case, "approve")  # decided the day it was accepted: 0 working days of 20
    http, token = drive.gql.http, drive.hall.tokens["sup1"]
    text = (await http.get("/exports/statistics", params=params("csv"), headers=bearer(token))).content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text[1:])))
    header = rows[1]
    assert header[3:10] == ["其中有法定时限（件）", "平均法定时限（工作日）", "平均承诺时限（工作日）", "平均实际办理（工作日）",
                            "实际提速（%）=（Σ法定−Σ实际）÷Σ法定", "比承诺时限提速（%）=（Σ承诺−Σ实际）÷Σ承诺", "按时办结率（%）"]
    center = dict(zip(header, rows[2]))
    assert (center["其中有法定时限（件）"], center["平均法定时限（工作日）"], center["实际提速（%）=（Σ法定−Σ实际）÷Σ法定"]) == ("1", "20.0", "100.0")
    empty = next(r for r in rows[3:] if r and r[0] == "住房和城乡建设局")
    assert empty[1:3] == ["0", "0"] and empty[4:10] == [""] * 6
    notes = [r[0] for r in rows if r and r[0].startswith(("实际提速 =", "平均法定时限 =", "比承诺时限提速 ="))]
    assert len(notes) == 3 and "按有法定时限的办结件计算" in notes[1] and "不计补正、听证" in notes[1]

    from openpyxl import load_workbook

    response = await http.get("/exports/statistics", params=params("xlsx"), headers=bearer(token))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["H2"].value == "实际提速（%）=（Σ法定−Σ实际）÷Σ法定" and sheet["H3"].value == 100
    assert any(str(c.value or "").startswith("实际提速 =（Σ法定时限 − Σ实际办理时间）") for c in sheet["A"])
