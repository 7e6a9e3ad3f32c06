"""Qt's own dialogs speak Chinese: its zh_CN translation is loaded and the locale is Chinese."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from ui.app import install_chinese


def test_standard_buttons_and_locale_are_chinese(qapp: Any) -> None:
    assert isinstance(qapp, QApplication)
    previous = QLocale()
    translators = install_chinese(qapp)
    try:
        assert translators, "qtbase_zh_CN.qm was not found in PySide6's translations folder"
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        texts = {b.text().replace("&", "") for b in box.buttons()}
        assert any("取消" in t for t in texts), texts
        assert QLocale().language() == QLocale.Language.Chinese
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    finally:
        for t in translators:
            qapp.removeTranslator(t)
        QLocale.setDefault(previous)
