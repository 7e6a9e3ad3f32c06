"""Ctrl+P on the members tab: the rows the table shows, as the roll printout, in the preview dialog."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from services.safety.storage import Database
from tests.helpers.members_support import OFFSCREEN_NOISE, db_fixture
from tests.helpers.ui_workspace import workspace
from ui.main_window import MainWindow
from ui.roll.members_tab import MembersTab
from ui.widgets import pdf_preview

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


@pytest.fixture
def db(tmp_path: Any) -> Iterator[Database]:
    yield from db_fixture(tmp_path, members=40)


@pytest.fixture
def previews(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    shown: list[Any] = []
    monkeypatch.setattr(pdf_preview.PdfPreviewDialog, "exec", lambda d: shown.append(d) or 0)
    return shown


def make_window(qtbot: Any, db: Database) -> MainWindow:
    window = MainWindow(workspace(db), settings=None, db_label="test.sqlite3")
    qtbot.addWidget(window)
    window.resize(1100, 700)
    window.show()
    window.load_current()
    return window


def _text(path: Any) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_ctrl_p_opens_the_preview_of_the_roll(qtbot: Any, db: Database, previews: list[Any]) -> None:
    window = make_window(qtbot, db)
    tab = window.current_tab()
    assert isinstance(tab, MembersTab)
    assert window.act_print.isEnabled() and tab.act_print.isEnabled()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(previews) == 1, timeout=20000)  # printed in the background
    dialog = previews[0]
    assert dialog.pdf.exists() and dialog.total_pages >= 1
    assert "党员花名册" in dialog.windowTitle()
    if shutil.which("pdftotext"):
        text = _text(dialog.pdf)
        for record in tab.visible_records():
            assert record.name in text
    window.close()


def test_prints_what_the_table_shows(qtbot: Any, db: Database, previews: list[Any]) -> None:
    window = make_window(qtbot, db)
    tab = window.current_tab()
    assert isinstance(tab, MembersTab)
    tab.tree.setCurrentIndex(tab.tree_model.branch_index(tab.tree_model.branches()[0].id))
    shown = tab.visible_records()
    branch = tab.tree_model.branches()[0].name
    assert shown and {r.branch for r in shown} == {branch}
    tab.act_print.trigger()
    qtbot.waitUntil(lambda: len(previews) == 1, timeout=20000)
    if shutil.which("pdftotext"):
        text = _text(previews[0].pdf)
        assert f"{branch}党员花名册" in text and f"共{len(shown)}人" in text
    tab.search.setText("zzzzzz")  # nothing shown: nothing to print
    assert not tab.act_print.isEnabled() and not window.act_print.isEnabled()
    tab.search.setText("")
    assert window.act_print.isEnabled()
    window.close()


def test_the_roll_prints_in_the_background_and_cancel_leaves_nothing(qtbot: Any, db: Database, previews: list[Any],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy import select

    from models import ChangeLog
    from services.printing import print_roll
    from ui.widgets import typed_text

    real = print_roll.print_roll
    calls: list[dict[str, Any]] = []

    def pressed_cancel(session: Any, out: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        kwargs["cancel"].set()  # 取消 in the progress dialog
        return real(session, out, **kwargs)

    warnings: list[Any] = []
    monkeypatch.setattr(print_roll, "print_roll", pressed_cancel)
    monkeypatch.setattr(typed_text, "warning", lambda *args: warnings.append(args))
    window = make_window(qtbot, db)
    tab = window.current_tab()
    assert isinstance(tab, MembersTab)
    tab.act_print.trigger()
    qtbot.waitUntil(lambda: bool(calls) and not tab._printing, timeout=20000)
    assert callable(calls[0]["progress"])
    assert previews == [] and warnings == []  # cancelled: nothing to show, nothing to complain about
    assert tab._out_dir is not None and list(tab._out_dir.iterdir()) == []
    with db.session_factory() as s:
        assert not s.scalars(select(ChangeLog).where(ChangeLog.action == "print")).all()
    monkeypatch.setattr(print_roll, "print_roll", real)
    tab.act_print.trigger()  # the next print goes through
    qtbot.waitUntil(lambda: len(previews) == 1, timeout=20000)
    window.close()
