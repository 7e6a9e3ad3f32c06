"""The text of a PDF as a reader sees it (pdfium), for tests that check what a print says."""

from __future__ import annotations

from pathlib import Path


def pdf_text(path: Path | str, *, flat: bool = False) -> str:
    """Every page's text, joined; with `flat`, without the line breaks pdfium puts where lines wrap."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()
    return text.replace("\r\n", "").replace("\n", "") if flat else text
