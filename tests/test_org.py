"""A center's departments and windows kept from the admin screen (saveDepartment, saveWindow, closeWindow), and
我的办件 across all centers (myCases)."""

from __future__ import annotations

import copy

import pytest

from core.services.accounts import Actor, load_grants
from core.services.centers import check_center_document, load_center
from core.services.items import define_item, publish_item
from core.plumbing.models import Case, Center, Department, Window
from tests.hall import PERMIT, CaseDriver, build_hall
from tests.helpers import center_doc

pytestmark = pytest.mark.anyio

ERRORS = "... on UserErrors { errors { path code message } }"
DEPARTMENT = f"""mutation($c: String!, $code: String!, $n: String!, $a: String, $s: String, $new: Boolean!) {{
  saveDepartment(center: $c, code: $code, name: $n, abbreviation: $a, sealName: $s, isNew: $new) {{
    __typename ... on Department {{ code name abbreviation sealName }} {ERRORS} }} }}"""
WINDOW = f"""mutation($c: String!, $code: String!, $n: String!, $k: String!, $d: String, $s: [String!], $new: Boolean!) {{
  saveWindow(center: $c, code: $code, name: $n, kind: $k, department: $d, serves: $s, isNew: $new) {{
    __typename ... on Window {{ code name kind department serves }} {ERRORS} }} }}"""
ORG = "query($c: String!) { center(code: $c) { departments { code name abbreviation sealName } windows { code name kind department serves } } }"
MINE = """query($f: Int!, $a: String) { myCases(first: $f, after: $a) {
  edges { cursor node { number center { code name } item { code } } } pageInfo { hasNextPage endCursor } } }"""


def codes(result):
    return sorted(e["code"] for e in result["errors"]) if result["__typename"] == "UserErrors" else []


@pytest.fixture
async def hall(app, govhall, gql):
    return await build_hall(govhall, gql)


async def test_departments_added_and_changed_by_the_center_managers(hall, gql):
    config, admin = hall.tokens["config1"], hall.tokens["admin1"]
    add = {"c": "hall", "code": "swj", "n": "商务局", "a": "测商审", "s": None, "new": True}
    added = (await gql(DEPARTMENT, add, token=config))["saveDepartment"]
    assert added == {"__typename": "Department", "code": "swj", "name": "商务局", "abbreviation": "测商审", "sealName": ""}
    # the same code again is refused, so is a change of a department that does not exist
    dup = (await gql(DEPARTMENT, {**add, "n": "另一个商务局"}, token=admin))["saveDepartment"]
    assert codes(dup) == ["duplicate"] and "已存在" in dup["errors"][0]["message"]
    assert codes((await gql(DEPARTMENT, {**add, "code": "nope", "new": False}, token=admin))["saveDepartment"]) == ["not_found"]
    # every problem at once, in Chinese, nothing written
    bad = (await gql(DEPARTMENT, {**add, "code": "Bad Code", "n": "  ", "a": "一二三四五六七八九十一二三四五六七"}, token=config))["saveDepartment"]
    assert codes(bad) == ["format.code", "required", "too_long"]
    assert {e["path"] for e in bad["errors"]} == {"/code", "/name", "/abbreviation"}
    assert all("\u4e00" <= e["message"][0] <= "\u9fff" for e in bad["errors"])
    # changed: name, abbreviation and seal caption; the code stays
    changed = (await gql(DEPARTMENT, {**add, "n": "商务和科技局", "s": "测试县商务和科技局审批专用章", "new": False}, token=admin))["saveDepartment"]
    assert changed["name"] == "商务和科技局" and changed["sealName"] == "测试县商务和科技局审批专用章"
    rows = await Department.filter(center_id=hall.center.id, code="swj")
    assert [(r.name, r.abbreviation) for r in rows] == [("商务和科技局", "测商审")]
    listed = (await gql(ORG, {"c": "hall"}))["center"]["departments"]
    assert listed[-1] == {"code": "swj", "name": "商务和科技局", "abbreviation": "测商审", "sealName": "测试县商务和科技局审批专用章"}
    # the same code in another center is that center's business
    assert (await gql(DEPARTMENT, {**add, "c": "other"}, token=admin))["saveDepartment"]["__typename"] == "UserErrors"
    assert not await Department.filter(center_id=hall.other.id, code="swj").exists()


SAVE_ALL = f"""mutation($c: String!, $code: String!, $n: String!, $cat: String, $b: String, $a: String, $s: String) {{
  saveDepartment(center: $c, code: $code, name: $n, category: $cat, backOffice: $b, abbreviation: $a, sealName: $s) {{
    __typename ... on Department {{ name category backOffice abbreviation sealName }} {ERRORS} }} }}"""
RENAME = f"""mutation($c: String!, $code: String!, $n: String!) {{
  saveDepartment(center: $c, code: $code, name: $n) {{
    __typename ... on Department {{ name category backOffice abbreviation sealName }} {ERRORS} }} }}"""


async def test_a_department_field_left_out_of_save_department_keeps_its_value_and_an_empty_one_clears_it(hall, gql):
    """A script that only renames a department (or an older client that does not know the seal
    caption) leaves the other fields out: they stay as they were, as 救济途径 and the center file do;
    null is "not given" too; ``""`` clears."""
    admin = hall.tokens["admin1"]
    full = {"c": "hall", "code": "scjg", "n": "市场监督管理局", "cat": "市场监管", "b": "登记注册科", "a": "测市监审",
            "s": "测试县市场监督管理局审批专用章"}
    assert (await gql(SAVE_ALL, full, token=admin))["saveDepartment"] == {
        "__typename": "Department", "name": "市场监督管理局", "category": "市场监管", "backOffice": "登记注册科",
        "abbreviation": "测市监审", "sealName": "测试县市场监督管理局审批专用章"}
    renamed = (await gql(RENAME, {"c": "hall", "code": "scjg", "n": "测试县市场监督管理局"}, token=admin))["saveDepartment"]
    assert renamed == {"__typename": "Department", "name": "测试县市场监督管理局", "category": "市场监管",
                       "backOffice": "登记注册科", "abbreviation": "测市监审", "sealName": "测试县市场监督管理局审批专用章"}
    nulls = {**full, "cat": None, "b": None, "a": None, "s": None}
    assert (await gql(SAVE_ALL, nulls, token=admin))["saveDepartment"] == {**renamed, "name": "市场监督管理局"}
    cleared = (await gql(SAVE_ALL, {**full, "b": "", "a": " ", "s": ""}, token=admin))["saveDepartment"]
    assert (cleared["category"], cleared["backOffice"], cleared["abbreviation"], cleared["sealName"]) == ("市场监管", "", "", "")
    row = await Department.get(center_id=hall.center.id, code="scjg")
    assert (row.category, row.back_office, row.abbreviation, row.seal_name) == ("市场监管", "", "", "")
    # a value given is still checked; one left out is not (a stored value is never refused again)
    bad = (await gql(SAVE_ALL, {**full, "a": "一二三四五六七八九十一二三四五六七"}, token=admin))["saveDepartment"]
    assert codes(bad) == ["too_long"] and bad["errors"][0]["path"] == "/abbreviation"


async def test_an_unknown_department_category_is_refused_with_the_known_ones(hall, gql):
    """The category picks a joint case's lead department: ``small_business`` would never match the
    rules, so saveDepartment and the center file refuse it, naming the categories there are."""
    admin = hall.tokens["admin1"]
    full = {"c": "hall", "code": "scjg", "n": "市场监督管理局", "cat": "small_business"}
    refused = (await gql(SAVE_ALL, full, token=admin))["saveDepartment"]
    assert codes(refused) == ["unknown_category"] and refused["errors"][0]["path"] == "/category"
    assert refused["errors"][0]["message"] == (
        "部门类别“small_business”未知：联办件牵头部门按类别判定，可用类别为发展改革、经济信息、住房建设、市场监管，或留空")
    assert (await Department.get(center_id=hall.center.id, code="scjg")).category == "市场监管"
    assert (await gql(SAVE_ALL, {**full, "cat": ""}, token=admin))["saveDepartment"]["category"] == ""

    doc = center_doc("cats")
    doc["departments"][0]["category"] = "small_business"
    found = {(e.code, e.path) for e in check_center_document(doc, [])}
    assert ("unknown_category", "/departments/0/category") in found


async def test_department_categories_offered_to_the_center_managers_only(hall, gql):
    """The admin screen's drop-down: the categories saveDepartment accepts, each with what it leads."""
    query = "query($c: String!) { departmentCategories(center: $c) { code label } }"
    for user in ("admin1", "config1"):
        found = (await gql(query, {"c": "hall"}, token=hall.tokens[user]))["departmentCategories"]
        assert found == [
            {"code": "发展改革", "label": "发展改革（牵头：建设项目、房地产开发）"},
            {"code": "经济信息", "label": "经济信息（牵头：技术改造）"},
            {"code": "住房建设", "label": "住房建设（牵头：公用事业）"},
            {"code": "市场监管", "label": "市场监管（牵头：小型企业）"},
        ], user
    for category in [c["code"] for c in found]:  # every one offered is accepted
        saved = (await gql(SAVE_ALL, {"c": "hall", "code": "scjg", "n": "市场监督管理局", "cat": category}, token=hall.tokens["admin1"]))
        assert saved["saveDepartment"]["category"] == category
    for user in ("clerk1", "head1", "sup1", "app1", "clerk-other"):
        refused = await gql.raw(query, {"c": "hall"}, token=hall.tokens[user])
        assert refused["errors"] and "需要以下角色之一" in refused["errors"][0]["message"], user


async def test_windows_added_and_changed_by_the_center_managers(hall, gql):
    config = hall.tokens["config1"]
    add = {"c": "hall", "code": "A02", "n": "综合受理二号窗口", "k": "comprehensive", "d": None, "s": ["scjg", "zjj", "scjg"], "new": True}
    added = (await gql(WINDOW, add, token=config))["saveWindow"]
    assert added == {"__typename": "Window", "code": "A02", "name": "综合受理二号窗口", "kind": "comprehensive", "department": None, "serves": ["scjg", "zjj"]}
    assert codes((await gql(WINDOW, {**add, "code": "A01"}, token=config))["saveWindow"]) == ["duplicate"]
    bad = (await gql(WINDOW, {**add, "n": "", "k": "kiosk", "d": "nope", "s": ["scjg", "ghost"]}, token=config))["saveWindow"]
    assert codes(bad) == ["duplicate", "required", "unknown_department", "unknown_department", "unknown_kind"]
    assert {e["path"] for e in bad["errors"]} >= {"/department", "/serves/1", "/kind", "/name"}
    assert any("本中心没有部门“ghost”" == e["message"] for e in bad["errors"])
    window = await Window.get(center_id=hall.center.id, code="A02")
    assert (window.name, window.serves) == ("综合受理二号窗口", ["scjg", "zjj"])
    # a special window of a department
    changed = (await gql(WINDOW, {**add, "n": "市场监管专业窗口", "k": "special", "d": "scjg", "s": [], "new": False}, token=config))["saveWindow"]
    assert changed == {"__typename": "Window", "code": "A02", "name": "市场监管专业窗口", "kind": "special", "department": "scjg", "serves": []}
    windows = (await gql(ORG, {"c": "hall"}))["center"]["windows"]
    assert {"code": "A02", "name": "市场监管专业窗口", "kind": "special", "department": "scjg", "serves": []} in windows
    assert {"code": "A01", "name": "综合受理窗口", "kind": "comprehensive", "department": None, "serves": ["scjg", "zjj"]} in windows


async def test_a_new_window_code_differing_from_one_only_in_case_is_refused_and_the_center_file_stores_names_trimmed(hall, gql, govhall):
    config = hall.tokens["config1"]
    add = {"c": "hall", "code": "a01", "n": "综合受理二号窗口", "k": "comprehensive", "d": None, "s": [], "new": True}
    twin = (await gql(WINDOW, add, token=config))["saveWindow"]
    assert twin["__typename"] == "UserErrors", twin
    assert [(e["code"], e["path"], e["message"]) for e in twin["errors"]] == [
        ("duplicate", "/code", "窗口编号“a01”与已有的“A01”只差大小写，请换一个，或修改已有的窗口")]
    assert not await Window.filter(center_id=hall.center.id, code="a01").exists()
    doc = center_doc("trim")
    doc["departments"][0]["name"] = "　市场监督管理局🏛　"
    doc["windows"][0]["name"] = " 综合受理窗口　"
    center = await load_center(doc, govhall.hub)
    assert (await Department.get(center_id=center.id, code="scjg")).name == "市场监督管理局🏛"
    assert (await Window.get(center_id=center.id, code="A01")).name == "综合受理窗口"


async def test_the_center_file_stores_the_center_name_trimmed_and_refuses_one_of_spaces(govhall):
    """The center's own name, as its departments' and windows': it heads every notice and 告知书, and
    the 文号前缀 left to default is made of its first two characters."""
    doc = center_doc("trimname")
    doc["name"] = "　测试县政务服务中心 \n"
    del doc["docPrefix"]
    center = await load_center(doc, govhall.hub)
    stored = await Center.get(code="trimname")
    assert (center.name, stored.name, stored.doc_prefix) == ("测试县政务服务中心", "测试县政务服务中心", "测试政服")
    blank = {**center_doc("blankname"), "name": "　 　"}
    problems = check_center_document(blank, govhall.hub.installed)
    assert [(e.code, e.path) for e in problems] == [("too_short", "/name")]
    assert problems[0].message == "中心名称至少2个字（前后的空格不算）"


async def test_only_managers_of_that_center_keep_departments_and_windows(hall, gql):
    add = {"c": "hall", "code": "swj", "n": "商务局", "a": None, "s": None, "new": True}
    for user in ("clerk1", "head1", "sup1", "app1", "clerk-other"):
        assert codes((await gql(DEPARTMENT, add, token=hall.tokens[user]))["saveDepartment"]) == ["forbidden"], user
        win = {"c": "hall", "code": "Z9", "n": "某窗口", "k": "special", "d": None, "s": None, "new": True}
        assert codes((await gql(WINDOW, win, token=hall.tokens[user]))["saveWindow"]) == ["forbidden"], user
    assert codes((await gql(DEPARTMENT, add))["saveDepartment"]) == ["forbidden"]  # not signed in
    assert codes((await gql(DEPARTMENT, {**add, "c": "nowhere"}, token=hall.tokens["admin1"]))["saveDepartment"]) == ["unknown_center"]
    assert not await Department.filter(code="swj").exists()
    assert not await Window.filter(code="Z9").exists()


CLOSE = f"""mutation($c: String!, $code: String!, $r: Boolean!) {{
  closeWindow(center: $c, code: $code, reopen: $r) {{ __typename ... on Window {{ code closed closedAt }} {ERRORS} }} }}"""
LISTED = """query($c: String!) { center(code: $c) { open: windows { code } all: windows(includeClosed: true) { code closed } } }"""


async def test_a_window_closed_by_the_center_managers_takes_no_new_cases_and_its_cases_keep_it(hall, gql):
    """撤销: the row stays (a case accepted there still names it), the default list and the accepting
    window leave it out; the last pickup window is refused until another is made one; 恢复 reopens."""
    admin, config = hall.tokens["admin1"], hall.tokens["config1"]
    cases = CaseDriver(gql, hall)
    before = await cases.act("clerk1", await cases.submit("app1"), "accept")
    a01 = await Window.get(center_id=hall.center.id, code="A01")
    assert (await Case.get(id=int(before["id"]))).window_id == a01.id  # type: ignore[attr-defined]

    for user in ("clerk1", "head1", "sup1", "app1", "clerk-other"):
        refused = (await gql(CLOSE, {"c": "hall", "code": "A01", "r": False}, token=hall.tokens[user]))["closeWindow"]
        assert codes(refused) == ["forbidden"], user
    assert codes((await gql(CLOSE, {"c": "hall", "code": "ZZ", "r": False}, token=admin))["closeWindow"]) == ["not_found"]
    closed = (await gql(CLOSE, {"c": "hall", "code": "A01", "r": False}, token=admin))["closeWindow"]
    assert closed["__typename"] == "Window" and closed["closed"] is True and closed["closedAt"]
    listed = (await gql(LISTED, {"c": "hall"}))["center"]
    assert "A01" not in [w["code"] for w in listed["open"]] and "C01" in [w["code"] for w in listed["open"]]
    assert {"code": "A01", "closed": True} in listed["all"] and {"code": "C01", "closed": False} in listed["all"]

    # a case accepted now is not at the closed window (none other serves the department); the first keeps it
    after = await cases.act("clerk1", await cases.submit("app1", allow_duplicate=True), "accept")
    assert (await Case.get(id=int(after["id"]))).window_id is None  # type: ignore[attr-defined]
    assert (await Case.get(id=int(before["id"]))).window_id == a01.id  # type: ignore[attr-defined]

    # the center's only pickup window stays until another is made one
    refused = (await gql(CLOSE, {"c": "hall", "code": "C01", "r": False}, token=config))["closeWindow"]
    assert codes(refused) == ["last_pickup_window"] and "出件窗口" in refused["errors"][0]["message"]
    assert (await Window.get(center_id=hall.center.id, code="C01")).closed_at is None
    add = {"c": "hall", "code": "C02", "n": "新出件窗口", "k": "pickup", "d": None, "s": None, "new": True}
    assert (await gql(WINDOW, add, token=config))["saveWindow"]["__typename"] == "Window"
    assert (await gql(CLOSE, {"c": "hall", "code": "C01", "r": False}, token=config))["closeWindow"]["closed"] is True
    assert codes((await gql(CLOSE, {"c": "hall", "code": "C02", "r": False}, token=config))["closeWindow"]) == ["last_pickup_window"]
    made_special = {**add, "k": "special", "new": False}  # nor made another kind while it is the only one
    assert codes((await gql(WINDOW, made_special, token=config))["saveWindow"]) == ["last_pickup_window"]
    assert (await Window.get(center_id=hall.center.id, code="C02")).kind == "pickup"

    # 恢复: listed and accepting again
    reopened = (await gql(CLOSE, {"c": "hall", "code": "A01", "r": True}, token=admin))["closeWindow"]
    assert reopened == {"__typename": "Window", "code": "A01", "closed": False, "closedAt": None}
    assert "A01" in [w["code"] for w in (await gql(LISTED, {"c": "hall"}))["center"]["open"]]
    again = await cases.act("clerk1", await cases.submit("app1", allow_duplicate=True), "accept")
    assert (await Case.get(id=int(again["id"]))).window_id == a01.id  # type: ignore[attr-defined]


async def test_my_cases_across_all_centers_in_one_list(hall, gql, govhall):
    config = hall.users["config1"]
    from core.services.accounts import grant_role

    await grant_role(config, hall.other, "configurator")
    actor = Actor(user=config, grants=await load_grants(config))
    await define_item(govhall, actor, hall.other, copy.deepcopy(PERMIT))
    await publish_item(govhall, actor, hall.other, PERMIT["code"])
    cases = CaseDriver(gql, hall)
    first = await cases.submit("app1")
    second = await cases.submit("app1", center="other")
    third = await cases.submit("app1", allow_duplicate=True)
    await cases.submit("app2", center="other")  # somebody else's
    assert {c["__typename"] for c in (first, second, third)} == {"Case"}

    page = (await gql(MINE, {"f": 2, "a": None}, token=hall.tokens["app1"]))["myCases"]
    got = [(e["node"]["number"], e["node"]["center"]["code"]) for e in page["edges"]]
    assert got == [(third["number"], "hall"), (second["number"], "other")]
    assert page["edges"][1]["node"]["center"]["name"] == "other县政务服务中心"
    assert page["pageInfo"]["hasNextPage"] is True
    rest = (await gql(MINE, {"f": 2, "a": page["pageInfo"]["endCursor"]}, token=hall.tokens["app1"]))["myCases"]
    assert [e["node"]["number"] for e in rest["edges"]] == [first["number"]] and rest["pageInfo"]["hasNextPage"] is False
    # staff see no applicant's cases here; a bad cursor is a user error
    assert (await gql(MINE, {"f": 20, "a": None}, token=hall.tokens["clerk1"]))["myCases"]["edges"] == []
    refused = await gql.raw(MINE, {"f": 20, "a": "bm9wZQ=="}, token=hall.tokens["app1"])
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    anonymous = await gql.raw(MINE, {"f": 20, "a": None})
    assert anonymous["errors"][0]["extensions"]["code"] in ("UNAUTHENTICATED", "FORBIDDEN")


async def test_the_center_file_records_a_closed_window_and_a_reload_keeps_or_reopens_it(hall, govhall):
    """``"closed": true`` closes a window from the load on (its time kept by later loads), ``false``
    reopens it, a window without the key keeps what is stored (closed on 中心管理 stays closed); a file
    closing the last open pickup window is refused and writes nothing."""
    from core.plumbing.errors import UserErrorsException
    from core.services.centers import load_center

    def doc(**closed: bool) -> dict:
        loaded = center_doc("hall")
        for window in loaded["windows"]:
            if window["code"] in closed:
                window["closed"] = closed[window["code"]]
        return loaded

    def window(code: str):
        return Window.get(center_id=hall.center.id, code=code)

    await load_center(doc(A01=True), govhall.hub)
    closed_at = (await window("A01")).closed_at
    assert closed_at is not None
    await load_center(doc(A01=True), govhall.hub)  # closed already: its time stays
    assert (await window("A01")).closed_at == closed_at
    await load_center(doc(), govhall.hub)  # no key: kept as stored
    assert (await window("A01")).closed_at == closed_at
    await load_center(doc(A01=False), govhall.hub)
    assert (await window("A01")).closed_at is None

    with pytest.raises(UserErrorsException) as refused:
        await load_center({**doc(A01=True, C01=True), "name": "改名的中心"}, govhall.hub)
    assert [(e.code, e.path) for e in refused.value.errors] == [("last_pickup_window", "/windows/1/closed")]
    assert "统一出件窗口" in refused.value.errors[0].message
    assert (await window("A01")).closed_at is None and (await window("C01")).closed_at is None  # nothing written
    assert (await Center.get(id=hall.center.id)).name != "改名的中心"

    bad = doc()
    bad["windows"][0]["closed"] = "yes"
    assert [e.path for e in check_center_document(bad, govhall.hub.installed)] == ["/windows/0/closed"]
