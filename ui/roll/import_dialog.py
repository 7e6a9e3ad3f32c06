"""导入花名册: pick a file, preview what the import would do, confirm to write it all in one transaction."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from services.errors import CancelledError, DangxunError
from services.files.spreadsheet import describe_source, sheet_names
from services.roll.roll_import import (
    ImportPlan,
    ImportResult,
    apply_import,
    plan_import,
    write_refused_rows,
)
from services.workspace import EDITOR, Workspace
from ui.dialog_sizes import keep_size
from ui.roll.import_preview_table_model import ImportPreviewTableModel
from ui.widgets.errors import error_text, log_error, show_error
from ui.widgets.file_dialogs import open_file, save_file
from ui.widgets.typed_text import as_typed, plain

FILE_FILTER = "电子表格 (*.xlsx *.xlsm *.xls *.ods *.csv);;所有文件 (*)"
DUPLICATE_CHOICES = (("update", "更新（以本表为准）"), ("skip", "跳过"), ("refuse", "拒绝导入"))

ProgressFn = Callable[[int, str], None]
JobFn = Callable[[ProgressFn, threading.Event], Any]
# run(parent, title, fn, on_finished=..., on_failed=...): ui.widgets.jobs.run_with_progress, or a stand-in in tests.
Runner = Callable[..., Any]


def default_runner() -> Runner:
    from ui.widgets.jobs import run_with_progress

    return run_with_progress


class ImportDialog(QDialog):
    """The preview: counts, refused rows with reasons, field changes, duplicates and new branches."""

    import_finished = Signal(object)

    def __init__(self, ws: Workspace, path: Path | str, parent: QWidget | None = None,
                 runner: Runner | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.path = Path(path)
        self.runner = runner or default_runner()
        self.plan: ImportPlan | None = None
        self.import_result: ImportResult | None = None
        self.error: str | None = None
        self._busy = False
        self.setWindowTitle(self.tr("导入花名册"))
        self.resize(860, 600)
        self._build()
        keep_size(self, "roll-import")
        self._load_sheets()
        self.replan()

    # ---------------------------------------------------------------- layout

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.form = form = QFormLayout()
        self.file_label = plain(QLabel(str(self.path)))
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("文件："), self.file_label)
        self.sheet_combo = QComboBox()
        self.sheet_combo.setObjectName("sheet_combo")
        form.addRow(self.tr("工作表："), self.sheet_combo)
        dup_row = QHBoxLayout()
        self.duplicate_group = QButtonGroup(self)
        self.duplicate_buttons: dict[str, QRadioButton] = {}
        for key, text in DUPLICATE_CHOICES:
            button = QRadioButton(self.tr(text))
            button.setObjectName(f"duplicate_{key}")
            self.duplicate_group.addButton(button)
            self.duplicate_buttons[key] = button
            dup_row.addWidget(button)
        dup_row.addStretch(1)
        self.duplicate_buttons["refuse"].setChecked(True)
        form.addRow(self.tr("库中已有的党员："), dup_row)
        self.source_label = plain(QLabel())
        self.source_label.setObjectName("source_label")
        self.source_label.setWordWrap(True)
        form.addRow(self.tr("读取为："), self.source_label)
        layout.addLayout(form)

        self.counts_label = plain(QLabel())
        self.counts_label.setObjectName("counts_label")
        font = self.counts_label.font()
        font.setBold(True)
        self.counts_label.setFont(font)
        layout.addWidget(self.counts_label)
        self.message_label = plain(QLabel())
        self.message_label.setWordWrap(True)
        self.message_label.setObjectName("message_label")
        layout.addWidget(self.message_label)

        self.refused_model = ImportPreviewTableModel("refused", self)
        self.added_model = ImportPreviewTableModel("added", self)
        self.updated_model = ImportPreviewTableModel("updated", self)
        self.tabs = QTabWidget()
        self.refused_view = self._table(self.refused_model)
        self.added_view = self._table(self.added_model)
        self.updated_view = self._table(self.updated_model)
        self.tabs.addTab(self._refused_page(), self.tr("有问题的行"))
        self.tabs.addTab(self.added_view, self.tr("将新增的党员"))
        self.tabs.addTab(self.updated_view, self.tr("将更新的内容"))
        layout.addWidget(self.tabs, 1)

        self.branches_label = plain(QLabel())
        self.branches_label.setWordWrap(True)
        self.create_branches_check = QCheckBox(self.tr("新建以上党支部"))
        self.create_branches_check.setObjectName("create_branches_check")
        layout.addWidget(self.branches_label)
        layout.addWidget(self.create_branches_check)

        self.buttons = QDialogButtonBox()
        self.save_errors_button = QPushButton(self.tr("保存有问题的行…"))
        self.save_errors_button.setObjectName("save_errors_button")
        self.confirm_button = QPushButton(self.tr("确认导入"))
        self.confirm_button.setObjectName("confirm_button")
        self.confirm_button.setDefault(True)
        self.buttons.addButton(self.save_errors_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.confirm_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = QPushButton(self.tr("取消"))
        self.buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.rejected.connect(self.reject)
        # Why 确认导入 is off (or what it will do), beside the buttons.
        self.reason_label = plain(QLabel())
        self.reason_label.setObjectName("reason_label")
        self.reason_label.setWordWrap(True)
        self.reason_label.setStyleSheet("color: palette(mid);")
        bottom = QHBoxLayout()
        bottom.addWidget(self.reason_label, 1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)

        self.sheet_combo.currentIndexChanged.connect(self.on_sheet_combo_changed)
        self.duplicate_group.buttonClicked.connect(self.on_duplicate_group_clicked)
        self.create_branches_check.toggled.connect(lambda _checked: self._update_buttons())
        self.save_errors_button.clicked.connect(self.save_refused_rows)
        self.confirm_button.clicked.connect(self.confirm)

    def _refused_page(self) -> QWidget:
        """The refused rows, and under them the selected row's whole reason (a long one is cut in its cell).

        A field under the list rather than wrapped rows: rows of one height stay fast at 50 000 problems."""
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.refused_view, 1)
        self.refused_detail = QPlainTextEdit()
        self.refused_detail.setObjectName("refused_detail")
        self.refused_detail.setReadOnly(True)
        self.refused_detail.setPlaceholderText(self.tr("选中一行，在此查看完整的原因"))
        self.refused_detail.setTabChangesFocus(True)
        metrics = self.refused_detail.fontMetrics()
        frame = 2 * (self.refused_detail.frameWidth() + int(self.refused_detail.document().documentMargin()))
        self.refused_detail.setFixedHeight(metrics.lineSpacing() * 3 + frame)
        layout.addWidget(self.refused_detail)
        self.refused_view.selectionModel().currentRowChanged.connect(self.on_refused_row_changed)
        self.refused_model.modelReset.connect(self.refused_detail.clear)  # another sheet, or the file unreadable
        return page

    def on_refused_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.refused_detail.clear()
            return
        row, column, reason = self.refused_model.row_values(current.row())
        # The reason as the check wrote it (plain text: a typed value in it is shown, never read as markup).
        self.refused_detail.setPlainText(self.tr("第{0}行，{1}：{2}").format(row, column, reason))

    def _table(self, model: ImportPreviewTableModel) -> QTableView:
        view = QTableView()
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setAlternatingRowColors(True)
        view.verticalHeader().hide()
        header = view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view.setColumnWidth(0, 60)
        view.setColumnWidth(1, 120)
        return view

    def _load_sheets(self) -> None:
        self.sheet_combo.blockSignals(True)
        try:
            names = sheet_names(self.path) if self.path.suffix.lower() != ".csv" else []
        except DangxunError:
            names = []
        self.sheet_combo.addItem(self.tr("（自动：找到表头的工作表）"), None)
        for name in names:
            self.sheet_combo.addItem(name, name)
        self.form.setRowVisible(self.sheet_combo, len(names) > 1)
        self.sheet_combo.blockSignals(False)

    # ---------------------------------------------------------------- state

    @property
    def on_duplicate(self) -> str:
        for key, button in self.duplicate_buttons.items():
            if button.isChecked():
                return key
        return "refuse"

    def set_on_duplicate(self, key: str) -> None:
        self.duplicate_buttons[key].setChecked(True)
        self.replan()

    def on_sheet_combo_changed(self, _index: int) -> None:
        self.replan()

    def on_duplicate_group_clicked(self, _button: Any) -> None:
        self.replan()

    def replan(self) -> None:
        """Check the file again (another sheet or duplicate choice); nothing is written."""
        sheet = self.sheet_combo.currentData()
        on_duplicate = self.on_duplicate
        path = self.path
        ws = self.ws

        def work(progress: ProgressFn, cancel: threading.Event) -> ImportPlan:
            with ws.read() as session:
                return plan_import(session, path, sheet=sheet, on_duplicate=on_duplicate,
                                   progress=progress, cancel=cancel)

        self._set_busy(True)
        self.counts_label.setText(self.tr("正在检查……"))
        self.runner(self, self.tr("正在检查花名册"), work, on_finished=self.on_plan_ready,
                    on_failed=self.on_plan_failed, write=False)

    def on_plan_ready(self, plan: ImportPlan) -> None:
        self._set_busy(False)
        self.plan = plan
        self.error = None
        for model in (self.refused_model, self.added_model, self.updated_model):
            model.set_plan(plan)
        self._title_tabs(plan)
        self.counts_label.setText(self.tr(
            "新增 {0} 名 · 更新 {1} 名 · 未变 {2} 名 · 跳过 {3} 名 · 有问题 {4} 行").format(
            len(plan.added), len(plan.updated), len(plan.unchanged), len(plan.skipped), len(plan.refused_rows)))
        self.source_label.setText(describe_source(plan.form, plan.sheets))
        notes = [self.tr("工作表“{0}”，表头在第{1}行，共{2}行数据。").format(plan.sheet, plan.header_row, plan.total_rows)]
        if plan.ignored_columns:
            notes.append(self.tr("以下列不认识，不会导入：{0}。").format("、".join(plan.ignored_columns)))
        if plan.refused:
            notes.append(self.tr("有问题的行须先改正：整份花名册都不会导入。可把这些行另存为 Excel，改好后再导入。"))
        self.message_label.setText("".join(notes))
        if plan.new_branches:
            self.branches_label.setText(self.tr("表中有尚不存在的党支部：{0}").format("、".join(plan.new_branches)))
        self.branches_label.setVisible(bool(plan.new_branches))
        self.create_branches_check.setVisible(bool(plan.new_branches))
        self.tabs.setCurrentIndex(0 if plan.refused else 1 if plan.added or not plan.updated else 2)
        if plan.refused:  # the first problem's whole reason is in view at once
            self.refused_view.setCurrentIndex(self.refused_model.index(0, 0))
        self._update_buttons()

    def _title_tabs(self, plan: ImportPlan | None) -> None:
        counts = (len(plan.refused_rows), len(plan.added), len(plan.updated)) if plan is not None else (0, 0, 0)
        for i, (title, n) in enumerate(zip((self.tr("有问题的行"), self.tr("将新增的党员"), self.tr("将更新的内容")),
                                           counts, strict=True)):
            self.tabs.setTabText(i, f"{title}（{n}）" if plan is not None else title)

    def on_plan_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self.plan = None
        for model in (self.refused_model, self.added_model, self.updated_model):
            model.set_plan(None)
        self._title_tabs(None)
        message = error_text(error) if isinstance(error, DangxunError) else self.tr("检查时出错：{0}").format(error)
        self.error = message
        self.counts_label.setText(self.tr("无法导入"))
        self.source_label.clear()
        self.message_label.setText(message)
        self.branches_label.hide()
        self.create_branches_check.hide()
        self._update_buttons()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_buttons()

    def _update_buttons(self) -> None:
        plan = self.plan
        ready = (not self._busy and self.import_result is None and plan is not None and plan.can_apply
                 and (not plan.new_branches or self.create_branches_check.isChecked())
                 and bool(plan.added or plan.updated))
        self.confirm_button.setEnabled(ready)
        self.save_errors_button.setEnabled(not self._busy and plan is not None and bool(plan.refused))
        reason = self._confirm_reason(ready)
        self.reason_label.setText(reason)
        self.confirm_button.setToolTip(as_typed(reason))

    def _confirm_reason(self, ready: bool) -> str:
        """What 确认导入 will do, or why it cannot yet."""
        plan = self.plan
        if self.import_result is not None:
            return ""
        if self._busy:
            return self.tr("正在处理，请稍候……")
        if plan is None:
            return self.tr("无法导入：见上方说明。")
        if plan.refused:
            return self.tr("有{0}行有问题，须先改正后再导入；可点“保存有问题的行…”，改好后重新导入。").format(
                len(plan.refused_rows))
        if plan.new_branches and not self.create_branches_check.isChecked():
            return self.tr("表中有尚不存在的党支部：勾选“新建以上党支部”后才能导入。")
        if not (plan.added or plan.updated):
            return self.tr("没有要新增或更新的党员：表中的人员都已在库中，且内容相同（或已选择跳过）。")
        if ready:
            return self.tr("将新增{0}名、更新{1}名党员；导入前自动备份数据库。").format(len(plan.added), len(plan.updated))
        return ""

    # ---------------------------------------------------------------- actions

    def confirm(self) -> None:
        plan = self.plan
        if plan is None or not self.confirm_button.isEnabled():
            return
        create = self.create_branches_check.isChecked()
        ws, reason = self.ws, f"导入花名册 {self.path.name} 之前"

        def work(progress: ProgressFn, cancel: threading.Event) -> ImportResult:
            # The unit of work checks the role, backs up first, writes in one transaction, announces.
            with ws.write("import-roll", needs=EDITOR, backup=reason, what="导入花名册") as uow:
                return apply_import(uow.session, plan, uow.actor, create_branches=create,
                                    progress=progress, cancel=cancel)

        self._set_busy(True)
        self.runner(self, self.tr("正在导入花名册"), work, on_finished=self.on_import_done,
                    on_failed=self.on_import_failed, write=True)

    def on_import_done(self, result: ImportResult) -> None:
        """The result stays in view: what was added, updated, left alone; the dialog closes with 关闭."""
        self.import_result = result
        self._set_busy(False)
        self.import_finished.emit(result)
        parts = [self.tr("新增{0}名").format(result.added), self.tr("更新{0}名").format(result.updated),
                 self.tr("未变{0}名").format(result.unchanged)]
        if result.skipped:
            parts.append(self.tr("跳过{0}名").format(result.skipped))
        self.counts_label.setText(self.tr("导入完成：{0}。").format("，".join(parts)))
        notes = [self.tr("导入前的数据库已自动备份。")]
        if result.branches_created:
            notes.insert(0, self.tr("已新建党支部：{0}。").format("、".join(result.branches_created)))
        self.message_label.setText("".join(notes))
        self.reason_label.clear()
        self.confirm_button.hide()
        self.save_errors_button.hide()
        self.close_button.setText(self.tr("关闭"))
        self.close_button.setDefault(True)
        self.close_button.setFocus()
        for control in (*self.duplicate_buttons.values(), self.sheet_combo, self.create_branches_check):
            control.setEnabled(False)

    def on_import_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        if isinstance(error, CancelledError):
            self.message_label.setText(self.tr("导入已取消，数据库未作改动。"))
            return
        if not isinstance(error, DangxunError):
            log_error(error, "import-roll")
        self.message_label.setText(self.tr("导入失败，数据库未作改动：{0}").format(error_text(error)))

    def save_refused_rows(self, path: str | None = None) -> Path | None:
        if self.plan is None or not self.plan.refused:
            return None
        if not path:
            suggested = str(self.path.with_name(self.path.stem + "-有问题的行.xlsx"))
            path, _ = save_file(self, "export", self.tr("保存有问题的行"), suggested, "Excel (*.xlsx)")
            if not path:
                return None
        try:
            out = write_refused_rows(self.plan, Path(path))
        except (DangxunError, OSError) as exc:
            show_error(self, self.tr("无法保存"), exc)
            return None
        self.message_label.setText(self.tr("有问题的行已保存到 {0}（含“错误原因”列），改正后可再次导入。").format(out))
        return out


def start_roll_import(parent: QWidget | None, ws: Workspace, runner: Runner | None = None) -> ImportResult | None:
    """导入花名册: ask for a file, then show the preview; returns what was written, or None."""
    title = QCoreApplication.translate("ImportDialog", "导入花名册")
    path, _ = open_file(parent, "roll-import", title, FILE_FILTER)
    if not path:
        return None
    dialog = ImportDialog(ws, path, parent, runner=runner)
    dialog.exec()
    return dialog.import_result


def connect_members_tab(tab: Any, ws: Workspace, runner: Runner | None = None) -> None:
    """Wire the members tab's 导入花名册 (signal `import_roll_requested`) to this dialog.

    Every tab that shows members follows the workspace, so nothing needs refreshing by hand after.
    """

    def on_requested() -> None:
        start_roll_import(tab, ws, runner=runner)

    tab.import_roll_requested.connect(on_requested)
    tab.set_import_available(True)
