"""Starting the window: QApplication, look and fonts, the database, the main window or a screenshot."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

ACCENT = "#B71C1C"

# The office's own fonts first (Windows, domestic Linux desktops, macOS); the bundled one otherwise.
PREFERRED_FAMILIES = (
    "Microsoft YaHei UI", "Microsoft YaHei", "微软雅黑", "PingFang SC", "Noto Sans CJK SC",
    "Source Han Sans SC", "思源黑体", "WenQuanYi Micro Hei", "文泉驿微米黑", "SimSun", "宋体",
)

STYLE_SHEET = f"""
QTabBar::tab {{
    padding: 0.45em 1.4em;
    border: none;
    border-bottom: 2px solid transparent;
    color: palette(window-text);
}}
QTabBar::tab:selected {{
    color: {ACCENT};
    border-bottom: 2px solid {ACCENT};
    font-weight: bold;
}}
QTabBar::tab:hover:!selected {{ border-bottom: 2px solid #d8b4b4; }}
QPushButton[primary="true"] {{
    background: {ACCENT};
    color: white;
    border: 1px solid #8e1515;
    border-radius: 3px;
    padding: 0.35em 1.2em;
}}
QPushButton[primary="true"]:hover {{ background: #c62828; }}
QPushButton[primary="true"]:pressed {{ background: #8e1515; }}
QPushButton[primary="true"]:disabled {{ background: #d9a8a8; border-color: #d9a8a8; }}
QToolBar {{ border: none; spacing: 4px; }}
QHeaderView::section {{ padding: 0.25em 0.5em; }}
QStatusBar QLabel {{ padding: 0 0.5em; }}
QTreeView#branch_tree::item {{ padding: 0.25em 0.2em; }}
QTreeView#branch_tree::item:selected {{ background: #f3d6d6; color: #1f1f1f; }}
QLabel#empty_hint {{ color: #6b6b6b; }}
"""


def install_chinese(app: object) -> list[object]:
    """Qt's own dialogs (OK/取消, file and print dialogs, calendar, text menus) in Chinese, and the Chinese
    locale for dates and numbers. Returns the translators (they must stay alive with the application)."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    found: list[QTranslator] = []
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        translator = QTranslator(app)
        if translator.load(name, folder):
            found.append(translator)
    loaded: list[object] = []
    if found:
        # Installed first, so asked last: it only fills what qtbase leaves untranslated.
        renamed = _renamed_contexts_translator(app, found[0])
        app.installTranslator(renamed)
        loaded.append(renamed)
    for translator in found:
        app.installTranslator(translator)
        loaded.append(translator)
    return loaded


# Qt 6 moved the file dialog's type column ("Folder", "Drive", "Shortcut", "Unknown") from the context
# QFileDialog to QAbstractFileIconProvider; qtbase_zh_CN still has them under the old one only, so the
# file dialog (the non-native one: Linux desktops without a portal) said "Folder" beside 表格 and CSV 文档.
RENAMED_CONTEXTS = {"QAbstractFileIconProvider": "QFileDialog"}


def _renamed_contexts_translator(app: object, base: object) -> object:
    """A translator answering a context of RENAMED_CONTEXTS from `base` (qtbase_zh_CN) under its old name."""
    from PySide6.QtCore import QTranslator

    assert isinstance(base, QTranslator)

    class RenamedContexts(QTranslator):
        def translate(self, context: str, source: str, disambiguation: str | None = None,  # type: ignore[override]
                      n: int = -1) -> str | None:
            # None when there is nothing here: Qt would take an empty text for a translation, and show it empty.
            old = RENAMED_CONTEXTS.get(context)
            return (base.translate(old, source, disambiguation, n) or None) if old else None

        def isEmpty(self) -> bool:  # noqa: N802 (Qt override)
            return False

    return RenamedContexts(app)  # type: ignore[arg-type]


def apply_look(app: object, fusion: bool = False) -> str:
    """Fusion style, one accent colour, a CJK font; returns the font family chosen. `fusion`: the
    application was made with Fusion already (`-style fusion`), not asked again (asking wraps the
    style object, which costs PySide a look through every style class)."""
    from PySide6.QtGui import QColor, QFontDatabase, QPalette
    from PySide6.QtWidgets import QApplication

    from services.paths import font_path, rare_font_path

    assert isinstance(app, QApplication)
    if not fusion and app.style().name().lower() != "fusion":  # setting it again costs start-up 25 ms
        app.setStyle("Fusion")
    palette = app.palette()
    # A quiet selection tint instead of Fusion's saturated blue; the accent stays for tabs and buttons.
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#f3d6d6"))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#1f1f1f"))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#f7f5f3"))
    palette.setColor(QPalette.ColorRole.Link, QColor(ACCENT))
    app.setPalette(palette)

    bundled = None
    font_id = QFontDatabase.addApplicationFont(str(font_path()))
    if font_id >= 0:
        names = QFontDatabase.applicationFontFamilies(font_id)
        bundled = next((n for n in names if "Mono" not in n), names[0] if names else None)
    # Rare characters of names (䶮, 𠇔) that neither font has: the bundled fallback, as in the prints.
    rare_id = QFontDatabase.addApplicationFont(str(rare_font_path()))
    rare = QFontDatabase.applicationFontFamilies(rare_id)[:1] if rare_id >= 0 else []
    available = set(QFontDatabase.families())
    family = next((f for f in PREFERRED_FAMILIES if f in available), bundled)
    if family:
        font = app.font()  # keeps the system's size and scaling; only the family changes
        font.setFamilies(list(dict.fromkeys([family, *([bundled] if bundled else []), *rare])))
        app.setFont(font)
    app.setStyleSheet(STYLE_SHEET)
    return family or ""


def _quiet_offscreen_messages() -> None:
    """Drop the offscreen platform's notice that it cannot resize native windows (harmless there)."""
    from PySide6.QtCore import qInstallMessageHandler

    previous = None

    def handler(mode: object, context: object, message: str) -> None:
        if "propagateSizeHints" in message:
            return
        if previous is not None:
            previous(mode, context, message)
        else:
            sys.stderr.write(message + "\n")

    previous = qInstallMessageHandler(handler)


def _db_path(args: argparse.Namespace) -> Any:
    """The database of `--db` (or DANGXUN_DB), resolved as the command line does: a file path, or a
    Location naming a server (a URL is never taken for a path)."""
    from services.safety.location import resolve_database

    location = resolve_database(getattr(args, "db", None) or os.environ.get("DANGXUN_DB") or None)
    return location.path if location.path is not None else location


def _mark(what: str) -> None:
    """Start-up timings for tests/benchmarks/bench_startup.py (only with DANGXUN_STARTUP_TRACE set)."""
    if os.environ.get("DANGXUN_STARTUP_TRACE"):
        print(f"startup-mark {what} {time.time():.6f}", file=sys.stderr, flush=True)


def run_gui(args: argparse.Namespace) -> int:
    """Open the main window on the database of `args` (or save a screenshot of it and exit)."""
    screenshot = getattr(args, "screenshot", None)
    tab_name = getattr(args, "tab", None)
    if screenshot and not os.environ.get("QT_QPA_PLATFORM"):
        # A screenshot never needs a screen; offscreen also works on a server without a display.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from services.version import APP_ID, APP_NAME
    from ui.cli.base import default_actor
    from ui.main_window import MainWindow

    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        _quiet_offscreen_messages()
    made_here = QApplication.instance() is None
    # Fusion from the start: no platform style made and then replaced.
    app = QApplication.instance() or QApplication([*sys.argv[:1], "-style", "fusion"])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_ID)
    app.setDesktopFileName(APP_ID)  # matches dangxun.desktop, so the launcher groups the window
    from PySide6.QtGui import QIcon

    from services.paths import resources_dir

    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "dangxun.png")))
    install_chinese(app)
    apply_look(app, fusion=made_here)

    from services.errors import DangxunError

    try:
        path = _db_path(args)
    except DangxunError as exc:  # a missing folder, an unsupported or unreachable database URL
        print(f"错误：{exc.message}", file=sys.stderr)
        if not screenshot:
            from ui.widgets import typed_text

            typed_text.critical(None, APP_NAME, exc.message)
        return exc.exit_code
    # A screenshot uses no settings: the same picture on every machine, no preferences changed.
    settings = None if screenshot else QSettings(APP_ID, APP_ID)
    from ui.widgets.errors import install_excepthook

    uninstall_hook = install_excepthook(app)
    window = MainWindow(None, settings=settings, db_label=str(path))
    if screenshot:
        window.resize(1280, 800)
    elif not settings or not settings.value("main/geometry"):
        _fit_default_size(window)
    if tab_name and not window.select_tab(tab_name):
        print(f"错误：没有名为“{tab_name}”的标签页", file=sys.stderr)
        if screenshot:
            return 2
    window.statusBar().showMessage(window.tr("正在打开数据库……"))
    window.show()

    # The window paints once the file's lock is settled, before SQLAlchemy, the schema check, the login
    # and the start-up backup. A file that needs nothing done on opening paints with the roll's first
    # screen already in it, read with plain sqlite3 (ui/first_screen.py): one paint instead of an empty
    # window and then the roll. (Reading in a thread while the window paints was tried: on two cores it
    # made painting slower and the roll no faster, both halves being Python holding the GIL.)
    from ui.safety.safety_startup import AutoBackup, open_for_window

    shown_first: list[bool] = []
    painted: list[bool] = []

    def paint(first_screen_of: Path | None = None) -> None:
        if painted:
            return
        if first_screen_of is not None:
            from ui.first_screen import show_first_screen

            if show_first_screen(window, first_screen_of):
                shown_first.append(True)
        app.processEvents()
        painted.append(True)
        _mark("painted")
        if shown_first:
            _mark("loaded")

    if not isinstance(path, Path):  # a server: nothing to read before it is opened
        paint()
    start = open_for_window(path, getattr(args, "user", None) or default_actor(), window,
                            interactive=not screenshot,
                            username=getattr(args, "user", "") or os.environ.get("DANGXUN_USER", ""),
                            on_locked=paint)
    paint()  # a refusal before the lock was settled: the window is seen (its message said why)
    if isinstance(start, int):  # 3 locked, 2 network share/unreadable, 1 login abandoned (already said)
        window.close()
        uninstall_hook()
        return start
    auto = AutoBackup(start.db, start.actor, window)
    try:
        window.attach(start.ws)
        window.statusBar().clearMessage()
        if start.ws.shared_reason:
            _show_read_only_banner(window)
        window.load_current()
        app.processEvents()
        if not shown_first:
            _mark("loaded")
        if screenshot:
            return _save_screenshot(window, screenshot)
        _tell_start_notes(window, start)
        auto.backed_up.connect(
            lambda p: window.statusBar().showMessage(window.tr("已自动备份：{0}").format(Path(p).name), 10_000))
        auto.failed.connect(lambda m: window.statusBar().showMessage(window.tr("自动备份没有成功：{0}").format(m)))
        if not (start.ws.shared_reason or start.db.is_server):  # only the holder of a file backs it up
            auto.start()
        from ui.safety.end_signals import close_on_end_signals

        # Logout, shutdown, a closed terminal: the window closes as by its close button, the lock given back.
        undo_signals = close_on_end_signals(app)
        _mark("running")
        try:
            return app.exec()
        finally:
            undo_signals()
    finally:
        auto.stop()
        start.close()
        uninstall_hook()


def _show_read_only_banner(window: Any) -> None:
    """A second window on a file another window edits says so all the time (the status bar's right end)."""
    from PySide6.QtWidgets import QLabel

    from ui.safety.safety_startup import READ_ONLY_BANNER

    banner = QLabel(window.tr(READ_ONLY_BANNER.split("，现在")[0]))
    banner.setObjectName("readOnlyBanner")
    banner.setToolTip(window.tr(READ_ONLY_BANNER))
    banner.setStyleSheet("QLabel { background: #fff3cd; color: #7a4f01; padding: 2px 8px; border-radius: 3px; }")
    window.statusBar().addPermanentWidget(banner)


def _tell_start_notes(window: Any, start: Any) -> None:
    """Say what happened on opening: an upgrade (with the copy kept from before), a stale lock, a failed backup."""
    from PySide6.QtWidgets import QMessageBox

    from services.version import APP_NAME

    db = start.db
    if db.upgraded_from is not None:
        copy = f"\n\n升级前的数据库已备份为：\n{db.backup_path}" if db.backup_path else ""
        QMessageBox.information(
            window, APP_NAME,
            window.tr("数据库已升级到本版本的格式，原有数据都已保留。{0}").format(copy))
    others = [n for n in start.notes if not n.startswith("数据库已从旧版本升级")]
    if db.upgraded_from is not None:
        window.statusBar().showMessage(window.tr("数据库已升级（升级前的副本已备份）。"), 30_000)
    elif others:
        window.statusBar().showMessage("；".join(others), 30_000)


def _fit_default_size(window: Any) -> None:
    screen = window.screen().availableGeometry() if window.screen() else None
    width, height = 1280, 800
    if screen is not None:
        width, height = min(width, int(screen.width() * 0.92)), min(height, int(screen.height() * 0.9))
    window.resize(width, height)


class _NotSaved(Exception):
    """Qt could not write the picture (an unknown format, or no file to be made there)."""


def _save_screenshot(window: Any, out: str) -> int:
    from PySide6.QtWidgets import QApplication

    from ui.widgets.jobs import default_runner

    # A tab that computes in the background (考核与统计) shows its figures before the picture.
    runner = default_runner()
    deadline = time.monotonic() + 60
    while runner.active_jobs() and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.02)
    for _ in range(3):
        QApplication.processEvents()
    from services.errors import DangxunError
    from services.files.safe_write import safe_target

    target = Path(out).expanduser()
    # Through a temporary file: Qt empties the file it is given before finding it cannot write the format,
    # and a mistyped name may be the database itself.
    try:
        with safe_target(target) as tmp:
            if not window.grab().save(str(tmp)):
                raise _NotSaved
    except _NotSaved:
        print(f"错误：无法保存截图到 {target}（请用 .png 文件名）", file=sys.stderr)
        return 2
    except DangxunError as exc:
        print(f"错误：无法保存截图到 {target}。{exc.message}", file=sys.stderr)
        return 2
    print(f"截图已保存：{target}", file=sys.stderr)
    window.close()
    return 0
