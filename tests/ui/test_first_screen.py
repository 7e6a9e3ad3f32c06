"""Start-up: the roll's first screen straight from the file, then the database opened and attached."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from services.roll import members as member_service
from services.safety.storage import Database, daily_check
from tests.helpers.backend import sqlite_only
from tests.helpers.members_support import OFFSCREEN_NOISE, db_fixture
from tests.helpers.paths import REPO
from tests.helpers.ui_workspace import workspace
from ui.first_screen import show_first_screen
from ui.main_window import MainWindow
from ui.roll import members_tab as members_tab_module
from ui.roll.members_tab import MembersTab

pytestmark = [pytest.mark.qt_log_ignore(OFFSCREEN_NOISE), sqlite_only]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    for database in db_fixture(tmp_path):
        daily_check(database)  # checked today: the file opens with nothing to do
        yield database


def ids(tab: MembersTab) -> list[int]:
    return [tab.model.record_at(i).id for i in range(tab.model.rowCount())]


def test_first_screen_then_the_workspace(qtbot: Any, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(members_tab_module, "FIRST_SCREEN_ROWS", 20)
    window = MainWindow(None, db_label="test.sqlite3")
    qtbot.addWidget(window)
    window.show()
    assert db.path is not None and show_first_screen(window, db.path)
    tab = window.current_tab()
    assert isinstance(tab, MembersTab)
    with db.session_factory() as session:
        everyone = [r.id for r in member_service.list_members(session, status="在册")]
    assert ids(tab) == everyone[:20] and tab.model.is_partial()
    assert "在册党员 100 名" in window.counts_label.text()
    # Nothing can be changed, and the rest is not read, before the database is open.
    assert not tab.act_add.isEnabled() and not window.act_new.isEnabled()
    tab.model.fetchMore()
    assert tab.model.is_partial()

    window.attach(workspace(db))
    window.load_current()
    assert window.current_tab() is tab  # the same tab, now attached
    assert tab.act_add.isEnabled() and window.act_new.isEnabled() and tab.can_import()  # wired by the window
    tab.model.fetchMore()
    assert ids(tab) == everyone
    # It follows the workspace: a change made through it shows at once.
    first = tab.model.record_at(0)
    with tab.ws.write("update-member") as uow:
        member_service.mark_left(uow.session, first.id, "去世", "2025-01-01", "", uow.actor)
    assert first.id not in ids(tab)


def test_no_first_screen_for_another_tab_or_a_file_with_work_to_do(qtbot: Any, db: Database) -> None:
    window = MainWindow(None, db_label="test.sqlite3")
    qtbot.addWidget(window)
    assert db.path is not None
    window.select_tab("培训")
    assert not show_first_screen(window, db.path)
    window.select_tab("党员")
    assert not show_first_screen(window, db.path.with_name("absent.sqlite3"))
    assert window.current_tab() is None


def test_the_first_screen_needs_no_sqlalchemy(db: Database, tmp_path: Path) -> None:
    """The point of it: the roll is on screen before SQLAlchemy (and the models) are imported."""
    script = (
        "import json, sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication(sys.argv[:1])\n"
        "from ui.first_screen import show_first_screen\n"
        "from ui.main_window import MainWindow\n"
        "w = MainWindow(None)\n"
        "w.show()\n"
        "shown = show_first_screen(w, __import__('pathlib').Path(sys.argv[1]))\n"
        "app.processEvents()\n"
        "heavy = sorted(m for m in ('sqlalchemy', 'models', 'alembic') if m in sys.modules)\n"
        "print(json.dumps([shown, w.current_tab().model.rowCount(), heavy]))\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(db.path)], cwd=REPO, capture_output=True,
                            text=True, timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    shown, rows, heavy = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown and rows == 100 and heavy == []
