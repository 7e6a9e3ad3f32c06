"""A character the print font has no glyph for is noted when a PDF draws it, and said once."""

from __future__ import annotations

from pathlib import Path

from services.pdf import pdf_fonts

RARE = "\U00030000"  # CJK Extension G: in no print font nor fallback (䶮 and 𠮷 print: test_font_fallback)


def _draw(path: Path, *texts: str) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    fonts = pdf_fonts.register_fonts()
    style = ParagraphStyle("t", fontName=fonts.sans, fontSize=12)
    SimpleDocTemplate(str(path), pagesize=A4).build([Paragraph(t, style) for t in texts])


def test_a_character_without_a_glyph_is_noted_once(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DANGXUN_BUNDLED_FONTS_ONLY", "1")
    pdf_fonts.take_missing()  # whatever earlier tests drew
    _draw(tmp_path / "a.pdf", "王伟 李明　张三", "第一党支部 2024年")
    assert pdf_fonts.take_missing() == []
    _draw(tmp_path / "b.pdf", f"王{RARE}", "李\U00030001 吉\U00030002")
    assert pdf_fonts.take_missing() == sorted([RARE, "\U00030001", "\U00030002"])
    assert pdf_fonts.take_missing() == []  # said once
    text = pdf_fonts.missing_text([RARE])
    assert RARE in text and "手写" in text


def test_the_command_line_says_what_a_pdf_could_not_print(tmp_path: Path, capsys) -> None:
    from ui.cli.main import run

    roll = tmp_path / "名册.csv"
    roll.write_text("姓名,公民身份号码,性别,出生日期,所在党支部,入党时间\n"
                    f"王{RARE},110101198003150076,男,1980-03-15,第一党支部,2005-07-01\n"
                    "李明,110101198003150017,男,1980-03-15,第一党支部,2005-07-01\n", encoding="utf-8")
    db = str(tmp_path / "d.sqlite3")
    assert run(["--db", db, "import-members", str(roll), "--create-branches"]) == 0
    pdf_fonts.take_missing()
    capsys.readouterr()
    assert run(["--db", db, "print-roll", str(tmp_path / "roll.pdf")]) == 0
    err = capsys.readouterr().err
    assert f"没有这些字，PDF 中它们印不出来（留空）：{RARE}" in err
    assert run(["--db", db, "print-roll", str(tmp_path / "roll2.pdf"), "--branch", "第一党支部"]) == 0
    assert RARE in capsys.readouterr().err  # each printout that lacks it says so
