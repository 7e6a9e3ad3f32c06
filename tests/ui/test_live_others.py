"""Another process's writes on the same database file (a second window, the command line): the window's
timer (`ws.poll_others`, every two seconds) makes every tab follow, without F5."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from services.roll import members as member_service
from services.safety.storage import Database, open_database
from services.workspace import EDITOR, Workspace
from tests.helpers.backend import sqlite_only
from tests.helpers.members_support import OFFSCREEN_NOISE, db_fixture, open_window, valid_id
from tests.helpers.ui_workspace import workspace
from ui.roll.members_tab import MembersTab

pytestmark = [pytest.mark.qt_log_ignore(OFFSCREEN_NOISE), sqlite_only]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    yield from db_fixture(tmp_path, members=30)


def _add_elsewhere(db: Database, name: str) -> None:
    """The command line (`main.py --db FILE members add …`): its own connection, its own workspace."""
    assert db.path is not None
    other_db = open_database(db.path)
    other = Workspace.over(other_db, "命令行")
    try:
        with other.read() as s:
            branch = member_service.list_members(s)[0].branch
        with other.write("member-add", needs=EDITOR) as uow:
            member_service.create_member(uow.session, {"name": name, "id_number": valid_id("11010519900307123"),
                                                       "branch": branch, "membership": "正式党员"}, uow.actor)
    finally:
        other.close()


def test_a_member_added_by_another_process_shows_in_the_window(qtbot: Any, db: Database) -> None:
    window = open_window(qtbot, workspace(db))
    members = window.current_tab()
    assert isinstance(members, MembersTab)
    count = members.model.total_count()
    qtbot.wait(2500)  # the window has looked once: it now knows the file as it was
    _add_elsewhere(db, "命令行党员")
    qtbot.waitUntil(lambda: members.model.total_count() == count + 1, timeout=6000)


def test_a_write_by_another_process_right_after_the_window_opens_is_not_missed(qtbot: Any, db: Database) -> None:
    """The window's first look at the file is when it opens, not two seconds later: a write in between is seen."""
    window = open_window(qtbot, workspace(db))
    members = window.current_tab()
    assert isinstance(members, MembersTab)
    count = members.model.total_count()
    _add_elsewhere(db, "命令行党员")
    qtbot.waitUntil(lambda: members.model.total_count() == count + 1, timeout=6000)


def test_a_restore_in_a_window_that_watches_the_file_for_others(qtbot: Any, db: Database, tmp_path: Path) -> None:
    """The watch on other processes' writes keeps a connection to the file: a restore from 备份与恢复 (which needs
    the file to itself) still replaces it, and the window then hears of writes by others to the restored file."""
    from services.roll.branches import create_branch
    from services.safety import backup as backup_service
    from ui.safety.backup_dialog import BackupDialog

    folder = tmp_path / "backups"
    saved = backup_service.backup_now(db, "测试员", folder=folder)
    ws = workspace(db)
    window = open_window(qtbot, ws)
    members = window.current_tab()
    assert isinstance(members, MembersTab)
    with ws.write("branch-create", needs=EDITOR) as uow:
        create_branch(uow.session, "恢复后消失的支部", uow.actor)
    qtbot.wait(2500)  # the window's timer has looked at the file at least once
    dialog = BackupDialog(ws, window, folder=folder)
    qtbot.addWidget(dialog)
    dialog.confirm_restore = lambda _source: True  # type: ignore[method-assign]
    assert dialog.restore_from(saved.info.path), dialog.message_label.text()
    qtbot.waitUntil(lambda: "恢复后消失的支部" not in [b.name for b in members.tree_model.branches()], timeout=3000)
    count = members.model.total_count()
    _add_elsewhere(db, "恢复后命令行党员")
    qtbot.waitUntil(lambda: members.model.total_count() == count + 1, timeout=6000)
