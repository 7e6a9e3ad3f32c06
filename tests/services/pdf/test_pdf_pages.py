"""A long table laid out a page at a time (services/pdf/pdf_pages.py): the same pages as ReportLab's own split
Table, each row built and wrapped once, few rows held at a time, and a cancel that leaves no file."""

from __future__ import annotations

import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from services.errors import CancelledError
from services.files.safe_write import build_pdf
from services.pdf.pdf_fonts import register_fonts
from services.pdf.pdf_layout import base_styles, header_table_style
from services.pdf.pdf_pages import _CHUNK, paged_table
from services.pdf.pdf_text import para

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="需要 poppler-utils（pdftotext）")

HEADER = ["序号", "姓名", "说明"]
WIDTHS = [40.0, 90.0, 300.0]


def _texts(n: int) -> list[tuple[str, str, str]]:
    """Rows of one to four lines: a table whose page breaks depend on every row's own height."""
    return [(f"R{i:04d}", f"姓名{i}", "很长的说明文字" * (1 + (i * 7) % 23)) for i in range(n)]


def _story(table: Any) -> list[Any]:
    from reportlab.platypus import Spacer

    st = base_styles(register_fonts())
    return [para("标题", st["title"]), Spacer(1, 20), table, para("制表人：＿＿＿＿", st["info"])]


def _build(path: Path, table: Any) -> list[str]:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    build_pdf(SimpleDocTemplate(str(path), pagesize=A4), path, _story(table))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [page for page in text.split("\f") if page.strip()]


def _style() -> list[tuple[Any, ...]]:
    return header_table_style(register_fonts(), body_size=10)


def test_pages_are_those_of_a_split_table_with_the_header_on_each(tmp_path: Path) -> None:
    from reportlab.platypus import Table, TableStyle

    st = base_styles(register_fonts())
    texts = _texts(260)

    def row(i: int) -> list[Any]:
        seq, name, note = texts[i]
        return [seq, name, para(note, st["cell"])]

    whole = Table([HEADER] + [row(i) for i in range(len(texts))], colWidths=WIDTHS, repeatRows=1)
    whole.setStyle(TableStyle(_style()))
    expected = _build(tmp_path / "whole.pdf", whole)
    built: list[int] = []
    pages = _build(tmp_path / "paged.pdf", paged_table(HEADER, len(texts), lambda i: built.append(i) or row(i),
                                                       WIDTHS, _style()))
    assert len(expected) >= 5
    assert pages == expected  # the same rows on the same pages, the title on the first, the sign-off on the last
    for page in pages:
        assert "序号" in page and "说明" in page
    seqs = [word for page in pages for word in page.split() if word.startswith("R")]
    assert seqs == [seq for seq, _name, _note in texts]  # every row once, in order
    assert sorted(built) == list(range(len(texts)))  # each row's cells made once


def test_rows_are_built_a_page_at_a_time_and_wrapped_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    st = base_styles(register_fonts())
    texts = _texts(400)
    live: set[int] = set()  # rows made and not yet laid out on their page
    most = [0]

    def row(i: int) -> list[Any]:
        live.add(i)
        most[0] = max(most[0], len(live))
        return [texts[i][0], texts[i][1], para(texts[i][2], st["cell"])]

    from services.pdf import pdf_pages

    page = pdf_pages._Rows.page

    def placed(self: Any, start: int, stop: int) -> Any:
        live.difference_update(range(start, stop))
        return page(self, start, stop)

    monkeypatch.setattr(pdf_pages._Rows, "page", placed)
    wraps = [0]
    cls = type(para("", st["cell"]))
    breaks = cls.breakLinesCJK

    def counted(self: Any, widths: Any) -> Any:
        wraps[0] += 1
        return breaks(self, widths)

    monkeypatch.setattr(cls, "breakLinesCJK", counted)
    pages = _build(tmp_path / "t.pdf", paged_table(HEADER, len(texts), row, WIDTHS, _style()))
    per_page = len(texts) / len(pages)
    assert not live
    assert most[0] <= per_page * 2 + _CHUNK  # a page and a chunk of rows at most, never the whole table
    assert wraps[0] <= len(texts) + 10  # each paragraph broken into lines once (a split table: once per page)


def test_fixed_least_heights_give_room_to_sign(tmp_path: Path) -> None:
    from reportlab.lib.units import mm

    rows = [[str(i + 1), f"姓名{i}", ""] for i in range(60)]
    pages = _build(tmp_path / "s.pdf", paged_table(HEADER, len(rows), rows.__getitem__, WIDTHS, _style(),
                                                   min_heights=(8 * mm, 9 * mm)))
    usable = 297 * mm - 2 * 72 - 12 - 8 * mm  # A4 less SimpleDocTemplate's margins and frame padding, less the header
    assert len(pages) == 3 and pages[1].count("姓名") - 1 == int(usable // (9 * mm))  # rows 9 mm high, and the header


def test_cancel_stops_the_print_and_leaves_no_file(tmp_path: Path) -> None:
    cancel = threading.Event()
    seen: list[int] = []

    def progress(percent: int, text: str) -> None:
        seen.append(percent)
        cancel.set()  # 取消 pressed once the first page is laid out

    out = tmp_path / "c.pdf"
    rows = [[str(i), f"姓名{i}", "说明"] for i in range(2000)]
    with pytest.raises(CancelledError):
        _build(out, paged_table(HEADER, len(rows), rows.__getitem__, WIDTHS, _style(), progress=progress,
                                cancel=cancel))
    assert seen and seen[0] < 10
    assert list(tmp_path.iterdir()) == []  # neither the PDF nor a half-written temporary file


def test_an_empty_table_prints_its_header(tmp_path: Path) -> None:
    pages = _build(tmp_path / "e.pdf", paged_table(HEADER, 0, lambda i: [], WIDTHS, _style()))
    assert len(pages) == 1 and "序号" in pages[0] and "制表人" in pages[0]
