"""Safety widgets standalone: login, accounts, 日志 tab, backups, the full-ID export confirmation."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox
from sqlalchemy import select

from models import Branch, ChangeLog
from services.safety import accounts, audit
from services.safety import backup as backup_service
from services.safety.storage import Database
from tests.helpers.backend import sqlite_only
from tests.helpers.ui_workspace import workspace
from ui.safety.accounts_dialog import AccountsDialog
from ui.safety.backup_dialog import BackupDialog
from ui.safety.log_tab import LogTab
from ui.safety.login_dialog import LoginDialog, login
from ui.safety.privacy_dialogs import export_allowed

# The offscreen platform's harmless complaint when a window is shown.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
SHOTS = os.environ.get("DANGXUN_SHOTS")  # set to a folder to keep screenshots of the widgets


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(accounts, "SCRYPT_N", 2 ** 10)
    yield


def _shot(widget: object, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))  # type: ignore[attr-defined]


def _with_admin(db: Database) -> None:
    with db.session_factory.begin() as s:
        accounts.create_account(s, "boss", accounts.ADMIN, "secret-1", "安装", "王主任")
        accounts.create_account(s, "reader", accounts.VIEWER, "secret-3", "boss", "李查阅")


# ---------------------------------------------------------------- login

def test_no_login_without_accounts(db: Database, qtbot: object) -> None:
    ws = workspace(db)
    assert not ws.needs_login()
    assert login(ws) is None


def test_login_dialog_refuses_then_accepts(db: Database, qtbot: object) -> None:
    _with_admin(db)
    dialog = LoginDialog(workspace(db), username="boss", database_label="/tmp/x.sqlite3")
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    dialog.show()
    dialog.password_edit.setText("wrong")
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert dialog.account is None and dialog.message_label.isVisible()
    assert "再错4次" in dialog.message_label.text()
    assert dialog.password_edit.text() == ""
    _shot(dialog, "login_failed")
    dialog.password_edit.setText("secret-1")
    with qtbot.waitSignal(dialog.accepted):  # type: ignore[attr-defined]
        qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert dialog.account is not None and dialog.account.role == accounts.ADMIN
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_login_dialog_asks_for_a_name(db: Database, qtbot: object) -> None:
    _with_admin(db)
    dialog = LoginDialog(workspace(db))
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    dialog.on_login_button_clicked()
    assert dialog.message_label.text() == "请输入用户名"


# ---------------------------------------------------------------- accounts

def test_accounts_dialog_creates_the_first_admin_then_manages(db: Database, qtbot: object,
                                                              qtmodeltester: object) -> None:
    dialog = AccountsDialog(workspace(db, "办公室"))
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    dialog.show()
    assert dialog.empty_label.isVisible() and dialog.new_button.isEnabled()
    dialog.new_button.click()
    form = dialog.child_dialog
    assert form is not None and not form.role_combo.isEnabled()  # type: ignore[attr-defined]
    form.username_edit.setText("boss")  # type: ignore[attr-defined]
    form.display_edit.setText("王主任")  # type: ignore[attr-defined]
    form.password_edit.setText("secret-1")  # type: ignore[attr-defined]
    form.confirm_edit.setText("secret-x")  # type: ignore[attr-defined]
    form.on_ok_clicked()
    assert form.message_label.text() == "两次输入的密码不一致" and form.isVisible()
    form.confirm_edit.setText("secret-1")  # type: ignore[attr-defined]
    form.on_ok_clicked()
    assert not form.isVisible() and dialog.model.rowCount() == 1
    assert not dialog.empty_label.isVisible()

    dialog.new_button.click()
    form = dialog.child_dialog
    assert form is not None and form.role_combo.isEnabled()  # type: ignore[attr-defined]
    form.username_edit.setText("boss")  # type: ignore[attr-defined]
    form.role_combo.setCurrentIndex(form.role_combo.findData(accounts.VIEWER))  # type: ignore[attr-defined]
    form.password_edit.setText("secret-3")  # type: ignore[attr-defined]
    form.confirm_edit.setText("secret-3")  # type: ignore[attr-defined]
    form.on_ok_clicked()
    assert "已存在" in form.message_label.text()  # the service's refusal, shown in the form
    form.username_edit.setText("reader")  # type: ignore[attr-defined]
    form.on_ok_clicked()
    assert dialog.model.rowCount() == 2 and dialog.selected_username() == "reader"
    qtmodeltester.check(dialog.model)  # type: ignore[attr-defined]

    # The last administrator cannot be demoted: the reason appears in the dialog.
    dialog.select("boss")
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData(accounts.EDITOR))
    dialog.role_button.click()
    assert "至少要保留一个" in dialog.message_label.text()
    dialog.select("reader")
    assert dialog.active_button.text() == "停用"
    dialog.active_button.click()
    assert dialog.model.data(dialog.model.index(1, 3)) == "停用"
    dialog.select("reader")
    dialog.reset_button.click()
    pw = dialog.child_dialog
    assert pw is not None and pw.old_edit is None  # type: ignore[attr-defined]
    pw.password_edit.setText("newpass-9")  # type: ignore[attr-defined]
    pw.confirm_edit.setText("newpass-9")  # type: ignore[attr-defined]
    pw.on_ok_clicked()
    assert "已重置" in dialog.message_label.text()
    _shot(dialog, "accounts")


def test_non_admin_may_only_change_own_password(db: Database, qtbot: object) -> None:
    _with_admin(db)
    dialog = AccountsDialog(workspace(db, "reader", accounts.VIEWER))
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    dialog.select("boss")
    assert not dialog.new_button.isEnabled() and not dialog.reset_button.isEnabled()
    assert not dialog.role_button.isEnabled() and dialog.own_password_button.isEnabled()
    dialog.own_password_button.click()
    pw = dialog.child_dialog
    assert pw is not None
    pw.old_edit.setText("bad")  # type: ignore[attr-defined]
    pw.password_edit.setText("newpass-1")  # type: ignore[attr-defined]
    pw.confirm_edit.setText("newpass-1")  # type: ignore[attr-defined]
    pw.on_ok_clicked()
    assert "原密码不正确" in pw.message_label.text()
    pw.old_edit.setText("secret-3")  # type: ignore[attr-defined]
    pw.on_ok_clicked()
    with db.session_factory.begin() as s:
        assert accounts.authenticate(s, "reader", "newpass-1").ok


# ---------------------------------------------------------------- log tab

def _some_events(db: Database) -> None:
    with db.session_factory.begin() as s:
        audit.record_event(s, "录入员甲", "import", "导入花名册 2024年花名册.xlsx：新增30人", {"added": 30})
        audit.log_export(s, "管理员乙", "党员名册", full_ids=True, rows=100)
        audit.log_print(s, "录入员甲", "签到表", pages=3)
        audit.record_event(s, "录入员甲", "export", "=1+1 看起来像公式")


def test_log_tab_filters_and_exports(demo_db: Database, qtbot: object, qtmodeltester: object,
                                     tmp_path: Path) -> None:
    _some_events(demo_db)
    tab = LogTab(workspace(demo_db, "管理员乙"))
    qtbot.addWidget(tab)  # type: ignore[attr-defined]
    tab.resize(1100, 500)
    tab.show()
    qtmodeltester.check(tab.model)  # type: ignore[attr-defined]
    total = tab.model.rowCount()
    assert total == 5 and tab.status_label.text() == "共5条"
    assert tab.model.headerData(0, Qt.Orientation.Horizontal) == "时间"
    assert tab.model.data(tab.model.index(0, 1)) == "录入员甲"  # newest first
    assert not tab.model.flags(tab.model.index(0, 4)) & Qt.ItemFlag.ItemIsEditable  # the log cannot be edited
    _shot(tab, "log_tab")
    tab.actor_combo.setCurrentIndex(tab.actor_combo.findData("录入员甲"))
    assert tab.model.rowCount() == 3
    tab.action_combo.setCurrentIndex(tab.action_combo.findData("print"))
    assert tab.model.rowCount() == 1 and tab.model.data(tab.model.index(0, 2)) == "打印"
    tab.actor_combo.setCurrentIndex(0)
    tab.action_combo.setCurrentIndex(0)
    tab.search_edit.setText("花名册")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)  # type: ignore[attr-defined]
    tab.search_edit.setText("没有这样的记录")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 0)  # type: ignore[attr-defined]
    assert tab.empty_label.isVisible() and "筛选" in tab.empty_label.text()
    assert not tab.export_action.isEnabled()
    tab.search_edit.clear()
    qtbot.waitUntil(lambda: tab.model.rowCount() == total)  # type: ignore[attr-defined]
    tab.range_combo.setCurrentIndex(tab.range_combo.findData("今天"))
    assert tab.model.rowCount() == total
    tab.range_combo.setCurrentIndex(tab.range_combo.findData("自定义"))
    assert tab.from_edit.isEnabled()
    tab.from_edit.setDate(tab.to_edit.date().addDays(1))
    assert tab.model.rowCount() == 0
    tab.range_combo.setCurrentIndex(0)

    out = tmp_path / "日志"
    with qtbot.waitSignal(tab.exported):  # type: ignore[attr-defined]
        assert tab.export_to(out) == total
    assert (tmp_path / "日志.xlsx").exists()
    assert tab.model.rowCount() == total + 1  # the export itself is logged
    assert tab.model.data(tab.model.index(0, 2)) == "导出"
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(tmp_path / "日志.xlsx")).get_sheet_by_name("操作日志").to_python()
    assert any(r[6].startswith("=1+1 看起来像公式") for r in rows)  # the sentence, kept as text


def test_log_tab_empty_state(db: Database, qtbot: object) -> None:
    tab = LogTab(workspace(db, "x"))
    qtbot.addWidget(tab)  # type: ignore[attr-defined]
    assert tab.model.rowCount() == 0 and "还没有记录" in tab.empty_label.text()


# ---------------------------------------------------------------- backups

@sqlite_only
def test_backup_dialog_backs_up_and_restores(demo_db: Database, qtbot: object, qtmodeltester: object,
                                             tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    dialog = BackupDialog(workspace(demo_db, "管理员乙", accounts.ADMIN), folder=folder)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    dialog.show()
    assert dialog.empty_label.isVisible() and not dialog.restore_button.isEnabled()
    with qtbot.waitSignal(dialog.backed_up):  # type: ignore[attr-defined]
        dialog.backup_button.click()
    assert dialog.model.rowCount() == 1 and "检查通过" in dialog.message_label.text()
    assert dialog.model.data(dialog.model.index(0, 3)) == "100"
    assert dialog.model.data(dialog.model.index(0, 1)) == "手动"
    qtmodeltester.check(dialog.model)  # type: ignore[attr-defined]
    _shot(dialog, "backups")

    from services.roll.branches import create_branch

    with demo_db.session_factory.begin() as s:
        create_branch(s, "恢复后消失的支部", "t")
    dialog.view.selectRow(0)
    assert dialog.restore_button.isEnabled()
    dialog.confirm_restore = lambda _source: True  # type: ignore[method-assign]
    with qtbot.waitSignal(dialog.restored):  # type: ignore[attr-defined]
        dialog.restore_button.click()
    assert "已从" in dialog.message_label.text()
    assert dialog.model.rowCount() == 2  # plus the copy made just before restoring
    with demo_db.session_factory() as s:
        assert s.scalar(select(Branch).where(Branch.name == "恢复后消失的支部")) is None

    dialog.set_second_folder(tmp_path / "usb")
    assert "第二备份文件夹" in dialog.folder_label.text()
    with demo_db.session_factory() as s:
        assert backup_service.second_folder(s) == tmp_path / "usb"


def test_backup_dialog_for_a_viewer(demo_db: Database, qtbot: object, tmp_path: Path) -> None:
    dialog = BackupDialog(workspace(demo_db, "reader", accounts.VIEWER), folder=tmp_path)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    assert not dialog.backup_button.isEnabled() and not dialog.restore_file_button.isEnabled()
    assert not dialog.second_button.isEnabled()


# ---------------------------------------------------------------- personal data

def test_full_id_export_needs_confirmation_and_is_logged(demo_db: Database, qtbot: object,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def answer(reply: QMessageBox.StandardButton):  # noqa: ANN202
        def question(_parent: object, _title: str, text: str, *_a: object) -> QMessageBox.StandardButton:
            asked.append(text)
            return reply
        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    assert not export_allowed(None, workspace(demo_db, "录入员甲", accounts.EDITOR), "党员名册", True)
    assert asked and "完整的身份证号码" in asked[0]
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    assert export_allowed(None, workspace(demo_db, "录入员甲", accounts.EDITOR), "党员名册", True, rows=100)
    monkeypatch.setattr(QMessageBox, "information", lambda *a: QMessageBox.StandardButton.Ok)
    assert not export_allowed(None, workspace(demo_db, "reader", accounts.VIEWER), "党员名册", True)
    asked.clear()
    assert export_allowed(None, workspace(demo_db, "reader", accounts.VIEWER), "党员名册", False)
    assert not asked  # a masked export asks nothing
    with demo_db.session_factory() as s:
        summaries = list(s.scalars(select(ChangeLog.summary).where(ChangeLog.action == "export")))
    assert summaries == ["导出党员名册（含完整身份证号码）", "导出党员名册"]


# ---------------------------------------------------------------- start of the window

def test_open_for_window_locks_backs_up_and_refuses_a_second_copy(tmp_path: Path, qtbot: object) -> None:
    from services.demo.demo import seed_demo
    from services.safety.storage import open_database
    from ui.safety.safety_startup import AutoBackup, SafeStart, open_for_window

    path = tmp_path / "w.sqlite3"
    seeded = open_database(path)
    with seeded.session_factory.begin() as s:
        seed_demo(s, members=20, branches=3)
    seeded.dispose()
    folder = tmp_path / "backups"
    start = open_for_window(path, "办公室", interactive=False, backups=folder)
    assert isinstance(start, SafeStart)
    try:
        assert start.role is None and start.actor == "办公室"
        assert start.start_backup is not None and start.start_backup.info.reason == "start"
        second = open_for_window(path, "办公室", interactive=False, backups=folder)  # the lock: look only
        assert isinstance(second, SafeStart) and second.ws.shared_reason and second.start_backup is None
        second.close()
        timer = AutoBackup(start.db, start.actor, folder=folder, check_ms=10)
        assert timer.check() is None  # nothing changed since the start-up backup
    finally:
        start.close()
    assert not (tmp_path / "w.sqlite3.lock").exists()
    again = open_for_window(path, "办公室", interactive=False, backups=folder)
    assert isinstance(again, SafeStart) and again.start_backup is None  # unchanged: no second backup
    again.close()


@sqlite_only
def test_open_for_window_with_accounts_logs_in(db: Database, qtbot: object, monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    from ui.safety import safety_startup

    _with_admin(db)
    assert db.path is not None
    db.dispose()
    assert safety_startup.open_for_window(db.path, "x", interactive=False, backups=tmp_path) == 1
    monkeypatch.setattr(safety_startup, "login", lambda ws, *a, **k: ws.login("boss", "secret-1"))
    start = safety_startup.open_for_window(db.path, "x", backups=tmp_path)
    assert isinstance(start, safety_startup.SafeStart)
    assert start.actor == "boss" and start.role == accounts.ADMIN
    start.close()
    monkeypatch.setattr(safety_startup, "login", lambda *a, **k: False)
    assert safety_startup.open_for_window(db.path, "x", backups=tmp_path) == 1
    assert not (db.path.parent / (db.path.name + ".lock")).exists()


def test_accounts_dialog_makes_a_branch_account(db: Database, qtbot: object) -> None:
    with db.session_factory.begin() as s:
        s.add_all([Branch(name="办公室党支部", sort_order=1), Branch(name="人事处党支部", sort_order=2)])
    _with_admin(db)
    ws = workspace(db, "boss", accounts.ADMIN)
    dialog = AccountsDialog(ws)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    dialog.show()
    dialog.new_button.click()
    form = dialog.child_dialog
    assert form is not None and form.branch_list.count() == 2  # type: ignore[attr-defined]
    form.username_edit.setText("sec")  # type: ignore[attr-defined]
    form.role_combo.setCurrentIndex(form.role_combo.findData(accounts.EDITOR))  # type: ignore[attr-defined]
    form.branch_list.item(1).setCheckState(Qt.CheckState.Checked)  # type: ignore[attr-defined]
    form.password_edit.setText("secret-9")  # type: ignore[attr-defined]
    form.confirm_edit.setText("secret-9")  # type: ignore[attr-defined]
    _shot(form, "account-branch-form")
    form.on_ok_clicked()
    assert not form.isVisible()
    _shot(dialog, "accounts-with-branches")
    row = dialog.model.row_of("sec")
    assert dialog.model.data(dialog.model.index(row, 5)) == "人事处党支部"
    assert dialog.model.data(dialog.model.index(dialog.model.row_of("boss"), 5)) == "全局"
    with db.session_factory() as s:
        assert accounts.get_account(s, "sec").branches == ("人事处党支部",)


@pytest.mark.parametrize("kind", ["folder", "foreign", "missing"])
def test_a_file_that_cannot_be_restored_is_said_before_asking(demo_db: Database, qtbot: object, tmp_path: Path,
                                                             kind: str) -> None:
    """The clerk confirmed 恢复, then heard the file was no backup; a folder was “not found”."""
    folder = tmp_path / "backups"
    folder.mkdir()
    source = tmp_path / "备份.sqlite3"
    if kind == "folder":
        source.mkdir()
    elif kind == "foreign":
        source.write_bytes(b"PK\x03\x04 not a database at all" * 40)
    dialog = BackupDialog(workspace(demo_db, "管理员乙", accounts.ADMIN), folder=folder)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    asked: list[Path] = []
    dialog.confirm_restore = lambda s: asked.append(s) or True  # type: ignore[method-assign]
    assert dialog.restore_from(source) is False
    assert asked == []
    message = dialog.message_label.text()
    assert "当前数据库未改动" in message or "不能" in message
    if kind == "folder":
        assert "是一个文件夹" in message
