"""The 培训 list's columns: the title takes the room; dates and types whole when there is room; hand widths kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from services.safety.storage import Database
from services.training import activities
from tests.helpers.members_support import OFFSCREEN_NOISE
from tests.helpers.ui_workspace import workspace
from ui.training.training_tab import TrainingTab

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
DATE, TITLE, TYPE = 0, 1, 2


@pytest.fixture
def demo_db(demo_db: Database) -> Database:
    """The demo roll with a class of several days and a one-day study."""
    with demo_db.session_factory.begin() as s:
        activities.create_activity(s, {"title": "2023年党性教育培训班（西柏坡）", "type": "党性教育培训班",
                                       "start_date": "2023-05-08", "end_date": "2023-05-12"}, "t")
        activities.create_activity(s, {"title": "2024年第1次党委理论学习中心组学习", "type": "中心组学习",
                                       "start_date": "2024-01-10", "hours": 2}, "t")
    return demo_db


def _tab(qtbot: Any, db: Database, width: int, settings: QSettings | None = None) -> TrainingTab:
    tab = TrainingTab(workspace(db))
    qtbot.addWidget(tab)
    if settings is not None:
        tab.restore_settings(settings)
    tab.resize(width, 900)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def _longest(tab: TrainingTab, column: int) -> int:
    model, metrics = tab.activity_model, tab.activity_view.fontMetrics()
    return max(metrics.horizontalAdvance(model.data(model.index(r, column))) for r in range(model.rowCount()))


def test_a_wide_window_shows_date_ranges_types_and_titles_whole(qtbot: Any, demo_db: Database) -> None:
    tab = _tab(qtbot, demo_db, 1900)
    header = tab.activity_view.horizontalHeader()
    # 2026-10-12 至 2026-10-16 and 党性教育培训班 were cut to “2026-10-1…” and “党性教育培…” with room to spare.
    for column in (DATE, TYPE, TITLE):
        assert header.sectionSize(column) >= _longest(tab, column), column


def test_a_narrow_window_keeps_room_for_the_title(qtbot: Any, demo_db: Database) -> None:
    tab = _tab(qtbot, demo_db, 760)
    header = tab.activity_view.horizontalHeader()
    # The short columns at their compact widths (a date range elided, whole in its tooltip): the rest is the title's.
    assert header.sectionSize(DATE) < _longest(tab, DATE)
    assert all(header.sectionSize(c) == w for c, w in tab.columns.compact.items())
    assert header.sectionSize(TITLE) > tab.activity_view.viewport().width() - sum(tab.columns.compact.values()) - 4
    tab.resize(1900, 900)  # made wider (maximised): the whole dates come back
    qtbot.waitUntil(lambda: header.sectionSize(DATE) >= _longest(tab, DATE))


def test_a_width_set_by_hand_is_kept_and_remembered(qtbot: Any, demo_db: Database, tmp_path: Path) -> None:
    tab = _tab(qtbot, demo_db, 1900)
    header = tab.activity_view.horizontalHeader()
    header.resizeSection(TYPE, 70)  # as the clerk drags the border
    tab.resize(1000, 900)
    tab.resize(1800, 900)
    assert header.sectionSize(TYPE) == 70
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    tab.save_settings(settings)
    again = _tab(qtbot, demo_db, 1900, settings)
    header = again.activity_view.horizontalHeader()
    assert header.sectionSize(TYPE) == 70 and header.sectionSize(DATE) >= _longest(again, DATE)


def test_participant_buttons_wait_for_a_selection(qtbot: Any, demo_db: Database) -> None:
    from services.training import enrolment

    with demo_db.session_factory.begin() as s:
        info = activities.create_activity(s, {"title": "专题党课", "type": "专题党课", "start_date": "2024-03-01",
                                              "hours": 2}, "t")
        enrolment.enrol(s, info.id, enrolment.select_members(s)[:3], "t")
    tab = _tab(qtbot, demo_db, 1300)
    tab.reload_activities(info.id)
    table = tab.participants_table
    assert table.rowCount() == 3
    # 取消所选人员的报名 did nothing at all without a selection, 调整学时… only said to select one.
    assert not tab.unenrol_button.isEnabled() and not tab.adjust_button.isEnabled()
    table.selectRow(1)
    assert tab.unenrol_button.isEnabled() and tab.adjust_button.isEnabled()
    table.clearSelection()
    assert not tab.unenrol_button.isEnabled()
    table.selectRow(0)
    tab.set_read_only(True)  # a 查阅 account never
    assert not tab.unenrol_button.isEnabled() and not tab.adjust_button.isEnabled()
