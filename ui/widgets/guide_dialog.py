"""The user guide (F1): one Markdown page per tab, kept in resources/guide, shown in a QTextBrowser."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.dialog_sizes import keep_size

COMMON = "common.md"  # the shortcuts and account notes every page ends with
# A shortcut a page names: written as code, `Ctrl+N`, `F5`, `Delete`.
KEY = re.compile(r"`((?:(?:Ctrl|Shift|Alt)\+)*(?:F\d{1,2}|Delete|[A-Z0-9]))`")


def guide_dir() -> Path:
    from services.paths import resources_dir

    return resources_dir() / "guide"


def guide_pages(folder: Path | None = None) -> dict[str, str]:
    """{tab title: Markdown}, the title being the page's first `# ` heading; the common part appended."""
    folder = folder or guide_dir()
    common = (folder / COMMON).read_text(encoding="utf-8") if (folder / COMMON).exists() else ""
    pages: dict[str, str] = {}
    for path in sorted(folder.glob("*.md")):
        if path.name == COMMON:
            continue
        text = path.read_text(encoding="utf-8")
        first = text.lstrip().splitlines()[0] if text.strip() else ""
        if first.startswith("# "):
            pages[first[2:].strip()] = text.rstrip() + "\n\n" + common
    return pages


def named_keys(markdown: str) -> list[str]:
    """The shortcuts a page names, in the order written."""
    return KEY.findall(markdown)


class GuideDialog(QDialog):
    """使用指南: the pages listed on the left, the chosen one on the right; stays open beside the window."""

    def __init__(self, order: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guide_dialog")
        self.setWindowTitle(self.tr("使用指南"))
        self.pages = guide_pages()
        titles = [t for t in order if t in self.pages] + [t for t in self.pages if t not in order]
        self.list = QListWidget()
        self.list.addItems(titles)
        em = self.fontMetrics().horizontalAdvance("汉")
        self.list.setFixedWidth(em * 8)
        self.browser = QTextBrowser()
        self.browser.setObjectName("guide_browser")
        self.browser.setOpenExternalLinks(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        body = QHBoxLayout()
        body.addWidget(self.list)
        body.addWidget(self.browser, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)
        self.list.currentTextChanged.connect(self.show_page)
        self.resize(em * 52, em * 38)
        keep_size(self, "guide")

    def show_page(self, title: str) -> None:
        text = self.pages.get(title)
        if text is None:
            return
        self.browser.setMarkdown(text)
        self.browser.verticalScrollBar().setValue(0)
        items = self.list.findItems(title, Qt.MatchFlag.MatchExactly)
        if items and self.list.currentItem() is not items[0]:
            self.list.setCurrentItem(items[0])

    def current_title(self) -> str:
        item = self.list.currentItem()
        return item.text() if item is not None else ""


def show_guide(window: QWidget, title: str) -> GuideDialog:
    """Open (or bring forward) the guide at `title`'s page; one guide window per main window."""
    dialog = window.findChild(GuideDialog)
    if dialog is None:
        order = [slot.title for slot in getattr(window, "slots", [])]
        dialog = GuideDialog(order, window)
    dialog.show_page(title if title in dialog.pages else dialog.list.item(0).text())
    dialog.show()
    if QGuiApplication.platformName() != "offscreen":  # that platform cannot raise windows (and says so)
        dialog.raise_()
        dialog.activateWindow()
    return dialog
