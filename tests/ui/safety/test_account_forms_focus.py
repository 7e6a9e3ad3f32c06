"""The account and password forms start in their first field, and Tab goes down the fields, then to the buttons."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget

from ui.safety.accounts_dialog import AccountFormDialog, PasswordDialog

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def tab_chain(dialog: QDialog, start: QWidget) -> list[QWidget]:
    """The widgets Tab visits from `start`, as Qt walks its focus chain."""
    seen: list[QWidget] = [start]
    widget = start.nextInFocusChain()
    while widget is not start and len(seen) < 50:
        if widget.isVisibleTo(dialog) and widget.isEnabled() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            seen.append(widget)
        widget = widget.nextInFocusChain()
    return seen


def test_new_account_form_starts_at_the_user_name(qtbot: Any) -> None:
    form = AccountFormDialog(lambda _values: None, branches=("办公室党支部",))
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    assert form.focusWidget() is form.username_edit
    ok, cancel = form.buttons.buttons()
    chain = tab_chain(form, form.username_edit)
    assert chain[:8] == [form.username_edit, form.display_edit, form.role_combo, form.password_edit,
                         form.confirm_edit, form.branch_list, ok, cancel]


def test_password_form_starts_at_the_old_password(qtbot: Any) -> None:
    form = PasswordDialog(lambda _values: None, "修改密码", True)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    assert form.focusWidget() is form.old_edit
    ok, cancel = form.buttons.buttons()
    assert tab_chain(form, form.old_edit)[:5] == [form.old_edit, form.password_edit, form.confirm_edit, ok, cancel]
    # Wide enough for its labels and a password: not Qt's 200-pixel minimum.
    assert form.width() >= form.fontMetrics().horizontalAdvance("党") * 20
