"""A large class (20 000 members × sessions) shown without needless reads: the 培训 tab reads the activity it
shows once, and a member's hours come from their own cells, not from a pass over every cell of the class."""

from __future__ import annotations

import datetime as dt

import pytest

from services.training import activities, attendance, enrolment
from services.training.attendance import Cell, Grid
from services.training.enrolment import Participant
from tests.helpers.ui_workspace import workspace
from ui.training.attendance_table_model import AttendanceTableModel
from ui.training.training_tab import TrainingTab

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


class OwnCellsOnly(dict):
    """A grid's cells that refuse to be walked through: only looked up, key by key."""

    def items(self):  # type: ignore[override]
        raise AssertionError("every cell of the class was walked through for one member")

    def __iter__(self):
        raise AssertionError("every cell of the class was walked through for one member")


def _grid() -> Grid:
    sessions = ((11, 1, dt.date(2024, 5, 6), 4.0), (12, 2, dt.date(2024, 5, 7), 2.5))
    members = tuple(Participant(m, f"党员{m}", f"{m:018d}", "第一党支部", None, None, "正式党员", "在册") for m in (1, 2))
    cells = OwnCellsOnly({(1, 11): Cell("出席", None, 4.0), (1, 12): Cell("迟到", None, 2.5),
                          (2, 12): Cell("请假", "公差", 0.0)})
    return Grid(7, sessions, members, cells)


def test_member_hours_looks_up_the_members_own_cells():
    g = _grid()
    assert (g.member_hours(1), g.member_hours(2), g.member_hours(3)) == (6.5, 0.0, 0.0)


def test_the_grid_model_sums_a_row_from_its_own_cells(qtbot):
    model = AttendanceTableModel()
    g = _grid()
    model.set_grid(Grid(g.activity_id, g.sessions, g.members, dict(g.cells)), None)
    model._cells = OwnCellsOnly(model._cells)  # as edited in the window
    assert model.data(model.index(0, model.hours_column())) == "6.5"


def test_the_tab_reads_the_activity_it_shows_once(qtbot, demo_db, monkeypatch):
    with demo_db.session_factory.begin() as s:
        info = activities.create_activity(s, {"title": "党性教育培训班", "type": "党性教育培训班",
                                              "start_date": "2023-05-08", "end_date": "2023-05-09"}, "t",
                                          sessions=[{"date": "2023-05-08", "hours": 6}, {"date": "2023-05-09", "hours": 4}])
        enrolment.enrol(s, info.id, enrolment.select_members(s)[:5], "t")
    reads: list[int] = []
    real = attendance.grid

    def counted(session, activity_id):
        reads.append(activity_id)
        return real(session, activity_id)

    monkeypatch.setattr(attendance, "grid", counted)
    tab = TrainingTab(workspace(demo_db, "tester"))
    qtbot.addWidget(tab)
    assert tab._current is not None and tab._current.id == info.id
    assert tab.participants_table.rowCount() == 5
    assert reads == [info.id]  # not again for the selection, nor for who completed it
    tab.set_read_only(tab._read_only)  # told what it already is: nothing read again
    assert reads == [info.id]
    tab.set_read_only(not tab._read_only)  # the grid's cells become read-only: shown anew
    assert reads == [info.id, info.id]
