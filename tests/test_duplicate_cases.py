"""您已有该事项的在办件: submitCase refuses a second filing of an item by the same applicant account
under the same applicant name while the first case is open (``duplicate_case``, naming the open
case), files it when confirmed (``allowDuplicate``), and lets it through once the first case has
ended; other applicants, names and items are not concerned."""

from __future__ import annotations

import copy

import pytest

from core.plumbing.models import Case, User
from core.services.accounts import Actor, load_grants
from core.services.items import define_item, publish_item
from tests.hall import GOOD_DATA, PERMIT, CaseDriver, build_hall
from tests.test_frontdesk import upload

pytestmark = pytest.mark.anyio

FILE = """mutation($item: String!, $d: JSON!, $behalf: String, $dup: Boolean, $m: [ID!]) {
  submitCase(center: "hall", item: $item, data: $d, onBehalfOf: $behalf, allowDuplicate: $dup, materials: $m) {
    __typename ... on Case { id number state } ... on UserErrors { errors { path code message caseId caseNumber } } } }"""


@pytest.fixture
async def drive(app, govhall, gql) -> CaseDriver:
    return CaseDriver(gql, await build_hall(govhall, gql))


async def file(drive: CaseDriver, user: str = "app1", item: str = "test-permit", data: dict | None = None,
               **variables: object) -> dict:
    return (await drive.query(user, FILE, item=item, d=data or GOOD_DATA, **variables))["submitCase"]


async def test_a_second_filing_while_the_first_is_open_is_refused_naming_the_open_case(drive):
    first = await drive.ok("clerk1", await file(drive), "accept")
    count = await Case.all().count()
    refused = await file(drive)
    assert refused["__typename"] == "UserErrors", refused
    (error,) = refused["errors"]
    assert (error["code"], error["caseId"], error["caseNumber"]) == ("duplicate_case", first["id"], first["number"])
    assert error["message"] == (f"您已有该事项的在办件 {first['number']}（审查中），请勿重复申报；"
                                "如确需再次申报，请确认后提交")
    assert await Case.all().count() == count  # nothing written, no number taken
    # confirmed (two properties, two filings): filed
    again = await file(drive, dup=True)
    assert again["__typename"] == "Case" and again["number"] != first["number"]


async def test_a_filing_with_materials_is_refused_alike_and_keeps_its_upload_for_the_next(drive):
    """A filing with uploads is written in steps (a transaction): the probe is read before it."""
    first = await file(drive)
    scan = await upload(drive, "app1", code="m1")
    refused = await file(drive, m=[scan["id"]])
    assert [(e["code"], e["caseNumber"]) for e in refused["errors"]] == [("duplicate_case", first["number"])]
    assert await Case.all().count() == 1
    assert (await file(drive, m=[scan["id"]], dup=True))["__typename"] == "Case"


async def test_a_clerk_filing_for_the_applicant_is_told_the_applicant_has_one(drive):
    first = await file(drive)
    refused = await file(drive, "clerk1", behalf="app1")
    (error,) = refused["errors"]
    assert error["code"] == "duplicate_case" and error["caseNumber"] == first["number"]
    assert error["message"].startswith(f"该申请人已有该事项的在办件 {first['number']}（待受理）")


async def test_a_filing_is_accepted_once_the_earlier_case_has_ended(drive):
    withdrawn = await drive.ok("app1", await file(drive), "withdraw", comment="申请人撤回")
    assert withdrawn["state"] == "withdrawn"
    second = await file(drive)
    assert second["__typename"] == "Case", second
    accepted = await drive.ok("clerk1", second, "accept")
    assert (await file(drive))["errors"][0]["caseNumber"] == second["number"]
    refused = await drive.ok("rev-scjg", accepted, "refuse")
    assert refused["state"] == "refused"  # 不予许可，待出件: decided, so no longer open
    assert (await file(drive))["__typename"] == "Case"


async def test_a_returned_case_is_no_open_case_until_its_review_is_asked_for(drive):
    """退回（不予受理）: the applicant refiles without being told of an 在办件; a review (复核) asked
    for makes the returned case open again."""
    returned = await drive.ok("clerk1", await file(drive), "return")
    assert returned["state"] == "returned"
    second = await file(drive)
    assert second["__typename"] == "Case", second
    await drive.ok("app1", second, "withdraw", comment="申请人撤回")
    await drive.ok("app1", returned, "request_review", comment="材料齐全，申请复核")
    assert (await file(drive))["errors"][0]["caseNumber"] == returned["number"]


async def test_another_applicant_name_another_applicant_or_another_item_is_not_concerned(drive):
    first = await file(drive)
    # one account filing for two companies: each company's own filing
    other_company = await file(drive, data={**GOOD_DATA, "companyName": "连州市另一贸易有限公司"})
    assert other_company["__typename"] == "Case", other_company
    assert (await file(drive, "app2"))["__typename"] == "Case"
    assert (await file(drive, item="test-quick"))["__typename"] == "Case"
    assert (await file(drive))["errors"][0]["caseNumber"] == first["number"]


async def test_an_open_case_of_an_earlier_version_of_the_item_counts(drive, govhall):
    first = await file(drive)
    config = await User.get(username="config1")
    changed = copy.deepcopy(PERMIT)
    changed["name"] = "测试许可（第二版）"
    await define_item(govhall, Actor(user=config, grants=await load_grants(config)), drive.hall.center, changed, update=True)
    await publish_item(govhall, Actor(user=config, grants=await load_grants(config)), drive.hall.center, PERMIT["code"])
    assert (await file(drive))["errors"][0]["caseNumber"] == first["number"]
