"""文件 → 打开数据库…: a file or a server; the server's password is never kept in the settings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from ui.safety.open_database_dialog import OpenDatabaseDialog, server_url


def test_server_url_quotes_what_needs_it() -> None:
    assert server_url(" 10.0.0.5 ", 5433, "党建库", "li@bureau") == \
        "postgresql+psycopg://li%40bureau@10.0.0.5:5433/%E5%85%9A%E5%BB%BA%E5%BA%93"
    assert server_url("db", 5432, "dangxun", "") == "postgresql+psycopg://db:5432/dangxun"


def test_an_unreachable_server_is_said_in_the_dialog_and_nothing_is_kept(qtbot, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    dialog = OpenDatabaseDialog(None, settings)
    qtbot.addWidget(dialog)
    dialog.server_choice.setChecked(True)
    dialog.host.setText("127.0.0.1")
    dialog.port.setValue(1)
    dialog.database.setText("dangxun")
    dialog.user.setText("clerk")
    dialog.password.setText("server-secret")
    dialog.accept()
    assert dialog.result() != OpenDatabaseDialog.DialogCode.Accepted
    assert "无法连接数据库服务器" in dialog.problem.text()
    assert settings.value("open_database/host") is None


def test_a_file_choice_is_remembered_without_any_password(qtbot, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    dialog = OpenDatabaseDialog(None, settings)
    qtbot.addWidget(dialog)
    dialog.file_choice.setChecked(True)
    dialog.path.setText(str(tmp_path / "库.sqlite3"))
    dialog.password.setText("server-secret")
    dialog.accept()
    assert dialog.result() == OpenDatabaseDialog.DialogCode.Accepted
    assert dialog.location() == str(tmp_path / "库.sqlite3")
    settings.sync()
    text = (tmp_path / "s.ini").read_text(encoding="utf-8")
    assert "server-secret" not in text
    again = OpenDatabaseDialog(None, settings)
    qtbot.addWidget(again)
    assert again.file_choice.isChecked() and again.path.text() == str(tmp_path / "库.sqlite3")
