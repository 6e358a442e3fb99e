"""What a zone clerk checks on the bundles beyond the form's schema, each with a JSON pointer and a
Chinese message (一次性告知: every problem at once). Sources: items.md items 1, 2, 3, 13, 14."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from core.api import UserError, cn_date, local_today

from .bundles import CLOSING, OPENING

CAPITAL_YEARS = 5  # 公司法第四十七条: subscribed capital paid within 5 years of establishment
SUPERVISORS = frozenset({"监事会主席", "监事"})
DIRECTORS_AND_MANAGERS = frozenset({"董事长", "执行董事", "董事", "经理", "财务负责人"})
PUBLICITY_GRACE_DAYS = 20  # 公司法第二百四十条: apply within 20 days after the 20-day publicity
CREDITOR_DAYS = 45  # 公司法第二百三十五条: 45 days after the creditors' announcement


def check(item_code: str, data: Mapping[str, Any], today: date | None = None) -> list[UserError]:
    """The problems of one bundle case's data; [] for other items."""
    today = today or local_today()
    if item_code == OPENING:
        return opening_errors(data, today)
    if item_code == CLOSING:
        return closing_errors(data, today)
    return []


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _amount(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def opening_errors(data: Mapping[str, Any], today: date) -> list[UserError]:
    return [*_name(data, today), *_capital(data, today), *_officers(data), *_services(data)]


def _name(data: Mapping[str, Any], today: date) -> list[UserError]:
    reserved = _date(data.get("nameReservedUntil", ""))
    if reserved and reserved < today:
        return [UserError("name_expired", f"名称保留期已于{cn_date(reserved)}届满，请重新申报名称", "/nameReservedUntil")]
    return []


def _capital(data: Mapping[str, Any], today: date) -> list[UserError]:
    errors = []
    holders = list(data.get("shareholders") or [])
    latest = add_years(today, CAPITAL_YEARS)
    for i, holder in enumerate(holders):
        due = _date(holder.get("dueDate", ""))
        if due and due > latest:
            errors.append(UserError(
                "capital_term", f"股东“{holder.get('name', '')}”的出资期限{cn_date(due)}超过公司成立之日起5年"
                f"（公司法第四十七条），最迟应为{cn_date(latest)}", f"/shareholders/{i}/dueDate"))
    subscribed = round(sum(_amount(h.get("subscribed")) for h in holders), 2)
    capital = round(_amount(data.get("registeredCapital")), 2)
    if holders and subscribed != capital:
        errors.append(UserError(
            "capital_sum", f"股东认缴出资额合计{subscribed:g}万元，与注册资本{capital:g}万元不一致", "/registeredCapital"))
    ratio = round(sum(_amount(h.get("ratio")) for h in holders), 2)
    if holders and ratio != 100:
        errors.append(UserError("ratio_sum", f"股东出资比例合计应为100%，现为{ratio:g}%", "/shareholders"))
    return errors


def _officers(data: Mapping[str, Any]) -> list[UserError]:
    officers = list(data.get("officers") or [])
    managing = {o.get("idNumber") for o in officers if o.get("position") in DIRECTORS_AND_MANAGERS}
    return [
        UserError("supervisor_conflict", f"“{o.get('name', '')}”已任董事或高级管理人员，不得兼任监事", f"/officers/{i}")
        for i, o in enumerate(officers) if o.get("position") in SUPERVISORS and o.get("idNumber") in managing
    ]


def _services(data: Mapping[str, Any]) -> list[UserError]:
    errors = []
    seals, tax = data.get("seals") or {}, data.get("tax") or {}
    social, fund = data.get("socialSecurity") or {}, data.get("housingFund") or {}
    if seals.get("engrave") and not seals.get("types"):
        errors.append(UserError("seal_types", "已申请刻制印章，请至少选择一种印章", "/seals/types"))
    if tax.get("invoiceNeeded"):
        if not tax.get("invoiceTypes"):
            errors.append(UserError("invoice_types", "已申请领用发票，请选择发票种类", "/tax/invoiceTypes"))
        if not tax.get("monthlyQuantity"):
            errors.append(UserError("invoice_quantity", "已申请领用发票，请填写每月最高领用数量", "/tax/monthlyQuantity"))
    employees = social.get("employees")
    if isinstance(employees, int):
        if social.get("insuredCount", 0) > employees:
            errors.append(UserError("insured_count", f"首批参保人数不能超过从业人员数（{employees}人）", "/socialSecurity/insuredCount"))
        if fund.get("depositors", 0) > employees:
            errors.append(UserError("depositors", f"公积金缴存人数不能超过从业人员数（{employees}人）", "/housingFund/depositors"))
    bank = data.get("bankAccount") or {}
    if bank.get("appointment") and not bank.get("bank"):
        errors.append(UserError("bank", "已预约银行开户，请填写开户银行及网点", "/bankAccount/bank"))
    return errors


def closing_errors(data: Mapping[str, Any], today: date) -> list[UserError]:
    errors = []
    if data.get("cancellationType") == "简易注销":
        errors += _simple(data, today)
    elif data.get("cancellationType") == "普通注销":
        notice = _date(data.get("creditorNoticeDate", ""))
        if notice and today < notice + timedelta(days=CREDITOR_DAYS):
            first = cn_date(notice + timedelta(days=CREDITOR_DAYS))
            errors.append(UserError("creditor_period", f"债权申报期为公告之日起45日，{first}起方可申请注销",
                                    "/creditorNoticeDate"))
    if data.get("branchesCancelled") is False:
        errors.append(UserError("branches", "分支机构须先行注销", "/branchesCancelled"))
    if (data.get("socialSecurity") or {}).get("arrearsSettled") is False:
        errors.append(UserError("social_arrears", "社会保险费结清后方可注销", "/socialSecurity/arrearsSettled"))
    if (data.get("tax") or {}).get("invoicesCancelled") is False:
        errors.append(UserError("invoices", "发票缴销、税务UKey交回后方可清税注销", "/tax/invoicesCancelled"))
    return errors


def _simple(data: Mapping[str, Any], today: date) -> list[UserError]:
    errors = []
    start, end = _date(data.get("publicityStart", "")), _date(data.get("publicityEnd", ""))
    if start and end and (end - start).days + 1 < 20:
        errors.append(UserError("publicity_days", "简易注销公示期不少于20日", "/publicityEnd"))
    if end and today <= end:
        errors.append(UserError("publicity_running", f"公示期至{cn_date(end)}，期满后方可申请简易注销", "/publicityEnd"))
    elif end and today > end + timedelta(days=PUBLICITY_GRACE_DAYS):
        last = cn_date(end + timedelta(days=PUBLICITY_GRACE_DAYS))
        errors.append(UserError("publicity_lapsed", f"应在公示期满之日起20日内（最迟{last}）申请，已逾期的须重新公示",
                                "/publicityEnd"))
    if data.get("objection"):
        errors.append(UserError("objection", "公示期内有异议的，不适用简易注销", "/objection"))
    if data.get("investmentsCleared") is False:
        errors.append(UserError("investments", "对外投资未清理的，不适用简易注销", "/investmentsCleared"))
    return errors
