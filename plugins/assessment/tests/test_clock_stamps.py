"""A manual score entered and a ranking posted for publicity are dated by the product's clock
(``core.api.now``, held here on 31 March 2025), as the cases the rankings count are."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from core.api import CENTER_TZ
from core.services import clock
from plugins.assessment.models import ManualScore, Publication

from .drive import MANUAL
from .test_reports import PUBLISH

pytestmark = pytest.mark.anyio


async def test_manual_scores_and_publications_are_dated_by_the_products_clock(drive, today, monkeypatch):
    held = datetime(2025, 3, 31, 10, 0, tzinfo=CENTER_TZ)
    today.value = date(2025, 3, 31)
    monkeypatch.setattr(clock, "now", lambda: held)
    entry = (await drive.query("sup1", MANUAL, c="hall", k="staff", s="clerk1", p="2025-03", cat="meetings",
                               points=-1, reason="周例会缺席"))["enterManualScore"]
    assert entry["__typename"] == "ManualScore", entry
    assert (await ManualScore.get(id=int(entry["id"]))).at == held
    posted = (await drive.query("head1", PUBLISH, c="hall", k="department", p="2025-Q1", days=3))["publishAssessment"]
    assert posted["__typename"] == "AssessmentPublication", posted
    assert (await Publication.get(id=int(posted["id"]))).at == held
