"""The plain-rows table of statistics: figures align right, whether numbers or figures written as text."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from ui.assessment.stats_table_model import RowsTableModel

RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


@pytest.mark.parametrize(("value", "right"), [
    (100, True), (62.7, True), ("60 / 2079", True), ("100%", True), ("-3.5", True), ("1,234", True),
    ("2024-01-01", False), ("中心组学习", False), ("无", False), ("第1党支部", False), ("", False), (None, False),
])
def test_figures_align_right_and_words_and_dates_do_not(qtbot: Any, value: Any, right: bool) -> None:
    model = RowsTableModel(("项目", "数值"))
    model.set_rows([("项目", value)])
    alignment = model.data(model.index(0, 1), Qt.ItemDataRole.TextAlignmentRole)
    assert (alignment == RIGHT) is right, (value, alignment)
