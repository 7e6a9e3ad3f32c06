"""The yearly assessment pages of 考核与统计: 民主评议 (grades grid), 评先评优, 支部考核."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from services.access import EDITOR
from services.assessment import assessments
from services.errors import CancelledError, DangxunError
from services.training.activities import activity_years
from ui.assessment.assessment_table_model import GradeDelegate, GradeTableModel
from ui.assessment.stats_table_model import RowsTableModel
from ui.assessment.stats_widgets import ACCENT, fit_columns, make_table
from ui.widgets.edit_guard import CANCEL, DISCARD, SAVE, ask_unsaved
from ui.widgets.errors import error_text, report_unexpected
from ui.widgets.file_dialogs import open_file
from ui.widgets.jobs import Job, ProgressFn, run_with_progress
from ui.widgets.list_helpers import activate_on_enter
from ui.widgets.typed_text import plain
from ui.widgets.year_picker import YearPicker

GRADE_EDIT_TRIGGERS = (QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.SelectedClicked
                       | QAbstractItemView.EditTrigger.EditKeyPressed)


class GradesPage(QWidget):
    """民主评议 of a year; its year is the year of every assessment page.

    `shown_year` is the year whose grades the grid holds: the one a save writes, whatever the picker says."""

    year_changed = Signal(int)

    def __init__(self, ws: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.read_only = False
        self._importing = False
        self.shown_year: int | None = None
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 4, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("评议年度")))
        self.year = YearPicker()
        self.year.year_changed.connect(self._on_year_picked)
        row.addWidget(self.year)
        self.btn_save = QPushButton(self.tr("保存"))
        self.btn_save.setEnabled(False)
        self.btn_save.clicked.connect(self.save)
        self.btn_import = QPushButton(self.tr("导入…"))
        self.btn_import.clicked.connect(lambda: self.import_grades())
        row.addWidget(self.btn_save)
        row.addWidget(self.btn_import)
        row.addStretch(1)
        v.addLayout(row)
        # How to fill the grid, as the 支部考核 page says it (an empty 评议等次 column gave no clue).
        self.hint = QLabel(self.tr("双击“评议等次”选择：{0}（预备党员不定等次），填完点“保存”；"
                                   "也可“导入…”各支部报来的表格。").format("、".join(assessments.GRADES)))
        self.hint.setWordWrap(True)
        v.addWidget(self.hint)
        self.model = GradeTableModel(self)
        self.model.edited.connect(lambda: self.btn_save.setEnabled(self.model.has_pending() and not self.read_only))
        self.view = make_table()
        self.view.setModel(self.model)
        self.view.setItemDelegate(GradeDelegate(self.view))
        self.view.setEditTriggers(GRADE_EDIT_TRIGGERS)
        v.addWidget(self.view)
        self.message = plain(QLabel())
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {ACCENT};")
        v.addWidget(self.message)

    def has_pending(self) -> bool:
        return self.model.has_pending()

    def assessment_year(self) -> int:
        """The year chosen: the year of every assessment page."""
        return self.year.year() or dt.date.today().year

    def _ask_unsaved(self, text: str, importing: bool) -> str:
        """Grades typed and not saved, before a reload: 保存 writes them (CANCEL if refused: the page says why),
        放弃 and 取消 are the caller's to carry out."""
        if not self.has_pending():
            return DISCARD
        count = len(self.model.pending_entries())
        answer = ask_unsaved(self, self.tr("民主评议"), self.tr("%1年度有%2名党员的评议等次或备注修改后还没有保存。")
                             .replace("%1", str(self.shown_year)).replace("%2", str(count)) + text,
                             importing=importing)
        if answer == SAVE and not self.save():
            return CANCEL
        return answer

    def _drop_pending(self) -> None:
        self.model.discard_pending()
        self.btn_save.setEnabled(False)

    def _on_year_picked(self, year: int | None) -> None:
        """Another year: the grid's unsaved grades are saved (to their own year), dropped, or the year stays."""
        if year is None:
            return
        if year != self.shown_year:
            answer = self._ask_unsaved(self.tr("换到%1年度之前，先保存吗？").replace("%1", str(year)), importing=False)
            if answer == CANCEL:
                blocked = self.year.blockSignals(True)
                self.year.set_year(self.shown_year)
                self.year.blockSignals(blocked)
                return
            if answer == DISCARD:
                self._drop_pending()
        self.year_changed.emit(year)

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        self.hint.setVisible(not read_only)  # a 查阅 account cannot grade: nothing to tell it
        self.btn_import.setEnabled(not read_only)
        self.btn_save.setEnabled(not read_only and self.model.has_pending())
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers if read_only else GRADE_EDIT_TRIGGERS)

    def load(self) -> None:
        year = self.assessment_year()
        with self.ws.read() as session:
            rows = assessments.list_grades(session, year)
            self.year.set_known_years(activity_years(session))  # the years the office has records of
        self.shown_year = year
        self.model.set_rows(rows)
        fit_columns(self.view)
        self.btn_save.setEnabled(False)
        warnings = assessments.excellent_warnings(rows)
        self.message.setText("；".join(warnings) if warnings else (
            "" if rows else self.tr("该年度没有在册党员：先导入花名册。")))

    def save(self) -> bool:
        entries = self.model.pending_entries()
        year = self.shown_year
        if not entries or year is None:
            return True
        try:
            with self.ws.write("save-grades", needs=EDITOR) as uow:
                result = assessments.save_grades(uow.session, uow.actor, year, entries)
        except DangxunError as exc:
            self.message.setText(self.tr("未保存：") + exc.message)
            return False
        self.load()
        message = self.tr("已保存%1年度%2条。").replace("%1", str(year)).replace("%2", str(result.saved))
        self.message.setText(message + ("提醒：" + "；".join(result.warnings) if result.warnings else ""))
        return True

    def _set_importing(self, importing: bool) -> None:
        """While an import runs the grid takes no edits (its end reloads the grid) and nothing starts a second one."""
        self._importing = importing
        self.btn_import.setEnabled(not importing and not self.read_only)
        self.year.setEnabled(not importing)
        self.btn_save.setEnabled(not importing and not self.read_only and self.model.has_pending())
        locked = importing or self.read_only
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers if locked else GRADE_EDIT_TRIGGERS)

    def import_grades(self, path: str | None = None) -> Job | None:
        """Import the year's grades from a sheet (asks for it unless given) in the background, with 取消.

        Returns the job, or None when nothing was started; its end reloads the page and says what happened."""
        if self._importing:
            return None
        # The end of an import reloads the grid: grades typed and not saved are settled first.
        answer = self._ask_unsaved(self.tr("导入后本页将重新读取，这些修改会丢失。"), importing=True)
        if answer == CANCEL:
            return None
        if path is None:
            path, _ = open_file(self, "grades-import", self.tr("导入民主评议等次"),
                                                  self.tr("表格 (*.xlsx *.xlsm *.xls *.ods *.csv)"))
            if not path:
                return None
        if answer == DISCARD:
            self._drop_pending()
        year, ws, file = self.assessment_year(), self.ws, path

        def work(progress: ProgressFn, cancel: threading.Event) -> assessments.SaveResult:
            with ws.write("import-grades", needs=EDITOR, backup=f"导入{year}年度民主评议等次之前") as uow:
                return assessments.import_grades(uow.session, uow.actor, year, file, progress=progress, cancel=cancel)

        def finished(result: assessments.SaveResult) -> None:
            self._set_importing(False)
            self.load()
            self.message.setText(self.tr("已导入，%1条有变化。").replace("%1", str(result.saved))
                                 + ("提醒：" + "；".join(result.warnings) if result.warnings else ""))

        def failed(error: BaseException) -> None:
            self._set_importing(False)
            self.message.setText(import_failure_text(error, "import-grades"))

        self._set_importing(True)
        return run_with_progress(self, self.tr("正在导入民主评议等次……"), work, on_finished=finished, on_failed=failed)


def import_failure_text(error: BaseException, where: str) -> str:
    """What a page says when its import did not go through: cancelled, refused (the service's Chinese
    message), or failed unexpectedly (logged and reported like any uncaught error)."""
    if isinstance(error, CancelledError):
        return QCoreApplication.translate("imports", "已取消，未导入。")
    if not isinstance(error, DangxunError):
        report_unexpected(error, where)
    return QCoreApplication.translate("imports", "未导入：") + error_text(error)


class AwardsPage(QWidget):
    """评先评优 of the assessment year: who is eligible under the chosen rule, and why (worked out in a pool thread)."""

    loaded = Signal()

    def __init__(self, ws: Any, year: Callable[[], int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.year = year
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 4, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("年度同“民主评议”页。等次")))
        self.grades = QComboBox()
        for label, grades in assessments.AWARD_GRADE_CHOICES:
            self.grades.addItem(self.tr(label), grades)
        row.addWidget(self.grades)
        row.addWidget(QLabel(self.tr("出勤")))
        self.attendance = QComboBox()
        for label, share in assessments.AWARD_ATTENDANCE_CHOICES:
            self.attendance.addItem(self.tr(label), share)
        row.addWidget(self.attendance)
        self.btn_load = QPushButton(self.tr("查看"))
        self.btn_load.clicked.connect(self.load)
        row.addWidget(self.btn_load)
        row.addStretch(1)
        v.addLayout(row)
        self.model = RowsTableModel((self.tr("党支部"), self.tr("姓名"), self.tr("是否符合"), self.tr("理由")), self)
        self.view = make_table()
        self.view.setModel(self.model)
        v.addWidget(self.view)
        self.summary = plain(QLabel())
        self.summary.setWordWrap(True)
        v.addWidget(self.summary)

    def load(self) -> None:
        from ui.widgets.jobs import default_runner

        year = self.year()
        rule = assessments.AwardRule(grades=self.grades.currentData(),
                                     min_attendance_share=self.attendance.currentData())
        ws = self.ws
        self.summary.setText(self.tr("正在核对……"))
        self.btn_load.setEnabled(False)

        def work(_progress: Callable[[int, str], None], _cancel: threading.Event) -> list[assessments.Eligibility]:
            with ws.read() as session:
                return assessments.award_eligibility(session, year, rule)

        def finished(result: list[assessments.Eligibility]) -> None:
            self.btn_load.setEnabled(True)
            self.model.set_rows([(e.branch, e.name, self.tr("符合") if e.eligible else self.tr("不符合"),
                                  e.reason_text) for e in result], [e.member_id for e in result])
            fit_columns(self.view, most=16)
            eligible = sum(1 for e in result if e.eligible)
            self.summary.setText(self.tr("%1年度：%2名党员中%3名符合评先评优条件").replace(
                "%1", str(year)).replace("%2", str(len(result))).replace("%3", str(eligible)))
            self.loaded.emit()

        def failed(error: BaseException) -> None:
            self.btn_load.setEnabled(True)
            message = error.message if isinstance(error, DangxunError) else str(error)
            self.summary.setText(self.tr("未能核对：") + message)

        default_runner().submit(work, write=False, on_finished=finished, on_failed=failed, owner=self)


class BranchPage(QWidget):
    """支部考核 and the secretary's 述职评议 of the assessment year; double-click a cell to choose."""

    def __init__(self, ws: Any, year: Callable[[], int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.year = year
        self.read_only = False
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 4, 0, 0)
        hint = QLabel(self.tr("年度同“民主评议”页。双击“考核结果”或“书记述职评议”选择：好、较好、一般、差。"))
        hint.setWordWrap(True)
        v.addWidget(hint)
        self.model = RowsTableModel(
            (self.tr("党支部"), self.tr("考核结果"), self.tr("书记述职评议"), self.tr("备注")), self)
        self.view = make_table()
        self.view.setModel(self.model)
        self.view.doubleClicked.connect(self._on_activated)
        activate_on_enter(self.view)
        v.addWidget(self.view)
        self.message = plain(QLabel())
        self.message.setWordWrap(True)
        v.addWidget(self.message)

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only

    def load(self) -> None:
        with self.ws.read() as session:
            rows = assessments.list_branch_assessments(session, self.year())
        self.model.set_rows([(r.branch, r.grade or "", r.secretary_review or "", r.remarks) for r in rows], rows)
        fit_columns(self.view)

    def set_assessment(self, row: int, grade: str | None, review: str | None) -> bool:
        current = self.model.payload(row)
        if current is None:
            return False
        try:
            with self.ws.write("set-branch-assessment", needs=EDITOR) as uow:
                assessments.set_branch_assessment(uow.session, uow.actor, current.branch_id, self.year(),
                                                  grade, review, current.remarks)
        except DangxunError as exc:
            self.message.setText(self.tr("未保存：") + exc.message)
            return False
        self.load()
        self.message.setText(self.tr("已保存。"))
        return True

    def _on_activated(self, index: QModelIndex) -> None:
        current = self.model.payload(index.row())
        if current is None or index.column() not in (1, 2) or self.read_only:
            return
        label = self.tr("考核结果") if index.column() == 1 else self.tr("书记述职评议")
        choices = ["", *assessments.BRANCH_GRADES]
        old = (current.grade if index.column() == 1 else current.secretary_review) or ""
        value, ok = QInputDialog.getItem(self, current.branch, label, choices, choices.index(old), False)
        if not ok:
            return
        if index.column() == 1:
            self.set_assessment(index.row(), value or None, current.secretary_review)
        else:
            self.set_assessment(index.row(), current.grade, value or None)
