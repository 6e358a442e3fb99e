"""The department's review in the browser, in Lianzhou.

A joint case (联办件) decided by a chief representative of the whole center (首席代表 without a
department): they choose which department's opinion they give, as the server allows
(``transitionCase(data: {department})``), instead of always the first open task; a reviewer of one
department is not asked. One department refusing its part while the others approve leaves the case
partly granted (部分准予): the applicant sees each part's result, on the case page and in 我的办件. A survey (现场勘查) holding the legal clock: the case page says so and how
many working days are left, as the extension notice does, not the date from before the survey.

Runs against its own demo server (see tests/test_web.py). Lianzhou's one_window plugin is switched
off first (its hand-overs are tested elsewhere); the cases are filed and accepted through GraphQL.
"""

from __future__ import annotations

import re

from pathlib import Path
from typing import Any

import pytest

from tests.test_web import browser_page, login, logout, web_server  # noqa: F401  (fixtures)
from tests.test_web_decisions import Api

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PERMIT = {  # 建筑工程施工许可证核发: 住建局 with 发改局 and 国土资源局
    "builderName": "连州市城北置业有限公司", "builderUscc": "91350100M000100Y43", "builderLegalRep": "王五",
    "contactName": "李四", "contactMobile": "13800138001", "projectCode": "2026-441882-47-03-000001",
    "projectName": "城北花园1号楼", "siteAddress": "连州市城北路8号", "projectCategory": "房屋建筑", "floorArea": 12000,
    "floorsAbove": 18, "floorsBelow": 1, "structureType": "剪力墙", "contractPrice": 3500,
    "plannedStart": "2026-12-15", "plannedCompletion": "2028-06-30",
    "participants": [
        {"role": "施工单位", "unitName": "连州建工集团有限公司", "unitUscc": "91350100M000100Y43", "managerName": "赵六",
         "managerCertNo": "粤1442020202100001"},
        {"role": "设计单位", "unitName": "清远设计院有限公司", "unitUscc": "91350100M000100Y43", "managerName": "钱七",
         "managerCertNo": "粤1442020202100002"},
    ],
    "drawingReviewAgency": "清远市施工图审查中心", "drawingReviewCertNo": "QY-2026-001",
    "planningPermitNo": "建字第441882202600001号", "landDocumentNo": "粤(2026)连州市不动产权第0000001号",
    "fundingSource": "民间自筹", "specialConstruction": False, "fundsCommitment": True,
}
RECEIVED = [{"material": m, "form": "original", "count": 1} for m in ("m01", "m04", "m05", "m07", "m08", "m09")]


def test_a_head_of_the_whole_center_chooses_the_department_of_a_joint_task(web_server: str, browser_page: Any, tmp_path: Path) -> None:  # noqa: F811
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    api = Api(base)
    api("admin", 'mutation { setPluginEnabled(center: "lianzhou", plugin: "one_window", enabled: false) { __typename } }')
    filed = api("lisi", """mutation($d: JSON!) { submitCase(center: "lianzhou", item: "zjj-sgxk", data: $d) {
        __typename ... on Case { id } ... on UserErrors { errors { path message } } } }""", d=PERMIT)["submitCase"]
    assert filed["__typename"] == "Case", filed
    case_id = filed["id"]
    api.act("lz-clerk", case_id, "accept", {"received": RECEIVED})

    # --- the chief representative (no department): 国土资源局 has no reviewer of its own
    login(page, base, "lz-head")
    page.goto(f"{base}/web/#/case/lianzhou/{case_id}")
    expect(page.locator("#case-state")).to_have_text("审查中")
    page.fill("#action-comment", "用地批准手续与建设地址不符")
    page.locator("button[data-action=refuse_task]").click()
    choice = page.locator(".action-params [data-path='/department']")
    expect(choice).to_contain_text("连州市住房和城乡规划建设局")
    expect(choice).to_contain_text("连州市发展和改革局（牵头）")
    choice.get_by_label("连州市国土资源局").check()
    page.locator(".action-params [data-path='/basis'] textarea").fill("《中华人民共和国土地管理法》第五十六条")
    page.screenshot(path=str(tmp_path / "joint-task-department.png"), full_page=True)
    page.locator("button[data-confirm=refuse_task]").click()
    page.locator("dialog.confirm-dialog button[data-dialog=confirm]").click()
    expect(page.locator("tr", has_text="连州市国土资源局").last).to_contain_text("不予许可")
    expect(page.locator("tr", has_text="连州市住房和城乡规划建设局").last).to_contain_text("办理中")
    state = api("lz-head", f'{{ case(id: "{case_id}") {{ state tasks {{ department state comment }} }} }}')["case"]
    assert state["state"] == "under_review"
    assert {t["department"]: t["state"] for t in state["tasks"]} == {"zjj": "open", "fgj": "open", "zrzy": "refused"}

    # --- a reviewer of one department gives that department's opinion: nothing to choose
    logout(page)
    login(page, base, "lz-fgj")
    page.goto(f"{base}/web/#/case/lianzhou/{case_id}")
    page.fill("#action-comment", "项目已备案，同意")
    page.locator("button[data-action=approve_task]").click()
    expect(page.locator(".action-params [data-path='/department']")).to_have_count(0)
    page.locator("dialog.confirm-dialog button[data-dialog=confirm]").click()
    expect(page.locator("tr", has_text="连州市发展和改革局").last).to_contain_text("准予")

    # --- the last department approves: the land part alone is refused, the permit granted (部分准予);
    # the applicant sees each part's result on the case page and in 我的办件
    done = api("lz-zjj", """mutation($id: ID!) { transitionCase(id: $id, action: "approve_task", comment: "符合发证条件，同意") {
        __typename ... on Case { state } } }""", id=case_id)["transitionCase"]
    assert done == {"__typename": "Case", "state": "partly_approved"}, done
    logout(page)
    login(page, base, "lisi")
    page.goto(f"{base}/web/#/case/lianzhou/{case_id}")
    expect(page.locator("#case-state")).to_have_text("部分准予，待出件")
    land = page.locator("#case-parts tr[data-part=zrzy]")
    expect(land).to_contain_text("连州市国土资源局")
    expect(land).to_contain_text("不予许可")
    expect(land).to_contain_text("用地批准手续与建设地址不符")
    expect(land).to_contain_text("依据：《中华人民共和国土地管理法》第五十六条")
    expect(page.locator("#case-parts tr[data-part=zjj]")).to_contain_text("准予")
    page.goto(f"{base}/web/#/mine")
    parts = page.locator(f"tr[data-case='{filed_number(api, case_id)}'] .part-results")
    # a part the item does not name is its department's, named once
    expect(parts.locator("li[data-part=zrzy]")).to_have_text("连州市国土资源局：不予许可，理由：用地批准手续与建设地址不符")
    expect(parts.locator("li[data-part=fgj]")).to_have_text("连州市发展和改革局：准予")


def filed_number(api: Any, case_id: str) -> str:
    return api("lisi", f'{{ case(id: "{case_id}") {{ number }} }}')["case"]["number"]


FOOD = {  # 食品经营许可（新办）, a restaurant
    "operatorName": "连州市张三小吃店", "uscc": "91350100M000100Y43", "legalRepName": "张三",
    "legalRepIdNumber": "11010519491231002X", "legalRepMobile": "13800138000", "residence": "连州市中山路1号",
    "premises": "连州市中山路1号一楼", "entityType": "餐饮服务经营者", "businessItems": ["热食类食品制售"], "area": 60,
    "safetyManager": {"name": "李四", "idNumber": "11010519491231002X", "mobile": "13900139000"}, "staffCount": 4,
    "seats": 20, "onlineSales": False, "procedure": "一般程序", "equipment": [{"name": "冰箱", "quantity": 2, "location": "后厨"}],
}


def test_a_survey_shows_the_working_days_left_not_the_date_from_before_it(web_server: str, browser_page: Any) -> None:  # noqa: F811
    from playwright.sync_api import expect

    base, page = web_server, browser_page
    api = Api(base)
    api("admin", 'mutation { setPluginEnabled(center: "lianzhou", plugin: "one_window", enabled: false) { __typename } }')
    filed = api("zhangsan", """mutation($d: JSON!) { submitCase(center: "lianzhou", item: "scjg-spjyxk", data: $d) {
        __typename ... on Case { id } ... on UserErrors { errors { path message } } } }""", d=FOOD)["submitCase"]
    assert filed["__typename"] == "Case", filed
    case_id = filed["id"]
    api.act("lz-clerk", case_id, "accept", {"received": [{"material": m, "form": "original", "count": 1} for m in ("m01", "m03", "m04")]})
    api.act("lz-scjg", case_id, "request_survey", {"reason": "site_survey"})
    api("lz-head", """mutation($id: ID!) { transitionCase(id: $id, action: "extend", comment: "需征求消防部门意见", data: {days: 5}) {
        __typename } }""", id=case_id)
    held = api("lz-scjg", f'{{ case(id: "{case_id}") {{ promisedDue pausedLimits {{ kind remaining }} }} }}')["case"]
    (legal,) = held["pausedLimits"]
    assert legal["kind"] == "legal"

    for user in ("lz-scjg", "zhangsan"):
        login(page, base, user)
        page.goto(f"{base}/web/#/case/lianzhou/{case_id}")
        expect(page.locator("#legal-due")).to_have_text(re.compile(rf"^暂停计时（.+起现场勘查），恢复后尚余{legal['remaining']}个工作日$"))
        expect(page.locator("#promised-due")).to_contain_text("2026年")  # the promise keeps running (the center's default)
        logout(page)
