"""In-app preview of a PDF the program made, with the system print dialog.

Pages are rendered with QtPdf when this PySide6 build has it, else with poppler's `pdftoppm` when
installed (Linux desktops); otherwise the preview offers to open the PDF in the system viewer.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)


def _qtpdf_available() -> bool:
    try:
        from PySide6.QtPdf import QPdfDocument  # noqa: F401
    except ImportError:
        return False
    return True


def render_pages(pdf: Path, dpi: int = 80, first: int | None = None, last: int | None = None) -> list[QImage]:
    """The PDF's pages as images, or [] when nothing here can render PDF."""
    if _qtpdf_available():
        from PySide6.QtPdf import QPdfDocument

        doc = QPdfDocument()
        doc.load(str(pdf))
        images = []
        for page in range((first or 1) - 1, min(doc.pageCount(), last or doc.pageCount())):
            size = doc.pagePointSize(page)
            images.append(doc.render(page, QSize(int(size.width() * dpi / 72), int(size.height() * dpi / 72))))
        doc.close()
        return images
    tool = shutil.which("pdftoppm")
    if tool is None:
        return []
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [tool, "-png", "-r", str(dpi)]
        if first:
            cmd += ["-f", str(first)]
        if last:
            cmd += ["-l", str(last)]
        subprocess.run(cmd + [str(pdf), str(Path(tmp) / "p")], check=False, capture_output=True, timeout=300)
        return [QImage(str(p)) for p in sorted(Path(tmp).glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1]))]


def can_render() -> bool:
    return _qtpdf_available() or shutil.which("pdftoppm") is not None


class PdfPreviewDialog(QDialog):
    """Shows the first pages (at most `max_pages`), prints all of them, or opens the file elsewhere."""

    def __init__(self, pdf: Path, title: str, parent: QWidget | None = None, max_pages: int = 20) -> None:
        super().__init__(parent)
        self.pdf = Path(pdf)
        self.setWindowTitle(title)
        self.pages = render_pages(self.pdf, 80, 1, max_pages) if can_render() else []
        column = QWidget()
        pages_layout = QVBoxLayout(column)
        pages_layout.setSpacing(12)
        if self.pages:
            for image in self.pages:
                label = QLabel()
                label.setPixmap(QPixmap.fromImage(image))
                label.setStyleSheet("background: white; border: 1px solid #BDBDBD")
                pages_layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
        else:
            note = QLabel(self.tr("本机无法在程序内预览 PDF。请点“用系统程序打开”查看和打印。\n文件：%1").replace(
                "%1", str(self.pdf)))
            note.setWordWrap(True)
            pages_layout.addWidget(note)
        scroll = QScrollArea()
        scroll.setWidget(column)
        scroll.setWidgetResizable(True)
        scroll.setStyleSheet("QScrollArea { background: #EEEEEE }")
        self.print_button = QPushButton(self.tr("打印…"))
        self.print_button.setEnabled(bool(self.pages))
        self.print_button.clicked.connect(self.on_print_button_clicked)
        open_button = QPushButton(self.tr("用系统程序打开"))
        open_button.clicked.connect(self.on_open_button_clicked)
        save_button = QPushButton(self.tr("另存为…"))
        save_button.clicked.connect(self.on_save_button_clicked)
        close_button = QPushButton(self.tr("关闭"))
        close_button.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("共%1页").replace("%1", str(self._page_count()))))
        row.addStretch(1)
        for b in (self.print_button, open_button, save_button, close_button):
            row.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(row)
        self.resize(760, 860)

    def _page_count(self) -> int:
        import re

        data = self.pdf.read_bytes()
        m = re.search(rb"/Type /Pages[^>]*?/Count (\d+)", data)
        return int(m.group(1)) if m else len(self.pages)

    def on_open_button_clicked(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.pdf)))

    def on_save_button_clicked(self) -> None:
        target, _ = QFileDialog.getSaveFileName(self, self.tr("另存为"), self.pdf.name, "PDF (*.pdf)")
        if target:
            shutil.copyfile(self.pdf, target)

    def on_print_button_clicked(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        images = render_pages(self.pdf, 200)
        painter = QPainter(printer)
        try:
            for n, image in enumerate(images):
                if n:
                    printer.newPage()
                rect = painter.viewport()
                size = image.size().scaled(rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.setViewport(rect.x(), rect.y(), size.width(), size.height())
                painter.setWindow(image.rect())
                painter.drawImage(0, 0, image)
                painter.setViewport(rect)
        finally:
            painter.end()
