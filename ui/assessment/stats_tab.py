"""考核与统计 tab (the view): toolbar, a message line, and the named pages; the presenter holds the state."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from services.access import EDITOR
from services.assessment.stats import StatsDetail
from services.errors import CancelledError, DangxunError
from ui.assessment.stats_audience_page import AudiencePage, RulesPage
from ui.assessment.stats_exams_page import ExamsPage
from ui.assessment.stats_grades_pages import AwardsPage, BranchPage, GradesPage
from ui.assessment.stats_period_pages import BelowPage, OverviewPage, YearsPage
from ui.assessment.stats_presenter import (
    LAZY_PAGES,
    PAGE_KINDS,
    STATS_KINDS,
    DrillDown,
    Page,
    StatsPresenter,
)
from ui.assessment.stats_spending_page import SpendingPage
from ui.assessment.stats_targets_page import TargetsPage
from ui.assessment.stats_widgets import ACCENT, DrillDownDialog, MessageLine, pydate, qdate
from ui.widgets import typed_text
from ui.widgets.file_dialogs import save_file
from ui.widgets.icons import icon
from ui.widgets.live import follow

# The pages whose year is the assessment year (the 民主评议 page's).
YEAR_PAGES = frozenset({Page.GRADES, Page.AWARDS, Page.BRANCH, Page.EXAMS, Page.TARGETS})


class StatsTab(QWidget):
    """考核与统计 over a workspace. `refresh()` (F5) recomputes off the GUI thread; writes anywhere refresh it."""

    stats_finished = Signal(object)  # the StatsDetail of the latest computation
    awards_loaded = Signal()
    counts_changed = Signal(str)

    def __init__(self, ws: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.presenter = StatsPresenter(ws)
        self.status_text = ""
        self._open_dialogs: list[QDialog] = []
        self._read_only = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.setSpacing(4)
        layout.addLayout(self._build_toolbar())
        # Results and progress on a line of their own: the toolbar above never moves.
        self.status = MessageLine()
        layout.addWidget(self.status)

        opener = self._open
        self.overview_page = OverviewPage(self.presenter, opener)
        self.years_page = YearsPage(self.presenter, opener)
        self.below_page = BelowPage(self.presenter, opener)
        self.grades_page = GradesPage(ws)
        self.grades_page.year_changed.connect(lambda _y: self._year_changed())
        year = self.grades_page.assessment_year
        self.awards_page = AwardsPage(ws, year)
        self.awards_page.loaded.connect(self.awards_loaded.emit)
        self.branch_page = BranchPage(ws, year)
        self.spending_page = SpendingPage(ws, self.period)
        self.exams_page = ExamsPage(ws)
        self.targets_page = TargetsPage(ws)
        self.audience_page = AudiencePage(ws, self.period)
        self.rules_page = RulesPage(ws, self.period)
        self.page_widgets: dict[Page, QWidget] = {
            Page.OVERVIEW: self.overview_page, Page.YEARS: self.years_page, Page.BELOW: self.below_page,
            Page.GRADES: self.grades_page, Page.AWARDS: self.awards_page, Page.BRANCH: self.branch_page,
            Page.SPENDING: self.spending_page, Page.EXAMS: self.exams_page, Page.TARGETS: self.targets_page,
            Page.AUDIENCE: self.audience_page, Page.RULES: self.rules_page,
        }
        self.pages = QTabWidget()
        for page in Page:
            self.pages.addTab(self.page_widgets[page], self.tr(page.value))
        layout.addWidget(self.pages, 1)

        # The assessment pages read when first shown (the roll may hold 20 000 members).
        self._stale_pages: set[Page] = set(LAZY_PAGES)
        self.pages.currentChanged.connect(lambda index: self._load_page(self.page_at(index)))
        # Live: a write anywhere (this tab included) that touches what a part shows refreshes that part.
        follow(ws, self, STATS_KINDS, self.recompute)
        for page, kinds in PAGE_KINDS.items():
            follow(ws, self, kinds, self._invalidator(page))
        self.set_read_only(not ws.can(EDITOR))
        if parent is None:  # inside the main window its 刷新 (F5) calls refresh(); two F5s would clash
            QShortcut(QKeySequence("F5"), self, self.refresh)

    # Names the main window and older callers know.
    @property
    def detail(self) -> StatsDetail | None:
        return self.presenter.detail

    @property
    def btn_add_spending(self) -> QPushButton:
        return self.spending_page.btn_add

    @property
    def btn_delete_spending(self) -> QPushButton:
        return self.spending_page.btn_delete

    @property
    def btn_import_grades(self) -> QPushButton:
        return self.grades_page.btn_import

    # ------------------------------------------------------------ building

    def _build_toolbar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        today = dt.date.today()
        self.date_from = QDateEdit(qdate(dt.date(today.year - 4, 1, 1)))
        self.date_to = QDateEdit(qdate(dt.date(today.year, 12, 31)))
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
        self.btn_ledger = QPushButton(icon("export", self.palette()), self.tr("导出台账"))
        self.btn_ledger.setToolTip(self.tr("导出截止日期所在年度的学时台账（Excel）"))
        self.btn_ledger.clicked.connect(lambda: self.export_ledger())
        self.btn_notice = QPushButton(icon("print", self.palette()), self.tr("未达标提醒"))
        self.btn_notice.setToolTip(self.tr("生成各支部学时未达标提醒（PDF）"))
        self.btn_notice.clicked.connect(lambda: self.export_notice())
        self.btn_report = QPushButton(icon("report", self.palette()), self.tr("生成报告"))
        self.btn_report.setToolTip(self.tr("生成贯彻落实情况报告（Word），并附数据表（Excel）"))
        self.btn_report.clicked.connect(lambda: self.export_report())
        for b in (self.btn_ledger, self.btn_notice, self.btn_report):
            bar.addWidget(b)
        return bar

    # ------------------------------------------------------------ pages by name

    def page_at(self, index: int) -> Page | None:
        widget = self.pages.widget(index)
        return next((p for p, w in self.page_widgets.items() if w is widget), None)

    def current_page(self) -> Page | None:
        return self.page_at(self.pages.currentIndex())

    def show_page(self, page: Page) -> None:
        self.pages.setCurrentWidget(self.page_widgets[page])

    def _has_pending(self, page: Page) -> bool:
        has_pending = getattr(self.page_widgets[page], "has_pending", None)
        return bool(has_pending()) if callable(has_pending) else False

    def _invalidator(self, page: Page) -> Callable[[], None]:
        return lambda: self._invalidate(page)

    def _invalidate(self, page: Page) -> None:
        """The data of `page` changed: reload it now if it is shown, else when it is next shown."""
        self._stale_pages.add(page)
        if self.current_page() is page:
            self._load_page(page)

    def _load_page(self, page: Page | None) -> None:
        # Unsaved edits (grades, scores, targets) are never thrown away by a reload: it waits.
        if page is None or page not in self._stale_pages or self._has_pending(page):
            return
        self._stale_pages.discard(page)
        year = self.grades_page.assessment_year()
        if page is Page.EXAMS:
            self.exams_page.year.blockSignals(True)
            self.exams_page.year.set_year(year)
            self.exams_page.year.blockSignals(False)
            self.exams_page.load_activities()
        elif page is Page.TARGETS:
            self.targets_page.year.blockSignals(True)
            self.targets_page.year.set_year(year)
            self.targets_page.year.blockSignals(False)
            self.targets_page.load()
        else:
            loader = getattr(self.page_widgets[page], "load", None)
            if callable(loader):
                loader()

    def _year_changed(self) -> None:
        self._stale_pages |= YEAR_PAGES
        if self.grades_page.shown_year == self.grades_page.assessment_year():
            self._stale_pages.discard(Page.GRADES)  # its grades were saved before the change and the year read
        self._load_page(self.current_page())

    def save_settings(self, settings: Any) -> None:
        """The pages' splitters (figures beside the charts, branches beside the members) as the clerk left them."""
        for split in self.findChildren(QSplitter):
            if split.objectName():
                settings.setValue(f"stats/{split.objectName()}", split.saveState())

    def restore_settings(self, settings: Any) -> None:
        for split in self.findChildren(QSplitter):
            state = settings.value(f"stats/{split.objectName()}") if split.objectName() else None
            if state:
                split.restoreState(state)

    def set_read_only(self, read_only: bool) -> None:
        """A 查阅 account: grades, branch assessments, spending, scores and targets are shown, not entered. A branch
        account enters its members' grades and scores; branch assessments, spending and targets hold for the
        whole bureau (services.access.OFFICE_TABLES): shown, not offered to be refused after the typing."""
        self._read_only = read_only
        office = read_only or bool(getattr(self.ws, "branch_ids", ()))
        self.grades_page.set_read_only(read_only)
        self.exams_page.setEnabled(not read_only)
        self.branch_page.set_read_only(office)
        self.spending_page.set_read_only(office)
        self.targets_page.setEnabled(not office)

    # ------------------------------------------------------------ computing

    def period(self) -> tuple[dt.date, dt.date]:
        return pydate(self.date_from.date()), pydate(self.date_to.date())

    def set_period(self, date_from: dt.date, date_to: dt.date, compute: bool = True) -> None:
        self.date_from.setDate(qdate(date_from))
        self.date_to.setDate(qdate(date_to))
        if compute:
            self.refresh()

    def refresh(self) -> None:
        """F5 and 统计: recompute the period, and reread the pages (the assessment year follows the period)."""
        date_from, date_to = self.period()
        if date_from > date_to:
            self.status.setText(self.tr("开始日期晚于结束日期"))
            return
        if not self.grades_page.has_pending():  # grades typed and not saved keep their year (and their grid)
            self.grades_page.year.blockSignals(True)
            self.grades_page.year.set_year(date_to.year)
            self.grades_page.year.blockSignals(False)
        self.recompute()
        self._stale_pages |= LAZY_PAGES
        self._load_page(self.current_page())

    def unsaved_edits(self) -> list[str]:
        """What was typed on these pages and not saved (the window asks about it before it closes)."""
        return [name for page, name in self._editing_pages() if page.has_pending()]

    def save_unsaved(self) -> bool:
        """Save what `unsaved_edits` names; False when a page refused (its message says why)."""
        return all(page.save() for page, _name in self._editing_pages() if page.has_pending())

    def _editing_pages(self) -> list[tuple[Any, str]]:
        return [(self.grades_page, self.tr("民主评议等次")), (self.exams_page, self.tr("考试成绩")),
                (self.targets_page, self.tr("学时目标"))]

    def recompute(self) -> None:
        """Recompute the statistics of the period in a pool thread; the window stays responsive."""
        from ui.widgets.jobs import default_runner

        try:
            job = self.presenter.start(*self.period())
        except DangxunError as exc:
            self.status.setText(self.tr(exc.message))
            return
        generation = job.generation
        self.status.setText(self.tr("正在统计……"))

        def work(progress: Callable[[int, str], None], _cancel: threading.Event) -> StatsDetail:
            return self.presenter.compute(job, progress)

        default_runner().submit(
            work, write=False, cancel=job.cancel,
            on_progress=lambda p, text: self._on_progress(generation, p, text),
            on_finished=lambda result: self._on_finished(generation, result),
            on_failed=lambda error: self._on_failed(generation, error),
            owner=self,  # a tab closed meanwhile: not updated, the computation stopped
        )

    def _on_progress(self, generation: int, percent: int, text: str) -> None:
        if self.presenter.is_current(generation):
            self.status.setText(f"{text}（{percent}%）")

    def _on_failed(self, generation: int, error: BaseException) -> None:
        if not self.presenter.is_current(generation) or isinstance(error, CancelledError):
            return
        message = error.message if isinstance(error, DangxunError) else str(error)
        self.status.setText(self.tr("统计失败：") + message)

    def _on_finished(self, generation: int, detail: StatsDetail) -> None:
        if not self.presenter.finish(generation, detail):
            return
        self.show_detail()
        self.stats_finished.emit(detail)

    def show_detail(self) -> None:
        for page in (self.overview_page, self.years_page, self.below_page):
            page.show_stats()
        self.status_text = self.presenter.status_text()
        self.status.setText(self.status_text)
        self.counts_changed.emit(self.status_text)

    # ------------------------------------------------------------ drill-down

    def _open(self, result: DrillDown | Page | None) -> DrillDownDialog | None:
        """Show what a figure leads to: its records in a dialog, or another page."""
        if isinstance(result, Page):
            self.show_page(result)
            return None
        if result is None:
            return None
        on_open: Callable[[Any], object] | None = None
        if result.opens == "member_hours":
            on_open = self.open_member_hours
        elif result.opens == "activity_hours":
            on_open = self.open_activity_hours
        dialog = DrillDownDialog(self.tr(result.title), [self.tr(h) for h in result.headers], result.rows,
                                 result.payloads or None, on_open, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._open_dialogs = [d for d in self._open_dialogs if d.isVisible()] + [dialog]
        dialog.show()
        return dialog

    def open_figure(self, row: int) -> DrillDownDialog | None:
        return self.overview_page.open_figure(row)

    def open_year_cell(self, row: int, column: int) -> DrillDownDialog | None:
        return self.years_page.open_year_cell(row, column)

    def open_member_hours(self, payload: Any) -> DrillDownDialog | None:
        return self._open(self.presenter.member_hours(payload))

    def open_activity_hours(self, activity_id: Any) -> DrillDownDialog | None:
        return self._open(self.presenter.activity_hours(activity_id))

    # ------------------------------------------------------------ exports

    def _ask_path(self, title: str, default: str, pattern: str) -> str:
        path, _ = save_file(self, "pdf" if pattern.startswith("PDF") else "export", title, default, pattern)
        return path

    def _run_export(self, title: str, fn: Callable[[], Path], done: Callable[[Path], str]) -> None:
        from ui.widgets.jobs import run_with_progress

        def work(_progress: Callable[[int, str], None], _cancel: threading.Event) -> Path:
            return fn()

        def failed(error: BaseException) -> None:
            message = error.message if isinstance(error, DangxunError) else str(error)
            typed_text.warning(self, title, self.tr("未能完成：") + message)

        run_with_progress(self, title, work, on_finished=lambda path: self.status.setText(done(path)),
                          on_failed=failed, write=False)

    def export_ledger(self, path: str | None = None) -> None:
        year = self.presenter.ledger_year(self.period()[1])
        path = path or self._ask_path(self.tr("导出学时台账"), f"{year}年度学时台账.xlsx", "Excel (*.xlsx)")
        if not path:
            return
        target = Path(path)
        self._run_export(self.tr("导出学时台账"), lambda: self.presenter.export_ledger(year, target),
                         lambda p: self.tr("已导出台账：") + str(p))

    def export_notice(self, path: str | None = None) -> None:
        year = self.presenter.ledger_year(self.period()[1])
        path = path or self._ask_path(self.tr("生成未达标提醒"), f"{year}年度学时提醒.pdf", "PDF (*.pdf)")
        if not path:
            return
        target = Path(path)
        self._run_export(self.tr("生成未达标提醒"), lambda: self.presenter.export_notice(year, target),
                         lambda p: self.tr("已生成提醒：") + str(p))

    def export_report(self, path: str | None = None) -> None:
        date_from, date_to = self.period()
        path = path or self._ask_path(self.tr("生成报告"), "贯彻落实情况报告.docx", "Word (*.docx)")
        if not path:
            return
        target = Path(path)
        self._run_export(self.tr("生成报告"), lambda: self.presenter.export_report(date_from, date_to, target),
                         lambda p: self.tr("已生成报告：%1（数据表：%2）").replace("%1", str(p)).replace(
                             "%2", str(p.with_suffix(".xlsx"))))
