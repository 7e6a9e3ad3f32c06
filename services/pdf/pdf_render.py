"""PDF pages rasterised with PDFium (pypdfium2) into raw RGBX pixels, for previews and printing."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from services.errors import DangxunError

# PDFium is not thread-safe: every call into it goes through this lock (pypdfium2's own advice).
_LOCK = threading.RLock()
# A page is at most this many pixels a side, so a huge page or a 1200-dpi printer cannot exhaust memory.
MAX_SIDE = 8000


class PdfRenderError(DangxunError):
    """The PDF cannot be opened or rendered."""

    exit_code = 2


@dataclass(frozen=True)
class PageImage:
    """One rendered page: `data` holds `height` rows of `stride` bytes, 4 bytes a pixel (R, G, B, unused)."""

    index: int
    width: int
    height: int
    stride: int
    data: bytes
    width_pt: float
    height_pt: float


def available() -> bool:
    """True when pypdfium2 and its PDFium library load on this machine."""
    try:
        import pypdfium2  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def _open(path: Path | str):  # type: ignore[no-untyped-def]  # pypdfium2.PdfDocument, imported lazily
    import pypdfium2

    try:
        return pypdfium2.PdfDocument(str(path))
    except (pypdfium2.PdfiumError, OSError, FileNotFoundError) as exc:
        raise PdfRenderError(f"无法打开 PDF 文件“{path}”：{exc}") from exc


def page_count(path: Path | str) -> int:
    with _LOCK:
        doc = _open(path)
        try:
            return len(doc)
        finally:
            doc.close()


def page_sizes(path: Path | str) -> list[tuple[float, float]]:
    """Each page's (width, height) in points (1/72 inch), as displayed (rotation applied)."""
    with _LOCK:
        doc = _open(path)
        try:
            sizes = []
            for i in range(len(doc)):
                page = doc[i]
                w, h = page.get_size()
                if page.get_rotation() in (90, 270):
                    w, h = h, w
                sizes.append((w, h))
                page.close()
            return sizes
        finally:
            doc.close()


def render_pages(path: Path | str, dpi: float, first: int = 1, last: int | None = None) -> Iterator[PageImage]:
    """Pages `first`..`last` (1-based, inclusive) one at a time, on a white background.

    A generator, so printing a long register holds only one full-resolution page in memory.
    """
    with _LOCK:
        doc = _open(path)
    try:
        with _LOCK:
            total = len(doc)
        stop = total if last is None else min(last, total)
        for index in range(max(first, 1) - 1, stop):
            yield _render_one(doc, index, dpi)
    finally:
        with _LOCK:
            doc.close()


def _render_one(doc, index: int, dpi: float) -> PageImage:  # type: ignore[no-untyped-def]
    import pypdfium2

    with _LOCK:
        page = doc[index]
        try:
            w_pt, h_pt = page.get_size()
            if page.get_rotation() in (90, 270):
                w_pt, h_pt = h_pt, w_pt
            scale = min(dpi / 72, MAX_SIDE / max(w_pt, h_pt, 1))
            try:
                # rev_byteorder + prefer_bgrx gives RGBX: 4-byte pixels Qt takes as Format_RGBX8888.
                bitmap = page.render(scale=scale, rev_byteorder=True, prefer_bgrx=True,
                                     fill_color=(255, 255, 255, 255), may_draw_forms=False)
            except pypdfium2.PdfiumError as exc:
                raise PdfRenderError(f"PDF 第{index + 1}页无法显示：{exc}") from exc
            try:
                data = bytes(bitmap.buffer)
                return PageImage(index, bitmap.width, bitmap.height, bitmap.stride, data, w_pt, h_pt)
            finally:
                bitmap.close()
        finally:
            page.close()
