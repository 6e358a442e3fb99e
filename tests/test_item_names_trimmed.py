"""Item names with spaces around them (the full-width 　 too) are stored without them, whichever way the
item comes in: ``defineItem`` (tests/test_walk22_inputs.py), an item file loaded into a center
(``govhall items load``, the demo, a plugin's items) and the catalogue import all go through
``item_definitions.trimmed_names``. A file naming " 测试经营许可　" is the item 测试经营许可, not a
new version of it under another name."""

from __future__ import annotations

import copy
import json

import pytest

from core.plumbing.errors import UserErrorsException
from core.plumbing.models import Item, ItemVersion
from core.services.item_catalogue_import import import_catalogue
from core.services.items import load_items_dir
from tests.cli import run
from tests.hall import PERMIT
from tests.helpers import center_doc, make_center
from tests.test_item_catalogue_import import ROWS, admin_actor

SPACED = "\u3000 测试经营许可 \u3000"


def _spaced_permit() -> dict:
    doc = copy.deepcopy(PERMIT)
    doc["name"] = SPACED
    doc["materials"][0]["name"] = " 申请书\u3000"
    return doc


@pytest.mark.anyio
async def test_an_item_file_loaded_into_a_center_stores_its_names_trimmed(govhall, tmp_path):
    center = await make_center(govhall.hub, code="trim")
    folder = tmp_path / "items"
    folder.mkdir()
    (folder / "permit.json").write_text(json.dumps(_spaced_permit(), ensure_ascii=False), "utf-8")
    (published,) = await load_items_dir(govhall, center, folder)
    assert published.name == "测试经营许可"
    draft = (await Item.get(center=center, code="test-permit")).draft
    assert draft["name"] == "测试经营许可" and draft["materials"][0]["name"] == "申请书"
    # the same file with the names written without spaces is the same item, unchanged: no new version
    (folder / "permit.json").write_text(json.dumps({**_spaced_permit(), "name": "测试经营许可",
                                                    "materials": draft["materials"]}, ensure_ascii=False), "utf-8")
    assert await load_items_dir(govhall, center, folder) == []
    assert await ItemVersion.filter(center=center).count() == 1
    # a name of spaces only is too short, as on defineItem, and names its file
    (folder / "permit.json").write_text(json.dumps({**PERMIT, "name": "\u3000\u3000 "}, ensure_ascii=False), "utf-8")
    with pytest.raises(UserErrorsException) as refused:
        await load_items_dir(govhall, center, folder)
    assert [(e.path, e.code) for e in refused.value.errors] == [("/name", "minLength")]
    assert refused.value.errors[0].message.startswith("permit.json/name：")


def test_govhall_items_load_publishes_the_trimmed_name_once(upgraded_db, tmp_path):
    (tmp_path / "c.json").write_text(json.dumps(center_doc("trimcli", plugins=[]), ensure_ascii=False), "utf-8")
    assert run(["center", "load", str(tmp_path / "c.json")], upgraded_db).returncode == 0
    items = tmp_path / "items"
    items.mkdir()
    (items / "permit.json").write_text(json.dumps(_spaced_permit(), ensure_ascii=False), "utf-8")
    first = run(["items", "load", str(items), "--center", "trimcli"], upgraded_db)
    assert first.returncode == 0, first.stderr
    assert "trimcli：已发布 test-permit 第1版：测试经营许可\n" in first.stdout
    (items / "permit.json").write_text(json.dumps(PERMIT, ensure_ascii=False), "utf-8")
    again = run(["items", "load", str(items), "--center", "trimcli"], upgraded_db)
    assert again.returncode == 0, again.stderr
    assert "trimcli：发布 0 个事项" in again.stdout


@pytest.mark.anyio
async def test_the_catalogue_import_trims_names_as_define_item_does_those_kept_from_the_draft_too(govhall):
    center = await make_center(govhall.hub, code="trimcat")
    actor = await admin_actor(center)
    food = copy.deepcopy(ROWS[0])
    food["事项名称"] = "\u3000食品经营许可（新办） "
    food["申请材料"][0]["材料名称"] = "\u3000" + food["申请材料"][0]["材料名称"]
    (created,) = (await import_catalogue(govhall, actor, center, [food])).items
    assert (created.status, created.name) == ("created", "食品经营许可（新办）")
    draft = (await Item.get(center=center, code=created.code)).draft
    assert draft["name"] == "食品经营许可（新办）" and draft["materials"][0]["name"] == "食品经营许可（新办）申请书"
    # a draft stored with spaces around its names (a file loaded before they were trimmed): the
    # province's next export, without a name or materials, leaves it the item named without them
    item = await Item.get(center=center, code=created.code)
    item.draft = {**draft, "name": " 食品经营许可（新办）\u3000", "materials": [{**draft["materials"][0], "name": " 申请书\u3000"}]}
    await item.save()
    update = {k: v for k, v in food.items() if k not in ("事项名称", "申请材料")}
    (updated,) = (await import_catalogue(govhall, actor, center, [update])).items
    assert (updated.status, updated.name) == ("updated", "食品经营许可（新办）")
    draft = (await Item.get(center=center, code=created.code)).draft
    assert draft["name"] == "食品经营许可（新办）" and draft["materials"][0]["name"] == "申请书"
