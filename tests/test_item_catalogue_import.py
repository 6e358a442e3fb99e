"""Importing a provincial item catalogue export (22 items, JSON and XLSX) into item drafts."""

from __future__ import annotations

import base64
import copy
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.services.accounts import Actor, load_grants
from core.services.item_catalogue_import import import_catalogue, read_catalogue, read_xlsx, xlsx_supported
from core.plumbing.models import Item
from tests.helpers import PASSWORD, make_center, make_user

pytestmark = pytest.mark.anyio

DATA = Path(__file__).resolve().parent / "data" / "province-catalogue.json"
ROWS = read_catalogue(json.loads(DATA.read_text("utf-8")))

IMPORT = """mutation($c: String!, $cat: JSON, $x: String, $dry: Boolean) {
  importItemCatalogue(center: $c, catalogue: $cat, xlsxBase64: $x, dryRun: $dry) { __typename
    ... on CatalogueImport { created updated unchanged failed dryRun
      items { code name status changes { path change description } unmapped { element value reason } problems { path code message } } }
    ... on UserErrors { errors { path code message } } } }"""


async def admin_actor(center):
    user = await make_user("catadmin", center, "admin")
    return Actor(user=user, grants=await load_grants(user))


def by_code(result):
    return {i.code: i for i in result.items}


async def test_catalogue_import_maps_elements_reports_the_rest_and_shows_changes_again(govhall, gql):
    assert len(ROWS) >= 20
    center = await make_center(govhall.hub, code="cat")
    actor = await admin_actor(center)
    result = await import_catalogue(govhall, actor, center, copy.deepcopy(ROWS))
    items = by_code(result)
    assert (result.count("created"), result.count("failed")) == (20, 2)
    permit = items["11441882MB2C0001"]
    draft = (await Item.get(center=center, code=permit.code)).draft
    assert draft["name"] == "食品经营许可（新办）" and draft["department"] == "scjg" and draft["basicCode"] == "000001127004"
    assert draft["legalDays"] == 20 and draft["promisedDays"] == 5 and draft["itemType"] == "行政许可"
    assert draft["serviceObject"] == ["法人", "其他组织"] and draft["channels"] == ["window", "web"]
    assert draft["fees"] == {"charged": False, "basis": "本事项不收费"}
    assert draft["phones"] == {"consultation": "0763-6600000", "supervision": "12345"} and draft["visits"] == 1
    assert [m["role"] for m in draft["materials"]] == ["main", "secondary"] and draft["materials"][1]["copies"] == 1
    assert draft["process"] == "standard" and draft["form"]["required"] == ["applicantName"]
    # elements with no place in an item document, and values that cannot be read, are reported
    assert {u["element"] for u in permit.unmapped} == {"权力来源", "行使层级"}
    assert {"数量限制", "权力来源", "行使层级"} == {u["element"] for u in items["11441882MB2C0002"].unmapped}
    assert any(u["element"] == "中介服务" for u in items["11441882MB2C0003"].unmapped)
    assert any(u["element"] == "事项类型" and "GB/T 39046" in u["reason"] for u in items["11441882MB2C0005"].unmapped)
    assert any(u["element"] == "办理形式" for u in items["11441882MB2C0006"].unmapped)
    assert any(u["element"] == "申请材料[3].电子证照标识" for u in items["11441882MB2C0007"].unmapped)
    assert any(u["element"] == "到办事现场次数" for u in items["11441882MB2C0009"].unmapped)
    fee = (await Item.get(center=center, code="11441882MB2C0008")).draft["fees"]
    assert fee == {"charged": True, "amount": 50.0, "basis": "《某省行政事业性收费目录》"}
    quick = (await Item.get(center=center, code="11441882MB2C9002")).draft
    assert quick["caseKind"] == "immediate" and quick["serviceObject"] == ["法人", "自然人"]
    # an unknown department, a natural-day time limit: reported, not stored
    failed = {i.code: i for i in result.items if i.status == "failed"}
    assert set(failed) == {"11441882MB2C0004", "11441882MB2C9001"}
    assert any(u["element"] == "实施主体" and "卫生健康局" in u["value"] for u in failed["11441882MB2C9001"].unmapped)
    assert any(p.path == "/department" for p in failed["11441882MB2C9001"].problems)
    assert any(u["element"] == "法定办结时限" for u in failed["11441882MB2C0004"].unmapped)
    assert not await Item.exists(center=center, code="11441882MB2C9001")
    # the configurator finished one draft's form; the province changed two elements: re-import
    item = await Item.get(center=center, code="11441882MB2C0001")
    item.draft = {**item.draft, "form": {**item.draft["form"], "title": "食品经营许可申请表"}}
    await item.save()
    again = copy.deepcopy(ROWS)
    again[0]["承诺办结时限"] = "3个工作日"
    again[0]["受理条件"] += "；经营场所已取得消防安全检查合格意见"
    await gql.login("catadmin", PASSWORD)
    token = await gql.login("catadmin", PASSWORD)
    body = await gql(IMPORT, {"c": "cat", "cat": {"items": again}}, token=token)
    summary = body["importItemCatalogue"]
    assert (summary["created"], summary["updated"], summary["unchanged"], summary["failed"]) == (0, 1, 19, 2)
    (updated,) = [i for i in summary["items"] if i["status"] == "updated"]
    assert updated["code"] == "11441882MB2C0001"
    assert {c["path"] for c in updated["changes"]} == {"/promisedDays", "/conditions"}
    assert all(c["description"] for c in updated["changes"])
    draft = (await Item.get(center=center, code="11441882MB2C0001")).draft
    assert draft["promisedDays"] == 3 and draft["form"]["title"] == "食品经营许可申请表"  # the form is kept
    # only administrators and configurators import
    clerk = await make_user("catclerk", center, "clerk")
    refused = await gql(IMPORT, {"c": "cat", "cat": ROWS}, token=await gql.login(clerk.username, PASSWORD))
    assert refused["importItemCatalogue"]["errors"][0]["code"] == "forbidden"
    bad = await gql(IMPORT, {"c": "cat", "cat": {"items": "x"}}, token=token)
    assert bad["importItemCatalogue"]["errors"][0]["code"] == "catalogue.shape"


def workbook(rows, item_code=str, material_code=str, strays=()) -> bytes:
    """The catalogue as an export's two sheets; ``item_code``/``material_code`` write each sheet's
    实施编码 (as pasted: spaces, full width…), ``strays`` are more 申请材料 rows (实施编码, 材料名称)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "事项"
    headers = list(dict.fromkeys(k for r in rows for k in r if k != "申请材料"))
    sheet.append(headers)
    for r in rows:
        sheet.append([item_code(r[h]) if h == "实施编码" else "\n".join(r[h]) if isinstance(r.get(h), list) else r.get(h)
                      for h in headers])
    materials = book.create_sheet("申请材料")
    columns = ["实施编码", "材料名称", "来源渠道", "原件份数", "复印件份数", "是否必要", "材料类型"]
    materials.append(columns)
    for r in rows:
        for m in r.get("申请材料", []):
            materials.append([material_code(r["实施编码"]), *[m.get(c) for c in columns[1:]]])
    for code, name in strays:
        materials.append([code, name])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.skipif(not xlsx_supported(), reason="openpyxl is not installed: JSON only")
async def test_xlsx_catalogue_gives_the_same_drafts_and_dry_run_stores_nothing(govhall, gql):
    center = await make_center(govhall.hub, code="catx")
    await make_user("catadmin", center, "admin")
    token = await gql.login("catadmin", PASSWORD)
    data = workbook(ROWS)
    rows, problems = read_xlsx(data)
    assert problems == [] and len(rows) == len(ROWS) and rows[0]["申请材料"][0]["材料名称"] == "食品经营许可（新办）申请书"
    preview = (await gql(IMPORT, {"c": "catx", "x": base64.b64encode(data).decode(), "dry": True}, token=token))["importItemCatalogue"]
    assert (preview["dryRun"], preview["created"], preview["failed"]) == (True, 20, 2)
    assert not await Item.exists(center=center)
    stored = (await gql(IMPORT, {"c": "catx", "x": base64.b64encode(data).decode()}, token=token))["importItemCatalogue"]
    assert stored["created"] == 20
    draft = (await Item.get(center=center, code="11441882MB2C0001")).draft
    assert draft["legalBasis"] == ROWS[0]["设定依据"] and len(draft["materials"]) == 2
    garbage = await gql(IMPORT, {"c": "catx", "x": base64.b64encode(b"not a workbook").decode()}, token=token)
    assert garbage["importItemCatalogue"]["errors"][0]["code"] == "xlsx.unreadable"


@pytest.mark.skipif(not xlsx_supported(), reason="openpyxl is not installed: JSON only")
async def test_xlsx_materials_find_their_item_by_a_code_pasted_with_spaces_and_the_others_are_reported(govhall, gql):
    """The 实施编码 on either sheet as pasted from the provincial system: spaces around it (the
    full-width one too), the cell's line break, full-width letters and digits. Each item keeps its
    materials; a 申请材料 row of a code no item has, or of none, is told, not dropped unsaid."""
    center = await make_center(govhall.hub, code="catsp")
    await make_user("catadmin", center, "admin")
    token = await gql.login("catadmin", PASSWORD)
    rows = copy.deepcopy(ROWS[:3])
    pasted = {rows[0]["实施编码"]: (f" {rows[0]['实施编码']}\n", f"{rows[0]['实施编码']}　"),
              rows[1]["实施编码"]: (rows[1]["实施编码"], "".join(chr(ord(c) + 0xFEE0) for c in rows[1]["实施编码"])),
              rows[2]["实施编码"]: (f"{rows[2]['实施编码']}　", f"\n{rows[2]['实施编码']} ")}
    data = workbook(rows, item_code=lambda c: pasted[c][0], material_code=lambda c: pasted[c][1],
                    strays=[("11441882MB2C9999 ", "无主材料甲"), ("11441882mb2c9999", "无主材料乙"), (None, "无编码材料")])
    done = (await gql(IMPORT_PROBLEMS, {"c": "catsp", "x": base64.b64encode(data).decode()}, token=token))["importItemCatalogue"]
    assert done["created"] == 3, done
    for row in rows:
        draft = (await Item.get(center=center, code=row["实施编码"])).draft
        assert [m["name"] for m in draft["materials"]] == [m["材料名称"] for m in row["申请材料"]], row["实施编码"]
    assert done["problems"] == [
        {"path": "/申请材料/8/实施编码", "code": "catalogue.unmatched_materials",
         "message": "“申请材料”表第8、9行的材料的实施编码“11441882MB2C9999”在事项表中没有对应的事项，未导入：请核对两张表的实施编码"},
        {"path": "/申请材料/10/实施编码", "code": "catalogue.unmatched_materials",
         "message": "“申请材料”表第10行的材料没有填写实施编码，不知道属于哪个事项，未导入：请填上所属事项的实施编码"},
    ]


IMPORT_PROBLEMS = """mutation($c: String!, $x: String) { importItemCatalogue(center: $c, xlsxBase64: $x) { __typename
  ... on CatalogueImport { created problems { path code message } } ... on UserErrors { errors { path code message } } } }"""


def test_cli_reports_every_item(tmp_path):
    root = Path(__file__).resolve().parent.parent
    env = {"PYTHONPATH": str(root), "GOVHALL_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    run = lambda *args: subprocess.run([sys.executable, "-m", "core.faces.cli", *args], cwd=tmp_path, env=env,  # noqa: E731
                                       capture_output=True, text=True, timeout=120)
    assert run("db", "upgrade").returncode == 0
    center = tmp_path / "center.json"
    from tests.helpers import center_doc

    center.write_text(json.dumps(center_doc("cli")), "utf-8")
    assert run("center", "load", str(center)).returncode == 0
    done = run("catalogue", "import", str(DATA), "--center", "cli", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "新建 20，更新 0，无变化 0，未导入 2；预览（未保存）" in done.stdout
    assert "未对应：权力来源 = 法定本级行使" in done.stdout
    missing = run("catalogue", "import", str(DATA), "--center", "nope")
    assert missing.returncode == 2 and "不存在" in missing.stderr


async def test_a_department_named_with_the_county_before_it_is_the_catalogues_implementing_body(govhall):
    """A county's center file names its departments in full (阳山县市场监督管理局) where the
    catalogue writes 市场监督管理局, or the other way round: the one department that matches so is
    the item's; two that would match are none, reported once (no 部门“” 不是本中心的部门 beside it)."""
    from core.services.centers import load_center
    from tests.helpers import center_doc

    doc = center_doc("yangshan")
    doc["departments"] = [
        {"code": "scjg", "name": "阳山县市场监督管理局"},
        {"code": "zjj", "name": "阳山县住房和城乡建设局"},
        {"code": "zjj2", "name": "阳山县城区住房和城乡建设局"},  # 住房和城乡建设局: which one? neither
        {"code": "gaj", "name": "公安局"},
    ]
    doc["windows"] = []
    center = await load_center(doc, govhall.hub)
    rows = copy.deepcopy(ROWS)
    police = next(r for r in rows if r["实施主体"] == "公安局")
    police["实施主体"] = "阳山县公安局"
    result = await import_catalogue(govhall, await admin_actor(center), center, rows, dry_run=True)
    items = by_code(result)
    food = items["11441882MB2C0001"]
    assert food.status == "created" and not any(u["element"] == "实施主体" for u in food.unmapped)
    assert items[police["实施编码"]].status == "created"
    built = items["11441882MB2C0007"]
    assert built.status == "failed" and any(u["element"] == "实施主体" for u in built.unmapped)
    assert [(p.path, p.code) for p in built.problems] == [("/department", "pattern")]


async def test_a_keywords_column_gives_each_item_its_keywords_split_at_every_separator(govhall, gql):
    """关键词 (又称) as exports write them in one cell: 、 ， , ; ； and spaces (the full-width one too),
    each word once; words the item document cannot keep are reported at their place, as the designer's."""
    center = await make_center(govhall.hub, code="catk")
    actor = await admin_actor(center)
    rows = copy.deepcopy(ROWS[:3])
    rows[0]["关键词"] = " 开饭店、餐饮许可证，食品许可,小卖部;便利店；超市 　奶茶店 开饭店"
    rows[1]["又称"] = ["摆摊 路边摊", "摆摊"]
    rows[2]["关键词"] = "ＡＢ、ab"  # the same word to the hall's search
    result = by_code(await import_catalogue(govhall, actor, center, rows))
    first = (await Item.get(center=center, code="11441882MB2C0001")).draft
    assert first["keywords"] == ["开饭店", "餐饮许可证", "食品许可", "小卖部", "便利店", "超市", "奶茶店"]
    assert {u["element"] for u in result["11441882MB2C0001"].unmapped} == {"权力来源", "行使层级"}
    assert (await Item.get(center=center, code="11441882MB2C0002")).draft["keywords"] == ["摆摊", "路边摊"]
    third = result["11441882MB2C0003"]
    assert third.status == "failed"
    assert [(p.path, p.code) for p in third.problems] == [("/keywords/1", "duplicate_keyword")]
    if xlsx_supported():  # the same column in a workbook
        await make_user("catadmin2", center, "admin")
        token = await gql.login("catadmin2", PASSWORD)
        rows[0]["关键词"] = "开饭店 小吃店、开饭店"
        stored = await gql(IMPORT, {"c": "catk", "x": base64.b64encode(workbook(rows[:1])).decode()}, token=token)
        assert stored["importItemCatalogue"]["updated"] == 1
        assert (await Item.get(center=center, code="11441882MB2C0001")).draft["keywords"] == ["开饭店", "小吃店"]
