"""In-app preview of a PDF the program made, with the system print dialog.

Pages are rendered with PDFium (pypdfium2, bundled with the program on Windows and Linux); QtPdf
and poppler's `pdftoppm` remain as fallbacks for a source install without pypdfium2. When nothing
can render, the preview offers to open the PDF in the system viewer.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QRect, QSize, Qt, QUrl
from PySide6.QtGui import (
    QDesktopServices,
    QGuiApplication,
    QImage,
    QKeySequence,
    QPageLayout,
    QPainter,
    QPixmap,
    QResizeEvent,
    QShowEvent,
    QTransform,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from services.errors import DangxunError
from services.pdf import pdf_render
from ui.dialog_sizes import keep_size
from ui.widgets.errors import show_error
from ui.widgets.file_dialogs import save_file
from ui.widgets.icons import icon
from ui.widgets.typed_text import plain, window_title

# Rendered once at this resolution, then scaled on screen: sharp enough up to 150 % of A4's real size.
PREVIEW_DPI = 144
# 100 % is the page at its printed size on a 96-dpi screen.
SCREEN_DPI = 96
ZOOM_STEPS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 3.0)
# Above 300 dpi a rendered page only grows (an A4 page at 600 dpi is 140 MB of pixels) while print
# quality of forms and tables does not visibly improve.
PRINT_MAX_DPI = 300


class PrintFailedError(DangxunError):
    """The printer refused the job (offline, no permission, cancelled in the spooler)."""


def _qtpdf_available() -> bool:
    try:
        from PySide6.QtPdf import QPdfDocument  # noqa: F401
    except ImportError:
        return False
    return True


def to_qimage(page: pdf_render.PageImage) -> QImage:
    """A QImage owning a copy of the rendered RGBX pixels."""
    image = QImage(page.data, page.width, page.height, page.stride, QImage.Format.Format_RGBX8888)
    # copy(): the QImage above only borrows `page.data`, which Python may free.
    return image.copy()


def iter_page_images(pdf: Path, dpi: float, first: int = 1, last: int | None = None) -> Iterator[QImage]:
    """Pages `first`..`last` (1-based) as images, one at a time; nothing when no renderer is present."""
    if pdf_render.available():
        for page in pdf_render.render_pages(pdf, dpi, first, last):
            yield to_qimage(page)
        return
    if _qtpdf_available():
        from PySide6.QtPdf import QPdfDocument

        doc = QPdfDocument()
        doc.load(str(pdf))
        try:
            for number in range(first - 1, min(doc.pageCount(), last or doc.pageCount())):
                size = doc.pagePointSize(number)
                yield doc.render(number, QSize(int(size.width() * dpi / 72), int(size.height() * dpi / 72)))
        finally:
            doc.close()
        return
    tool = shutil.which("pdftoppm")
    if tool is None:
        return
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [tool, "-png", "-r", str(round(dpi)), "-f", str(first)]
        if last:
            cmd += ["-l", str(last)]
        subprocess.run(cmd + [str(pdf), str(Path(tmp) / "p")], check=False, capture_output=True, timeout=300)
        for p in sorted(Path(tmp).glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1])):
            yield QImage(str(p))


def render_pages(pdf: Path, dpi: float = PREVIEW_DPI, first: int | None = None,
                 last: int | None = None) -> list[QImage]:
    """The PDF's pages as images, or [] when nothing here can render PDF."""
    return list(iter_page_images(Path(pdf), dpi, first or 1, last))


def can_render() -> bool:
    return pdf_render.available() or _qtpdf_available() or shutil.which("pdftoppm") is not None


def page_count(pdf: Path) -> int:
    if pdf_render.available():
        return pdf_render.page_count(pdf)
    import re

    # Without PDFium: the largest /Count of a /Pages dictionary (the root of the page tree).
    counts = [int(m.group(1)) for d in re.finditer(rb"<<[^<>]*/Type\s*/Pages\b[^<>]*>>", Path(pdf).read_bytes())
              if (m := re.search(rb"/Count\s+(\d+)", d.group(0)))]
    return max(counts, default=0)


def first_page_landscape(pdf: Path) -> bool:
    if not pdf_render.available():
        return False
    sizes = pdf_render.page_sizes(pdf)
    return bool(sizes) and sizes[0][0] > sizes[0][1]


def print_pdf_to(printer: QPrinter, pdf: Path, max_dpi: int = PRINT_MAX_DPI) -> int:
    """Paints the pages of `pdf` (all, or the printer's page range) onto `printer`; returns how many.

    The PDFs carry their own margins, so a page goes onto the full paper (`setFullPage`): an A4 page
    on A4 paper prints at exactly 100 %. A page whose orientation differs from the paper's is turned
    a quarter so it still fills the sheet.
    """
    printer.setFullPage(True)
    dpi = min(printer.resolution(), max_dpi)
    first, last = 1, None
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first, last = printer.fromPage(), max(printer.toPage(), printer.fromPage())
    painter = QPainter()
    printed = 0
    try:
        for image in iter_page_images(Path(pdf), dpi, first, last):
            if printed == 0:
                if not painter.begin(printer):
                    raise PrintFailedError("打印机无法开始打印，请检查打印机是否连接、是否有权限。")
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            elif not printer.newPage():
                raise PrintFailedError("打印机无法换页，打印已中止。")
            sheet = printer.pageLayout().fullRectPixels(printer.resolution())
            if (image.width() > image.height()) != (sheet.width() > sheet.height()):
                image = image.transformed(QTransform().rotate(90))
            size = image.size().scaled(sheet.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(sheet.x() + (sheet.width() - size.width()) // 2,
                           sheet.y() + (sheet.height() - size.height()) // 2, size.width(), size.height())
            painter.drawImage(target, image)
            printed += 1
    finally:
        if painter.isActive():
            painter.end()
    return printed


class PdfPreviewDialog(QDialog):
    """Shows the first pages (at most `max_pages`), prints all of them, or opens the file elsewhere."""

    def __init__(self, pdf: Path, title: str, parent: QWidget | None = None, max_pages: int = 20) -> None:
        super().__init__(parent)
        self.pdf = Path(pdf)
        self.setWindowTitle(window_title(title))
        problem = ""
        self.pages: list[QImage] = []
        self._render_dpi: float = PREVIEW_DPI
        self.total_pages = 0
        try:
            self.total_pages = page_count(self.pdf)
            if can_render():
                self.pages = self._render_preview(max_pages)
        except DangxunError as exc:
            problem = exc.message
        column = QWidget()
        pages_layout = QVBoxLayout(column)
        pages_layout.setSpacing(12)
        self.page_labels: list[QLabel] = []
        if self.pages:
            for _image in self.pages:
                label = QLabel()
                label.setStyleSheet("background: white; border: 1px solid #BDBDBD")
                pages_layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
                self.page_labels.append(label)
            if self.total_pages > len(self.pages):
                more = QLabel(self.tr("（预览只显示前%1页，打印时打印全部%2页）")
                              .replace("%1", str(len(self.pages))).replace("%2", str(self.total_pages)))
                pages_layout.addWidget(more, 0, Qt.AlignmentFlag.AlignHCenter)
        else:
            text = problem or self.tr("本机无法在程序内预览 PDF。请点“用系统程序打开”查看和打印。")
            note = plain(QLabel(text + "\n" + self.tr("文件：%1").replace("%1", str(self.pdf))))
            note.setWordWrap(True)
            pages_layout.addWidget(note)
        self.scroll = scroll = QScrollArea()
        scroll.setWidget(column)
        scroll.setWidgetResizable(True)
        scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        scroll.setStyleSheet("QScrollArea { background: #EEEEEE }")

        # Zoom: fit the width (the default: a landscape page is shown whole), the whole page, or a percentage.
        self.mode = "width"
        self.zoom = 1.0
        self.fit_width_button = QPushButton(self.tr("适合宽度"))
        self.fit_page_button = QPushButton(self.tr("整页"))
        for button, mode in ((self.fit_width_button, "width"), (self.fit_page_button, "page")):
            button.setCheckable(True)
            button.clicked.connect(lambda _checked=False, m=mode: self.set_mode(m))
        self.zoom_out_button = QPushButton(self.tr("缩小"))
        self.zoom_out_button.setShortcut(QKeySequence.StandardKey.ZoomOut)
        self.zoom_out_button.setToolTip(self.tr("缩小（Ctrl+减号）"))
        self.zoom_out_button.clicked.connect(lambda: self.step_zoom(-1))
        self.zoom_in_button = QPushButton(self.tr("放大"))
        self.zoom_in_button.setShortcut(QKeySequence.StandardKey.ZoomIn)
        self.zoom_in_button.setToolTip(self.tr("放大（Ctrl+加号）"))
        self.zoom_in_button.clicked.connect(lambda: self.step_zoom(1))
        self.zoom_label = QLabel()
        self.zoom_label.setObjectName("zoom_label")
        self.zoom_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("300 %") + 8)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for button, name in ((self.fit_width_button, "fit_width"), (self.fit_page_button, "fit_page"),
                             (self.zoom_out_button, "zoom_out"), (self.zoom_in_button, "zoom_in")):
            button.setIcon(icon(name, self.palette()))
        zoom_row = QHBoxLayout()
        for w in (self.fit_width_button, self.fit_page_button, self.zoom_out_button, self.zoom_label,
                  self.zoom_in_button):
            w.setEnabled(bool(self.pages))
            zoom_row.addWidget(w)
        zoom_row.addStretch(1)

        self.print_button = QPushButton(icon("print", self.palette()), self.tr("打印…"))
        self.print_button.setEnabled(bool(self.pages) or (pdf_render.available() and not problem))
        self.print_button.clicked.connect(self.on_print_button_clicked)
        open_button = QPushButton(self.tr("用系统程序打开"))
        open_button.clicked.connect(self.on_open_button_clicked)
        save_button = QPushButton(self.tr("另存为…"))
        save_button.clicked.connect(self.on_save_button_clicked)
        close_button = QPushButton(self.tr("关闭"))
        close_button.clicked.connect(self.accept)
        row = QHBoxLayout()
        self.count_label = QLabel(self.tr("共%1页").replace("%1", str(self.total_pages or len(self.pages))))
        row.addWidget(self.count_label)
        row.addStretch(1)
        for b in (self.print_button, open_button, save_button, close_button):
            row.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(zoom_row)
        layout.addWidget(scroll, 1)
        layout.addLayout(row)
        # Wide enough for an A4 page beside the scroll bar; never taller than a 768-pixel laptop screen.
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        self.resize(min(820, screen.width() - 40) if screen is not None else 820,
                    min(900, screen.height() - 60) if screen is not None else 860)
        keep_size(self, "pdf-preview")
        # The cursor starts on the pages (PgDn, arrows and Home scroll them) and Enter prints, rather than
        # on 适合宽度, the first button made, where Enter or Space only toggled the zoom.
        self.print_button.setDefault(True)
        scroll.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        scroll.setFocus(Qt.FocusReason.OtherFocusReason)
        self.apply_zoom()

    # ------------------------------------------------------------------ zoom

    def natural_size(self, image: QImage) -> tuple[float, float]:
        """The page at 100 % (its printed size on a 96-dpi screen), in device-independent pixels."""
        ratio = image.devicePixelRatio() or 1.0
        scale = SCREEN_DPI / (self._render_dpi / ratio)
        return image.width() / ratio * scale, image.height() / ratio * scale

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.apply_zoom()

    def step_zoom(self, step: int) -> None:
        current = self.zoom
        if step > 0:
            self.zoom = next((z for z in ZOOM_STEPS if z > current + 0.005), ZOOM_STEPS[-1])
        else:
            self.zoom = next((z for z in reversed(ZOOM_STEPS) if z < current - 0.005), ZOOM_STEPS[0])
        self.mode = "zoom"
        self.apply_zoom()

    def _fit_factor(self, image: QImage) -> float:
        # The room inside the scroll area, less the column's margins and a vertical scroll bar (pages
        # taller than the view bring one, which must not then push the page under a horizontal one).
        area = self.scroll.size()
        column = self.scroll.widget().layout()
        m = column.contentsMargins() if column is not None else None
        side = (m.left() + m.right() if m is not None else 20) + 4
        upright = (m.top() + m.bottom() if m is not None else 20) + 4
        bar = self.scroll.verticalScrollBar().sizeHint().width()
        width, height = self.natural_size(image)
        fit_width = max(area.width() - side - bar, 50) / width
        if self.mode == "page":
            return min(max(area.width() - side, 50) / width, max(area.height() - upright, 50) / height)
        return fit_width

    def apply_zoom(self) -> None:
        """Scale every page for the mode: fit width and whole page follow the dialog's size."""
        if not self.pages:
            return
        if self.mode in ("width", "page"):
            # One factor for all pages (the first page's), so pages of one document keep one scale.
            self.zoom = self._fit_factor(self.pages[0])
            if any(self.natural_size(i)[0] > self.natural_size(self.pages[0])[0] for i in self.pages[1:]):
                self.zoom = min(self._fit_factor(i) for i in self.pages)
        ratio = max(self.devicePixelRatioF(), 1.0)
        for image, label in zip(self.pages, self.page_labels, strict=True):
            width, height = self.natural_size(image)
            size = QSize(max(1, round(width * self.zoom)), max(1, round(height * self.zoom)))
            pixmap = QPixmap.fromImage(image).scaled(size * ratio, Qt.AspectRatioMode.KeepAspectRatio,
                                                     Qt.TransformationMode.SmoothTransformation)
            pixmap.setDevicePixelRatio(ratio)
            label.setPixmap(pixmap)
            label.setFixedSize(size)
        self.zoom_label.setText(f"{round(self.zoom * 100)} %")
        self.fit_width_button.setChecked(self.mode == "width")
        self.fit_page_button.setChecked(self.mode == "page")
        self.zoom_out_button.setEnabled(self.zoom > ZOOM_STEPS[0] + 0.005)
        self.zoom_in_button.setEnabled(self.zoom < ZOOM_STEPS[-1] - 0.005)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self.mode in ("width", "page"):
            self.apply_zoom()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.apply_zoom()  # the viewport has its real size only now

    def _render_preview(self, max_pages: int) -> list[QImage]:
        # Rendered at the screen's pixel ratio so text stays sharp on a high-DPI laptop screen.
        ratio = max(self.devicePixelRatioF(), 1.0)
        self._render_dpi = PREVIEW_DPI * ratio
        images = render_pages(self.pdf, self._render_dpi, 1, max_pages)
        for image in images:
            image.setDevicePixelRatio(ratio)
        return images

    def on_open_button_clicked(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.pdf)))

    def on_save_button_clicked(self) -> None:
        target, _ = save_file(self, "pdf", self.tr("另存为"), self.pdf.name, "PDF (*.pdf)")
        if target:
            shutil.copyfile(self.pdf, target)

    def on_print_button_clicked(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.pdf.stem)
        try:
            landscape = first_page_landscape(self.pdf)
        except DangxunError:
            landscape = False
        if landscape:
            printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        dialog = QPrintDialog(printer, self)
        if self.total_pages:
            dialog.setMinMax(1, self.total_pages)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            print_pdf_to(printer, self.pdf)
        except DangxunError as exc:
            QGuiApplication.restoreOverrideCursor()
            show_error(self, self.tr("打印"), exc)
            return
        QGuiApplication.restoreOverrideCursor()
