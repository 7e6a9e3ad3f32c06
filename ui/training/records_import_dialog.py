"""Import training records (学时记录): choose a file, see what would happen and every refused row, then import."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
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

from services.errors import DangxunError, ValidationError
from services.files.spreadsheet import describe_source
from services.training import records_import
from services.workspace import EDITOR, Workspace
from ui.dialog_sizes import keep_size
from ui.widgets.errors import error_text, log_error
from ui.widgets.file_dialogs import open_file
from ui.widgets.jobs import run_with_progress
from ui.widgets.typed_text import plain

MAX_TWINS_SHOWN = 10  # lines of twin warnings in the dialog; the rest are counted
ON_EXISTING_LABELS = (("update", "以文件为准更新已有记录"), ("skip", "跳过已有记录"), ("refuse", "有不同的已有记录时拒绝"))


class RecordsImportDialog(QDialog):
    imported = Signal(object)  # the plan that was written

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.plan: records_import.RecordsPlan | None = None
        self.setWindowTitle(self.tr("导入学时记录"))
        self.file_edit = QLineEdit()
        self.file_edit.setPlaceholderText(self.tr("每行一名党员参加一项培训：姓名/身份证号码、培训名称、类别、日期、学时、出勤情况"))
        browse = QPushButton(self.tr("选择文件…"))
        browse.clicked.connect(self.on_browse_clicked)
        self.browse_button = browse
        # Another file or mode than the one checked: 导入 waits for a new 检查.
        self.file_edit.textEdited.connect(self._forget_plan)
        self.mode_combo = QComboBox()
        for key, label in ON_EXISTING_LABELS:
            self.mode_combo.addItem(self.tr(label), key)
        self.mode_combo.currentIndexChanged.connect(self._forget_plan)
        self._busy = False
        check = QPushButton(self.tr("检查"))
        check.clicked.connect(self.on_check_clicked)
        self.check_button = check
        top = QHBoxLayout()
        top.addWidget(self.file_edit, 1)
        top.addWidget(browse)
        mode = QHBoxLayout()
        mode.addWidget(QLabel(self.tr("已有记录：")))
        mode.addWidget(self.mode_combo)
        mode.addStretch(1)
        mode.addWidget(check)
        self.summary_label = plain(QLabel(self.tr("先选择文件并检查；有错误的行会列在下面，改正前不会写入任何记录。")))
        self.summary_label.setWordWrap(True)
        # New activities that twin existing ones of another type: imported all the same, but the clerk is told.
        self.twins_label = plain(QLabel())
        self.twins_label.setObjectName("twins_label")
        self.twins_label.setWordWrap(True)
        self.twins_label.setStyleSheet("color: #8D5A00")
        self.twins_label.hide()
        self.source_label = plain(QLabel())
        self.source_label.setObjectName("source_label")
        self.source_label.setWordWrap(True)
        self.problems = QTableWidget(0, 3)
        self.problems.setHorizontalHeaderLabels([self.tr("行"), self.tr("列"), self.tr("原因")])
        self.problems.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.import_button = QPushButton(self.tr("导入"))
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.on_import_clicked)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.import_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(mode)
        layout.addWidget(self.source_label)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.twins_label)
        layout.addWidget(self.problems, 1)
        layout.addLayout(bottom)
        self.resize(760, 520)
        keep_size(self, "records-import")

    def _set_busy(self, busy: bool) -> None:
        """While a check or an import runs nothing starts another (the progress shows only after half a second)."""
        self._busy = busy
        for control in (self.browse_button, self.check_button, self.file_edit, self.mode_combo):
            control.setEnabled(not busy)
        if busy:
            self.import_button.setEnabled(False)

    def _forget_plan(self, *_args: Any) -> None:
        self.plan = None
        self.import_button.setEnabled(False)

    def on_browse_clicked(self) -> None:
        if self._busy:
            return
        path, _ = open_file(self, "records-import", self.tr("选择学时记录"),
                                              self.tr("表格文件 (*.xlsx *.xlsm *.xls *.ods *.csv)"))
        if path:
            self.file_edit.setText(path)
            self.on_check_clicked()

    def _path(self) -> Path:
        return Path(self.file_edit.text().strip())

    def on_check_clicked(self) -> None:
        if self._busy:
            return
        if not self.file_edit.text().strip():
            self.show_error(ValidationError("请先点“选择文件…”选择学时记录文件。"))
            return
        path, mode = self._path(), self.mode_combo.currentData()
        self._forget_plan()
        self._set_busy(True)

        def work(progress: Any, cancel: threading.Event) -> records_import.RecordsPlan:
            with self.ws.read() as s:
                return records_import.plan_records(s, path, mode, progress=progress, cancel=cancel)

        def done(plan: records_import.RecordsPlan) -> None:
            self._set_busy(False)
            self.show_plan(plan)

        def failed(error: BaseException) -> None:
            self._set_busy(False)
            self.show_error(error)

        run_with_progress(self, self.tr("正在检查……"), work, on_finished=done, on_failed=failed, write=False)

    def show_error(self, error: BaseException) -> None:
        if not isinstance(error, DangxunError):
            log_error(error, "import-records")
        self.summary_label.setText(error_text(error))
        self.summary_label.setStyleSheet("color: #B71C1C")
        self.source_label.clear()
        self.show_twins(None)
        self.problems.setRowCount(0)  # the rows of an earlier check are not this file's

    def show_twins(self, plan: records_import.RecordsPlan | None, written: bool = False) -> None:
        """Name each new activity that has the title and date of an existing one of another type, and that one."""
        lines = plan.warnings(written) if plan is not None else []
        if not lines:
            self.twins_label.clear()
            self.twins_label.hide()
            return
        shown = lines[:MAX_TWINS_SHOWN]
        if len(lines) > len(shown):
            shown.append(self.tr("……另有%1项")
                         .replace("%1", str(len(lines) - len(shown))))
        advice = (self.tr("请核对是否为同一活动，以免学时重复计入。") if written
                  else self.tr("如是同一活动，请改正文件中的“培训类别”后再检查。"))
        self.twins_label.setText(self.tr("注意：") + "\n".join(shown) + "\n" + advice)
        self.twins_label.show()

    def show_plan(self, plan: records_import.RecordsPlan) -> None:
        self.plan = plan
        s = plan.summary()
        self.source_label.setText(self.tr("读取为：") + describe_source(plan.form, plan.sheets))
        text = self.tr("共%1行：新增%2条，更新%3条，未变%4条，跳过%5条，将新建活动%6项。")
        for n, value in enumerate((plan.total_rows, s["added"], s["updated"], s["unchanged"], s["skipped"],
                                   s["activities_created"]), start=1):
            text = text.replace(f"%{n}", str(value))
        if plan.restored:
            text += self.tr("%1项活动的名称等将按文件原文恢复（不计为更改）。").replace("%1", str(len(plan.restored)))
        if plan.ignored_columns:
            text += self.tr(" 未导入的列：") + "、".join(plan.ignored_columns)
        if plan.refused:
            text += self.tr("\n有%1处错误，改正后才能导入：").replace("%1", str(len(plan.refused)))
        self.summary_label.setStyleSheet("color: #B71C1C" if plan.refused else "")
        self.summary_label.setText(text)
        self.show_twins(plan)
        self.problems.setRowCount(len(plan.refused))
        for row, p in enumerate(plan.refused):
            for col, value in enumerate((str(p.row), p.column, p.message)):
                self.problems.setItem(row, col, QTableWidgetItem(value))
        self.import_button.setEnabled(plan.ok and (s["added"] + s["updated"] + len(plan.restored)) > 0)

    def on_import_clicked(self) -> None:
        if self._busy or not self.import_button.isEnabled():  # a second click while the import runs writes nothing twice
            return
        path, mode = self._path(), self.mode_combo.currentData()
        # Until the import ends (its progress shows only after half a second) nothing starts a second one.
        self._set_busy(True)

        ws = self.ws

        def work(progress: Any, cancel: threading.Event) -> records_import.RecordsPlan:
            # A refused file writes nothing and takes no backup; a good one is checked again inside
            # the writing transaction (the database may have changed since), after the backup.
            with ws.read() as s:
                plan = records_import.plan_records(s, path, mode, progress=progress, cancel=cancel)
            if not plan.ok:
                return plan
            with ws.write("import-records", needs=EDITOR, backup=f"导入学时记录 {path.name} 之前",
                          what="导入学时记录") as uow:
                plan = records_import.plan_records(uow.session, path, mode, progress=progress, cancel=cancel)
                if plan.ok:
                    records_import.apply_records(uow.session, plan, uow.actor, progress=progress, cancel=cancel)
                return plan

        def done(plan: records_import.RecordsPlan) -> None:
            self._set_busy(False)
            self.show_plan(plan)
            if plan.ok:
                s = plan.summary()
                self.summary_label.setText(self.tr("已导入：新增%1条，更新%2条，新建活动%3项。")
                                           .replace("%1", str(s["added"])).replace("%2", str(s["updated"]))
                                           .replace("%3", str(s["activities_created"]))
                                           + (self.tr("%1项活动的名称等已按文件原文恢复。")
                                              .replace("%1", str(len(plan.restored))) if plan.restored else ""))
                self.show_twins(plan, written=True)
                self.import_button.setEnabled(False)
                self.imported.emit(plan)

        def failed(error: BaseException) -> None:
            self._set_busy(False)
            self.show_error(error)
            self.import_button.setEnabled(bool(self.plan and self.plan.ok))

        run_with_progress(self, self.tr("正在导入……"), work, on_finished=done, on_failed=failed)
