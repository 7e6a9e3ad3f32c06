"""Chinese text in printed paragraphs: kept as written (full-width spaces too), broken by one set of rules."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from services.pdf.pdf_fonts import register_fonts
from services.pdf.pdf_text import CANNOT_END, CANNOT_START, break_lines, para, wrap_text

REPO = Path(__file__).resolve().parents[3]


def _lines(text: str, chars_per_line: int) -> list[str]:
    """`text` broken with every character 1 wide in lines of room `chars_per_line`."""
    return [text[a:b] for a, b in break_lines(text, [1.0] * len(text), [float(chars_per_line)])]


@pytest.mark.parametrize("mark", list("，。、；：？！”’）》」』】〕…—"))
def test_no_line_starts_with_closing_punctuation(mark: str) -> None:
    lines = _lines("一二三四五" + mark + "六七八九十", 5)
    assert lines == ["一二三四", "五" + mark + "六七八", "九十"]


@pytest.mark.parametrize("mark", list("“‘（《「『【〔"))
def test_no_line_ends_with_an_opening_mark(mark: str) -> None:
    assert _lines("一二三四" + mark + "五六七八", 5) == ["一二三四", mark + "五六七八"]


def test_a_run_of_marks_moves_down_together_and_a_line_of_marks_still_breaks() -> None:
    assert _lines("一二三四五。”六七", 5) == ["一二三四", "五。”六七"]
    assert _lines("一二三“四”。", 4) == ["一二三", "“四”。"]
    assert _lines("，，，，，，，", 3) == ["，，，", "，，，", "，"]  # nothing to move: progress all the same


@pytest.mark.parametrize("pair", ["——", "……"])
def test_a_dash_or_an_ellipsis_is_never_split_even_in_a_narrow_cell(pair: str) -> None:
    # A session's theme in a card's narrow 课次 column: （上）—— fills the room and cannot move down whole.
    assert _lines(f"（上）{pair}学习", 4) == ["（上）", f"{pair}学习"]
    assert _lines(f"专题（上）{pair}学习", 5) == ["专题", f"（上）{pair}", "学习"]


def test_spaces_are_kept_and_those_at_a_break_end_the_line_they_follow() -> None:
    assert _lines("　　根据规定，张　三", 20) == ["　　根据规定，张　三"]
    assert _lines("一二三四　　五六", 4) == ["一二三四　　", "五六"]
    assert _lines("一二\n　　三四", 10) == ["一二\n", "　　三四"]


def test_a_latin_word_or_figure_is_not_cut_when_it_can_move_down() -> None:
    assert _lines("学时合计12.25学时", 6) == ["学时合计", "12.25学", "时"]
    assert _lines("abcdefghij", 4) == ["abcd", "efgh", "ij"]  # no better place: cut


def test_the_certificate_breaker_uses_the_same_rules() -> None:
    font = register_fonts().body
    lines = wrap_text("一二三四五，六七八九十“十一”", font, 10, 50)
    assert lines == ["一二三四", "五，六七八", "九十“十", "一”"]
    assert not any(line[0] in CANNOT_START or line[-1] in CANNOT_END for line in lines)


def test_every_printed_paragraph_is_made_here() -> None:
    """No printout builds ReportLab's own Paragraph: it would drop spaces and break lines its own way."""
    found = []
    for path in sorted((REPO / "services").rglob("*.py")) + sorted((REPO / "ui").rglob("*.py")):
        if path.name == "pdf_text.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("reportlab.platypus"):
                found += [f"{path.relative_to(REPO)}: {a.name}" for a in node.names if a.name == "Paragraph"]
    assert found == []


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="需要 poppler-utils（pdftotext）")
def test_a_paragraph_prints_its_full_width_spaces_and_its_indent(tmp_path: Path) -> None:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import SimpleDocTemplate

    from tests.services.printing.test_print_edges import _words

    fonts = register_fonts()
    style = ParagraphStyle("t", fontName=fonts.body, fontSize=10, leading=14)
    text = "　　根据上级党委的统一部署，结合本单位实际情况，制定本计划。由张　三负责。\n　　第二段也缩进两字。"
    out = tmp_path / "p.pdf"
    SimpleDocTemplate(str(out), leftMargin=72, rightMargin=72).build([para(text, style, breaks=True)])
    words = {w[-1]: w for w in _words(out)}
    left = 72 + 6  # the margin and the frame's padding
    first = next(w for t, w in words.items() if t.startswith("根据"))
    second = next(w for t, w in words.items() if t.startswith("第二段"))
    # Both paragraphs start two characters (20 pt) in from the frame's left edge.
    assert first[2] - left == pytest.approx(20, abs=0.5)
    assert second[2] - left == pytest.approx(20, abs=0.5)
    # 张　三 keeps its full-width space: a gap of one character between the two words pdftotext sees.
    zhang = next(w for t, w in words.items() if t.endswith("张"))
    san = next(w for t, w in words.items() if t.startswith("三"))
    assert san[2] - zhang[4] == pytest.approx(10, abs=0.5)


def _flat(lines: object) -> list[object]:
    """ReportLab's lines of a paragraph as plain values: each line's attributes, each word's attributes."""
    return [({k: v for k, v in vars(line).items() if k != "words"}, [vars(w) for w in line.words])
            for line in lines.lines]  # type: ignore[attr-defined]


@pytest.mark.parametrize("markup", [
    "“学习强国”积分与学时挂钩，" * 12 + "……完！",
    "第一行：少开会<br/>第二行，<font size=14 color=red>加大字号的　一段文字</font>接着<br/><br/>空行之后&lt;&amp;" * 3,
    "<font color=blue>一</font><font color=blue>二</font>三" * 40,  # runs of the same style are one word
])
def test_lines_are_those_reportlab_makes_a_character_at_a_time(markup: str) -> None:
    """The lines are made a fragment at a time, each character measured once per font and size: the same
    lines (words, styles, widths) as ReportLab's `makeCJKParaLine` makes of an object per character."""
    from reportlab.lib.styles import ParagraphStyle

    from services.pdf.pdf_text import _paragraph_class

    style = ParagraphStyle("t", fontName=register_fonts().body, fontSize=10, leading=14)
    paragraph = _paragraph_class()(markup, style)
    fast = paragraph.breakLinesCJK([150.0, 200.0])
    slow = paragraph._unit_lines([150.0, 200.0], False)
    assert len(fast.lines) > 3 and _flat(fast) == _flat(slow)
