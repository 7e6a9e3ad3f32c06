"""Live views: an edit in one tab shows in every other tab at once, without anyone calling refresh()."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from services.roll import members as member_service
from services.safety.storage import Database
from services.training import activities, enrolment
from services.workspace import EDITOR
from tests.helpers.members_support import OFFSCREEN_NOISE, db_fixture, open_window, valid_id
from tests.helpers.ui_workspace import workspace
from ui.roll.members_tab import MembersTab
from ui.safety.log_tab import LogTab
from ui.training.training_tab import TrainingTab
from ui.widgets.jobs import default_runner

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    yield from db_fixture(tmp_path, members=30)


@pytest.fixture
def klass(db: Database) -> tuple[int, list[int]]:
    with db.session_factory.begin() as s:
        info = activities.create_activity(s, {"title": "党性教育培训班", "type": "党性教育培训班",
                                              "start_date": "2023-05-08", "end_date": "2023-05-09"}, "t",
                                          sessions=[{"date": "2023-05-08", "hours": 6},
                                                    {"date": "2023-05-09", "hours": 4}])
        ids = enrolment.select_members(s)[:4]
        enrolment.enrol(s, info.id, ids, "t")
    return info.id, ids


def participant_hours(tab: TrainingTab) -> list[str]:
    table = tab.participants_table
    return [table.text(r, 3) for r in range(table.rowCount())]


def test_keyboard_attendance_updates_participants_and_the_log(qtbot: Any, db: Database,
                                                              klass: tuple[int, list[int]]) -> None:
    ws = workspace(db, "录入员甲")
    window = open_window(qtbot, ws)
    log = window.tab("日志")
    assert isinstance(log, LogTab)
    before = log.total
    assert window.select_tab("培训")
    qtbot.waitUntil(lambda: isinstance(window.current_tab(), TrainingTab))
    training = window.current_tab()
    assert isinstance(training, TrainingTab)
    qtbot.waitUntil(lambda: training.attendance_model.rowCount() == 4)
    training.detail_tabs.setCurrentIndex(1)  # 参训人员 on show, the grid's keys still reach it
    assert participant_hours(training) == ["0"] * 4

    view, model = training.grid_view, training.attendance_model
    view.setCurrentIndex(model.index(0, 2))
    qtbot.keyClick(view, Qt.Key.Key_1)  # 出席 on session 1: 6 hours
    # The cell was written where the cursor was; the cursor moved on and was not reset by the refresh.
    qtbot.waitUntil(lambda: participant_hours(training)[0] == "6")
    assert view.currentIndex().row() == 1
    assert model.status_at(0, 2) == "出席"
    # The activity list's 参加 count follows too, and the same activity stays selected.
    activities_model = training.activity_model
    column = next(c for c in range(activities_model.columnCount())
                  if activities_model.headerData(c, Qt.Orientation.Horizontal) == "参加")
    row = activities_model.row_of(klass[0])
    qtbot.waitUntil(lambda: activities_model.data(activities_model.index(row, column)) == "1")
    assert training.activity_view.currentIndex().row() == row
    # The 日志 tab (hidden) catches up when shown; nobody called refresh().
    window.select_tab("日志")
    qtbot.waitUntil(lambda: log.total > before)


def test_a_branch_renamed_in_members_shows_in_training(qtbot: Any, db: Database, klass: tuple[int, list[int]],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    ws = workspace(db)
    window = open_window(qtbot, ws)
    members = window.current_tab()
    assert isinstance(members, MembersTab)
    training = window.tab("培训")
    assert isinstance(training, TrainingTab)
    training.reload_activities(klass[0])
    first = training.participants_table.text(0, 1)
    branch = next(b for b in members.tree_model.branches() if b.name == first)
    members.tree.setCurrentIndex(members.tree_model.branch_index(branch.id))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("第一党支部改名", True))
    members.rename_branch()
    # The members tab (visible) shows it at once; the training tab when it is shown.
    assert any(b.name == "第一党支部改名" for b in members.tree_model.branches())
    window.select_tab("培训")
    qtbot.waitUntil(lambda: training.participants_table.text(0, 1) == "第一党支部改名")


def test_a_member_added_anywhere_shows_in_members_and_enrolment(qtbot: Any, db: Database) -> None:
    ws = workspace(db)
    members = MembersTab(ws)
    qtbot.addWidget(members)
    members.show()
    members.refresh()
    count = members.model.total_count()
    with ws.read() as s:
        branch = member_service.list_members(s)[0].branch
    # Another tab (or the command line's services through the same workspace) writes a member.
    with ws.write("member-save", needs=EDITOR) as uow:
        member_service.create_member(uow.session, {"name": "新党员", "id_number": valid_id("11010519900307123"),
                                                   "branch": branch, "membership": "正式党员"}, uow.actor)
    assert members.model.total_count() == count + 1
    from ui.training.enrol_dialog import EnrolDialog

    dialog = EnrolDialog(ws, activity_id=0)  # the roll it offers is read when it opens
    qtbot.addWidget(dialog)
    assert any(r.name == "新党员" for r in dialog._roll)


def test_a_read_only_account_is_refused_by_the_workspace(qtbot: Any, db: Database,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: shown.append(text))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("不该出现的支部", True))
    tab = MembersTab(workspace(db, "reader", "查阅"))
    qtbot.addWidget(tab)
    tab.refresh()
    assert not tab.act_branch_new.isEnabled() and not tab.act_add.isEnabled()
    tab.new_branch()  # the button is off; called anyway, the workspace refuses
    assert shown and "查阅" in shown[0]
    assert not any(b.name == "不该出现的支部" for b in tab.tree_model.branches())


def test_jobs_that_write_announce_on_the_gui_thread(qtbot: Any, db: Database) -> None:
    ws = workspace(db)
    tab = MembersTab(ws)
    qtbot.addWidget(tab)
    tab.show()
    tab.refresh()
    count = len(tab.tree_model.branches())

    def work(_progress: Any, _cancel: Any) -> None:
        from services.roll.branches import create_branch

        with ws.write("branch-create", needs=EDITOR) as uow:
            create_branch(uow.session, "线程里新建的支部", uow.actor)

    done: list[Any] = []
    default_runner().submit(work, on_finished=done.append)
    qtbot.waitUntil(lambda: bool(done))
    qtbot.waitUntil(lambda: len(tab.tree_model.branches()) == count + 1)


def test_a_print_that_lacks_a_character_is_said_in_the_window(qtbot: Any, db: Database, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A printout drawn without a glyph for a name's rare character (Extension G: no print font nor fallback
    has it): the window says so after the print, naming the member."""
    from PySide6.QtWidgets import QMessageBox

    from services.pdf import pdf_fonts
    from services.printing.print_roll import print_roll

    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *_a: said.append(text))
    ws = workspace(db)
    window = open_window(qtbot, ws)
    pdf_fonts.take_missing()
    with ws.write("print") as uow:  # as the window prints: the service logs the print
        records = member_service.list_members(uow.session)[:3]
        print_roll(uow.session, tmp_path / "roll.pdf", records=[*records, replace(records[0], name="王\U00030000")],
                   actor=uow.actor)
    qtbot.waitUntil(lambda: bool(said))
    assert "\U00030000（“王\U00030000”）" in said[0] and "手写" in said[0]  # no font has it: named with the member
    with ws.write("print") as uow:  # a print with every character in the font says nothing
        print_roll(uow.session, tmp_path / "roll2.pdf", records=member_service.list_members(uow.session)[:3],
                   actor=uow.actor)
    qtbot.wait(50)
    assert len(said) == 1
    window.close()
