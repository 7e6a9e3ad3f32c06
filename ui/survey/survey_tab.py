"""The 问卷调查 tab: surveys on the left; the chosen one's tallies, a chart per question, on the right."""

from __future__ import annotations

import tempfile
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from services.access import EDITOR
from services.errors import CancelledError, DangxunError
from services.progress import tick
from services.survey import surveys
from services.survey import tally as t
from ui.survey.design_dialog import DesignDialog
from ui.survey.entry_dialog import EntryDialog
from ui.survey.question_chart import QuestionChart
from ui.survey.survey_table_model import SurveyTableModel
from ui.widgets import typed_text
from ui.widgets.edit_guard import confirm_irreversible
from ui.widgets.errors import report_unexpected
from ui.widgets.file_dialogs import open_file, save_file
from ui.widgets.icons import icon
from ui.widgets.jobs import Job, ProgressFn, run_with_progress
from ui.widgets.list_helpers import clear_on_escape
from ui.widgets.live import follow
from ui.widgets.typed_text import plain

KINDS = ("survey", "survey_question", "survey_response", "survey_answer", "activity")
TEXT_SHOWN = 30  # free-text answers listed in the window (the report lists them all)
ACTIVITY_COLUMN = 5  # 评估活动 in SurveyTableModel.COLUMNS


class SurveyTab(QWidget):
    counts_changed = Signal(str)
    actions_changed = Signal()

    def __init__(self, ws: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        # Inside the main window its 新增/导入/打印/删除 (Ctrl+N, Ctrl+I, Ctrl+P, Del) call this tab;
        # a second action on the same key would make both ambiguous and the key would do nothing.
        self._own_shortcuts = parent is None
        self._read_only = not ws.can(EDITOR)
        self._importing = False
        self._all: list[surveys.SurveyInfo] = []
        self._current: surveys.SurveyResult | None = None
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.import_action = self._action(self.tr("导入答卷"), self.import_data, QKeySequence("Ctrl+I"), "import")
        self.new_action = self._action(self.tr("新建问卷"), self.add_new, QKeySequence.StandardKey.New, "new_doc")
        self.enter_action = self._action(self.tr("录入答卷"), self.on_enter_action_triggered, icon_name="entry")
        self.form_action = self._action(self.tr("打印问卷"), self.on_form_action_triggered, icon_name="print")
        self.report_action = self._action(self.tr("统计报告"), self.print_current, QKeySequence.StandardKey.Print,
                                          "report")
        self.export_action = self._action(self.tr("导出报告…"), self.on_export_action_triggered, icon_name="export")
        self.link_action = self._action(self.tr("评估活动…"), self.on_link_action_triggered, icon_name="evaluate")
        self.delete_action = self._action(self.tr("删除"), self.delete_selected, QKeySequence.StandardKey.Delete,
                                          "delete")
        self.search = QLineEdit()
        self.search.setObjectName("survey_search")
        self.search.setPlaceholderText(self.tr("搜索问卷标题"))
        self.search.setClearButtonEnabled(True)
        clear_on_escape(self.search)
        self.search.textChanged.connect(self.on_search_text_changed)
        self.toolbar.addWidget(self.search)

        self.model = SurveyTableModel(self)
        self.view = QTableView()
        self.view.setObjectName("survey_view")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # The title takes what the short columns leave (they fit their contents): no sideways scrolling. The
        # activity's title is long: a fixed column, elided, whole in its tooltip, so that it never squeezes the
        # survey's own title to a sliver.
        survey_header = self.view.horizontalHeader()
        em = self.fontMetrics().horizontalAdvance("党")
        for column in range(self.model.columnCount()):
            mode = (QHeaderView.ResizeMode.Stretch if column == 1 else QHeaderView.ResizeMode.Interactive
                    if column == ACTIVITY_COLUMN else QHeaderView.ResizeMode.ResizeToContents)
            survey_header.setSectionResizeMode(column, mode)
        survey_header.resizeSection(ACTIVITY_COLUMN, em * 6)
        self.view.verticalHeader().hide()
        self.view.selectionModel().selectionChanged.connect(self.on_view_selection_changed)
        self.empty_label = QLabel(self.tr("还没有问卷：导入问卷星答卷（按选项文本下载），或新建纸质问卷。"))
        self.empty_label.setObjectName("empty_hint")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.view, 1)
        left_layout.addWidget(self.empty_label)

        self.detail = QWidget()
        self.detail.setObjectName("survey_detail")
        self.detail_layout = QVBoxLayout(self.detail)
        self.detail_scroll = QScrollArea()
        self.detail_scroll.setWidgetResizable(True)
        self.detail_scroll.setWidget(self.detail)
        self.splitter = splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.detail_scroll)
        splitter.setStretchFactor(1, 2)
        # The list's short columns take about 19 characters: room beside them for a title of a dozen.
        splitter.setSizes([em * 32, em * 48])
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addWidget(splitter, 1)
        follow(ws, self, KINDS, self.refresh)
        self.refresh()

    def _action(self, text: str, slot: Any, shortcut: Any = None, icon_name: str = "") -> QAction:
        action = QAction(icon(icon_name, self.palette()), text, self) if icon_name else QAction(text, self)
        action.triggered.connect(slot)
        if shortcut is not None and self._own_shortcuts:
            action.setShortcut(shortcut)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(action)
        self.toolbar.addAction(action)
        return action

    # -------------------------------------------------------------- loading

    def refresh(self) -> None:
        selected = self.current_id()
        with self.ws.read() as session:
            self._all = surveys.list_surveys(session)
        self._show_list(selected)

    def _show_list(self, select_id: int | None) -> None:
        words = self.search.text().strip()
        shown = [s for s in self._all if not words or words in s.title]
        self.model.set_rows(shown)
        self.empty_label.setVisible(not self._all)
        row = self.model.row_of(select_id) if select_id is not None else -1
        if row < 0 and shown:
            row = 0
        if row >= 0:
            self.view.selectRow(row)
        else:
            self.show_survey(None)
        self.counts_changed.emit(self.status_text())

    def current_id(self) -> int | None:
        item = self.model.item_at(self.view.currentIndex().row())
        return item.id if item is not None else None

    def on_search_text_changed(self, _text: str) -> None:
        self._show_list(self.current_id())

    def on_view_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.view.selectionModel().selectedRows()
        item = self.model.item_at(rows[0].row()) if rows else None
        self.show_survey(item.id if item else None)

    def show_survey(self, survey_id: int | None) -> None:
        self._current = None
        if survey_id is not None:
            try:
                with self.ws.read() as session:
                    self._current = surveys.get_survey(session, survey_id)
            except DangxunError:
                self._current = None
        self._fill_detail()
        self._update_actions()

    def _clear_detail(self) -> None:
        while self.detail_layout.count():
            item = self.detail_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.setParent(None)  # gone from findChildren now, freed with the event loop
                widget.deleteLater()

    def _label(self, text: str, name: str = "", bold: bool = False) -> QLabel:
        label = plain(QLabel(text))  # titles and answers as typed
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if name:
            label.setObjectName(name)
        if bold:
            font = label.font()
            font.setBold(True)
            label.setFont(font)
        self.detail_layout.addWidget(label)
        return label

    def _fill_detail(self) -> None:
        self._clear_detail()
        result = self._current
        if result is None:
            self._label(self.tr("选择左边的问卷，查看每道题的统计。"), "detail_hint")
            self.detail_layout.addStretch(1)
            return
        info = result.info
        self._label(info.title, "detail_title", bold=True)
        summary = f"{surveys.SOURCE_LABELS.get(info.source, info.source)}　共{info.responses}份答卷　{len(result.tallies)}道题"
        if info.activity_title:
            summary += f"　评估活动：{info.activity_title}"
        figure = result.satisfaction()
        if figure is not None and figure[1]:
            summary += f"　满意率 {figure[0] * 100 / figure[1]:.1f}%"
        self._label(summary, "detail_summary")
        if info.source == "paper" and not info.responses:
            self._label(self.tr("还没有答卷：打印问卷发放，收回后点“录入答卷”。"), "detail_hint")
        for x in result.tallies:
            self._label(t.heading(x), bold=True)  # as the report heads it: a title's own kind not told twice
            if x.kind == t.TEXT:
                grouped = list(Counter(x.answers).items())
                lines = [f"· {a}" + (f"（{n}人）" if n > 1 else "") for a, n in grouped[:TEXT_SHOWN]]
                if len(grouped) > TEXT_SHOWN:
                    lines.append(f"……共{len(grouped)}种回答，全部见统计报告")
                self._label("\n".join(lines) if lines else self.tr("（无人作答）"))
                continue
            chart = QuestionChart()
            chart.setObjectName(f"chart_{x.number}")
            chart.set_data(list(x.counts.items()), x.answered)
            self.detail_layout.addWidget(chart)
            for option, words in x.others.items():
                distinct = list(dict.fromkeys(words))
                self._label(f"“{option}”填写：" + "；".join(distinct[:TEXT_SHOWN]))
        self.detail_layout.addStretch(1)

    def _update_actions(self) -> None:
        has = self._current is not None
        paper = has and self._current is not None and self._current.info.source == "paper"
        writable = not self._read_only
        self.import_action.setEnabled(writable and not self._importing)
        self.new_action.setEnabled(writable)
        self.enter_action.setEnabled(writable and paper)
        self.form_action.setEnabled(paper)
        self.report_action.setEnabled(has)
        self.export_action.setEnabled(has)
        self.link_action.setEnabled(writable and has)
        self.delete_action.setEnabled(writable and has)
        self.actions_changed.emit()

    # -------------------------------------------------------------- the main window's hooks

    def status_text(self) -> str:
        return f"共{len(self._all)}份问卷"

    def save_settings(self, settings: Any) -> None:
        settings.setValue("survey/splitter", self.splitter.saveState())

    def restore_settings(self, settings: Any) -> None:
        state = settings.value("survey/splitter")
        if state:
            self.splitter.restoreState(state)

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self._update_actions()

    # Surveys hold for the whole bureau: only the office designs, imports or enters them (services.access).
    office_only = True

    def can_add(self) -> bool:
        return not self._read_only

    def can_import(self) -> bool:
        return not self._read_only and not self._importing

    def can_print(self) -> bool:
        return self._current is not None

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _warn(self, exc: DangxunError) -> None:
        typed_text.warning(self, self.tr("问卷调查"), exc.message)

    def import_data(self, path: str | None = None) -> Job | None:
        """Import a 问卷星 export (asks for the file unless given) in the background, with 取消.

        Returns the job (its result: the new survey's id), or None when nothing was started; its end
        shows the new survey, or says why nothing was imported."""
        if self._read_only or self._importing:
            return None
        if path is None:
            path, _ = open_file(self, "survey-import", self.tr("导入问卷星答卷"),
                                                  self.tr("问卷星答卷 (*.xlsx *.xls *.csv)"))
            if not path:
                return None
        from services.survey.wjx_import import read_export

        ws, file = self.ws, Path(path)

        def work(progress: ProgressFn, cancel: threading.Event) -> int:
            parsed = read_export(file, progress=progress, cancel=cancel)
            tick(cancel)
            with ws.write("survey-import", needs=EDITOR, backup=True) as uow:
                survey_id = surveys.save_import(uow.session, parsed, uow.actor, progress=progress, cancel=cancel)
                uow.log(f"导入问卷星答卷 {file.name}（{parsed.responses}份）",
                        {"file": file.name, "rows": parsed.responses}, action="import")
                tick(cancel)  # 取消 pressed while the answers were stored: the transaction rolls back
            return survey_id

        def finished(survey_id: int) -> None:
            self._set_importing(False)
            self.refresh()
            self._show_list(survey_id)

        def failed(error: BaseException) -> None:
            self._set_importing(False)
            if isinstance(error, CancelledError):
                typed_text.information(self, self.tr("问卷调查"), self.tr("已取消，未导入。"))
            elif isinstance(error, DangxunError):
                self._warn(error)
            else:
                report_unexpected(error, "survey-import")

        self._set_importing(True)
        return run_with_progress(self, self.tr("正在导入问卷星答卷……"), work, on_finished=finished, on_failed=failed)

    def _set_importing(self, importing: bool) -> None:
        self._importing = importing
        self._update_actions()

    def _activities(self) -> list[tuple[int, str]]:
        from services.training import activities

        with self.ws.read() as session:
            return [(a.id, f"{a.start_date.isoformat()} {a.title}") for a in activities.list_activities(session)]

    def add_new(self) -> None:
        if self._read_only:
            return
        dialog = DesignDialog(self.ws, self, self._activities())
        dialog.created.connect(self._after_create)
        dialog.exec()

    def _after_create(self, survey_id: int) -> None:
        self.refresh()
        self._show_list(survey_id)

    def on_enter_action_triggered(self) -> None:
        if self._current is None or self._read_only:
            return
        EntryDialog(self.ws, self._current.info.id, self).exec()
        self.refresh()

    def _preview(self, path: Path, title: str) -> None:
        from ui.widgets.pdf_preview import PdfPreviewDialog

        PdfPreviewDialog(path, title, self).exec()

    def _temp_pdf(self, stem: str) -> Path:
        return Path(tempfile.mkdtemp(prefix="dangxun-survey-")) / f"{stem}.pdf"

    def on_form_action_triggered(self) -> None:
        from services.survey import survey_form

        if self._current is None:
            return
        out = self._temp_pdf("问卷")
        try:
            survey_form.write_form(self._current, out)
        except DangxunError as exc:
            self._warn(exc)
            return
        self._preview(out, self._current.info.title)

    def _write_report(self, out: Path, on_done: Any = None) -> Job | None:
        """Write the current survey's report (PDF or Word, by `out`'s suffix) in the background, with its progress
        and 取消 (20 000 written answers are some 900 pages), then `on_done()`. A failure is shown; a cancelled
        report leaves no file. Returns the job, or None when no survey is shown."""
        from services.survey import survey_report

        result = self._current
        if result is None:
            return None

        def work(progress: ProgressFn, cancel: threading.Event) -> int:
            return survey_report.write_report(result, out, progress=progress, cancel=cancel)

        def failed(error: BaseException) -> None:
            if isinstance(error, CancelledError):
                return
            if isinstance(error, DangxunError):
                self._warn(error)
            else:
                report_unexpected(error, "survey-report")

        return run_with_progress(self, self.tr("正在生成统计报告……"), work, write=False, on_failed=failed,
                                 on_finished=lambda _pages: on_done() if on_done is not None else None)

    def print_current(self) -> Job | None:
        if self._current is None:
            return None
        out = self._temp_pdf("问卷统计报告")
        title = f"{self._current.info.title}统计报告"
        return self._write_report(out, lambda: self._preview(out, title))

    def on_export_action_triggered(self) -> Job | None:
        if self._current is None:
            return None
        path, _ = save_file(self, "pdf", self.tr("导出统计报告"), f"{self._current.info.title}统计报告.pdf",
                                              self.tr("PDF (*.pdf);;Word (*.docx)"))
        if not path:
            return None
        return self._write_report(Path(path))

    def on_link_action_triggered(self) -> None:
        if self._current is None or self._read_only:
            return
        choices = [(None, self.tr("（不评估具体活动）"))] + [(i, text) for i, text in self._activities()]
        labels = [text for _, text in choices]
        current = next((n for n, (i, _) in enumerate(choices) if i == self._current.info.activity_id), 0)
        label, ok = QInputDialog.getItem(self, self.tr("评估活动"), self.tr("这份问卷评估哪一项活动（培训班）："),
                                         labels, current, False)
        if ok:
            self.link_activity(choices[labels.index(label)][0])

    def link_activity(self, activity_id: int | None) -> None:
        if self._current is None:
            return
        try:
            with self.ws.write("survey-link", needs=EDITOR) as uow:
                surveys.set_activity(uow.session, self._current.info.id, activity_id)
        except DangxunError as exc:
            self._warn(exc)

    def delete_selected(self, confirm: bool = True) -> None:
        if self._current is None or self._read_only:
            return
        info = self._current.info
        if confirm and not confirm_irreversible(
                self, self.tr("删除问卷"), self.tr("删除问卷“%s”及其%d份答卷？此操作不能撤销（删除前会自动备份）。")
                % (info.title, info.responses), self.tr("删除问卷"), self.tr("不删除")):
            return
        try:
            with self.ws.write("survey-delete", needs=EDITOR, backup=True) as uow:
                surveys.delete_survey(uow.session, info.id)
                uow.log(f"删除问卷“{info.title}”")
        except DangxunError as exc:
            self._warn(exc)
