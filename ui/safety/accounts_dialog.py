"""Accounts management: create accounts, reset passwords, change roles, disable; change one's own password."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from services.access import ADMIN, VIEWER
from services.errors import DangxunError
from services.roll.branches import list_branches
from services.safety import accounts, recovery
from services.workspace import Workspace
from ui.dialog_sizes import keep_size
from ui.safety.accounts_table_model import AccountsTableModel
from ui.safety.recovery_dialogs import show_recovery_code
from ui.widgets.live import follow
from ui.widgets.typed_text import plain

Submit = Callable[[dict[str, str]], str | None]


def _error_label() -> QLabel:
    label = plain(QLabel())
    label.setWordWrap(True)
    label.setStyleSheet("color: #B71C1C;")
    label.hide()
    return label


class _SubmitDialog(QDialog):
    """A small form whose OK calls `submit(values)`; an error message keeps the form open."""

    def __init__(self, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.submit = submit
        self.form = QFormLayout()
        self.message_label = _error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("确定"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message_label)
        layout.addWidget(self.buttons)
        # Room for a name or a password beside its label (Qt would make the form 200 pixels wide).
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("党") * 22)
        self.buttons.accepted.connect(self.on_ok_clicked)
        self.buttons.rejected.connect(self.reject)

    def values(self) -> dict[str, str]:
        raise NotImplementedError

    def check(self, values: dict[str, str]) -> str | None:
        return None

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        # The buttons were made before the fields: without this, the cursor starts on 确定 and Tab
        # visits 确定, 取消, then the fields. Fields top to bottom, then the buttons; typing starts at once.
        super().showEvent(event)
        fields = [w for w in (self.form.itemAt(i).widget() for i in range(self.form.count()))
                  if w is not None and w.isVisibleTo(self) and w.focusPolicy() & Qt.FocusPolicy.TabFocus]
        chain = [*fields, *self.buttons.buttons()]
        for before, after in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(before, after)
        first = next((w for w in fields if w.isEnabled()), None)
        if first is not None:
            first.setFocus(Qt.FocusReason.TabFocusReason)

    def show_message(self, text: str | None) -> None:
        self.message_label.setText(text or "")
        self.message_label.setVisible(bool(text))

    def on_ok_clicked(self) -> None:
        values = self.values()
        problem = self.check(values)
        if problem is None:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # scrypt takes a moment
            try:
                problem = self.submit(values)
            finally:
                QGuiApplication.restoreOverrideCursor()
        if problem:
            self.show_message(problem)
            return
        self.accept()


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class AccountFormDialog(_SubmitDialog):
    """New account: user name, name, role, password twice, and the branches of a branch account."""

    def __init__(self, submit: Submit, first: bool = False, parent: QWidget | None = None,
                 branches: tuple[str, ...] = ()) -> None:
        super().__init__(submit, parent)
        self.setWindowTitle(self.tr("新建管理员账号") if first else self.tr("新建账号"))
        self.username_edit = QLineEdit()
        self.display_edit = QLineEdit()
        self.role_combo = QComboBox()
        # Least first, and proposed: a new account reads only until someone gives it more.
        for role in reversed(accounts.ROLES):
            self.role_combo.addItem(self.tr(role), role)
        self.role_combo.setCurrentIndex(self.role_combo.findData(accounts.ROLES[0] if first else accounts.ROLES[-1]))
        if first:  # the first account must be an administrator
            self.role_combo.setEnabled(False)
        self.password_edit = _password_edit()
        self.confirm_edit = _password_edit()
        self.form.addRow(self.tr("用户名"), self.username_edit)
        self.form.addRow(self.tr("姓名"), self.display_edit)
        self.form.addRow(self.tr("角色"), self.role_combo)
        self.form.addRow(self.tr("密码"), self.password_edit)
        self.form.addRow(self.tr("再输一次"), self.confirm_edit)
        # A branch account (录入员 or 查阅) sees and edits only the branches ticked; none: the whole bureau.
        self.branch_list = QListWidget()
        for name in branches:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.branch_list.addItem(item)
        self.branch_list.setMaximumHeight(120)
        if branches and not first:
            self.form.addRow(self.tr("限定党支部"), self.branch_list)
            hint = QLabel(self.tr("不勾选：可查看全局（党委办公室账号）；勾选后只能查看和修改这些支部的数据。"))
            hint.setWordWrap(True)
            self.form.addRow(hint)
        if first:
            note = QLabel(self.tr("这是第一个账号，必须是管理员。创建后，打开此数据库需要登录。"))
            note.setWordWrap(True)
            self.form.addRow(note)

    def values(self) -> dict[str, str]:
        ticked = [self.branch_list.item(i).text() for i in range(self.branch_list.count())
                  if self.branch_list.item(i).checkState() == Qt.CheckState.Checked]
        return {"username": self.username_edit.text().strip(), "display_name": self.display_edit.text().strip(),
                "role": self.role_combo.currentData(), "password": self.password_edit.text(),
                "confirm": self.confirm_edit.text(), "branches": "\n".join(ticked)}

    def check(self, values: dict[str, str]) -> str | None:
        if values["password"] != values["confirm"]:
            return self.tr("两次输入的密码不一致")
        return None


class PasswordDialog(_SubmitDialog):
    """A new password twice, and the old one when an account changes its own."""

    def __init__(self, submit: Submit, title: str, need_old: bool, parent: QWidget | None = None) -> None:
        super().__init__(submit, parent)
        self.setWindowTitle(title)
        self.old_edit = _password_edit() if need_old else None
        self.password_edit = _password_edit()
        self.confirm_edit = _password_edit()
        if self.old_edit is not None:
            self.form.addRow(self.tr("原密码"), self.old_edit)
        self.form.addRow(self.tr("新密码"), self.password_edit)
        self.form.addRow(self.tr("再输一次"), self.confirm_edit)

    def values(self) -> dict[str, str]:
        return {"old": self.old_edit.text() if self.old_edit else "", "password": self.password_edit.text(),
                "confirm": self.confirm_edit.text()}

    def check(self, values: dict[str, str]) -> str | None:
        if values["password"] != values["confirm"]:
            return self.tr("两次输入的密码不一致")
        return None


class AccountsDialog(QDialog):
    """Administrators manage every account; other roles may only change their own password.

    Who acts comes from the workspace: the logged-in account, or the clerk's name (role None)
    while the database has no accounts yet. The workspace refuses what the role may not do.
    """

    accounts_changed = Signal()

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.child_dialog: _SubmitDialog | None = None
        self.code_dialog: QDialog | None = None  # the first administrator's recovery code, shown once
        self.setWindowTitle(self.tr("账号管理"))
        self.resize(640, 400)

        self.model = AccountsTableModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.verticalHeader().hide()
        self.new_button = QPushButton(self.tr("新建账号"))
        self.new_button.setProperty("primary", True)  # the accent style of ui/app.py
        self.reset_button = QPushButton(self.tr("重置密码"))
        self.role_combo = QComboBox()
        for r in accounts.ROLES:
            self.role_combo.addItem(self.tr(r), r)
        self.role_button = QPushButton(self.tr("设置角色"))
        self.active_button = QPushButton(self.tr("停用"))
        self.own_password_button = QPushButton(self.tr("修改我的密码"))
        self.own_code_button = QPushButton(self.tr("新的恢复码…"))
        self.own_code_button.setToolTip(self.tr("为自己的管理员账号生成新的恢复码（旧的作废），只显示一次"))
        self.own_code_button.clicked.connect(self.on_own_code_button_clicked)
        self.empty_label = QLabel(self.tr("还没有账号：任何人打开程序都不需要登录。新建第一个账号（管理员）后，打开此数据库需要登录。"))
        self.empty_label.setWordWrap(True)
        self.message_label = plain(QLabel())
        self.message_label.setWordWrap(True)
        self.idle_spin = QSpinBox()
        self.idle_spin.setRange(0, recovery.MAX_IDLE_MINUTES)
        self.idle_spin.setSuffix(self.tr(" 分钟"))
        self.idle_spin.setToolTip(self.tr("登录后，窗口闲置这么久就锁定，需输入密码才能继续；0 表示不锁定"))
        self.idle_button = QPushButton(self.tr("保存"))
        self.idle_button.clicked.connect(self.on_idle_button_clicked)
        self.idle_spin.installEventFilter(self)  # Enter in the minutes saves them (it took 新建账号)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        close.rejected.connect(self.reject)

        buttons = QHBoxLayout()
        for w in (self.new_button, self.reset_button, self.role_combo, self.role_button, self.active_button):
            buttons.addWidget(w)
        buttons.addStretch(1)
        buttons.addWidget(self.own_code_button)
        buttons.addWidget(self.own_password_button)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty_label)
        idle_row = QHBoxLayout()
        idle_row.addWidget(QLabel(self.tr("窗口闲置")))
        idle_row.addWidget(self.idle_spin)
        idle_row.addWidget(QLabel(self.tr("后自动锁定（0 = 不锁定）")))
        idle_row.addWidget(self.idle_button)
        idle_row.addStretch(1)
        layout.addLayout(idle_row)
        layout.addWidget(self.message_label)
        layout.addWidget(close)

        self.new_button.clicked.connect(self.on_new_button_clicked)
        self.reset_button.clicked.connect(self.on_reset_button_clicked)
        self.role_button.clicked.connect(self.on_role_button_clicked)
        self.active_button.clicked.connect(self.on_active_button_clicked)
        self.own_password_button.clicked.connect(self.on_own_password_button_clicked)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        follow(ws, self, ("account",), self.refresh)
        self.refresh()
        keep_size(self, "accounts")

    # ------------------------------------------------------------ state

    @property
    def actor(self) -> str:
        return str(self.ws.actor)

    @property
    def role(self) -> str | None:
        return self.ws.role  # type: ignore[no-any-return]

    @property
    def is_admin(self) -> bool:
        return bool(self.ws.can(ADMIN))

    def refresh(self) -> None:
        with self.ws.read() as session:
            rows = accounts.list_accounts(session)
            minutes = recovery.idle_lock_minutes(session)
        selected = self.selected_username()
        self.model.set_rows(rows)
        self.empty_label.setVisible(not rows)
        self.idle_spin.setValue(minutes)
        if selected:
            self.select(selected)
        self._update_buttons()

    def select(self, username: str) -> None:
        row = self.model.row_of(username)
        if row >= 0:
            self.view.selectRow(row)

    def selected_username(self) -> str | None:
        rows = self.view.selectionModel().selectedRows() if self.view.selectionModel() else []
        account = self.model.account_at(rows[0].row()) if rows else None
        return account.username if account else None

    def _update_buttons(self) -> None:
        selected = self.selected_username()
        account = self.model.account_at(self.model.row_of(selected)) if selected else None
        self.new_button.setEnabled(self.is_admin)
        self.idle_spin.setEnabled(self.is_admin)
        self.idle_button.setEnabled(self.is_admin)
        for w in (self.reset_button, self.role_combo, self.role_button, self.active_button):
            w.setEnabled(self.is_admin and account is not None)
        if account is not None:
            self.active_button.setText(self.tr("停用") if account.active else self.tr("启用"))
            self.role_combo.setCurrentIndex(max(self.role_combo.findData(account.role), 0))
        has_own = self.model.row_of(self.actor) >= 0 and self.role is not None
        self.own_password_button.setEnabled(has_own)
        self.own_code_button.setEnabled(has_own and self.is_admin)

    def show_message(self, text: str, error: bool = False) -> None:
        self.message_label.setStyleSheet("color: #B71C1C;" if error else "")
        self.message_label.setText(text)

    def _run(self, key: str, action: Callable[[Session], str], needs: str = ADMIN) -> str | None:
        """Run a service call as one unit of work; returns an error message or None."""
        try:
            with self.ws.write(key, needs=needs, what="管理账号") as uow:
                done = action(uow.session)
        except DangxunError as exc:
            return exc.message
        self.refresh()
        self.show_message(done)
        self.accounts_changed.emit()
        return None

    # ------------------------------------------------------------ actions

    def on_new_button_clicked(self) -> None:
        first = self.model.rowCount() == 0

        def submit(v: dict[str, str]) -> str | None:
            codes: list[str] = []

            def create(s: Session) -> str:
                limited = [b for b in v.get("branches", "").split("\n") if b]
                info = accounts.create_account(s, v["username"], v["role"], v["password"], self.actor,
                                               v["display_name"], branches=limited)
                if first:  # the way back in should this administrator forget the password
                    codes.append(recovery.issue_code(s, info.username, self.actor))
                return self.tr("已新建账号“{0}”（{1}）").format(v["username"], v["role"])

            error = self._run("account-create", create)
            if error is None:
                self.select(v["username"])
                for code in codes:
                    self.code_dialog = show_recovery_code(self, v["username"], code)
            return error

        with self.ws.read() as session:
            names = tuple(b.name for b in list_branches(session))
        self.child_dialog = AccountFormDialog(submit, first, self, branches=names)
        self.child_dialog.open()

    def on_reset_button_clicked(self) -> None:
        username = self.selected_username()
        if not username:
            return

        def submit(v: dict[str, str]) -> str | None:
            def reset(s: Session) -> str:
                accounts.reset_password(s, username, v["password"], self.actor)
                return self.tr("已重置“{0}”的密码并解除锁定").format(username)

            return self._run("account-reset-password", reset)

        self.child_dialog = PasswordDialog(submit, self.tr("重置“{0}”的密码").format(username), False, self)
        self.child_dialog.open()

    def on_role_button_clicked(self) -> None:
        username = self.selected_username()
        if not username:
            return
        role = self.role_combo.currentData()

        def set_role(s: Session) -> str:
            accounts.update_account(s, username, self.actor, role=role)
            return self.tr("“{0}”的角色已设为{1}").format(username, role)

        error = self._run("account-role", set_role)
        if error:
            self.show_message(error, error=True)

    def on_active_button_clicked(self) -> None:
        username = self.selected_username()
        account = self.model.account_at(self.model.row_of(username)) if username else None
        if account is None:
            return
        active = not account.active

        def toggle(s: Session) -> str:
            accounts.update_account(s, account.username, self.actor, active=active)
            return (self.tr("已启用“{0}”") if active else self.tr("已停用“{0}”")).format(account.username)

        error = self._run("account-active", toggle)
        if error:
            self.show_message(error, error=True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if (watched is self.idle_spin and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self.idle_button.click()
            return True
        return super().eventFilter(watched, event)

    def on_idle_button_clicked(self) -> None:
        minutes = self.idle_spin.value()

        def save(s: Session) -> str:
            recovery.set_idle_lock_minutes(s, minutes, self.actor)
            return (self.tr("窗口闲置{0}分钟后自动锁定").format(minutes) if minutes
                    else self.tr("窗口不再自动锁定"))

        error = self._run("idle-lock", save)
        if error:
            self.show_message(error, error=True)

    def on_own_code_button_clicked(self) -> None:
        codes: list[str] = []

        def issue(s: Session) -> str:
            codes.append(recovery.issue_code(s, self.actor, self.actor))
            return self.tr("已生成新的恢复码，旧的恢复码已作废")

        error = self._run("accounts-recovery-code", issue)
        if error:
            self.show_message(error, error=True)
        for code in codes:
            self.code_dialog = show_recovery_code(self, self.actor, code)

    def on_own_password_button_clicked(self) -> None:
        def submit(v: dict[str, str]) -> str | None:
            def change(s: Session) -> str:
                accounts.change_password(s, self.actor, v["old"], v["password"])
                return self.tr("密码已修改")

            return self._run("change-password", change, needs=VIEWER)

        self.child_dialog = PasswordDialog(submit, self.tr("修改我的密码"), True, self)
        self.child_dialog.open()
