"""The test hall (``tests.hall``) with the enterprise zone: the tax, social-security and housing-fund
departments added, their reviewers, the two bundles published, and GraphQL helpers."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from typing import Any

from core.services.accounts import Actor, load_grants
from core.services.centers import load_center
from core.services.clock import calendar_for, local_today
from core.services.items import define_item, publish_item
from plugins.enterprise_zone import FORMS
from plugins.enterprise_zone.rules import add_years
from tests.hall import CaseDriver, Hall, build_hall, codes  # noqa: F401  (codes: re-exported for the tests)
from tests.helpers import PASSWORD, center_doc, make_user

EXTRA_DEPARTMENTS = [
    {"code": "swj", "name": "国家税务总局测试县税务局"},
    {"code": "rsj", "name": "测试县人力资源和社会保障局"},
    {"code": "gjj", "name": "测试市住房公积金管理中心测试县管理部"},
]
EXTRA_USERS = {"rev-swj": ("reviewer", "swj"), "rev-rsj": ("reviewer", "rsj"), "rev-gjj": ("reviewer", "gjj"),
               "agent2": ("agent", None)}
CAPACITY = 2
PERSON_A, PERSON_B, PERSON_C = "441882198503120010", "441882199007080026", "441882199201150032"
USCC = "91310115591693856A"


def item_document(code: str) -> dict[str, Any]:
    return json.loads((FORMS / f"{code}.json").read_text("utf-8"))


async def build_zone(govhall: Any, gql: Any) -> Hall:
    """``tests.hall`` plus the departments behind the combined window, with the bundles published."""
    hall = await build_hall(govhall, gql, plugins=["enterprise_zone"])
    doc = center_doc("hall", ["enterprise_zone"], settings={"appointments": {"capacity": CAPACITY}})
    doc["departments"] += EXTRA_DEPARTMENTS
    hall.center = await load_center(doc, govhall.hub)
    for username, (role, department) in EXTRA_USERS.items():
        hall.users[username] = await make_user(username, hall.center, role, department)
        hall.tokens[username] = await gql.login(username, PASSWORD)
    config = hall.users["config1"]
    actor = Actor(user=config, grants=await load_grants(config))
    for code in ("qykb-yjs", "qyzx-yjs"):
        await define_item(govhall, actor, hall.center, item_document(code))
        await publish_item(govhall, actor, hall.center, code)
    return hall


def opening_data(**changes: Any) -> dict[str, Any]:
    """A complete, valid 企业开办 application; dates relative to today so it never ages."""
    today = local_today()
    data: dict[str, Any] = {
        "enterpriseName": "连州市青禾农业科技有限公司",
        "nameDeclarationNo": "LZ2026000017",
        "nameReservedUntil": (today + timedelta(days=30)).isoformat(),
        "companyType": "有限责任公司（自然人投资或控股）",
        "address": "广东省清远市连州市连州镇民族工业园创业路8号",
        "registeredCapital": 100,
        "businessScope": "一般项目：农业技术开发、技术咨询；农产品销售。",
        "operatingTerm": "长期",
        "legalRepresentative": {"name": "李青禾", "idNumber": PERSON_A, "position": "执行公司事务的董事", "mobile": "13800138000"},
        "officers": [
            {"name": "李青禾", "idNumber": PERSON_A, "position": "执行董事"},
            {"name": "王晓岚", "idNumber": PERSON_B, "position": "监事"},
        ],
        "shareholders": [
            {"name": "李青禾", "holderType": "自然人", "idNumber": PERSON_A, "subscribed": 60, "method": "货币", "ratio": 60,
             "dueDate": add_years(today, 3).isoformat()},
            {"name": "王晓岚", "holderType": "自然人", "idNumber": PERSON_B, "subscribed": 40, "method": "货币", "ratio": 40,
             "dueDate": add_years(today, 5).isoformat()},
        ],
        "financeOfficer": {"name": "赵敏", "idNumber": PERSON_C, "mobile": "13900139000"},
        "contactMobile": "13800138000",
        "seals": {"engrave": True, "types": ["单位专用章（公章）", "财务专用章", "发票专用章", "法定代表人名章"], "material": "光敏"},
        "tax": {"taxpayerType": "小规模纳税人", "invoiceNeeded": True, "invoiceTypes": ["数电发票（普通发票）"],
                "monthlyQuantity": 25, "maxAmount": "十万元", "taxUKey": True},
        "socialSecurity": {"employees": 5, "insuredCount": 5, "injuryRiskClass": "一类",
                           "insuranceTypes": ["企业职工基本养老保险", "失业保险", "工伤保险", "职工基本医疗保险（含生育保险）"]},
        "housingFund": {"unitRate": 5, "personalRate": 5, "depositors": 5},
        "delivery": "现场领取",
        "agencyService": False,
    }
    data.update(copy.deepcopy(changes))
    return data


def closing_data(**changes: Any) -> dict[str, Any]:
    """A valid 简易注销 application whose 20-day publicity ended yesterday."""
    today = local_today()
    data: dict[str, Any] = {
        "uscc": USCC, "enterpriseName": "连州市旧木家具有限公司", "cancellationType": "简易注销", "reason": "股东会决议解散",
        "publicityStart": (today - timedelta(days=21)).isoformat(), "publicityEnd": (today - timedelta(days=1)).isoformat(),
        "objection": False, "debts": "未发生债权债务", "branchesCancelled": True, "investmentsCleared": True,
        "tax": {"clearance": "已结清应纳税款", "invoicesCancelled": True},
        "socialSecurity": {"insuredEmployees": 0, "arrearsSettled": True},
        "housingFund": {"accountsSettled": True}, "licenceReturn": "缴回正本和全部副本",
        "contactName": "李青禾", "contactIdNumber": PERSON_A, "contactMobile": "13800138000",
    }
    data.update(copy.deepcopy(changes))
    return data


async def next_workdays(center: Any, count: int) -> list[date]:
    """The next ``count`` working days after today, by the center's calendar."""
    calendar, day, found = await calendar_for(center), local_today(), []
    while len(found) < count:
        day += timedelta(days=1)
        if calendar.is_workday(day):
            found.append(day)
    return found


def next_weekend(after: date) -> date:
    day = after + timedelta(days=1)
    while day.weekday() < 5:
        day += timedelta(days=1)
    return day


ERRORS = "... on UserErrors { errors { path code message } }"
AGENCY_FIELDS = "id itemCode itemName applicant applicantName contactMobile note status statusLabel agent agentName caseId caseNumber"
REQUEST_AGENCY = f"""mutation($c: String!, $i: String!, $m: String!, $n: String) {{
  requestAgency(center: $c, item: $i, contactMobile: $m, note: $n) {{ __typename ... on AgencyRequest {{ {AGENCY_FIELDS} }} {ERRORS} }} }}"""
ASSIGN = f"""mutation($r: ID!, $a: String!) {{
  assignAgent(request: $r, agentUsername: $a) {{ __typename ... on AgencyRequest {{ {AGENCY_FIELDS} }} {ERRORS} }} }}"""
AGENCY_REQUESTS = f"query($c: String!, $s: String) {{ agencyRequests(center: $c, status: $s) {{ {AGENCY_FIELDS} }} }}"
APPOINTMENT_FIELDS = "id itemCode itemName date period delayed status statusLabel user"
BOOK = f"""mutation($c: String!, $i: String!, $d: Date!, $p: String!) {{
  bookAppointment(center: $c, item: $i, date: $d, period: $p) {{ __typename ... on Appointment {{ {APPOINTMENT_FIELDS} }} {ERRORS} }} }}"""
CANCEL = f"""mutation($a: ID!) {{ cancelAppointment(appointment: $a) {{ __typename ... on Appointment {{ {APPOINTMENT_FIELDS} }} {ERRORS} }} }}"""
APPOINTMENTS = f"query($c: String!, $d: Date!) {{ appointments(center: $c, date: $d) {{ {APPOINTMENT_FIELDS} }} }}"
PACK_FIELDS = "id caseId caseNumber enterpriseName contents delivery status statusLabel receiver handedOverBy"
GIFT_PACKS = f"query($c: String!, $s: String) {{ giftPacks(center: $c, status: $s) {{ {PACK_FIELDS} }} }}"
HAND_OVER_PACK = f"""mutation($g: ID!, $r: String!) {{
  handOverGiftPack(giftPack: $g, receiver: $r) {{ __typename ... on GiftPack {{ {PACK_FIELDS} }} {ERRORS} }} }}"""


class ZoneDriver(CaseDriver):
    """:class:`CaseDriver` plus the plugin's fields."""

    async def run(self, user: str, query: str, **variables: Any) -> dict[str, Any]:
        data = await self.gql(query, variables, token=self.hall.tokens[user])
        (value,) = data.values()
        return value


