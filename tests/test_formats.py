"""Formats of Chinese forms: valid and invalid samples for each, and the reasons given."""

from __future__ import annotations

import datetime as dt

import pytest
from jsonschema import FormatChecker
from jsonschema.exceptions import FormatError

from core.services.formats import (
    CUSTOM_FORMATS,
    FORMAT_CHECKER,
    SUPPORTED_FORMATS,
    FormatProblem,
    check_resident_id,
    check_uscc,
    is_valid_mobile,
    is_valid_money,
    is_valid_phone,
    is_valid_postcode,
    is_valid_resident_id,
    is_valid_uscc,
    is_valid_year_month,
    reason_for,
)

# --- 统一社会信用代码 ---------------------------------------------------------------------------

USCC_VALID = ["91310115591693856A", "91310110666007217T", "91350200MA2YJ1XR9G"]  # NOTES.md


@pytest.mark.parametrize("code", USCC_VALID)
def test_uscc_valid_samples(code: str) -> None:
    assert is_valid_uscc(code)
    assert FORMAT_CHECKER.conforms(code, "uscc")


@pytest.mark.parametrize(
    "code, kind",
    [
        ("91310115591693856B", "check_digit"),  # last character changed
        ("91310110666007217A", "check_digit"),
        ("91350200MA2YJ1XR9H", "check_digit"),
        ("81310115591693856A", "check_digit"),  # first character changed
        ("9131011559169385", "length"),
        ("91310115591693856AA", "length"),
        ("", "length"),
        ("91310115591693856a", "charset"),  # lower case
        ("9131011559169385IA", "charset"),  # I is not used
        ("91310115591693856O", "charset"),  # O is not used
        ("9131011559169385 A", "charset"),
    ],
)
def test_uscc_invalid_samples_give_the_kind_of_error(code: str, kind: str) -> None:
    assert not is_valid_uscc(code)
    assert not FORMAT_CHECKER.conforms(code, "uscc")
    with pytest.raises(FormatProblem) as info:
        check_uscc(code)
    assert info.value.kind == kind
    assert info.value.format == "uscc"


def test_uscc_messages_tell_length_from_check_digit() -> None:
    with pytest.raises(FormatProblem) as wrong_digit:
        check_uscc("91310115591693856B")
    with pytest.raises(FormatProblem) as too_short:
        check_uscc("9131011559169385")
    assert str(wrong_digit.value) == "统一社会信用代码校验位错误"
    assert wrong_digit.value.reason == "校验位错误"
    assert str(too_short.value).startswith("统一社会信用代码应为18位")
    assert "16" in too_short.value.reason


def test_every_single_character_change_of_a_uscc_is_caught() -> None:
    """The mod-31 check digit catches any one substituted character."""
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    base = USCC_VALID[0]
    for pos in range(17):
        for c in chars:
            if c != base[pos]:
                assert not is_valid_uscc(base[:pos] + c + base[pos + 1:]), (pos, c)


# --- 公民身份号码 ------------------------------------------------------------------------------

ID_VALID = ["11010519491231002X", "440524188001010014"]  # NOTES.md


@pytest.mark.parametrize("number", ID_VALID)
def test_resident_id_valid_samples(number: str) -> None:
    assert is_valid_resident_id(number)
    assert FORMAT_CHECKER.conforms(number, "resident-id")


@pytest.mark.parametrize(
    "number, kind",
    [
        ("110105194912310021", "check_digit"),
        ("440524188001010015", "check_digit"),
        ("11010519491231002", "length"),
        ("110105491231002", "length"),  # old 15-digit number
        ("11010519491231002x", "charset"),  # lower-case x
        ("1101051949123100X2", "charset"),
        ("11010519490231002X", "birth_date"),  # 31 February
        ("11010519491331002X", "birth_date"),  # month 13
        ("11010599991231002X", "birth_date"),  # in the future
    ],
)
def test_resident_id_invalid_samples(number: str, kind: str) -> None:
    assert not is_valid_resident_id(number)
    with pytest.raises(FormatProblem) as info:
        check_resident_id(number)
    assert info.value.kind == kind


def test_resident_id_birth_date_must_not_be_in_the_future() -> None:
    check_resident_id("11010519491231002X", today=dt.date(1949, 12, 31))
    with pytest.raises(FormatProblem) as info:
        check_resident_id("11010519491231002X", today=dt.date(1949, 12, 30))
    assert info.value.kind == "birth_date"


def test_resident_id_messages() -> None:
    with pytest.raises(FormatProblem) as info:
        check_resident_id("110105194912310021")
    assert str(info.value) == "公民身份号码校验位错误"
    with pytest.raises(FormatProblem) as info:
        check_resident_id("11010519491231002x")
    assert "大写X" in info.value.reason


# --- telephone, postcode, money, year-month ---------------------------------------------------------

@pytest.mark.parametrize("value", ["13800138000", "19912345678", "15012345678"])
def test_mobile_valid(value: str) -> None:
    assert is_valid_mobile(value)
    assert FORMAT_CHECKER.conforms(value, "mobile-cn")


@pytest.mark.parametrize(
    "value", ["12345678901", "1380013800", "138001380000", "+8613800138000", "138-0013-8000", "", "1380013800a"]
)
def test_mobile_invalid(value: str) -> None:
    assert not is_valid_mobile(value)
    assert not FORMAT_CHECKER.conforms(value, "mobile-cn")


@pytest.mark.parametrize(
    "value",
    ["0763-1234567", "07631234567", "010-12345678", "02012345678", "0763-1234567-801", "13800138000",
     "400-810-8888", "4008108888", "800-820-8820", "12345"],
)
def test_phone_valid(value: str) -> None:
    assert is_valid_phone(value)
    assert FORMAT_CHECKER.conforms(value, "phone-cn")


@pytest.mark.parametrize("value", ["1234567", "0763-123", "763-1234567", "0763-0234567", "abc", "", "500-810-8888"])
def test_phone_invalid(value: str) -> None:
    assert not is_valid_phone(value)
    assert not FORMAT_CHECKER.conforms(value, "phone-cn")


@pytest.mark.parametrize("value, ok", [("513200", True), ("100000", True), ("51320", False), ("5132000", False),
                                       ("51320a", False), ("", False)])
def test_postcode(value: str, ok: bool) -> None:
    assert is_valid_postcode(value) is ok
    assert FORMAT_CHECKER.conforms(value, "postcode-cn") is ok


@pytest.mark.parametrize("value", [0, 100, 12.5, 12.34, 0.07, 1e12, "0", "12.30", "100", "0.5", "999999.99"])
def test_money_valid(value: object) -> None:
    assert is_valid_money(value)
    assert FORMAT_CHECKER.conforms(value, "money")


@pytest.mark.parametrize(
    "value", [-1, -0.01, 12.345, 0.1 + 0.2, float("nan"), float("inf"), "12.345", "-1", "1,000", "007", "abc", "",
              "1e3", " 12"]
)
def test_money_invalid(value: object) -> None:
    assert not is_valid_money(value)
    assert not FORMAT_CHECKER.conforms(value, "money")


def test_money_is_not_a_boolean_or_null() -> None:
    assert not is_valid_money(True)
    assert not is_valid_money(None)


@pytest.mark.parametrize("value, ok", [("2024-07", True), ("1999-12", True), ("2024-13", False), ("2024-7", False),
                                       ("202407", False), ("2024-00", False)])
def test_year_month(value: str, ok: bool) -> None:
    assert is_valid_year_month(value) is ok


# --- the checker ----------------------------------------------------------------------------------

def test_checker_has_standard_and_custom_formats() -> None:
    for name in ("date", "date-time", "time", "email", "uri", "uuid", "ipv4", *CUSTOM_FORMATS):
        assert name in SUPPORTED_FORMATS
    assert FORMAT_CHECKER.conforms("2024-02-29", "date")
    assert not FORMAT_CHECKER.conforms("2023-02-29", "date")
    assert FORMAT_CHECKER.conforms("2024-07-01T09:30:00+08:00", "date-time")
    assert not FORMAT_CHECKER.conforms("2024-07-01 09:30", "date-time")
    assert FORMAT_CHECKER.conforms("office@example.gov.cn", "email")
    assert not FORMAT_CHECKER.conforms("office.example.gov.cn", "email")
    assert FORMAT_CHECKER.conforms("https://www.gov.cn/", "uri")
    assert not FORMAT_CHECKER.conforms("www.gov.cn", "uri")


def test_checker_is_its_own_copy() -> None:
    """Registering our formats must not leak into jsonschema's shared checkers."""
    assert "uscc" not in FormatChecker().checkers
    from jsonschema import Draft202012Validator

    assert "uscc" not in Draft202012Validator.FORMAT_CHECKER.checkers


def test_other_types_are_left_to_the_type_keyword() -> None:
    assert FORMAT_CHECKER.conforms(12345, "uscc")
    assert FORMAT_CHECKER.conforms(None, "resident-id")
    assert FORMAT_CHECKER.conforms({"a": 1}, "money")


def test_format_error_carries_the_problem() -> None:
    with pytest.raises(FormatError) as info:
        FORMAT_CHECKER.check("91310115591693856B", "uscc")
    cause = info.value.cause
    assert isinstance(cause, FormatProblem)
    assert reason_for("uscc", cause) == "校验位错误"
    assert reason_for("date", None).startswith("应为日期")
    assert "foo" in reason_for("foo", None)


@pytest.mark.parametrize("value", ["P3D", "P4Y", "P1M", "P2W", "PT0S", "PT36H", "PT1M", "P4DT12H30M5S",
                                   "P1Y2M10DT2H30M", "P1Y2D", "PT1H2S", "PT1.5S", "P0,5D", "-P1D", "+PT10M"])
def test_duration_accepts_iso_8601_durations(value: str) -> None:
    assert FORMAT_CHECKER.conforms(value, "duration")


@pytest.mark.parametrize("value", ["", "P", "PT", "P1", "P1YT", "PT1D", "P2D1Y", "P1D2H", "P2S", "P1Y2W", "P1DT",
                                   "P1M2Y", "PT2S1M", "p1d", "P２Y", "P1.Y", "P-1Y", "P.5D", " P1D", "P1D\n"])
def test_duration_refuses_what_is_not_one(value: str) -> None:
    assert not FORMAT_CHECKER.conforms(value, "duration")
    assert reason_for("duration", None) == "应为ISO 8601时长（如P3D）"


def test_duration_leaves_other_types_to_the_type_keyword() -> None:
    assert FORMAT_CHECKER.conforms(3, "duration")


def test_codes_typed_full_width_are_the_codes_meant():
    from core.services.formats import check_mobile, code_text

    check_resident_id("１１０１０５１９４９１２３１００２Ｘ")
    check_uscc("９１３１０１１５５９１６９３８５６Ａ")
    check_mobile("１３８００１３８０００")
    assert code_text(" １１０１０５１９４９１２３１００２ｘ ") == "11010519491231002X"
    with pytest.raises(FormatProblem) as e:
        check_resident_id("１１０１０５１９４９１２３１００２９")
    assert e.value.kind == "check_digit"
