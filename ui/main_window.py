"""The main window: one tab per area, menus with the shortcuts, counts in the status bar."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from services.version import APP_NAME, VERSION
from ui.widgets.typed_text import plain

TabFactory = Callable[[Any, "QWidget | None"], QWidget]

# Roles as services/access.py names them (not imported here: the window must stay light so that it
# paints before SQLAlchemy is imported; tests/ui/test_main_window.py checks they agree).
ADMIN = "管理员"
EDITOR = "录入员"
VIEWER = "查阅"


# Each factory imports its tab only when the tab is built (keeps `import ui.main_window` light).
def members_tab(ws: Any, parent: QWidget | None = None) -> QWidget:
    from ui.roll.members_tab import MembersTab

    return MembersTab(ws, parent)


def training_tab(ws: Any, parent: QWidget | None = None) -> QWidget:
    from ui.training.training_tab import TrainingTab

    return TrainingTab(ws, parent)


def stats_tab(ws: Any, parent: QWidget | None = None) -> QWidget:
    from ui.assessment.stats_tab import StatsTab

    return StatsTab(ws, parent)


def log_tab(ws: Any, parent: QWidget | None = None) -> QWidget:
    from ui.safety.log_tab import LogTab

    return LogTab(ws, parent)


def survey_tab(ws: Any, parent: QWidget | None = None) -> QWidget:
    from ui.survey.survey_tab import SurveyTab

    return SurveyTab(ws, parent)


def plan_tab(ws: Any, parent: QWidget | None = None) -> QWidget:
    from ui.plan.plan_tab import PlanTab

    return PlanTab(ws, parent)


# (title, factory): one line per tab. A tab is a QWidget built as factory(ws, parent) (ws: the
# services.workspace.Workspace) with refresh(); it follows the workspace's changes itself (ui.widgets.live),
# otherwise the window reloads it when next shown after any write. Optional:
# add_new, focus_search, delete_selected, import_data/can_import,
# print_current/can_print, set_read_only(bool), actions_changed(), status_text + counts_changed(str),
# save_settings/restore_settings(QSettings).
TAB_SPECS: list[tuple[str, TabFactory]] = [
    ("党员", members_tab),
    ("培训", training_tab),
    ("考核与统计", stats_tab),
    ("规划与资料", plan_tab),
    ("问卷调查", survey_tab),
    ("日志", log_tab),
]

# Members-tab exports offered in the 文件 menu: (kind, text).
EXPORT_KINDS = (("all", "花名册（全部）…"), ("branch", "当前党支部…"), ("filter", "当前筛选结果…"),
                ("template", "导入模板…"))


class TabSlot(QWidget):
    """The page of one tab: a placeholder until the tab's widget is built (first shown, database open)."""

    def __init__(self, title: str, factory: TabFactory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.factory = factory
        self.widget: QWidget | None = None
        self.loaded = False
        self.wired = False  # connected to the window and the workspace
        # Built before the database was open, showing the file's first screen (ui/first_screen.py):
        # attached to the workspace when it is open, and not read again then.
        self.first_screen = False
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.placeholder = QLabel(self.tr("正在打开数据库……"))
        self.placeholder.setObjectName("empty_hint")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._layout.addWidget(self.placeholder)

    def set_widget(self, widget: QWidget) -> None:
        self.placeholder.hide()
        self._layout.addWidget(widget)
        widget.show()  # a layout would show it only later (queued); focus and grabs need it now
        self.widget = widget


class MainWindow(QMainWindow):
    """The window around the tabs.

    Built before the database is open (so it paints at once); `attach(ws)` gives it the workspace
    (services.workspace.Workspace: database, lock, logged-in account), then `load_current()` builds
    and fills the visible tab. Other tabs are built when first shown.
    """

    def __init__(self, ws: Any = None, *, settings: QSettings | None = None, db_label: str = "",
                 tab_specs: list[tuple[str, TabFactory]] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws: Any = None
        self.settings = settings
        self.has_accounts = False
        self.setWindowTitle(APP_NAME)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("main_tabs")
        self.tabs.setDocumentMode(True)
        self.slots: list[TabSlot] = []
        for title, factory in tab_specs if tab_specs is not None else TAB_SPECS:
            slot = TabSlot(title, factory, self.tabs)
            self.slots.append(slot)
            self.tabs.addTab(slot, self.tr(title))
        self.setCentralWidget(self.tabs)

        self.counts_label = plain(QLabel())
        self.counts_label.setObjectName("counts_label")
        self.statusBar().addWidget(self.counts_label, 1)
        self.user_label = plain(QLabel())
        self.user_label.setObjectName("user_label")
        self.statusBar().addPermanentWidget(self.user_label)
        self.db_label = plain(QLabel(db_label))
        self.db_label.setObjectName("db_label")
        self.db_label.setStyleSheet("color: palette(mid);")
        self.statusBar().addPermanentWidget(self.db_label)

        from ui.safety.session_guard import SessionGuard

        self.guard = SessionGuard(self)  # 注销/切换用户, 锁定, the idle lock
        self._build_actions()
        self.tabs.currentChanged.connect(self.on_tabs_current_changed)
        if settings is not None:
            self.restore_settings(settings)
        if ws is not None:
            self.attach(ws)
        self._show_user()
        self.update_actions()

    # ------------------------------------------------------------ database and role

    @property
    def session_factory(self) -> Any:
        return self.ws.db.session_factory if self.ws is not None else None

    @property
    def actor(self) -> str:
        return self.ws.actor if self.ws is not None else ""

    @property
    def role(self) -> str | None:
        """The logged-in account's role; None for a database without accounts (everything allowed)."""
        return self.ws.role if self.ws is not None else None

    @property
    def read_only(self) -> bool:
        """A 查阅 account: every editing action is off (the workspace refuses the writes anyway)."""
        return self.ws is not None and not self.ws.can(EDITOR)

    def attach(self, ws: Any) -> None:
        """The workspace is open (and the clerk logged in): tabs can now be built and filled."""
        from services.safety.accounts import has_accounts
        from ui.widgets.live import follow

        self.ws = ws
        with ws.read() as session:
            self.has_accounts = ws.role is not None or has_accounts(session)  # logged in: there are accounts
        # Tabs that do not follow the workspace themselves reload when next shown.
        follow(ws, self, (), self._mark_unfollowed_stale)
        follow(ws, self, ("account",), self._on_accounts_changed)
        follow(ws, self, ("change_log",), self._say_missing_characters)  # a print is logged
        self.guard.attach()
        self._show_user()
        self.update_actions()
        # Other windows, commands, clerks: first looked at now, before any tab reads (no write missed), then every 2 s.
        self._poll_others()
        self._others_timer = QTimer(self)
        self._others_timer.timeout.connect(self._poll_others)
        self._others_timer.start(2000)

    def _say_missing_characters(self) -> None:
        """A PDF just made lacks characters its font has no glyph for (a rare character of a name)."""
        if "services.pdf.pdf_fonts" not in sys.modules:  # no PDF was made: nothing to ask
            return
        from services.pdf.pdf_fonts import missing_text, take_missing_where

        missing = take_missing_where()
        if missing:
            QMessageBox.warning(self, self.tr("打印缺字"), missing_text(missing))

    def _poll_others(self) -> None:
        if self.ws is not None:
            self.ws.poll_others()

    def _show_user(self) -> None:
        if self.role:
            self.user_label.setText(self.tr("{0}（{1}）").format(self.actor, self.tr(self.role)))
        else:
            self.user_label.clear()

    # ------------------------------------------------------------ actions and menus

    def _make_action(self, text: str, shortcut: QKeySequence | str | None, slot: Callable[..., Any],
                     name: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        tr = self.tr
        self.act_import = self._make_action(tr("导入…"), "Ctrl+I", lambda: self._call("import_data"), "act_import")
        self.act_print = self._make_action(tr("打印…"), "Ctrl+P", lambda: self._call("print_current"), "act_print")
        self.act_open = self._make_action(tr("打开数据库…"), "Ctrl+O", self.open_database, "act_open")
        self.act_backup = self._make_action(tr("备份与恢复…"), None, self.show_backups, "act_backup")
        self.act_accounts = self._make_action(tr("账号管理…"), None, self.show_accounts, "act_accounts")
        self.act_password = self._make_action(tr("修改密码…"), None, self.change_password, "act_password")
        self.act_quit = self._make_action(tr("退出"), "Ctrl+Q", self.close, "act_quit")
        self.act_new = self._make_action(tr("新增"), "Ctrl+N", lambda: self._call("add_new"), "act_new")
        self.act_delete = self._make_action(tr("删除/转出"), QKeySequence(Qt.Key.Key_Delete),
                                            lambda: self._call("delete_selected"), "act_delete")
        self.act_find = self._make_action(tr("查找"), "Ctrl+F", lambda: self._call("focus_search"), "act_find")
        self.act_refresh = self._make_action(tr("刷新"), "F5", self.refresh_current, "act_refresh")
        self.act_verify = self._make_action(tr("核验证书…"), None, self.verify_certificate, "act_verify")
        self.act_guide = self._make_action(tr("使用指南"), "F1", self.show_guide, "act_guide")
        self.act_about = self._make_action(tr("关于{0}").format(APP_NAME), None, self.show_about, "act_about")
        self.export_actions: dict[str, QAction] = {}
        for kind, text in EXPORT_KINDS:
            self.export_actions[kind] = self._make_action(
                tr(text), None, lambda _checked=False, k=kind: self.export_members(k), f"act_export_{kind}")
        # Shortcuts work only in this window, so a dialog's Delete or Ctrl+F stays its own.
        for action in self.actions():
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)

        bar = self.menuBar()
        file_menu = bar.addMenu(tr("文件(&F)"))
        file_menu.addAction(self.act_open)
        file_menu.addSeparator()
        file_menu.addAction(self.act_import)
        self.export_menu = QMenu(tr("导出党员"), file_menu)
        self.export_menu.setObjectName("export_menu")
        for action in self.export_actions.values():
            self.export_menu.addAction(action)
        file_menu.addMenu(self.export_menu)
        file_menu.addAction(self.act_print)
        file_menu.addSeparator()
        file_menu.addAction(self.act_backup)
        file_menu.addAction(self.act_accounts)
        file_menu.addAction(self.act_password)
        file_menu.addAction(self.guard.act_logout)
        file_menu.addAction(self.guard.act_lock)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        edit_menu = bar.addMenu(tr("编辑(&E)"))
        edit_menu.addAction(self.act_new)
        edit_menu.addAction(self.act_delete)
        edit_menu.addSeparator()
        edit_menu.addAction(self.act_find)
        view_menu = bar.addMenu(tr("视图(&V)"))
        view_menu.addAction(self.act_refresh)
        view_menu.addSeparator()
        for i in range(self.tabs.count()):
            action = QAction(self.tabs.tabText(i), self)
            action.setShortcut(QKeySequence(f"Ctrl+{i + 1}") if i < 9 else QKeySequence())
            action.triggered.connect(lambda _checked=False, i=i: self.tabs.setCurrentIndex(i))
            view_menu.addAction(action)
        help_menu = bar.addMenu(tr("帮助(&H)"))
        help_menu.addAction(self.act_guide)
        help_menu.addAction(self.act_verify)
        help_menu.addSeparator()
        help_menu.addAction(self.act_about)

    def current_tab(self) -> QWidget | None:
        """The visible tab's widget (None while it is not built yet)."""
        slot = self.tabs.currentWidget()
        return slot.widget if isinstance(slot, TabSlot) else slot

    def _call(self, method: str) -> None:
        tab = self.current_tab()
        fn = getattr(tab, method, None)
        if fn is not None:
            fn()

    def _supports(self, method: str, check: str | None = None) -> bool:
        tab = self.current_tab()
        if tab is None or not callable(getattr(tab, method, None)):
            return False
        if check is None:
            return True
        probe = getattr(tab, check, None)
        return bool(probe()) if callable(probe) else True

    def update_actions(self) -> None:
        open_ = self.ws is not None
        writable = open_ and not self.read_only
        self.act_import.setEnabled(writable and self._supports("import_data", "can_import"))
        self.act_print.setEnabled(self._supports("print_current", "can_print"))
        self.act_new.setEnabled(writable and self._supports("add_new", "can_add"))
        self.act_delete.setEnabled(writable and self._supports("delete_selected"))
        self.act_find.setEnabled(self._supports("focus_search"))
        self.act_refresh.setEnabled(open_)
        self.act_backup.setEnabled(open_)
        # Accounts: the administrator, or anyone while the database has none (to create the first).
        self.act_accounts.setEnabled(open_ and (self.role == ADMIN or not self.has_accounts))
        self.act_password.setEnabled(open_ and self.role is not None)
        self.act_verify.setEnabled(open_)
        self.guard.update_actions()
        from_roll = open_ and self._may_export_full_ids()
        for kind, action in self.export_actions.items():
            action.setEnabled(open_ if kind == "template" else from_roll)

    def _may_export_full_ids(self) -> bool:
        # privacy.can_see_full_ids without importing it here: 管理员, 录入员 and no-accounts may.
        return self.role != VIEWER

    # ------------------------------------------------------------ building and loading tabs

    def slot_of(self, name: str) -> TabSlot | None:
        for slot in self.slots:
            if slot.title == name:
                return slot
        return None

    def tab(self, name: str) -> QWidget | None:
        """The tab called `name`, built now if needed (None before the database is attached)."""
        slot = self.slot_of(name)
        return self._ensure_built(slot) if slot is not None else None

    def _ensure_built(self, slot: TabSlot) -> QWidget | None:
        if slot.widget is not None and slot.wired:
            return slot.widget
        if self.ws is None:
            return None
        if slot.widget is not None:  # the first screen's tab: it now follows the workspace
            tab: Any = slot.widget
            tab.attach(self.ws)
        else:
            tab = slot.factory(self.ws, slot)
            slot.set_widget(tab)
        slot.wired = True
        signal = getattr(tab, "counts_changed", None)
        if signal is not None:
            signal.connect(lambda text, t=tab: self._on_tab_counts(t, text))
        changed = getattr(tab, "actions_changed", None)
        if changed is not None:
            changed.connect(self.update_actions)
        self._wire(tab)
        set_read_only = getattr(tab, "set_read_only", None)
        if callable(set_read_only):
            # A tab whose every write is the office's (问卷调查) is read-only for a branch account: offered nothing
            # it would be refused after filling a dialog (services.access.OFFICE_TABLES).
            set_read_only(self.read_only or (getattr(tab, "office_only", False) and bool(self.ws.branch_ids)))
        set_full_numbers = getattr(tab, "set_full_numbers", None)
        if callable(set_full_numbers):
            set_full_numbers(self._may_export_full_ids())
        restore = getattr(tab, "restore_settings", None)
        if self.settings is not None and callable(restore) and not slot.first_screen:
            restore(self.settings)
        return tab

    def _wire(self, tab: Any) -> None:
        """Connect a tab's requests to the Excel import and the exports (the members tab asks for them)."""
        if hasattr(tab, "import_roll_requested") and not self.read_only:
            ws = self.ws

            def start_import() -> None:  # the dialog's module (and the readers) load when first asked for
                from ui.roll.import_dialog import start_roll_import

                start_roll_import(tab, ws)

            tab.import_roll_requested.connect(start_import)
            tab.set_import_available(True)
        if hasattr(tab, "export_requested"):
            tab.export_requested.connect(self.export_members)
            tab.set_export_available(self._may_export_full_ids())

    def load_current(self) -> None:
        """Build (if needed) and fill the visible tab from the database; other tabs load when first shown."""
        slot = self.tabs.currentWidget()
        if not isinstance(slot, TabSlot):
            return
        built_now = slot.widget is None
        tab: Any = self._ensure_built(slot)
        if tab is None:
            return
        slot.loaded = True
        if slot.first_screen:  # read under this window's lock: the database holds just that
            slot.first_screen = False
        elif not (built_now and getattr(tab, "loads_when_built", False)):  # not read twice on the way in
            tab.refresh()
        self._show_counts(tab)
        self.update_actions()

    def refresh_current(self) -> None:
        self.load_current()

    def mark_stale(self, except_tab: QWidget | None = None) -> None:
        """Data changed behind the tabs' backs: each tab reloads when next shown."""
        for slot in self.slots:
            if slot.widget is not except_tab:
                slot.loaded = False

    def _mark_unfollowed_stale(self) -> None:
        """After any write: a tab that does not follow the workspace itself (ui.widgets.live) reloads when shown."""
        from ui.widgets.live import ChangeFollower

        for slot in self.slots:
            widget = slot.widget
            if widget is not None and not widget.findChildren(ChangeFollower):
                slot.loaded = False

    def reload_all(self) -> None:
        """After a restore: every tab forgets what it showed; the visible one reloads now."""
        self.mark_stale()
        self.load_current()

    def on_tabs_current_changed(self, index: int) -> None:
        slot = self.tabs.widget(index)
        if isinstance(slot, TabSlot) and not slot.loaded and self.isVisible():
            # Let the tab switch paint first, then build and load.
            QTimer.singleShot(0, self.load_current)
        else:
            self._show_counts(self.current_tab())
        self.update_actions()

    def select_tab(self, name: str) -> bool:
        """Switch to the tab whose title is `name` (or starts with it); False if there is none."""
        titles = [self.tabs.tabText(i).replace("&", "") for i in range(self.tabs.count())]
        for matcher in (lambda t: t == name, lambda t: t.startswith(name), lambda t: name in t):
            for i, title in enumerate(titles):
                if matcher(title):
                    self.tabs.setCurrentIndex(i)
                    return True
        return False

    def _on_tab_counts(self, tab: QWidget, text: str) -> None:
        if tab is self.current_tab():
            self.counts_label.setText(text)
            self.update_actions()

    def _show_counts(self, tab: QWidget | None) -> None:
        status_text = getattr(tab, "status_text", None)
        if callable(status_text):
            self.counts_label.setText(status_text())
        else:
            self.counts_label.setText(status_text if isinstance(status_text, str) else "")

    # ------------------------------------------------------------ file menu

    def export_members(self, kind: str) -> None:
        """导出: the roll (all, the current branch, the current filter) or the import template."""
        if self.ws is not None:
            from ui.roll.export_actions import export_from_window

            export_from_window(self, kind)

    def open_database(self) -> None:
        """Another database file or a server, in a new window (ui/safety/open_database_dialog.py)."""
        from ui.safety.open_database_dialog import open_other_database

        open_other_database(self, self.settings)

    def show_backups(self) -> None:
        if self.ws is None:
            return
        from ui.safety.backup_dialog import BackupDialog

        dialog = BackupDialog(self.ws, self)
        dialog.restored.connect(lambda _source: self.reload_all())
        dialog.exec()

    def show_accounts(self) -> None:
        from ui.safety.accounts_dialog import AccountsDialog

        AccountsDialog(self.ws, self).exec()

    def _on_accounts_changed(self) -> None:
        from services.safety.accounts import has_accounts

        with self.ws.read() as session:
            self.has_accounts = self.ws.role is not None or has_accounts(session)
        self._show_user()
        self.update_actions()

    def change_password(self) -> None:
        if self.role is None:
            return
        from services.errors import DangxunError
        from services.safety import accounts
        from ui.safety.accounts_dialog import PasswordDialog

        def submit(values: dict[str, str]) -> str | None:
            try:
                with self.ws.write("change-password", needs=VIEWER) as uow:
                    accounts.change_password(uow.session, uow.actor, values["old"], values["password"])
            except DangxunError as exc:
                return exc.message
            return None

        dialog = PasswordDialog(submit, self.tr("修改密码"), True, self)
        if dialog.exec():
            self.statusBar().showMessage(self.tr("密码已修改。"), 8000)

    # ------------------------------------------------------------ help menu

    def verify_certificate(self) -> None:
        if self.ws is None:
            return
        from ui.training.certificate_verify_dialog import CertificateVerifyDialog

        CertificateVerifyDialog(self.ws, self).exec()

    def show_guide(self) -> None:
        """F1: the user guide's page for the visible tab (resources/guide)."""
        from ui.widgets.guide_dialog import show_guide

        show_guide(self, self.slots[self.tabs.currentIndex()].title if self.slots else "")

    def show_about(self) -> None:
        QMessageBox.about(
            self, self.tr("关于{0}").format(APP_NAME),
            self.tr("<h3>{0}</h3><p>版本 {1}</p><p>党员花名册、教育培训活动、学时统计与证书的单机管理程序。</p>"
                    "<p>内置字体：文泉驿微米黑（Apache 许可证 2.0）。</p>").format(APP_NAME, VERSION))

    # ------------------------------------------------------------ settings, closing

    def restore_settings(self, settings: QSettings) -> None:
        geometry = settings.value("main/geometry")
        if geometry:
            self.restoreGeometry(geometry)
        state = settings.value("main/state")
        if state:
            self.restoreState(state)
        if settings.value("main/tab"):  # the tab the clerk left open (a --tab on the command line still wins)
            self.select_tab(str(settings.value("main/tab")))

    def save_settings(self, settings: QSettings) -> None:
        settings.setValue("main/geometry", self.saveGeometry())
        settings.setValue("main/state", self.saveState())
        settings.setValue("main/tab", self.slots[self.tabs.currentIndex()].title if self.slots else "")
        for slot in self.slots:
            save = getattr(slot.widget, "save_settings", None)
            if callable(save):
                save(settings)
        settings.sync()

    def _settle_unsaved(self) -> bool:
        """Grades, scores or targets typed and not saved: saved, dropped, or the window stays open (取消)."""
        from ui.widgets.edit_guard import CANCEL, DISCARD, ask_unsaved

        tabs = [w for w in (slot.widget for slot in self.slots) if callable(getattr(w, "unsaved_edits", None))]
        pending = [(tab, tab.unsaved_edits()) for tab in tabs]  # type: ignore[union-attr]
        names = "、".join(name for _tab, found in pending for name in found)
        if not names:
            return True
        answer = ask_unsaved(self, self.tr("关闭"), self.tr("%1修改后还没有保存。关闭之前，先保存吗？").replace("%1", names),
                             importing=False)
        return answer == DISCARD or (answer != CANCEL and all(tab.save_unsaved() for tab, found in pending if found))

    def closeEvent(self, event: QCloseEvent) -> None:
        from ui.widgets.jobs import default_runner

        if not self._settle_unsaved():
            event.ignore()
            return
        # Writes in flight finish first: a half-done import must not be cut off by closing.
        default_runner().wait_for_done()
        if self.settings is not None:
            self.save_settings(self.settings)
        super().closeEvent(event)
