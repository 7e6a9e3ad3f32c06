"""The members tab on the demo bureau: models, add, refuse, search, filters, transfer, branches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)
from sqlalchemy import select

from models import Branch, Member
from services.normalize import COMMITTEE_POSTS
from services.roll import members as member_service
from services.safety import changelog
from services.safety.storage import Database
from tests.helpers.members_support import (
    OFFSCREEN_NOISE,
    db_fixture,
    find,
    on_next_dialog,
    open_window,
    type_text,
    valid_id,
)
from tests.helpers.ui_workspace import workspace
from ui.roll.branch_tree_model import BranchTreeModel
from ui.roll.member_table_model import MemberTableModel
from ui.roll.members_tab import EMPTY_TEXT, MembersTab

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    yield from db_fixture(tmp_path)


@pytest.fixture
def tab(qtbot: Any, db: Database) -> MembersTab:
    widget = MembersTab(workspace(db, "测试员"))
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    widget.refresh()
    return widget


def visible(tab: MembersTab) -> list[Any]:
    return [tab.model.record_at(i) for i in range(tab.model.rowCount())]


def test_models_pass_the_model_tester(qtmodeltester: Any, tab: MembersTab) -> None:
    qtmodeltester.check(tab.model)
    qtmodeltester.check(tab.tree_model)
    tab.search.setText("王")
    tab.status_filter.setCurrentIndex(tab.status_filter.count() - 1)
    qtmodeltester.check(tab.model)


def test_standalone_models_pass_the_model_tester(qtmodeltester: Any, db: Database) -> None:
    from services.roll.branches import list_branches

    with db.session_factory() as session:
        records = member_service.list_members(session)
        branches = list_branches(session)
    model = MemberTableModel()
    qtmodeltester.check(model)
    model.set_records(records)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)
    tree = BranchTreeModel()
    qtmodeltester.check(tree)
    tree.set_branches(branches)
    qtmodeltester.check(tree)


def test_demo_bureau_is_shown(tab: MembersTab, db: Database) -> None:
    assert tab.stack.currentWidget() is tab.table
    assert tab.model.rowCount() == 100
    assert tab.tree_model.rowCount(tab.tree_model.top_index()) == 11
    assert "100" in tab.status_text()
    # ID numbers are masked in the table.
    id_column = [i for i in range(tab.model.columnCount()) if tab.model.headerData(
        i, Qt.Orientation.Horizontal) == "公民身份号码"][0]
    shown = tab.model.data(tab.model.index(0, id_column))
    assert "********" in shown and len(shown) == 18


def test_add_member_through_the_dialog(qtbot: Any, tab: MembersTab, db: Database) -> None:
    number = valid_id("11010519900307123")
    done: list[bool] = []

    def fill(dialog: QWidget) -> None:
        type_text(find(dialog, QLineEdit, "field_name"), "欧阳玥")
        type_text(find(dialog, QLineEdit, "field_id_number"), number)
        type_text(find(dialog, QLineEdit, "field_joined_party"), "2015-07")
        type_text(find(dialog, QLineEdit, "field_phone"), "13800001234")
        branch = find(dialog, QComboBox, "field_branch")
        branch.setCurrentIndex(branch.findText("人事处党支部"))
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        done.append(not dialog.isVisible())

    on_next_dialog(fill)
    tab.add_new()
    assert done == [True]
    with db.session_factory() as session:
        member = session.scalar(select(Member).where(Member.id_number == number))
        assert member is not None
        assert member.name == "欧阳玥"
        assert member.sex == "男"
        assert member.joined_party == "2015-07"
        assert session.get(Branch, member.branch_id).name == "人事处党支部"
        log = changelog.entries(session, entity="member", entity_id=member.id)
        assert log[-1].action == "create" and log[-1].actor == "测试员"
    assert tab.model.total_count() == 101
    assert tab.selected_record() is not None and tab.selected_record().name == "欧阳玥"


def test_refused_member_shows_the_message_beside_the_field(qtbot: Any, tab: MembersTab, db: Database) -> None:
    seen: dict[str, Any] = {}

    def fill(dialog: QWidget) -> None:
        type_text(find(dialog, QLineEdit, "field_name"), "张伟")
        bad = valid_id("11010519900307123")[:-1] + ("0" if valid_id("11010519900307123")[-1] != "0" else "1")
        type_text(find(dialog, QLineEdit, "field_id_number"), bad)
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        error = find(dialog, QLabel, "error_id_number")
        seen["still_open"] = dialog.isVisible()
        seen["error_visible"] = error.isVisible()
        seen["error_text"] = error.text()
        seen["name_error_visible"] = find(dialog, QLabel, "error_name").isVisible()

    on_next_dialog(fill)
    tab.add_new()
    assert seen["still_open"] is True
    assert seen["error_visible"] is True
    assert "校验位" in seen["error_text"]
    assert seen["name_error_visible"] is False
    with db.session_factory() as session:
        assert len(member_service.list_members(session)) == 100


def test_search_narrows_the_rows(qtbot: Any, tab: MembersTab) -> None:
    target = visible(tab)[37]
    type_text(tab.search, target.name)
    rows = visible(tab)
    assert 0 < len(rows) < 100
    assert all(target.name in r.name for r in rows)
    tab.search.clear()
    type_text(tab.search, target.id_number[-4:])
    assert target in visible(tab)
    assert all(r.id_number.lower().endswith(target.id_number[-4:].lower())
               or target.id_number[-4:] in (r.phone or "") for r in visible(tab))
    tab.search.clear()
    type_text(tab.search, target.name_initials)
    assert target in visible(tab)
    tab.search.clear()
    assert tab.model.rowCount() == 100


def test_filters(tab: MembersTab, db: Database) -> None:
    with db.session_factory() as session:
        everyone = member_service.list_members(session)
    tab.membership_filter.setCurrentIndex(tab.membership_filter.findText("预备党员"))
    rows = visible(tab)
    assert rows and all(r.membership == "预备党员" for r in rows)
    assert len(rows) == sum(r.membership == "预备党员" for r in everyone)
    tab.membership_filter.setCurrentIndex(0)

    tab.post_filter.setCurrentIndex(tab.post_filter.findText("支委"))
    rows = visible(tab)
    assert rows and all(r.party_post in COMMITTEE_POSTS for r in rows)
    tab.post_filter.setCurrentIndex(tab.post_filter.findText("无党内职务"))
    assert all(not r.party_post for r in visible(tab))
    tab.post_filter.setCurrentIndex(0)

    branch_index = tab.tree_model.index(2, 0, tab.tree_model.top_index())
    branch = tab.tree_model.branch_at(branch_index)
    tab.tree.setCurrentIndex(branch_index)
    rows = visible(tab)
    assert rows and all(r.branch_id == branch.id for r in rows)
    assert len(rows) == branch.active_members
    tab.tree.setCurrentIndex(tab.tree_model.top_index())
    assert tab.model.rowCount() == 100


def test_transfer_out_changes_status_and_logs_it(qtbot: Any, tab: MembersTab, db: Database) -> None:
    tab.table.selectRow(5)
    record = tab.selected_record()
    assert record is not None

    def fill(dialog: QWidget) -> None:
        status = find(dialog, QComboBox, "field_status")
        status.setCurrentIndex(status.findText("转出"))
        date = find(dialog, QLineEdit, "field_left_date")
        date.clear()
        type_text(date, "2024-06-30")
        type_text(find(dialog, QLineEdit, "field_left_reason"), "调往市委组织部")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    on_next_dialog(fill)
    tab.transfer_selected()
    with db.session_factory() as session:
        member = session.get(Member, record.id)
        assert member.status == "转出"
        assert member.left_date == "2024-06-30"
        assert member.left_reason == "调往市委组织部"
        log = changelog.entries(session, entity="member", entity_id=record.id)
        assert log[-1].action == "status"
        assert log[-1].changes["status"] == ["在册", "转出"]
    # Off the default (在册) list, on the 转出 one.
    assert all(r.id != record.id for r in visible(tab))
    tab.status_filter.setCurrentIndex(tab.status_filter.findText("转出"))
    assert [r.id for r in visible(tab)] == [record.id]


def test_transfer_with_a_bad_date_is_refused_beside_the_field(qtbot: Any, tab: MembersTab, db: Database) -> None:
    tab.table.selectRow(0)
    record = tab.selected_record()
    seen: dict[str, Any] = {}

    def fill(dialog: QWidget) -> None:
        date = find(dialog, QLineEdit, "field_left_date")
        date.clear()
        type_text(date, "2024-13-45")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
        seen["error"] = find(dialog, QLabel, "error_left_date").text()
        seen["open"] = dialog.isVisible()

    on_next_dialog(fill)
    tab.transfer_selected()
    assert seen["open"] and "月份" in seen["error"]
    with db.session_factory() as session:
        assert session.get(Member, record.id).status == "在册"


def test_branch_actions(qtbot: Any, tab: MembersTab, db: Database) -> None:
    def answer_text(text: str) -> Any:
        def handle(dialog: QWidget) -> None:
            assert isinstance(dialog, QInputDialog)
            dialog.setTextValue(text)
            dialog.accept()
        return handle

    on_next_dialog(answer_text("新设党支部"))
    tab.new_branch()
    names = [b.name for b in tab.tree_model.branches()]
    assert names[-1] == "新设党支部"

    tab.tree.setCurrentIndex(tab.tree_model.index(len(names) - 1, 0, tab.tree_model.top_index()))
    tab.move_branch(-1)
    assert [b.name for b in tab.tree_model.branches()][-2] == "新设党支部"

    on_next_dialog(answer_text("第二新设党支部"))
    tab.rename_branch()
    assert "第二新设党支部" in [b.name for b in tab.tree_model.branches()]

    def yes(dialog: QWidget) -> None:
        assert isinstance(dialog, QMessageBox)
        dialog.button(QMessageBox.StandardButton.Yes).click()

    on_next_dialog(yes)
    tab.delete_branch()
    assert "第二新设党支部" not in [b.name for b in tab.tree_model.branches()]
    assert len(tab.tree_model.branches()) == 11


def test_empty_database_offers_demo_data(qtbot: Any, tmp_path: Path) -> None:
    gen = db_fixture(tmp_path, members=None)
    db = next(gen)
    try:
        widget = MembersTab(workspace(db, "测试员"))
        qtbot.addWidget(widget)
        widget.show()
        widget.refresh()
        assert widget.stack.currentWidget() is widget.empty_page
        assert find(widget, QLabel, "empty_text").text() == EMPTY_TEXT
        assert not widget.import_roll_button.isEnabled()
        qtbot.mouseClick(widget.load_demo_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: widget.model.total_count() == 100, timeout=10000)
        assert widget.stack.currentWidget() is widget.table
        with qtbot.waitSignal(widget.import_roll_requested, timeout=1000):
            widget.set_import_available(True)
            qtbot.mouseClick(widget.import_roll_button, Qt.MouseButton.LeftButton)
    finally:
        gen.close()


def test_after_a_save_the_focus_is_back_on_the_list_at_the_row_saved(qtbot: Any, tab: MembersTab) -> None:
    """Ctrl+N pressed in the search box, the member saved: the keys go on in the list, on the new member's row
    (↑↓ and Enter work at once), not back in the search box."""
    tab.activateWindow()
    qtbot.waitActive(tab)
    tab.search.setFocus()
    qtbot.waitUntil(tab.search.hasFocus)

    def fill(dialog: QWidget) -> None:
        type_text(find(dialog, QLineEdit, "field_name"), "欧阳玥")
        type_text(find(dialog, QLineEdit, "field_id_number"), valid_id("11010519900307123"))
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    on_next_dialog(fill)
    tab.add_new()
    # The widget that takes the keys when the window is active again (the dialog gone).
    assert tab.window().focusWidget() is tab.table
    record = tab.selected_record()
    assert record is not None and record.name == "欧阳玥"
    assert tab.model.record_at(tab.table.currentIndex().row()).name == "欧阳玥"  # the keyboard's row too


def _members_tab_in_window(qtbot: Any, db: Database) -> MembersTab:
    window = open_window(qtbot, workspace(db, "测试员"))
    window.activateWindow()
    qtbot.waitActive(window)
    tab = window.current_tab()
    assert isinstance(tab, MembersTab)
    return tab


def _start_in_the_tree(qtbot: Any, tab: MembersTab, row: int) -> Any:
    """The clerk clicks a branch in the tree (the keys are in the tree) and returns it."""
    tab.tree.setCurrentIndex(tab.tree_model.index(row, 0, tab.tree_model.top_index()))
    tab.tree.setFocus()
    qtbot.waitUntil(tab.tree.hasFocus)
    return tab.current_branch()


def test_after_a_rename_the_tree_has_the_keys_at_the_renamed_branch(qtbot: Any, db: Database) -> None:
    """党支部改名 from the tree: ↑↓ go on in the tree, from the branch just renamed (not in the member list)."""
    tab = _members_tab_in_window(qtbot, db)
    branch = _start_in_the_tree(qtbot, tab, 2)

    def rename(dialog: QWidget) -> None:
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue("改名后的党支部")
        dialog.accept()

    on_next_dialog(rename)
    tab.act_branch_rename.trigger()
    assert tab.window().focusWidget() is tab.tree
    current = tab.current_branch()
    assert current is not None and (current.id, current.name) == (branch.id, "改名后的党支部")
    assert {r.branch for r in visible(tab)} == {"改名后的党支部"}  # the list follows the tree


def test_after_a_merge_the_tree_has_the_keys_at_the_branch_merged_into(qtbot: Any, db: Database) -> None:
    """合并党支部: the branch merged away is gone; the tree's current item is the branch it went into, with the keys."""
    tab = _members_tab_in_window(qtbot, db)
    source = _start_in_the_tree(qtbot, tab, 4)
    target = tab.tree_model.branches()[0]

    def confirm(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        [b for b in box.buttons() if b.text() == "合并"][0].click()

    def choose(dialog: QWidget) -> None:
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue(target.name)
        on_next_dialog(confirm)  # the question comes once the choice is made
        dialog.accept()

    on_next_dialog(choose)
    tab.act_branch_merge.trigger()
    assert source.id not in [b.id for b in tab.tree_model.branches()]
    assert tab.window().focusWidget() is tab.tree
    current = tab.current_branch()
    assert current is not None and current.id == target.id
    assert current.all_members == target.all_members + source.all_members
