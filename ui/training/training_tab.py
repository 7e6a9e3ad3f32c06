"""The 培训 tab: activities by year, type and status; an activity's sessions, participants and attendance grid."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from services.access import EDITOR
from services.normalize import CLOSED_ACTIVITY_STATUSES
from services.training import activities, attendance
from ui.training.activity_table_model import ActivityTableModel
from ui.training.attendance_grid import AttendanceGridView
from ui.training.attendance_table_model import AttendanceTableModel
from ui.training.participants_view import ParticipantRow, ParticipantsView
from ui.training.training_actions import TrainingActions
from ui.training.training_print_actions import TrainingPrintActions
from ui.widgets.icons import icon
from ui.widgets.list_helpers import clear_on_escape, open_on_enter
from ui.widgets.live import follow
from ui.widgets.table_headers import ColumnFitter
from ui.widgets.year_picker import YearPicker

if TYPE_CHECKING:
    from services.workspace import Workspace

ACCENT = "#B71C1C"
# What the list, the filters and the selected activity's participants show: a change reloads them.
LIST_KINDS = ("activity", "activity_type", "activity_session", "enrolment", "certificate", "member", "branch")
# What only the attendance grid and the hours show: a change re-reads the selected activity.
DETAIL_KINDS = ("attendance", "hours_adjustment")

WORD_JOINER = "\u2060"  # invisible; no line break on either side of it


def detail_text(parts: list[str]) -> str:
    """The selected activity's details on wrapped lines. Qt breaks Chinese between any two characters, which
    cut 主｜办：局党委 across two lines: each label stays whole and with the start of its value. The joiners go
    only into the program's own words, so what was typed is shown and copied as typed."""
    kept = []
    for part in parts:
        label, colon, value = part.partition("：")
        kept.append(WORD_JOINER.join(label + colon) + WORD_JOINER + value if colon and len(label) <= 4 else part)
    return "　".join(kept)


class TrainingTab(TrainingActions, TrainingPrintActions, QWidget):
    """培训 tab, built as TrainingTab(ws, parent); follows the workspace, `refresh()` (F5) reloads by hand.

    Its writes are in training_actions.py, its printouts in training_print_actions.py.
    """

    loads_when_built = True  # its constructor reads the database: the main window does not read it again

    counts_changed = Signal(str)  # the status-bar line of the main window

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self._current: activities.ActivityInfo | None = None
        self._selecting = False  # reload_activities selects a row and shows it itself
        self._read_only = not ws.can(EDITOR)  # buttons only: the workspace refuses the writes itself
        self._status = ""
        self._out_dir = Path(tempfile.mkdtemp(prefix="dangxun-print-"))

        # ---------------------------------------------------------- toolbar and filters
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        # Ctrl+N, Delete and Ctrl+I are the main window's menu shortcuts; they call add_new() etc. below.
        self.new_action = self._action(self.tr("新增活动"), self.on_new_action_triggered, icon_name="add")
        self.edit_action = self._action(self.tr("编辑"), self.on_edit_action_triggered, icon_name="edit")
        self.delete_action = self._action(self.tr("删除"), self.on_delete_action_triggered, icon_name="delete")
        self.status_button = QToolButton()
        self.status_button.setText(self.tr("状态"))
        self.status_button.setIcon(icon("status", self.palette()))
        self.status_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.status_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        status_menu = QMenu(self.status_button)
        for status in activities.STATUSES:
            status_menu.addAction(status).triggered.connect(lambda _=False, s=status: self.change_status(s))
        self.status_button.setMenu(status_menu)
        self.toolbar.addSeparator()
        self.enrol_action = self._action(self.tr("报名"), self.on_enrol_action_triggered, icon_name="enrol")
        self.import_action = self._action(self.tr("导入学时记录"), self.on_import_action_triggered,
                                          icon_name="import")
        self.toolbar.addSeparator()
        self.print_button = QToolButton()
        self.print_button.setText(self.tr("打印"))
        self.print_button.setIcon(icon("print", self.palette()))
        self.print_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.print_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        print_menu = QMenu(self.print_button)
        self.signin_action = print_menu.addAction(self.tr("签到表（当前课次）"))
        self.signin_action.triggered.connect(self.on_signin_action_triggered)
        self.register_action = print_menu.addAction(self.tr("考勤表"))
        self.register_action.triggered.connect(self.on_register_action_triggered)
        self.certificates_action = print_menu.addAction(self.tr("结业证书"))
        self.certificates_action.triggered.connect(self.on_certificates_action_triggered)
        print_menu.addSeparator()
        self.cert_register_action = print_menu.addAction(self.tr("发证登记册（PDF）"))
        self.cert_register_action.triggered.connect(self.on_cert_register_action_triggered)
        self.cert_register_xlsx_action = print_menu.addAction(self.tr("发证登记册（Excel）…"))
        self.cert_register_xlsx_action.triggered.connect(self.on_cert_register_xlsx_action_triggered)
        self.print_button.setMenu(print_menu)
        self.toolbar.addWidget(self.status_button)
        self.toolbar.addWidget(self.print_button)
        self.verify_action = self._action(self.tr("核验证书"), self.on_verify_action_triggered, icon_name="verify")

        self.year_combo = YearPicker(all_text=self.tr("全部年度"))
        self.type_combo = QComboBox()
        self.status_combo = QComboBox()
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("搜索活动名称、主办单位、地点"))
        self.search_edit.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(self.reload_activities)
        self.search_edit.textChanged.connect(lambda _t: self._search_timer.start())
        clear_on_escape(self.search_edit)
        for combo in (self.year_combo, self.type_combo, self.status_combo):
            combo.currentIndexChanged.connect(lambda _i: self.reload_activities())
        filters = QHBoxLayout()
        for label, widget in ((self.tr("年度"), self.year_combo), (self.tr("类别"), self.type_combo),
                              (self.tr("状态"), self.status_combo)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addStretch(1)
        # The search sits at the toolbar's right end, as on the members tab; the list keeps its width.
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.toolbar.addWidget(spacer)
        self.search_edit.setMinimumWidth(self.fontMetrics().horizontalAdvance("党") * 16)
        self.toolbar.addWidget(self.search_edit)

        # ---------------------------------------------------------- activities list
        self.activity_model = ActivityTableModel(self)
        self.activity_view = QTableView()
        self.activity_view.setModel(self.activity_model)
        self.activity_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.activity_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.activity_view.horizontalHeader()
        # The title takes what the short columns leave. They show a whole date range and type when the title
        # keeps room for about 24 characters beside them, else fixed widths (elided, whole in the tooltip), so
        # the title is not squeezed at 1024 pixels; a column resized by hand keeps its width (save_settings).
        em = self.fontMetrics().horizontalAdvance("党")
        digit = self.fontMetrics().horizontalAdvance("2026-12-20")
        header.setMinimumSectionSize(em * 2)
        self.columns = ColumnFitter(self.activity_view, 1, {
            0: digit + em, 2: em * 6 + em, 3: em * 2 + em, 4: em * 3 + em, 5: em * 2 + em, 6: em * 2 + em},
            least=em * 24)
        self.activity_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.activity_view.verticalHeader().hide()
        self.activity_view.selectionModel().currentRowChanged.connect(self.on_activity_view_current_changed)
        self.activity_view.doubleClicked.connect(lambda _i: self.on_edit_action_triggered())
        open_on_enter(self.activity_view, self.on_edit_action_triggered)
        self.empty_label = QLabel(self.tr("还没有培训或学习活动：点“新增活动”，或“导入学时记录”。"))
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: #616161; padding: 24px")
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.activity_view)
        self.list_stack.addWidget(self.empty_label)

        # ---------------------------------------------------------- detail
        self.detail_title = QLabel()
        self.detail_title.setStyleSheet(f"font-weight: bold; color: {ACCENT}")
        self.detail_title.setWordWrap(True)
        self.detail_info = QLabel()
        self.detail_info.setWordWrap(True)
        for typed in (self.detail_title, self.detail_info):  # titles and names as typed: a <b> is not markup
            typed.setTextFormat(Qt.TextFormat.PlainText)
        self.detail_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sessions_table = QTableWidget(0, 5)
        self.sessions_table.setHorizontalHeaderLabels([self.tr("课次"), self.tr("日期"), self.tr("时间"),
                                                       self.tr("学时"), self.tr("主题")])
        sessions_header = self.sessions_table.horizontalHeader()
        for column in range(5):
            sessions_header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if column == 4
                                                 else QHeaderView.ResizeMode.ResizeToContents)
        self.sessions_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.sessions_table.verticalHeader().hide()
        self.participants_table = ParticipantsView()
        self.unenrol_button = unenrol = QPushButton(self.tr("取消所选人员的报名"))
        unenrol.clicked.connect(self.on_unenrol_clicked)
        self.adjust_button = adjust = QPushButton(self.tr("调整学时…"))
        adjust.setToolTip(self.tr("手工调整所选党员的学时：与考勤所得学时分开记录，须写明原因"))
        adjust.clicked.connect(self.on_adjust_clicked)
        # Both act on the members selected: off until one is (取消所选人员的报名 did nothing without one).
        self.participants_table.selectionModel().selectionChanged.connect(self._update_participant_buttons)
        participants_page = QWidget()
        pl = QVBoxLayout(participants_page)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.addWidget(self.participants_table)
        prow = QHBoxLayout()
        prow.addStretch(1)
        prow.addWidget(adjust)
        prow.addWidget(unenrol)
        pl.addLayout(prow)

        self.attendance_model = AttendanceTableModel(self)
        self.grid_view = AttendanceGridView()
        self.grid_view.setModel(self.attendance_model)
        self.grid_view.horizontalHeader().setDefaultSectionSize(96)
        self.attendance_model.totals_changed.connect(self.update_counts)
        self.all_present_button = QPushButton(self.tr("本课次全部出席"))
        self.all_present_button.setToolTip(self.tr("当前列（课次）中尚未记录的报名人员全部记为出席"))
        self.all_present_button.clicked.connect(self.on_all_present_clicked)
        self.counts_label = QLabel()
        keys = QLabel(self.tr("键盘：1 出席　2 迟到　3 早退　4 请假　5 缺席（或 Ctrl+数字）　空格 切换　Delete 清除；"
                              "右键可填请假原因"))
        keys.setWordWrap(True)
        keys.setStyleSheet("color: #616161")
        attendance_page = QWidget()
        al = QVBoxLayout(attendance_page)
        al.setContentsMargins(0, 0, 0, 0)
        arow = QHBoxLayout()
        arow.addWidget(self.counts_label, 1)
        arow.addWidget(self.all_present_button)
        al.addLayout(arow)
        al.addWidget(self.grid_view, 1)
        al.addWidget(keys)

        self.detail_tabs = QTabWidget()
        self.detail_tabs.addTab(attendance_page, self.tr("考勤"))
        self.detail_tabs.addTab(participants_page, self.tr("参训人员"))
        self.detail_tabs.addTab(self.sessions_table, self.tr("课次"))
        detail = QWidget()
        dl = QVBoxLayout(detail)
        dl.addWidget(self.detail_title)
        dl.addWidget(self.detail_info)
        dl.addWidget(self.detail_tabs, 1)

        self.splitter = splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addLayout(filters)
        ll.addWidget(self.list_stack, 1)
        splitter.addWidget(left)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([em * 52, em * 40])  # room for the activity titles beside the detail
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addWidget(splitter, 1)
        # Changes announced by the workspace (from any tab, dialog or job) reload what this tab shows,
        # once per burst of writes and after the writing slot has returned (never inside a grid edit).
        self._list_timer = self._coalescer(self.refresh)
        self._detail_timer = self._coalescer(self.refresh_detail)
        follow(ws, self, LIST_KINDS, self._list_timer.start)
        follow(ws, self, DETAIL_KINDS, self._detail_timer.start)
        self.set_read_only(self._read_only)
        self.refresh()

    def _action(self, text: str, slot: Any, shortcut: Any = None, icon_name: str = "") -> QAction:
        action = QAction(icon(icon_name, self.palette()), text, self) if icon_name else QAction(text, self)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(shortcut)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(action)
        self.toolbar.addAction(action)
        return action

    def _coalescer(self, slot: Any) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(0)
        timer.timeout.connect(slot)
        return timer

    # -------------------------------------------------------------- loading

    def refresh(self) -> None:
        """Reload filters, the list and the selected activity from the database."""
        self._list_timer.stop()
        with self.ws.read() as s:
            years = activities.activity_years(s)
            types = activities.list_types(s)
        self.year_combo.set_known_years(years)
        self._set_items(self.type_combo, [(self.tr("全部类别"), None)] + [(t.name, t.name) for t in types])
        self._set_items(self.status_combo, [(self.tr("全部状态"), None)] + [(s, s) for s in activities.STATUSES])
        self.reload_activities()

    @staticmethod
    def _set_items(combo: QComboBox, items: list[tuple[str, Any]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for text, data in items:
            combo.addItem(text, data)
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(0, index))
        combo.blockSignals(False)

    def reload_activities(self, select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else (self._current.id if self._current else None)
        rows = self._list_rows()
        self.activity_model.set_activities(rows)
        self._measure_columns(rows)
        self.list_stack.setCurrentIndex(0 if rows else 1)
        self._status = self.tr("当前列出活动 %1 项").replace("%1", str(len(rows)))
        self.counts_changed.emit(self._status)
        if not rows and (self.search_edit.text() or self.year_combo.currentData() or self.type_combo.currentData()
                         or self.status_combo.currentData()):
            self.empty_label.setText(self.tr("没有符合筛选条件的活动。") + (
                self.tr("\n按 Esc 清除搜索。") if self.search_edit.text() else ""))
        elif not rows:
            self.empty_label.setText(self.tr("还没有培训或学习活动：点“新增活动”，或“导入学时记录”。"))
        row = self.activity_model.row_of(keep) if keep is not None else -1
        if row < 0 and rows:
            row = 0
        if row >= 0:
            # Selecting the row shows nothing by itself: the activity is read once, below.
            self._selecting = True
            try:
                self.activity_view.selectRow(row)
            finally:
                self._selecting = False
            self.show_activity(self.activity_model.activity_at(row).id)  # type: ignore[union-attr]
        else:
            self.show_activity(None)

    def _measure_columns(self, rows: list[Any]) -> None:
        """The texts of `rows` in each column (dates, types, counts, and the titles): the widths that show them whole."""
        model = self.activity_model
        self.columns.set_texts({column: [model.data(model.index(r, column)) for r in range(len(rows))]
                                for column in range(model.columnCount())})

    def on_activity_view_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        a = self.activity_model.activity_at(current.row())
        if a is not None and not self._selecting and (self._current is None or self._current.id != a.id):
            self.show_activity(a.id)

    def _list_rows(self) -> list[Any]:
        with self.ws.read() as s:
            return activities.list_activities(s, year=self.year_combo.currentData(),
                                              type_name=self.type_combo.currentData(),
                                              status=self.status_combo.currentData(),
                                              query=self.search_edit.text())

    def refresh_detail(self) -> None:
        """Attendance or hours changed: the participants' hours anew, the grid only where it differs.

        A cell written here from the keyboard is already in the grid: the grid is not reset under the
        clerk's cursor. A change made elsewhere (another dialog, an import) re-reads it all.
        """
        if self._current is None:
            return
        activity_id = self._current.id
        with self.ws.read() as s:
            grid = attendance.grid(s, activity_id)
        if not self.attendance_model.shows(grid):
            position = self.grid_view.currentIndex()
            self.show_activity(activity_id)
            if position.isValid() and position.row() < self.attendance_model.rowCount():
                self.grid_view.setCurrentIndex(self.attendance_model.index(position.row(), position.column()))
        else:
            self._fill_participants(activity_id, grid)
        # The list's 参加 counts too, keeping the selection (the same activity is not shown anew).
        self.activity_model.set_activities(self._list_rows())
        row = self.activity_model.row_of(activity_id)
        if row >= 0:
            self.activity_view.selectRow(row)

    def _fill_participants(self, activity_id: int, grid: Any) -> None:
        with self.ws.read() as s:
            done = {c.member_id: c for c in attendance.completion(s, activity_id, grid)}
        rows = []
        for p in grid.members:
            c = done.get(p.member_id)
            hours = c.hours if c is not None else grid.member_hours(p.member_id)
            rows.append(ParticipantRow(p.member_id, p.name, p.branch, p.job or p.party_post or "", f"{hours:g}",
                                       "✔" if c is not None and c.completed else ""))
        self.participants_table.set_rows(rows)
        self._update_participant_buttons()

    def show_activity(self, activity_id: int | None) -> None:
        self._detail_timer.stop()
        for w in (self.edit_action, self.delete_action, self.enrol_action, self.certificates_action):
            w.setEnabled(activity_id is not None and not self._read_only)
        self.status_button.setEnabled(activity_id is not None and not self._read_only)
        if activity_id is None:
            self._current = None
            self.detail_title.setText(self.tr("未选择活动"))
            self.detail_info.clear()
            self.sessions_table.setRowCount(0)
            self.participants_table.set_rows([])
            self._update_participant_buttons()
            self.attendance_model.set_grid(None, None)
            return
        with self.ws.read() as s:
            a = activities.get_activity(s, activity_id)
            grid = attendance.grid(s, activity_id)
        self._current = a
        self.detail_title.setText(a.title)
        parts = [f"{a.type_name}　{a.date_text()}", f"地点：{a.place or '—'}", f"主办：{a.organiser or '—'}",
                 f"学时：{a.hours:g}", f"状态：{a.status}", f"结业条件：{a.completion_text()}"]
        if a.lecturer:
            parts.append(f"授课：{a.lecturer}")
        if a.cost:
            parts.append(f"费用：{a.cost:g}元（{a.paid_by or '未填经费来源'}）")
        self.detail_info.setText(detail_text(parts))
        self.sessions_table.setRowCount(len(a.sessions))
        for r, sess in enumerate(a.sessions):
            for c, value in enumerate((str(sess.seq), sess.date.isoformat(), sess.time_text(), f"{sess.hours:g}",
                                       sess.topic or "")):
                self.sessions_table.setItem(r, c, QTableWidgetItem(value))
        self._fill_participants(activity_id, grid)
        read_only = a.status in CLOSED_ACTIVITY_STATUSES or self._read_only
        self.attendance_model.set_grid(grid, self._write_cell, read_only=read_only)
        self.all_present_button.setEnabled(not read_only and bool(grid.members))
        self.grid_view.resizeColumnToContents(0)
        self.grid_view.resizeColumnToContents(1)
        if grid.members and grid.sessions:
            self.grid_view.setCurrentIndex(self.attendance_model.index(0, 2))

    # -------------------------------------------------------------- what the main window calls

    def set_read_only(self, read_only: bool) -> None:
        """A 查阅 account: no activity, enrolment, attendance, adjustment, import or certificate is written."""
        changed = read_only != self._read_only
        self._read_only = read_only
        for w in (self.new_action, self.import_action):
            w.setEnabled(not read_only)
        if changed:  # the grid's cells become (or stop being) editable
            self.show_activity(self._current.id if self._current else None)
        self._update_participant_buttons()

    def _update_participant_buttons(self) -> None:
        chosen = bool(self.participants_table.selectionModel().selectedRows()) and not self._read_only
        self.unenrol_button.setEnabled(chosen)
        self.adjust_button.setEnabled(chosen and self.participants_table.current_member() is not None)

    def save_settings(self, settings: Any) -> None:
        widths = self.columns.hand_widths()
        settings.setValue("training/columns", ",".join(f"{c}:{w}" for c, w in sorted(widths.items())))
        settings.setValue("training/splitter", self.splitter.saveState())

    def restore_settings(self, settings: Any) -> None:
        widths: dict[int, int] = {}
        for pair in str(settings.value("training/columns", "") or "").split(","):
            column, _colon, width = pair.partition(":")
            if column.isdigit() and width.isdigit():
                widths[int(column)] = int(width)
        self.columns.set_hand_widths(widths)
        state = settings.value("training/splitter")
        if state:
            self.splitter.restoreState(state)

    def add_new(self) -> None:
        self.on_new_action_triggered()

    def delete_selected(self) -> None:
        self.on_delete_action_triggered()

    def can_import(self) -> bool:
        return not self._read_only

    def status_text(self) -> str:
        return self._status

    def import_data(self) -> None:
        self.on_import_action_triggered()

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def can_print(self) -> bool:
        return self._current is not None and bool(self._current.sessions)

    def print_current(self) -> None:
        """Ctrl+P: the sign-in sheet of the session chosen in the grid (the other printouts are in 打印)."""
        self.on_signin_action_triggered()

    def update_counts(self) -> None:
        model = self.attendance_model
        sid = model.session_id_of_column(self.grid_view.currentIndex().column())
        total = model.counts()
        text = self.tr("合计：") + "　".join(f"{k}{v}" for k, v in total.items())
        if sid is not None:
            here = model.counts(sid)
            text += self.tr("　｜　本课次：") + "　".join(f"{k}{v}" for k, v in here.items() if v)
        self.counts_label.setText(text)

