"""数据交换 in the browser: an administrator finds a dead letter in the outbox (the receiver above
the county refused it), re-sends it once the receiver is fixed, and previews a provincial item
catalogue import. The server's own dispatcher delivers (as in ``govhall serve``)."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from plugins.exchange.tests.receiver import SECRET, Receiver
from tests.demo_copy import demo_database
from tests.test_web import ROOT, browser_page, login, require_browser, serving  # noqa: F401
from tests.test_web_screens import COMPANY, Api

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CATALOGUE = ROOT / "tests" / "data" / "province-catalogue.json"


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    found = Receiver().start()
    yield found
    found.stop()


@pytest.fixture(scope="module")
def web_server(tmp_path_factory: pytest.TempPathFactory, receiver: Receiver) -> Iterator[str]:
    """The demo on a fresh SQLite database; Lianzhou enables the exchange plugin with one webhook
    to ``receiver``; the server dispatches every half second."""
    require_browser()
    db = tmp_path_factory.mktemp("exchange") / "web.sqlite3"
    url = demo_database(db)
    env = {**os.environ, "GOVHALL_DATABASE_URL": url, "GOVHALL_OUTBOX_SECONDS": "0.5",
           "GOVHALL_OUTBOX_BACKOFF_SECONDS": "0.5", "GOVHALL_OUTBOX_MAX_ATTEMPTS": "3"}
    with sqlite3.connect(db) as conn:
        plugins, settings = conn.execute("SELECT plugins, settings FROM center WHERE code = 'lianzhou'").fetchone()
        settings = {**json.loads(settings or "{}"), "exchange": {"connectors": [
            {"name": "city", "type": "webhook", "url": receiver.url, "secret": SECRET, "events": ["case.submitted"], "timeout": 2}]}}
        conn.execute("UPDATE center SET plugins = ?, settings = ? WHERE code = 'lianzhou'",
                     (json.dumps([*json.loads(plugins), "exchange"]), json.dumps(settings, ensure_ascii=False)))
    with serving(url, env, db.parent / "server.log") as base:
        yield base


def wait_for(predicate: Any, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_admin_sees_a_dead_letter_and_resends_it(web_server: str, browser_page: Any, receiver: Receiver, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page, api = browser_page, Api(web_server)
    receiver.refuse_all = True  # the city's platform answers 400 (a field it does not accept)
    case = api.submit()
    state = lambda: api("admin", 'query { outboxEvents(center: "lianzhou", first: 5) { subject state } }')["outboxEvents"]  # noqa: E731
    wait_for(lambda: any(e["subject"] == case["number"] and e["state"] == "dead" for e in state()))
    login(page, web_server, "admin")
    page.goto(f"{web_server}/web/#/exchange/lianzhou?tab=outbox")
    row = page.locator("#outbox-table tr[data-state=dead]").filter(has_text=case["number"])
    expect(row).to_have_count(1)
    expect(row).to_contain_text("case.submitted")
    expect(row).to_contain_text("HTTP 400")
    expect(page.locator("#outbox-summary a[data-state=dead]")).to_contain_text("死信 1")
    # the connection itself: where it posts, signed, and its last attempt refused
    connection = page.locator("#connectors-table tr[data-connector=city]")
    expect(connection).to_contain_text(receiver.url)
    expect(connection).to_contain_text("已签名")
    expect(connection).to_contain_text("成功 0 次，失败 1 次")
    expect(connection).to_contain_text("接收方返回 HTTP 400")
    expect(connection).to_have_attribute("data-ok", "false")
    row.locator("details.attempts summary").click()
    expect(row.locator("details.attempts")).to_contain_text("exchange:city")
    page.screenshot(path=str(tmp_path / "outbox-dead.png"), full_page=True)
    event_id = row.get_attribute("data-event")
    receiver.refuse_all = False  # fixed on their side
    row.locator("button.resend").click()
    expect(page.locator("#banner")).to_contain_text("已重新排队投递")
    wait_for(lambda: event_id in receiver.acked)
    accepted = api.accepted()  # its case.accepted goes to no connection (the city takes only case.submitted)
    wait_for(lambda: any(e["subject"] == accepted["number"] and e["kind"] == "case.accepted" and e["state"] == "delivered"
                         for e in api("admin", 'query { outboxEvents(center: "lianzhou", first: 20) { subject kind state } }')["outboxEvents"]))
    page.goto(f"{web_server}/web/#/exchange/lianzhou?tab=outbox&state=delivered")
    delivered = page.locator(f"#outbox-table tr[data-event='{event_id}']")
    expect(delivered).to_have_attribute("data-state", "delivered")
    expect(delivered).to_contain_text("已送达")
    # an event no connection subscribes to is not said to be delivered
    unsent = page.locator("#outbox-table tr[data-state=delivered]").filter(has_text="case.accepted").first
    expect(unsent).to_contain_text("无订阅，未外发")
    expect(unsent).not_to_contain_text("已送达")
    expect(page.locator("#outbox-summary a[data-state=dead]")).to_contain_text("死信 0")
    expect(page.locator("#connectors-table tr[data-connector=city]")).to_have_attribute("data-ok", "true")
    assert receiver.processed[event_id] == 1
    # a center that sends nothing above says so
    page.goto(f"{web_server}/web/#/exchange/wengyuan?tab=outbox")
    expect(page.locator("#exchange-connectors")).to_contain_text("未启用数据交换")


def test_admin_previews_a_catalogue_import(web_server: str, browser_page: Any) -> None:
    from playwright.sync_api import expect

    page = browser_page
    login(page, web_server, "admin")
    page.goto(f"{web_server}/web/#/exchange/wengyuan?tab=catalogue")
    page.set_input_files("#catalogue-file", str(CATALOGUE))
    page.click("#catalogue-preview")
    report = page.locator("#catalogue-report")
    expect(report).to_contain_text("预览（未保存）")
    expect(page.locator("#catalogue-items tbody tr")).to_have_count(22)
    expect(page.locator("#catalogue-items tr[data-status=failed]").first).to_contain_text("未导入")
    expect(page.locator("#catalogue-items tr[data-code='11441882MB2C0001']")).to_contain_text("权力来源：法定本级行使")
    # an XLSX whose 申请材料 sheet has a material of a 实施编码 no item has: told above the items
    from tests.test_item_catalogue_import import ROWS, workbook

    xlsx = workbook(ROWS[:1], strays=[("11441882MB2C9999", "无主材料")])
    page.set_input_files("#catalogue-file", files=[{"name": "目录.xlsx", "buffer": xlsx,
                                                    "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.click("#catalogue-preview")
    expect(page.locator("#catalogue-items tbody tr")).to_have_count(1)
    expect(report).to_contain_text("“申请材料”表第4行的材料的实施编码“11441882MB2C9999”在事项表中没有对应的事项，未导入")
