"""规划与资料 tab: the plan periods and their targets, the rules of the 条例, materials handed out, the study plan."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from services.access import ADMIN, EDITOR
from services.errors import CancelledError, DangxunError
from services.plan import materials, periods, rules, study_plan
from services.training.activities import activity_years
from ui.plan.issue_dialog import IssueDialog
from ui.plan.plan_pages import (
    MaterialsTableModel,
    PlansTableModel,
    RuleCasesTableModel,
    StudyItemsTableModel,
)
from ui.widgets import typed_text
from ui.widgets.edit_guard import DiscardGuard
from ui.widgets.errors import show_error
from ui.widgets.file_dialogs import save_file
from ui.widgets.icons import icon
from ui.widgets.jobs import Job, ProgressFn, run_with_progress
from ui.widgets.list_helpers import open_on_enter
from ui.widgets.live import follow
from ui.widgets.typed_text import plain
from ui.widgets.year_picker import YearPicker

WATCHED = ("plan_period", "plan_target", "material", "material_issue", "member", "branch", "study_plan",
           "study_item", "activity", "activity_session", "attendance", "exemption", "member_post",
           "mobile_member")


def _table(model: Any) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(edit: QDateEdit) -> dt.date:
    q = edit.date()
    return dt.date(q.year(), q.month(), q.day())


class PlanTab(QWidget):
    """The tab (built as PlanTab(ws, parent)); `refresh()` reloads every page."""

    loads_when_built = True  # its constructor reads the database: the main window does not read it again
    actions_changed = Signal()  # 新增 (Ctrl+N) and 打印 (Ctrl+P) follow the page shown

    def __init__(self, ws: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.sheet_job: Job | None = None  # the last sign-off sheet made in the background
        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        self.status = plain(QLabel())
        self.status.setObjectName("empty_hint")
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        layout.addWidget(self.status)
        self._build_plans()
        self._build_rules()
        self._build_materials()
        self._build_study()
        self.pages.currentChanged.connect(lambda _i: self.actions_changed.emit())
        follow(ws, self, WATCHED, self.refresh)
        self.refresh()

    # ------------------------------------------------------------ pages
    def _build_plans(self) -> None:
        page = QWidget()
        self.plans_model = PlansTableModel(self)
        self.plans_view = _table(self.plans_model)
        self.set_target_button = QPushButton(icon("edit", self.palette()), self.tr("设置目标…"))
        self.set_target_button.clicked.connect(self.on_set_target_clicked)
        self.plans_view.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.plans_view.doubleClicked.connect(self.on_plans_view_double_clicked)
        open_on_enter(self.plans_view, lambda: self.on_plans_view_double_clicked(None))
        note = QLabel(self.tr("规划中的目标是规划期内各年度的默认目标；“考核与统计 → 学时目标”中为某一年度所设的目标优先。"
                              "“沿用”表示沿用上一规划的数字，直至本单位另行设置。"))
        note.setWordWrap(True)
        box = QVBoxLayout(page)
        row = QHBoxLayout()
        row.addWidget(self.set_target_button)
        row.addStretch(1)
        box.addLayout(row)
        box.addWidget(self.plans_view)
        box.addWidget(note)
        self.pages.addTab(page, self.tr("规划"))

    def _build_rules(self) -> None:
        page = QWidget()
        self.rules_from = QDateEdit(_qdate(dt.date(dt.date.today().year, 1, 1)))
        self.rules_to = QDateEdit(_qdate(dt.date(dt.date.today().year, 12, 31)))
        for edit in (self.rules_from, self.rules_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(lambda _d: self.load_rules())
        self.rules_model = RuleCasesTableModel(self)
        self.rules_view = _table(self.rules_model)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("统计区间")))
        row.addWidget(self.rules_from)
        row.addWidget(QLabel(self.tr("至")))  # as the 考核与统计 tab writes a period
        row.addWidget(self.rules_to)
        row.addStretch(1)
        # The count belongs to this page: it was shown under every page of the tab (规划, 资料发放 …).
        self.rules_summary = plain(QLabel())
        self.rules_summary.setObjectName("empty_hint")
        self.rules_summary.setWordWrap(True)
        box = QVBoxLayout(page)
        box.addLayout(row)
        box.addWidget(self.rules_view)
        box.addWidget(self.rules_summary)
        self.pages.addTab(page, self.tr("条例要求"))

    def _build_materials(self) -> None:
        page = QWidget()
        self.materials_model = MaterialsTableModel(self)
        self.materials_view = _table(self.materials_model)
        self.issue_button = QPushButton(icon("add", self.palette()), self.tr("登记发放…"))
        self.issue_button.clicked.connect(self.on_issue_clicked)
        self.sheet_button = QPushButton(icon("print", self.palette()), self.tr("打印签收表…"))
        self.sheet_button.clicked.connect(self.on_sheet_clicked)
        self.materials_view.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        row = QHBoxLayout()
        row.addWidget(self.issue_button)
        row.addWidget(self.sheet_button)
        row.addStretch(1)
        self.materials_hint = QLabel(self.tr("还没有发放记录：点“登记发放…”，记下发给哪些党员什么资料"
                                             "（如《入党教材》），再可打印签收表。"))
        self.materials_hint.setObjectName("empty_hint")
        self.materials_hint.setWordWrap(True)
        box = QVBoxLayout(page)
        box.addLayout(row)
        box.addWidget(self.materials_view)
        box.addWidget(self.materials_hint)
        self.pages.addTab(page, self.tr("资料发放"))

    def _build_study(self) -> None:
        page = QWidget()
        self.study_year = YearPicker()
        self.study_year.year_changed.connect(lambda _y: self.load_study())
        self.study_title = plain(QLabel())
        self.study_model = StudyItemsTableModel(self)
        self.study_view = _table(self.study_model)
        self.add_item_button = QPushButton(icon("add", self.palette()), self.tr("新增条目…"))
        self.add_item_button.clicked.connect(self.on_add_item_clicked)
        self.print_study_button = QPushButton(icon("print", self.palette()), self.tr("打印…"))
        self.print_study_button.clicked.connect(self.on_print_study_clicked)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("年度")))
        row.addWidget(self.study_year)
        row.addWidget(self.add_item_button)
        row.addWidget(self.print_study_button)
        row.addStretch(1)
        box = QVBoxLayout(page)
        box.addLayout(row)
        box.addWidget(self.study_title)
        box.addWidget(self.study_view)
        self.pages.addTab(page, self.tr("学习计划"))

    # ------------------------------------------------------------ loading
    def refresh(self) -> None:
        plan_row, material_row = self.plans_view.currentIndex().row(), self.materials_view.currentIndex().row()
        with self.ws.read() as session:
            self.plans_model.set_rows(periods.list_plans(session))
            self.materials_model.set_rows(materials.list_materials(session))
            self.study_year.set_known_years(activity_years(session))  # the years the office has records of
        self.materials_hint.setVisible(self.materials_model.rowCount() == 0)
        self.load_rules()
        self.load_study()
        for view in (self.plans_view, self.materials_view):
            view.resizeColumnsToContents()
        # 设置目标… acts on the plan selected (it took the first, 2019—2023, when none was): the plan in force
        # is selected to begin with, and the first material. The row selected before a reload stays selected.
        if plan_row < 0:
            today = dt.date.today()
            plans = [self.plans_model.item_at(r) for r in range(self.plans_model.rowCount())]
            plan_row = next((r for r, p in enumerate(plans) if p and p.start <= today <= p.end), len(plans) - 1)
        for view, row in ((self.plans_view, plan_row), (self.materials_view, max(material_row, 0))):
            if 0 <= row < view.model().rowCount():
                view.selectRow(row)
        self.issue_button.setEnabled(self.ws.can(EDITOR))  # a branch account records what its members received
        # The study plan holds for the whole bureau (services.access.OFFICE_TABLES): not a branch account's.
        self.add_item_button.setEnabled(self.ws.can(EDITOR) and not self.ws.branch_ids)
        self._update_buttons()

    def _update_buttons(self) -> None:
        """The buttons acting on a selected row are off without one."""
        self.set_target_button.setEnabled(self.ws.can(ADMIN) and self.plans_view.selectionModel().hasSelection())
        self.sheet_button.setEnabled(self.materials_view.selectionModel().hasSelection())
        self.actions_changed.emit()

    # ------------------------------------------------------------ the window's 新增 (Ctrl+N) and 打印 (Ctrl+P)
    def _page_buttons(self) -> tuple[QPushButton | None, QPushButton | None]:
        """The page's own 新增 and 打印 buttons: 资料发放's 登记发放…/打印签收表…, 学习计划's 新增条目…/打印…."""
        page = self.pages.currentIndex()
        if page == self.pages.indexOf(self.materials_view.parentWidget()):
            return self.issue_button, self.sheet_button
        if page == self.pages.indexOf(self.study_view.parentWidget()):
            return self.add_item_button, self.print_study_button
        return None, None

    def can_add(self) -> bool:
        button = self._page_buttons()[0]
        return button is not None and button.isEnabled()

    def add_new(self) -> None:
        if self.can_add():
            self._page_buttons()[0].click()  # type: ignore[union-attr]

    def can_print(self) -> bool:
        button = self._page_buttons()[1]
        return button is not None and button.isEnabled()

    def print_current(self) -> None:
        if self.can_print():
            self._page_buttons()[1].click()  # type: ignore[union-attr]

    def load_rules(self) -> None:
        lo, hi = _pydate(self.rules_from), _pydate(self.rules_to)
        if lo > hi:
            self.rules_model.set_rows([])
            self.rules_summary.setText(self.tr("统计区间的开始日期晚于结束日期"))
            return
        with self.ws.read() as session:
            found = rules.check_rules(session, lo, hi)
        cases = [c for group in found.values() for c in group]
        self.rules_model.set_rows(cases)
        self.rules_view.resizeColumnsToContents()
        short = sum(1 for c in cases if c.met is False)
        self.rules_summary.setText(self.tr("条例要求：涉及{0}人，其中{1}人未达到").format(len(cases), short) if cases else
                                   self.tr("区间内没有新党员、新任支部书记、免训或流动党员需要提醒。"))

    def load_study(self) -> None:
        year = self.study_year.year() or dt.date.today().year
        with self.ws.read() as session:
            try:
                plan = study_plan.get_study_plan(session, year)
            except DangxunError:
                plan = None
        if plan is None:
            self.study_title.setText(self.tr("还没有{0}年度学习计划：点“新增条目…”开始填写。").format(year))
            self.study_model.set_rows([])
            self.print_study_button.setEnabled(False)
            self.actions_changed.emit()
            return
        self.study_title.setText(plan.title)
        self.study_model.set_rows(list(plan.items))
        self.study_view.resizeColumnsToContents()
        self.print_study_button.setEnabled(True)
        self.actions_changed.emit()

    # ------------------------------------------------------------ actions
    def _run(self, title: str, action: str, fn: Any, needs: str = EDITOR) -> bool:
        try:
            with self.ws.write(action, needs=needs) as uow:
                fn(uow)
        except DangxunError as exc:
            typed_text.warning(self, title, exc.message)
            return False
        return True

    def on_set_target_clicked(self) -> None:
        rows = self.plans_view.selectionModel().selectedRows()
        plan = self.plans_model.item_at(rows[0].row()) if rows else None
        if plan is None:
            return
        dialog = TargetDialog(plan, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        group, hours, cls = dialog.values()
        self._run(self.tr("设置目标"), "plan-target",
                  lambda uow: periods.set_plan_target(uow.session, uow.actor, plan.name, group, hours, cls), ADMIN)

    def on_plans_view_double_clicked(self, _index: Any) -> None:
        """A plan double-clicked is edited, as a member or an activity is: its 设置目标… (for an administrator)."""
        if self.set_target_button.isEnabled():
            self.on_set_target_clicked()

    def on_issue_clicked(self) -> None:
        from services.roll.members import list_for_picking

        with self.ws.read() as session:
            people = [(m.id_number, m.name, m.branch, m.status) for m in list_for_picking(session, include_left=True)]
        dialog = IssueDialog(people, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        title, day, numbers = dialog.values()
        self._run(self.tr("登记发放"), "material-issue",
                  lambda uow: materials.issue_material(uow.session, uow.actor, title, day, numbers))

    def on_sheet_clicked(self) -> Job | None:
        """The sheet is made in the background, with its progress and 取消 (a whole bureau is 700 pages, 8 s); a
        cancelled or failed print leaves no file and no log entry. Returns the job (None when nothing started)."""
        index = self.materials_view.currentIndex()
        row = self.materials_model.item_at(index.row()) if index.isValid() else None
        if row is None:
            QMessageBox.information(self, self.tr("打印签收表"), self.tr("请先在表中选择一种资料。"))
            return None
        path, _ = save_file(self, "pdf", self.tr("保存签收表"), f"{row.title}签收表.pdf", "PDF (*.pdf)")
        if not path:
            return None
        from services.printing.materials_sheet import write_sign_off_sheet

        ws, title = self.ws, self.tr("打印签收表")

        def work(progress: ProgressFn, cancel: threading.Event) -> int:
            with ws.write("print", needs=EDITOR) as uow:
                issued = materials.issues_of(uow.session, row.title)
                pages = write_sign_off_sheet(Path(path), materials.book(row.title), issued,
                                             progress=progress, cancel=cancel)
                uow.log(f"打印{materials.book(row.title)}签收表：{len(issued)}人，{pages}页", {"path": path}, "print")
            return pages

        def failed(error: BaseException) -> None:
            if not isinstance(error, CancelledError):  # cancelled: nothing to say, nothing was made
                show_error(self, title, error)

        self.sheet_job = run_with_progress(
            self, title, work, on_finished=lambda _pages: self.status.setText(self.tr("已生成签收表：{0}").format(path)),
            on_failed=failed)
        return self.sheet_job

    def on_add_item_clicked(self) -> None:
        dialog = StudyItemDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        kind, title, month = dialog.values()
        year = self.study_year.year() or dt.date.today().year
        self._run(self.tr("新增条目"), "study-plan",
                  lambda uow: study_plan.add_item(uow.session, uow.actor, year, kind, title, month))

    def on_print_study_clicked(self) -> None:
        year = self.study_year.year() or dt.date.today().year
        path, _ = save_file(self, "pdf", self.tr("保存学习计划"), f"{year}年度学习计划.pdf", "PDF (*.pdf)")
        if not path:
            return
        from services.printing.study_plan_pdf import write_study_plan_pdf

        def work(uow: Any) -> None:
            plan = study_plan.get_study_plan(uow.session, year)
            pages = write_study_plan_pdf(plan, Path(path))
            uow.log(f"打印《{plan.title}》：{pages}页", {"path": path}, "print")

        if self._run(self.tr("打印学习计划"), "print", work):
            self.status.setText(self.tr("已生成：{0}").format(path))


class TargetDialog(QDialog):
    def __init__(self, plan: periods.PlanInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("设置规划目标"))
        self.group = QComboBox()
        for code in periods.GROUPS:
            self.group.addItem(periods.GROUP_LABELS[code], code)
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0, 1000)
        self.hours.setDecimals(1)
        self.none = QCheckBox(self.tr("不设目标"))
        self.class_required = QCheckBox(self.tr("须含一次集中培训"))
        self.none.toggled.connect(lambda on: self.hours.setEnabled(not on))
        self.group.currentIndexChanged.connect(lambda _i: self._load(plan))
        form = QFormLayout(self)
        form.addRow(self.tr("规划"), plain(QLabel(plan.name)))
        form.addRow(self.tr("对象"), self.group)
        form.addRow(self.tr("年度学时"), self.hours)
        form.addRow("", self.none)
        form.addRow("", self.class_required)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._load(plan)

    def _load(self, plan: periods.PlanInfo) -> None:
        target = plan.target(self.group.currentData())
        self.none.setChecked(target is None or target.hours is None)
        self.hours.setValue(target.hours if target and target.hours is not None else 32)
        self.class_required.setChecked(bool(target and target.class_required))

    def values(self) -> tuple[str, float | None, bool]:
        hours = None if self.none.isChecked() else self.hours.value()
        return self.group.currentData(), hours, self.class_required.isChecked()


class StudyItemDialog(DiscardGuard, QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("新增学习计划条目"))
        self.kind = QComboBox()
        self.kind.addItems(list(study_plan.KINDS))
        self.title = QLineEdit()
        self.month = QSpinBox()
        self.month.setRange(0, 12)
        self.month.setSpecialValueText(self.tr("不定"))
        form = QFormLayout(self)
        form.addRow(self.tr("类别"), self.kind)
        form.addRow(self.tr("名称"), self.title)
        form.addRow(self.tr("月份"), self.month)
        # A title such as 《习近平新时代中国特色社会主义思想学习纲要》 fits whole (the field was 140 pixels).
        self.title.setMinimumWidth(self.fontMetrics().horizontalAdvance("党") * 24)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.mark_clean()

    def edit_snapshot(self) -> object:
        return self.values()

    def _accept(self) -> None:
        # Refused here, the dialog stays open with what was typed (the service would refuse after it closed).
        kind, title, _month = self.values()
        if not (materials.bare_title(title) if kind in ("书目", "篇目") else title.strip()):
            QMessageBox.information(self, self.windowTitle(), self.tr("请填写名称。"))
            self.title.setFocus()
            return
        self.accept()

    def values(self) -> tuple[str, str, int | None]:
        return self.kind.currentText(), self.title.text(), self.month.value() or None
