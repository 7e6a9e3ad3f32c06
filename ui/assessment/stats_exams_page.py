"""考试成绩 page of the 考核与统计 tab: choose a class, type the scores of its members, or import them."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
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
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from services.access import EDITOR
from services.assessment import assessments
from services.errors import DangxunError
from services.training.activities import activity_years
from ui.assessment.stats_exam_table_model import SCORE_COLUMN, ExamScoreTableModel
from ui.assessment.stats_grades_pages import import_failure_text
from ui.widgets.edit_guard import CANCEL, DISCARD, SAVE, ask_unsaved
from ui.widgets.file_dialogs import open_file
from ui.widgets.jobs import Job, ProgressFn, run_with_progress
from ui.widgets.typed_text import plain
from ui.widgets.year_picker import YearPicker

ACCENT = "#B71C1C"
SCORE_EDIT_TRIGGERS = (QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                       | QAbstractItemView.EditTrigger.AnyKeyPressed)


class ExamsPage(QWidget):
    """Scores per activity; typing a digit on a score cell starts entry, Enter moves to the next member.

    `shown_activity` is the activity whose scores the grid holds: the one a save writes, whatever the combo says."""

    saved = Signal()

    def __init__(self, ws: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self._importing = False
        self.shown_activity: int | None = None
        self._titles: dict[int, str] = {}  # the activities listed, by id: their titles as typed
        self._shown_year: int | None = None
        self._shown_classes_only = True

        v = QVBoxLayout(self)
        v.setContentsMargins(0, 4, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("年度")))
        self.year = YearPicker()
        self.year.year_changed.connect(lambda y: self._on_list_changed(self.tr("换到%1年之前，先保存吗？")
                                                                       .replace("%1", str(y))))
        row.addWidget(self.year)
        self.classes_only = QCheckBox(self.tr("只列培训班"))
        self.classes_only.setChecked(True)
        self.classes_only.toggled.connect(lambda _c: self._on_list_changed(self.tr("重新列出活动之前，先保存吗？")))
        row.addWidget(self.classes_only)
        row.addWidget(QLabel(self.tr("活动")))
        self.activity = QComboBox()
        self.activity.setMinimumContentsLength(24)
        self.activity.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.activity.currentIndexChanged.connect(lambda _i: self._on_activity_picked())
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

    def exam_year(self) -> int:
        return self.year.year() or dt.date.today().year

    # ------------------------------------------------------------ unsaved scores

    def _ask_unsaved(self, text: str, importing: bool) -> str:
        """Scores typed and not saved, before a reload: 保存 writes them to their activity (CANCEL if refused:
        the page says why), 放弃 and 取消 are the caller's to carry out."""
        if not self.has_pending():
            return DISCARD
        count = len(self.model.pending_entries())
        answer = ask_unsaved(self, self.tr("考试成绩"), self.tr("“%1”有%2名党员的成绩修改后还没有保存。")
                             .replace("%2", str(count)).replace("%1", self._titles.get(self.shown_activity or 0, "")) + text,
                             importing=importing)
        if answer == SAVE and not self.save():
            return CANCEL
        return answer

    def _reload(self, answer: str, load: Callable[[], None]) -> None:
        """`load()` after the question; “已保存…” said again after it when the scores were saved on the way."""
        saved = self.message.text() if answer == SAVE else ""
        load()
        if saved:
            self.message.setText(saved + self.message.text())

    def _restore_list(self) -> None:
        """取消: the year, the checkbox and the activity as they were, without reloading."""
        for widget in (self.year, self.classes_only, self.activity):
            widget.blockSignals(True)
        if self._shown_year is not None:
            self.year.set_year(self._shown_year)
        self.classes_only.setChecked(self._shown_classes_only)
        self.activity.setCurrentIndex(self.activity.findData(self.shown_activity))
        for widget in (self.year, self.classes_only, self.activity):
            widget.blockSignals(False)

    def _on_list_changed(self, question: str) -> None:
        """Another year, or 只列培训班: the list of activities is read again (and with it the grid)."""
        answer = self._ask_unsaved(question, importing=False)
        if answer == CANCEL:
            self._restore_list()
            return
        self._reload(answer, self.load_activities)

    def _on_activity_picked(self) -> None:
        if self.activity.currentData() == self.shown_activity:
            return
        answer = self._ask_unsaved(self.tr("换到另一个活动之前，先保存吗？"), importing=False)
        if answer == CANCEL:
            self._restore_list()
            return
        self._reload(answer, self.load_scores)

    # ------------------------------------------------------------ data

    def load_activities(self) -> None:
        current = self.activity.currentData()
        year = self.exam_year()
        with self.ws.read() as session:
            items = assessments.exam_activities(session, year, self.classes_only.isChecked())
            self.year.set_known_years(activity_years(session))  # the years the office has records of
        self._shown_year, self._shown_classes_only = year, self.classes_only.isChecked()
        self._titles = {a.id: a.title for a in items}
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
            self.message.setText(self.tr("%1年没有可录入成绩的活动。").replace("%1", str(year))
                                 + (self.tr("可取消“只列培训班”查看全部活动。") if self.classes_only.isChecked() else ""))

    def select_activity(self, activity_id: int) -> bool:
        index = self.activity.findData(activity_id)
        if index < 0:
            return False
        self.activity.setCurrentIndex(index)
        return self.shown_activity == activity_id  # False: 取消 kept the scores typed for another

    def load_scores(self) -> None:
        activity_id = self.activity.currentData()
        self.shown_activity = activity_id
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
        activity_id = self.shown_activity
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
        if self.activity.currentData() is None or self._importing:
            return None
        # The end of an import reloads the grid: scores typed and not saved are settled first.
        answer = self._ask_unsaved(self.tr("导入后本页将重新读取，这些修改会丢失。"), importing=True)
        if answer == CANCEL:
            return None
        activity_id = self.activity.currentData()
        if path is None:
            path, _ = open_file(self, "grades-import", self.tr("导入考试成绩"),
                                                  self.tr("表格 (*.xlsx *.xlsm *.xls *.ods *.csv)"))
            if not path:
                return None
        if answer == DISCARD and self.has_pending():
            self.model.discard_pending()
            self.btn_save.setEnabled(False)
            self.message.clear()
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
