"""备份与恢复's folder choosers: Esc keeps the second folder; each chooser starts where it was last left."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from services.safety import accounts
from services.safety import backup as backup_service
from services.safety.storage import Database
from tests.helpers.members_support import OFFSCREEN_NOISE, on_next_dialog
from tests.helpers.ui_workspace import workspace
from ui.safety.backup_dialog import BackupDialog

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def _dialog(qtbot: Any, db: Database, folder: Path) -> BackupDialog:
    dialog = BackupDialog(workspace(db, "管理员乙", accounts.ADMIN), folder=folder)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _second(db: Database) -> Path | None:
    with db.session_factory() as s:
        return backup_service.second_folder(s)


def test_esc_in_the_folder_chooser_keeps_the_second_folder(qtbot: Any, demo_db: Database, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    dialog = _dialog(qtbot, demo_db, tmp_path / "backups")
    dialog.set_second_folder(usb)
    started: list[str] = []

    def cancelled(_parent: Any, _title: str, start: str = "", *_args: Any) -> str:
        started.append(start)
        return ""

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(cancelled))
    asked: list[str] = []

    def press_enter(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        qtbot.keyClick(box, Qt.Key.Key_Return)  # the safe button is the default

    on_next_dialog(press_enter)
    dialog.second_button.click()
    assert started == [str(usb)]  # the chooser opens on the folder set, not where the program was started
    assert asked and str(usb) in asked[0]
    assert _second(demo_db) == usb  # before: Esc in the chooser cleared it ("已取消第二备份文件夹")

    def give_up(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        [b for b in box.buttons() if b.text() == "不再另存"][0].click()

    on_next_dialog(give_up)
    dialog.second_button.click()
    assert _second(demo_db) is None


def test_restore_from_file_starts_where_a_backup_was_last_taken_from(qtbot: Any, demo_db: Database,
                                                                    tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    answers = [str(stick / "dangxun-backup.sqlite3"), ""]
    started: list[str] = []

    def chosen(_parent: Any, _title: str, start: str = "", *_args: Any) -> tuple[str, str]:
        started.append(start)
        return answers.pop(0), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(chosen))
    dialog = _dialog(qtbot, demo_db, tmp_path / "backups")
    dialog.restore_from = lambda _source: False  # type: ignore[method-assign]
    dialog.restore_file_button.click()
    again = _dialog(qtbot, demo_db, tmp_path / "backups")
    again.restore_from = lambda _source: False  # type: ignore[method-assign]
    again.restore_file_button.click()
    assert started == [str(tmp_path / "backups"), str(stick)]
