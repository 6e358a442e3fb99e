"""The pickup window recognises the people of an item made in the designer by their fields' titles.

A county's configurator names the fields' keys as they like (``legalRep`` and ``legalRepId``,
``fddbr`` and ``fddbrsfz``): the legal representative who comes for the licence is still the
applicant's own person, named “法定代表人” beside “法定代表人身份证号”, and so is an employee in a
table row titled “姓名” beside “身份证号”. They collect without a power of attorney, and
``Case.people`` tells the pickup screen so.
"""

from __future__ import annotations

import copy

import pytest

from core.services.accounts import Actor, load_grants
from core.services.items import define_item, publish_item
from tests.hall import PERMIT, CaseDriver, build_hall, codes

pytestmark = pytest.mark.anyio

REP, REP_ID = "王大明", "11010519491231002X"
STAFF, STAFF_ID = "李梅", "440524188001010014"

DESIGNED = {
    **copy.deepcopy(PERMIT), "code": "test-designed", "name": "公共场所卫生许可", "caseKind": "immediate",
    "legalDays": 0, "promisedDays": 0,
    "certificate": {"title": "公共场所卫生许可证", "numberPattern": "WS{year}{seq:05d}", "validYears": 4,
                    "fields": [{"label": "单位名称", "pointer": "/unitName"}, {"label": "法定代表人", "pointer": "/fddbr"}]},
    "form": {
        "type": "object", "title": "申请表", "x-order": ["unitName", "fddbr", "fddbrsfz", "staff"],
        "required": ["unitName", "fddbr", "fddbrsfz"],
        "properties": {
            "unitName": {"type": "string", "title": "单位名称", "maxLength": 100},
            "fddbr": {"type": "string", "title": "法定代表人", "maxLength": 20},
            "fddbrsfz": {"type": "string", "title": "法定代表人身份证号", "format": "resident-id"},
            "staff": {"type": "array", "title": "从业人员", "x-widget": "table", "items": {
                "type": "object", "properties": {
                    "xm": {"type": "string", "title": "姓名", "maxLength": 20},
                    "sfzh": {"type": "string", "title": "身份证号码", "format": "resident-id"},
                    "jkz": {"type": "string", "title": "健康证明编号", "maxLength": 30},
                }}},
        },
    },
}
DATA = {"unitName": "龙门县南昆山温泉度假酒店有限公司", "fddbr": REP, "fddbrsfz": REP_ID,
        "staff": [{"xm": STAFF, "sfzh": STAFF_ID, "jkz": "JK2026-0018"}]}
PEOPLE = "query($id: ID!) { case(id: $id) { people { name idNumber } } }"


@pytest.fixture
async def drive(app, govhall, gql):
    hall = await build_hall(govhall, gql)
    actor = Actor(user=hall.users["config1"], grants=await load_grants(hall.users["config1"]))
    await define_item(govhall, actor, hall.center, copy.deepcopy(DESIGNED))
    await publish_item(govhall, actor, hall.center, "test-designed")
    return CaseDriver(gql, hall)


async def test_the_designed_forms_legal_representative_collects_without_a_power_of_attorney(drive):
    case = await drive.ok("clerk1", await drive.submit("app1", item="test-designed", data=DATA), "finish_on_spot")
    people = (await drive.gql(PEOPLE, {"id": case["id"]}, token=drive.hall.tokens["pick1"]))["case"]["people"]
    assert {"name": REP, "idNumber": REP_ID} in people
    assert {"name": STAFF, "idNumber": STAFF_ID} in people
    # somebody else's number under the representative's name is still refused
    wrong = await drive.act("pick1", case, "deliver", data={"method": "in_person", "receiver": REP, "idNumber": STAFF_ID})
    assert codes(wrong) == ["receiver.not_applicant"]
    done = await drive.ok("pick1", case, "deliver", data={"method": "in_person", "receiver": REP, "idNumber": REP_ID})
    assert done["state"] == "delivered"
    assert "proxy" not in done["events"][-1]["changes"]["params"]


async def test_a_person_in_a_designed_table_row_collects_too(drive):
    case = await drive.ok("clerk1", await drive.submit("app1", item="test-designed", data=DATA), "finish_on_spot")
    done = await drive.ok("pick1", case, "deliver", data={"method": "in_person", "receiver": STAFF, "idNumber": STAFF_ID})
    assert done["state"] == "delivered"


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


async def test_a_receivers_id_number_typed_full_width_is_the_same_number(drive):
    # typed on a Chinese keyboard in full-width mode, in the application and at the pickup window
    data = {**DATA, "fddbrsfz": full_width(REP_ID)}
    case = await drive.ok("clerk1", await drive.submit("app1", item="test-designed", data=data), "finish_on_spot")
    people = (await drive.gql(PEOPLE, {"id": case["id"]}, token=drive.hall.tokens["pick1"]))["case"]["people"]
    assert {"name": REP, "idNumber": REP_ID} in people
    done = await drive.ok("pick1", case, "deliver", data={"method": "in_person", "receiver": STAFF, "idNumber": full_width(STAFF_ID)})
    assert done["state"] == "delivered"
    assert "proxy" not in done["events"][-1]["changes"]["params"]


async def test_a_name_written_with_an_ideographic_space_is_the_name_typed_without_it(drive):
    # forms align two-character names with a full-width space (李　梅); the pickup clerk types 李梅 from the ID card
    data = {**DATA, "staff": [{"xm": "李　梅", "sfzh": STAFF_ID, "jkz": "JK2026-0018"}]}
    case = await drive.ok("clerk1", await drive.submit("app1", item="test-designed", data=data), "finish_on_spot")
    done = await drive.ok("pick1", case, "deliver", data={"method": "in_person", "receiver": STAFF, "idNumber": STAFF_ID})
    assert done["state"] == "delivered"
    assert "proxy" not in done["events"][-1]["changes"]["params"]


async def test_a_receivers_name_typed_with_spaces_is_the_same_name(drive):
    case = await drive.ok("clerk1", await drive.submit("app1", item="test-designed", data=DATA), "finish_on_spot")
    done = await drive.ok("pick1", case, "deliver", data={"method": "in_person", "receiver": "王 大明", "idNumber": REP_ID})
    assert done["state"] == "delivered"
