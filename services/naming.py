"""Name ordering (按姓氏笔画) and pinyin initials for search."""

from __future__ import annotations

from functools import lru_cache

from services.paths import resources_dir

COMPOUND_SURNAMES = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "轩辕", "令狐", "钟离", "端木", "南宫", "西门", "独孤", "澹台", "呼延", "申屠", "太史",
)


@lru_cache(maxsize=1)
def _stroke_table() -> dict[str, int]:
    table: dict[str, int] = {}
    path = resources_dir() / "data" / "strokes.txt"
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or "\t" not in line:
                continue
            count, chars = line.rstrip("\n").split("\t", 1)
            n = int(count)
            for ch in chars:
                table[ch] = n
    return table


def strokes(ch: str) -> int:
    """Total strokes of one character (Unihan kTotalStrokes); 0 for non-Chinese characters."""
    return _stroke_table().get(ch, 0)


def surname(name: str) -> str:
    for compound in COMPOUND_SURNAMES:
        if name.startswith(compound) and len(name) > 2:
            return compound
    return name[:1]


def surname_strokes(name: str) -> int:
    return sum(strokes(ch) for ch in surname(name))


def stroke_sort_key(name: str) -> str:
    """A text key whose order is 按姓氏笔画: stroke count, then character, position by position.

    Characters of equal stroke count are ordered by code point, a stable stand-in for the
    first-stroke order (横竖撇点折) of GB/T 13418.
    """
    parts = []
    for ch in name:
        if ch == "·":
            continue
        parts.append(f"{strokes(ch):02d}{ord(ch):05X}")
    return "".join(parts)[:200]


def pinyin_initials(name: str) -> str:
    """Lower-case initials of the name's pinyin, e.g. 张伟 → 'zw', for search as you type."""
    from pypinyin import Style, lazy_pinyin

    letters = lazy_pinyin(name, style=Style.FIRST_LETTER, errors=lambda s: "".join(c for c in s if c.isalnum()))
    return "".join(letters).lower()[:50]
