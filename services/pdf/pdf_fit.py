"""Long text in a table cell (a transliterated name, a long branch, a title): the size and line breaks it prints with.

A name of 20 characters such as 阿卜杜热合曼·买买提托合提·艾则孜 is wrapped at a readable size, between the
parts of the name where it can, rather than shrunk to an unreadable one; text that fits is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.pdf.pdf_text import (
    NAME_DOTS,
    SPACES,
    break_at_dots,
    break_lines,
    splits_word,
    visible_width,
)

# Below this size a name, a branch or a title is hard to read on paper: it wraps rather than shrinks further.
READABLE_SIZE = 8.0
# Lines a name or a branch takes in a cell at a readable size before it is set smaller.
MAX_LINES = 3
_FUZZ = 1e-6

Lines = list[tuple[int, int]]


@dataclass(frozen=True)
class Fitted:
    """How a text prints in its cell: `size` in points, its `lines` (each without its line break), and whether
    it stays readable: no smaller than the readable size, and a name with middle dots broken only after them."""

    size: float
    leading: float
    lines: tuple[str, ...]
    readable: bool


def fit_lines(text: str | None, style: Any, width: float, height: float | None = None, *,
              max_lines: int = MAX_LINES, readable: float = READABLE_SIZE, min_size: float = 6) -> Fitted:
    """The size and lines of `text` in a cell `width` wide, in `style` (its font, size and leading ratio).

    `width` and `height` are the room inside the cell's padding; `height` is that of a row of fixed height
    (a sign-in sheet's room to sign), None when rows take their text's height. The first of these, each at
    the largest size that does it, in steps of 0.5 pt from the style's own size:
    1. one line (each of the text's own lines unbroken), at `readable` size or larger;
    2. up to `max_lines` lines at a readable size, broken only after a name's middle dots (阿卜杜热合曼· /
       买买提托合提· / 艾则孜), else where the rules allow (`pdf_text.break_lines`), never inside a Latin
       word; first those that fit `height`, then any (the row grows);
    3. one line, or up to `max_lines` lines, below `readable` down to `min_size`;
    4. as many lines as it takes at `min_size`.
    A style smaller than `readable` counts as readable at its own size.
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth

    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    chars = list(text)
    unit = [0.0 if ch == "\n" else stringWidth(ch, style.fontName, 1) for ch in chars]
    own_lines = text.count("\n") + 1
    ratio = style.leading / style.fontSize
    top = float(style.fontSize)
    floor = min(top, readable)
    dotted_name = any(ch in NAME_DOTS for ch in text)
    found: dict[float, tuple[Lines | None, Lines | None]] = {}

    def after_dots(lines: Lines) -> bool:
        """Every line the cell breaks (not the text's own line breaks) ends with a middle dot."""
        return all("".join(chars[a:b]).rstrip(SPACES).endswith(tuple(NAME_DOTS + "\n")) for a, b in lines[:-1])

    def layouts(size: float) -> tuple[Lines | None, Lines | None]:
        """(broken after the dots only, broken as well as can be) at `size`: the second is broken after the
        dots where that takes no more lines than the rules alone; None for a layout that does not fit or that
        breaks a Latin word (Muhamma / d Ali)."""
        if size not in found:
            widths = [w * size for w in unit]
            plain = break_lines(chars, widths, [width])
            dotted = break_at_dots(chars, widths, width) if dotted_name else plain
            fits = [lines if all(visible_width(chars, widths, a, b) <= width + _FUZZ for a, b in lines)
                    and not splits_word(chars, lines) else None for lines in (dotted, plain)]
            pure = fits[0] if fits[0] is not None and after_dots(fits[0]) else None
            best = fits[0] if fits[0] is not None and (fits[1] is None or len(fits[0]) <= len(plain)) else fits[1]
            found[size] = (pure, best)
        return found[size]

    def fitted(size: float, lines: Lines) -> Fitted:
        ok = size >= floor - _FUZZ and (not dotted_name or after_dots(lines))
        return Fitted(size, size * ratio, tuple("".join(chars[a:b]).removesuffix("\n") for a, b in lines), ok)

    readable_sizes = _sizes(top, floor)
    for size in readable_sizes:
        plain = layouts(size)[1]
        if plain is not None and len(plain) == own_lines:
            return fitted(size, plain)
    for room in ([height] if height is not None else []) + [None]:
        for kind in (0, 1):
            for size in readable_sizes:
                lines = layouts(size)[kind]
                if lines is not None and len(lines) <= max_lines and (
                        room is None or len(lines) * size * ratio <= room + _FUZZ):
                    return fitted(size, lines)
    for size in _sizes(floor - 0.5, min_size):
        pure, best = layouts(size)
        for lines in (best if best is not None and len(best) == own_lines else None, pure, best):
            if lines is not None and len(lines) <= max_lines:
                return fitted(size, lines)
    size = min(top, min_size)
    return fitted(size, break_lines(chars, [w * size for w in unit], [width]))


def fitting_width(texts: list[str], style: Any, base: float, most: float, *, padding: float = 12,
                  step: float = 72 / 25.4, max_lines: int = MAX_LINES) -> float:
    """The width of a column of names (or branches): `base`, or more, up to `most`, in steps of `step` (1 mm),
    when at `base` some text of `texts` would not stay readable (`Fitted.readable`): set below the readable
    size, or a name broken inside one of its parts (阿卜杜热合 / 曼·买买提托). `padding` is the cell's, both
    sides together."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    need = base
    for text in sorted(set(texts), key=len, reverse=True):
        if stringWidth(text, style.fontName, style.fontSize) <= need - padding:
            continue
        while need < most and not fit_lines(text, style, need - padding, max_lines=max_lines).readable:
            need = min(most, need + step)
    return need


def widen_columns(widths: list[float], wants: dict[int, float], donors: list[int], share: float = 0.2,
                  spare: dict[int, float] | None = None) -> list[float]:
    """`widths` with column i widened to wants[i]. The room comes first from the `spare` room of columns
    (what their text leaves empty), then from the `donors` (columns of wrapping text: a branch, a job) in
    proportion to their widths, each giving at most `share` of its own; when that is not enough, each column
    is widened by the same part of what it wants."""
    out = list(widths)
    extra = {i: max(0.0, want - widths[i]) for i, want in wants.items()}
    asked = sum(extra.values())
    spare = {i: room for i, room in (spare or {}).items() if room > 0 and i not in wants}
    from_spare = min(asked, sum(spare.values()))
    donor_total = sum(widths[i] for i in donors)
    from_donors = min(asked - from_spare, donor_total * share)
    if asked <= 0:
        return out
    part = (from_spare + from_donors) / asked
    for i, more in extra.items():
        out[i] += more * part
    for i, room in spare.items():
        out[i] -= from_spare * room / sum(spare.values())
    for i in donors:
        out[i] -= from_donors * widths[i] / donor_total
    return out


def _sizes(top: float, bottom: float) -> list[float]:
    """`top`, then 0.5 pt smaller each, down to `bottom`."""
    sizes = []
    size = top
    while size >= bottom - _FUZZ:
        sizes.append(size)
        size -= 0.5
    return sizes
