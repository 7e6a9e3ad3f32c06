"""培训对象 in the window: the activity form offers the plan's audiences, the enrol dialog enrols by audience."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import select

from models import Enrolment, Member
from services.plan.audience import AUDIENCES
from services.training import activities, enrolment
from tests.helpers.members_support import type_text
from tests.helpers.ui_workspace import workspace
from ui.training.activity_dialog import ActivityDialog
from ui.training.enrol_dialog import AUDIENCE_PAGE, EnrolDialog

# The offscreen platform says so whenever a window or the completer's popup is shown; not ours to fix.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints",
                                       "This plugin does not support raise", "This plugin does not support grabbing")


def _dialog(qtbot, demo_db, activity=None):  # type: ignore[no-untyped-def]
    with demo_db.session_factory() as s:
        types = activities.list_types(s)
    saved: list[dict] = []
    dialog = ActivityDialog(types, lambda raw, sessions: saved.append(raw), activity)
    qtbot.addWidget(dialog)
    return dialog, saved


def test_activity_form_offers_audiences_and_keeps_free_text(qtbot, demo_db) -> None:  # type: ignore[no-untyped-def]
    dialog, _saved = _dialog(qtbot, demo_db)
    combo = dialog.target_edit
    assert [combo.itemText(i) for i in range(combo.count())] == list(AUDIENCES)
    assert combo.currentText() == ""  # a new activity names no audience until the clerk does
    combo.setCurrentIndex(combo.findText("新党员"))
    assert dialog.values()[0]["target_group"] == "新党员"
    combo.setEditText("")
    combo.lineEdit().setFocus()
    type_text(combo.lineEdit(), "纪检")  # a prefix of 纪检干部: kept as typed, never completed inline
    assert dialog.values()[0]["target_group"] == "纪检"
    combo.setEditText("机关青年读书班 ")
    assert dialog.values()[0]["target_group"] == "机关青年读书班 "
    assert combo.count() == len(AUDIENCES)  # what is typed is not added to the list


def test_activity_form_shows_the_stored_audience(qtbot, demo_db) -> None:  # type: ignore[no-untyped-def]
    with demo_db.session_factory.begin() as s:
        info = activities.create_activity(s, {"title": "读书班", "type": "专题培训", "start_date": "2025-03-01",
                                              "target_group": "机关青年读书班"}, "t")
    dialog, _saved = _dialog(qtbot, demo_db, info)
    assert dialog.target_edit.currentText() == "机关青年读书班"


def _activity(demo_db, audience):  # type: ignore[no-untyped-def]
    with demo_db.session_factory.begin() as s:
        return activities.create_activity(s, {"title": f"{audience}培训", "type": "专题培训",
                                              "start_date": "2025-03-01", "target_group": audience}, "t").id


def test_enrol_dialog_enrols_by_audience(qtbot, demo_db) -> None:  # type: ignore[no-untyped-def]
    aid = _activity(demo_db, "基层党组织书记和党务干部")
    dialog = EnrolDialog(workspace(demo_db, "tester"), aid)
    qtbot.addWidget(dialog)
    dialog.tabs.setCurrentIndex(AUDIENCE_PAGE)
    assert "担任书记、副书记或委员职务" in dialog.audience_label.text()
    with demo_db.session_factory() as s:
        expected = {m.id for m in s.scalars(select(Member).where(Member.status == "在册"))
                    if m.party_post and ("书记" in m.party_post or "委员" in m.party_post)}
    assert expected
    assert dialog.count_label.text().endswith(f"{len(expected)}人")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.result() == dialog.DialogCode.Accepted
    with demo_db.session_factory() as s:
        assert set(s.scalars(select(Enrolment.member_id).where(Enrolment.activity_id == aid))) == expected


def test_enrol_dialog_refuses_an_audience_it_cannot_map(qtbot, demo_db) -> None:  # type: ignore[no-untyped-def]
    aid = _activity(demo_db, "发展对象和入党积极分子")
    dialog = EnrolDialog(workspace(demo_db, "tester"), aid)
    qtbot.addWidget(dialog)
    dialog.tabs.setCurrentIndex(AUDIENCE_PAGE)
    assert "无法从党员名册中对应" in dialog.error_label.text()  # said as soon as the page is chosen
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert "无法从党员名册中对应" in dialog.error_label.text()
    with demo_db.session_factory() as s:
        assert enrolment.enrolled_count(s, aid) == 0
