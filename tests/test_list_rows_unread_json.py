"""A work-queue page that shows neither a case's data nor its flags leaves them unread (they are often
kilobytes per row): the page answers exactly as when they are read, and any query that asks for the
data, however it asks (an alias, an inline or a named fragment, a resolver that may read it), gets it."""

from __future__ import annotations

import pytest
from tortoise.exceptions import IncompleteInstanceError

from core.services.case_lists import Conditions, case_page
from tests.hall import GOOD_DATA, CaseDriver, build_hall
from tests.test_graphql_loaders import counted_statements
from tests.test_list_queries import CASE_ROW

pytestmark = pytest.mark.anyio

PAGE = "query($c: String!) {{ cases(center: $c, first: 30) {{ edges {{ node {{ {fields} }} }} }} }}"
FRAGMENT = "fragment Data on Case { data }"
ASKING_FOR_DATA = {
    "plain": "data",
    "alias": "application: data",
    "inline fragment": "... on Case { data }",
    "named fragment": "...Data",
}


async def page(drive, monkeypatch, fields: str, fragment: str = "") -> tuple[list[dict], bool]:
    """The page's rows, and whether its statement left the data unread."""
    with counted_statements(monkeypatch) as sql:
        data = await drive.query("clerk1", PAGE.format(fields=fields) + fragment, c="hall")
    reads = [s for s in sql if '"gh_case"' in s and "urgent" in s]
    assert len(reads) == 1, sql
    return [e["node"] for e in data["cases"]["edges"]], 'NULL AS "data"' in reads[0]


async def test_a_page_without_data_leaves_it_unread_and_answers_the_same(app, govhall, gql, monkeypatch):
    hall = await build_hall(govhall, gql)
    drive = CaseDriver(gql, hall)
    cases = [await drive.submit("app1", data={**GOOD_DATA, "companyName": f"连州市测试{n}号有限公司"}) for n in range(5)]
    await drive.ok("clerk1", cases[1], "accept")
    await drive.ok("head1", cases[3], "mark_urgent", comment="群众急需")

    lean, unread = await page(drive, monkeypatch, CASE_ROW)
    assert unread
    for how, asked in ASKING_FOR_DATA.items():
        full, unread = await page(drive, monkeypatch, f"{CASE_ROW} {asked}", FRAGMENT if "Data" in asked else "")
        assert not unread, how
        key = "application" if how == "alias" else "data"
        assert sorted(n[key]["companyName"] for n in full) == sorted(f"连州市测试{n}号有限公司" for n in range(5)), how
        assert [{k: v for k, v in n.items() if k != key} for n in full] == lean, how  # the same rows, in the same order

    # a field with a resolver may read any column: the page reads them all
    _rows, unread = await page(drive, monkeypatch, "id availableActions")
    assert not unread
    assert lean[0]["urgent"] and lean[0]["id"] == cases[3]["id"]


async def test_rows_left_without_their_data_cannot_be_saved_whole(app, govhall, gql):
    hall = await build_hall(govhall, gql)
    await CaseDriver(gql, hall).submit("app1")
    where = Conditions()
    where.add('"center_id" = ?', hall.center.id)
    (row,) = await case_page(where, None, 10, without_json=True)
    assert row.data is None and row.flags is None
    with pytest.raises(IncompleteInstanceError):
        await row.save()
    (whole,) = await case_page(where, None, 10)
    assert whole.data == GOOD_DATA
