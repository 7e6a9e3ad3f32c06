"""The list of surveys: number, title, source, responses, questions, the activity evaluated."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from services.survey.surveys import SOURCE_LABELS, SurveyInfo
from ui.widgets.list_table_model import ListTableModel
from ui.widgets.typed_text import as_typed


class SurveyTableModel(ListTableModel[SurveyInfo]):
    COLUMNS = ("编号", "问卷", "来源", "答卷", "题数", "评估活动")

    def display(self, item: SurveyInfo, column: int) -> Any:
        return (item.id, item.title, SOURCE_LABELS.get(item.source, item.source), item.responses,
                item.questions, item.activity_title or "")[column]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (1, 5):
            # Title and activity are elided in their columns: whole on hover.
            return as_typed(super().data(index, Qt.ItemDataRole.DisplayRole) or "") or None
        return super().data(index, role)

    def row_of(self, survey_id: int) -> int:
        return next((n for n, s in enumerate(self._rows) if s.id == survey_id), -1)
