"""The normalisers on the cases DOMAIN.md names."""

from __future__ import annotations

import datetime as dt

import pytest

from services.errors import NormalizeError
from services.normalize import (
    id_birth_date,
    id_check_digit,
    id_sex,
    mask_id_number,
    normalize_education,
    normalize_ethnicity,
    normalize_id_number,
    normalize_name,
    parse_full_date,
    parse_hours,
    parse_partial_date,
    partial_end,
    partial_start,
)


def _id(body17: str) -> str:
    # The check digit worked out here by hand from the GB 11643 weights, not by the code under test.
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body17 + "10X98765432"[sum(int(d) * w for d, w in zip(body17, weights)) % 11]


def test_check_digit_of_a_known_number() -> None:
    # The GB 11643 example number 11010519491231002X.
    assert id_check_digit("11010519491231002") == "X"
    assert normalize_id_number("11010519491231002x") == "11010519491231002X"


def test_spaces_and_full_width_digits_are_dropped() -> None:
    number = _id("11010519800101123")
    grouped = f"{number[:6]} {number[6:14]} {number[14:]}"
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number)
    assert normalize_id_number(grouped) == number
    assert normalize_id_number(full_width) == number


def test_fifteen_digit_number_converts_to_eighteen() -> None:
    old = "110105491231002"
    assert normalize_id_number(old) == "11010519491231002X"


def test_wrong_check_digit_is_refused() -> None:
    good = _id("11010519800101123")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(NormalizeError, match="校验位"):
        normalize_id_number(bad)


@pytest.mark.parametrize("value", [110105198001011234.0, 1.10105198001011e17, 110105198001011234])
def test_id_stored_as_a_long_number_is_refused(value: float) -> None:
    with pytest.raises(NormalizeError, match="文本"):
        normalize_id_number(value)


def test_impossible_birth_date_in_id_is_refused() -> None:
    with pytest.raises(NormalizeError, match="出生日期"):
        normalize_id_number(_id("11010519800230123"))


def test_sex_and_birth_from_id() -> None:
    number = _id("11010519800101123")  # 17th digit 3: odd, male
    assert id_sex(number) == "男"
    assert id_birth_date(number) == dt.date(1980, 1, 1)
    assert id_sex(_id("11010519800101124")) == "女"


@pytest.mark.parametrize(("raw", "expected"), [
    ("2019-07-01", "2019-07-01"), ("2019/7/1", "2019-07-01"), ("2019.07.01", "2019-07-01"),
    ("2019.7", "2019-07"), ("2019年7月1日", "2019-07-01"), ("2019年7月", "2019-07"),
    ("20190701", "2019-07-01"), ("201907", "2019-07"), ("２０１９．７", "2019-07"),
    (dt.date(2019, 7, 1), "2019-07-01"), (dt.datetime(2019, 7, 1, 0, 0), "2019-07-01"),
    (43647, "2019-07-01"), (43647.0, "2019-07-01"), ("", None), (None, None),
])
def test_every_date_form_of_domain(raw: object, expected: str | None) -> None:
    assert parse_partial_date(raw) == expected


@pytest.mark.parametrize("raw", ["2019-02-30", "2019.13", "明年", "2019-7-1-2", "1800.01"])
def test_bad_dates_are_refused(raw: str) -> None:
    with pytest.raises(NormalizeError):
        parse_partial_date(raw)


def test_partial_dates_span_their_month() -> None:
    assert partial_start("2005-07") == dt.date(2005, 7, 1)
    assert partial_end("2005-07") == dt.date(2005, 7, 31)
    assert partial_end("2004-02") == dt.date(2004, 2, 29)
    with pytest.raises(NormalizeError):
        parse_full_date("2005.07")


@pytest.mark.parametrize(("raw", "expected"), [
    ("张　伟", "张伟"), (" 张 伟 ", "张伟"), ("堃喆玥", "堃喆玥"), ("翀镕赟", "翀镕赟"),
    ("阿依古丽·买买提", "阿依古丽·买买提"), ("阿依古丽・买买提", "阿依古丽·买买提"),
])
def test_names(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "张3", "·张伟"])
def test_bad_names(raw: str) -> None:
    with pytest.raises(NormalizeError):
        normalize_name(raw)


def test_choices_accept_the_usual_words() -> None:
    assert normalize_ethnicity("汉") == "汉族"
    assert normalize_ethnicity("蒙古") == "蒙古族"
    assert normalize_education("本科") == "大学本科"
    with pytest.raises(NormalizeError):
        normalize_ethnicity("火星族")


@pytest.mark.parametrize(("raw", "expected"), [(3, 3.0), ("3.5", 3.5), ("3学时", 3.0), ("2 学时", 2.0), ("", None)])
def test_hours(raw: object, expected: float | None) -> None:
    assert parse_hours(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [("2.125", 2.13), (2.125, 2.13), ("1.005学时", 1.01), (1.005, 1.01),
                                                (2.675, 2.68), ("1.333", 1.33), (0.125, 0.13)])
def test_hours_of_three_decimals_round_half_up(raw: object, expected: float) -> None:
    """四舍五入 as the office reckons, not round()'s binary halves to even (2.125 -> 2.12, 1.005 -> 1.0)."""
    assert parse_hours(raw) == expected


def test_minus_zero_hours_are_zero_not_shown_as_minus_zero() -> None:
    value = parse_hours(-0.0)  # `--hours -0` on the command line
    assert value == 0 and str(value) == "0.0"


def test_mask() -> None:
    assert mask_id_number("110105198001011234") == "110105********1234"
