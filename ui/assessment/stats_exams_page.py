"""考试成绩 page of the 考核与统计 tab: choose a class, type the scores of its members, or import them."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from services.access import EDITOR
from services.assessment import assessments
from services.errors import DangxunError
from ui.assessment.stats_exam_table_model import SCORE_COLUMN, ExamScoreTableModel
from ui.assessment.stats_grades_pages import import_failure_text
from ui.widgets.file_dialogs import open_file
from ui.widgets.jobs import Job, ProgressFn, run_with_progress
from ui.widgets.typed_text import plain

ACCENT = "#B71C1C"
SCORE_EDIT_TRIGGERS = (QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                       | QAbstractItemView.EditTrigger.AnyKeyPressed)


class ExamsPage(QWidget):
    """Scores per activity; typing a digit on a score cell starts entry, Enter moves to the next member."""

    saved = Signal()

    def __init__(self, ws: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self._importing = False

        v = QVBoxLayout(self)
        v.setContentsMargins(0, 4, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("年度")))
        self.year = QSpinBox()
        self.year.setRange(1990, 2100)
        self.year.setValue(dt.date.today().year)
        self.year.valueChanged.connect(lambda _v: self.load_activities())
        row.addWidget(self.year)
        self.classes_only = QCheckBox(self.tr("只列培训班"))
        self.classes_only.setChecked(True)
        self.classes_only.toggled.connect(lambda _c: self.load_activities())
        row.addWidget(self.classes_only)
        row.addWidget(QLabel(self.tr("活动")))
        self.activity = QComboBox()
        self.activity.setMinimumContentsLength(24)
        self.activity.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.activity.currentIndexChanged.connect(lambda _i: self.load_scores())
        row.addWidget(self.activity, 1)
        self.btn_save = QPushButton(self.tr("保存"))
        self.btn_save.setEnabled(False)
        self.btn_save.clicked.connect(self.save)
        self.btn_import = QPushButton(self.tr("导入…"))
        self.btn_import.setToolTip(self.tr("从Excel导入成绩：需有“姓名”或“公民身份号码”列，以及“成绩”列"))
        self.btn_import.clicked.connect(lambda: self.import_scores())
        row.addWidget(self.btn_save)
        row.addWidget(self.btn_import)
        v.addLayout(row)

        self.model = ExamScoreTableModel(self)
        self.model.edited.connect(self._on_edited)
        self.model.invalid.connect(self._show_error)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(SCORE_EDIT_TRIGGERS)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # A score is short: keep its column narrow so the eye goes straight from name to score.
        self.view.horizontalHeader().setStretchLastSection(False)
        self.view.horizontalHeader().setMinimumSectionSize(self.view.fontMetrics().horizontalAdvance("中") * 6)
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 10)
        self.delegate = QStyledItemDelegate(self.view)
        self.view.setItemDelegate(self.delegate)
        self.delegate.closeEditor.connect(self._after_entry)
        v.addWidget(self.view, 1)
        self.hint = QLabel(self.tr("选中“考试成绩”一格直接输入分数（0～100），回车到下一人；清空即删除成绩。"
                                   "名单为报名、出勤或已有成绩的党员。"))
        self.hint.setWordWrap(True)
        v.addWidget(self.hint)
        self.message = plain(QLabel())
        self.message.setWordWrap(True)
        v.addWidget(self.message)

    def has_pending(self) -> bool:
        return self.model.has_pending()

    # ------------------------------------------------------------ data

    def load_activities(self) -> None:
        current = self.activity.currentData()
        with self.ws.read() as session:
            items = assessments.exam_activities(session, self.year.value(), self.classes_only.isChecked())
        self.activity.blockSignals(True)
        self.activity.clear()
        for a in items:
            self.activity.addItem(f"{a.start_date.isoformat()}  {a.title}（{a.type}）", a.id)
        index = self.activity.findData(current) if current is not None else -1
        self.activity.setCurrentIndex(index if index >= 0 else (0 if items else -1))
        self.activity.blockSignals(False)
        self.load_scores()
        if not items:
            self.message.setStyleSheet("")
            self.message.setText(self.tr("%1年没有可录入成绩的活动。").replace("%1", str(self.year.value()))
                                 + (self.tr("可取消“只列培训班”查看全部活动。") if self.classes_only.isChecked() else ""))

    def select_activity(self, activity_id: int) -> bool:
        index = self.activity.findData(activity_id)
        if index < 0:
            return False
        self.activity.setCurrentIndex(index)
        return True

    def load_scores(self) -> None:
        activity_id = self.activity.currentData()
        if activity_id is None:
            self.model.set_rows([])
        else:
            with self.ws.read() as session:
                self.model.set_rows(assessments.list_exam_scores(session, activity_id))
            self.view.resizeColumnsToContents()
            self.view.setColumnWidth(SCORE_COLUMN, self.view.fontMetrics().horizontalAdvance("考试成绩") + 40)
        self.btn_save.setEnabled(False)
        self.btn_import.setEnabled(activity_id is not None)
        self.message.clear()
        if activity_id is not None and self.model.rowCount() == 0:
            self.message.setText(self.tr("该活动还没有报名或出勤的党员：先在培训活动中报名或考勤，或直接导入成绩。"))
        elif self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(0, SCORE_COLUMN))

    def _on_edited(self) -> None:
        self.btn_save.setEnabled(self.model.has_pending())
        self.message.setStyleSheet("")
        self.message.setText(self.tr("有未保存的成绩，点“保存”写入。"))

    def _show_error(self, text: str) -> None:
        self.message.setStyleSheet(f"color: {ACCENT};")
        self.message.setText(text)

    def _after_entry(self, _editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        # Enter commits the score; move on to the next member so a list can be typed straight through.
        if hint != QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            return
        current = self.view.currentIndex()
        if current.isValid() and current.row() + 1 < self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(current.row() + 1, current.column()))

    def save(self) -> bool:
        activity_id = self.activity.currentData()
        entries = self.model.pending_entries()
        if activity_id is None or not entries:
            return True
        try:
            with self.ws.write("save-exam-scores", needs=EDITOR) as uow:
                saved = assessments.save_exam_scores(uow.session, uow.actor, activity_id, entries)
        except DangxunError as exc:
            self._show_error(self.tr("未保存：") + exc.message)
            return False
        self.load_scores()
        self.message.setText(self.tr("已保存%1条成绩。").replace("%1", str(saved)))
        self.saved.emit()
        return True

    def _set_importing(self, importing: bool) -> None:
        """While an import runs the grid takes no edits (its end reloads it) and nothing changes its activity."""
        self._importing = importing
        for control in (self.btn_import, self.year, self.classes_only, self.activity):
            control.setEnabled(not importing)
        self.btn_save.setEnabled(not importing and self.model.has_pending())
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers if importing else SCORE_EDIT_TRIGGERS)

    def import_scores(self, path: str | None = None) -> Job | None:
        """Import the chosen activity's scores from a sheet (asks for it unless given) in the background, with 取消.

        Returns the job, or None when nothing was started; its end reloads the grid and says what happened."""
        activity_id = self.activity.currentData()
        if activity_id is None or self._importing:
            return None
        if path is None:
            path, _ = open_file(self, "grades-import", self.tr("导入考试成绩"),
                                                  self.tr("表格 (*.xlsx *.xlsm *.xls *.ods *.csv)"))
            if not path:
                return None
        ws, file = self.ws, path

        def work(progress: ProgressFn, cancel: threading.Event) -> int:
            with ws.write("import-exam-scores", needs=EDITOR, backup="导入考试成绩之前") as uow:
                return assessments.import_exam_scores(uow.session, uow.actor, activity_id, file,
                                                      progress=progress, cancel=cancel)

        def finished(saved: int) -> None:
            self._set_importing(False)
            self.load_scores()
            self.message.setText(self.tr("已导入，%1条成绩有变化。").replace("%1", str(saved)))
            self.saved.emit()

        def failed(error: BaseException) -> None:
            self._set_importing(False)
            self._show_error(import_failure_text(error, "import-exam-scores"))

        self._set_importing(True)
        return run_with_progress(self, self.tr("正在导入考试成绩……"), work, on_finished=finished, on_failed=failed)
