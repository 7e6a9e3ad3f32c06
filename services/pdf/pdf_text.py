"""Chinese text in wrapped PDF paragraphs: printed as written, broken by the Chinese line-breaking rules (禁则).

One rule for every print: a line never starts with closing punctuation (，。、；：？！”’）》 …) nor ends with an
opening mark (“‘（《 …), and a dash —— or an ellipsis …… is never split. `break_lines` decides where lines
end; `para` makes the ReportLab Paragraph every printout uses, and `wrap_text` breaks a string for text drawn
line by line on a canvas (the certificates).

Why not ReportLab's own wrapping: its default mode treats U+3000 and runs of spaces as word separators
(an indent 　　根据 or a padded name 张　三 loses its spaces); its CJK mode strips the spaces at both ends of
every wrapped line, lets one closing mark hang past the right edge (over a table's grid) instead of moving
a character down, lacks ，；：？！”》 in its list (`reportlab.lib.textsplit.ALL_CANNOT_START`) and has no rule at
all for opening marks (`ALL_CANNOT_END` is not used). Its pieces that do the job are reused: the parser,
`cjkU` (a character with its fragment and width) and `makeCJKParaLine`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

# Closing punctuation, full-width and the half-width counterparts that close.
CANNOT_START = "，。、；：？！”’）》」』】〕〉］｝…—·" + ",.;:?!)]}"
# Opening marks.
CANNOT_END = "“‘（《「『【〔〈［｛" + "([{"
# Spaces at a break stay at the end of the line they follow (as a word processor does); those at the start
# of a paragraph or after a line break are printed.
SPACES = " \u3000"

_NO_START = frozenset(CANNOT_START)
_NO_END = frozenset(CANNOT_END)
_SPACES = frozenset(SPACES)
# The dot between the parts of a transliterated name (阿依古丽·买买提), and the look-alikes typed for it.
NAME_DOTS = "·•・･‧∙"
_DOTS = frozenset(NAME_DOTS)
_PAIRED = frozenset("—…")  # written in pairs (——, ……) that one line holds whole
_FUZZ = 1e-6


def _latin(ch: str) -> bool:
    """A letter, digit or sign of a Latin word or figure (2023-01, 12.25, lǚ), not a Chinese mark."""
    return bool(ch) and ((ch.isascii() and not ch.isspace()) or (ch.isalpha() and ord(ch) < 0x3000))


def splits_word(chars: Sequence[str], lines: Sequence[tuple[int, int]]) -> bool:
    """Some line of `lines` ends inside a word of Latin letters or digits (Muhamma / d, 12.2 / 5)."""
    return any(0 < end < len(chars) and _latin(chars[end - 1]) and _latin(chars[end]) for _start, end in lines)


def _break_at(chars: Sequence[str], start: int, over: int) -> int:
    """Where the next line starts, when the line from `start` has no room for chars[over] (over > start)."""
    cut = over
    while True:
        before = cut
        # A word of Latin letters or digits (12.25, a name in pinyin) moves down whole when a space or
        # Chinese character in the line's second half lets it.
        if _latin(chars[cut]) and _latin(chars[cut - 1]):
            j = cut - 1
            while j > (start + cut) // 2 and _latin(chars[j - 1]):
                j -= 1
            if j > (start + cut) // 2:
                cut = j
        while cut > start and (chars[cut] in _NO_START or chars[cut - 1] in _NO_END):
            cut -= 1
        if cut <= start:  # nothing but punctuation: break where the room ends, but never inside —— or ……
            if over - 1 > start and chars[over] == chars[over - 1] and chars[over] in _PAIRED:
                return over - 1
            return over
        if cut == before:
            break
    while cut < len(chars) and chars[cut] in _SPACES:
        cut += 1
    return cut


def break_lines(chars: Sequence[str], widths: Sequence[float], room: Sequence[float]) -> list[tuple[int, int]]:
    """(start, end) of each line of `chars` (single characters, each `widths` wide): a line is as long as
    its room allows (room[n] for line n, the last value for the lines after), then gives characters to the
    next line so that no line starts with closing punctuation nor ends with an opening mark. A "\\n" ends
    its line (and is that line's last item); a character wider than the room has a line of its own."""
    lines: list[tuple[int, int]] = []
    start = i = 0
    used = 0.0
    n = len(chars)
    while i < n:
        if chars[i] == "\n":
            lines.append((start, i + 1))
            start = i = i + 1
            used = 0.0
            continue
        used += widths[i]
        if used > room[min(len(lines), len(room) - 1)] + _FUZZ and i > start and chars[i] not in _SPACES:
            i = _break_at(chars, start, i)
            lines.append((start, i))
            start = i
            used = 0.0
            continue
        i += 1
    if start < n or not lines:
        lines.append((start, n))
    return lines


def break_at_dots(chars: Sequence[str], widths: Sequence[float], room: float) -> list[tuple[int, int]]:
    """`break_lines` with one preference more: a line that has a middle dot in it ends after its last dot, so
    that a transliterated name breaks between its parts (阿依古丽· / 买买提, not 阿依古丽·买买 / 提). A part
    wider than the room is still broken by the rules."""
    lines: list[tuple[int, int]] = []
    start, n = 0, len(chars)
    while start < n:
        end = start + break_lines(chars[start:], widths[start:], [room])[0][1]
        if end < n and chars[end - 1] != "\n":
            dots = [i for i in range(start + 1, end - 1) if chars[i] in _DOTS and chars[i + 1] not in _NO_START]
            if dots:
                end = dots[-1] + 1
                while end < n and chars[end] in _SPACES:
                    end += 1
        lines.append((start, end))
        start = end
    return lines or [(0, 0)]


def visible_width(chars: Sequence[str], widths: Sequence[float], start: int, end: int) -> float:
    """Width of chars[start:end] without its trailing spaces and line break (what centring should use)."""
    while end > start and (chars[end - 1] in _SPACES or chars[end - 1] == "\n"):
        end -= 1
    return float(sum(widths[start:end]))


def wrap_text(text: str, font: str, size: float, width: float) -> list[str]:
    """`text` broken into lines no wider than `width` in `font` at `size` (spaces at a break may hang)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    widths = [stringWidth(ch, font, size) for ch in text]
    return [text[a:b].rstrip("\n") for a, b in break_lines(text, widths, [width])]


def escape(text: str | None, breaks: bool = False) -> str:
    """Text for a ReportLab Paragraph (which reads a little XML). Spaces need no escaping: `TextParagraph`
    keeps them. `breaks` keeps the text's line breaks; without it a line break prints as a space."""
    from xml.sax.saxutils import escape as xml_escape

    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    escaped = xml_escape(text)
    return escaped.replace("\n", "<br/>") if breaks else escaped.replace("\n", " ").replace("\t", " ")


def para(text: str | None, style: Any, breaks: bool = False) -> Any:
    """A paragraph of plain `text` (not markup: < and & print as typed) for any printout."""
    return _paragraph_class()(escape(text, breaks), style)


_CLASS: list[Any] = []


def _paragraph_class() -> Any:
    """`TextParagraph`, made on first use so that importing this module does not load ReportLab."""
    if _CLASS:
        return _CLASS[0]
    from reportlab.lib.rl_accel import sameFrag
    from reportlab.pdfbase.pdfmetrics import getAscentDescent, getFont
    from reportlab.platypus.paragraph import (
        FragLine,
        Paragraph,
        ParaLines,
        _handleBulletWidth,
        cjkU,
        makeCJKParaLine,
    )

    def _measured(frags: Sequence[Any]) -> tuple[list[tuple[int, int, str, Any]], list[str], list[float]]:
        """The characters of `frags` ("\\n" for a line break, "" for an empty fragment), their widths, and the
        spans (first, end, text, fragment) of each fragment. ReportLab makes an object per character and
        measures it anew (a long survey report spent a third of its time there); a font's characters are
        measured once per size here, on the font itself (the same width: ReportLab's stringWidth of it)."""
        spans: list[tuple[int, int, str, Any]] = []
        chars: list[str] = []
        widths: list[float] = []
        for frag in frags:
            text = frag.text.decode("utf8") if isinstance(frag.text, bytes) else frag.text
            first = len(chars)
            if not text:
                chars.append("\n" if hasattr(frag, "lineBreak") else "")
                widths.append(0.0)
            else:
                font = getFont(frag.fontName)
                known = font.__dict__.setdefault("_char_widths", {}).setdefault(frag.fontSize, {})
                for ch in text:
                    width = known.get(ch)
                    if width is None:
                        width = known[ch] = font.stringWidth(ch, frag.fontSize, "utf8")
                    widths.append(width)
                chars.extend(text)
            spans.append((first, len(chars), text or "", frag))
        return spans, chars, widths

    def _frag_line(spans: Sequence[tuple[int, int, str, Any]], ends: Sequence[int], start: int, end: int,
                   room: float, used: float, hard: bool) -> Any:
        """The line of characters start..end-1: what `makeCJKParaLine` makes of their `cjkU`s (runs of the same
        style as one word each), a fragment at a time instead of a character at a time."""
        words: list[Any] = []
        run: list[str] = []
        f0: Any = None
        size = ascent = descent = 0.0
        at = bisect_right(ends, start)  # the first fragment with a character on the line
        while start < end and at < len(spans) and spans[at][0] < end:
            first, last, text, frag = spans[at]
            at += 1
            size = max(size, frag.fontSize)
            up, down = getAscentDescent(frag.fontName, frag.fontSize)
            ascent, descent = max(ascent, up), min(descent, down)
            if f0 is None or not sameFrag(f0, frag):
                if f0 is not None:
                    words.append(f0.clone(text="".join(run)))
                f0, run = frag, []
            run.append(text[max(start, first) - first:min(end, last) - first])
        if f0 is not None:
            words.append(f0.clone(text="".join(run)))
        return FragLine(kind=1, extraSpace=room - used, wordCount=1, words=words, fontSize=size, ascent=ascent,
                        descent=descent, maxWidth=room, currentWidth=used, lineBreak=hard)

    class TextParagraph(Paragraph):  # type: ignore[misc]
        """A Paragraph broken by `break_lines`, whatever the style's wordWrap, keeping every space."""

        def _setup(self, text: Any, style: Any, bulletText: Any, frags: Any, cleaner: Any) -> None:  # noqa: N803
            # Paragraph's cleaner (cleanBlockQuotedText) would collapse every run of spaces, U+3000 included,
            # to one space and drop those at the ends; `escape` has made the text one line already.
            super()._setup(text, style, bulletText, frags, str)

        def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
            # A table wraps each cell once to measure its row and again to draw it, at the same width: the
            # lines broken the first time serve the second (a long table's paragraphs took half its time).
            key = (availWidth, id(self.style))
            if getattr(self, "_wrapped_at", None) == key and hasattr(self, "blPara"):  # split may drop blPara
                return self.width, self.height
            size = super().wrap(availWidth, availHeight)
            self._wrapped_at = key
            return size  # type: ignore[no-any-return]

        def breakLines(self, width: Any) -> Any:  # noqa: N802 - ReportLab's name
            return self.breakLinesCJK(width)

        def breakLinesCJK(self, maxWidths: Any) -> Any:  # noqa: N802, N803 - ReportLab's names
            if not isinstance(maxWidths, (list, tuple)):
                maxWidths = [maxWidths]  # noqa: N806
            style = self.style
            self.height = 0
            if hasattr(self, "blPara") and getattr(self, "_splitpara", False):
                return self.blPara  # the rest of a paragraph split across pages: already broken
            _handleBulletWidth(self.bulletText, style, maxWidths)
            auto = getattr(self, "autoLeading", getattr(style, "autoLeading", ""))
            bounds = auto not in ("", "off")
            if any(hasattr(frag, "cbDefn") or (hasattr(frag, "lineBreak") and frag.text) for frag in self.frags):
                return self._unit_lines(list(maxWidths), bounds)  # an inline image: never in plain text
            spans, chars, widths = _measured(self.frags)
            if not chars:
                return ParaLines(kind=0, fontSize=style.fontSize, fontName=style.fontName,
                                 textColor=style.textColor, lines=[], ascent=style.fontSize,
                                 descent=-0.2 * style.fontSize)
            ends = [last for _first, last, _text, _frag in spans]
            lines: list[Any] = []
            for start, end in break_lines(chars, widths, list(maxWidths)):
                room = maxWidths[min(len(lines), len(maxWidths) - 1)]
                used = visible_width(chars, widths, start, end)
                hard = end > start and chars[end - 1] == "\n"
                lines.append(_frag_line(spans, ends, start, end, room, used, hard))
            return ParaLines(kind=1, lines=lines)

        def _unit_lines(self, maxWidths: list[Any], bounds: bool) -> Any:  # noqa: N803
            """The lines as ReportLab makes them, a `cjkU` per character (a paragraph with an inline image)."""
            units = []
            for frag in self.frags:
                text = frag.text.decode("utf8") if isinstance(frag.text, bytes) else frag.text
                units.extend([cjkU(ch, frag, "utf8") for ch in text] if text else [cjkU(text, frag, "utf8")])
            chars = ["\n" if hasattr(u.frag, "lineBreak") else str(u) for u in units]
            widths = [0.0 if ch == "\n" else u.width for ch, u in zip(chars, units, strict=True)]
            lines: list[Any] = []
            for start, end in break_lines(chars, widths, maxWidths):
                room = maxWidths[min(len(lines), len(maxWidths) - 1)]
                used = visible_width(chars, widths, start, end)
                hard = end > start and chars[end - 1] == "\n"
                lines.append(makeCJKParaLine(units[start:end], room, used, room - used, hard, bounds))
            return ParaLines(kind=1, lines=lines)

    _CLASS.append(TextParagraph)
    return TextParagraph
