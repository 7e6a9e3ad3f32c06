"""The window draws the rare characters of names (䶮 𠇔 𪨶) with the bundled fallback font, not as boxes.

Checked in a process of its own: the fonts apply_look adds stay in Qt's font database for the life of
the process, and would change how later tests' text is laid out."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.helpers.paths import REPO

SCRIPT = """
import sys
from PySide6.QtGui import QTextLayout
from PySide6.QtWidgets import QApplication
from ui.app import apply_look

app = QApplication(["t", "-style", "fusion"])
apply_look(app, fusion=True)
layout = QTextLayout(sys.argv[1], app.font())
layout.beginLayout()
layout.createLine()
layout.endLayout()
print(" ".join(str(g) for run in layout.glyphRuns() for g in run.glyphIndexes()))
"""


def test_rare_characters_have_glyphs_in_the_window_font() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", SCRIPT, "王䶮李𠇔陈𪨶"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    glyphs = [int(g) for g in done.stdout.split()]
    assert len(glyphs) == 6 and 0 not in glyphs  # glyph 0 is the empty box
