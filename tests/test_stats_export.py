"""GET /exports/statistics: the period's figures for the center and each department, as CSV and
XLSX, for supervisors, heads and administrators of the center only."""

from __future__ import annotations

import csv
import io

import pytest

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
    assert backwards.status_code == 400 and "截止日期" in backwards.json()["errors"][0]["message"]
