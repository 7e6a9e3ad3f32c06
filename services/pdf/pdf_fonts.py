"""Fonts for every PDF: the office's own fonts when the system has them, the bundled one otherwise."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterable
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


# Characters drawn in a font that has no glyph for them (ReportLab then prints nothing in their place:
# 王䶮 would come out as 王), since the last take_missing().
_missing: set[str] = set()
_missing_lock = threading.Lock()


def note_missing(chars: Iterable[str]) -> None:
    with _missing_lock:
        _missing.update(chars)


def take_missing() -> list[str]:
    """The characters a PDF made since the last call could not print, in code order; the record starts afresh.

    The command line says them after any command, the window after any write it announces (a print
    is logged): a clerk checks the printout and writes the character in by hand.
    """
    with _missing_lock:
        found = sorted(_missing)
        _missing.clear()
    return found


def missing_text(chars: list[str]) -> str:
    return (f"注意：打印字体中没有这些字，PDF 中它们印不出来（留空）：{'、'.join(chars)}。"
            "请核对打印件，必要时手写补上。")


@lru_cache(maxsize=1)
def _watched_font() -> type:
    """ReportLab's TrueType font that notes the characters it is asked to draw and has no glyph for."""
    from reportlab.pdfbase.ttfonts import TTFont

    class WatchedTTFont(TTFont):  # type: ignore[misc]  # ReportLab has no type hints
        _known: frozenset[str] | None = None

        def splitString(self, text: str | bytes, doc: object, encoding: str = "utf-8") -> object:  # noqa: N802
            if isinstance(text, str):
                known = self._known
                if known is None:
                    known = self._known = frozenset(map(chr, self.face.charToGlyph))
                chars = set(text)
                if not chars <= known:
                    note_missing(c for c in chars - known if c.isprintable() and not c.isspace())
            return super().splitString(text, doc, encoding)

    return WatchedTTFont


@lru_cache(maxsize=1)
def register_fonts() -> PdfFonts:
    """Register the fonts with ReportLab once; every PDF embeds the subsets it uses."""
    from reportlab.pdfbase import pdfmetrics

    TTFont = _watched_font()  # noqa: N806 (a class)
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
