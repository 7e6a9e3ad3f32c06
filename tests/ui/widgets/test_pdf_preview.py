"""The PDF preview: pages rendered in-app by PDFium (no QtPdf, no pdftoppm) and printed via QPrinter."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtGui import QPageLayout
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog, QLabel
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from services.pdf import pdf_render
from services.printing import print_signin
from services.training import activities, enrolment
from ui.widgets import pdf_preview
from ui.widgets.pdf_preview import PdfPreviewDialog, print_pdf_to

pytestmark = [
    pytest.mark.skipif(not pdf_render.available(), reason="需要 pypdfium2"),
    # The offscreen platform says so whenever a top-level widget is shown; it is not ours to fix.
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]


@pytest.fixture
def no_other_renderer(monkeypatch):
    """As on a clerk's Windows PC: no QtPdf module, no pdftoppm on PATH."""
    monkeypatch.setattr(shutil, "which", lambda *_a, **_k: None)
    monkeypatch.setattr(pdf_preview, "_qtpdf_available", lambda: False)


@pytest.fixture
def sheet(demo_db, tmp_path) -> print_signin.PdfResult:
    with demo_db.session_factory.begin() as s:
        info = activities.create_activity(s, {"title": "党性教育培训班", "type": "党性教育培训班",
                                              "start_date": "2023-05-08", "place": "西柏坡"}, "t",
                                          sessions=[{"date": "2023-05-08", "hours": 6}])
        enrolment.enrol(s, info.id, enrolment.select_members(s), "t")
    with demo_db.session_factory() as s:
        result = print_signin.signin_sheet(s, info.id, tmp_path / "签到表.pdf")
    assert result.pages >= 2
    return result


def _pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_preview_shows_every_page(qtbot, no_other_renderer, sheet, tmp_path):
    dialog = PdfPreviewDialog(sheet.path, "签到表")
    qtbot.addWidget(dialog)
    dialog.show()
    assert len(dialog.pages) == sheet.pages == len(dialog.page_labels)
    assert dialog.total_pages == sheet.pages
    assert dialog.count_label.text() == f"共{sheet.pages}页"
    assert dialog.print_button.isEnabled()
    image = dialog.pages[0]
    ratio = image.devicePixelRatio()
    # A4 rendered at PREVIEW_DPI, in device-independent pixels
    dpi = pdf_preview.PREVIEW_DPI
    assert abs(image.width() / ratio - 595.28 * dpi / 72) <= 2
    assert abs(image.height() / ratio - 841.89 * dpi / 72) <= 2
    assert not image.isNull() and image.pixelColor(5, 5).name() == "#ffffff"
    dark = sum(1 for y in range(0, image.height(), 7) for x in range(0, image.width(), 7)
               if image.pixelColor(x, y).lightness() < 100)
    assert dark > 50  # text and grid lines, not a blank page
    image.save(str(tmp_path / "page1.png"))
    dialog.grab().save(str(tmp_path / "dialog.png"))


def test_preview_caps_pages_but_counts_all(qtbot, no_other_renderer, sheet):
    dialog = PdfPreviewDialog(sheet.path, "签到表", max_pages=1)
    qtbot.addWidget(dialog)
    assert len(dialog.pages) == 1 and dialog.total_pages == sheet.pages
    notes = [label.text() for label in dialog.findChildren(QLabel)]
    assert any(f"打印时打印全部{sheet.pages}页" in text for text in notes)


def test_without_any_renderer(qtbot, no_other_renderer, monkeypatch, sheet):
    monkeypatch.setattr(pdf_render, "available", lambda: False)
    dialog = PdfPreviewDialog(sheet.path, "签到表")
    qtbot.addWidget(dialog)
    assert dialog.pages == [] and not dialog.print_button.isEnabled()
    assert dialog.count_label.text() == f"共{sheet.pages}页"
    assert any("用系统程序打开" in label.text() for label in dialog.findChildren(QLabel))


def test_unreadable_pdf_says_so(qtbot, tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")
    dialog = PdfPreviewDialog(bad, "坏文件")
    qtbot.addWidget(dialog)
    assert dialog.pages == [] and not dialog.print_button.isEnabled()
    assert any("无法打开 PDF" in label.text() for label in dialog.findChildren(QLabel))


def test_print_pdf_to_writes_every_page(qtbot, no_other_renderer, sheet, tmp_path):
    out = tmp_path / "printed.pdf"
    assert print_pdf_to(_pdf_printer(out), sheet.path) == sheet.pages
    assert pdf_render.page_count(out) == sheet.pages
    w, h = pdf_render.page_sizes(out)[0]
    assert abs(w - 595.28) < 2 and abs(h - 841.89) < 2
    page = next(pdf_render.render_pages(out, 36))
    assert any(page.data[i] < 100 for i in range(0, len(page.data), 4))  # something was drawn


def test_print_page_range_and_landscape(qtbot, no_other_renderer, tmp_path):
    src = tmp_path / "wide.pdf"
    c = canvas.Canvas(str(src), pagesize=landscape(A4))
    for n in range(5):
        c.drawString(72, 500, f"page {n + 1}")
        c.showPage()
    c.save()
    assert pdf_preview.first_page_landscape(src)
    out = tmp_path / "range.pdf"
    printer = _pdf_printer(out)
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 4)
    assert print_pdf_to(printer, src) == 3
    assert pdf_render.page_count(out) == 3
    # portrait paper: the landscape page is turned to fill it
    w, h = pdf_render.page_sizes(out)[0]
    assert h > w


def test_print_button_runs_the_dialog(qtbot, no_other_renderer, monkeypatch, sheet, tmp_path):
    out = tmp_path / "via_button.pdf"
    seen = {}

    class FakePrintDialog:
        def __init__(self, printer: QPrinter, parent) -> None:
            self.printer = printer

        def setMinMax(self, low: int, high: int) -> None:  # noqa: N802 - Qt's name
            seen["range"] = (low, high)

        def exec(self) -> QDialog.DialogCode:
            seen["orientation"] = self.printer.pageLayout().orientation()
            self.printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            self.printer.setOutputFileName(str(out))
            self.printer.setResolution(96)
            return QDialog.DialogCode.Accepted

    monkeypatch.setattr(pdf_preview, "QPrintDialog", FakePrintDialog)
    dialog = PdfPreviewDialog(sheet.path, "签到表")
    qtbot.addWidget(dialog)
    dialog.print_button.click()
    assert seen == {"range": (1, sheet.pages), "orientation": QPageLayout.Orientation.Portrait}
    assert pdf_render.page_count(out) == sheet.pages



def test_the_cursor_starts_on_the_pages_and_enter_prints(qtbot, no_other_renderer, monkeypatch, sheet):
    from PySide6.QtCore import Qt

    asked = []

    class FakePrintDialog:
        def __init__(self, printer: QPrinter, parent) -> None:
            pass

        def setMinMax(self, low: int, high: int) -> None:  # noqa: N802 - Qt's name
            pass

        def exec(self) -> QDialog.DialogCode:
            asked.append(True)
            return QDialog.DialogCode.Rejected

    monkeypatch.setattr(pdf_preview, "QPrintDialog", FakePrintDialog)
    dialog = PdfPreviewDialog(sheet.path, "签到表")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    # It started on 适合宽度, where Enter only toggled the zoom; PgDn now scrolls the pages.
    assert dialog.focusWidget() is dialog.scroll
    assert dialog.print_button.isDefault() and not dialog.fit_width_button.isDefault()
    qtbot.keyClick(dialog.scroll, Qt.Key.Key_PageDown)
    assert dialog.scroll.verticalScrollBar().value() > 0
    qtbot.keyClick(dialog.scroll, Qt.Key.Key_Return)
    assert asked == [True] and dialog.isVisible()


@pytest.fixture
def landscape_pdf(tmp_path) -> Path:
    path = tmp_path / "横向.pdf"
    c = canvas.Canvas(str(path), pagesize=landscape(A4))
    for n in range(2):
        c.rect(20, 20, landscape(A4)[0] - 40, landscape(A4)[1] - 40)
        c.drawString(40, 40, f"page {n + 1}")
        c.showPage()
    c.save()
    return path


def test_landscape_pages_are_shown_whole_and_zoom_works(qtbot, no_other_renderer, landscape_pdf):
    dialog = PdfPreviewDialog(landscape_pdf, "考勤表")
    qtbot.addWidget(dialog)
    dialog.resize(800, 700)
    dialog.show()
    qtbot.waitExposed(dialog)
    viewport = dialog.scroll.viewport().size()
    page = dialog.page_labels[0].size()
    # Fit width (the default): the whole landscape page is in view, neither cut nor scrolled sideways.
    assert dialog.mode == "width" and dialog.fit_width_button.isChecked()
    assert page.width() <= viewport.width() and page.height() <= viewport.height()
    assert page.width() >= viewport.width() - 60
    assert not dialog.scroll.horizontalScrollBar().isVisible()
    dialog.resize(820, 708)  # two pages taller than the view: a vertical bar, still no horizontal one
    qtbot.wait(20)
    assert dialog.scroll.verticalScrollBar().isVisible()
    assert not dialog.scroll.horizontalScrollBar().isVisible()
    viewport = dialog.scroll.viewport().size()
    page = dialog.page_labels[0].size()
    dialog.zoom_in_button.click()
    bigger = dialog.page_labels[0].size()
    assert bigger.width() > page.width() and dialog.mode == "zoom"
    assert dialog.zoom_label.text() == f"{round(dialog.zoom * 100)} %"
    for _ in range(20):
        dialog.zoom_out_button.click()
    assert dialog.zoom == pdf_preview.ZOOM_STEPS[0] and not dialog.zoom_out_button.isEnabled()
    dialog.fit_page_button.click()
    page = dialog.page_labels[0].size()
    assert page.height() <= viewport.height() and page.width() <= viewport.width()


def test_fit_page_shows_a_portrait_page_whole_and_follows_the_size(qtbot, no_other_renderer, sheet):
    dialog = PdfPreviewDialog(sheet.path, "签到表")
    qtbot.addWidget(dialog)
    dialog.resize(800, 600)
    dialog.show()
    qtbot.waitExposed(dialog)
    wide = dialog.page_labels[0].size()
    assert wide.height() > dialog.scroll.viewport().height()  # fit width: a portrait page scrolls
    dialog.fit_page_button.click()
    whole = dialog.page_labels[0].size()
    assert whole.height() <= dialog.scroll.viewport().height() and whole.width() < wide.width()
    dialog.resize(800, 400)
    qtbot.wait(20)
    assert dialog.page_labels[0].height() <= dialog.scroll.viewport().height() < whole.height()
