"""Fonts for every PDF: the office's own fonts when the system has them, the bundled one otherwise."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from services.paths import font_path


@dataclass(frozen=True)
class PdfFonts:
    """ReportLab font names: `body` for text (仿宋 when present), `title` (黑体/小标宋), `sans`."""

    body: str
    title: str
    sans: str
    sources: tuple[str, ...]


def _font_dirs() -> list[Path]:
    dirs = []
    if sys.platform == "win32":
        dirs.append(Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts")
    else:
        dirs += [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts",
                 Path.home() / ".local/share/fonts"]
    return [d for d in dirs if d.is_dir()]


# TrueType files of the fonts offices use; ReportLab cannot embed CFF-based .otf files.
_OFFICE_FONTS = {
    "body": ("simfang.ttf", "FangSong_GB2312.ttf", "fangsong_gb2312.ttf", "STFANGSO.TTF", "simsun.ttc"),
    "title": ("FZXBSJW.TTF", "方正小标宋简体.ttf", "simhei.ttf", "STHeiti.ttf"),
}


def _find(names: tuple[str, ...]) -> Path | None:
    if os.environ.get("DANGXUN_BUNDLED_FONTS_ONLY"):
        return None
    wanted = {n.lower() for n in names}
    for directory in _font_dirs():
        try:
            for path in directory.rglob("*"):
                if path.name.lower() in wanted:
                    return path
        except OSError:
            continue
    return None


@lru_cache(maxsize=1)
def register_fonts() -> PdfFonts:
    """Register the fonts with ReportLab once; every PDF embeds the subsets it uses."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

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
