"""Cost of validating one case's data against a 30-field form: cached FormValidator vs jsonschema.validate().

``jsonschema.validate()`` checks the schema against the meta-schema and builds a validator on every
call; the services build one FormValidator per item version (``validator_for``) and reuse it. Both are
measured in the same run, on the same data, with the same format checker. Target: ≤ 0.5 ms per call.

Run: ``.venv/bin/python bench/validate.py`` (exit status 1 when the target is missed).
"""

from __future__ import annotations

import sys
import time
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import jsonschema  # noqa: E402

from core.services.form_validation import validator_for  # noqa: E402
from core.services.formats import FORMAT_CHECKER  # noqa: E402

TARGET_MS = 0.5


def build_form() -> tuple[dict, dict]:
    """A 30-field enterprise form (text, formats, enums, numbers, a 3-row table) and valid data."""
    props: dict = {}
    data: dict = {}

    def field(name: str, schema: dict, value: object) -> None:
        props[name] = schema
        data[name] = value

    for i in range(9):
        field(f"text{i}", {"type": "string", "title": f"文本{i}", "minLength": 1, "maxLength": 100}, f"内容{i}")
    field("uscc", {"type": "string", "title": "统一社会信用代码", "format": "uscc"}, "91310115591693856A")
    field("legalRepId", {"type": "string", "title": "法定代表人身份证号码", "format": "resident-id"}, "11010519491231002X")
    field("mobile", {"type": "string", "title": "手机号码", "format": "mobile-cn"}, "13800138000")
    field("phone", {"type": "string", "title": "联系电话", "format": "phone-cn"}, "0763-1234567")
    field("postcode", {"type": "string", "title": "邮政编码", "format": "postcode-cn"}, "513200")
    field("email", {"type": "string", "title": "电子邮箱", "format": "email"}, "office@example.gov.cn")
    field("established", {"type": "string", "title": "成立日期", "format": "date"}, "2024-03-15")
    field("capital", {"type": "number", "title": "注册资本（万元）", "minimum": 0, "format": "money"}, 500.5)
    field("startMonth", {"type": "string", "title": "参保起始年月", "format": "year-month"}, "2024-04")
    for i in range(4):
        field(f"choice{i}", {"type": "string", "title": f"选项{i}", "enum": ["甲", "乙", "丙", "丁"]}, "乙")
    for i in range(4):
        field(f"count{i}", {"type": "integer", "title": f"数量{i}", "minimum": 0, "maximum": 10000}, 12 + i)
    field("agree", {"type": "boolean", "title": "承诺", "const": True}, True)
    field("scopes", {"type": "array", "title": "经营项目", "uniqueItems": True, "minItems": 1,
                     "items": {"type": "string", "enum": ["散装食品销售", "热食类食品制售", "自制饮品制售"]}},
          ["散装食品销售", "自制饮品制售"])
    field("note", {"type": "string", "title": "备注", "maxLength": 500}, "无")
    field("shareholders", {
        "type": "array", "title": "股东", "minItems": 1,
        "items": {"type": "object", "additionalProperties": False, "required": ["name", "idNumber", "ratio"],
                  "properties": {"name": {"type": "string", "title": "姓名"},
                                 "idNumber": {"type": "string", "title": "证件号码", "format": "resident-id"},
                                 "ratio": {"type": "number", "title": "出资比例（%）", "minimum": 0, "maximum": 100}}},
    }, [{"name": "张三", "idNumber": "11010519491231002X", "ratio": 40},
        {"name": "李四", "idNumber": "440524188001010014", "ratio": 30},
        {"name": "王五", "idNumber": "11010519491231002X", "ratio": 30}])
    assert len(props) == 30, len(props)
    schema = {"type": "object", "properties": props, "required": list(props), "additionalProperties": False,
              "x-order": list(props)}
    return schema, data


def per_call_ms(fn, min_seconds: float = 1.0) -> float:
    """Best of 5 rounds, each long enough to be measured: milliseconds per call."""
    n = 1
    while True:
        start = time.perf_counter()
        for _ in range(n):
            fn()
        if time.perf_counter() - start >= min_seconds / 5:
            break
        n *= 2
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - start) / n)
    return best * 1000


def main() -> int:
    schema, data = build_form()
    cached = validator_for(("bench", 1), schema)
    assert cached.errors(data) == [], cached.errors(data)
    jsonschema.validate(data, schema, format_checker=FORMAT_CHECKER)  # the reference accepts it too

    ours = per_call_ms(lambda: validator_for(("bench", 1), schema).errors(data))
    reference = per_call_ms(lambda: jsonschema.validate(data, schema, format_checker=FORMAT_CHECKER))
    print(f"30-field form, valid data, Python {sys.version.split()[0]}, jsonschema {version('jsonschema')}")
    print(f"  cached FormValidator.errors(): {ours:8.3f} ms/call")
    print(f"  jsonschema.validate():         {reference:8.3f} ms/call")
    print(f"  ratio (reference / cached):    {reference / ours:8.1f}x")
    ok = ours <= TARGET_MS
    print(f"  target ≤ {TARGET_MS} ms per validation: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
