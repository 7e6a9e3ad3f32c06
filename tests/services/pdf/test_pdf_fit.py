"""Long names, branches and titles in table cells: wrapped at a readable size, after a name's middle dot."""

from __future__ import annotations

import pytest

from services.pdf.pdf_fit import fit_lines, fitting_width, widen_columns
from services.pdf.pdf_fonts import register_fonts
from services.pdf.pdf_layout import MM, fit_cell
from services.pdf.pdf_text import break_at_dots

LONG = "阿卜杜热合曼·买买提托合提·艾则孜"
# The sign-in sheet's 姓名 cell: 24 mm less 6 pt of padding a side, a 9 mm row less 3 pt above and below.
SIGNIN_ROOM = 24 * MM - 12
SIGNIN_BOX = 9 * MM - 6


@pytest.fixture(scope="module")
def name_style() -> object:
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle("name", fontName=register_fonts().body, fontSize=10.5, leading=12.6)


def _lines(text: str, per_line: int) -> list[str]:
    return [text[a:b] for a, b in break_at_dots(text, [1.0] * len(text), float(per_line))]


def test_lines_break_after_the_last_dot_they_hold() -> None:
    assert _lines("阿依古丽·买买提", 7) == ["阿依古丽·", "买买提"]
    assert _lines(LONG, 8) == ["阿卜杜热合曼·", "买买提托合提·", "艾则孜"]
    assert _lines("阿依·古丽·买买提", 7) == ["阿依·古丽·", "买买提"]  # two parts on one line
    assert _lines("阿卜杜热合曼·买买", 4) == ["阿卜杜热", "合曼·", "买买"]  # a part wider than a line still breaks


def test_an_ordinary_name_keeps_its_cell_and_size(name_style: object) -> None:
    for name in ("张伟", "欧阳娜娜", "张　伟"):
        assert fit_cell(name, name_style, SIGNIN_ROOM, height=SIGNIN_BOX) == name


def test_a_long_minority_name_wraps_after_its_dots_at_a_readable_size(name_style: object) -> None:
    fitted = fit_lines(LONG, name_style, SIGNIN_ROOM, SIGNIN_BOX)
    assert fitted.lines == ("阿卜杜热合曼·", "买买提托合提·", "艾则孜")
    assert fitted.size == 8.5 and fitted.readable
    # The paragraph a cell gets says it whole, in that size.
    cell = fit_cell(LONG, name_style, SIGNIN_ROOM, height=SIGNIN_BOX)
    assert cell.style.fontSize == 8.5
    assert cell.wrap(SIGNIN_ROOM, 1000)[1] == pytest.approx(3 * 8.5 * 1.2)


def test_two_lines_that_fit_the_row_come_before_a_taller_row(name_style: object) -> None:
    # In a sign-in sheet's 9 mm row two lines fit at 8 pt; with rows as tall as their text, 10.5 pt.
    assert fit_lines("阿依古丽·买买提", name_style, SIGNIN_ROOM, SIGNIN_BOX).lines == ("阿依古丽·", "买买提")
    assert fit_lines("阿依古丽·买买提", name_style, SIGNIN_ROOM, SIGNIN_BOX).size == 8
    assert fit_lines("阿依古丽·买买提", name_style, SIGNIN_ROOM).size == 10.5


def test_one_line_a_little_smaller_comes_before_wrapping(name_style: object) -> None:
    fitted = fit_lines("司马相如如如", name_style, SIGNIN_ROOM, SIGNIN_BOX)
    assert fitted.lines == ("司马相如如如",) and fitted.size == 9


def test_smaller_than_readable_only_when_three_lines_do_not_fit(name_style: object) -> None:
    # 40 pt holds 5 characters at 8 pt: the name takes 4 lines there, so the size goes down until 3 do.
    assert len(fit_lines(LONG, name_style, 40, max_lines=4).lines) == 4
    fitted = fit_lines(LONG, name_style, 40)
    assert fitted.lines == ("阿卜杜热合", "曼·买买提托", "合提·艾则孜") and fitted.size == 7.5
    assert not fitted.readable


def test_a_latin_word_is_not_cut(name_style: object) -> None:
    fitted = fit_lines("Muhammad Ali Nurmamat", name_style, SIGNIN_ROOM, SIGNIN_BOX)
    assert [line.strip() for line in fitted.lines] == ["Muhammad Ali", "Nurmamat"]


def test_a_code_stays_on_one_line_set_smaller(name_style: object) -> None:
    cell = fit_cell("2026-ZT-000017", name_style, 60)
    cell.wrap(60, 1000)
    assert len(cell.blPara.lines) == 1 and cell.style.fontSize < 10.5


def test_a_column_widens_as_much_as_a_long_name_needs(name_style: object) -> None:
    base = 20 * MM
    assert fitting_width(["张伟", "王芳"], name_style, base, 30 * MM) == base
    wide = fitting_width(["张伟", LONG], name_style, base, 30 * MM)
    assert base < wide <= 30 * MM
    assert fit_lines(LONG, name_style, wide - 12).readable
    assert not fit_lines(LONG, name_style, wide - 12 - MM).readable


def test_widened_columns_keep_the_table_width() -> None:
    widths = [10.0, 20.0, 5.0, 40.0, 30.0]
    out = widen_columns(widths, {1: 30.0}, donors=[3, 4], spare={2: 2.0})
    assert sum(out) == pytest.approx(sum(widths))
    assert out[1] == pytest.approx(30) and out[2] == pytest.approx(3) and out[0] == 10
    # Donors give at most a fifth of their width: the column gets what there is.
    out = widen_columns(widths, {1: 50.0}, donors=[3])
    assert out[1] == pytest.approx(28) and out[3] == pytest.approx(32) and sum(out) == pytest.approx(sum(widths))
