"""Importing a provincial item catalogue export (事项目录) into item drafts.

A catalogue export lists items by the national 事项 elements, named in Chinese (事项名称, 基本编码,
实施编码, 事项类型, 实施主体, 设定依据, 法定办结时限, 承诺办结时限, 受理条件, 申请材料, 是否收费,
服务对象, 办理形式, 关键词…). Each item is mapped onto an item document (``schemas/item.schema.json``):
an item already in the center (same 实施编码, or the same code) keeps its form, process, documents
and certificate and takes the catalogue's elements; a new one gets the ``standard`` process and a
one-field form for the configurator to finish. Elements that have no place in the item document,
and values that cannot be read, are reported per item; an item whose document is not valid is
reported and not stored. Each stored draft's changes against what was there before are described
like ``itemDraftChanges``, so a re-import shows what the province changed. Nothing is published.

Input: JSON (``{"items": [...]}`` or a list) or, with openpyxl, an XLSX workbook whose first sheet
has one item per row under a header row of element names, and an optional sheet ``申请材料`` with
one material per row (``实施编码``, ``材料名称``, ``来源渠道``, ``原件份数``, ``复印件份数``, ``是否必要``,
``材料类型``), matched to the items by 实施编码 as :func:`formats.code_text` compares codes (spaces,
a pasted line break and full width left out); a material whose 实施编码 no item has is reported with
the import's own problems, not dropped unsaid.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tortoise.transactions import in_transaction

from core.services.accounts import Actor
from core.services.formats import code_text
from core.plumbing.errors import UserError, UserErrorsException
from core.services.item_changes import describe_changes
from core.services.item_definitions import keyword_list, trimmed_names
from core.services.items import CONFIGURATOR_ROLES, check_definition
from core.plumbing.models import Center, Department, Item, ItemVersion

if TYPE_CHECKING:
    from core.services.runtime import GovHall

MAX_ITEMS = 2000
ITEM_TYPES = ("行政许可", "行政处罚", "行政强制", "行政征收", "行政给付", "行政检查", "行政确认", "行政奖励", "行政裁决",
              "其他行政权力", "公共服务", "内部事项")
TYPE_ALIASES = {"行政备案": "其他行政权力", "其他类": "其他行政权力", "其他权力": "其他行政权力"}
OBJECTS = {"自然人": "自然人", "个人": "自然人", "法人": "法人", "企业法人": "法人", "事业单位法人": "法人",
           "其他组织": "其他组织", "非法人组织": "其他组织"}
CHANNELS = {"窗口办理": "window", "窗口": "window", "网上办理": "web", "网上": "web", "全程网办": "web",
            "移动端办理": "mobile", "移动端": "mobile", "掌上办": "mobile", "快递": "courier", "邮寄": "courier"}
NEW_FORM = {
    "type": "object", "title": "申请表", "required": ["applicantName"],
    "properties": {"applicantName": {"type": "string", "title": "申请人名称", "minLength": 2}},
}
# Element names → how they are read. Aliases used by provincial exports map onto the same element.
ALIASES = {
    "事项名称": "name", "基本编码": "basicCode", "实施编码": "implementationCode", "事项类型": "itemType",
    "实施主体": "department", "实施部门": "department", "设定依据": "legalBasis", "法定办结时限": "legalDays",
    "承诺办结时限": "promisedDays", "时限说明": "timeLimitNote", "受理条件": "conditions", "申请材料": "materials",
    "是否收费": "charged", "收费标准": "amount", "收费依据": "feeBasis", "服务对象": "serviceObject",
    "办理形式": "channels", "办理地点": "place", "办理时间": "hours", "咨询电话": "consultation",
    "监督投诉电话": "supervision", "到办事现场次数": "visits", "到现场次数": "visits", "办件类型": "caseKind",
    "办理结果": "resultName", "审批结果名称": "resultName", "事项编码": "code", "关键词": "keywords", "又称": "keywords",
}


@dataclass
class ImportedItem:
    code: str
    name: str
    status: str  # created / updated / unchanged / failed
    changes: list[dict[str, Any]] = field(default_factory=list)
    unmapped: list[dict[str, str]] = field(default_factory=list)
    problems: list[UserError] = field(default_factory=list)


@dataclass
class CatalogueImport:
    center: str
    dry_run: bool
    items: list[ImportedItem]
    problems: list[UserError] = field(default_factory=list)
    """Problems of the file belonging to no item (a 申请材料 row whose 实施编码 no item has)."""

    def count(self, status: str) -> int:
        return sum(1 for i in self.items if i.status == status)


# --- reading files ---------------------------------------------------------------------------------


def xlsx_supported() -> bool:
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        return False
    return True


def read_xlsx(data: bytes) -> tuple[list[dict[str, Any]], list[UserError]]:
    """Rows of the first sheet as element dicts, materials from the ``申请材料`` sheet by 实施编码;
    and the problems of the workbook no item owns (see ``_read_book``), for ``import_catalogue``."""
    if not xlsx_supported():
        raise UserErrorsException.single("xlsx.unsupported", "本系统未安装 openpyxl，只能导入 JSON 目录文件", "/file")
    import openpyxl

    if not data:
        raise UserErrorsException.single("xlsx.empty", "文件是空的（0 字节），没有任何内容，请检查是否选错了文件，或在 Excel/WPS 中重新保存", "/file")
    if data.startswith(OLE_MAGIC):  # .xls of Excel 97–2003, or a workbook saved with a password
        raise UserErrorsException.single("xlsx.unreadable", "这是旧版 Excel（.xls）文件或加了密码的工作簿，不能直接导入：请在 Excel 或 WPS 中"
                                         "打开，去掉密码后“另存为”Excel 工作簿（*.xlsx）", "/file")
    try:
        return _read_book(openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True))
    except Exception:  # noqa: BLE001 - any unreadable workbook or sheet: the reader's English is not for the clerk
        raise UserErrorsException.single("xlsx.unreadable", "不是有效的 Excel（.xlsx）文件，可能已损坏或只是改了扩展名：请在 Excel 或 WPS 中"
                                         "打开后“另存为”Excel 工作簿（*.xlsx）再导入", "/file") from None


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The first bytes of an OLE2 compound file: an old .xls workbook, or an encrypted .xlsx."""


def _read_book(book: Any) -> tuple[list[dict[str, Any]], list[UserError]]:
    """Rows of a workbook's first sheet, with materials from its ``申请材料`` sheet (see ``read_xlsx``).
    The 实施编码 on both sheets is compared as ``code_text`` (`` 1144…0001　``, ``１１４４…`` or one
    pasted with its cell's line break is ``1144…0001``); the materials of a 实施编码 that no item has,
    or of none, are a problem naming their rows on the sheet, as Excel numbers them."""

    def table(sheet: Any) -> list[tuple[int, dict[str, Any]]]:
        rows = list(sheet.iter_rows(values_only=True))
        if not rows:
            return []
        header = [str(h).strip() if h is not None else "" for h in rows[0]]
        return [(line, {h: v for h, v in zip(header, row) if h and v not in (None, "")})
                for line, row in enumerate(rows[1:], start=2) if any(v not in (None, "") for v in row)]

    items = [row for _, row in table(book.worksheets[0])]
    problems: list[UserError] = []
    if "申请材料" in book.sheetnames:
        by_code: dict[str, list[dict[str, Any]]] = {}
        lines: dict[str, tuple[str, list[int]]] = {}  # the code as compared: as first written, its rows
        for line, row in table(book["申请材料"]):
            written = str(row.pop("实施编码", ""))
            by_code.setdefault(code_text(written), []).append(row)
            lines.setdefault(code_text(written), (written.strip(), []))[1].append(line)
        codes: set[str] = set()
        for item in items:
            code = code_text(str(item.get("实施编码", "")))
            if code:
                codes.add(code)
                item.setdefault("申请材料", by_code.get(code, []))
        for code, (written, rows) in lines.items():
            if code not in codes:
                problems.append(_unmatched_materials(written, rows))
    return items, problems


def _unmatched_materials(code: str, lines: list[int]) -> UserError:
    where = f"“申请材料”表第{'、'.join(map(str, lines))}行的材料"
    if not code:
        message = f"{where}没有填写实施编码，不知道属于哪个事项，未导入：请填上所属事项的实施编码"
    else:
        message = f"{where}的实施编码“{code}”在事项表中没有对应的事项，未导入：请核对两张表的实施编码"
    return UserError("catalogue.unmatched_materials", message, f"/申请材料/{lines[0]}/实施编码")


def read_catalogue(document: Any) -> list[dict[str, Any]]:
    """The items of a JSON catalogue: ``{"items": [...]}`` or a bare list of element dicts."""
    items = document.get("items") if isinstance(document, Mapping) else document
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise UserErrorsException.single("catalogue.shape", "目录文件应为事项列表，或含 items 列表的对象", "/items")
    if len(items) > MAX_ITEMS:
        raise UserErrorsException.single("catalogue.too_large", f"一次最多导入 {MAX_ITEMS} 个事项", "/items")
    return [dict(i) for i in items]


# --- mapping one item ------------------------------------------------------------------------------


def _lines(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [p.strip() for p in re.split(r"[\n；;]+", str(value)) if p.strip()]


def _days(value: Any) -> tuple[int | None, str | None]:
    """``20`` / ``"20个工作日"`` → 20; natural days (``"30日"``) → None and a note to keep."""
    if isinstance(value, bool):
        return None, None
    if isinstance(value, int):
        return value, None
    text = str(value).strip()
    if text in ("即办", "当场办结", "0"):
        return 0, None
    match = re.fullmatch(r"(\d{1,3})\s*(个)?工作日", text) or re.fullmatch(r"(\d{1,3})", text)
    if match:
        return int(match.group(1)), None
    return None, text


def _yes(value: Any) -> bool | None:
    text = str(value).strip()
    if isinstance(value, bool):
        return value
    if text in ("是", "收费", "必要", "必须", "Y", "y", "1", "true"):
        return True
    if text in ("否", "不收费", "非必要", "容缺", "N", "n", "0", "false"):
        return False
    return None


def _int(value: Any, low: int, high: int) -> int | None:
    try:
        number = int(str(value).strip().rstrip("次份"))
    except ValueError:
        return None
    return number if low <= number <= high else None


def _materials(rows: Any, unmapped: list[dict[str, str]]) -> list[dict[str, Any]]:
    found = []
    for i, row in enumerate(rows if isinstance(rows, list) else []):
        if not isinstance(row, Mapping) or not str(row.get("材料名称", "")).strip():
            unmapped.append({"element": f"申请材料[{i + 1}]", "value": str(row)[:200], "reason": "缺少材料名称"})
            continue
        material = {
            "code": f"m{i + 1:02d}", "name": str(row["材料名称"]).strip(),
            "issuer": str(row.get("来源渠道") or "申请人").strip() or "申请人",
            "originals": _int(row.get("原件份数", row.get("纸质材料份数", 1)), 0, 99) or 0,
            "copies": _int(row.get("复印件份数", 0), 0, 99) or 0,
            "required": _yes(row.get("是否必要", "是")) is not False,
            "role": "secondary" if str(row.get("材料类型", "")).strip() in ("辅件", "辅助材料", "次要材料") else "main",
        }
        if row.get("备注"):
            material["note"] = str(row["备注"])
        for key in row:
            if key not in ("材料名称", "来源渠道", "原件份数", "纸质材料份数", "复印件份数", "是否必要", "材料类型", "备注"):
                unmapped.append({"element": f"申请材料[{i + 1}].{key}", "value": str(row[key])[:200], "reason": "事项文档中没有对应栏目"})
        found.append(material)
    return found


def department_code(departments: Mapping[str, str], text: str) -> str | None:
    """The department a catalogue's 实施主体 names: by its name or code, else the one department
    whose name is the catalogue's with the county's name before it, or the other way round
    (市场监督管理局 and 阳山县市场监督管理局)."""
    if text in departments:
        return departments[text]
    if len(text) < 3:
        return None
    close = {code for name, code in departments.items() if name != code and (name.endswith(text) or text.endswith(name))}
    return close.pop() if len(close) == 1 else None


def map_elements(row: Mapping[str, Any], departments: Mapping[str, str]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The item-document elements a catalogue row gives, and what could not be mapped."""
    out: dict[str, Any] = {}
    unmapped: list[dict[str, str]] = []
    fees: dict[str, Any] = {}
    phones: dict[str, str] = {}
    notes: list[str] = []

    def miss(element: str, value: Any, reason: str) -> None:
        unmapped.append({"element": element, "value": str(value)[:200], "reason": reason})

    for element, value in row.items():
        key = ALIASES.get(str(element).strip())
        if key is None:
            miss(element, value, "事项文档中没有对应栏目")
            continue
        if key in ("name", "basicCode", "implementationCode", "timeLimitNote", "place", "hours", "resultName", "code"):
            out[key] = str(value).strip()
        elif key == "itemType":
            text = TYPE_ALIASES.get(str(value).strip(), str(value).strip())
            if text in ITEM_TYPES:
                out["itemType"] = text
            else:
                miss(element, value, "不是 GB/T 39046 的事项类型")
        elif key == "department":
            code = department_code(departments, str(value).strip())
            if code:
                out["department"] = code
            else:
                miss(element, value, "本中心没有该名称的进驻部门")
        elif key in ("legalBasis", "conditions"):
            out[key] = _lines(value)
        elif key == "keywords":
            words = keyword_list(value)  # 开饭店、餐饮许可证 小吃店: split as the designer's 关键词 are
            if words:
                out["keywords"] = words
        elif key in ("legalDays", "promisedDays"):
            days, note = _days(value)
            if days is not None and 0 <= days <= 365:
                out[key] = days
            else:
                miss(element, value, "不是工作日数，已写入时限说明")
                notes.append(f"{element}：{note or value}")
        elif key == "materials":
            out["materials"] = _materials(value, unmapped)
        elif key == "charged":
            charged = _yes(value)
            if charged is None:
                miss(element, value, "应为“是”或“否”")
            else:
                fees["charged"] = charged
        elif key == "amount":
            try:
                fees["amount"] = float(str(value).strip().rstrip("元"))
            except ValueError:
                miss(element, value, "收费标准应为金额（元）")
        elif key == "feeBasis":
            fees["basis"] = str(value).strip()
        elif key == "serviceObject":
            objects = [OBJECTS.get(v) for v in _lines(str(value).replace("、", "\n"))]
            if objects and all(objects):
                out["serviceObject"] = list(dict.fromkeys(objects))
            else:
                miss(element, value, "服务对象应为自然人、法人、其他组织")
        elif key == "channels":
            channels = [CHANNELS.get(v) for v in _lines(str(value).replace("、", "\n"))]
            if channels and all(channels):
                out["channels"] = list(dict.fromkeys(channels))
            else:
                miss(element, value, "办理形式应为窗口办理、网上办理、移动端办理或快递")
        elif key in ("consultation", "supervision"):
            phones[key] = str(value).strip()
        elif key == "visits":
            visits = _int(value, 0, 2)
            if visits is None:
                miss(element, value, "到现场次数应为 0、1 或 2")
            else:
                out["visits"] = visits
        elif key == "caseKind":
            kind = {"即办件": "immediate", "承诺件": "promised"}.get(str(value).strip())
            if kind:
                out["caseKind"] = kind
            else:
                miss(element, value, "办件类型应为即办件或承诺件")
    if fees:
        out["fees"] = fees
    if phones:
        out["phones"] = phones
    if notes:
        out["timeLimitNote"] = "；".join([*([out["timeLimitNote"]] if out.get("timeLimitNote") else []), *notes])
    return out, unmapped


# --- importing -------------------------------------------------------------------------------------


def _code_for(mapped: Mapping[str, Any], index: int) -> str:
    given = str(mapped.get("code") or mapped.get("implementationCode") or "").strip()
    code = re.sub(r"[^A-Za-z0-9_.-]", "-", given).strip("-.")
    return code[:64] if len(code) >= 2 else f"catalogue-{index + 1:04d}"


async def _existing(center: Center, mapped: Mapping[str, Any], code: str) -> tuple[Item | None, dict[str, Any] | None]:
    """The center's item this row updates (same 实施编码, else same code) and its current draft."""
    items = await Item.filter(center=center)
    wanted = mapped.get("implementationCode")
    match = next((i for i in items if wanted and (i.draft or {}).get("implementationCode") == wanted), None)
    match = match or next((i for i in items if i.code == code), None)
    if match is None:
        return None, None
    if match.draft is not None:
        return match, copy.deepcopy(match.draft)
    version = await ItemVersion.get_or_none(item_id=match.id, version=match.latest_version)
    return match, copy.deepcopy(version.definition) if version else None


async def import_catalogue(
    govhall: GovHall, actor: Actor | None, center: Center, rows: list[dict[str, Any]], *, dry_run: bool = False,
    file_problems: list[UserError] | None = None,
) -> CatalogueImport:
    """Map and store every row as a draft (``actor`` None: the command line). All rows are reported,
    and ``file_problems``, the file's own that ``read_xlsx`` found, with them."""
    if actor is not None:
        actor.require(center.id, *CONFIGURATOR_ROLES)
    departments = {d.name: d.code for d in await Department.filter(center=center)}
    departments.update({d: d for d in departments.values()})
    results: list[ImportedItem] = []
    seen: set[str] = set()
    async with in_transaction():
        for index, row in enumerate(rows):
            mapped, unmapped = map_elements(row, departments)
            code = _code_for(mapped, index)
            mapped.pop("code", None)
            item, before = await _existing(center, mapped, code)
            if item is not None:
                code = item.code
            if before is None:
                document: dict[str, Any] = {
                    "code": code, "name": "", "itemType": "公共服务", "department": "", "legalDays": 0, "promisedDays": 0,
                    "caseKind": "promised", "materials": [], "process": "standard", "form": copy.deepcopy(NEW_FORM),
                }
            else:
                document = copy.deepcopy(before)
            document.update(mapped)
            if "caseKind" not in mapped and before is None and document.get("promisedDays") == 0:
                document["caseKind"] = "immediate"
            document = trimmed_names(document)  # as defineItem stores them, the names kept from the draft too
            name = str(document.get("name") or row.get("事项名称") or code)
            problems = [] if code not in seen else [UserError("duplicate", f"目录中事项“{code}”出现了不止一次", "/code")]
            seen.add(code)
            problems += await check_definition(govhall, center, document)
            if problems:
                results.append(
                    ImportedItem(
                        code=code, name=name, status="failed", changes=[], unmapped=unmapped, problems=problems
                    )
                )
                continue
            changes = describe_changes(before or {}, document)
            status = "created" if item is None else ("unchanged" if before == document else "updated")
            if not dry_run and status == "created":
                await Item.create(center=center, code=code, draft=document)
            elif not dry_run and status == "updated":
                assert item is not None
                item.draft = document
                await item.save(update_fields=["draft", "updated_at"])
            results.append(ImportedItem(code=code, name=name, status=status, changes=changes, unmapped=unmapped))
    return CatalogueImport(center=center.code, dry_run=dry_run, items=results, problems=list(file_problems or []))
