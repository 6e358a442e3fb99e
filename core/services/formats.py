"""String formats of Chinese government forms, for JSON Schema ``format`` and for plain Python.

Every custom check raises :class:`FormatProblem` (a ``ValueError``) carrying a Chinese reason, so the
form validator can say *why* a value is wrong ("校验位错误" is not "应为18位"): an applicant who mistyped
one digit must not be told to count the characters again.

Custom formats (besides the standard ones of draft 2020-12: date, date-time, time, email, uri, ...):

=============  ===================================================================================
``uscc``        统一社会信用代码, GB 32100-2015: 18 characters, check digit (mod 31)
``resident-id`` 公民身份号码, GB 11643-1999: 17 digits + check (mod 11, ``X``), real birth date
``mobile-cn``   手机号码: ``1[3-9]`` + 9 digits
``phone-cn``    联系电话: landline with area code (``0763-1234567``, ``07631234567``, ext. ``-801``),
                a mobile, ``400``/``800`` numbers, or a 12xxx government hotline (12345)
``postcode-cn`` 邮政编码: 6 digits
``money``       金额: non-negative, at most 2 decimals, as a number or a string (``"12.50"``)
``year-month``  年月: ``YYYY-MM`` (参保起始年月, 首次汇缴年月)
=============  ===================================================================================

Codes typed on a phone's Chinese keyboard in full-width mode (``１１０１０５…Ｘ``, ``１３８…``) are the
digits and letters the applicant meant: :func:`half_width` folds them, and the checks of codes
(``uscc``, ``resident-id``, ``mobile-cn``, ``phone-cn``, ``postcode-cn``) judge the folded text, as the
web form (``web/form.js``) and every comparison of identity numbers (the pickup window) do.

Formats only constrain values of the type they describe (strings; numbers too for ``money``); any other
type passes, and the schema's ``type`` keyword reports it.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from jsonschema import Draft202012Validator, FormatChecker

__all__ = [
    "FORMAT_CHECKER",
    "CUSTOM_FORMATS",
    "SUPPORTED_FORMATS",
    "FormatProblem",
    "check_uscc",
    "check_resident_id",
    "check_mobile",
    "check_phone",
    "check_postcode",
    "check_money",
    "check_year_month",
    "is_valid_uscc",
    "is_valid_resident_id",
    "is_valid_mobile",
    "is_valid_phone",
    "is_valid_postcode",
    "is_valid_money",
    "is_valid_year_month",
    "reason_for",
    "half_width",
    "code_text",
    "NAME_DOTS",
    "one_dot",
]


class FormatProblem(ValueError):
    """Why a value does not match a format.

    ``format`` is the format name (``uscc``), ``kind`` the sub-code (``length``, ``charset``,
    ``check_digit``, ``birth_date``...), ``reason`` a Chinese predicate to put after a field label
    (``校验位错误``), ``subject`` the name of the thing (``统一社会信用代码``). ``str(e)`` is
    subject + reason, a sentence that stands on its own.
    """

    def __init__(self, format: str, kind: str, subject: str, reason: str) -> None:
        super().__init__(subject + reason)
        self.format = format
        self.kind = kind
        self.subject = subject
        self.reason = reason


# Full-width ASCII (U+FF01–U+FF5E) and the ideographic space, folded to their half-width forms.
_HALF_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def half_width(text: str) -> str:
    """``text`` with full-width digits, letters and signs as ASCII (``１３８`` → ``138``). Full-width
    punctuation (``（``, ``，``) folds too: use it on codes, never on names or free text."""
    return text.translate(_HALF_WIDTH)


def code_text(text: str) -> str:
    """An identity number or code as compared: half-width, no spaces around, upper case
    (``１１０１０５…ｘ `` → ``110105…X``)."""
    return half_width(text).strip().upper()


# The dots a keyboard gives for the separator of a transcribed name (阿依古丽·买买提: U+00B7 on the
# ID card): the bullet, the Japanese and half-width katakana middle dots, the hyphenation point, the
# full stop full width or not. ``web/views/pickup.js`` folds the same list as the clerk types (kept
# alike by tests/test_name_dots_parity.py).
NAME_DOTS = "\u0387\u2022\u2027\u2219\u22c5\u30fb\uff65\uff0e."
_ONE_DOT = str.maketrans({c: "·" for c in NAME_DOTS})


def one_dot(name: str) -> str:
    """A name with every dot of :data:`NAME_DOTS` as the ID card's ``·`` (阿依古丽•买买提 →
    阿依古丽·买买提). Only for names: a full stop in other text is no middle dot."""
    return name.translate(_ONE_DOT)


# --- 统一社会信用代码 (GB 32100-2015) -------------------------------------------------------------

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(_USCC_CHARS)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_SUBJECT = "统一社会信用代码"


def check_uscc(value: str) -> None:
    """Raise FormatProblem unless ``value`` is a unified social credit code with a right check digit."""
    value = half_width(value)
    s = "uscc"
    if len(value) != 18:
        raise FormatProblem(s, "length", _USCC_SUBJECT, f"应为18位（当前{len(value)}位）")
    bad = [c for c in value if c not in _USCC_VALUE]
    if bad:
        raise FormatProblem(
            s, "charset", _USCC_SUBJECT,
            f"含有无效字符“{bad[0]}”（只能是数字和大写字母，不含I、O、S、V、Z）",
        )
    total = sum(_USCC_VALUE[c] * w for c, w in zip(value, _USCC_WEIGHTS))
    if _USCC_CHARS[(31 - total % 31) % 31] != value[17]:
        raise FormatProblem(s, "check_digit", _USCC_SUBJECT, "校验位错误")


# --- 公民身份号码 (GB 11643-1999) ------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"\d{17}[\dX]")
_ID_SUBJECT = "公民身份号码"


def check_resident_id(value: str, *, today: _dt.date | None = None) -> None:
    """Raise FormatProblem unless ``value`` is an 18-digit resident ID with a real birth date and check."""
    value = half_width(value)
    s = "resident-id"
    if len(value) != 18:
        raise FormatProblem(s, "length", _ID_SUBJECT, f"应为18位（当前{len(value)}位）")
    if not _ID_SHAPE.fullmatch(value):
        hint = "（末位x应为大写X）" if value[:17].isdigit() and value[17] == "x" else ""
        raise FormatProblem(s, "charset", _ID_SUBJECT, f"应为17位数字加1位数字或X{hint}")
    try:
        born = _dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise FormatProblem(s, "birth_date", _ID_SUBJECT, "中的出生日期不存在") from None
    if born > (today or _dt.date.today()) or born.year < 1800:
        raise FormatProblem(s, "birth_date", _ID_SUBJECT, "中的出生日期不合理")
    total = sum(int(c) * w for c, w in zip(value, _ID_WEIGHTS))
    if _ID_CHECK[total % 11] != value[17]:
        raise FormatProblem(s, "check_digit", _ID_SUBJECT, "校验位错误")


# --- telephone, postcode, money, year-month ----------------------------------------------------------

_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}-?[1-9]\d{6,7}(-\d{1,6})?")
_SERVICE = re.compile(r"[48]00-?\d{3}-?\d{4}|12\d{3}")
_POSTCODE = re.compile(r"\d{6}")
_MONEY = re.compile(r"(0|[1-9]\d{0,14})(\.\d{1,2})?")
_YEAR_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


def check_mobile(value: str) -> None:
    """Raise FormatProblem unless ``value`` is a mainland mobile number (11 digits, 13x–19x)."""
    value = half_width(value)
    if not _MOBILE.fullmatch(value):
        raise FormatProblem("mobile-cn", "pattern", "手机号码", "应为以1开头的11位数字")


def check_phone(value: str) -> None:
    """Raise FormatProblem unless ``value`` is a landline with area code, a mobile, 400/800 or 12xxx."""
    value = half_width(value)
    if not (_MOBILE.fullmatch(value) or _LANDLINE.fullmatch(value) or _SERVICE.fullmatch(value)):
        raise FormatProblem(
            "phone-cn", "pattern", "联系电话",
            "格式不正确（固定电话须带区号，如0763-1234567；或填写11位手机号码）",
        )


def check_postcode(value: str) -> None:
    """Raise FormatProblem unless ``value`` is a 6-digit postcode."""
    value = half_width(value)
    if not _POSTCODE.fullmatch(value):
        raise FormatProblem("postcode-cn", "pattern", "邮政编码", "应为6位数字")


def check_money(value: object) -> None:
    """Raise FormatProblem unless ``value`` (number or string) is ≥ 0 with at most 2 decimals."""
    m = "money"
    if isinstance(value, str):
        if not _MONEY.fullmatch(value):
            raise FormatProblem(m, "pattern", "金额", "应为不小于0、最多两位小数的数字（如1250.50）")
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FormatProblem(m, "type", "金额", "应为数字")
    if isinstance(value, float) and not math.isfinite(value):
        raise FormatProblem(m, "pattern", "金额", "应为有限的数字")
    if value < 0:
        raise FormatProblem(m, "negative", "金额", "不能为负数")
    try:
        exponent = Decimal(repr(value)).normalize().as_tuple().exponent
    except InvalidOperation:  # pragma: no cover - repr of a finite float always parses
        raise FormatProblem(m, "pattern", "金额", "应为数字") from None
    if isinstance(exponent, int) and exponent < -2:
        raise FormatProblem(m, "decimals", "金额", "最多保留两位小数")


def check_year_month(value: str) -> None:
    """Raise FormatProblem unless ``value`` is ``YYYY-MM``."""
    if not _YEAR_MONTH.fullmatch(value):
        raise FormatProblem("year-month", "pattern", "年月", "应为“年-月”格式（如2024-07）")


def _boolean(check: Callable[[str], None]) -> Callable[[object], bool]:
    def is_valid(value: object) -> bool:
        if not isinstance(value, str):
            return False
        try:
            check(value)
        except FormatProblem:
            return False
        return True

    is_valid.__doc__ = f"True when ``value`` is a string that passes :func:`{check.__name__}`."
    return is_valid


is_valid_uscc = _boolean(check_uscc)
is_valid_resident_id = _boolean(check_resident_id)
is_valid_mobile = _boolean(check_mobile)
is_valid_phone = _boolean(check_phone)
is_valid_postcode = _boolean(check_postcode)
is_valid_year_month = _boolean(check_year_month)


def is_valid_money(value: object) -> bool:
    """True when ``value`` is a non-negative amount with at most 2 decimals (number or string)."""
    try:
        check_money(value)
    except FormatProblem:
        return False
    return True


# --- the FormatChecker ----------------------------------------------------------------------------

CUSTOM_FORMATS: dict[str, Callable[..., None]] = {
    "uscc": check_uscc,
    "resident-id": check_resident_id,
    "mobile-cn": check_mobile,
    "phone-cn": check_phone,
    "postcode-cn": check_postcode,
    "money": check_money,
    "year-month": check_year_month,
}


def _for_jsonschema(name: str, check: Callable[..., None]) -> Callable[[object], bool]:
    """Adapt a check to jsonschema: other types pass (``type`` reports them); problems raise."""

    def checker(instance: object) -> bool:
        if name == "money":
            if isinstance(instance, bool) or not isinstance(instance, (str, int, float)):
                return True
        elif not isinstance(instance, str):
            return True
        check(instance)
        return True

    return checker


# ``duration``: an ISO 8601 duration (``P3D``, ``PT4H30M``, ``P1Y2M10DT2H``, ``P2W``), as jsonschema's
# optional isoduration checks it, without that package: it brings arrow (~7 MiB in every app process)
# to check one pattern. Units in order and none repeated; weeks stand alone; a number may have a
# fraction (``PT1.5S``); a sign may lead; ASCII digits only.
_DURATION_NUMBER = r"[0-9]+(?:[.,][0-9]+)?"
_DURATION = re.compile(
    rf"[-+]?P(?:{_DURATION_NUMBER}W"
    rf"|(?=[0-9]|T[0-9])(?:{_DURATION_NUMBER}Y)?(?:{_DURATION_NUMBER}M)?(?:{_DURATION_NUMBER}D)?"
    rf"(?:T(?=[0-9])(?:{_DURATION_NUMBER}H)?(?:{_DURATION_NUMBER}M)?(?:{_DURATION_NUMBER}S)?)?)"
)


def is_duration(instance: object) -> bool:
    """jsonschema's ``duration`` check: other types pass (``type`` reports them)."""
    return not isinstance(instance, str) or _DURATION.fullmatch(instance) is not None


def _make_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    checker.checkers.update(Draft202012Validator.FORMAT_CHECKER.checkers)
    checker.checks("duration")(is_duration)
    for name, check in CUSTOM_FORMATS.items():
        checker.checks(name, raises=FormatProblem)(_for_jsonschema(name, check))
    return checker


FORMAT_CHECKER: FormatChecker = _make_checker()
"""Standard draft 2020-12 formats plus the custom ones above. Share it; it holds no state."""

SUPPORTED_FORMATS: frozenset[str] = frozenset(FORMAT_CHECKER.checkers)
"""Names a form may use in ``format``; anything else is rejected by ``check_form_schema``."""

_STANDARD_REASONS = {
    "date": "应为日期（如2024-07-01）",
    "date-time": "应为日期时间（如2024-07-01T09:30:00+08:00）",
    "time": "应为时间（如09:30:00+08:00）",
    "duration": "应为ISO 8601时长（如P3D）",
    "email": "应为有效的电子邮箱地址",
    "idn-email": "应为有效的电子邮箱地址",
    "hostname": "应为有效的主机名",
    "idn-hostname": "应为有效的主机名",
    "ipv4": "应为有效的IPv4地址",
    "ipv6": "应为有效的IPv6地址",
    "uri": "应为完整的网址（如https://www.example.gov.cn/）",
    "iri": "应为完整的网址",
    "uri-reference": "应为有效的网址或相对地址",
    "iri-reference": "应为有效的网址或相对地址",
    "uri-template": "应为有效的URI模板",
    "uuid": "应为UUID",
    "regex": "应为有效的正则表达式",
    "json-pointer": "应为JSON指针（如/applicant/name）",
    "relative-json-pointer": "应为相对JSON指针",
}


def reason_for(format: str, cause: BaseException | None) -> str:
    """The Chinese predicate for a failed ``format`` check (to put after the field's label)."""
    if isinstance(cause, FormatProblem):
        return cause.reason
    return _STANDARD_REASONS.get(format, f"格式不正确（应为{format}）")
