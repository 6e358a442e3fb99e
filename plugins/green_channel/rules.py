"""Who may use the green channel (绿色通道受理范围, the approval center's rules), and "process first, supplement later".

Pure functions: no database. Amounts are in 万 (ten thousand) of the currency the rule names, as the
forms write them: a foreign-invested enterprise's capital in 万美元, a domestic enterprise's capital
and a construction project's investment in 万元. "以上" includes the threshold itself (民法典第一千
二百五十九条), so exactly 1000万美元 qualifies and 999.99万美元 does not.

Input (the ``input`` JSON of ``checkGreenEligibility`` / ``registerGreenProject``)::

    kind                "enterprise" (企业投资项目) | "construction" (基本建设项目)
    investor            "foreign" | "domestic"   (enterprise projects with a capital amount)
    registeredCapital   注册资本, 万 of the investor's currency
    capitalIncrease     增资额, idem
    investment          基本建设项目投资额, 万元
    keyProject          true when the city lists it as a key project; keyProjectDocument its 文号
    leaderAssigned      true when city leaders assigned it; leaderInstruction the 批示/交办单 reference
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from core.api import FormatProblem, UserError, check_uscc

KINDS: dict[str, str] = {"enterprise": "企业投资项目", "construction": "基本建设项目"}
INVESTORS: dict[str, str] = {"foreign": "外商投资企业", "domestic": "内资企业"}

FOREIGN_CAPITAL = Decimal(1000)  # 万美元
DOMESTIC_CAPITAL = Decimal(5000)  # 万元
CONSTRUCTION_INVESTMENT = Decimal(5000)  # 万元
MAX_AMOUNT = Decimal(10) ** 12  # 万: anything larger is a typing slip

SCOPES: dict[str, str] = {
    "key_project": "市委、市政府确定的重点实事项目",
    "foreign_capital": "注册资本或增资额在1000万美元以上的外商投资企业设立登记项目",
    "domestic_capital": "注册资本或增资额在5000万元以上的内资企业设立登记项目",
    "construction_investment": "投资额在5000万元以上的基本建设项目",
    "leader_assigned": "市委、市政府领导交办的重要事项",
}


@dataclass(frozen=True)
class Basis:
    """One scope of the approval center's rules the project falls under, with what shows it."""

    code: str
    label: str
    detail: str


@dataclass(frozen=True)
class Eligibility:
    """``basis``: every scope the project falls under; ``errors``: problems with the input itself;
    ``unmet``: every scope it misses, each naming its threshold."""

    basis: tuple[Basis, ...]
    errors: tuple[UserError, ...] = ()
    unmet: tuple[UserError, ...] = ()
    amounts: Mapping[str, Any] = field(default_factory=dict)

    @property
    def eligible(self) -> bool:
        return bool(self.basis) and not self.errors

    @property
    def reasons(self) -> list[UserError]:
        """Why it is not eligible, all at once (一次性告知): empty when it is."""
        return [] if self.eligible else [*self.errors, *([] if self.basis else self.unmet)]


def wan(amount: Decimal, unit: str) -> str:
    """``Decimal("999.90"), "万美元"`` → ``999.9万美元``."""
    text = format(amount.normalize(), "f")
    return f"{text}{unit}"


def _amount(data: Mapping[str, Any], key: str, label: str, errors: list[UserError]) -> Decimal | None:
    """A non-negative amount, or None when not given; a bad value is an input error."""
    value = data.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        errors.append(UserError("type", f"{label}应为数字（单位：万）", f"/{key}"))
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        errors.append(UserError("type", f"{label}应为数字（单位：万）", f"/{key}"))
        return None
    if not amount.is_finite() or amount > MAX_AMOUNT:
        errors.append(UserError("maximum", f"{label}数额无效或过大（单位：万）", f"/{key}"))
        return None
    if amount < 0:
        errors.append(UserError("minimum", f"{label}不能为负数", f"/{key}"))
        return None
    return amount


def _designated(
    data: Mapping[str, Any], flag: str, ref: str, code: str, ref_label: str, errors: list[UserError]
) -> Basis | UserError | None:
    """A scope shown by a flag and a reference (重点项目的认定文号, 领导交办的批示编号)."""
    given = data.get(flag)
    if given is not None and not isinstance(given, bool):
        errors.append(UserError("type", f"{flag} 应为 true 或 false", f"/{flag}"))
        return None
    reference = str(data.get(ref) or "").strip()
    if given is True or reference:
        if not reference:
            errors.append(UserError("required", f"“{SCOPES[code]}”须填写{ref_label}", f"/{ref}"))
            return None
        return Basis(code, SCOPES[code], f"{ref_label}：{reference}")
    return UserError(f"green.{code}", f"未列为“{SCOPES[code]}”（如是，请填写{ref_label}）", f"/{flag}")


def _enterprise(data: Mapping[str, Any], errors: list[UserError], amounts: dict[str, Any]) -> Basis | UserError | None:
    bad = len(errors)
    capital = _amount(data, "registeredCapital", "注册资本", errors)
    increase = _amount(data, "capitalIncrease", "增资额", errors)
    investor = data.get("investor")
    given = [a for a in (capital, increase) if a is not None]
    need = f"外商投资企业{wan(FOREIGN_CAPITAL, '万美元')}、内资企业{wan(DOMESTIC_CAPITAL, '万元')}以上（含本数）"
    if investor is None or investor == "":
        if given:
            errors.append(UserError("required", "请选择投资者类型：外商投资企业（foreign）或内资企业（domestic）", "/investor"))
            return None
        if len(errors) > bad:
            return None
        return UserError("green.capital", f"未填写注册资本或增资额：企业投资项目须注册资本或增资额达到{need}", "/registeredCapital")
    if not isinstance(investor, str) or investor not in INVESTORS:
        errors.append(UserError("enum", "投资者类型应为外商投资企业（foreign）或内资企业（domestic）", "/investor"))
        return None
    if len(errors) > bad:
        return None
    foreign = investor == "foreign"
    threshold, unit = (FOREIGN_CAPITAL, "万美元") if foreign else (DOMESTIC_CAPITAL, "万元")
    code = "foreign_capital" if foreign else "domestic_capital"
    amounts.update(investor=investor, currency="USD" if foreign else "CNY", unit=unit,
                   registeredCapital=_text(capital), capitalIncrease=_text(increase))
    shown = "，".join(
        f"{label}{wan(a, unit)}" for label, a in (("注册资本", capital), ("增资额", increase)) if a is not None
    ) or "未填写注册资本或增资额"
    if any(a >= threshold for a in given):
        return Basis(code, SCOPES[code], shown)
    return UserError(
        "green.capital",
        f"{INVESTORS[investor]}注册资本或增资额须在{wan(threshold, unit)}以上（含本数）：本项目{shown}",
        "/registeredCapital",
    )


def _construction(data: Mapping[str, Any], errors: list[UserError], amounts: dict[str, Any]) -> Basis | UserError | None:
    bad = len(errors)
    investment = _amount(data, "investment", "投资额", errors)
    if len(errors) > bad:
        return None
    amounts.update(currency="CNY", unit="万元", investment=_text(investment))
    need = f"基本建设项目投资额须在{wan(CONSTRUCTION_INVESTMENT, '万元')}以上（含本数）"
    if investment is None:
        return UserError("green.investment", f"未填写投资额：{need}", "/investment")
    if investment >= CONSTRUCTION_INVESTMENT:
        return Basis("construction_investment", SCOPES["construction_investment"], f"投资额{wan(investment, '万元')}")
    return UserError("green.investment", f"{need}：本项目投资额{wan(investment, '万元')}", "/investment")


def _text(amount: Decimal | None) -> str | None:
    return None if amount is None else format(amount.normalize(), "f")


def assess(data: Any) -> Eligibility:
    """Is the project in the green channel's scope? Every basis it has, or every reason it has none."""
    if not isinstance(data, Mapping):
        return Eligibility((), (UserError("type", "项目信息应为对象", ""),))
    errors: list[UserError] = []
    amounts: dict[str, Any] = {}
    outcomes: list[Basis | UserError | None] = [
        _designated(data=data, flag="keyProject", ref="keyProjectDocument", code="key_project", ref_label="认定文件（办文单）文号", errors=errors)
    ]
    kind = data.get("kind")
    if kind == "enterprise":
        outcomes.append(_enterprise(data, errors, amounts))
    elif kind == "construction":
        outcomes.append(_construction(data, errors, amounts))
    else:
        errors.append(UserError("enum" if kind else "required",
                                "请选择项目类别：企业投资项目（enterprise）或基本建设项目（construction）", "/kind"))
    outcomes.append(
        _designated(data=data, flag="leaderAssigned", ref="leaderInstruction", code="leader_assigned", ref_label="领导批示或交办单编号", errors=errors)
    )
    basis = tuple(o for o in outcomes if isinstance(o, Basis))
    unmet = tuple(o for o in outcomes if isinstance(o, UserError))
    return Eligibility(basis, tuple(errors), unmet, amounts)


def _named(definition: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The item's materials by name and by code."""
    found: dict[str, Mapping[str, Any]] = {}
    for m in definition.get("materials", []):
        found[str(m.get("name", "")).strip()] = m
        if m.get("code"):
            found[str(m["code"])] = m
    return found


def supplement_later(definition: Mapping[str, Any], missing: Any) -> list[UserError]:
    """先办理，后补齐: a green-channel case missing only secondary materials is accepted, not sent back."""
    if not isinstance(missing, list) or not missing:
        return []
    materials = _named(definition)
    names = []
    for entry in missing:
        entry = entry if isinstance(entry, Mapping) else {}
        key = str(entry.get("name") or entry.get("code") or "").strip()
        # picked from the item's list, an entry names its material by code, whatever its name says
        material = materials.get(str(entry.get("code") or "").strip()) or materials.get(key)
        if material is None or not may_follow(material):
            return []
        names.append(str(material.get("name", key)))
    return [UserError(
        "green.supplement_later",
        f"绿色通道项目实行“先办理，后补齐”：所缺{'、'.join(names)}均为次要材料，请先予受理办理，"
        "次要材料由申请人后补（受理时在“后补材料”中勾选）",
        "/missing",
    )]


def may_follow(material: Mapping[str, Any]) -> bool:
    """Only a secondary material may follow after acceptance (先办理，后补齐); a main one never."""
    return material.get("role") == "secondary"


def materials_to_follow_form(definition: Mapping[str, Any]) -> dict[str, Any] | None:
    """The accepting window's choice of the materials that follow (what :func:`materials_to_follow`
    takes), or None for an item with none that may."""
    secondary = [m for m in definition.get("materials", []) if may_follow(m)]
    if not secondary:
        return None
    return {
        "type": "object",
        "properties": {
            "materialsToFollow": {
                "type": "array",
                "title": "后补材料（绿色通道：先办理，后补齐）",
                "description": "勾选尚未提交、允许受理后补齐的次要材料；主件不能后补",
                "x-widget": "checkbox",
                "uniqueItems": True,
                "items": {
                    "type": "string",
                    "enum": [str(m.get("code") or m.get("name")) for m in secondary],
                    "x-enumNames": [str(m.get("name") or m.get("code")) for m in secondary],
                },
            },
        },
    }


def follow_materials(definition: Mapping[str, Any], given: Any) -> tuple[list[tuple[str, str]], list[UserError]]:
    """The secondary materials a green-channel case is accepted without, as ``(code, name)`` in the
    order given (each once), named by code or by name; main ones cannot follow."""
    if given is None:
        return [], []
    if not isinstance(given, list):
        return [], [UserError("type", "后补材料应为材料名称的列表", "/materialsToFollow")]
    materials = _named(definition)
    found: dict[str, str] = {}
    errors: list[UserError] = []
    for i, entry in enumerate(given):
        key = str(entry).strip()
        material = materials.get(key)
        if material is None:
            errors.append(UserError("enum", f"本事项没有名为“{key}”的材料", f"/materialsToFollow/{i}"))
        elif not may_follow(material):
            errors.append(UserError("green.main_material",
                                    f"“{material.get('name', key)}”是主件，不能后补，请一次性告知补齐",
                                    f"/materialsToFollow/{i}"))
        else:
            name = str(material.get("name", key))
            found.setdefault(str(material.get("code") or name), name)
    return list(found.items()), errors


def materials_to_follow(definition: Mapping[str, Any], given: Any) -> tuple[list[str], list[UserError]]:
    """The names of the secondary materials a green-channel case is accepted without."""
    found, errors = follow_materials(definition, given)
    return list(dict.fromkeys(name for _, name in found)), errors


def project_fields(data: Mapping[str, Any], default_end_item: str | None) -> tuple[dict[str, Any], list[UserError]]:
    """The register's own fields: project name, applicant, credit code, the item that ends it."""
    errors: list[UserError] = []
    values: dict[str, Any] = {}
    for key, label, limit in (("name", "项目名称", 256), ("applicant", "申请单位（企业）名称", 256)):
        text = str(data.get(key) or "").strip()
        if not text:
            errors.append(UserError("required", f"请填写{label}", f"/{key}"))
        elif len(text) > limit:
            errors.append(UserError("maxLength", f"{label}不能超过{limit}个字", f"/{key}"))
        values[key] = text
    uscc = str(data.get("uscc") or "").strip().upper()
    if uscc:
        try:
            check_uscc(uscc)
        except FormatProblem as exc:
            errors.append(UserError("format.uscc", str(exc), "/uscc"))
    values["uscc"] = uscc
    end_item = str(data.get("endItem") or default_end_item or "").strip()
    if not end_item:
        errors.append(UserError("required", "本中心未设置这类项目默认的终止环节事项，请在“终止环节事项”中选择"
                                "（企业投资项目一般为营业执照，基本建设项目为施工许可证）",
                                "/endItem"))
    values["end_item"] = end_item
    return values, errors

