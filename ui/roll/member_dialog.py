"""Add or edit one member: every field, and each refusal shown beside its field in Chinese."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from services.errors import DangxunError, FieldProblem, ValidationError
from services.normalize import (
    EDUCATIONS,
    ETHNICITIES,
    MEMBERSHIPS,
    PARTY_POSTS,
    STAFF_STATUSES,
    STATUSES,
)
from services.roll import members as member_service
from services.roll.members import LABELS, MemberRecord
from services.workspace import EDITOR, Workspace
from ui.widgets.edit_guard import DiscardGuard
from ui.widgets.typed_text import plain

# (key, kind, choices, placeholder); kinds: line, choice (fixed list), edit (list or free text), text.
_LEFT_FIELDS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("name", "line", (), ""),
    ("id_number", "line", (), "18位，末位可为X"),
    ("sex", "choice", ("", "男", "女"), ""),
    ("birth_date", "line", (), "可不填，按身份证号码填写"),
    ("ethnicity", "edit", ETHNICITIES, ""),
    ("education", "choice", ("", *EDUCATIONS), ""),
    ("phone", "line", (), ""),
    ("job", "line", (), ""),
    ("staff_status", "choice", ("", *STAFF_STATUSES), ""),
)
_RIGHT_FIELDS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("branch", "choice", (), ""),
    ("membership", "choice", MEMBERSHIPS, ""),
    ("joined_party", "line", (), "如 2005-07 或 2005-07-01"),
    ("full_member_since", "line", (), "预备党员不填"),
    ("party_post", "edit", ("", *PARTY_POSTS), ""),
    ("joined_org", "line", (), "组织关系转入本单位的日期，可不填"),
    ("status", "choice", STATUSES, ""),
    ("left_date", "line", (), "仅转出、去世等填写"),
    ("left_reason", "line", (), ""),
)
REQUIRED = ("name", "id_number", "branch")
ERROR_STYLE = "color: #B71C1C;"


class MemberDialog(DiscardGuard, QDialog):
    """Create a member (record None) or edit one; on 保存 calls the service in one transaction.

    `read_only`: a 查阅 account looks at the record (查看): every field read-only, one button 关闭.
    """

    def __init__(self, ws: Workspace, branch_names: list[str],
                 record: MemberRecord | None = None, default_branch: str | None = None,
                 parent: QWidget | None = None, read_only: bool = False) -> None:
        super().__init__(parent)
        self.ws = ws
        self.record = record
        self.read_only = read_only and record is not None
        self.saved: MemberRecord | None = None
        self.setWindowTitle(self.tr("新增党员") if record is None
                            else self.tr("查看党员信息") if self.read_only else self.tr("修改党员信息"))
        self.fields: dict[str, QLineEdit | QComboBox | QPlainTextEdit] = {}
        self.errors: dict[str, QLabel] = {}

        outer = QVBoxLayout(self)
        self.general_error = plain(QLabel())
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        outer.addWidget(self.general_error)

        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        for column, specs in ((0, _LEFT_FIELDS), (1, _RIGHT_FIELDS)):
            for row, (key, kind, choices, placeholder) in enumerate(specs):
                if key == "branch":
                    choices = tuple(branch_names)
                self._add_field(grid, row, column, key, kind, choices, placeholder)
        remarks_row = max(len(_LEFT_FIELDS), len(_RIGHT_FIELDS))
        self._add_field(grid, remarks_row, 0, "remarks", "text", (), "")
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        em = self.fontMetrics().horizontalAdvance("党")
        grid.setColumnMinimumWidth(1, em * 16)
        grid.setColumnMinimumWidth(3, em * 16)
        outer.addLayout(grid)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("保存"))
        ok.setProperty("primary", True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)

        if record is not None:
            self.set_values(member_service.record_as_raw(record))
        else:
            self.set_values({"ethnicity": "汉族", "membership": "正式党员", "staff_status": "在职",
                             "status": "在册", "branch": default_branch or ""})
        if self.read_only:
            self._make_read_only()
        self.mark_clean()
        self.fields["name"].setFocus()

    def _make_read_only(self) -> None:
        for widget in self.fields.values():
            if isinstance(widget, QComboBox):
                if widget.isEditable():
                    line = widget.lineEdit()
                    if line is not None:
                        line.setReadOnly(True)
                # A fixed list cannot be read-only: it is shown but not opened.
                widget.setEnabled(False)
            else:
                widget.setReadOnly(True)
                widget.setPlaceholderText("")  # hints on how to fill a field mean nothing when reading
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))

    def edit_snapshot(self) -> dict[str, Any]:
        return self.values()

    def _add_field(self, grid: QGridLayout, row: int, column: int, key: str, kind: str,
                   choices: tuple[str, ...], placeholder: str) -> None:
        label_text = LABELS.get(key, key) + (" *" if key in REQUIRED else "")
        widget: QLineEdit | QComboBox | QPlainTextEdit
        if kind == "line":
            widget = QLineEdit()
            widget.setPlaceholderText(placeholder)
        elif kind in ("choice", "edit"):
            widget = QComboBox()
            widget.addItems(list(choices))
            widget.setEditable(kind == "edit")
            widget.setMinimumContentsLength(8)
        else:
            widget = QPlainTextEdit()
            widget.setTabChangesFocus(True)
            widget.setFixedHeight(widget.fontMetrics().lineSpacing() * 3 + 12)
        widget.setObjectName(f"field_{key}")
        label = QLabel(self.tr(label_text))
        label.setBuddy(widget)
        error = plain(QLabel())
        error.setObjectName(f"error_{key}")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        span = 3 if kind == "text" else 1
        grid.addWidget(label, row * 2, column * 2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(widget, row * 2, column * 2 + 1, 1, span)
        grid.addWidget(error, row * 2 + 1, column * 2 + 1, 1, span)
        self.fields[key] = widget
        self.errors[key] = error

    # ------------------------------------------------------------ values

    def set_values(self, values: dict[str, Any]) -> None:
        for key, value in values.items():
            widget = self.fields.get(key)
            text = "" if value is None else str(value)
            if isinstance(widget, QLineEdit):
                widget.setText(text)
            elif isinstance(widget, QComboBox):
                index = widget.findText(text)
                if index >= 0:
                    widget.setCurrentIndex(index)
                elif widget.isEditable():
                    widget.setEditText(text)
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText(text)

    def values(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, widget in self.fields.items():
            if isinstance(widget, QLineEdit):
                result[key] = widget.text()
            elif isinstance(widget, QComboBox):
                result[key] = widget.currentText()
            else:
                result[key] = widget.toPlainText()
        return result

    # ------------------------------------------------------------ saving

    def show_problems(self, problems: list[FieldProblem]) -> None:
        for error in self.errors.values():
            error.hide()
        general = []
        first: QWidget | None = None
        for problem in problems:
            label = self.errors.get(problem.field)
            if label is None:
                general.append(problem.describe())
                continue
            text = problem.message if label.isHidden() else f"{label.text()}；{problem.message}"
            label.setText(text)
            label.show()
            if first is None:
                first = self.fields[problem.field]
        self.general_error.setText("；".join(general))
        self.general_error.setVisible(bool(general))
        # The messages take room: let the dialog grow instead of squeezing the fields.
        layout = self.layout()
        if layout is not None:
            layout.activate()
            needed = layout.totalHeightForWidth(self.width())
            if needed > self.height():
                self.resize(self.width(), needed)
        if first is not None:
            first.setFocus()

    def accept(self) -> None:
        if self.read_only:
            super().accept()
            return
        raw = self.values()
        try:
            with self.ws.write("member-save", needs=EDITOR) as uow:
                if self.record is None:
                    self.saved = member_service.create_member(uow.session, raw, uow.actor)
                else:
                    self.saved = member_service.update_member(uow.session, self.record.id, raw, uow.actor,
                                                             expected_version=self.record.version)
        except ValidationError as exc:
            self.show_problems(exc.problems)
            return
        except DangxunError as exc:
            self.show_problems([FieldProblem("", exc.message)])
            return
        super().accept()
