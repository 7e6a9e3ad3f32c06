"""The 日志 tab: the audit log with filters (date, actor, action, object, text) and Excel export; read-only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from services.access import VIEWER
from services.errors import DangxunError
from services.safety import audit
from services.workspace import Workspace
from ui.safety.log_table_model import LogTableModel
from ui.widgets.file_dialogs import save_file
from ui.widgets.icons import icon
from ui.widgets.list_helpers import clear_on_escape
from ui.widgets.live import follow
from ui.widgets.typed_text import plain

# The view shows the newest entries up to this many; filters narrow the rest down.
ROW_LIMIT = 5000
RANGES = ("全部时间", "今天", "最近7天", "最近30天", "今年", "自定义")


class LogTab(QWidget):
    """Audit log view. Nothing here can change the log; export is logged as an event itself."""

    loads_when_built = True  # its constructor reads the database: the main window does not read it again

    exported = Signal(str)


    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.total = 0

        # A toolbar as on the other tabs (icons, text beside them, the search at its right end).
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.refresh_action = QAction(icon("refresh", self.palette()), self.tr("刷新"), self)
        self.refresh_action.setToolTip(self.tr("刷新（F5）"))
        self.export_action = QAction(icon("export", self.palette()), self.tr("导出Excel…"), self)
        self.export_action.setToolTip(self.tr("把当前筛选出的日志导出为 Excel 文件"))
        self.range_combo = QComboBox()
        for name in RANGES:
            self.range_combo.addItem(self.tr(name), name)
        today = QDate.currentDate()
        self.from_edit = QDateEdit(today.addDays(-30))
        self.to_edit = QDateEdit(today)
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.actor_combo = QComboBox()
        self.action_combo = QComboBox()
        self.entity_combo = QComboBox()
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("搜索内容、操作人"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(self.fontMetrics().horizontalAdvance("党") * 16)
        clear_on_escape(self.search_edit)

        self.model = LogTableModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((150, 90, 90, 90)):
            self.view.setColumnWidth(col, width)
        self.status_label = plain(QLabel())
        self.empty_label = plain(QLabel())
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)

        self.toolbar.addAction(self.refresh_action)
        self.toolbar.addAction(self.export_action)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.toolbar.addWidget(spacer)
        self.toolbar.addWidget(self.search_edit)
        filters = QHBoxLayout()
        for label, widget in ((self.tr("时间"), self.range_combo), (self.tr("从"), self.from_edit),
                              (self.tr("到"), self.to_edit), (self.tr("操作人"), self.actor_combo),
                              (self.tr("操作"), self.action_combo), (self.tr("对象"), self.entity_combo)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.status_label)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self.reload)
        self.search_edit.textChanged.connect(self._search_timer.start)
        self.range_combo.currentIndexChanged.connect(self.on_range_combo_changed)
        for widget in (self.actor_combo, self.action_combo, self.entity_combo):
            widget.currentIndexChanged.connect(self.reload)
        self.from_edit.dateChanged.connect(self.reload)
        self.to_edit.dateChanged.connect(self.reload)
        self.refresh_action.triggered.connect(self.refresh)
        self.export_action.triggered.connect(self.on_export_action_triggered)
        if parent is None:  # inside the main window its 刷新 (F5) calls refresh(); two F5s would clash
            QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.refresh)
        # Every write logs itself: new entries show at once (or when the tab is next shown).
        follow(ws, self, ("change_log",), self.refresh)
        self.refresh()

    # ------------------------------------------------------------ filters

    def current_filter(self) -> audit.LogFilter:
        date_from, date_to = self._date_range()
        return audit.LogFilter(
            date_from=date_from, date_to=date_to,
            actor=self.actor_combo.currentData() or None,
            action=self.action_combo.currentData() or None,
            entity=self.entity_combo.currentData() or None,
            text=self.search_edit.text().strip() or None,
        )

    def _date_range(self) -> tuple[dt.date | None, dt.date | None]:
        choice = self.range_combo.currentData()
        today = dt.date.today()
        if choice == "今天":
            return today, today
        if choice == "最近7天":
            return today - dt.timedelta(days=6), today
        if choice == "最近30天":
            return today - dt.timedelta(days=29), today
        if choice == "今年":
            return dt.date(today.year, 1, 1), today
        if choice == "自定义":
            return self.from_edit.date().toPython(), self.to_edit.date().toPython()  # type: ignore[return-value]
        return None, None

    def on_range_combo_changed(self, _index: int) -> None:
        custom = self.range_combo.currentData() == "自定义"
        self.from_edit.setEnabled(custom)
        self.to_edit.setEnabled(custom)
        self.reload()

    def _fill_combo(self, combo: QComboBox, values: list[str], label: Any, everyone: str) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everyone, "")
        for value in values:
            combo.addItem(label(value), value)
        index = combo.findData(current) if current else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    # ------------------------------------------------------------ loading

    def refresh(self) -> None:
        """Reload the filter choices and the rows (F5, or after another tab changed data)."""
        with self.ws.read() as session:
            choices = audit.log_choices(session)
        self._fill_combo(self.actor_combo, choices.actors, str, self.tr("全部"))
        self._fill_combo(self.action_combo, choices.actions, audit.action_label, self.tr("全部"))
        self._fill_combo(self.entity_combo, choices.entities, audit.entity_label, self.tr("全部"))
        self.reload()

    def reload(self) -> None:
        flt = self.current_filter()
        with self.ws.read() as session:
            rows = audit.query_log(session, flt, limit=ROW_LIMIT)
            self.total = audit.count_log(session, flt)
            everything = audit.count_log(session) if not rows else self.total
        self.model.set_rows(rows)
        if self.total > len(rows):
            self.status_label.setText(self.tr("显示最近{0}条，共{1}条；用筛选缩小范围").format(len(rows), self.total))
        else:
            self.status_label.setText(self.tr("共{0}条").format(self.total))
        if not rows:
            self.empty_label.setText(self.tr("日志中还没有记录：新增、修改、导入、导出、打印、备份都会记在这里。")
                                     if everything == 0 else self.tr("没有符合筛选条件的记录：放宽时间范围或清空搜索。"))
        self.empty_label.setVisible(not rows)
        self.export_action.setEnabled(bool(rows))

    def focus_search(self) -> None:
        """Ctrl+F (the main window's 查找), as on the other tabs."""
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    # ------------------------------------------------------------ export

    def on_export_action_triggered(self) -> None:
        default = str(Path.home() / f"操作日志-{dt.date.today():%Y%m%d}.xlsx")
        path, _ = save_file(self, "export", self.tr("导出日志"), default, self.tr("Excel 文件 (*.xlsx)"))
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> int:
        """Write the filtered log to `path` and log the export; returns the number of rows."""
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        flt = self.current_filter()
        try:
            with self.ws.write("export", needs=VIEWER, what="导出日志") as uow:
                n = audit.export_log_xlsx(uow.session, path, flt)
                uow.log(f"导出操作日志（{n}条）到 {path.name}", {"what": "操作日志", "rows": n, "path": str(path)})
        except DangxunError as exc:
            self.status_label.setText(self.tr("导出失败：{0}").format(exc.message))
            return 0
        self.status_label.setText(self.tr("已导出{0}条到 {1}").format(n, path))
        self.exported.emit(str(path))
        return n
