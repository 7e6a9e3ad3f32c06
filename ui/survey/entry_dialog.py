"""Entering paper answer sheets in a keyboard grid: type a letter, Enter or Tab moves on, 保存 writes them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from services.access import EDITOR
from services.errors import DangxunError
from services.survey import surveys
from ui.dialog_sizes import keep_size
from ui.survey.entry_table_model import EntryTableModel
from ui.widgets.edit_guard import DiscardGuard
from ui.widgets.typed_text import plain, window_title


class EntryGridView(QTableView):
    """Typing starts editing; Enter commits and moves to the next cell (then the next sheet)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.state() != self.State.EditingState:
            self._advance()
            return
        super().keyPressEvent(event)

    def closeEditor(self, editor: QWidget, hint: Any) -> None:  # noqa: N802 (Qt override)
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            self._advance()
            return
        super().closeEditor(editor, hint)

    def _advance(self) -> None:
        model = self.model()
        current = self.currentIndex()
        if model is None or not current.isValid():
            return
        row, column = current.row(), current.column() + 1
        if column >= model.columnCount():
            row, column = row + 1, 0
        if row < model.rowCount():
            self.setCurrentIndex(model.index(row, column))


class EntryDialog(DiscardGuard, QDialog):
    saved = Signal(int)

    def __init__(self, ws: Any, survey_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.survey_id = survey_id
        with ws.read() as session:
            result = surveys.get_survey(session, survey_id)
        self.setWindowTitle(window_title(self.tr("录入纸质答卷 — %s") % result.info.title))
        self.model = EntryTableModel(result.questions, self)
        self.view = EntryGridView(self)
        self.view.setObjectName("entry_grid")
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                                  | QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setCurrentIndex(self.model.index(0, 0))
        hint = QLabel(self.tr("每行一份答卷。选择题填选项字母（多选如 AC），量表题填分值，填空题照录文字；"
                              "空着表示未答。回车跳到下一格。已有%d份答卷。") % result.info.responses)
        hint.setWordWrap(True)
        self.error_label = plain(QLabel())
        self.error_label.setObjectName("error_label")
        self.error_label.setStyleSheet("color: #B71C1C;")
        self.error_label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.resize(760, 460)
        keep_size(self, "survey-entry")
        self.model.dataChanged.connect(self.on_model_data_changed)
        self.mark_clean()

    def edit_snapshot(self) -> object:
        """The answers typed so far (Esc or 取消 asks before throwing them away)."""
        return repr(self.model.sheets())

    def on_model_data_changed(self, _top: QModelIndex, _bottom: QModelIndex) -> None:
        problems = self.model.problems()
        self.error_label.setText(problems[0] if problems else "")

    def on_buttons_accepted(self) -> None:
        problems = self.model.problems()
        if problems:
            self.error_label.setText(self.tr("有%d处答案不对，请改正：") % len(problems) + problems[0])
            return
        sheets = self.model.sheets()
        if not sheets:
            self.error_label.setText(self.tr("还没有录入任何答卷。"))
            return
        try:
            with self.ws.write("survey-enter", needs=EDITOR) as uow:
                added = surveys.add_responses(uow.session, self.survey_id, sheets)
        except DangxunError as exc:
            self.error_label.setText(exc.message)
            return
        self.saved.emit(added)
        self.accept()
