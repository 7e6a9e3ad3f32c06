"""Esc (or 取消) in the transfer, questionnaire, 报名, 登记资料发放 and 学习计划 dialogs asks before throwing input away."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QTableWidgetItem

from services.roll import members as member_service
from services.survey import surveys
from services.training import activities
from services.workspace import Workspace
from tests.helpers.members_support import OFFSCREEN_NOISE, check_esc_asks_before_discarding
from tests.helpers.ui_workspace import demo_ws  # noqa: F401 - fixture
from ui.plan.issue_dialog import IssueDialog
from ui.plan.plan_tab import StudyItemDialog
from ui.roll.transfer_dialog import TransferDialog
from ui.survey.design_dialog import DesignDialog
from ui.survey.entry_dialog import EntryDialog
from ui.training.enrol_dialog import EnrolDialog

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def _transfer(ws: Workspace) -> tuple[QDialog, Callable[[], None]]:
    with ws.read() as s:
        record = member_service.list_members(s)[0]
    dialog = TransferDialog(ws, record)
    return dialog, lambda: dialog.reason.setText("组织关系转至某某单位党组织")


def _design(ws: Workspace) -> tuple[QDialog, Callable[[], None]]:
    dialog = DesignDialog(ws)
    return dialog, lambda: dialog.table.setItem(0, 0, QTableWidgetItem("您对本次培训是否满意？"))


def _entry(ws: Workspace) -> tuple[QDialog, Callable[[], None]]:
    with ws.write("survey-new") as uow:
        survey_id = surveys.create_paper(uow.session, "培训需求调查", [
            surveys.QuestionDraft("满意吗", options=("满意", "不满意"))], uow.actor)
    dialog = EntryDialog(ws, survey_id)
    return dialog, lambda: dialog.model.setData(dialog.model.index(0, 0), "A")


def _issue(ws: Workspace) -> tuple[QDialog, Callable[[], None]]:
    with ws.read() as s:
        people = [(m.id_number, m.name, m.branch) for m in member_service.list_members(s)[:30]]
    dialog = IssueDialog(people)
    return dialog, lambda: dialog.model.tick_rows(range(12), True)


def _study_item(_ws: Workspace) -> tuple[QDialog, Callable[[], None]]:
    dialog = StudyItemDialog()
    return dialog, lambda: dialog.title.setText("《习近平新时代中国特色社会主义思想学习纲要》")


def _enrol(ws: Workspace) -> tuple[QDialog, Callable[[], None]]:
    with ws.write("activity-new") as uow:
        activity_id = activities.create_activity(uow.session, {"title": "专题培训班", "type": "专题培训",
                                                               "start_date": "2025-03-01"}, uow.actor).id
    dialog = EnrolDialog(ws, activity_id)
    return dialog, lambda: dialog.picker.model.tick_rows(range(5), True)


@pytest.mark.parametrize("make", [_transfer, _design, _entry, _issue, _study_item, _enrol],
                         ids=["transfer", "design", "entry", "issue", "study-item", "enrol"])
def test_esc_asks_before_discarding_what_was_typed(qtbot: Any, demo_ws: Workspace,  # noqa: F811
                                                   make: Callable[[Workspace], tuple[QDialog, Callable[[], None]]]) -> None:
    dialog, type_something = make(demo_ws)
    qtbot.addWidget(dialog)
    check_esc_asks_before_discarding(qtbot, dialog, type_something)
