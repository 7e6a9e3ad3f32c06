"""登记资料发放 over a bureau's whole roll: one model of 20 000 rows, filtered by name, branch or ID number,
ticks that outlast the filter, 全选 of the members filtered, the count ticked, the keyboard."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QListWidget
from sqlalchemy import select

from models import Branch, Member
from services.plan import materials
from services.workspace import Workspace
from tests.helpers.members_support import OFFSCREEN_NOISE
from ui.plan.plan_tab import IssueDialog, PlanTab

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

COUNT = 20_000


def roll(count: int = COUNT) -> list[tuple[str, str, str]]:
    return [(f"110101199001{i:06d}", f"党员{i}", f"第{i % 40 + 1}党支部") for i in range(count)]


@pytest.fixture
def dialog(qtbot: Any) -> IssueDialog:
    opened = IssueDialog(roll())
    qtbot.addWidget(opened)
    opened.show()
    return opened


def test_the_whole_roll_is_one_model_not_an_item_per_member(dialog: IssueDialog) -> None:
    assert not dialog.findChildren(QListWidget)
    assert dialog.people.model() is dialog.model and dialog.model.rowCount() == COUNT
    assert dialog.model.data(dialog.model.index(5)) == "党员5（第6党支部）"
    assert dialog.count_label.text() == "已勾选0人　共20000人"


def test_select_all_in_a_filter_ticks_exactly_the_members_filtered(dialog: IssueDialog) -> None:
    branch3 = [number for number, _name, branch in roll() if branch == "第3党支部"]
    dialog.filter.setText("第3党支部")
    assert dialog.model.rowCount() == len(branch3) == 500
    dialog.tick_all_button.click()
    assert dialog.checked() == branch3
    assert dialog.count_label.text() == "已勾选500人　筛选出500人（共20000人）"
    # By the tail of an ID number, then by name: the ticks of the branch stay while the filter changes.
    dialog.filter.setText("001234")
    assert [dialog.model.data(dialog.model.index(r), Qt.ItemDataRole.UserRole)
            for r in range(dialog.model.rowCount())] == ["110101199001001234"]
    dialog.tick_all_button.click()
    dialog.filter.setText("党员19999")
    assert dialog.model.rowCount() == 1
    dialog.tick_all_button.click()
    dialog.filter.clear()
    assert dialog.model.rowCount() == COUNT
    assert dialog.checked() == sorted([*branch3, "110101199001001234", "110101199001019999"])
    # 全不选 in a filter unticks only those filtered.
    dialog.filter.setText("党员19999")
    dialog.untick_all_button.click()
    dialog.filter.clear()
    assert len(dialog.checked()) == 501 and "110101199001019999" not in dialog.checked()
    dialog.untick_all_button.click()
    assert dialog.checked() == [] and dialog.count_label.text() == "已勾选0人　共20000人"


def test_a_filter_that_finds_nobody_says_so(qtbot: Any, dialog: IssueDialog) -> None:
    dialog.filter.setText("没有这个人")
    assert dialog.model.rowCount() == 0
    qtbot.waitUntil(lambda: dialog.notice.isVisible())
    assert dialog.notice.text() == "没有符合“没有这个人”的党员"


def test_the_keyboard_filters_goes_down_to_the_list_and_ticks(qtbot: Any, dialog: IssueDialog) -> None:
    dialog.activateWindow()
    dialog.filter.setFocus()
    dialog.filter.setText("第7党支部")  # typed (QTest types ASCII only)
    qtbot.keyClick(dialog.filter, Qt.Key.Key_Down)
    assert dialog.people.hasFocus() and dialog.people.currentIndex().row() == 0
    qtbot.keyClick(dialog.people, Qt.Key.Key_Space)
    assert dialog.checked() == ["110101199001000006"]
    qtbot.keyClick(dialog.people, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(dialog.people, Qt.Key.Key_Space)  # the 500 selected, one of them ticked already: all ticked
    assert len(dialog.checked()) == 500
    qtbot.keyClick(dialog.people, Qt.Key.Key_Space)  # all ticked: all unticked
    assert dialog.checked() == []
    qtbot.keyClick(dialog.filter, Qt.Key.Key_Escape)  # Esc empties the filter (and leaves the dialog open)
    assert dialog.filter.text() == "" and dialog.isVisible() and dialog.model.rowCount() == COUNT


def test_the_model_passes_the_model_tester(qtbot: Any, qtmodeltester: Any) -> None:
    small = IssueDialog(roll(60))
    qtbot.addWidget(small)
    small.model.tick_rows([1, 3], True)
    qtmodeltester.check(small.model)
    small.filter.setText("第2党支部")
    qtmodeltester.check(small.model)


def test_a_branch_selected_all_is_issued_exactly(qtbot: Any, demo_ws: Workspace,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """From the tab: a branch typed into the filter, 全选, 确定: the material goes to exactly its members."""
    with demo_ws.read() as s:
        branch_id, branch = s.execute(select(Branch.id, Branch.name).join(Member, Member.branch_id == Branch.id)
                                      .order_by(Branch.id).limit(1)).one()
        wanted = set(s.scalars(select(Member.id).where(Member.branch_id == branch_id)))
        others = s.scalars(select(Branch.name).where(Branch.id != branch_id)).all()
    assert not any(branch in other for other in others)  # the filter finds this branch only
    tab = PlanTab(demo_ws)
    qtbot.addWidget(tab)

    def fake_exec(dialog: IssueDialog) -> int:
        dialog.title.setText("《党章》")
        dialog.filter.setText(branch)
        dialog.tick_all_button.click()
        dialog.filter.clear()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(IssueDialog, "exec", fake_exec)
    tab.on_issue_clicked()
    with demo_ws.read() as s:
        issued = {row.member_id for row in materials.issues_of(s, "党章")}
    assert issued == wanted and len(wanted) > 1
