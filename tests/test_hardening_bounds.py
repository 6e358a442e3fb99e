"""What one request may make the server store and print (core.services.form_validation.bounds_errors):
huge input is refused with UserErrors before it is walked (a bounded number of Python calls), input
at the bounds is accepted and printed, and another client is answered meanwhile (SQLite too)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from core.services.form_validation import CASE_TEXT_MAX_CHARS, NOTICE_LIST_MAX_ITEMS, NOTICE_TEXT_TOTAL_CHARS
from tests.hall import GOOD_DATA, CaseDriver, build_hall, codes
from tests.helpers import PASSWORD, CallCounter

pytestmark = pytest.mark.anyio

LOGIN = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { __typename } }"


@pytest.fixture
async def drive(app, govhall, gql):
    return CaseDriver(gql, await build_hall(govhall, gql))


async def while_others_are_served(drive: CaseDriver, work: Callable[[], Awaitable[Any]]) -> Any:
    """Run ``work()`` alone, counting the Python calls it makes (bounded: refused before the huge input
    is walked; a count, not seconds, so a busy machine does not fail it), then again while another
    client reads the centers and signs in (a write), which is answered meanwhile."""
    with CallCounter() as counter:
        alone = await work()
    assert counter.calls < 60_000, counter.calls
    done = asyncio.Event()
    answered: list[bool] = []

    async def other_client() -> None:
        while not done.is_set() or not answered:
            centers = await drive.gql.raw("{ centers { code } }")
            login = await drive.gql.raw(LOGIN, {"u": "app2", "p": PASSWORD})
            answered.append(bool(centers["data"]["centers"]) and login["data"]["login"]["__typename"] == "LoginSuccess")
            await asyncio.sleep(0)

    async def run() -> Any:
        try:
            await asyncio.sleep(0)
            return await work()
        finally:
            done.set()

    other = asyncio.create_task(other_client())
    result = await run()
    await other
    assert answered and all(answered), answered
    assert result == alone
    return result


async def test_an_80000_character_field_is_refused_without_blocking_others(drive):
    data = {**GOOD_DATA, "companyName": "某" * 80_000}
    refused = await while_others_are_served(drive, lambda: drive.submit("app1", data=data))
    assert codes(refused) == ["maxLength"]
    (error,) = refused["errors"]
    assert error["path"] == "/companyName" and "企业名称" in error["message"] and str(CASE_TEXT_MAX_CHARS) in error["message"]


async def test_a_notice_with_2000_entries_is_refused_without_blocking_others(drive):
    case = await drive.submit("app1")
    missing = [{"name": f"材料{i}", "reason": "未提供"} for i in range(2_000)]
    refused = await while_others_are_served(drive, lambda: drive.act("clerk1", case, "request_materials", data={"missing": missing}))
    assert codes(refused) == ["maxItems"] and refused["errors"][0]["path"] == "/missing"
    long_comment = await drive.act("clerk1", case, "return", comment="退" * (CASE_TEXT_MAX_CHARS + 1))
    assert codes(long_comment) == ["maxLength"] and long_comment["errors"][0]["path"] == "/comment"
    assert (await drive.get("clerk1", case))["state"] == "submitted"  # nothing changed, nothing issued


async def test_input_at_the_bounds_is_accepted_and_printed_in_full(drive):
    """The largest one-time notice one request may ask for: every entry the list may hold, as much
    text as they may have together. It is issued and printed in full; a little more is refused.

    The notice is rendered after commit, outside any transaction: tests/test_document_rendering.py
    holds such a render mid-way and shows other clients' writes completing meanwhile."""
    data = {**GOOD_DATA, "companyName": "甲" * CASE_TEXT_MAX_CHARS}
    case = await drive.submit("app1", data=data)
    assert case["__typename"] == "Case", case
    per_entry = NOTICE_TEXT_TOTAL_CHARS // NOTICE_LIST_MAX_ITEMS - 25  # keys and the reason count too
    missing = [{"name": f"材料{i:03d}" + "乙" * per_entry, "reason": "未提供"} for i in range(NOTICE_LIST_MAX_ITEMS)]
    case = await drive.act("clerk1", case, "request_materials", data={"missing": missing})
    assert case["__typename"] == "Case" and case["state"] == "supplementing", case
    (notice,) = [d for d in case["documents"] if d["kind"] == "correction_notice"]
    text = await drive.pdf("clerk1", notice["url"])
    assert f"材料{NOTICE_LIST_MAX_ITEMS - 1:03d}" in text


    too_much = [{"name": "丙" * 300, "reason": "未提供"} for _ in range(NOTICE_TEXT_TOTAL_CHARS // 300 + 1)]
    case2 = await drive.submit("app1")
    refused = await drive.act("clerk1", case2, "request_materials", data={"missing": too_much})
    assert codes(refused) == ["too_large"] and str(NOTICE_TEXT_TOTAL_CHARS) in refused["errors"][0]["message"]
    # what the total counts, said where the clerk types the opinion: not the opinion alone
    assert refused["errors"][0]["message"].startswith("办理意见与本次填写的其他内容（如依据、理由）合计过多")
    assert refused["errors"][0]["path"] == "/comment"
