"""The members tab: branch tree with counts, the roll as a table, search, filters, add/edit/transfer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QSettings, Qt, Signal
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
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from services.normalize import LEFT_STATUSES
from services.roles import EDITOR, can_see_full_ids
from services.version import APP_NAME
from ui.roll.branch_tree_model import BranchTreeModel
from ui.roll.branch_tree_pane import BranchTreePane
from ui.roll.member_actions import MemberActions
from ui.roll.member_table_model import (
    COLUMNS,
    POST_ANY,
    POST_COMMITTEE,
    POST_NONE,
    MemberTableModel,
)
from ui.widgets.icons import icon
from ui.widgets.list_helpers import EmptyNotice, clear_on_escape
from ui.widgets.live import follow
from ui.widgets.table_headers import SteadyHeader

if TYPE_CHECKING:
    from services.roll.first_screen import FirstScreen
    from services.roll.members import MemberRecord
    from services.workspace import Workspace

# services.roll.members and services.roll.branches import SQLAlchemy: they are imported where first used,
# so that the window can paint before that (see ui/app.py).

# Column widths in characters of the current font (so scaling and high-DPI are respected).
_COLUMN_CHARS = {"name": 6, "sex": 3, "id_number": 13, "birth_date": 7, "branch": 10, "membership": 5,
                 "party_post": 5, "joined_party": 7, "full_member_since": 7, "education": 5,
                 "ethnicity": 4, "job": 7, "staff_status": 4, "phone": 8, "joined_org": 7,
                 "status": 3, "left_date": 7, "remarks": 10}
# A roll longer than this opens with its first rows only (one query), the rest as the list is scrolled.
FIRST_SCREEN_ROWS = 200
EMPTY_TEXT = "还没有党员：导入花名册，或载入示例数据"


class MembersTab(MemberActions, BranchTreePane, QWidget):
    """党员 tab, built as MembersTab(ws, parent); follows the workspace, `refresh()` (F5) reloads by hand.

    The branch tree and its actions live in branch_tree_pane.py, the member actions in member_actions.py.
    """

    # The Excel helper connects this to its roll import and then calls set_import_available(True).
    import_roll_requested = Signal()
    counts_changed = Signal(str)
    # What the main window's menu can do here changed (e.g. import became available).
    actions_changed = Signal()
    # 导出: "all", "branch", "filter" or "template"; the main window does the export.
    export_requested = Signal(str)

    def __init__(self, ws: Workspace | None, parent: QWidget | None = None) -> None:
        """`ws` None: built before the database is open, to show the roll's first screen
        (show_first_screen); read-only until `attach(ws)`."""
        super().__init__(parent)
        self.ws = ws  # type: ignore[assignment]  # None only until attach() (the first screen)
        self._import_available = False
        self._export_available = False
        self._export_wired = False
        # Buttons only: the workspace refuses the writes itself.
        self._read_only = ws is None or not ws.can(EDITOR)
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
        self.empty_notice = EmptyNotice(self.table, self._empty_text)
        self.stack.addWidget(self.table)
        self.empty_page = self._build_empty_page()
        self.stack.addWidget(self.empty_page)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        em = self.fontMetrics().horizontalAdvance("党")
        self.splitter.setSizes([em * 17, em * 60])
        layout.addWidget(self.splitter, 1)
        self.set_read_only(self._read_only)
        if ws is not None:
            self.attach(ws)

    def attach(self, ws: Workspace) -> None:
        """The database is open: follow it, and allow what the account may do."""
        self.ws = ws
        self.set_read_only(not ws.can(EDITOR))
        self.set_full_numbers(can_see_full_ids(ws.role))  # the privacy rule of the services
        follow(ws, self, ("member", "branch"), self.refresh)

    # ------------------------------------------------------------ building

    def _action(self, text: str, icon_name: str, slot: Callable[[], Any], tip: str = "") -> QAction:
        action = QAction(icon(icon_name, self.palette()), text, self)
        action.triggered.connect(slot)
        if tip:
            action.setToolTip(tip)
        return action

    def _build_toolbar(self) -> QToolBar:
        bar = QToolBar()
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.act_add = self._action(self.tr("新增"), "add", self.add_new, self.tr("新增党员（Ctrl+N）"))
        self.act_edit = self._action(self.tr("修改"), "edit", self.edit_selected,
                                     self.tr("修改所选党员（双击行）"))
        self.act_transfer = self._action(self.tr("转出…"), "transfer", self.transfer_selected,
                                         self.tr("转出、去世、出党或停止党籍（Delete）"))
        self.act_reinstate = self._action(self.tr("恢复在册"), "reinstate", self.reinstate_selected)
        self.act_import = self._action(self.tr("导入"), "import", self.import_data,
                                       self.tr("导入花名册（Ctrl+I）"))
        self.act_print = self._action(self.tr("打印"), "print", self.print_current,
                                      self.tr("把当前显示的党员打印为花名册（Ctrl+P）"))
        self.act_print.setObjectName("members_print")
        for action in (self.act_add, self.act_edit, self.act_transfer, self.act_import, self.act_print):
            bar.addAction(action)
        self.export_button = QToolButton()
        self.export_button.setObjectName("export_button")
        self.export_button.setText(self.tr("导出"))
        self.export_button.setIcon(icon("export", self.palette()))
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
        clear_on_escape(self.search)
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

    def _empty_text(self) -> str:
        """What the list area says when no member is shown (the roll itself is not empty then)."""
        if self.search.text().strip():
            return self.tr("没有找到“{0}”。\n按 Esc 清除搜索，或换个姓名、拼音首字母、身份证尾号再试。").format(
                self.search.text().strip())
        return self.tr("没有符合当前筛选条件的党员。\n可在右上角改选“全部类别”“全部状态”“全部职务”，或在左侧选择“全部党支部”。")

    def _combo(self, name: str, items: Any) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        for text, data in items:
            combo.addItem(text, data)
        combo.currentIndexChanged.connect(self.apply_filters)
        return combo

    def _build_table(self) -> QTableView:
        table = QTableView()
        table.setObjectName("member_table")
        table.setHorizontalHeader(SteadyHeader(Qt.Orientation.Horizontal, table))
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
        title_metrics = header.fontMetrics()
        for i, column in enumerate(COLUMNS):
            # Wide enough for its values and for its whole title with the sort arrow beside it.
            title = str(self.model.headerData(i, Qt.Orientation.Horizontal) or "")
            header.resizeSection(i, max(char * _COLUMN_CHARS.get(column.key, 6) + char,
                                        title_metrics.horizontalAdvance(title) + char * 2))
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
        """Reload branches and members from the database, keeping the selection where possible.

        A long roll shows its first screen first (one query with the current filters); the rest is
        read when the list is scrolled to its end or searched, sorted or filtered otherwise."""
        selected = self.selected_record()
        statuses = self.status_filter.currentData()
        membership = self.membership_filter.currentData()
        first_page = (selected is None and not self.model.is_searching() and self.post_filter.currentData() is None)
        with self.ws.read() as session:
            if first_page:
                from services.roll import branches as branch_service
                from services.roll import members as member_service

                page = member_service.list_members(session, branch_id=self._branch_id, membership=membership,
                                                   status=statuses, limit=FIRST_SCREEN_ROWS)
                if len(page) == FIRST_SCREEN_ROWS:
                    counts = member_service.roll_counts(session, branch_id=self._branch_id,
                                                        membership=membership, status=statuses)
                    self._show_first_page(page, branch_service.list_branches(session), counts)
                    return
            records, branches = self.read_roll(session)
        self.show_roll(records, branches)

    def show_first_screen(self, screen: FirstScreen) -> None:
        """What services/roll/first_screen.py read from the file before the database was opened."""
        if screen.counts is not None:
            self._show_first_page(screen.records, screen.branches, screen.counts)
        else:
            self.show_roll(screen.records, screen.branches)

    def _read_all(self) -> list[MemberRecord] | None:
        if self.ws is None:  # the first screen, shown before the database was opened
            return None
        with self.ws.read() as session:
            from services.roll import members as member_service

            return member_service.list_members(session)

    def _show_first_page(self, page: list[MemberRecord], branches: list[Any], counts: Any) -> None:
        self._set_branches(branches)
        self.model.set_first_page(page, counts.matching, self._read_all)
        self.apply_filters()
        self._show_totals(counts.active, counts.probationary, len(branches), bool(counts.total))
        self._emit_counts()

    def _set_branches(self, branches: list[Any]) -> None:
        self.tree_model.set_branches(branches)
        self.tree.expandAll()
        index = self.tree_model.branch_index(self._branch_id) if self._branch_id is not None else QModelIndex()
        if not index.isValid():
            self._branch_id = None
            index = self.tree_model.top_index()
        self.tree.setCurrentIndex(index)

    def _show_totals(self, active: int, probationary: int, branches: int, any_member: bool) -> None:
        self._totals = self.tr("在册党员 {0} 名（其中预备党员 {1} 名）· 党支部 {2} 个").format(
            active, probationary, branches)
        self.stack.setCurrentWidget(self.table if any_member else self.empty_page)
        self.welcome_label.setVisible(not any_member and not branches)

    def show_roll(self, records: list[MemberRecord], branches: list[Any]) -> None:
        """Show what read_roll returned."""
        selected = self.selected_record()
        self._set_branches(branches)
        self.model.set_records(records)
        self.apply_filters()
        active = sum(1 for r in records if r.status == "在册")
        probationary = sum(1 for r in records if r.status == "在册" and r.membership == "预备党员")
        self._show_totals(active, probationary, len(branches), bool(records))
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
        if not self.model.total_count() and not self.model.is_partial():
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
        # 修改 for who may write, 查看 (read-only) for a 查阅 account.
        if self.act_edit.text() != (self.tr("修改") if writable else self.tr("查看")):
            self.act_edit.setText(self.tr("修改") if writable else self.tr("查看"))
            self.act_edit.setIcon(icon("edit" if writable else "view", self.palette()))
        self.act_edit.setToolTip(self.tr("修改所选党员（双击行）") if writable else self.tr("查看所选党员的信息（双击行）"))
        self.act_edit.setEnabled(record is not None)
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

    # ------------------------------------------------------------ what the main window calls

    def set_read_only(self, read_only: bool) -> None:
        """A 查阅 account: the editing buttons are off (the workspace would refuse the writes anyway)."""
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


    def keyPressEvent(self, event: Any) -> None:  # Enter on a row edits it
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.hasFocus():
            self.edit_selected()
            return
        super().keyPressEvent(event)

