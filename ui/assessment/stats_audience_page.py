"""按培训对象 and 条例要求 pages of 考核与统计: figures per audience, and the members each rule concerns."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from services.errors import DangxunError
from services.plan import audience_stats, rule_lists
from ui.assessment.stats_table_model import RowsTableModel
from ui.assessment.stats_widgets import MessageLine, fit_columns, make_table
from ui.widgets.errors import show_error
from ui.widgets.file_dialogs import save_file
from ui.widgets.icons import icon

Period = Callable[[], tuple[dt.date, dt.date]]
AUDIENCE_HEADERS = ("培训对象", "类别", "活动次数", "参训人数", "参训人次", "学时")


class AudiencePage(QWidget):
    """Per audience (the plan's, then the office's own words): activities, members, person-times, hours."""

    def __init__(self, ws: Any, period: Period, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.period = period
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 4, 0, 0)
        self.note = QLabel(self.tr("按活动的培训对象统计；未填写培训对象的活动计入“全体党员”。"
                                   "人数为不重复的党员，人次为参加的党员人次。"))
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)  # or a refusal quoting typed text
        v.addWidget(self.note)
        self.model = RowsTableModel([self.tr(h) for h in AUDIENCE_HEADERS], self)
        self.view = make_table()
        self.view.setModel(self.model)
        v.addWidget(self.view, 1)

    def load(self) -> None:
        try:
            with self.ws.read() as s:
                rows = audience_stats.audience_figures(s, *self.period())
        except DangxunError as exc:
            self.note.setText(exc.message)
            self.model.set_rows([])
            return
        self.model.set_rows([(r.audience, self.tr("规划所列") if r.canonical else self.tr("本单位填写"),
                              r.activities, r.members, r.person_times, r.hours) for r in rows],
                             [r.audience for r in rows])
        fit_columns(self.view)


class RulesPage(QWidget):
    """Each rule of the 条例 and the plans with its members: choose a rule on the left; export or print them."""

    def __init__(self, ws: Any, period: Period, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.period = period
        self.found: dict[str, list[Any]] = {}
        self._out_dir: Path | None = None
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 4, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("左侧选一项要求，右侧列出涉及的党员。")), 1)
        self.btn_export = QPushButton(icon("export", self.palette()), self.tr("导出"))
        self.btn_export.setToolTip(self.tr("把各项要求的党员名单导出为 Excel（每项一个工作表）"))
        self.btn_export.clicked.connect(lambda: self.export())
        self.btn_print = QPushButton(icon("print", self.palette()), self.tr("打印"))
        self.btn_print.setToolTip(self.tr("预览并打印所选要求的党员名单"))
        self.btn_print.clicked.connect(lambda: self.print_list())
        bar.addWidget(self.btn_export)
        bar.addWidget(self.btn_print)
        self.message = MessageLine()
        bar.insertWidget(1, self.message, 1)
        v.addLayout(bar)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setObjectName("rules_split")
        split.setChildrenCollapsible(False)
        self.rule_model = RowsTableModel((self.tr("要求"), self.tr("人数"), self.tr("未达到")), self)
        self.rule_view = make_table()
        self.rule_view.setModel(self.rule_model)
        self.rule_view.clicked.connect(lambda _i: self.fill_members())
        # The row header numbers the members on screen; 序号 is for the printout and the export.
        self.member_model = RowsTableModel([self.tr(h) for h in rule_lists.RULE_HEADERS[1:]], self)
        self.member_view = make_table()
        self.member_view.setModel(self.member_model)
        split.addWidget(self.rule_view)
        split.addWidget(self.member_view)
        split.setSizes([350, 670])
        v.addWidget(split, 1)

    def load(self) -> None:
        try:
            with self.ws.read() as s:
                self.found = rule_lists.rule_lists(s, *self.period())
        except DangxunError as exc:
            self.message.setText(exc.message)
            self.found = {}
        keys = list(self.found)
        self.rule_model.set_rows([(self.tr(rule_lists.RULE_TITLES[k]), len(self.found[k]),
                                   sum(1 for c in self.found[k] if c.met is False)) for k in keys], keys)
        fit_columns(self.rule_view)
        if keys and not self.rule_view.selectionModel().selectedRows():
            self.rule_view.selectRow(0)
        self.fill_members()

    def current_rule(self) -> str | None:
        selected = self.rule_view.selectionModel().selectedRows()
        return self.rule_model.payload(selected[0].row()) if selected else None

    def select_rule(self, key: str) -> None:
        self.rule_view.selectRow(self.rule_model.payloads.index(key))
        self.fill_members()

    def fill_members(self) -> None:
        key = self.current_rule()
        self.member_model.set_rows([r[1:] for r in rule_lists.rule_rows(self.found.get(key, []))] if key else [])
        fit_columns(self.member_view, most=40)

    def export(self, path: str | None = None) -> Path | None:
        date_from, date_to = self.period()
        if path is None:
            path, _ = save_file(self, "export", self.tr("导出条例要求名单"),
                                f"条例要求名单{date_from:%Y%m%d}-{date_to:%Y%m%d}.xlsx", "Excel (*.xlsx)")
        if not path:
            return None
        try:
            with self.ws.read() as s:
                out = rule_lists.write_rules_xlsx(s, date_from, date_to, Path(path))
        except (DangxunError, OSError) as exc:
            show_error(self, self.tr("导出条例要求名单"), exc)
            return None
        self.message.setText(self.tr("已导出：") + str(out))
        return out

    def make_pdf(self) -> Path | None:
        """The printout of the chosen rule's members (all rules when none is chosen)."""
        if self._out_dir is None:
            self._out_dir = Path(tempfile.mkdtemp(prefix="dangxun-print-"))
        key = self.current_rule()
        out = self._out_dir / f"{key or 'rules'}.pdf"
        try:
            with self.ws.read() as s:
                return rule_lists.write_rules_pdf(s, *self.period(), out, only=key)
        except (DangxunError, OSError) as exc:
            show_error(self, self.tr("打印条例要求名单"), exc)
            return None

    def print_list(self) -> None:
        from ui.widgets.pdf_preview import PdfPreviewDialog

        pdf = self.make_pdf()
        if pdf is not None:
            key = self.current_rule()
            PdfPreviewDialog(pdf, self.tr(rule_lists.RULE_TITLES[key]) if key else self.tr("条例要求名单"),
                             self).exec()
