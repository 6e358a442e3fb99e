"""The counter receipt (收件登记) at acceptance starts from what the item asks of each material.

Every 复印件 count read 1, also for an application the item asks for as 原件1份、复印件0份; a clerk
ticking 复印件 there recorded one copy nobody asked for. Each count now starts at what the item asks
(原件1份, 复印件0份; a court ruling asked as a copy: 原件0份, 复印件1份), and a form ticked that the item
does not ask for counts one. Runs against the demo server of ``tests/test_web_screens.py``.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_web import at, browser_page, login  # noqa: F401
from tests.test_web_screens import CANCELLATION, Api, api, demo_db, web_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_counter_receipt_counts_start_at_what_the_item_asks(web_server: str, browser_page: Any, api: Api) -> None:  # noqa: F811
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    case = api.submit(item="scjg-qyzxdj", data={**CANCELLATION, "enterpriseName": "连州市收件份数示例有限公司"})
    login(page, base, "lz-clerk")
    page.goto(f"{base}/web/#/case/lianzhou/{case['id']}")
    page.locator("button[data-action=accept]").click()
    receipt = page.locator(".counter-receipt")

    def count(material: str, form: str) -> Any:
        return receipt.locator(f".receipt-row[data-material={material}] .receipt-form:has(input[data-form={form}]) input.count")

    # 注销登记申请书: 原件1份, no copy; 人民法院裁定: a copy only; 授权委托书: one of each
    for material, original, copy in (("m01", "1", "0"), ("m08", "0", "1"), ("m07", "1", "1")):
        expect(count(material, "original")).to_have_value(original)
        expect(count(material, "copy")).to_have_value(copy)
    # a copy the item does not ask for, received anyway: one; unticked, the count is the item's again
    receipt.locator(".receipt-row[data-material=m01] input[data-form=copy]").check()
    expect(count("m01", "copy")).to_have_value("1")
    expect(count("m01", "copy")).to_be_enabled()
    receipt.locator(".receipt-row[data-material=m01] input[data-form=copy]").uncheck()
    expect(count("m01", "copy")).to_have_value("0")
    expect(count("m01", "copy")).to_be_disabled()

    # received as the item asks: the application's original, the ruling's copy; the server takes it
    receipt.locator(".receipt-row[data-material=m01] input[data-form=original]").check()
    receipt.locator(".receipt-row[data-material=m08] input[data-form=copy]").check()
    points = page.locator(f".param-form {at('/checklist')} input[type=checkbox]")
    for i in range(points.count()):
        points.nth(i).check()
    page.check(f".param-form {at('/originalsChecked')} input[type=checkbox]")
    page.locator("button[data-confirm=accept]").click()
    expect(page.locator("#case-state")).not_to_have_text("待受理", timeout=30_000)
    materials = page.locator("#case-materials")
    expect(materials.locator(".material-row", has_text="注销登记申请书")).to_contain_text("原件1份")
    expect(materials.locator(".material-row", has_text="终结破产程序的裁定")).to_contain_text("复印件1份")
    expect(materials.locator(".material-row", has_text="注销登记申请书")).not_to_contain_text("复印件")
