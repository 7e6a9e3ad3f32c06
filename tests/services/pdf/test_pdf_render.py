"""PDF pages rendered with PDFium: page count, sizes, pixels (no Qt, no poppler)."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from services.pdf import pdf_render
from services.pdf.pdf_fonts import register_fonts

pytestmark = pytest.mark.skipif(not pdf_render.available(), reason="需要 pypdfium2")


def _make_pdf(path: Path, pages: int, size: tuple[float, float] = A4) -> Path:
    fonts = register_fonts()
    body = fonts.body
    c = canvas.Canvas(str(path), pagesize=size)
    for n in range(pages):
        c.setFont(body, 28)
        c.drawString(72, size[1] - 100, f"签到表 第{n + 1}页")
        c.rect(72, 72, 200, 100, fill=1)
        c.showPage()
    c.save()
    return path


def test_page_count_and_sizes(tmp_path):
    pdf = _make_pdf(tmp_path / "a.pdf", 3)
    assert pdf_render.page_count(pdf) == 3
    sizes = pdf_render.page_sizes(pdf)
    assert len(sizes) == 3
    assert all(abs(w - 595.28) < 0.5 and abs(h - 841.89) < 0.5 for w, h in sizes)


def test_render_a4_at_scale(tmp_path):
    pdf = _make_pdf(tmp_path / "a.pdf", 2)
    pages = list(pdf_render.render_pages(pdf, dpi=144))
    assert [p.index for p in pages] == [0, 1]
    page = pages[0]
    # A4 at 144 dpi (scale 2): 1190.55 x 1683.78 points → whole pixels (PDFium rounds up).
    assert abs(page.width - 595.28 * 2) <= 1 and abs(page.height - 841.89 * 2) <= 1
    assert page.stride >= page.width * 4 and len(page.data) == page.stride * page.height
    assert page.data[:4] == b"\xff\xff\xff\xff"  # white background, top-left corner
    # the black rectangle at (72..272, 72..172) pt from the bottom-left: its middle is black
    x, y = 172 * 2, page.height - 122 * 2
    off = y * page.stride + x * 4
    assert page.data[off:off + 3] == b"\x00\x00\x00"
    assert (page.width_pt, page.height_pt) == pytest.approx((595.28, 841.89), abs=0.5)


def test_page_range_and_landscape(tmp_path):
    pdf = _make_pdf(tmp_path / "l.pdf", 4, landscape(A4))
    pages = list(pdf_render.render_pages(pdf, dpi=36, first=2, last=3))
    assert [p.index for p in pages] == [1, 2]
    assert pages[0].width > pages[0].height
    assert list(pdf_render.render_pages(pdf, dpi=36, first=4, last=99))[0].index == 3


def test_huge_dpi_is_capped(tmp_path):
    pdf = _make_pdf(tmp_path / "a.pdf", 1)
    page = next(pdf_render.render_pages(pdf, dpi=5000))
    assert max(page.width, page.height) <= pdf_render.MAX_SIDE + 1


def test_unreadable_file(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf")
    with pytest.raises(pdf_render.PdfRenderError) as err:
        pdf_render.page_count(bad)
    assert "无法打开" in err.value.message
    with pytest.raises(pdf_render.PdfRenderError):
        pdf_render.page_count(tmp_path / "missing.pdf")
