"""The members tab: branch tree with counts, the roll as a table, search, filters, add/edit/transfer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPoint, QSettings, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTableView,
    QToolBar,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from services.errors import DangxunError
from services.normalize import LEFT_STATUSES
from services.version import APP_NAME
from ui.roll.branch_tree_model import BranchTreeModel
from ui.roll.member_table_model import (
    COLUMNS,
    POST_ANY,
    POST_COMMITTEE,
    POST_NONE,
    MemberTableModel,
)

if TYPE_CHECKING:
    from services.roll.members import MemberRecord

# services.roll.members and services.roll.branches import SQLAlchemy: they are imported where first used,
# so that the window can paint before that (see ui/app.py).

# Column widths in characters of the current font (so scaling and high-DPI are respected).
_COLUMN_CHARS = {"name": 6, "sex": 3, "id_number": 13, "birth_date": 7, "branch": 10, "membership": 5,
                 "party_post": 5, "joined_party": 7, "full_member_since": 7, "education": 5,
                 "ethnicity": 4, "job": 7, "staff_status": 4, "phone": 8, "joined_org": 7,
                 "status": 3, "left_date": 7, "remarks": 10}
EMPTY_TEXT = "还没有党员：导入花名册，或载入示例数据"


class MembersTab(QWidget):
    """党员 tab. Constructor (session_factory, actor, parent); `refresh()` reloads from the database."""

    # The Excel helper connects this to its roll import and then calls set_import_available(True).
    import_roll_requested = Signal()
    counts_changed = Signal(str)
    members_changed = Signal()
    # What the main window's menu can do here changed (e.g. import became available).
    actions_changed = Signal()
    # 导出: "all", "branch", "filter" or "template"; the main window does the export.
    export_requested = Signal(str)

    def __init__(self, session_factory: Any, actor: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session_factory = session_factory
        self.actor = actor
        self._import_available = False
        self._export_available = False
        self._export_wired = False
        self._read_only = False
        self._branch_id: int | None = None
        self._totals = ""
        self._out_dir: Path | None = None  # temporary folder of printouts, made on the first print

        self.model = MemberTableModel(self)
        self.tree_model = BranchTreeModel(self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.setSpacing(6)
        layout.addWidget(self._build_toolbar())

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.tree = self._build_tree()
        self.splitter.addWidget(self.tree)
        self.stack = QStackedWidget()
        self.table = self._build_table()
        self.stack.addWidget(self.table)
        self.empty_page = self._build_empty_page()
        self.stack.addWidget(self.empty_page)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        em = self.fontMetrics().horizontalAdvance("党")
        self.splitter.setSizes([em * 17, em * 60])
        layout.addWidget(self.splitter, 1)
        self._update_actions()

    # ------------------------------------------------------------ building

    def _action(self, text: str, icon: QStyle.StandardPixmap, slot: Callable[[], Any],
                tip: str = "") -> QAction:
        action = QAction(self.style().standardIcon(icon), text, self)
        action.triggered.connect(slot)
        if tip:
            action.setToolTip(tip)
        return action

    def _build_toolbar(self) -> QToolBar:
        bar = QToolBar()
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        sp = QStyle.StandardPixmap
        self.act_add = self._action(self.tr("新增"), sp.SP_FileIcon, self.add_new, self.tr("新增党员（Ctrl+N）"))
        self.act_edit = self._action(self.tr("修改"), sp.SP_FileDialogDetailedView, self.edit_selected,
                                     self.tr("修改所选党员（双击行）"))
        self.act_transfer = self._action(self.tr("转出…"), sp.SP_ArrowForward, self.transfer_selected,
                                         self.tr("转出、去世、出党或停止党籍（Delete）"))
        self.act_reinstate = self._action(self.tr("恢复在册"), sp.SP_BrowserReload, self.reinstate_selected)
        self.act_import = self._action(self.tr("导入"), sp.SP_DialogOpenButton, self.import_data,
                                       self.tr("导入花名册（Ctrl+I）"))
        self.act_print = self._action(self.tr("打印"), sp.SP_FileDialogContentsView, self.print_current,
                                      self.tr("把当前显示的党员打印为花名册（Ctrl+P）"))
        self.act_print.setObjectName("members_print")
        for action in (self.act_add, self.act_edit, self.act_transfer, self.act_import, self.act_print):
            bar.addAction(action)
        self.export_button = QToolButton()
        self.export_button.setObjectName("export_button")
        self.export_button.setText(self.tr("导出"))
        self.export_button.setIcon(self.style().standardIcon(sp.SP_DialogSaveButton))
        self.export_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        export_menu = QMenu(self.export_button)
        self.export_actions: dict[str, QAction] = {}
        for kind, text in (("all", self.tr("花名册（全部）…")), ("branch", self.tr("当前党支部…")),
                           ("filter", self.tr("当前筛选结果…")), ("template", self.tr("导入模板…"))):
            action = export_menu.addAction(text)
            action.triggered.connect(lambda _checked=False, k=kind: self.export_requested.emit(k))
            self.export_actions[kind] = action
        export_menu.insertSeparator(self.export_actions["template"])
        self.export_button.setMenu(export_menu)
        self.export_button.setEnabled(False)
        bar.addWidget(self.export_button)

        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)

        self.search = QLineEdit()
        self.search.setObjectName("member_search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("搜索：姓名、拼音首字母、身份证尾号、电话"))
        self.search.setMinimumWidth(self.fontMetrics().horizontalAdvance("党") * 18)
        self.search.textChanged.connect(self.on_search_text_changed)
        bar.addWidget(self.search)

        self.membership_filter = self._combo("membership_filter", (
            (self.tr("全部类别"), None), (self.tr("正式党员"), "正式党员"), (self.tr("预备党员"), "预备党员")))
        self.status_filter = self._combo("status_filter", (
            (self.tr("在册"), ("在册",)), (self.tr("已离开"), LEFT_STATUSES),
            *((self.tr(s), (s,)) for s in LEFT_STATUSES), (self.tr("全部状态"), None)))
        self.post_filter = self._combo("post_filter", (
            (self.tr("全部职务"), None), (self.tr("支委"), POST_COMMITTEE),
            (self.tr("有党内职务"), POST_ANY), (self.tr("无党内职务"), POST_NONE)))
        for combo in (self.membership_filter, self.status_filter, self.post_filter):
            bar.addWidget(combo)
        return bar

    def _combo(self, name: str, items: Any) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        for text, data in items:
            combo.addItem(text, data)
        combo.currentIndexChanged.connect(self.apply_filters)
        return combo

    def _build_tree(self) -> QTreeView:
        tree = QTreeView()
        tree.setObjectName("branch_tree")
        tree.setModel(self.tree_model)
        tree.setHeaderHidden(True)
        tree.setRootIsDecorated(False)
        tree.setItemsExpandable(False)
        tree.setUniformRowHeights(True)
        tree.header().setStretchLastSection(False)
        tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        tree.customContextMenuRequested.connect(self.on_tree_context_menu)
        tree.selectionModel().currentChanged.connect(self.on_tree_current_changed)
        tree.setIndentation(self.fontMetrics().horizontalAdvance("党"))

        sp = QStyle.StandardPixmap
        self.act_branch_new = self._action(self.tr("新建党支部…"), sp.SP_FileDialogNewFolder, self.new_branch)
        self.act_branch_rename = self._action(self.tr("重命名…"), sp.SP_FileDialogContentsView, self.rename_branch)
        self.act_branch_up = self._action(self.tr("上移"), sp.SP_ArrowUp, lambda: self.move_branch(-1))
        self.act_branch_down = self._action(self.tr("下移"), sp.SP_ArrowDown, lambda: self.move_branch(1))
        self.act_branch_merge = self._action(self.tr("合并到…"), sp.SP_DialogApplyButton, self.merge_branch)
        self.act_branch_delete = self._action(self.tr("删除"), sp.SP_TrashIcon, self.delete_branch)
        return tree

    def _build_table(self) -> QTableView:
        table = QTableView()
        table.setObjectName("member_table")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # Fixed row heights: never ResizeToContents on a table that may hold 100 000 rows.
        vheader = table.verticalHeader()
        vheader.setVisible(False)
        vheader.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vheader.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        char = self.fontMetrics().horizontalAdvance("党")
        for i, column in enumerate(COLUMNS):
            header.resizeSection(i, char * _COLUMN_CHARS.get(column.key, 6) + char)
        table.setSortingEnabled(True)
        table.doubleClicked.connect(self.on_table_double_clicked)
        table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self.on_table_context_menu)
        return table

    def _build_empty_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("empty_state")
        layout = QVBoxLayout(page)
        layout.addStretch(2)
        # A first start (no branches, no members) greets the clerk before saying what to do next.
        self.welcome_label = QLabel(self.tr("欢迎使用{0}").format(APP_NAME))
        self.welcome_label.setObjectName("welcome_title")
        self.welcome_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        welcome_font = self.welcome_label.font()
        welcome_font.setPointSizeF(welcome_font.pointSizeF() * 1.8)
        welcome_font.setBold(True)
        self.welcome_label.setFont(welcome_font)
        self.welcome_label.setStyleSheet("color: #B71C1C;")
        layout.addWidget(self.welcome_label)
        layout.addSpacing(self.fontMetrics().height())
        title = QLabel(self.tr(EMPTY_TEXT))
        title.setObjectName("empty_text")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        title.setFont(font)
        layout.addWidget(title)
        hint = QLabel(self.tr("花名册可以是 Excel、WPS 或 CSV 文件；示例数据是一个虚构的机关（11个党支部、100名党员），"
                              "可随时用于熟悉操作。"))
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setWordWrap(True)
        hint.setObjectName("empty_hint")
        layout.addWidget(hint)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.load_demo_button = QPushButton(self.tr("载入示例数据"))
        self.load_demo_button.setObjectName("load_demo_button")
        self.load_demo_button.setProperty("primary", True)
        self.load_demo_button.clicked.connect(self.load_demo)
        self.import_roll_button = QPushButton(self.tr("导入花名册…"))
        self.import_roll_button.setObjectName("import_roll_button")
        self.import_roll_button.setEnabled(False)
        self.import_roll_button.setToolTip(self.tr("从 Excel 花名册导入党员"))
        self.import_roll_button.clicked.connect(self.import_roll_requested.emit)
        self.new_branch_button = QPushButton(self.tr("新建党支部…"))
        self.new_branch_button.setObjectName("new_branch_button")
        self.new_branch_button.clicked.connect(self.new_branch)
        for button in (self.load_demo_button, self.import_roll_button, self.new_branch_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addSpacing(self.fontMetrics().height())
        layout.addLayout(buttons)
        layout.addStretch(3)
        return page

    # ------------------------------------------------------------ loading

    @staticmethod
    def read_roll(session: Any) -> tuple[list[MemberRecord], list[Any]]:
        """Everything the tab shows, read in one session; touches no widget (may run in a thread)."""
        from services.roll import branches as branch_service
        from services.roll import members as member_service

        return member_service.list_members(session), branch_service.list_branches(session)

    def refresh(self) -> None:
        """Reload branches and members from the database, keeping the selection where possible."""
        with self.session_factory() as session:
            records, branches = self.read_roll(session)
        self.show_roll(records, branches)

    def show_roll(self, records: list[MemberRecord], branches: list[Any]) -> None:
        """Show what read_roll returned."""
        selected = self.selected_record()
        self.tree_model.set_branches(branches)
        self.tree.expandAll()
        index = self.tree_model.branch_index(self._branch_id) if self._branch_id is not None else QModelIndex()
        if not index.isValid():
            self._branch_id = None
            index = self.tree_model.top_index()
        self.tree.setCurrentIndex(index)
        self.model.set_records(records)
        self.apply_filters()
        active = sum(1 for r in records if r.status == "在册")
        probationary = sum(1 for r in records if r.status == "在册" and r.membership == "预备党员")
        self._totals = self.tr("在册党员 {0} 名（其中预备党员 {1} 名）· 党支部 {2} 个").format(
            active, probationary, len(branches))
        self.stack.setCurrentWidget(self.table if records else self.empty_page)
        self.welcome_label.setVisible(not records and not branches)
        if selected is not None:
            self.select_member(selected.id)
        self._emit_counts()

    def apply_filters(self) -> None:
        statuses = self.status_filter.currentData()
        self.model.set_filters(branch_id=self._branch_id, membership=self.membership_filter.currentData(),
                               statuses=statuses, post=self.post_filter.currentData())
        self._emit_counts()
        self._update_actions()

    def on_search_text_changed(self, text: str) -> None:
        self.model.set_search(text)
        self._emit_counts()
        self._update_actions()

    def on_tree_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        branch = self.tree_model.branch_at(current)
        branch_id = branch.id if branch is not None else None
        self._update_branch_actions()
        if branch_id != self._branch_id:
            self._branch_id = branch_id
            self.apply_filters()

    def status_text(self) -> str:
        shown = self.model.visible_count()
        if not self.model.total_count():
            return self.tr("还没有党员 · 党支部 {0} 个").format(len(self.tree_model.branches()))
        return self.tr("{0} · 当前显示 {1} 名").format(self._totals, shown)

    def _emit_counts(self) -> None:
        self.counts_changed.emit(self.status_text())

    # ------------------------------------------------------------ selection

    def selected_record(self) -> MemberRecord | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.record_at(rows[0].row())

    def select_member(self, member_id: int) -> bool:
        row = self.model.row_of_member(member_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _update_actions(self) -> None:
        record = self.selected_record()
        writable = not self._read_only
        self.act_edit.setEnabled(writable and record is not None)
        self.act_transfer.setEnabled(writable and record is not None and record.status == "在册")
        self.act_reinstate.setEnabled(writable and record is not None and record.status != "在册")
        self.act_import.setEnabled(writable and self._import_available)
        self.act_add.setEnabled(writable and bool(self.tree_model.branches()))
        self.export_button.setEnabled(self._export_wired)
        for kind, action in self.export_actions.items():
            action.setEnabled(kind == "template" or self._export_available)
        printable = self.can_print()
        if printable != self.act_print.isEnabled():
            self.act_print.setEnabled(printable)
            self.actions_changed.emit()  # the window's Ctrl+P follows
        self._update_branch_actions()

    def _update_branch_actions(self) -> None:
        branch = self.tree_model.branch_at(self.tree.currentIndex())
        branches = self.tree_model.branches()
        position = branches.index(branch) if branch is not None else -1
        writable = not self._read_only
        self.act_branch_new.setEnabled(writable)
        for action in (self.act_branch_rename, self.act_branch_merge, self.act_branch_delete):
            action.setEnabled(writable and branch is not None)
        self.act_branch_up.setEnabled(writable and position > 0)
        self.act_branch_down.setEnabled(writable and 0 <= position < len(branches) - 1)
        self.act_branch_merge.setEnabled(writable and branch is not None and len(branches) > 1)

    # ------------------------------------------------------------ what the main window calls

    def set_read_only(self, read_only: bool) -> None:
        """A 查阅 account: nothing here may change the roll (the services do not check roles)."""
        self._read_only = read_only
        for button in (self.load_demo_button, self.import_roll_button, self.new_branch_button):
            button.setEnabled(not read_only and (button is not self.import_roll_button or self._import_available))
        self._update_actions()
        self.actions_changed.emit()

    def is_read_only(self) -> bool:
        return self._read_only

    def set_full_numbers(self, full: bool) -> None:
        """Phone numbers in full (管理员, 录入员) or masked (查阅); see services/safety/privacy.py."""
        self.model.set_full_numbers(full)

    def set_export_available(self, available: bool) -> None:
        """Roll exports (they hold full ID numbers) for roles that may see them; the template always."""
        self._export_available = available
        self._export_wired = True
        self._update_actions()

    def current_branch(self) -> Any:
        """The branch selected in the tree (a BranchInfo), or None for 全部."""
        return self._current_branch()

    def visible_records(self) -> list[MemberRecord]:
        return self.model.visible_records()

    def can_add(self) -> bool:
        return not self._read_only

    def add_new(self) -> None:
        from ui.roll.member_dialog import MemberDialog

        if self._read_only:
            return

        names = [b.name for b in self.tree_model.branches()]
        if not names:
            QMessageBox.information(self, self.tr("新增党员"), self.tr("请先新建党支部，再添加党员。"))
            return
        current = self.tree_model.branch_at(self.tree.currentIndex())
        dialog = MemberDialog(self.session_factory, self.actor, names,
                              default_branch=current.name if current else None, parent=self)
        if dialog.exec() and dialog.saved is not None:
            self._after_write(dialog.saved.id)

    def edit_selected(self) -> None:
        from ui.roll.member_dialog import MemberDialog

        record = self.selected_record()
        if record is None or self._read_only:
            return
        dialog = MemberDialog(self.session_factory, self.actor, [b.name for b in self.tree_model.branches()],
                              record=record, parent=self)
        if dialog.exec() and dialog.saved is not None:
            self._after_write(dialog.saved.id)

    def transfer_selected(self) -> None:
        from ui.roll.transfer_dialog import TransferDialog

        record = self.selected_record()
        if record is None or record.status != "在册" or self._read_only:
            return
        dialog = TransferDialog(self.session_factory, self.actor, record, parent=self)
        if dialog.exec() and dialog.saved is not None:
            self._after_write(dialog.saved.id)

    def reinstate_selected(self) -> None:
        record = self.selected_record()
        if record is None or record.status == "在册" or self._read_only:
            return
        answer = QMessageBox.question(
            self, self.tr("恢复在册"),
            self.tr("把“{0}”恢复为在册？（用于撤销误录的转出、去世等）").format(record.name))
        from services.roll import members as member_service

        if answer == QMessageBox.StandardButton.Yes and self._write(
                lambda s: member_service.reinstate(s, record.id, self.actor)):
            self._after_write(record.id)

    def delete_selected(self) -> None:
        """Delete: a branch when the tree has focus; for a member, leaving the roll (records are kept)."""
        if self.tree.hasFocus() and self.tree_model.branch_at(self.tree.currentIndex()) is not None:
            self.delete_branch()
        else:
            self.transfer_selected()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def set_import_available(self, available: bool) -> None:
        self._import_available = available
        self.import_roll_button.setEnabled(available and not self._read_only)
        self._update_actions()
        self.actions_changed.emit()

    def can_import(self) -> bool:
        return self._import_available and not self._read_only

    def import_data(self) -> None:
        if self.can_import():
            self.import_roll_requested.emit()

    def can_print(self) -> bool:
        return self.model.visible_count() > 0

    def print_current(self) -> None:
        """Ctrl+P: the rows the table shows, as the roll printout (ID numbers masked), in the preview."""
        import tempfile

        from services.printing import print_roll
        from ui.widgets.pdf_preview import PdfPreviewDialog

        records = self.visible_records()
        if not records:
            return
        branch = self._current_branch()
        if self._out_dir is None:
            self._out_dir = Path(tempfile.mkdtemp(prefix="dangxun-print-"))
        out = self._out_dir / "党员花名册.pdf"
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            # A write transaction: the print is logged.
            with self.session_factory.begin() as session:
                result = print_roll.print_roll(session, out, records=records,
                                               branch=branch.name if branch is not None else None,
                                               actor=self.actor)
        except (DangxunError, OSError) as exc:
            QApplication.restoreOverrideCursor()
            message = exc.message if isinstance(exc, DangxunError) else str(exc)
            QMessageBox.warning(self, self.tr("打印花名册"), message)
            return
        QApplication.restoreOverrideCursor()
        title = self.tr("党员花名册（{0}名，共{1}页）").format(result.members, result.pages)
        PdfPreviewDialog(result.path, title, self).exec()

    def save_settings(self, settings: QSettings) -> None:
        settings.setValue("members/header", self.table.horizontalHeader().saveState())
        settings.setValue("members/splitter", self.splitter.saveState())

    def restore_settings(self, settings: QSettings) -> None:
        header_state = settings.value("members/header")
        if header_state:
            self.table.setSortingEnabled(False)
            self.table.horizontalHeader().restoreState(header_state)
            # Widths and order come back; the sort starts as loaded (branch, then 按姓氏笔画).
            self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            self.table.setSortingEnabled(True)
        splitter_state = settings.value("members/splitter")
        if splitter_state:
            self.splitter.restoreState(splitter_state)

    # ------------------------------------------------------------ writing

    def _write(self, fn: Callable[[Any], Any]) -> bool:
        """Run one service call in its own transaction; a refusal is shown, nothing is written."""
        if self._read_only:
            QMessageBox.information(self, self.tr("只读"), self.tr("当前账号只能查阅，不能修改。"))
            return False
        try:
            with self.session_factory.begin() as session:
                fn(session)
        except DangxunError as exc:
            QMessageBox.warning(self, self.tr("未能完成"), exc.message)
            return False
        return True

    def _after_write(self, member_id: int | None = None) -> None:
        self.refresh()
        if member_id is not None and not self.select_member(member_id):
            self.table.clearSelection()
        self.members_changed.emit()

    def load_demo(self) -> None:
        from services.demo.demo import seed_demo_bureau
        from ui.widgets.jobs import run_with_progress

        if self._read_only:
            return

        def work(progress: Callable[[int, str], None], _cancel: Any) -> Any:
            progress(10, self.tr("正在生成示例数据……"))
            with self.session_factory.begin() as session:
                return seed_demo_bureau(session, actor=self.actor)

        def failed(error: BaseException) -> None:
            message = error.message if isinstance(error, DangxunError) else str(error)
            QMessageBox.warning(self, self.tr("未能载入示例数据"), message)
            self.load_demo_button.setEnabled(True)

        self.load_demo_button.setEnabled(False)
        run_with_progress(self, self.tr("载入示例数据"), work,
                          on_finished=lambda _result: self._demo_loaded(), on_failed=failed)

    def _demo_loaded(self) -> None:
        self.load_demo_button.setEnabled(True)
        self._after_write()

    # ------------------------------------------------------------ branches

    def _current_branch(self) -> Any:
        return self.tree_model.branch_at(self.tree.currentIndex())

    def new_branch(self) -> None:
        from services.roll import branches as branch_service

        if self._read_only:
            return
        name, ok = QInputDialog.getText(self, self.tr("新建党支部"), self.tr("党支部名称："))
        if ok and name.strip() and self._write(lambda s: branch_service.create_branch(s, name, self.actor)):
            self._after_write()

    def rename_branch(self) -> None:
        from services.roll import branches as branch_service

        branch = self._current_branch()
        if branch is None:
            return
        name, ok = QInputDialog.getText(self, self.tr("重命名党支部"), self.tr("新的名称："), text=branch.name)
        if ok and name.strip() and self._write(
                lambda s: branch_service.rename_branch(s, branch.id, name, self.actor)):
            self._after_write()

    def move_branch(self, step: int) -> None:
        from services.roll import branches as branch_service

        branch = self._current_branch()
        ids = [b.id for b in self.tree_model.branches()]
        if branch is None or not 0 <= ids.index(branch.id) + step < len(ids):
            return
        i = ids.index(branch.id)
        ids[i], ids[i + step] = ids[i + step], ids[i]
        if self._write(lambda s: branch_service.reorder_branches(s, ids, self.actor)):
            self._after_write()

    def merge_branch(self) -> None:
        from services.roll import branches as branch_service

        branch = self._current_branch()
        if branch is None:
            return
        others = [b for b in self.tree_model.branches() if b.id != branch.id]
        if not others:
            return
        name, ok = QInputDialog.getItem(self, self.tr("合并党支部"),
                                        self.tr("把“{0}”的全部党员并入：").format(branch.name),
                                        [b.name for b in others], 0, False)
        if not ok:
            return
        target = next(b for b in others if b.name == name)
        answer = QMessageBox.question(
            self, self.tr("合并党支部"),
            self.tr("“{0}”的 {1} 条党员记录将并入“{2}”，“{0}”随之删除。合并后不能撤销，继续吗？").format(
                branch.name, branch.all_members, target.name))
        if answer == QMessageBox.StandardButton.Yes and self._write(
                lambda s: branch_service.merge_branches(s, branch.id, target.id, self.actor)):
            self._branch_id = target.id
            self._after_write()

    def delete_branch(self) -> None:
        from services.roll import branches as branch_service

        branch = self._current_branch()
        if branch is None:
            return
        answer = QMessageBox.question(self, self.tr("删除党支部"),
                                      self.tr("删除党支部“{0}”？").format(branch.name))
        if answer == QMessageBox.StandardButton.Yes and self._write(
                lambda s: branch_service.delete_branch(s, branch.id, self.actor)):
            self._after_write()

    # ------------------------------------------------------------ menus

    def on_tree_context_menu(self, pos: QPoint) -> None:
        index = self.tree.indexAt(pos)
        if index.isValid():
            self.tree.setCurrentIndex(index)
        self._update_branch_actions()
        menu = QMenu(self)
        menu.addAction(self.act_branch_new)
        menu.addAction(self.act_branch_rename)
        menu.addSeparator()
        menu.addAction(self.act_branch_up)
        menu.addAction(self.act_branch_down)
        menu.addSeparator()
        menu.addAction(self.act_branch_merge)
        menu.addAction(self.act_branch_delete)
        menu.exec(self.tree.viewport().mapToGlobal(pos))

    def on_table_context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if index.isValid():
            self.table.selectRow(index.row())
        menu = QMenu(self)
        menu.addAction(self.act_add)
        menu.addAction(self.act_edit)
        menu.addSeparator()
        menu.addAction(self.act_transfer)
        menu.addAction(self.act_reinstate)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def on_table_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.table.selectRow(index.row())
            self.edit_selected()

    def keyPressEvent(self, event: Any) -> None:  # Enter on a row edits it
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.hasFocus():
            self.edit_selected()
            return
        super().keyPressEvent(event)

