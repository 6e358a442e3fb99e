"""An applicant's walk on a phone: 认领 (claiming a walk-in case) with what a phone's keyboard types,
full-width (１１０…ｘ, ＬＺ－…) or nothing at all: an empty field is refused at that field, every one at
once, and costs no try; full-width input is read as the progress lookup reads it."""

from __future__ import annotations

import pytest

from core.plumbing.models import LoginThrottle
from tests.test_walk_in_claims import PERSON, claim, drive, filed_for_walk_in, last_code, my_cases, send  # noqa: F401

pytestmark = pytest.mark.anyio


def _wide(text: str) -> str:
    """``text`` as a Chinese keyboard's full-width mode types it (ASCII letters, digits and '-')."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


async def test_empty_claim_fields_are_refused_at_their_field_and_cost_no_try(drive):
    case = await filed_for_walk_in(drive)
    refused = await send(drive, "app1", "", id_number="")
    assert refused["__typename"] == "UserErrors"
    assert [(e["path"], e["code"]) for e in refused["errors"]] == [("/idNumber", "required"), ("/caseNumber", "required")]
    assert "请填写证件号码" in refused["errors"][0]["message"]
    refused = await claim(drive, "app1", case["number"], " \u3000")
    assert [(e["path"], e["code"]) for e in refused["errors"]] == [("/code", "required")]
    refused = await claim(drive, "app1", "", "", id_number="")
    assert [e["path"] for e in refused["errors"]] == ["/idNumber", "/caseNumber", "/code"]
    assert await LoginThrottle.filter(key__contains="walk_in_claim").count() == 0  # nothing counted


async def test_a_claim_typed_full_width_finds_the_case(drive):
    case = await filed_for_walk_in(drive)
    wide_id = _wide(PERSON["i"])
    sent = await send(drive, "app1", _wide(case["number"].lower()).replace("－", " － "), id_number=wide_id)
    assert sent == {"__typename": "ClaimCodeSent", "mobile": "138****8000"}, sent
    claimed = await claim(drive, "app1", _wide(case["number"]), _wide(await last_code()), id_number=wide_id)
    assert claimed["__typename"] == "ClaimedCase", claimed
    assert [c["id"] for c in await my_cases(drive, "app1")] == [case["id"]]
