"""Characters the print font lacks: drawn in a fallback font, or, where no font has them, noted and said.

A roll names people with rare characters (生僻字: CJK Extension A such as 䶮, Extension B and later such as
𠇔 𡈼 𪨶) that the office fonts and the bundled WenQuanYi Micro Hei do not have. Every print font is a
`FallbackTTFont`: for each character it has no glyph for, it takes the first font of the fallback chain
that has one, everywhere ReportLab sets text (paragraphs, table cells, canvas strings, widths), so no
printout needs to know. The chain: the system's fonts in the office's style (SimSun and SimSun-ExtB on
Windows, WenQuanYi Zen Hei on Linux), the bundled subset of HanaMinA (Extension A and the characters of
the 通用规范汉字表 outside the basic block, `resources/fonts/README.md`), then the system's fonts of wide
coverage (HanaMinB, BabelStone Han, AR PL UMing). A character no font has prints as a gap: it is noted,
with the text it was in (the member's name, the title), and the command line or the window says so.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from services.paths import rare_font_path

# TrueType files only: ReportLab cannot embed CFF-based fonts (Noto Sans CJK, Source Han).
_STYLE_FONTS = ("simsun.ttc", "simsunb.ttf", "simsunextg.ttf", "wqy-zenhei.ttc")
_WIDE_FONTS = ("hanaminb.ttf", "babelstonehan.ttf", "uming.ttc")

# Character -> the texts it was in, for the characters drawn with no glyph in any font since the last take.
_missing: dict[str, list[str]] = {}
_missing_lock = threading.Lock()
_PLACES = 3  # texts kept for each character
_CONTEXT = 24  # characters of a long text kept around the missing one


def _place(text: str, ch: str) -> str:
    text = " ".join(text.split())
    if len(text) <= _CONTEXT:
        return text
    at = max(0, text.find(ch) - _CONTEXT // 2)
    part = text[at:at + _CONTEXT]
    return ("…" if at else "") + part + ("…" if at + _CONTEXT < len(text) else "")


def note_missing(chars: Iterable[str], text: str = "") -> None:
    """Record `chars` as printed without a glyph, found in `text` (a name, a line of a title)."""
    with _missing_lock:
        for ch in chars:
            places = _missing.setdefault(ch, [])
            where = _place(text, ch) if text.strip() else ""
            if where and where not in places and len(places) < _PLACES:
                places.append(where)


def take_missing_where() -> dict[str, list[str]]:
    """The characters a PDF made since the last take could not print, in code order, each with the texts
    it was in; the record starts afresh."""
    with _missing_lock:
        found = {ch: list(_missing[ch]) for ch in sorted(_missing)}
        _missing.clear()
    return found


def take_missing() -> list[str]:
    """The characters a PDF made since the last call could not print, in code order; the record starts afresh.

    The command line says them after any command, the window after any write it announces (a print
    is logged): a clerk checks the printout and writes the character in by hand.
    """
    return list(take_missing_where())


def missing_text(chars: list[str] | Mapping[str, list[str]]) -> str:
    """The warning: each character, with the texts it was in when known (王𰀀 tells whose name it is)."""
    places = chars if isinstance(chars, Mapping) else {}
    said = []
    for ch in chars:
        where = places.get(ch) or []
        said.append(ch + ("（" + "；".join(f"“{w}”" for w in where) + "）" if where else ""))
    return (f"注意：打印字体中没有这些字，PDF 中它们印不出来（留空）：{'、'.join(said)}。"
            "请核对打印件，必要时手写补上。")


def font_dirs() -> list[Path]:
    dirs = []
    if sys.platform == "win32":
        dirs.append(Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    else:
        dirs += [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts",
                 Path.home() / ".local/share/fonts"]
    return [d for d in dirs if d.is_dir()]


def find_font_files(names: Iterable[str]) -> dict[str, Path]:
    """The system's files of these names (lower case name -> first path found), in one walk; none when
    DANGXUN_BUNDLED_FONTS_ONLY is set (tests, and an office that wants the same printout everywhere)."""
    wanted = {n.lower() for n in names}
    found: dict[str, Path] = {}
    if os.environ.get("DANGXUN_BUNDLED_FONTS_ONLY"):
        return found
    for directory in font_dirs():
        try:
            for path in directory.rglob("*"):
                key = path.name.lower()
                if key in wanted and key not in found:
                    found[key] = path
        except OSError:
            continue
    return found


def _load(name: str, path: Path) -> Any | None:
    try:
        return unicode_font_class()(name, str(path), subfontIndex=0)
    except Exception:  # a font ReportLab cannot read (CFF outlines, a damaged file): not in the chain
        return None


class FallbackChain:
    """The fallback fonts in order (ReportLab TrueType fonts, not registered: they are reached only through
    a print font). Found on the first character a print font lacks; each font loaded when a character is
    looked for in it (a font of wide coverage is large: BabelStone Han is 50 MB)."""

    def __init__(self, paths: list[Path]) -> None:
        self._paths = paths
        self._fonts: dict[int, Any] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._paths)

    def __getitem__(self, index: int) -> Any:
        with self._lock:
            if index not in self._fonts:
                path = self._paths[index]
                self._fonts[index] = _load(f"Fallback{index}-{path.stem}", path)
            return self._fonts[index]

    def owner(self, code: int) -> int:
        """The index of the first font that has the character `code`, -1 when none has."""
        for index in range(len(self._paths)):
            font = self[index]
            if font is not None and code in _has(font):
                return index
        return -1


@lru_cache(maxsize=1)
def fallback_chain() -> FallbackChain:
    system = find_font_files(_STYLE_FONTS + _WIDE_FONTS)
    paths = [system[n] for n in _STYLE_FONTS if n in system]
    paths.append(rare_font_path())
    paths += [system[n] for n in _WIDE_FONTS if n in system]
    return FallbackChain(paths)


def _has(font: Any) -> frozenset[int]:
    known = getattr(font, "_dangxun_known", None)
    if known is None:
        known = frozenset(font.face.charToGlyph)
        font._dangxun_known = known
    return known


def _printable(ch: str) -> bool:
    return ch.isprintable() and not ch.isspace()


def to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """The ToUnicode CMap of a font subset (what copying, searching and text extraction read), with a
    character beyond U+FFFF written as its UTF-16 pair, as PDF requires: ReportLab writes its code point
    as is (<201D4> for 𠇔), which readers take for U+201D ” and a stray digit."""
    def utf16(code: int) -> str:
        return chr(code).encode("utf-16-be", "surrogatepass").hex().upper()

    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
        f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
        f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>", "endcodespacerange", f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{utf16(code)}>" for i, code in enumerate(subset)),
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])


@lru_cache(maxsize=1)
def unicode_font_class() -> type:
    """ReportLab's TrueType font whose subsets map characters beyond U+FFFF (Extension B and later) back to
    the right text (`to_unicode_cmap`)."""
    from reportlab.pdfbase.ttfonts import SUBSETN, TTFont

    class UnicodeTTFont(TTFont):  # type: ignore[misc]  # ReportLab has no type hints
        def addObjects(self, doc: Any) -> None:  # noqa: N802 - ReportLab's name
            state = self.state.get(doc)
            subsets = [list(subset) for subset in state.subsets] if state is not None else []
            super().addObjects(doc)
            for n, subset in enumerate(subsets):
                if max(subset, default=0) <= 0xFFFF:
                    continue
                base = b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX)).decode("pdfdoc")
                stream = doc.idToObject.get("toUnicodeCMap:" + base)
                if stream is not None:
                    stream.content = to_unicode_cmap(base, subset)

    return UnicodeTTFont


@lru_cache(maxsize=1)
def fallback_font_class() -> type:
    """ReportLab's TrueType font that draws the characters it lacks in the fallback chain and notes those
    no font has (ReportLab would print nothing in their place: 王䶮 would come out as 王)."""
    class FallbackTTFont(unicode_font_class()):  # type: ignore[misc]  # ReportLab has no type hints
        def _owner(self, ch: str) -> int:
            """-1 when this font draws `ch` (it has it, or no font has it), else its fallback's index."""
            owners: dict[str, int] = self.__dict__.setdefault("_owners", {})
            owner = owners.get(ch)
            if owner is None:
                owner = -1
                if ord(ch) not in _has(self) and _printable(ch):
                    owner = fallback_chain().owner(ord(ch))
                owners[ch] = owner
            return owner

        def _runs(self, text: str) -> list[tuple[int, str]]:
            """`text` as (owner, text) runs (`_owner`)."""
            runs: list[tuple[int, str]] = []
            for ch in text:
                owner = self._owner(ch)
                if runs and runs[-1][0] == owner:
                    runs[-1] = (owner, runs[-1][1] + ch)
                else:
                    runs.append((owner, ch))
            return runs

        def splitString(self, text: str | bytes, doc: object, encoding: str = "utf-8") -> object:  # noqa: N802
            known = _has(self)
            if not isinstance(text, str) or known.issuperset(map(ord, text)):
                return super().splitString(text, doc, encoding)
            runs = self._runs(text)
            lost = [ch for owner, run in runs if owner == -1 for ch in run if ord(ch) not in known and _printable(ch)]
            if lost:
                note_missing(lost, text)
            chain = fallback_chain()
            pieces: list[tuple[Any, bytes]] = []
            for owner, run in runs:
                if owner == -1:
                    pieces += super().splitString(run, doc, encoding)
                else:  # a subset of a fallback font: (index, its subset), told apart from this font's numbers
                    pieces += [((owner, subset), part) for subset, part in chain[owner].splitString(run, doc)]
            return pieces

        def getSubsetInternalName(self, subset: Any, doc: object) -> str:  # noqa: N802
            if isinstance(subset, tuple):
                owner, own = subset
                return str(fallback_chain()[owner].getSubsetInternalName(own, doc))
            return str(super().getSubsetInternalName(subset, doc))

        def stringWidth(self, text: str | bytes, size: float, encoding: str = "utf8") -> float:  # noqa: N802
            if isinstance(text, bytes):
                text = text.decode(encoding)
            if _has(self).issuperset(map(ord, text)):
                return float(super().stringWidth(text, size, encoding))
            chain = fallback_chain()
            width = 0.0
            for owner, run in self._runs(text):
                if owner == -1:
                    width += float(super().stringWidth(run, size, encoding))
                else:
                    width += float(chain[owner].stringWidth(run, size, encoding))
            return width

    return FallbackTTFont
