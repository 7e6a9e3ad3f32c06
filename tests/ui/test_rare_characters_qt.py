"""The window draws the rare characters of names (䶮 𠇔 𪨶) with the bundled fallback font, not as boxes."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QTextLayout

from ui.app import apply_look


def _glyphs(font: Any, text: str) -> list[int]:
    layout = QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return [g for run in layout.glyphRuns() for g in run.glyphIndexes()]


def test_rare_characters_have_glyphs_in_the_window_font(qapp: Any) -> None:
    before = (qapp.font(), qapp.palette(), qapp.styleSheet())
    try:
        apply_look(qapp, fusion=True)
        glyphs = _glyphs(qapp.font(), "王䶮李𠇔陈𪨶")
        assert len(glyphs) == 6 and 0 not in glyphs  # glyph 0 is the empty box
    finally:
        qapp.setFont(before[0])
        qapp.setPalette(before[1])
        qapp.setStyleSheet(before[2])
