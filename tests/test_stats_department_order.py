"""Statistics and supervision list departments in the center's order, not by code.

The center file lists 市场监督管理局 (scjg), 住房和城乡建设局 (zjj), 发展和改革局 (fgj), 生态环境局 (hbj),
公安局 (gaj), and 中心管理 shows them so; the exports and the supervision board put 发展和改革局 first
and 住房和城乡建设局 last, by their codes. Now they follow the center (the file's order, then those added
on the 中心管理 screen), cases of no department last; a file loaded again in another order reorders them.
"""

from __future__ import annotations

import csv
import io

import pytest

from core.plumbing.models import Case, Department
from core.services.centers import load_center
from core.services.clock import local_today
from tests.hall import CaseDriver, build_hall
from tests.helpers import center_doc

pytestmark = pytest.mark.anyio

FILE_ORDER = ["市场监督管理局", "住房和城乡建设局", "发展和改革局", "生态环境局", "公安局"]
SUPERVISION = """query { supervision(center: "hall") { byDepartment { code name yellow red } byWindow { code yellow red } } }"""
CENTER = """query { centers { code departments { code name } } }"""


@pytest.fixture
async def drive(app, govhall, gql):
    return CaseDriver(gql, await build_hall(govhall, gql))


async def test_the_exports_list_departments_as_the_center_does(drive):
    (hall,) = [c for c in (await drive.query(None, CENTER))["centers"] if c["code"] == "hall"]
    assert [d["name"] for d in hall["departments"]] == FILE_ORDER  # as 中心管理 shows them
    today = local_today().isoformat()
    response = await drive.gql.http.get(
        "/exports/statistics", params={"center": "hall", "from": f"{today[:4]}-01-01", "to": today, "format": "csv"},
        headers={"Authorization": f"Bearer {drive.hall.tokens['sup1']}"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:])))
    assert [r[0] for r in rows[2:8]] == ["全中心", *FILE_ORDER]

    from openpyxl import load_workbook

    response = await drive.gql.http.get(
        "/exports/statistics", params={"center": "hall", "from": f"{today[:4]}-01-01", "to": today, "format": "xlsx"},
        headers={"Authorization": f"Bearer {drive.hall.tokens['head1']}"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [sheet.cell(row=r, column=1).value for r in range(3, 9)] == ["全中心", *FILE_ORDER]


async def test_the_supervision_board_counts_departments_in_the_centers_order(drive):
    departments = {d.code: d.id for d in await Department.filter(center_id=drive.hall.center.id)}
    for code, alert in (("fgj", "RED"), ("zjj", "YELLOW"), (None, "YELLOW"), ("scjg", "YELLOW")):
        case = await drive.ok("clerk1", await drive.submit("app1", allow_duplicate=True), "accept")
        await Case.filter(id=int(case["id"])).update(alert=alert, department_id=departments[code] if code else None)
    board = (await drive.query("sup1", SUPERVISION))["supervision"]
    assert [(g["code"], g["yellow"], g["red"]) for g in board["byDepartment"]] == [
        ("scjg", 1, 0), ("zjj", 1, 0), ("fgj", 0, 1), (None, 1, 0)]  # no department: last


async def test_loading_the_center_file_again_puts_the_departments_in_its_new_order(drive, govhall):
    """The center reorders its departments in its file (公安局 first now) and loads it again: 中心管理,
    the exports and the supervision board follow the new order at once; a department added on the
    screen, which the file does not list, comes after the file's."""
    added = """mutation { saveDepartment(center: "hall", code: "swj", name: "税务局", isNew: true) { __typename } }"""
    assert (await drive.query("admin1", added))["saveDepartment"] == {"__typename": "Department"}
    departments = {d.code: d.id for d in await Department.filter(center_id=drive.hall.center.id)}
    for code, alert in (("scjg", "RED"), ("gaj", "YELLOW"), ("swj", "YELLOW")):
        case = await drive.ok("clerk1", await drive.submit("app1", allow_duplicate=True), "accept")
        await Case.filter(id=int(case["id"])).update(alert=alert, department_id=departments[code])

    doc = center_doc("hall")
    doc["departments"] = [doc["departments"][i] for i in (4, 2, 0, 3, 1)]  # 公安局, 发展和改革局, 市场监督管理局, …
    await load_center(doc, govhall.hub)
    reordered = ["公安局", "发展和改革局", "市场监督管理局", "生态环境局", "住房和城乡建设局", "税务局"]
    (hall,) = [c for c in (await drive.query(None, CENTER))["centers"] if c["code"] == "hall"]
    assert [d["name"] for d in hall["departments"]] == reordered
    board = (await drive.query("sup1", SUPERVISION))["supervision"]
    assert [g["code"] for g in board["byDepartment"]] == ["gaj", "scjg", "swj"]
    today = local_today().isoformat()
    response = await drive.gql.http.get(
        "/exports/statistics", params={"center": "hall", "from": f"{today[:4]}-01-01", "to": today, "format": "csv"},
        headers={"Authorization": f"Bearer {drive.hall.tokens['sup1']}"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:])))
    assert [r[0] for r in rows[2:9]] == ["全中心", *reordered]

    # loaded once more as it was: back to the first order; a file listing no departments changes none
    await load_center(center_doc("hall"), govhall.hub)
    await load_center({**center_doc("hall"), "departments": [], "windows": []}, govhall.hub)
    (hall,) = [c for c in (await drive.query(None, CENTER))["centers"] if c["code"] == "hall"]
    assert [d["name"] for d in hall["departments"]] == [*FILE_ORDER, "税务局"]
