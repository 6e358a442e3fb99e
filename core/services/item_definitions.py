"""Check an item (事项) definition document before it is stored or published.

Three layers, all reported together (一次性告知, also for configurators): the meta-schema
``schemas/item.schema.json``; the item's ``form`` as a usable JSON Schema; rules a schema cannot
express (promised ≤ legal days, unique codes, certificate fields that exist in the form, processes,
documents and departments the center knows).
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from core.services import licences
from core.services.catalogue import unknown_codes
from core.plumbing import json_files
from core.plumbing.errors import UserError, UserErrorsException, pointer
from core.services.form_validation import ITEM_MAX_BYTES, FormValidator, check_form_schema, schema_at
from core.plumbing.resources import shipped_dir

__all__ = ["ITEM_SCHEMA_PATH", "item_schema", "keyword_list", "search_folded", "trimmed_names", "validate_item_document", "load_item_files"]

ITEM_SCHEMA_PATH = shipped_dir("schemas") / "item.schema.json"


@cache
def item_schema() -> dict:
    """The item meta-schema, read once."""
    return json.loads(ITEM_SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _item_validator() -> FormValidator:
    # The meta-schema is a form like any other: its titles become the labels of the messages.
    return FormValidator(item_schema())


def _trimmed(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def trimmed_names(doc: Any) -> Any:
    """The document with the spaces around its names removed (ASCII and the full-width 　, as
    ``str.strip`` does): the item's name, its result's, each material's and each keyword (俗称), which
    the catalogue, the portal's search and every notice print; free text (conditions, legal basis…)
    is kept as typed. A copy when something changed; anything else than an object is returned as it is."""
    if not isinstance(doc, dict):
        return doc
    out = {**doc, **{key: _trimmed(doc[key]) for key in ("name", "resultName") if key in doc}}
    if isinstance(doc.get("keywords"), list):
        out["keywords"] = [_trimmed(k) for k in doc["keywords"]]
    materials = doc.get("materials")
    if isinstance(materials, list):
        out["materials"] = [
            {**m, "name": _trimmed(m["name"])} if isinstance(m, dict) and "name" in m else m for m in materials
        ]
    return out if out != doc else doc


KEYWORD_SEPARATORS = re.compile(r"[、，,;；\s]+")
"""What separates keywords (俗称) written in one text: 、 ， , ; ； and spaces (full width too)."""


def keyword_list(value: Any) -> list[str]:
    """The keywords (俗称) written in one text, as a catalogue's 关键词 cell has them (开饭店、餐饮许可证
    小吃店), or in a list of such texts: split at :data:`KEYWORD_SEPARATORS`, trimmed as
    :func:`trimmed_names` trims them, each word once, in order. What stays wrong (too long, too many,
    ＡＢ and ab) is the item document's to say, at its ``/keywords/<i>``."""
    texts = value if isinstance(value, list) else [value]
    words = (_trimmed(w) for t in texts if t is not None for w in KEYWORD_SEPARATORS.split(str(t)))
    return list(dict.fromkeys(w for w in words if w))


CHECKED_KEPT = 64
"""Item documents whose problems are kept, with the context they were checked in: saving a draft
and publishing it, or loading one item file into several centers, checks the same document again
(~10 ms each: the meta-schema and the form's own schema)."""
CHECKED_KEPT_MAX_CHARS = 64 * 1024  # a larger document is checked each time: the kept ones stay small


def validate_item_document(
    doc: object,
    *,
    known_processes: set[str] | None = None,
    known_documents: set[str] | None = None,
    departments: set[str] | None = None,
) -> list[UserError]:
    """Every problem of an item document, sorted by path; [] when it can be stored.

    A set left as None is not checked (the caller does not know, e.g. in a file linter). The
    answer is a function of the document's JSON text and the sets: the last :data:`CHECKED_KEPT`
    answers are kept."""
    context = tuple(None if s is None else frozenset(s) for s in (known_processes, known_documents, departments))
    try:
        text = json.dumps(doc, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):  # not a JSON document (a linter's Python object): checked as it is
        return _problems(doc, *context)
    if len(text) > CHECKED_KEPT_MAX_CHARS:
        return _problems(doc, *context)
    return list(_kept_problems(text, *context))


@lru_cache(maxsize=CHECKED_KEPT)
def _kept_problems(text: str, *context: frozenset[str] | None) -> tuple[UserError, ...]:
    return tuple(_problems(json.loads(text), *context))


def _problems(
    doc: object,
    known_processes: frozenset[str] | None,
    known_documents: frozenset[str] | None,
    departments: frozenset[str] | None,
) -> list[UserError]:
    problems = list(_item_validator().errors(doc))
    if not isinstance(doc, dict):
        return problems
    if "form" in doc:
        problems += check_form_schema(doc["form"], "/form")
    problems += _time_limits(doc, refused={e.path for e in problems})
    problems += _duplicates(doc, "materials", "材料编码")
    problems += _duplicates(doc, "checklist", "审查要点编码")
    problems += _keywords(doc)
    problems += _materials(doc)
    problems += unknown_codes(doc.get("materials"))
    problems += _certificate(doc)
    problems += _applicant_field(doc)
    problems += _file_materials(doc)
    problems += _known(doc, known_processes, known_documents, departments)
    return sorted(dict.fromkeys(problems), key=lambda e: (_path_key(e.path), e.code))


def _path_key(path: str | None) -> tuple:
    parts = (path or "").split("/")[1:]
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


def _time_limits(doc: dict, refused: set[str | None]) -> list[UserError]:
    """Promised ≤ legal, and an immediate item promises 0; a limit the meta-schema already refused
    (``minimum``, ``maximum``: its path in ``refused``) is not compared with the other."""
    legal, promised = doc.get("legalDays"), doc.get("promisedDays")
    if not (_is_int(legal) and _is_int(promised)):
        return []
    out = []
    if promised > legal and not {"/legalDays", "/promisedDays"} & refused:
        out.append(UserError(
            "promised_exceeds_legal",
            f"承诺办结时限（{promised}个工作日）不能超过法定办结时限（{legal}个工作日）",
            "/promisedDays",
        ))
    if doc.get("caseKind") == "immediate" and promised != 0:
        out.append(UserError(
            "immediate_with_days", "即办件的承诺办结时限应为0（当场或当日办结）；需要更多时间的应设为承诺件",
            "/promisedDays",
        ))
    return out


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _duplicates(doc: dict, key: str, what: str) -> list[UserError]:
    rows = doc.get(key)
    if not isinstance(rows, list):
        return []
    seen: dict[str, int] = {}
    out = []
    for i, row in enumerate(rows):
        code = row.get("code") if isinstance(row, dict) else None
        if not isinstance(code, str):
            continue
        if code in seen:
            out.append(UserError(
                "duplicate_code", f"{what}“{code}”与第{seen[code] + 1}项重复", pointer(key, i, "code")
            ))
        else:
            seen[code] = i
    return out


def search_folded(text: str) -> str:
    """``text`` as the hall's search compares it: full-width letters and digits as half-width ones,
    capitals as small ones."""
    return unicodedata.normalize("NFKC", text).lower()


def _keywords(doc: dict) -> list[UserError]:
    """A keyword given twice (刻章 and 刻章, ＡＢＣ and abc: the same to the search) is a slip: the
    second is named, not silently dropped, so the configurator sees what is stored."""
    words = doc.get("keywords")
    if not isinstance(words, list):
        return []
    seen: dict[str, int] = {}
    out = []
    for i, word in enumerate(words):
        if not isinstance(word, str) or not word:
            continue
        folded = search_folded(word)
        if folded in seen:
            out.append(UserError(
                "duplicate_keyword", f"“关键词”第{i + 1}项“{word}”与第{seen[folded] + 1}项重复", pointer("keywords", i)
            ))
        else:
            seen[folded] = i
    return out


def _materials(doc: dict) -> list[UserError]:
    """A material list needs a main material: its absence is what makes a case a returned one."""
    rows = doc.get("materials")
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        return []
    if any(r.get("role") == "main" for r in rows):
        return []
    return [UserError("no_main_material", "申请材料中至少应有一项主件（主件缺失的不予受理）：请把其中一项设为“主件”", "/materials")]


def _certificate(doc: dict) -> list[UserError]:
    cert, form = doc.get("certificate"), doc.get("form")
    if not isinstance(cert, dict) or not isinstance(cert.get("fields"), list) or not isinstance(form, dict):
        return []
    out = []
    pattern = cert.get("numberPattern")
    if isinstance(pattern, str):
        out += [UserError("number_pattern", f"许可证编号规则有误：{p}", pointer("certificate", "numberPattern"))
                for p in licences.pattern_problems(pattern)]
    for i, f in enumerate(cert["fields"]):
        ptr = f.get("pointer") if isinstance(f, dict) else None
        if isinstance(ptr, str) and ptr.startswith("/") and schema_at(form, ptr) is None:
            out.append(UserError(
                "unknown_pointer", f"证照栏目的数据来源“{ptr}”不是表单中的字段",
                pointer("certificate", "fields", i, "pointer"),
            ))
    return out


def _applicant_field(doc: dict) -> list[UserError]:
    """The field documents print as the applicant must be one the form asks for: a pointer to
    nothing would silently print the account's name (张三) instead of the 个体工商户 named."""
    form, chosen = doc.get("form"), doc.get("applicantField")
    if not isinstance(form, dict) or form.get("type", "object") != "object":  # a form not of fields is refused as such
        return []
    pointers = [chosen] if isinstance(chosen, str) else chosen if isinstance(chosen, list) else []
    path = (lambda i: "/applicantField") if isinstance(chosen, str) else (lambda i: pointer("applicantField", i))
    return [
        UserError("unknown_pointer", f"文书上的申请人取自“{ptr}”，但表单中没有这个字段", path(i))
        for i, ptr in enumerate(pointers)
        if isinstance(ptr, str) and ptr.startswith("/") and schema_at(form, ptr) is None
    ]


def _file_materials(doc: dict) -> list[UserError]:
    """A file field (材料（文件）) is answered by the files uploaded for its material: bound to a
    material the list no longer has, nobody could ever answer it."""
    form, rows = doc.get("form"), doc.get("materials")
    if not isinstance(form, dict) or not isinstance(rows, list):
        return []
    codes = {r.get("code") for r in rows if isinstance(r, dict)}
    out = []

    def walk(node: dict, here: str) -> None:
        code = node.get("x-material")
        if isinstance(code, str) and code not in codes:
            title = node.get("title") if isinstance(node.get("title"), str) else here.rsplit("/", 1)[-1]
            out.append(UserError(
                "unknown_material", f"字段“{title}”对应的申请材料“{code}”不在申请材料中，申请人无法上传，请重新选择",
                f"{here}/x-material",
            ))
        props = node.get("properties")
        for key, child in (props.items() if isinstance(props, dict) else ()):
            if isinstance(child, dict):
                walk(child, here + pointer("properties", key))
        if isinstance(node.get("items"), dict):
            walk(node["items"], f"{here}/items")

    walk(form, "/form")
    return out


def _known(
    doc: dict,
    processes: set[str] | None,
    documents: set[str] | None,
    departments: set[str] | None,
) -> list[UserError]:
    out = []
    process = doc.get("process")
    if processes is not None and isinstance(process, str) and process not in processes:
        out.append(UserError("unknown_process", f"流程“{process}”不存在", "/process"))
    kinds = doc.get("documents")
    if documents is not None and isinstance(kinds, list):
        for i, kind in enumerate(kinds):
            if isinstance(kind, str) and kind not in documents:
                out.append(UserError("unknown_document", f"本中心没有“{kind}”文书模板", pointer("documents", i)))
    if departments is not None:
        dept = doc.get("department")
        if isinstance(dept, str) and dept and dept not in departments:  # none at all: the schema says 请填写
            out.append(UserError("unknown_department", f"部门“{dept}”不是本中心的部门", "/department"))
        joint = doc.get("jointDepartments")
        for i, d in enumerate(joint if isinstance(joint, list) else []):
            if isinstance(d, str) and d not in departments:
                out.append(UserError("unknown_department", f"部门“{d}”不是本中心的部门", pointer("jointDepartments", i)))
    joint = doc.get("jointDepartments")
    parts = doc.get("partNames")
    deciding = [doc.get("department"), *(joint if isinstance(joint, list) else [])]
    for code in parts if isinstance(parts, dict) else {}:
        if code not in deciding:
            out.append(UserError("unknown_part", f"部门“{code}”不是本事项的实施部门或共同实施部门", pointer("partNames", code)))
    if isinstance(joint, list) and doc.get("department") in joint:
        i = joint.index(doc["department"])
        out.append(UserError(
            "duplicate_department", "共同实施部门不应包含实施部门本身", pointer("jointDepartments", i)
        ))
    return out


def _ordered(obj: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    """``keys`` of ``obj`` first in that order, then its other keys as they are."""
    out = {key: obj[key] for key in keys if key in obj}
    out.update((key, value) for key, value in obj.items() if key not in out)
    return out


def _ordered_form(schema: Any) -> Any:
    """A form (or a field of it) with each ``properties`` in its ``x-order``, the rest as it is."""
    if isinstance(schema, list):
        return [_ordered_form(v) for v in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: _ordered_form(value) for key, value in schema.items()}
    order = schema.get("x-order")
    if isinstance(order, list) and isinstance(out.get("properties"), dict):
        out["properties"] = _ordered(out["properties"], [k for k in order if isinstance(k, str)])
    return out


def item_file_order(doc: dict[str, Any]) -> dict[str, Any]:
    """An item document in the order of its file: the top-level keys in the order
    ``schemas/item.schema.json`` lists its properties (unknown ones after them, as they are), a form's
    fields in their ``x-order``, everything else as it is. PostgreSQL's jsonb stores keys in an order
    of its own; a file in this order reads and diffs the same whichever database it came from. The
    designer's 导出事项文件 (web/designer/item-files.js ``itemFileOrder``) writes the same order."""
    out = _ordered(doc, list(item_schema()["properties"]))
    if "form" in out:
        out["form"] = _ordered_form(out["form"])
    return out


def item_file_text(doc: dict[str, Any]) -> str:
    """The text of an item file, as the web designer's 导出事项文件 writes it (``JSON.stringify(doc,
    null, 2)`` of the document in :func:`item_file_order`, and a line end) and ``load_item_files``
    reads it: UTF-8 text, Chinese as it is."""
    return json.dumps(item_file_order(doc), ensure_ascii=False, indent=2) + "\n"


def load_item_files(directory: str | Path) -> list[tuple[Path, dict]]:
    """Every ``*.json`` of ``directory`` (sorted by name), parsed; not validated.

    Raises UserErrorsException listing every unreadable file (bad UTF-8 or JSON, not an object,
    too large) with its file name, so a configurator fixes them all in one go.
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise UserErrorsException.single("not_found", f"目录不存在：{folder}")
    loaded: list[tuple[Path, dict]] = []
    problems: list[UserError] = []
    for path in sorted(folder.glob("*.json")):
        try:
            raw = path.read_bytes()
            if len(raw) > ITEM_MAX_BYTES:
                problems.append(UserError("too_large", f"{path.name}：文件超过 1 MB"))
                continue
            doc: Any = json_files.loads(raw.decode("utf-8-sig"))  # a Windows editor's byte-order mark is no problem
        except UnicodeDecodeError:
            problems.append(UserError("invalid_json", f"{path.name}：不是 UTF-8 编码的文本（可能是 GBK 等编码），请另存为 UTF-8"))
            continue
        except json_files.RepeatedKeyError as e:
            problems.append(UserError("repeated_key", f"{path.name}：{e}", e.path))
            continue
        except json.JSONDecodeError as e:
            problems.append(UserError(
                "invalid_json", f"{path.name}：第{e.lineno}行第{e.colno}列 JSON 格式错误（{e.msg}）"
            ))
            continue
        except RecursionError:
            problems.append(UserError("invalid_json", f"{path.name}：JSON 嵌套层次过深，无法读取"))
            continue
        if not isinstance(doc, dict):
            problems.append(UserError("invalid_document", f"{path.name}：事项定义应为 JSON 对象"))
            continue
        loaded.append((path, doc))
    if problems:
        raise UserErrorsException(problems)
    return loaded
