"""A window titled by what the clerk typed shows it whole: Qt drops “[*]” (its unsaved-changes mark) otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from tests.helpers.members_support import OFFSCREEN_NOISE
from ui.assessment.stats_widgets import DrillDownDialog
from ui.widgets.typed_text import window_title

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def test_a_typed_title_with_the_mark_shows_as_typed(qtbot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.setWindowTitle(window_title("学习问卷[*]（二〇二六）"))
    widget.show()
    assert widget.windowHandle().title() == "学习问卷[*]（二〇二六）"
    plain = QWidget()
    qtbot.addWidget(plain)
    plain.setWindowTitle("学习问卷[*]（二〇二六）")  # as before: the mark's place, shown as nothing
    plain.show()
    assert plain.windowHandle().title() == "学习问卷（二〇二六）"


def test_the_drill_down_keeps_a_typed_title(qtbot, tmp_path: Path) -> None:
    dialog = DrillDownDialog("“党课[*]”的参加人员", ["姓名"], [["张三"]])
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowHandle().title() == "“党课[*]”的参加人员"
