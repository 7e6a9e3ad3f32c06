"""The wait cursor goes away however the work ends (a refusal must not leave the window looking busy)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from services.errors import DangxunError
from ui.widgets.wait_cursor import waiting


def test_the_cursor_comes_back_after_work_and_after_a_refusal(qapp) -> None:
    assert QGuiApplication.overrideCursor() is None
    with waiting():
        assert QGuiApplication.overrideCursor().shape() == Qt.CursorShape.WaitCursor
    assert QGuiApplication.overrideCursor() is None
    with pytest.raises(DangxunError), waiting():
        raise DangxunError("备份文件已损坏")
    assert QGuiApplication.overrideCursor() is None
