"""考核与统计 tab: the statistics of a period, charts, members below target, 民主评议, ledger and report."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from services.assessment import assessments, ledger
from services.assessment import stats as stats_service
from services.assessment.stats import StatsDetail
from services.errors import CancelledError, DangxunError
from services.printing import report as report_service
from ui.assessment.assessment_table_model import GradeDelegate, GradeTableModel
from ui.assessment.stats_chart import BarChart
from ui.assessment.stats_exams_page import ExamsPage
from ui.assessment.stats_table_model import RowsTableModel
from ui.assessment.stats_targets_page import TargetsPage

ACCENT = "#B71C1C"
YEAR_HEADERS = ("年度", "在册党员", "累计学时", "人均学时", "最少学时", "覆盖率", "未达标人数")
MEMBER_HEADERS = ("姓名", "党支部", "党内职务", "党员类别", "学时", "目标学时")
HOURS_HEADERS = ("日期", "姓名", "活动", "类型", "课次", "出勤", "学时", "说明")
ACTIVITY_HEADERS = ("开始日期", "活动名称", "类型", "主办单位", "状态", "参加人次", "计入学时")


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(qdate: QDate) -> dt.date:
    return dt.date(qdate.year(), qdate.month(), qdate.day())


def _pct(share: float) -> str:
    return f"{share * 100:.2f}".rstrip("0").rstrip(".") + "%"


def _table(parent: QWidget | None = None) -> QTableView:
    view = QTableView(parent)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    # Room for a branch name or a date even when the column's cells are short.
    view.horizontalHeader().setMinimumSectionSize(view.fontMetrics().horizontalAdvance("中") * 5)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    return view


class DrillDownDialog(QDialog):
    """The records behind a figure, as a table; double-clicking a row may open the next level."""

    def __init__(self, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]],
                 payloads: Sequence[Any] | None = None, on_open: Callable[[Any], object] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.model = RowsTableModel(headers, self)
        self.model.set_rows(rows, payloads)
        layout = QVBoxLayout(self)
        head = QLabel(self.tr("%1：共 %2 条").replace("%1", title).replace("%2", str(len(rows))))
        layout.addWidget(head)
        self.view = _table(self)
        self.view.setModel(self.model)
        self.view.resizeColumnsToContents()
        layout.addWidget(self.view)
        if on_open is not None:
            self.view.doubleClicked.connect(lambda index: on_open(self.model.payload(index.row())))
            layout.addWidget(QLabel(self.tr("双击一行查看其学时明细")))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 480)


class StatsTab(QWidget):
    """考核与统计. Constructor (session_factory, actor, parent); `refresh()` recomputes off the GUI thread."""

    stats_finished = Signal(object)  # the StatsDetail of the latest computation
    awards_loaded = Signal()
    counts_changed = Signal(str)

    GRADES_PAGE, AWARDS_PAGE, BRANCH_PAGE, SPENDING_PAGE, EXAMS_PAGE, TARGETS_PAGE = 3, 4, 5, 6, 7, 8
    LAZY_PAGES = frozenset({GRADES_PAGE, AWARDS_PAGE, BRANCH_PAGE, SPENDING_PAGE, EXAMS_PAGE, TARGETS_PAGE})

    def __init__(self, session_factory: Any, actor: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session_factory = session_factory
        self.actor = actor
        self.detail: StatsDetail | None = None
        self.status_text = ""
        self._generation = 0
        self._cancel: threading.Event | None = None
        self._open_dialogs: list[QDialog] = []
        self._read_only = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.setSpacing(6)
        layout.addLayout(self._build_toolbar())
        self.pages = QTabWidget()
        self.pages.addTab(self._build_overview(), self.tr("概况"))
        self.pages.addTab(self._build_years(), self.tr("年度学时"))
        self.pages.addTab(self._build_below(), self.tr("未达标党员"))
        self.pages.addTab(self._build_grades(), self.tr("民主评议"))
        self.pages.addTab(self._build_awards(), self.tr("评先评优"))
        self.pages.addTab(self._build_branch_assessment(), self.tr("支部考核"))
        self.pages.addTab(self._build_spending(), self.tr("经费开支"))
        self.exams_page = ExamsPage(session_factory, actor)
        self.pages.addTab(self.exams_page, self.tr("考试成绩"))
        self.targets_page = TargetsPage(session_factory, actor)
        # New targets change who is below them: recompute the period.
        self.targets_page.saved.connect(lambda _year: self.refresh())
        self.pages.addTab(self.targets_page, self.tr("学时目标"))
        layout.addWidget(self.pages)
        # The assessment pages load when first shown (the roll may hold 20 000 members).
        self._stale_pages = set(self.LAZY_PAGES)
        self.pages.currentChanged.connect(self._on_page_changed)
        if parent is None:  # inside the main window its 刷新 (F5) calls refresh(); two F5s would clash
            QShortcut(QKeySequence("F5"), self, self.refresh)

    # ------------------------------------------------------------ building

    def _build_toolbar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        today = dt.date.today()
        self.date_from = QDateEdit(_qdate(dt.date(today.year - 4, 1, 1)))
        self.date_to = QDateEdit(_qdate(dt.date(today.year, 12, 31)))
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        bar.addWidget(QLabel(self.tr("统计区间")))
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel(self.tr("至")))
        bar.addWidget(self.date_to)
        self.btn_this_year = QPushButton(self.tr("本年"))
        self.btn_this_year.clicked.connect(lambda: self.set_period(dt.date(today.year, 1, 1),
                                                                   dt.date(today.year, 12, 31)))
        self.btn_five_years = QPushButton(self.tr("近五年"))
        self.btn_five_years.clicked.connect(lambda: self.set_period(dt.date(today.year - 4, 1, 1),
                                                                    dt.date(today.year, 12, 31)))
        self.btn_compute = QPushButton(self.tr("统计"))
        self.btn_compute.setToolTip(self.tr("按所选区间重新统计（F5）"))
        self.btn_compute.setStyleSheet(f"QPushButton {{ background: {ACCENT}; color: white; padding: 3px 14px; }}")
        self.btn_compute.clicked.connect(self.refresh)
        for b in (self.btn_this_year, self.btn_five_years, self.btn_compute):
            bar.addWidget(b)
        bar.addStretch(1)
        self.btn_ledger = QPushButton(self.tr("导出台账"))
        self.btn_ledger.setToolTip(self.tr("导出截止日期所在年度的学时台账（Excel）"))
        self.btn_ledger.clicked.connect(lambda: self.export_ledger())
        self.btn_notice = QPushButton(self.tr("未达标提醒"))
        self.btn_notice.setToolTip(self.tr("生成各支部学时未达标提醒（PDF）"))
        self.btn_notice.clicked.connect(lambda: self.export_notice())
        self.btn_report = QPushButton(self.tr("生成报告"))
        self.btn_report.setToolTip(self.tr("生成贯彻落实情况报告（Word），并附数据表（Excel）"))
        self.btn_report.clicked.connect(lambda: self.export_report())
        for b in (self.btn_ledger, self.btn_notice, self.btn_report):
            bar.addWidget(b)
        self.status = QLabel()
        bar.addWidget(self.status)
        return bar

    def _build_overview(self) -> QWidget:
        page = QSplitter(Qt.Orientation.Horizontal)
        self.figures_model = RowsTableModel((self.tr("项目"), self.tr("数值")), self)
        self.figures_view = _table()
        self.figures_view.setModel(self.figures_model)
        self.figures_view.doubleClicked.connect(self._on_figure_activated)
        self.figures_view.setToolTip(self.tr("双击一项，查看其背后的记录"))
        page.addWidget(self.figures_view)
        charts = QWidget()
        box = QVBoxLayout(charts)
        box.setContentsMargins(0, 0, 0, 0)
        self.chart_types = BarChart()
        self.chart_types.bar_activated.connect(self._on_type_bar)
        self.chart_distribution = BarChart()
        self.chart_distribution.bar_activated.connect(self._on_distribution_bar)
        box.addWidget(self.chart_types)
        box.addWidget(self.chart_distribution)
        page.addWidget(charts)
        page.setSizes([360, 520])
        self.empty_label = QLabel(self.tr("选择统计区间后点“统计”；还没有活动时，先在培训活动中登记或导入学时记录。"))
        wrapper = QWidget()
        v = QVBoxLayout(wrapper)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(self.empty_label)
        v.addWidget(page)
        return wrapper

    def _build_years(self) -> QWidget:
        self.years_model = RowsTableModel(YEAR_HEADERS, self)
        self.years_view = _table()
        self.years_view.setModel(self.years_model)
        self.years_view.doubleClicked.connect(self._on_year_activated)
        self.years_view.setToolTip(self.tr("双击一个数字，查看其背后的党员"))
        return self.years_view

    def _build_below(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        v.setContentsMargins(0, 4, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("年度")))
        self.below_year = QComboBox()
        self.below_year.currentIndexChanged.connect(self._fill_below)
        row.addWidget(self.below_year)
        row.addStretch(1)
        v.addLayout(row)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.branch_model = RowsTableModel((self.tr("党支部"), self.tr("在册党员"), self.tr("未达标")), self)
        self.branch_view = _table()
        self.branch_view.setModel(self.branch_model)
        self.branch_view.clicked.connect(lambda _i: self._fill_below_members())
        self.below_model = RowsTableModel(MEMBER_HEADERS, self)
        self.below_view = _table()
        self.below_view.setModel(self.below_model)
        self.below_view.doubleClicked.connect(
            lambda index: self.open_member_hours(self.below_model.payload(index.row())))
        split.addWidget(self.branch_view)
        split.addWidget(self.below_view)
        split.setSizes([300, 560])
        v.addWidget(split)
        return page

    def _build_grades(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        v.setContentsMargins(0, 4, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("评议年度")))
        self.grade_year = QSpinBox()
        self.grade_year.setRange(1990, 2100)
        self.grade_year.setValue(dt.date.today().year)
        self.grade_year.valueChanged.connect(lambda _v: self._year_changed())
        row.addWidget(self.grade_year)
        self.btn_save_grades = QPushButton(self.tr("保存"))
        self.btn_save_grades.setEnabled(False)
        self.btn_save_grades.clicked.connect(self.save_grades)
        self.btn_import_grades = QPushButton(self.tr("导入…"))
        self.btn_import_grades.clicked.connect(lambda: self.import_grades())
        row.addWidget(self.btn_save_grades)
        row.addWidget(self.btn_import_grades)
        row.addStretch(1)
        v.addLayout(row)
        self.grade_model = GradeTableModel(self)
        self.grade_model.edited.connect(lambda: self.btn_save_grades.setEnabled(self.grade_model.has_pending()))
        self.grade_view = _table()
        self.grade_view.setModel(self.grade_model)
        self.grade_view.setItemDelegate(GradeDelegate(self.grade_view))
        self.grade_view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                        | QAbstractItemView.EditTrigger.SelectedClicked
                                        | QAbstractItemView.EditTrigger.EditKeyPressed)
        v.addWidget(self.grade_view)
        self.grade_message = QLabel()
        self.grade_message.setWordWrap(True)
        self.grade_message.setStyleSheet(f"color: {ACCENT};")
        v.addWidget(self.grade_message)
        return page

    def _build_awards(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        v.setContentsMargins(0, 4, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("年度：与“民主评议”页相同。等次要求")))
        self.award_grades = QComboBox()
        self.award_grades.addItem(self.tr("优秀"), ("优秀",))
        self.award_grades.addItem(self.tr("优秀或合格"), ("优秀", "合格"))
        row.addWidget(self.award_grades)
        row.addWidget(QLabel(self.tr("出勤要求")))
        self.award_attendance = QComboBox()
        self.award_attendance.addItem(self.tr("全年无缺席"), None)
        for share in (0.9, 0.8, 0.7):
            self.award_attendance.addItem(self.tr("出勤率不低于%1%").replace("%1", str(int(share * 100))), share)
        row.addWidget(self.award_attendance)
        self.btn_awards = QPushButton(self.tr("查看"))
        self.btn_awards.clicked.connect(self.load_awards)
        row.addWidget(self.btn_awards)
        row.addStretch(1)
        v.addLayout(row)
        self.award_model = RowsTableModel((self.tr("党支部"), self.tr("姓名"), self.tr("是否符合"), self.tr("理由")), self)
        self.award_view = _table()
        self.award_view.setModel(self.award_model)
        v.addWidget(self.award_view)
        self.award_summary = QLabel()
        v.addWidget(self.award_summary)
        return page

    def load_awards(self) -> None:
        """Work out 评先评优 eligibility in a pool thread (it reads the whole year's ledger)."""
        from ui.widgets.jobs import default_runner

        year = self.grade_year.value()
        rule = assessments.AwardRule(grades=self.award_grades.currentData(),
                                     min_attendance_share=self.award_attendance.currentData())
        factory = self.session_factory
        self.award_summary.setText(self.tr("正在核对……"))
        self.btn_awards.setEnabled(False)

        def work(_progress: Callable[[int, str], None], _cancel: threading.Event) -> list[assessments.Eligibility]:
            with factory() as session:
                return assessments.award_eligibility(session, year, rule)

        def finished(result: list[assessments.Eligibility]) -> None:
            self.btn_awards.setEnabled(True)
            self.award_model.set_rows([(e.branch, e.name, self.tr("符合") if e.eligible else self.tr("不符合"),
                                        e.reason_text) for e in result], [e.member_id for e in result])
            self.award_view.resizeColumnsToContents()
            eligible = sum(1 for e in result if e.eligible)
            self.award_summary.setText(self.tr("%1年度：%2名党员中%3名符合评先评优条件").replace(
                "%1", str(year)).replace("%2", str(len(result))).replace("%3", str(eligible)))
            self.awards_loaded.emit()

        def failed(error: BaseException) -> None:
            self.btn_awards.setEnabled(True)
            message = error.message if isinstance(error, DangxunError) else str(error)
            self.award_summary.setText(self.tr("未能核对：") + message)

        default_runner().submit(work, write=False, on_finished=finished, on_failed=failed)

    def _on_page_changed(self, index: int) -> None:
        if index not in self._stale_pages:
            return
        self._stale_pages.discard(index)
        if index == self.GRADES_PAGE:
            self.load_grades()
        elif index == self.AWARDS_PAGE:
            self.load_awards()
        elif index == self.BRANCH_PAGE:
            self.load_branch_assessments()
        elif index == self.SPENDING_PAGE:
            self.load_spending()
        elif index == self.EXAMS_PAGE:
            self.exams_page.year.blockSignals(True)
            self.exams_page.year.setValue(self.grade_year.value())
            self.exams_page.year.blockSignals(False)
            self.exams_page.load_activities()
        elif index == self.TARGETS_PAGE and not self.targets_page.has_pending():
            # (Unsaved target edits survive a recomputation of the statistics.)
            self.targets_page.year.blockSignals(True)
            self.targets_page.year.setValue(self.grade_year.value())
            self.targets_page.year.blockSignals(False)
            self.targets_page.load()

    def _year_changed(self) -> None:
        self._stale_pages = set(self.LAZY_PAGES)
        self._on_page_changed(self.pages.currentIndex())

    def _build_branch_assessment(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        v.setContentsMargins(0, 4, 0, 0)
        v.addWidget(QLabel(self.tr("年度：与“民主评议”页相同。双击“考核结果”或“书记述职评议”选择：好、较好、一般、差。")))
        self.branch_assess_model = RowsTableModel(
            (self.tr("党支部"), self.tr("考核结果"), self.tr("书记述职评议"), self.tr("备注")), self)
        self.branch_assess_view = _table()
        self.branch_assess_view.setModel(self.branch_assess_model)
        self.branch_assess_view.doubleClicked.connect(self._on_branch_assessment_activated)
        v.addWidget(self.branch_assess_view)
        self.branch_assess_message = QLabel()
        v.addWidget(self.branch_assess_message)
        return page

    def load_branch_assessments(self) -> None:
        with self.session_factory() as session:
            rows = assessments.list_branch_assessments(session, self.grade_year.value())
        self.branch_assess_model.set_rows([(r.branch, r.grade or "", r.secretary_review or "", r.remarks)
                                           for r in rows], rows)
        self.branch_assess_view.resizeColumnsToContents()

    def set_branch_assessment(self, row: int, grade: str | None, review: str | None) -> bool:
        current = self.branch_assess_model.payload(row)
        if current is None:
            return False
        try:
            with self.session_factory.begin() as session:
                assessments.set_branch_assessment(session, self.actor, current.branch_id, self.grade_year.value(),
                                                  grade, review, current.remarks)
        except DangxunError as exc:
            self.branch_assess_message.setText(self.tr("未保存：") + exc.message)
            return False
        self.load_branch_assessments()
        self.branch_assess_message.setText(self.tr("已保存。"))
        return True

    def set_read_only(self, read_only: bool) -> None:
        """A 查阅 account: grades, branch assessments and spending are shown, not entered."""
        self._read_only = read_only
        for widget in (self.btn_import_grades, self.btn_add_spending, self.spend_date, self.spend_amount,
                       self.spend_purpose, self.spend_source, self.spend_remarks, self.btn_edit_spending,
                       self.btn_delete_spending, self.exams_page, self.targets_page):
            widget.setEnabled(not read_only)
        if read_only:
            self.btn_save_grades.setEnabled(False)
            self.grade_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

    def _on_branch_assessment_activated(self, index: QModelIndex) -> None:
        from PySide6.QtWidgets import QInputDialog

        current = self.branch_assess_model.payload(index.row())
        if current is None or index.column() not in (1, 2) or self._read_only:
            return
        label = self.tr("考核结果") if index.column() == 1 else self.tr("书记述职评议")
        choices = ["", *assessments.BRANCH_GRADES]
        old = (current.grade if index.column() == 1 else current.secretary_review) or ""
        value, ok = QInputDialog.getItem(self, current.branch, label, choices, choices.index(old), False)
        if not ok:
            return
        if index.column() == 1:
            self.set_branch_assessment(index.row(), value or None, current.secretary_review)
        else:
            self.set_branch_assessment(index.row(), current.grade, value or None)

    def _build_spending(self) -> QWidget:
        from PySide6.QtWidgets import QLineEdit

        from services.assessment.spending import PURPOSES, SOURCES

        page = QWidget()
        v = QVBoxLayout(page)
        v.setContentsMargins(0, 4, 0, 0)
        form = QHBoxLayout()
        self.spend_date = QDateEdit(_qdate(dt.date.today()))
        self.spend_date.setCalendarPopup(True)
        self.spend_date.setDisplayFormat("yyyy-MM-dd")
        self.spend_amount = QLineEdit()
        self.spend_amount.setPlaceholderText(self.tr("金额（元）"))
        self.spend_purpose = QComboBox()
        self.spend_purpose.addItems(list(PURPOSES))
        self.spend_source = QComboBox()
        self.spend_source.addItems(list(SOURCES))
        self.spend_remarks = QLineEdit()
        self.spend_remarks.setPlaceholderText(self.tr("备注"))
        self.btn_add_spending = QPushButton(self.tr("登记"))
        self.btn_add_spending.clicked.connect(lambda: self.add_spending())
        self.btn_cancel_edit = QPushButton(self.tr("取消修改"))
        self.btn_cancel_edit.setVisible(False)
        self.btn_cancel_edit.clicked.connect(lambda: self.cancel_spending_edit())
        self._editing_spending: int | None = None
        for label, widget in ((self.tr("日期"), self.spend_date), (self.tr("金额"), self.spend_amount),
                              (self.tr("用途"), self.spend_purpose), (self.tr("来源"), self.spend_source)):
            form.addWidget(QLabel(label))
            form.addWidget(widget)
        form.addWidget(self.spend_remarks, 1)
        form.addWidget(self.btn_add_spending)
        form.addWidget(self.btn_cancel_edit)
        v.addLayout(form)
        self.spending_model = RowsTableModel((self.tr("日期"), self.tr("金额（元）"), self.tr("用途"), self.tr("来源"),
                                              self.tr("备注")), self)
        self.spending_view = _table()
        self.spending_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.spending_view.setModel(self.spending_model)
        self.spending_view.doubleClicked.connect(lambda index: self.edit_spending(index.row()))
        self.spending_view.setToolTip(self.tr("双击一笔开支修改"))
        self.spending_view.selectionModel().selectionChanged.connect(lambda *_a: self._spending_selection())
        v.addWidget(self.spending_view)
        actions = QHBoxLayout()
        self.btn_edit_spending = QPushButton(self.tr("修改所选"))
        self.btn_edit_spending.clicked.connect(lambda: self.edit_spending(self._selected_spending_row()))
        self.btn_delete_spending = QPushButton(self.tr("删除所选"))
        self.btn_delete_spending.clicked.connect(lambda: self.delete_spending(self._selected_spending_row()))
        for b in (self.btn_edit_spending, self.btn_delete_spending):
            b.setEnabled(False)
            actions.addWidget(b)
        actions.addStretch(1)
        v.addLayout(actions)
        shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.spending_view)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(lambda: self.delete_spending(self._selected_spending_row()))
        self.spending_message = QLabel()
        self.spending_message.setWordWrap(True)
        v.addWidget(self.spending_message)
        return page

    def load_spending(self) -> None:
        from services.assessment import spending

        date_from, date_to = self.period()
        with self.session_factory() as session:
            rows = spending.list_spending(session, date_from, date_to)
            totals = spending.spending_totals(session, date_from, date_to)
        self.spending_model.set_rows([(r.date.isoformat(), f"{r.amount:.2f}", r.purpose, r.source, r.remarks)
                                      for r in rows], rows)
        self._spending_selection()
        self.spending_view.resizeColumnsToContents()
        parts = [f"{year}年 " + "，".join(f"{p}{a:g}元" for p, a in per.items()) for year, per in totals.by_year.items()]
        self.spending_message.setText(
            self.tr("区间内合计 %1 元。").replace("%1", f"{totals.total:g}") + ("；".join(parts) if parts else
                                                                        self.tr("还没有登记开支：在上方填写后点“登记”。")))

    def add_spending(self) -> bool:
        """登记 a new entry, or, while an entry is being edited, save the corrections to it."""
        from services.assessment import spending

        editing = self._editing_spending
        values = (_pydate(self.spend_date.date()), self.spend_amount.text(), self.spend_purpose.currentText(),
                  self.spend_source.currentText(), self.spend_remarks.text())
        try:
            with self.session_factory.begin() as session:
                if editing is None:
                    spending.add_spending(session, self.actor, *values)
                else:
                    spending.update_spending(session, self.actor, editing, *values)
        except DangxunError as exc:
            self.spending_message.setText((self.tr("未登记：") if editing is None else self.tr("未修改：")) + exc.message)
            return False
        self.cancel_spending_edit()
        self.load_spending()
        if editing is not None:
            self.spending_message.setText(self.tr("已修改。") + self.spending_message.text())
        return True

    def _selected_spending_row(self) -> int:
        rows = self.spending_view.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def _spending_selection(self) -> None:
        selected = self._selected_spending_row() >= 0
        self.btn_edit_spending.setEnabled(selected)
        self.btn_delete_spending.setEnabled(selected)

    def edit_spending(self, row: int) -> bool:
        """Put the entry of `row` into the form above; “保存修改” then writes the corrections."""
        from services.assessment.spending import SpendingRow

        entry = self.spending_model.payload(row) if row >= 0 else None
        if not isinstance(entry, SpendingRow):
            return False
        self._editing_spending = entry.id
        self.spend_date.setDate(_qdate(entry.date))
        self.spend_amount.setText(f"{entry.amount:.2f}")
        self.spend_purpose.setCurrentText(entry.purpose)
        self.spend_source.setCurrentText(entry.source)
        self.spend_remarks.setText(entry.remarks)
        self.btn_add_spending.setText(self.tr("保存修改"))
        self.btn_cancel_edit.setVisible(True)
        self.spending_message.setText(self.tr("正在修改 %1 的一笔开支：改好后点“保存修改”。").replace(
            "%1", entry.date.isoformat()))
        self.spend_amount.setFocus()
        return True

    def cancel_spending_edit(self) -> None:
        self._editing_spending = None
        self.spend_amount.clear()
        self.spend_remarks.clear()
        self.btn_add_spending.setText(self.tr("登记"))
        self.btn_cancel_edit.setVisible(False)

    def delete_spending(self, row: int, confirm: bool = True) -> bool:
        from services.assessment import spending

        entry = self.spending_model.payload(row) if row >= 0 else None
        if not isinstance(entry, spending.SpendingRow):
            return False
        if confirm:
            answer = QMessageBox.question(
                self, self.tr("删除经费开支"),
                self.tr("删除 %1 %2 %3 元（%4）这笔开支？删除记入操作日志。").replace("%1", entry.date.isoformat())
                .replace("%2", entry.purpose).replace("%3", f"{entry.amount:.2f}").replace("%4", entry.source),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return False
        try:
            with self.session_factory.begin() as session:
                spending.delete_spending(session, self.actor, entry.id)
        except DangxunError as exc:
            self.spending_message.setText(self.tr("未删除：") + exc.message)
            return False
        if self._editing_spending == entry.id:
            self.cancel_spending_edit()
        self.load_spending()
        self.spending_message.setText(self.tr("已删除。") + self.spending_message.text())
        return True

    # ------------------------------------------------------------ computing

    def period(self) -> tuple[dt.date, dt.date]:
        return _pydate(self.date_from.date()), _pydate(self.date_to.date())

    def set_period(self, date_from: dt.date, date_to: dt.date, compute: bool = True) -> None:
        self.date_from.setDate(_qdate(date_from))
        self.date_to.setDate(_qdate(date_to))
        if compute:
            self.refresh()

    def refresh(self) -> None:
        """Recompute the statistics of the period in a pool thread; the window stays responsive."""
        from ui.widgets.jobs import default_runner

        date_from, date_to = self.period()
        if date_from > date_to:
            self.status.setText(self.tr("开始日期晚于结束日期"))
            return
        if self._cancel is not None:
            self._cancel.set()  # an older computation is no longer wanted
        self._generation += 1
        generation = self._generation
        cancel = threading.Event()
        self._cancel = cancel
        self.status.setText(self.tr("正在统计……"))
        factory = self.session_factory

        def work(progress: Callable[[int, str], None], _cancel: threading.Event) -> StatsDetail:
            with factory() as session:
                return stats_service.compute_stats_detail(session, date_from, date_to, progress=progress,
                                                          cancel=cancel, parallel=True)

        # The grid follows the year the period ends in.
        self.grade_year.blockSignals(True)
        self.grade_year.setValue(date_to.year)
        self.grade_year.blockSignals(False)
        default_runner().submit(
            work, write=False, cancel=cancel,
            on_progress=lambda p, text: self._on_progress(generation, p, text),
            on_finished=lambda result: self._on_finished(generation, result),
            on_failed=lambda error: self._on_failed(generation, error),
        )
        self._year_changed()

    def _on_progress(self, generation: int, percent: int, text: str) -> None:
        if generation == self._generation:
            self.status.setText(f"{text}（{percent}%）")

    def _on_failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation or isinstance(error, CancelledError):
            return
        message = error.message if isinstance(error, DangxunError) else str(error)
        self.status.setText(self.tr("统计失败：") + message)

    def _on_finished(self, generation: int, detail: StatsDetail) -> None:
        if generation != self._generation:
            return
        self.detail = detail
        self._cancel = None
        self.show_detail(detail)
        self.stats_finished.emit(detail)

    def show_detail(self, detail: StatsDetail) -> None:
        f = detail.figures
        rows: list[tuple[str, Any]] = [
            (self.tr("现有党员（名）"), f["members"]),
            (self.tr("党支部（个）"), f["branches"]),
        ]
        payloads: list[Any] = [("members_at_to",), ("branches",)]
        for name, n in f["activities"].items():
            rows.append((self.tr("%1（次 / 人次）").replace("%1", name), f"{n} / {f['person_times'].get(name, 0)}"))
            payloads.append(("activities", name))
        rows += [
            (self.tr("活动累计学时"), f["total_hours"]),
            (self.tr("党员年均培训学时"), f["avg_hours_per_member_year"]),
            (self.tr("参训覆盖率"), _pct(f["coverage"])),
        ]
        payloads += [("activities", None), ("years",), ("not_covered",)]
        self.figures_model.set_rows(rows, payloads)
        self.figures_view.resizeColumnsToContents()
        self.empty_label.setVisible(not f["activities"])

        self.chart_types.set_data(self.tr("各类活动参加人次"),
                                  [(name, float(n)) for name, n in f["person_times"].items()], self.tr("人次"))
        last_year = max(detail.years) if detail.years else None
        if last_year is not None:
            self.chart_distribution.set_data(self.tr("%1年党员学时分布（人）").replace("%1", str(last_year)),
                                             [(k, float(v)) for k, v in
                                              stats_service.hours_distribution(detail, last_year)])
        year_rows = [(int(y), v["members"], v["total_hours"], v["avg_hours"], v["min_hours"], _pct(v["coverage"]),
                      v["below_target"]) for y, v in f["years"].items()]
        self.years_model.set_rows(year_rows, [int(y) for y in f["years"]])
        self.years_view.resizeColumnsToContents()
        self.below_year.blockSignals(True)
        self.below_year.clear()
        for y in reversed(list(f["years"])):
            self.below_year.addItem(y, int(y))
        self.below_year.blockSignals(False)
        self._fill_below()
        members, hours = f["members"], f["avg_hours_per_member_year"]
        self.status_text = self.tr("%1 至 %2：党员 %3 名，年均 %4 学时").replace("%1", f["from"]).replace(
            "%2", f["to"]).replace("%3", str(members)).replace("%4", f"{hours:g}")
        self.status.setText(self.status_text)
        self.counts_changed.emit(self.status_text)

    # ------------------------------------------------------------ below target

    def _fill_below(self) -> None:
        detail = self.detail
        year = self.below_year.currentData()
        if detail is None or year is None or year not in detail.years:
            self.branch_model.set_rows([])
            self.below_model.set_rows([])
            return
        rows = stats_service.below_by_branch(detail, year)
        ids = {name: b for b, name in detail.branch_names.items()}
        self.branch_model.set_rows(rows, [ids[name] for name, _n, _b in rows])
        self.branch_view.resizeColumnsToContents()
        self._fill_below_members()

    def _fill_below_members(self) -> None:
        detail = self.detail
        year = self.below_year.currentData()
        if detail is None or year is None:
            return
        selected = self.branch_view.selectionModel().selectedRows() if self.branch_view.selectionModel() else []
        branch_id = self.branch_model.payload(selected[0].row()) if selected else None
        ids = [i for i in detail.years[year].below_ids
               if branch_id is None or detail.members[i].branch_id == branch_id]
        figures = stats_service.member_figures(detail, ids, year)
        self.below_model.set_rows([(m.name, m.branch, m.party_post, m.membership, m.hours, m.target)
                                   for m in figures], [(m.id, year) for m in figures])
        self.below_view.resizeColumnsToContents()

    # ------------------------------------------------------------ drill-down

    def _show(self, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]],
              payloads: Sequence[Any] | None = None, on_open: Callable[[Any], object] | None = None) -> DrillDownDialog:
        dialog = DrillDownDialog(title, headers, rows, payloads, on_open, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._open_dialogs = [d for d in self._open_dialogs if d.isVisible()] + [dialog]
        dialog.show()
        return dialog

    def _member_dialog(self, title: str, ids: list[int], year: int | None = None) -> DrillDownDialog | None:
        if self.detail is None:
            return None
        figures = stats_service.member_figures(self.detail, ids, year)
        rows = [(m.name, m.branch, m.party_post, m.membership, m.hours, m.target) for m in figures]
        opener = self.open_member_hours if year is not None else None
        return self._show(title, MEMBER_HEADERS, rows, [(m.id, year) for m in figures], opener)

    def _activity_dialog(self, title: str, ids: list[int]) -> DrillDownDialog | None:
        if self.detail is None:
            return None
        with self.session_factory() as session:
            briefs = stats_service.activity_briefs(session, self.detail, ids)
        rows = [(a.start_date.isoformat(), a.title, a.type, a.organiser, a.status, a.person_times, a.hours)
                for a in briefs]
        return self._show(title, ACTIVITY_HEADERS, rows, [a.id for a in briefs], self.open_activity_hours)

    def open_figure(self, row: int) -> DrillDownDialog | None:
        """Open the records behind the figure in row `row` of the overview."""
        detail = self.detail
        payload = self.figures_model.payload(row)
        if detail is None or payload is None:
            return None
        kind = payload[0]
        if kind == "members_at_to":
            return self._member_dialog(self.tr("现有党员"), detail.member_ids_at_to)
        if kind == "branches":
            counts: dict[int, int] = {}
            for mid in detail.member_ids_at_to:
                b = detail.members[mid].branch_id
                counts[b] = counts.get(b, 0) + 1
            rows = [(detail.branch_names.get(b, ""), counts[b]) for b in detail.branch_ids]
            return self._show(self.tr("党支部"), (self.tr("党支部"), self.tr("现有党员")), rows)
        if kind == "activities":
            name = payload[1]
            ids = (detail.activity_ids_by_type.get(name, []) if name
                   else sorted(i for ids in detail.activity_ids_by_type.values() for i in ids))
            return self._activity_dialog(name or self.tr("区间内全部活动"), ids)
        if kind == "years":
            self.pages.setCurrentIndex(1)
            return None
        if kind == "not_covered":
            covered = set(detail.covered_ids_at_to)
            return self._member_dialog(self.tr("区间内没有学时的现有党员"),
                                       [i for i in detail.member_ids_at_to if i not in covered])
        return None

    def open_year_cell(self, row: int, column: int) -> DrillDownDialog | None:
        detail = self.detail
        year = self.years_model.payload(row)
        if detail is None or year is None:
            return None
        y = detail.years[year]
        if column == 6:
            return self._member_dialog(self.tr("%1年未达到学时目标的党员").replace("%1", str(year)), y.below_ids, year)
        if column == 5:
            return self._member_dialog(self.tr("%1年没有学时的党员").replace("%1", str(year)),
                                       [i for i in y.member_ids if y.hours.get(i, 0.0) <= 0], year)
        ids = sorted(y.member_ids, key=lambda i: y.hours.get(i, 0.0)) if column == 4 else y.member_ids
        return self._member_dialog(self.tr("%1年在册党员及学时").replace("%1", str(year)), ids, year)

    def open_member_hours(self, payload: Any) -> DrillDownDialog | None:
        if not payload:
            return None
        member_id, year = payload
        with self.session_factory() as session:
            rows = ledger.hours_detail(session, year=year, member_id=member_id)
        name = self.detail.members[member_id].name if self.detail and member_id in self.detail.members else ""
        return self._show(self.tr("%1 %2年学时明细").replace("%1", name).replace("%2", str(year)), HOURS_HEADERS,
                          [(r.date.isoformat(), r.member, r.activity, r.type, r.session, r.status, r.hours, r.note)
                           for r in rows])

    def open_activity_hours(self, activity_id: Any) -> DrillDownDialog | None:
        if activity_id is None:
            return None
        with self.session_factory() as session:
            rows = ledger.hours_detail(session, activity_ids=[activity_id])
        title = rows[0].activity if rows else self.tr("活动")
        return self._show(self.tr("%1 考勤与学时").replace("%1", title), HOURS_HEADERS,
                          [(r.date.isoformat(), r.member, r.activity, r.type, r.session, r.status, r.hours, r.note)
                           for r in rows])

    def _on_figure_activated(self, index: QModelIndex) -> None:
        self.open_figure(index.row())

    def _on_year_activated(self, index: QModelIndex) -> None:
        self.open_year_cell(index.row(), index.column())

    def _on_type_bar(self, n: int) -> None:
        if self.detail is not None and 0 <= n < len(self.detail.activity_ids_by_type):
            name = list(self.detail.activity_ids_by_type)[n]
            self._activity_dialog(name, self.detail.activity_ids_by_type[name])

    def _on_distribution_bar(self, n: int) -> None:
        detail = self.detail
        if detail is None or not detail.years:
            return
        year = max(detail.years)
        labels = [label for label, _c in stats_service.hours_distribution(detail, year)]
        bounds = [(-1e18, 0.0), (0.0, 16.0), (16.0, 32.0), (32.0, 56.0), (56.0, 80.0), (80.0, 1e18)]
        if not 0 <= n < len(bounds):
            return
        lo, hi = bounds[n]
        y = detail.years[year]
        ids = [i for i in y.member_ids
               if (round(y.hours.get(i, 0.0), 2) <= 0) == (n == 0) and (n == 0 or lo <= round(y.hours[i], 2) < hi)]
        self._member_dialog(self.tr("%1年学时%2的党员").replace("%1", str(year)).replace("%2", labels[n]), ids, year)

    # ------------------------------------------------------------ grades

    def load_grades(self) -> None:
        year = self.grade_year.value()
        with self.session_factory() as session:
            rows = assessments.list_grades(session, year)
        self.grade_model.set_rows(rows)
        self.grade_view.resizeColumnsToContents()
        self.btn_save_grades.setEnabled(False)
        warnings = assessments.excellent_warnings(rows)
        self.grade_message.setText("；".join(warnings) if warnings else (
            "" if rows else self.tr("该年度没有在册党员：先导入花名册。")))

    def save_grades(self) -> bool:
        entries = self.grade_model.pending_entries()
        if not entries:
            return True
        year = self.grade_year.value()
        try:
            with self.session_factory.begin() as session:
                result = assessments.save_grades(session, self.actor, year, entries)
        except DangxunError as exc:
            self.grade_message.setText(self.tr("未保存：") + exc.message)
            return False
        self.load_grades()
        self._stale_pages.add(self.AWARDS_PAGE)
        message = self.tr("已保存%1条。").replace("%1", str(result.saved))
        self.grade_message.setText(message + ("提醒：" + "；".join(result.warnings) if result.warnings else ""))
        return True

    def import_grades(self, path: str | None = None) -> bool:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("导入民主评议等次"), "",
                                                  self.tr("表格 (*.xlsx *.xlsm *.xls *.ods *.csv)"))
            if not path:
                return False
        year = self.grade_year.value()
        try:
            with self.session_factory.begin() as session:
                result = assessments.import_grades(session, self.actor, year, path)
        except DangxunError as exc:
            self.grade_message.setText(self.tr("未导入：") + exc.message)
            return False
        self.load_grades()
        self.grade_message.setText(self.tr("已导入，%1条有变化。").replace("%1", str(result.saved))
                                   + ("提醒：" + "；".join(result.warnings) if result.warnings else ""))
        return True

    # ------------------------------------------------------------ exports

    def _ask_path(self, title: str, default: str, pattern: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self, title, default, pattern)
        return path

    def _run_export(self, title: str, fn: Callable[[Any], Path], done: Callable[[Path], str]) -> None:
        from ui.widgets.jobs import run_with_progress

        factory = self.session_factory

        def work(_progress: Callable[[int, str], None], _cancel: threading.Event) -> Path:
            with factory() as session:
                return fn(session)

        def finished(path: Path) -> None:
            self.status.setText(done(path))

        def failed(error: BaseException) -> None:
            message = error.message if isinstance(error, DangxunError) else str(error)
            QMessageBox.warning(self, title, self.tr("未能完成：") + message)

        run_with_progress(self, title, work, on_finished=finished, on_failed=failed, write=False)

    def export_ledger(self, path: str | None = None) -> None:
        year = self.period()[1].year
        path = path or self._ask_path(self.tr("导出学时台账"), f"{year}年度学时台账.xlsx", "Excel (*.xlsx)")
        if not path:
            return
        target = Path(path)
        self._run_export(self.tr("导出学时台账"), lambda s: ledger.write_ledger_xlsx(s, year, target),
                         lambda p: self.tr("已导出台账：") + str(p))

    def export_notice(self, path: str | None = None) -> None:
        year = self.period()[1].year
        path = path or self._ask_path(self.tr("生成未达标提醒"), f"{year}年度学时提醒.pdf", "PDF (*.pdf)")
        if not path:
            return
        target = Path(path)
        self._run_export(self.tr("生成未达标提醒"),
                         lambda s: ledger.write_shortfall_notice(target, year, ledger.shortfalls(s, year)),
                         lambda p: self.tr("已生成提醒：") + str(p))

    def export_report(self, path: str | None = None) -> None:
        date_from, date_to = self.period()
        path = path or self._ask_path(self.tr("生成报告"), "贯彻落实情况报告.docx", "Word (*.docx)")
        if not path:
            return
        target = Path(path)

        def write(session: Any) -> Path:
            content = report_service.build_report(session, date_from, date_to)
            report_service.write_report_docx(content, target)
            report_service.write_report_xlsx(content, target.with_suffix(".xlsx"))
            return target

        self._run_export(self.tr("生成报告"), write,
                         lambda p: self.tr("已生成报告：%1（数据表：%2）").replace("%1", str(p)).replace(
                             "%2", str(p.with_suffix(".xlsx"))))
