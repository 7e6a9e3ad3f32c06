"""登记资料发放 over a bureau's whole roll: one model of 20 000 rows, filtered by name, branch or ID number,
ticks that outlast the filter, 全选 of the members filtered, the count ticked, the keyboard."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QDialog, QListWidget
from sqlalchemy import func, select

from models import Branch, Member
from services.plan import materials
from services.workspace import Workspace
from tests.helpers.members_support import OFFSCREEN_NOISE, close_without_asking
from ui.plan.plan_tab import IssueDialog, PlanTab

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

COUNT = 20_000


def roll(count: int = COUNT) -> list[tuple[str, str, str]]:
    return [(f"110101199001{i:06d}", f"党员{i}", f"第{i % 40 + 1}党支部") for i in range(count)]


@pytest.fixture
def dialog(qtbot: Any) -> IssueDialog:
    opened = IssueDialog(roll())
    qtbot.addWidget(opened, before_close_func=close_without_asking)
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


def test_enter_in_the_filter_goes_to_the_list_and_never_takes_the_dialogs_ok(qtbot: Any,
                                                                             dialog: IssueDialog) -> None:
    """A name typed and Enter, as in any search box, registered the material for the members ticked so far."""
    dialog.title.setText("入党教材")
    dialog.model.tick_rows([0], True)
    dialog.activateWindow()
    dialog.filter.setFocus()
    dialog.filter.setText("党员7")
    qtbot.keyClick(dialog.filter, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected
    assert dialog.people.hasFocus() and dialog.people.currentIndex().row() == 0
    dialog.filter.setFocus()
    dialog.filter.setText("没有这个人")
    qtbot.keyClick(dialog.filter, Qt.Key.Key_Enter)
    assert dialog.isVisible() and dialog.filter.hasFocus()


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


def _two_left(ws: Workspace) -> dict[str, str]:
    """Two members of the demo bureau leave the roll (转出, 去世); their ID numbers → what the list says of them."""
    from services.roll import members

    with ws.write("test-leave") as uow:
        rows = uow.session.execute(select(Member.id, Member.id_number, Member.name, Branch.name)
                                   .join(Branch, Branch.id == Member.branch_id).where(Member.status == "在册")
                                   .order_by(Member.id).limit(2)).all()
        for (member_id, *_rest), status in zip(rows, ("转出", "去世"), strict=True):
            members.mark_left(uow.session, member_id, status, "2024-04-01", "", uow.actor)
    return {number: f"{name}（{branch}）　{status}"
            for (_id, number, name, branch), status in zip(rows, ("转出", "去世"), strict=True)}


def test_members_who_left_are_left_out_unless_asked_for_then_greyed_with_their_status(
        qtbot: Any, demo_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """Materials go to members on the roll: 转出 / 去世 members are not offered; 含已离册党员 lists them greyed, with
    their status, to record a book handed out before they left; unticking the box takes their ticks away."""
    left = _two_left(demo_ws)
    with demo_ws.read() as s:
        on_roll = s.scalar(select(func.count()).select_from(Member).where(Member.status == "在册"))
        gone = s.scalar(select(func.count()).select_from(Member).where(Member.status != "在册"))
    tab = PlanTab(demo_ws)
    qtbot.addWidget(tab)
    seen: list[Any] = []

    def fake_exec(dialog: IssueDialog) -> int:
        model, check = dialog.model, dialog.picker.show_left_check
        keys = [model.data(model.index(r), Qt.ItemDataRole.UserRole) for r in range(model.rowCount())]
        seen.append((len(keys), set(keys) & set(left), check.isChecked(), check.text(), dialog.count_label.text()))
        check.setChecked(True)
        rows = {model.data(model.index(r), Qt.ItemDataRole.UserRole): r for r in range(model.rowCount())}
        assert model.rowCount() == on_roll + gone and set(left) <= set(rows)
        for number, label in left.items():
            index = model.index(rows[number])
            assert model.data(index) == label
            assert model.data(index, Qt.ItemDataRole.ForegroundRole).color() == dialog.palette().color(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
            assert model.flags(index) & Qt.ItemFlag.ItemIsUserCheckable
        first = next(iter(left))
        model.tick_rows([rows[first], 0], True)
        check.setChecked(False)  # hidden again: the tick of the one who left goes, the other stays
        assert model.rowCount() == on_roll and dialog.checked() == [model.data(model.index(0), Qt.ItemDataRole.UserRole)]
        check.setChecked(True)
        model.tick_rows([rows[first]], True)
        dialog.title.setText("《离册前领取的读本》")
        dialog.day.setDate(QDate(2024, 3, 1))  # before they left (2024-04-01): a later day is refused
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(IssueDialog, "exec", fake_exec)
    tab.on_issue_clicked()
    count, offered_left, checked, text, line = seen[0]
    assert (count, offered_left, checked) == (on_roll, set(), False)
    assert text == f"含已离册党员（{gone}人）" and line == f"已勾选0人　共{on_roll}人"
    with demo_ws.read() as s:
        issued = {row.member_id for row in materials.issues_of(s, "离册前领取的读本")}
        numbers = set(s.scalars(select(Member.id_number).where(Member.id.in_(issued))))
    assert len(issued) == 2 and next(iter(left)) in numbers


def test_without_anyone_who_left_the_box_is_off(dialog: IssueDialog) -> None:
    assert not dialog.picker.show_left_check.isEnabled() and dialog.model.left_count() == 0


def test_the_model_with_members_who_left_passes_the_model_tester(qtbot: Any, qtmodeltester: Any) -> None:
    people = [(*p, "转出" if i % 7 == 0 else "在册") for i, p in enumerate(roll(60))]
    small = IssueDialog(people)
    qtbot.addWidget(small)
    assert small.model.rowCount() == 51 and small.model.left_count() == 9
    qtmodeltester.check(small.model)
    small.picker.show_left_check.setChecked(True)
    small.filter.setText("第1党支部")
    assert small.model.rowCount() == 2  # 党员0 (转出) and 党员40
    qtmodeltester.check(small.model)
