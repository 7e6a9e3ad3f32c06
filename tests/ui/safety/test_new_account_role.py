"""The new-account dialog proposes the least role; the first account alone is a 管理员."""

from __future__ import annotations

from typing import Any

import pytest

from services.access import ADMIN, EDITOR, VIEWER
from ui.safety.accounts_dialog import AccountFormDialog

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def test_a_new_account_is_proposed_read_only(qtbot: Any) -> None:
    form = AccountFormDialog(lambda _values: None)
    qtbot.addWidget(form)
    assert form.role_combo.currentData() == VIEWER
    assert [form.role_combo.itemData(i) for i in range(form.role_combo.count())] == [VIEWER, EDITOR, ADMIN]
    assert form.values()["role"] == VIEWER


def test_the_first_account_is_the_administrator(qtbot: Any) -> None:
    form = AccountFormDialog(lambda _values: None, first=True)
    qtbot.addWidget(form)
    assert form.role_combo.currentData() == ADMIN and not form.role_combo.isEnabled()
