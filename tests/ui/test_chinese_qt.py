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


def test_the_file_dialog_says_folder_in_chinese(qapp: Any, tmp_path: Any) -> None:
    """Qt 6 asks for the type column's "Folder" under a context qtbase_zh_CN does not have (it kept the
    Qt 5 one): the file dialog said "Folder" beside 表格 and CSV 文档."""
    from PySide6.QtCore import QFileInfo
    from PySide6.QtWidgets import QFileIconProvider

    translators = install_chinese(qapp)
    try:
        (tmp_path / "子文件夹").mkdir()
        assert QFileIconProvider().type(QFileInfo(str(tmp_path / "子文件夹"))) == "文件夹"
        assert QCoreApplication.translate("QAbstractFileIconProvider", "Unknown") == "未知"
        # Everything else as before: the program's own words, Qt's translated ones, untranslated text.
        assert QCoreApplication.translate("MainWindow", "新增活动") == "新增活动"
        assert QCoreApplication.translate("QFileDialog", "Look in:") == "查找范围："
        assert QCoreApplication.translate("QAbstractFileIconProvider", "no such text") == "no such text"
    finally:
        for t in translators:
            qapp.removeTranslator(t)
