"""Issue 12's window list on the 党员 tab: Esc and the search, an empty result, 查看 for 查阅, Esc in the
member dialog, a branch that still has members."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox, QPlainTextEdit, QWidget

from services.access import VIEWER
from services.safety.storage import Database
from tests.helpers.members_support import (
    OFFSCREEN_NOISE,
    check_esc_asks_before_discarding,
    db_fixture,
    on_next_dialog,
)
from tests.helpers.ui_workspace import workspace
from ui.roll.member_dialog import MemberDialog
from ui.roll.members_tab import MembersTab

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    yield from db_fixture(tmp_path)


def make_tab(qtbot: Any, db: Database, role: str | None = None) -> MembersTab:
    widget = MembersTab(workspace(db, "测试员", role))
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    widget.refresh()
    return widget


def test_esc_clears_the_search_and_an_empty_result_says_so(qtbot: Any, db: Database) -> None:
    tab = make_tab(qtbot, db)
    tab.search.setFocus()
    tab.search.setText("没有这个人")
    assert tab.model.rowCount() == 0
    assert tab.empty_notice.isVisible() and "没有找到“没有这个人”" in tab.empty_notice.text()
    assert "Esc" in tab.empty_notice.text()
    qtbot.keyClick(tab.search, Qt.Key.Key_Escape)
    assert tab.search.text() == "" and tab.model.rowCount() == 100
    assert not tab.empty_notice.isVisible()


def test_esc_in_an_empty_search_box_is_left_to_others(qtbot: Any, db: Database) -> None:
    tab = make_tab(qtbot, db)
    seen: list[int] = []
    original = QWidget.keyPressEvent

    def parent_keys(self: QWidget, event: Any) -> None:
        seen.append(event.key())
        original(self, event)

    tab.keyPressEvent = lambda event: parent_keys(tab, event)  # type: ignore[method-assign]
    qtbot.keyClick(tab.search, Qt.Key.Key_Escape)
    assert seen == [Qt.Key.Key_Escape]


def test_a_reader_opens_a_members_record_read_only(qtbot: Any, db: Database) -> None:
    tab = make_tab(qtbot, db, VIEWER)
    tab.table.selectRow(0)
    assert tab.act_edit.isEnabled() and tab.act_edit.text() == "查看"
    opened: list[MemberDialog] = []

    def look(dialog: QWidget) -> None:
        assert isinstance(dialog, MemberDialog)
        opened.append(dialog)
        assert dialog.windowTitle() == "查看党员信息"
        name = dialog.fields["name"]
        assert isinstance(name, QLineEdit) and name.isReadOnly() and name.text()
        assert all(w.isReadOnly() for w in dialog.fields.values() if isinstance(w, (QLineEdit, QPlainTextEdit)))
        assert [b.text() for b in dialog.buttons.buttons()] == ["关闭"]
        dialog.reject()

    on_next_dialog(look)
    tab.edit_selected()
    assert opened


def test_esc_in_the_member_dialog_asks_before_discarding(qtbot: Any, db: Database) -> None:
    tab = make_tab(qtbot, db)
    record = tab.model.record_at(0)
    dialog = MemberDialog(tab.ws, [b.name for b in tab.tree_model.branches()], record=record)
    qtbot.addWidget(dialog)
    remarks = dialog.fields["remarks"]
    assert isinstance(remarks, QPlainTextEdit)
    check_esc_asks_before_discarding(qtbot, dialog, lambda: remarks.setPlainText("借调中"))


def test_deleting_a_branch_with_members_is_refused_at_once(qtbot: Any, db: Database) -> None:
    tab = make_tab(qtbot, db)
    tab.tree.setCurrentIndex(tab.tree_model.index(0, 0, tab.tree_model.top_index()))
    branch = tab._current_branch()
    assert branch is not None and branch.all_members > 0
    seen: list[tuple[str, list[str]]] = []

    def record(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        seen.append((box.text(), [b.text() for b in box.buttons()]))

    on_next_dialog(record)
    tab.delete_branch()
    assert len(seen) == 1
    text, buttons = seen[0]
    assert "不能删除" in text and "合并到" in text and "？" not in text
    assert branch.name in [b.name for b in tab.tree_model.branches()]
