"""The recovery code in the window: shown once for the first administrator, used from 忘记密码…; the idle-lock setting."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from models import Account
from services.safety import accounts, recovery
from services.safety.storage import Database
from tests.helpers.ui_workspace import workspace
from ui.safety.accounts_dialog import AccountsDialog
from ui.safety.login_dialog import LoginDialog
from ui.safety.recovery_dialogs import RecoveryCodeDialog

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(accounts, "SCRYPT_N", 2 ** 10)
    yield


def _create(dialog: AccountsDialog, username: str, password: str) -> None:
    dialog.new_button.click()
    form: Any = dialog.child_dialog
    form.username_edit.setText(username)
    form.password_edit.setText(password)
    form.confirm_edit.setText(password)
    form.on_ok_clicked()


def test_first_admin_gets_a_code_shown_once_that_resets_the_password(db: Database, qtbot: Any) -> None:
    dialog = AccountsDialog(workspace(db, "办公室"))
    qtbot.addWidget(dialog)
    dialog.show()
    _create(dialog, "boss", "secret-1")
    shown = dialog.code_dialog
    assert isinstance(shown, RecoveryCodeDialog) and shown.isVisible()
    code = shown.code
    assert shown.code_label.text() == code and "只显示这一次" in shown.windowTitle()
    shown.accept()
    dialog.code_dialog = None
    _create(dialog, "reader", "secret-3")  # no code for a later account
    assert dialog.code_dialog is None
    with db.session_factory() as s:
        hashes = {name: value for name, value in s.execute(select(Account.username, Account.recovery_hash))}
    assert hashes["reader"] is None and hashes["boss"] and code not in hashes["boss"]

    login = LoginDialog(workspace(db), username="boss")
    qtbot.addWidget(login)
    login.show()
    login.forgot_button.click()
    reset: Any = login.recovery_dialog
    assert reset is not None and reset.isVisible() and reset.username_edit.text() == "boss"
    reset.code_edit.setText("ABCDE-FGHJK-MNPQR-STUVW")
    reset.password_edit.setText("forgot-it-2")
    reset.confirm_edit.setText("forgot-it-2")
    reset.ok_button.click()
    assert "恢复码不正确" in reset.message_label.text() and reset.isVisible()
    reset.code_edit.setText(code.replace("-", " ").lower())
    reset.ok_button.click()
    assert not reset.isVisible()
    new_code = login.code_dialog
    assert isinstance(new_code, RecoveryCodeDialog) and new_code.code != code
    new_code.accept()
    assert "请用新密码登录" in login.message_label.text()
    login.password_edit.setText("forgot-it-2")
    login.login_button.click()
    assert login.account is not None and login.account.username == "boss"


def test_admin_sets_the_idle_lock_and_issues_a_new_code(db: Database, qtbot: Any) -> None:
    with db.session_factory.begin() as s:
        accounts.create_account(s, "boss", accounts.ADMIN, "secret-1", "安装")
        accounts.create_account(s, "reader", accounts.VIEWER, "secret-3", "boss")
    viewer = AccountsDialog(workspace(db, "reader", accounts.VIEWER))
    qtbot.addWidget(viewer)
    assert not viewer.idle_spin.isEnabled() and not viewer.own_code_button.isEnabled()
    dialog = AccountsDialog(workspace(db, "boss", accounts.ADMIN))
    qtbot.addWidget(dialog)
    assert dialog.idle_spin.value() == 15 and dialog.idle_button.isEnabled()
    dialog.idle_spin.setValue(5)
    dialog.idle_button.click()
    assert "5分钟" in dialog.message_label.text()
    with db.session_factory() as s:
        assert recovery.idle_lock_minutes(s) == 5
    # At the keyboard: the minutes typed and Enter save them (Enter took 新建账号 and opened its form).
    dialog.show()
    dialog.idle_spin.setFocus()
    dialog.idle_spin.lineEdit().selectAll()
    qtbot.keyClicks(dialog.idle_spin, "30")
    qtbot.keyClick(dialog.idle_spin, Qt.Key.Key_Return)
    assert dialog.child_dialog is None and "30分钟" in dialog.message_label.text()
    with db.session_factory() as s:
        assert recovery.idle_lock_minutes(s) == 30
    dialog.own_code_button.click()
    assert isinstance(dialog.code_dialog, RecoveryCodeDialog)
    with db.session_factory() as s:
        assert recovery.has_code(s, "boss")
    dialog.code_dialog.accept()
