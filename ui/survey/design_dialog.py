"""Designing a paper questionnaire: a title and a table of questions (题目, 题型, 选项 separated by ┋ or 、)."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services.access import EDITOR
from services.errors import DangxunError
from services.survey import surveys
from services.survey import tally as t
from ui.dialog_sizes import keep_size
from ui.widgets.edit_guard import DiscardGuard
from ui.widgets.typed_text import plain

KIND_ORDER = (t.SINGLE, t.MULTIPLE, t.SCALE, t.TEXT)


def split_options(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in re.split(r"[┋、\n;；|]", text or "") if p.strip())


class DesignDialog(DiscardGuard, QDialog):
    created = Signal(int)

    def __init__(self, ws: Any, parent: QWidget | None = None,
                 activities: list[tuple[int, str]] | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.setWindowTitle(self.tr("新建纸质问卷"))
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("title_edit")
        self.title_edit.setPlaceholderText(self.tr("如：2025年党员教育培训需求调查问卷"))
        self.activity_combo = QComboBox()
        self.activity_combo.addItem(self.tr("（不评估具体活动）"), None)
        for activity_id, title in activities or []:
            self.activity_combo.addItem(title, activity_id)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("questions_table")
        self.table.setHorizontalHeaderLabels([self.tr("题目"), self.tr("题型"), self.tr("选项（用 ┋ 或 、 分隔）")])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        add = QPushButton(self.tr("添加题目"))
        add.clicked.connect(lambda: self.add_question())
        remove = QPushButton(self.tr("删除所选题目"))
        remove.clicked.connect(self.on_remove_clicked)
        self.error_label = plain(QLabel())
        self.error_label.setObjectName("error_label")
        self.error_label.setStyleSheet("color: #B71C1C;")
        self.error_label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("问卷标题"), self.title_edit)
        form.addRow(self.tr("评估活动"), self.activity_combo)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.resize(720, 460)
        keep_size(self, "survey-design")
        self.add_question()
        self.mark_clean()

    def edit_snapshot(self) -> object:
        """What Esc or 取消 would throw away: the title, the activity and the questions as typed."""
        return (self.title_edit.text(), self.activity_combo.currentIndex(),
                [(q.title, q.kind, tuple(q.options)) for q in self.drafts()])

    def add_question(self, title: str = "", kind: str = t.SINGLE, options: str = "") -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(title))
        combo = QComboBox()
        for k in KIND_ORDER:
            combo.addItem(t.KIND_LABELS[k], k)
        combo.setCurrentIndex(KIND_ORDER.index(kind))
        self.table.setCellWidget(row, 1, combo)
        self.table.setItem(row, 2, QTableWidgetItem(options))
        return row

    def on_remove_clicked(self) -> None:
        for row in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(row)

    def drafts(self) -> list[surveys.QuestionDraft]:
        result = []
        for row in range(self.table.rowCount()):
            title_item, options_item = self.table.item(row, 0), self.table.item(row, 2)
            title = title_item.text().strip() if title_item else ""
            options = split_options(options_item.text() if options_item else "")
            combo = self.table.cellWidget(row, 1)
            kind = combo.currentData() if isinstance(combo, QComboBox) else t.SINGLE
            if not title and not options:
                continue
            result.append(surveys.QuestionDraft(title, kind, options))
        return result

    def on_buttons_accepted(self) -> None:
        title = self.title_edit.text().strip()
        if not title:
            self.error_label.setText(self.tr("请填写问卷标题。"))
            self.title_edit.setFocus()
            return
        try:
            with self.ws.write("survey-new", needs=EDITOR) as uow:
                survey_id = surveys.create_paper(uow.session, title, self.drafts(), uow.actor,
                                                 activity_id=self.activity_combo.currentData())
        except DangxunError as exc:
            self.error_label.setText(exc.message)
            return
        self.created.emit(survey_id)
        self.mark_clean()
        self.accept()
