"""Property tests: every normaliser returns a valid value or raises NormalizeError, never anything else."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services import normalize as n
from services.errors import NormalizeError

# Whatever a cell, a CSV field or a text box can hold, plus a few things they cannot.
cells = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(), st.text(alphabet="0123456789xX -年月日./号０１２３４５６７８９　"),
    st.dates(), st.datetimes(), st.decimals(allow_nan=False),
    st.lists(st.integers(), max_size=3), st.binary(max_size=10),
)
# Per-test settings (not a global profile) so other test modules keep theirs.
fuzz = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(fn: Callable[[Any], Any], value: Any) -> Any:
    try:
        return fn(value)
    except NormalizeError as exc:
        assert exc.message
        return NormalizeError


@fuzz
@given(cells)
def test_partial_date(value: Any) -> None:
    result = outcome(n.parse_partial_date, value)
    if result is NormalizeError or result is None:
        return
    assert re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", result)
    assert n.partial_start(result) <= n.partial_end(result)
    assert n.parse_partial_date(n.format_partial(result)) == result  # printed form reads back


@fuzz
@given(cells)
def test_full_date(value: Any) -> None:
    result = outcome(n.parse_full_date, value)
    assert result in (None, NormalizeError) or isinstance(result, dt.date)


@fuzz
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
       st.sampled_from(["{:%Y-%m-%d}", "{d.year}/{d.month}/{d.day}", "{:%Y.%m.%d}", "{d.year}年{d.month}月{d.day}日",
                        "{:%Y%m%d}"]))
def test_every_written_date_form(day: dt.date, form: str) -> None:
    assert n.parse_partial_date(form.format(day, d=day)) == day.isoformat()


@fuzz
@given(st.integers(1900, 2100), st.integers(1, 12), st.sampled_from(["{y}.{m}", "{y}年{m}月", "{y}{m:02d}", "{y}-{m:02d}"]))
def test_month_forms_keep_the_month(year: int, month: int, form: str) -> None:
    assert n.parse_partial_date(form.format(y=year, m=month)) == f"{year:04d}-{month:02d}"


@fuzz
@given(cells)
def test_id_number(value: Any) -> None:
    result = outcome(n.normalize_id_number, value)
    if result is NormalizeError:
        return
    assert re.fullmatch(r"\d{17}[\dX]", result)
    assert n.id_check_digit(result[:17]) == result[17]
    assert n.normalize_id_number(result) == result


@fuzz
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)), st.integers(0, 999),
       st.sampled_from(["110101", "320102", "510104"]))
def test_valid_ids_in_every_disguise(birth: dt.date, seq: int, region: str) -> None:
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    full = body + n.id_check_digit(body)
    wide = full.translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))
    assert n.normalize_id_number(wide) == full
    assert n.normalize_id_number(f" {full[:6]} {full[6:14]} {full[14:].lower()} ") == full
    assert n.id_sex(full) == ("男" if seq % 2 else "女") and n.id_birth_date(full) == birth


@fuzz
@given(st.integers(10**15, 10**18 - 1))
def test_id_stored_as_number_is_refused(number: int) -> None:
    with pytest.raises(NormalizeError, match="文本"):
        n.normalize_id_number(float(number))


@fuzz
@given(cells)
def test_name(value: Any) -> None:
    result = outcome(n.normalize_name, value)
    if result is NormalizeError:
        return
    assert result and result == result.strip() and "\u3000" not in result
    assert not any(ch.isdigit() for ch in result)
    assert n.normalize_name(result) == result


@pytest.mark.parametrize(("given_name", "expected"), [
    ("张　伟", "张伟"), ("张 伟", "张伟"), ("阿依古丽·买买提", "阿依古丽·买买提"), ("阿依古丽.买买提", "阿依古丽·买买提"),
    ("堃喆", "堃喆"), ("王\u200b芳", "王芳"),
])
def test_name_examples(given_name: str, expected: str) -> None:
    assert n.normalize_name(given_name) == expected


@fuzz
@given(cells)
def test_hours(value: Any) -> None:
    result = outcome(n.parse_hours, value)
    assert result in (None, NormalizeError) or (isinstance(result, float) and 0 <= result <= 1000)


@fuzz
@given(cells)
def test_phone(value: Any) -> None:
    result = outcome(n.normalize_phone, value)
    assert result in (None, NormalizeError) or re.fullmatch(r"\+?\d{5,20}(转\d{1,6})?", result)


@pytest.mark.parametrize(("fn", "allowed"), [
    (n.normalize_sex, n.SEXES), (n.normalize_education, n.EDUCATIONS), (n.normalize_membership, n.MEMBERSHIPS),
    (n.normalize_staff_status, n.STAFF_STATUSES), (n.normalize_status, n.STATUSES), (n.normalize_ethnicity, n.ETHNICITIES),
])
@fuzz
@given(value=cells)
def test_choices(fn: Callable[[Any], Any], allowed: tuple[str, ...], value: Any) -> None:
    result = outcome(fn, value)
    assert result in (None, NormalizeError) or result in allowed


@fuzz
@given(cells)
def test_clean_text_and_optional_text(value: Any) -> None:
    text = n.clean_text(value)
    assert isinstance(text, str) and text == text.strip() and "  " not in text
    assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in text)
    text.encode("utf-8")  # storable in SQLite and .xlsx
    result = outcome(lambda v: n.normalize_optional_text(v, 20), value)
    assert result in (None, NormalizeError) or (isinstance(result, str) and 0 < len(result) <= 20)


@pytest.mark.parametrize(("given_id", "expected"), [
    ("６１０１０３１９８９０８３０６９９６", "610103198908306996"), ("51010419820224057x", "51010419820224057X"),
    (" 110101 19900307 1233 ", "110101199003071233"), ("110101900307123", "110101199003071233"),
])
def test_id_examples(given_id: str, expected: str) -> None:
    assert n.normalize_id_number(given_id) == expected
