"""注销/切换用户 and the idle lock of the main window.

`SessionGuard(window)` adds the two actions (注销/切换用户 Ctrl+Shift+L, 锁定 Ctrl+L), watches the
application's input, and after the idle time set in 账号管理 (default 15 minutes, 0 = never) covers
every window of the program and asks for the password. The same account unlocks and carries on;
another account's name and password switch to that account (open dialogs are closed, the tabs rebuilt
for its role). Logging out empties the tabs before the login dialog is shown.
Only a database with accounts (someone logged in) locks: without accounts there is no password.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.typed_text import plain

LOGOUT_SHORTCUT = "Ctrl+Shift+L"
LOCK_SHORTCUT = "Ctrl+L"
_INPUT = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
          QEvent.Type.TouchBegin}


class LockCover(QWidget):
    """An opaque sheet over a window's contents while the program is locked."""

    def __init__(self, target: QWidget) -> None:
        super().__init__(target)
        self.setObjectName("lock_cover")
        self.setAutoFillBackground(True)
        self.setAttribute(Qt.WidgetAttribute.WA_NoMousePropagation)
        target.installEventFilter(self)
        self.setGeometry(target.rect())
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        parent = self.parentWidget()
        if parent is not None and watched is parent and event.type() == QEvent.Type.Resize:
            self.setGeometry(parent.rect())
        if watched is self.parent() and event.type() == QEvent.Type.ChildAdded:
            self.raise_()
        return False

    def paintEvent(self, _event: Any) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        painter.setPen(self.palette().mid().color())
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("已锁定"))


class LockDialog(QDialog):
    """The lock screen's form: the account's password, or another account's name and password."""

    unlocked = Signal(bool)  # True: another account logged in (a switch)
    quit_requested = Signal()

    def __init__(self, ws: Any, username: str, minutes: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.username = username
        self.setObjectName("lock_dialog")
        self.setWindowTitle(self.tr("已锁定 — 党员教育培训管理系统"))
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        heading = QLabel(self.tr("窗口已锁定"))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        heading.setStyleSheet("color: #B71C1C;")
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        why = (self.tr("为保护党员个人信息，窗口闲置{0}分钟后已自动锁定。").format(minutes) if minutes
               else self.tr("窗口已锁定，党员个人信息已隐藏。"))
        info = QLabel(why + self.tr("输入密码继续工作；换一位同事使用，请输入他的用户名和密码（切换用户）。"))
        info.setWordWrap(True)
        self.username_edit = QLineEdit(username)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("密码"))
        form = QFormLayout()
        form.addRow(self.tr("用户名"), self.username_edit)
        form.addRow(self.tr("密码"), self.password_edit)
        self.message_label = plain(QLabel())
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("color: #B71C1C;")
        self.message_label.hide()
        self.buttons = QDialogButtonBox()
        self.unlock_button = self.buttons.addButton(self.tr("解锁"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.unlock_button.setProperty("primary", True)
        self.unlock_button.setDefault(True)
        self.quit_button = self.buttons.addButton(self.tr("退出程序"), QDialogButtonBox.ButtonRole.DestructiveRole)
        self.buttons.accepted.connect(self.on_unlock_button_clicked)
        self.quit_button.clicked.connect(self.quit_requested.emit)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.addWidget(heading)
        layout.addWidget(info)
        layout.addLayout(form)
        layout.addWidget(self.message_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("汉") * 26)
        self.password_edit.setFocus()

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))
        self.adjustSize()  # room for the message without squeezing the form

    def on_unlock_button_clicked(self) -> None:
        from services.errors import DangxunError

        username = self.username_edit.text().strip()
        if not username:
            self.show_message(self.tr("请输入用户名"))
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # scrypt takes a moment
        try:
            self.ws.login(username, self.password_edit.text())  # a failure is counted, as at start
        except DangxunError as exc:
            self.show_message(exc.message.removeprefix("登录失败："))
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.unlocked.emit(username != self.username)
        self.done(QDialog.DialogCode.Accepted)

    def reject(self) -> None:  # Esc does not unlock
        self.password_edit.setFocus()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        if self.result() != QDialog.DialogCode.Accepted:
            event.ignore()


class SessionGuard(QObject):
    """The main window's 注销/切换用户, 锁定 and idle lock (see the module docstring)."""

    locked_changed = Signal(bool)

    def __init__(self, window: Any, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(window)
        self.window = window
        self.clock = clock
        self.minutes = 0
        self.lock_dialog: LockDialog | None = None
        self.covers: list[LockCover] = []
        self._last_input = clock()
        self.act_logout = self._action(self.tr("注销/切换用户…"), LOGOUT_SHORTCUT, self.logout, "act_logout")
        self.act_lock = self._action(self.tr("锁定窗口"), LOCK_SHORTCUT, lambda: self.lock(idle=False), "act_lock")
        self.timer = QTimer(self)
        self.timer.setInterval(15_000)
        self.timer.timeout.connect(self.check_idle)
        # The application's input is watched only while the idle lock can act (someone logged in, an
        # idle time set): a Python filter on every event of the program slows all of it, start-up most.
        self._watching = False

    def _action(self, text: str, shortcut: str, slot: Callable[[], Any], name: str) -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(name)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.window.addAction(action)
        return action

    # ------------------------------------------------------------ state

    @property
    def ws(self) -> Any:
        return self.window.ws

    @property
    def logged_in(self) -> bool:
        return self.ws is not None and self.ws.account is not None

    @property
    def locked(self) -> bool:
        return self.lock_dialog is not None

    def attach(self) -> None:
        """The window has its workspace: read the idle time and follow its changes."""
        from ui.widgets.live import follow

        follow(self.ws, self.window, ("setting",), self.reload_setting)
        self.reload_setting()
        self.timer.start()

    def reload_setting(self) -> None:
        from services.safety import recovery

        with self.ws.read() as session:
            self.minutes = recovery.idle_lock_minutes(session)
        self._watch_input()

    def update_actions(self) -> None:
        self.act_logout.setEnabled(self.logged_in and not self.locked)
        self.act_lock.setEnabled(self.logged_in and not self.locked)
        self._watch_input()

    def _watch_input(self) -> None:
        """Watch the application's input while the idle lock can act; the idle time counts from then."""
        wanted = self.minutes > 0 and self.logged_in
        app = QApplication.instance()
        if wanted == self._watching or app is None:
            return
        if wanted:
            self._last_input = self.clock()
            app.installEventFilter(self)
        else:
            app.removeEventFilter(self)
        self._watching = wanted

    @property
    def watching_input(self) -> bool:
        return self._watching

    # ------------------------------------------------------------ idle

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() in _INPUT:
            self._last_input = self.clock()
        return False

    def idle_seconds(self) -> float:
        return self.clock() - self._last_input

    def check_idle(self) -> bool:
        """Lock when someone is logged in and nothing was typed or clicked for the idle time."""
        if self.minutes > 0 and self.logged_in and not self.locked and self.idle_seconds() >= self.minutes * 60:
            self.lock(idle=True)
            return True
        return False

    # ------------------------------------------------------------ locking

    def lock(self, idle: bool = False) -> None:
        """Cover every window of the program and ask for the password (a modal form above them all)."""
        if self.locked or not self.logged_in:
            return
        for widget in [self.window, *self._open_dialogs()]:
            self.covers.append(LockCover(widget))
        dialog = LockDialog(self.ws, self.ws.account.username, self.minutes if idle else 0, self.window)
        dialog.unlocked.connect(self._on_unlocked)
        dialog.quit_requested.connect(self._on_quit_requested)
        self.lock_dialog = dialog
        self.update_actions()
        self.window.update_actions()
        dialog.show()
        if QGuiApplication.platformName() != "offscreen":  # that platform cannot raise windows (and says so)
            dialog.raise_()
            dialog.activateWindow()
        self.locked_changed.emit(True)

    def _open_dialogs(self) -> list[QDialog]:
        return [w for w in QApplication.topLevelWidgets()
                if isinstance(w, QDialog) and w.isVisible() and w is not self.lock_dialog]  # type: ignore[misc]

    def _uncover(self) -> None:
        for cover in self.covers:
            cover.hide()
            cover.deleteLater()
        self.covers.clear()

    def _on_unlocked(self, switched: bool) -> None:
        self.lock_dialog = None
        self._last_input = self.clock()
        if switched:  # another account: what the previous one had open is closed, the tabs rebuilt
            for dialog in self._open_dialogs():
                dialog.reject()
            self._uncover()
            self.clear_tabs()
            self._after_login()
        else:
            self._uncover()
            self.update_actions()
            self.window.update_actions()
        self.locked_changed.emit(False)

    def _on_quit_requested(self) -> None:
        if self.lock_dialog is not None:
            self.lock_dialog.done(QDialog.DialogCode.Accepted)
            self.lock_dialog = None
        for dialog in self._open_dialogs():
            dialog.reject()
        self.window.close()

    # ------------------------------------------------------------ logging out

    def clear_tabs(self) -> None:
        """Forget every built tab: nothing personal stays on screen (tabs are rebuilt for the next account)."""
        from ui.widgets.jobs import default_runner

        default_runner().wait_for_done()
        for slot in self.window.slots:
            if slot.widget is not None:
                slot.widget.hide()
                slot.widget.setParent(None)
                slot.widget.deleteLater()
                slot.widget = None
            slot.loaded = False
            slot.placeholder.setText(self.tr("已注销：登录后显示数据。"))
            slot.placeholder.show()
        self.window.counts_label.clear()

    def logout(self, ask: Callable[[], bool] | None = None) -> bool:
        """注销: log the event, empty the tabs, show the login dialog; giving up there closes the program.

        `ask` runs the login (tests pass their own); returns whether someone logged in again.
        """
        if not self.logged_in or self.locked:
            return False
        from services.access import VIEWER
        from services.errors import DangxunError

        who = self.ws.account.username
        try:
            with self.ws.write("logout", needs=VIEWER) as uow:
                uow.log(f"账号“{who}”注销")
        except DangxunError:
            pass  # a read-only database cannot log it; logging out goes on
        self.ws.logout()
        self.ws.actor = who
        self.clear_tabs()
        self.window._show_user()
        self.update_actions()
        self.window.update_actions()
        if not (ask or self._ask_login)():
            self.window.close()
            return False
        self._after_login()
        return True

    def _ask_login(self) -> bool:
        from ui.safety.login_dialog import LoginDialog

        dialog = LoginDialog(self.ws, self.window, "", str(self.ws.path or ""))
        return dialog.exec() == QDialog.DialogCode.Accepted and dialog.account is not None

    def _after_login(self) -> None:
        self._last_input = self.clock()
        self.window.has_accounts = True
        self.window._show_user()
        self.update_actions()
        self.window.load_current()
        self.window.update_actions()
