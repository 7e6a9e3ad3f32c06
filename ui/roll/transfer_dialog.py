"""A member leaves the roll: 转出, 去世, 出党 or 停止党籍, with date and reason; the record stays."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from services.errors import DangxunError, FieldProblem, ValidationError
from services.normalize import LEFT_STATUSES
from services.roll import members as member_service
from services.roll.members import MemberRecord
from services.workspace import EDITOR, Workspace
from ui.widgets.edit_guard import DiscardGuard
from ui.widgets.typed_text import plain

ERROR_STYLE = "color: #B71C1C;"


class TransferDialog(DiscardGuard, QDialog):
    """Calls services.roll.members.mark_left in one transaction; problems appear beside their field."""

    def __init__(self, ws: Workspace, record: MemberRecord,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.record = record
        self.saved: MemberRecord | None = None
        self.setWindowTitle(self.tr("党员转出或离开"))

        layout = QVBoxLayout(self)
        intro = plain(QLabel(self.tr("党员：{0}（{1}）\n离开后记录仍保留，可在“状态”筛选中查看。").format(
            record.name, record.branch)))
        intro.setWordWrap(True)
        layout.addWidget(intro)

        form = QFormLayout()
        self.status = QComboBox()
        self.status.setObjectName("field_status")
        self.status.addItems(list(LEFT_STATUSES))
        self.left_date = QLineEdit(dt.date.today().isoformat())
        self.left_date.setObjectName("field_left_date")
        self.left_date.setPlaceholderText(self.tr("如 2024-06-30 或 2024-06"))
        self.reason = QLineEdit()
        self.reason.setObjectName("field_left_reason")
        self.reason.setPlaceholderText(self.tr("如：组织关系转至某某单位党组织"))
        self.errors: dict[str, QLabel] = {}
        for key, label, widget in (("status", self.tr("变动类型"), self.status),
                                   ("left_date", self.tr("日期"), self.left_date),
                                   ("left_reason", self.tr("原因"), self.reason)):
            form.addRow(label, widget)
            error = plain(QLabel())
            error.setObjectName(f"error_{key}")
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.hide()
            form.addRow("", error)
            self.errors[key] = error
        layout.addLayout(form)
        self.general_error = plain(QLabel())
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        layout.addWidget(self.general_error)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("确定"))
        ok.setProperty("primary", True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.buttons = buttons
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("党") * 30)
        self.mark_clean()

    def edit_snapshot(self) -> object:
        return (self.status.currentIndex(), self.left_date.text(), self.reason.text())

    def show_problems(self, problems: list[FieldProblem]) -> None:
        for error in self.errors.values():
            error.hide()
        general = []
        for problem in problems:
            label = self.errors.get(problem.field)
            if label is None:
                general.append(problem.describe())
            else:
                label.setText(problem.message)
                label.show()
        self.general_error.setText("；".join(general))
        self.general_error.setVisible(bool(general))
        layout = self.layout()
        if layout is not None:
            layout.activate()
            needed = layout.totalHeightForWidth(self.width())
            if needed > self.height():
                self.resize(self.width(), needed)

    def accept(self) -> None:
        try:
            with self.ws.write("member-leave", needs=EDITOR) as uow:
                self.saved = member_service.mark_left(uow.session, self.record.id, self.status.currentText(),
                                                      self.left_date.text(), self.reason.text(), uow.actor)
        except ValidationError as exc:
            self.show_problems(exc.problems)
            return
        except DangxunError as exc:
            self.show_problems([FieldProblem("", exc.message)])
            return
        super().accept()
