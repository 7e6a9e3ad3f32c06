"""Rare characters of names and titles (CJK Extension A, B, C) print in the bundled fallback font, come back
out of the PDF as the same text, and take their own width; one no font has is said with its text."""

from __future__ import annotations

import subprocess
from pathlib import Path

from services.pdf import pdf_fonts
from tests.helpers.pdf_reading import pdf_text

# 䶮 Extension A, 𠇔 𡈼 Extension B, 𪨶 Extension C, 𬌗 Extension E (通用规范汉字表): none in WenQuanYi Micro Hei.
RARE = ["王䶮", "李𠇔", "张𡈼", "陈𪨶", "吴𬌗"]
NOWHERE = "\U00030000"  # Extension G: in no font of the chain


def _draw_paragraphs(path: Path, *texts: str) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import SimpleDocTemplate

    from services.pdf.pdf_text import para

    fonts = pdf_fonts.register_fonts()
    style = ParagraphStyle("t", fontName=fonts.body, fontSize=12, leading=16)
    SimpleDocTemplate(str(path), pagesize=A4).build([para(t, style) for t in texts])


def _draw_strings(path: Path, *texts: str) -> None:
    """Strings drawn on a canvas, as a certificate's name and a table's plain cells are."""
    from reportlab.pdfgen import canvas

    fonts = pdf_fonts.register_fonts()
    c = canvas.Canvas(str(path), initialFontName=fonts.body)
    c.setFont(fonts.body, 14)
    for n, text in enumerate(texts):
        c.drawString(72, 700 - 24 * n, text)
    c.save()


def _fonts_of(path: Path) -> str:
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def test_rare_characters_print_in_the_fallback_font_and_read_back(tmp_path: Path) -> None:
    pdf_fonts.take_missing()
    _draw_paragraphs(tmp_path / "p.pdf", *RARE, "学习《𠇔䶮专题》（上）——第一期")
    _draw_strings(tmp_path / "s.pdf", *RARE)
    assert pdf_fonts.take_missing() == []
    for made in ("p.pdf", "s.pdf"):
        text = pdf_text(tmp_path / made)
        for name in RARE:
            assert name in text  # 𠇔 reads back as 𠇔, not as U+201D ” (ReportLab's own ToUnicode map)
        assert "HanaMinA" in _fonts_of(tmp_path / made)  # embedded, as every font of a print
    assert "学习《𠇔䶮专题》（上）——第一期" in pdf_text(tmp_path / "p.pdf", flat=True)


def test_a_rare_character_takes_its_own_width() -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    body = pdf_fonts.register_fonts().body
    one = stringWidth("王", body, 10)
    assert stringWidth("王䶮", body, 10) == stringWidth("王王", body, 10) == 2 * one
    assert stringWidth("李𠇔阿依古丽", body, 10) == 6 * one


def test_a_character_no_font_has_is_said_with_the_text_it_was_in(tmp_path: Path) -> None:
    pdf_fonts.take_missing()
    _draw_strings(tmp_path / "s.pdf", f"李{NOWHERE}", "王䶮")
    _draw_paragraphs(tmp_path / "p.pdf", f"关于{NOWHERE}的专题党课（下半年）第二讲：学习贯彻党的二十届三中全会精神辅导")
    where = pdf_fonts.take_missing_where()
    assert list(where) == [NOWHERE]
    assert where[NOWHERE][0] == f"李{NOWHERE}"
    assert where[NOWHERE][1].startswith(f"关于{NOWHERE}的专题党课")  # a long title: the part around it
    text = pdf_fonts.missing_text(where)
    assert f"{NOWHERE}（“李{NOWHERE}”；“关于{NOWHERE}" in text and "手写" in text
    assert pdf_fonts.take_missing() == []  # said once


def test_the_command_line_prints_rare_names_and_names_the_member_it_cannot(tmp_path: Path, capsys) -> None:
    from ui.cli.main import run

    roll = tmp_path / "名册.csv"
    roll.write_text("姓名,公民身份号码,性别,出生日期,所在党支部,入党时间\n"
                    "王䶮,110101198003150076,男,1980-03-15,第一党支部,2005-07-01\n"
                    "李𠇔,110101198003150017,男,1980-03-15,第一党支部,2005-07-01\n"
                    f"张{NOWHERE},110101198003150033,男,1980-03-15,第一党支部,2005-07-01\n", encoding="utf-8")
    db = str(tmp_path / "d.sqlite3")
    assert run(["--db", db, "import-members", str(roll), "--create-branches"]) == 0
    pdf_fonts.take_missing()
    capsys.readouterr()
    assert run(["--db", db, "print-roll", str(tmp_path / "roll.pdf")]) == 0
    err = capsys.readouterr().err
    assert f"PDF 中它们印不出来（留空）：{NOWHERE}（“张{NOWHERE}”）。" in err
    text = pdf_text(tmp_path / "roll.pdf")
    assert "王䶮" in text and "李𠇔" in text


def test_the_offices_own_fonts_are_found_by_name_in_the_font_folders(tmp_path: Path, monkeypatch) -> None:
    from services.pdf import pdf_fallback

    (tmp_path / "truetype" / "wqy").mkdir(parents=True)
    (tmp_path / "truetype" / "wqy" / "WQY-ZenHei.ttc").write_bytes(b"")
    (tmp_path / "other.ttf").write_bytes(b"")
    monkeypatch.setattr(pdf_fallback, "font_dirs", lambda: [tmp_path])
    monkeypatch.delenv("DANGXUN_BUNDLED_FONTS_ONLY", raising=False)
    assert pdf_fallback.find_font_files(["wqy-zenhei.ttc", "simsun.ttc"]) == {
        "wqy-zenhei.ttc": tmp_path / "truetype" / "wqy" / "WQY-ZenHei.ttc"}
    monkeypatch.setenv("DANGXUN_BUNDLED_FONTS_ONLY", "1")  # tests, or an office wanting one printout everywhere
    assert pdf_fallback.find_font_files(["wqy-zenhei.ttc"]) == {}
