"""The main window: tabs, menus and shortcuts, status bar, remembered settings, the screenshot command."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QKeySequence

from services.safety.storage import Database
from tests.helpers.members_support import OFFSCREEN_NOISE, db_fixture
from tests.helpers.paths import REPO as REPO_DIR
from tests.helpers.ui_workspace import workspace
from ui.main_window import TAB_SPECS, MainWindow
from ui.roll.members_tab import MembersTab

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
REPO = REPO_DIR


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    yield from db_fixture(tmp_path)


def make_window(qtbot: Any, db: Database, settings: QSettings | None) -> MainWindow:
    window = MainWindow(workspace(db), settings=settings, db_label="test.sqlite3")
    qtbot.addWidget(window)
    window.resize(1100, 700)
    window.show()
    window.load_current()
    return window


def test_window_starts_on_the_demo_bureau(qtbot: Any, db: Database, tmp_path: Path) -> None:
    window = make_window(qtbot, db, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    assert window.tabs.count() == len(TAB_SPECS)
    tab = window.current_tab()
    assert isinstance(tab, MembersTab)
    assert tab.model.rowCount() == 100
    assert "在册党员 100 名" in window.counts_label.text()
    tab.search.setText("zzzzzz")
    assert "当前显示 0 名" in window.counts_label.text()


def test_menus_and_shortcuts(qtbot: Any, db: Database) -> None:
    window = make_window(qtbot, db, None)
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["文件(&F)", "编辑(&E)", "视图(&V)", "帮助(&H)"]
    shortcuts = {a.objectName(): a.shortcut() for a in window.actions()}
    assert shortcuts["act_new"] == QKeySequence("Ctrl+N")
    assert shortcuts["act_find"] == QKeySequence("Ctrl+F")
    assert shortcuts["act_print"] == QKeySequence("Ctrl+P")
    assert shortcuts["act_import"] == QKeySequence("Ctrl+I")
    assert shortcuts["act_refresh"] == QKeySequence("F5")
    assert shortcuts["act_delete"] == QKeySequence("Del")
    # The members tab prints the roll (花名册); the window wired the roll importer to it.
    assert window.act_print.isEnabled()
    assert window.act_import.isEnabled()
    assert window.act_new.isEnabled()
    tab = window.current_tab()
    window.act_find.trigger()
    qtbot.waitUntil(tab.search.hasFocus)
    tab.import_roll_requested.disconnect()  # no file dialog here: only that the request arrives
    with qtbot.waitSignal(tab.import_roll_requested, timeout=1000):
        window.act_import.trigger()
    window.act_refresh.trigger()
    assert tab.model.rowCount() == 100


def test_select_tab_by_name(qtbot: Any, db: Database) -> None:
    window = make_window(qtbot, db, None)
    assert window.select_tab("党员")
    assert not window.select_tab("没有这一页")


def test_geometry_and_column_widths_are_remembered(qtbot: Any, db: Database, tmp_path: Path) -> None:
    path = str(tmp_path / "settings.ini")
    window = make_window(qtbot, db, QSettings(path, QSettings.Format.IniFormat))
    tab = window.current_tab()
    tab.table.horizontalHeader().resizeSection(0, 231)
    window.resize(900, 640)
    window.close()

    again = make_window(qtbot, db, QSettings(path, QSettings.Format.IniFormat))
    assert again.current_tab().table.horizontalHeader().sectionSize(0) == 231
    settings = QSettings(path, QSettings.Format.IniFormat)
    assert settings.value("main/geometry")


def test_the_tab_left_open_is_the_tab_shown_on_restart(qtbot: Any, db: Database, tmp_path: Path) -> None:
    """Before, the window always came back on 党员, whatever tab the clerk had been working in."""
    path = str(tmp_path / "settings.ini")
    window = make_window(qtbot, db, QSettings(path, QSettings.Format.IniFormat))
    assert window.select_tab("培训")
    window.close()

    again = make_window(qtbot, db, QSettings(path, QSettings.Format.IniFormat))
    assert again.tabs.tabText(again.tabs.currentIndex()) == "培训"
    shown, roll = again.slot_of("培训"), again.slot_of("党员")
    assert shown is not None and shown.loaded and roll is not None
    assert roll.widget is None  # the roll is not read for a tab not shown


def test_screenshot_command_writes_a_png(db: Database, tmp_path: Path) -> None:
    out = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, str(REPO / "main.py"), "--db", str(db.path), "--screenshot", str(out), "--tab", "党员"],
        cwd=REPO, env=env, capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 10_000


def test_screenshot_of_an_unknown_tab_is_a_usage_error(db: Database, tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, str(REPO / "main.py"), "--db", str(db.path), "--screenshot",
         str(tmp_path / "x.png"), "--tab", "没有这一页"],
        cwd=REPO, env=env, capture_output=True, timeout=120)
    assert result.returncode == 2
    assert "没有名为" in result.stderr.decode("utf-8")


def _tables(path: Path) -> list[str]:
    """The database's tables (opening the window itself writes a little, so the bytes may change)."""
    import sqlite3

    conn = sqlite3.connect(str(path))
    try:
        return sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
    finally:
        conn.close()


def test_a_screenshot_that_cannot_be_saved_leaves_the_target_and_the_database(db: Database, tmp_path: Path) -> None:
    """Qt truncates the file it was given before finding it cannot write the format: the picture goes to a
    temporary file first, so a mistyped --screenshot never empties the database (or any other file)."""
    assert db.path is not None
    roll = tmp_path / "花名册.xlsx"
    roll.write_bytes(b"PK a workbook")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    before = _tables(db.path)
    assert "member" in before
    for out, words in ((db.path, str(db.path)), (roll, str(roll)), (roll / "x.png", str(roll))):
        result = subprocess.run(
            [sys.executable, str(REPO / "main.py"), "--db", str(db.path), "--screenshot", str(out)],
            cwd=REPO, env=env, capture_output=True, timeout=120)
        err = result.stderr.decode("utf-8", "replace")
        assert result.returncode == 2 and words in err and "Traceback" not in err, err
    assert _tables(db.path) == before
    assert roll.read_bytes() == b"PK a workbook"
    assert sorted(p.name for p in tmp_path.iterdir() if ".part" in p.name) == []


def test_every_tab_leaves_the_window_usable_at_1024(qtbot: Any, db: Database) -> None:
    """After every tab has been shown, nothing forces the window wider than 1024 (nor taller than 768)."""
    window = make_window(qtbot, db, None)
    for title, _factory in TAB_SPECS:
        assert window.select_tab(title)
        window.load_current()
        qtbot.waitUntil(lambda: window.current_tab() is not None)
        window.resize(1024, 700)
        qtbot.wait(10)
        hint = window.minimumSizeHint()
        assert hint.width() <= 1024 and hint.height() <= 768, (title, hint)
        assert window.minimumWidth() <= 1024
    window.resize(1024, 740)
    qtbot.wait(10)
    assert window.width() == 1024


def test_no_clipped_column_headers_at_1024(qtbot: Any, db: Database) -> None:
    """Each visible table's header texts fit their sections at 1024×768 (a header never shows half a word)."""
    from PySide6.QtWidgets import QHeaderView, QTableView

    window = make_window(qtbot, db, None)
    window.resize(1024, 740)
    clipped: list[str] = []
    for title, _factory in TAB_SPECS:
        window.select_tab(title)
        window.load_current()
        qtbot.wait(20)
        for view in window.current_tab().findChildren(QTableView):
            if not view.isVisible():
                continue
            header: QHeaderView = view.horizontalHeader()
            model = view.model()
            if model is None or header.isHidden():
                continue
            metrics = header.fontMetrics()
            for section in range(header.count()):
                if header.isSectionHidden(section) or header.sectionSize(section) == 0:
                    continue
                text = str(model.headerData(section, header.orientation()) or "")
                widest = max((metrics.horizontalAdvance(line) for line in text.split("\n")), default=0)
                if widest + 4 > header.sectionSize(section):  # the header's own margins, as Qt sizes them
                    clipped.append(f"{title}: {text!r} {widest}>{header.sectionSize(section)}")
    assert not clipped


def test_about_names_the_font_licence_the_program_uses(qtbot: Any, db: Database, monkeypatch: Any) -> None:
    from PySide6.QtWidgets import QMessageBox

    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda _parent, _title, text: said.append(text))
    window = make_window(qtbot, db, None)
    window.show_about()
    licence = (REPO / "resources" / "fonts" / "LICENSE-wqy-microhei.txt").read_text(encoding="utf-8")
    # It said GPLv3 while the font ships, and its licence file says it is used, under the Apache License 2.0.
    assert "uses it under the Apache License 2.0" in licence
    assert "Apache 许可证 2.0" in said[0] and "GPL" not in said[0]
