"""Fonts for every PDF: the office's own fonts when the system has them, the bundled one otherwise."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from services.paths import font_path
from services.pdf.pdf_fallback import (  # noqa: F401 - the missing-character record, said by the callers
    fallback_font_class,
    find_font_files,
    missing_text,
    note_missing,
    take_missing,
    take_missing_where,
)


@dataclass(frozen=True)
class PdfFonts:
    """ReportLab font names: `body` for text (仿宋 when present), `title` (黑体/小标宋), `sans`."""

    body: str
    title: str
    sans: str
    sources: tuple[str, ...]


# TrueType files of the fonts offices use; ReportLab cannot embed CFF-based .otf files.
_OFFICE_FONTS = {
    "body": ("simfang.ttf", "FangSong_GB2312.ttf", "fangsong_gb2312.ttf", "STFANGSO.TTF", "simsun.ttc"),
    "title": ("FZXBSJW.TTF", "方正小标宋简体.ttf", "simhei.ttf", "STHeiti.ttf"),
}


def _find(names: tuple[str, ...]) -> Path | None:
    found = find_font_files(names)
    return next((found[n.lower()] for n in names if n.lower() in found), None)


@lru_cache(maxsize=1)
def register_fonts() -> PdfFonts:
    """Register the fonts with ReportLab once; every PDF embeds the subsets it uses."""
    from reportlab.pdfbase import pdfmetrics

    TTFont = fallback_font_class()  # noqa: N806 (a class)
    pdfmetrics.registerFont(TTFont("WQYMicroHei", str(font_path()), subfontIndex=0))
    sources = ["WQYMicroHei: " + str(font_path())]
    names = {"body": "WQYMicroHei", "title": "WQYMicroHei"}
    for role, candidates in _OFFICE_FONTS.items():
        found = _find(candidates)
        if found is None:
            continue
        name = f"Office{role.title()}"
        try:
            pdfmetrics.registerFont(TTFont(name, str(found), subfontIndex=0))
        except Exception:  # a font ReportLab cannot read (e.g. CFF outlines): keep the bundled one
            continue
        names[role] = name
        sources.append(f"{name}: {found}")
    return PdfFonts(body=names["body"], title=names["title"], sans="WQYMicroHei", sources=tuple(sources))
