"""The keyboard grid for paper answers: one row per answer sheet, one column per question.

Choice questions take letters (A, AC) or option numbers, scale questions a number, text questions
their words. Every cell is checked as it is typed; a wrong cell turns red and says why.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from services.errors import ValidationError
from services.survey import tally as t
from services.survey.surveys import LETTERS, QuestionInfo, parse_paper_answer
from ui.widgets.typed_text import as_typed

Index = QModelIndex | QPersistentModelIndex
ERROR = QColor("#FFCDD2")


class EntryTableModel(QAbstractTableModel):
    def __init__(self, questions: list[QuestionInfo], parent: Any = None) -> None:
        super().__init__(parent)
        self.questions = list(questions)
        self._rows: list[list[str]] = [[""] * len(self.questions)]

    # ------------------------------------------------------------------ Qt
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.questions)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        text = self._rows[index.row()][index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return text
        problem = self.problem(index.row(), index.column())
        if role == Qt.ItemDataRole.BackgroundRole and problem:
            return ERROR
        if role == Qt.ItemDataRole.ToolTipRole:
            return as_typed(problem or self._hint(self.questions[index.column()]))
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        self._rows[index.row()][index.column()] = str(value or "").strip()
        self.dataChanged.emit(index, index)
        if index.row() == len(self._rows) - 1 and any(self._rows[-1]):
            # Typing into the last sheet opens a fresh one below it.
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
            self._rows.append([""] * len(self.questions))
            self.endInsertRows()
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.questions):
            q = self.questions[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{q.number}．{q.title[:8]}"
            if role == Qt.ItemDataRole.ToolTipRole:
                return as_typed(f"{q.number}．{q.title}\n{self._hint(q)}")
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self._rows):
            return section + 1
        return None

    # ------------------------------------------------------------------ checking
    @staticmethod
    def _hint(q: QuestionInfo) -> str:
        if q.kind == t.TEXT:
            return "填空题：照录答卷上的文字"
        if q.kind == t.SCALE:
            return f"量表题：填 {q.options[0]}～{q.options[-1]}"
        options = "　".join(f"{LETTERS[i]} {o}" for i, o in enumerate(q.options))
        return ("多选题：填字母，如 AC\n" if q.kind == t.MULTIPLE else "单选题：填一个字母\n") + options

    def problem(self, row: int, column: int) -> str | None:
        try:
            parse_paper_answer(self.questions[column], self._rows[row][column])
        except ValidationError as exc:
            return exc.message
        return None

    def problems(self) -> list[str]:
        return [f"第{r + 1}份：{p}" for r in range(len(self._rows)) for c in range(len(self.questions))
                if (p := self.problem(r, c))]

    def sheets(self) -> list[list[str | None]]:
        """The filled-in sheets, empty cells as None (the blank last row left out)."""
        return [[cell or None for cell in row] for row in self._rows if any(row)]
