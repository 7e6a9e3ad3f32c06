"""注销/切换用户 and the idle lock: nothing personal on screen until the password is given again."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QMenu, QWidget
from sqlalchemy import select

from models import ChangeLog
from services.safety import accounts, recovery
from services.safety.storage import Database
from tests.helpers.ui_workspace import workspace
from ui.main_window import MainWindow
from ui.safety.session_guard import LOCK_SHORTCUT, LOGOUT_SHORTCUT, LockCover

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(accounts, "SCRYPT_N", 2 ** 10)
    yield


class PersonalTab(QLabel):
    built = 0

    def __init__(self, ws: Any, parent: QWidget | None = None) -> None:
        super().__init__(f"张三 110105199003071234 ({ws.actor})", parent)
        PersonalTab.built += 1

    def refresh(self) -> None:
        pass


@pytest.fixture
def window(db: Database, qtbot: Any) -> Iterator[MainWindow]:
    with db.session_factory.begin() as s:
        accounts.create_account(s, "boss", accounts.ADMIN, "secret-1", "安装")
        accounts.create_account(s, "reader", accounts.VIEWER, "secret-3", "boss")
    ws = workspace(db)
    ws.login("boss", "secret-1")
    win = MainWindow(ws, tab_specs=[("党员", PersonalTab)])
    qtbot.addWidget(win)
    win.resize(1024, 768)
    win.show()
    win.load_current()
    now = [1000.0]
    win.guard.clock = lambda: now[0]
    win.guard._last_input = now[0]
    win.now = now  # type: ignore[attr-defined]
    yield win
    if win.guard.lock_dialog is not None:
        win.guard.lock_dialog.done(QDialog.DialogCode.Accepted)


def _text(win: MainWindow) -> str:
    tab = win.current_tab()
    assert isinstance(tab, QLabel)
    return tab.text()


def _unlock(win: MainWindow, username: str, password: str) -> None:
    dialog = win.guard.lock_dialog
    assert dialog is not None
    dialog.username_edit.setText(username)
    dialog.password_edit.setText(password)
    dialog.unlock_button.click()


def test_actions_and_shortcuts(window: MainWindow) -> None:
    assert window.guard.act_logout.shortcut().toString() == LOGOUT_SHORTCUT
    assert window.guard.act_lock.shortcut().toString() == LOCK_SHORTCUT
    assert window.guard.act_logout.isEnabled() and window.guard.act_lock.isEnabled()
    menus = window.menuBar().findChildren(QMenu)
    assert any(window.guard.act_logout in m.actions() and window.guard.act_lock in m.actions() for m in menus)


def test_idle_lock_covers_the_window_and_the_same_account_unlocks(window: MainWindow, qtbot: Any) -> None:
    guard = window.guard
    assert guard.minutes == recovery.DEFAULT_IDLE_MINUTES
    window.now[0] += 14 * 60  # type: ignore[attr-defined]
    assert not guard.check_idle()
    window.now[0] += 61  # type: ignore[attr-defined]
    assert guard.check_idle() and guard.locked
    covers = window.findChildren(LockCover)
    assert covers and covers[0].isVisible() and covers[0].geometry() == window.rect()
    assert guard.lock_dialog is not None and guard.lock_dialog.isVisible()
    assert "15分钟" in " ".join(label.text() for label in guard.lock_dialog.findChildren(QLabel))
    assert not guard.act_logout.isEnabled()
    guard.lock_dialog.reject()  # Esc does not unlock
    assert guard.lock_dialog.isVisible()
    tab_before = window.current_tab()
    _unlock(window, "boss", "wrong-1")
    assert guard.locked and "不正确" in guard.lock_dialog.message_label.text()
    _unlock(window, "boss", "secret-1")
    assert not guard.locked
    qtbot.waitUntil(lambda: not window.findChildren(LockCover))
    assert window.current_tab() is tab_before and window.ws.account.username == "boss"


def test_another_account_unlocking_is_a_switch(window: MainWindow, qtbot: Any) -> None:
    guard = window.guard
    other = QDialog(window)
    other.show()
    guard.lock()
    assert len(window.findChildren(LockCover)) == 2  # the open dialog is covered too
    built = PersonalTab.built
    _unlock(window, "reader", "secret-3")
    assert window.ws.account.username == "reader" and not other.isVisible()
    assert PersonalTab.built == built + 1 and "reader" in _text(window)
    assert "reader" in window.user_label.text() and window.read_only


def test_idle_time_zero_never_locks(window: MainWindow) -> None:
    with window.ws.write("idle-lock", needs=accounts.ADMIN) as uow:
        recovery.set_idle_lock_minutes(uow.session, 0, uow.actor)
    assert window.guard.minutes == 0  # followed the setting
    window.now[0] += 10 * 3600  # type: ignore[attr-defined]
    assert not window.guard.check_idle()


def test_logout_empties_the_tabs_until_someone_logs_in(window: MainWindow, db: Database) -> None:
    seen: list[str] = []

    def ask() -> bool:
        slot = window.slots[0]
        seen.append(slot.placeholder.text() if slot.widget is None else "still shown")
        assert window.ws.account is None and window.user_label.text() == ""
        assert not window.guard.act_lock.isEnabled()
        window.ws.login("reader", "secret-3")
        return True

    assert window.guard.logout(ask)
    assert seen == ["已注销：登录后显示数据。"]
    assert window.ws.account.username == "reader" and "reader" in _text(window)
    with db.session_factory() as s:
        entry = s.scalars(select(ChangeLog).where(ChangeLog.action == "logout")).one()
        assert entry.actor == "boss" and entry.summary == "账号“boss”注销"


def test_giving_up_the_login_after_logout_closes_the_window(window: MainWindow) -> None:
    assert not window.guard.logout(lambda: False)
    assert not window.isVisible() and window.slots[0].widget is None


def test_no_accounts_no_lock(db: Database, qtbot: Any) -> None:
    win = MainWindow(workspace(db), tab_specs=[("党员", PersonalTab)])
    qtbot.addWidget(win)
    win.guard.clock = lambda: 10.0 ** 9
    assert not win.guard.check_idle() and not win.guard.act_logout.isEnabled()
    win.guard.lock()
    assert not win.guard.locked


def test_input_is_watched_only_while_the_idle_lock_can_act(window: MainWindow, db: Database, qtbot: Any) -> None:
    """Typing keeps the lock away; without someone logged in or an idle time the program's events are
    not filtered at all (a filter on every event slows the whole program, its start most)."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    guard = window.guard
    assert guard.watching_input
    window.now[0] += 14 * 60  # type: ignore[attr-defined]
    QApplication.sendEvent(window, QKeyEvent(QEvent.Type.KeyPress, 0x41, Qt.KeyboardModifier.NoModifier, "a"))
    window.now[0] += 2 * 60  # type: ignore[attr-defined]
    assert not guard.check_idle()  # 2 minutes since the key, not 16
    with window.ws.write("idle-lock", needs=accounts.ADMIN) as uow:
        recovery.set_idle_lock_minutes(uow.session, 0, uow.actor)
    assert not guard.watching_input
    with window.ws.write("idle-lock", needs=accounts.ADMIN) as uow:
        recovery.set_idle_lock_minutes(uow.session, 5, uow.actor)
    assert guard.watching_input
    assert guard.logout(lambda: False) is False and not guard.watching_input
    unwatched = MainWindow(None, tab_specs=[("党员", PersonalTab)])  # before the database is open
    qtbot.addWidget(unwatched)
    assert not unwatched.guard.watching_input
    no_accounts = MainWindow(workspace(db), tab_specs=[("党员", PersonalTab)])
    qtbot.addWidget(no_accounts)
    assert not no_accounts.guard.watching_input
