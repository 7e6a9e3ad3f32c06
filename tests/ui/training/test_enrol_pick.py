"""报名 › 手工选择 over a bureau's whole roll: one model (shared with 登记资料发放), not a widget item per member;
a filter by name, initials, branch or ID number; 全选 of the members filtered; ticks that outlast the filter."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QListWidget
from sqlalchemy import select

from models import Branch, Enrolment, Member
from services.access import ADMIN, EDITOR
from services.safety import accounts
from services.safety.storage import Database
from services.training import activities
from services.workspace import Workspace
from tests.helpers.members_support import OFFSCREEN_NOISE, close_without_asking
from tests.helpers.ui_workspace import workspace
from ui.roll.member_picker import MemberPicker
from ui.training import enrol_dialog
from ui.training.enrol_dialog import HAND_PAGE, EnrolDialog

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
COUNT = 20_000


def _activity(db: Database) -> int:
    with db.session_factory.begin() as s:
        return activities.create_activity(s, {"title": "手工报名培训", "type": "专题培训",
                                              "start_date": "2025-03-01"}, "t").id


def _open(qtbot: Any, ws: Workspace, activity_id: int) -> EnrolDialog:
    dialog = EnrolDialog(ws, activity_id)
    qtbot.addWidget(dialog, before_close_func=close_without_asking)
    dialog.show()
    dialog.tabs.setCurrentIndex(HAND_PAGE)
    return dialog


def _enrolled(db: Database, activity_id: int) -> set[int]:
    with db.session_factory() as s:
        return set(s.scalars(select(Enrolment.member_id).where(Enrolment.activity_id == activity_id)))


def _shown(picker: MemberPicker) -> list[Any]:
    """The member ids the filter shows, in order."""
    model = picker.model
    return [model.data(model.index(r), Qt.ItemDataRole.UserRole) for r in range(model.rowCount())]


def test_a_roll_of_20000_is_one_model_not_an_item_per_member(qtbot: Any, demo_db: Database,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    roll = [SimpleNamespace(id=i + 1, name=f"党员{i}", branch=f"第{i % 40 + 1}党支部", id_number=f"110101199001{i:06d}",
                            name_initials="dy", phone=None, status="在册") for i in range(COUNT)]
    monkeypatch.setattr(enrol_dialog.members, "list_for_picking", lambda *_a, **_k: roll)
    dialog = _open(qtbot, workspace(demo_db), _activity(demo_db))
    assert dialog.tabs.currentWidget() is dialog.picker
    assert all(w.count() < 100 for w in dialog.findChildren(QListWidget))  # branches and posts only
    model = dialog.picker.model
    assert model.rowCount() == model.total() == COUNT
    assert model.data(model.index(5)) == "党员5（第6党支部）"
    assert dialog.picker.count_label.text() == "已勾选0人　共20000人"
    dialog.picker.filter.setText("第3党支部")
    dialog.picker.tick_all_button.click()
    assert dialog.picker.count_label.text() == "已勾选500人　筛选出500人（共20000人）"
    assert dialog.count_label.text() == "符合条件的在册党员：500人"


def test_select_all_in_a_branch_filter_enrols_exactly_that_branch(qtbot: Any, demo_db: Database) -> None:
    with demo_db.session_factory() as s:
        branch_id, branch = s.execute(select(Branch.id, Branch.name).order_by(Branch.id).limit(1)).one()
        wanted = set(s.scalars(select(Member.id).where(Member.branch_id == branch_id, Member.status == "在册")))
        others = s.scalars(select(Branch.name).where(Branch.id != branch_id)).all()
        outsider = s.scalars(select(Member).where(Member.branch_id != branch_id, Member.status == "在册")
                             .order_by(Member.id).limit(1)).one()
        outsider_id, outsider_number = outsider.id, outsider.id_number
    assert len(wanted) > 1 and not any(branch in other for other in others)
    aid = _activity(demo_db)
    dialog = _open(qtbot, workspace(demo_db), aid)
    picker = dialog.picker
    picker.filter.setText(branch)
    assert picker.model.rowCount() == len(wanted)
    picker.tick_all_button.click()
    # Another member found by the tail of the ID number: the branch's ticks stay while the filter changes.
    picker.filter.setText(outsider_number[-6:])
    picker.model.tick_rows([_shown(picker).index(outsider_id)], True)
    picker.filter.clear()
    assert set(picker.ticked()) == wanted | {outsider_id}
    assert dialog.count_label.text() == f"符合条件的在册党员：{len(wanted) + 1}人"
    # 全不选 in a filter unticks only those it shows.
    picker.filter.setText(outsider_number[-6:])
    picker.untick_all_button.click()
    picker.filter.clear()
    assert set(picker.ticked()) == wanted
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert _enrolled(demo_db, aid) == wanted


def test_the_filter_still_finds_by_pinyin_initials_and_phone(qtbot: Any, demo_db: Database) -> None:
    with demo_db.session_factory() as s:
        member = s.scalars(select(Member).where(Member.status == "在册", Member.phone.is_not(None))
                           .order_by(Member.id).limit(1)).one()
        member_id, initials, phone = member.id, member.name_initials, member.phone
    picker: MemberPicker = _open(qtbot, workspace(demo_db), _activity(demo_db)).picker
    for typed in (initials.upper(), phone[-7:]):
        picker.filter.setText(typed)
        shown = _shown(picker)
        assert member_id in shown and len(shown) < picker.model.total(), typed


def test_a_branch_account_picks_from_its_branch_only(qtbot: Any, demo_db: Database,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "SCRYPT_N", 2 ** 10)
    with demo_db.session_factory.begin() as s:
        branch = s.scalars(select(Branch).order_by(Branch.sort_order, Branch.id)).all()[2]
        name = branch.name
        mine = set(s.scalars(select(Member.id).where(Member.branch_id == branch.id, Member.status == "在册")))
        accounts.create_account(s, "boss", ADMIN, "branch-secret-1", "测试")
        accounts.create_account(s, "sec", EDITOR, "branch-secret-1", "boss", branches=[name])
        # The branch's own class: a branch account opens only the activities its list shows (services/access.py).
        own = activities.create_activity(s, {"title": "支部手工报名培训", "type": "专题培训", "organiser": name,
                                             "start_date": "2025-03-01"}, "t").id
    ws = Workspace.over(demo_db)
    ws.login("sec", "branch-secret-1")
    picker = _open(qtbot, ws, own).picker
    assert mine and picker.model.total() == len(mine)
    picker.tick_all_button.click()
    assert set(picker.ticked()) == mine


def test_members_who_left_are_left_out_and_shown_on_request_greyed_and_not_tickable(qtbot: Any,
                                                                                   demo_db: Database) -> None:
    """报名 takes members on the roll: one who left (转出) is not listed; 含已离册党员 lists them greyed with their
    status, and neither a click, Space nor 全选 ticks them (the enrolment would refuse them)."""
    from services.roll import members

    with demo_db.session_factory.begin() as s:
        gone_id, branch_id = s.execute(select(Member.id, Member.branch_id).where(Member.status == "在册")
                                       .order_by(Member.id).limit(1)).one()
        members.mark_left(s, gone_id, "转出", "2024-04-01", "调往外单位", "测试")
        on_roll = set(s.scalars(select(Member.id).where(Member.branch_id == branch_id, Member.status == "在册")))
        branch = s.get(Branch, branch_id).name
    aid = _activity(demo_db)
    dialog = _open(qtbot, workspace(demo_db), aid)
    picker = dialog.picker
    picker.filter.setText(branch)
    assert gone_id not in _shown(picker) and set(_shown(picker)) == on_roll
    assert picker.show_left_check.isEnabled() and not picker.show_left_check.isChecked()
    picker.show_left_check.setChecked(True)
    row = _shown(picker).index(gone_id)
    index = picker.model.index(row)
    assert picker.model.data(index).endswith("　转出") and "不能报名" in picker.model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert not picker.model.flags(index) & (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
    picker.model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert not picker.model.is_ticked(row)
    picker.tick_all_button.click()
    assert set(picker.ticked()) == on_roll and dialog.count_label.text() == f"符合条件的在册党员：{len(on_roll)}人"
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert _enrolled(demo_db, aid) == on_roll


def test_a_branch_account_on_an_activity_it_may_not_open_gets_the_dialog_not_a_crash(
        qtbot: Any, demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """报名 opened on an activity a branch account's list no longer shows (another clerk's change meanwhile) raised
    PermissionDeniedError out of the dialog's constructor; it opens (enrolling is refused by the service)."""
    monkeypatch.setattr(accounts, "SCRYPT_N", 2 ** 10)
    with demo_db.session_factory.begin() as s:
        name = s.scalars(select(Branch.name).order_by(Branch.sort_order, Branch.id)).all()[2]
        accounts.create_account(s, "boss", ADMIN, "branch-secret-1", "测试")
        accounts.create_account(s, "sec", EDITOR, "branch-secret-1", "boss", branches=[name])
    other = _activity(demo_db)  # created by the office, nobody of the branch on it
    ws = Workspace.over(demo_db)
    ws.login("sec", "branch-secret-1")
    dialog = _open(qtbot, ws, other)
    assert dialog.picker.model.total() > 0
