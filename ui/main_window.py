"""The main window: one tab per area, menus with the shortcuts, counts in the status bar."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget, QWidget

from services.version import APP_NAME, VERSION

TabFactory = Callable[[Any, str, "QWidget | None"], QWidget]


def lazy(module: str, name: str) -> TabFactory:
    """A factory importing its tab only when the window is built (keeps `import ui.main_window` light)."""

    def make(session_factory: Any, actor: str, parent: QWidget | None = None) -> QWidget:
        cls = getattr(importlib.import_module(module), name)
        return cls(session_factory, actor, parent)

    return make


# (title, factory): one line per tab. A tab is a QWidget built as factory(session_factory, actor,
# parent) with refresh(); optional: add_new, focus_search, delete_selected, import_data/can_import,
# print_current/can_print, actions_changed(), status_text + counts_changed(str),
# save_settings/restore_settings(QSettings).
TAB_SPECS: list[tuple[str, TabFactory]] = [
    ("党员", lazy("ui.members_tab", "MembersTab")),
]


class MainWindow(QMainWindow):
    """The window around the tabs; `load_current()` fills the visible tab (called after show())."""

    def __init__(self, session_factory: Any, actor: str, *, settings: QSettings | None = None,
                 db_label: str = "", tab_specs: list[tuple[str, TabFactory]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session_factory = session_factory
        self.actor = actor
        self.settings = settings
        self.setWindowTitle(APP_NAME)
        self._loaded: set[int] = set()

        self.tabs = QTabWidget()
        self.tabs.setObjectName("main_tabs")
        self.tabs.setDocumentMode(True)
        for title, factory in tab_specs if tab_specs is not None else TAB_SPECS:
            tab = factory(session_factory, actor, self.tabs)
            self.tabs.addTab(tab, self.tr(title))
            signal = getattr(tab, "counts_changed", None)
            if signal is not None:
                signal.connect(lambda text, t=tab: self._on_tab_counts(t, text))
            changed = getattr(tab, "actions_changed", None)
            if changed is not None:
                changed.connect(self.update_actions)
        self.setCentralWidget(self.tabs)

        self.counts_label = QLabel()
        self.counts_label.setObjectName("counts_label")
        self.statusBar().addWidget(self.counts_label, 1)
        self.db_label = QLabel(db_label)
        self.db_label.setObjectName("db_label")
        self.db_label.setStyleSheet("color: palette(mid);")
        self.statusBar().addPermanentWidget(self.db_label)

        self._build_actions()
        self.tabs.currentChanged.connect(self.on_tabs_current_changed)
        if settings is not None:
            self.restore_settings(settings)
        self.update_actions()

    # ------------------------------------------------------------ actions and menus

    def _make_action(self, text: str, shortcut: QKeySequence | str | None, slot: Callable[[], Any],
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
        self.act_quit = self._make_action(tr("退出"), "Ctrl+Q", self.close, "act_quit")
        self.act_new = self._make_action(tr("新增"), "Ctrl+N", lambda: self._call("add_new"), "act_new")
        self.act_delete = self._make_action(tr("删除/转出"), QKeySequence(Qt.Key.Key_Delete),
                                            lambda: self._call("delete_selected"), "act_delete")
        self.act_find = self._make_action(tr("查找"), "Ctrl+F", lambda: self._call("focus_search"), "act_find")
        self.act_refresh = self._make_action(tr("刷新"), "F5", self.refresh_current, "act_refresh")
        self.act_about = self._make_action(tr("关于{0}").format(APP_NAME), None, self.show_about, "act_about")
        # Shortcuts work only in this window, so a dialog's Delete or Ctrl+F stays its own.
        for action in self.actions():
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)

        bar = self.menuBar()
        file_menu = bar.addMenu(tr("文件(&F)"))
        file_menu.addAction(self.act_import)
        file_menu.addAction(self.act_print)
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
        help_menu.addAction(self.act_about)

    def current_tab(self) -> QWidget | None:
        return self.tabs.currentWidget()

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
        self.act_import.setEnabled(self._supports("import_data", "can_import"))
        self.act_print.setEnabled(self._supports("print_current", "can_print"))
        self.act_new.setEnabled(self._supports("add_new"))
        self.act_delete.setEnabled(self._supports("delete_selected"))
        self.act_find.setEnabled(self._supports("focus_search"))

    # ------------------------------------------------------------ loading

    def load_current(self) -> None:
        """Fill the visible tab from the database; other tabs load when first shown."""
        index = self.tabs.currentIndex()
        if index < 0:
            return
        self._loaded.add(index)
        tab: Any = self.tabs.widget(index)
        tab.refresh()
        self._show_counts(tab)
        self.update_actions()

    def refresh_current(self) -> None:
        self.load_current()

    def on_tabs_current_changed(self, index: int) -> None:
        if index >= 0 and index not in self._loaded and self.isVisible():
            # Let the tab switch paint first, then load.
            QTimer.singleShot(0, self.load_current)
        else:
            self._show_counts(self.tabs.widget(index))
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
        self.counts_label.setText(status_text() if callable(status_text) else "")

    # ------------------------------------------------------------ settings, about, closing

    def restore_settings(self, settings: QSettings) -> None:
        geometry = settings.value("main/geometry")
        if geometry:
            self.restoreGeometry(geometry)
        state = settings.value("main/state")
        if state:
            self.restoreState(state)
        for i in range(self.tabs.count()):
            restore = getattr(self.tabs.widget(i), "restore_settings", None)
            if callable(restore):
                restore(settings)

    def save_settings(self, settings: QSettings) -> None:
        settings.setValue("main/geometry", self.saveGeometry())
        settings.setValue("main/state", self.saveState())
        for i in range(self.tabs.count()):
            save = getattr(self.tabs.widget(i), "save_settings", None)
            if callable(save):
                save(settings)
        settings.sync()

    def show_about(self) -> None:
        QMessageBox.about(
            self, self.tr("关于{0}").format(APP_NAME),
            self.tr("<h3>{0}</h3><p>版本 {1}</p><p>党员花名册、教育培训活动、学时统计与证书的单机管理程序。</p>"
                    "<p>内置字体：文泉驿微米黑（GPLv3，附字体例外条款）。</p>").format(APP_NAME, VERSION))

    def closeEvent(self, event: QCloseEvent) -> None:
        from ui.jobs import default_runner

        # Writes in flight finish first: a half-done import must not be cut off by closing.
        default_runner().wait_for_done()
        if self.settings is not None:
            self.save_settings(self.settings)
        super().closeEvent(event)
