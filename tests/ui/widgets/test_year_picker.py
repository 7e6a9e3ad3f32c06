"""One year picker on every tab: one rule for the years offered, one width, “全部年度” where a filter needs it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from services.safety.storage import Database
from tests.helpers.members_support import OFFSCREEN_NOISE
from tests.helpers.ui_workspace import workspace
from ui.widgets.year_picker import YearPicker, offered_years

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
TODAY = dt.date(2026, 12, 2)


def test_the_years_offered() -> None:
    # A plan period back, next year ahead; stretched to any year holding records.
    assert offered_years((), TODAY) == [2027, 2026, 2025, 2024, 2023, 2022, 2021]
    assert offered_years({2015, 2024}, TODAY)[-1] == 2015 and offered_years({2015}, TODAY)[0] == 2027
    assert offered_years({2031}, TODAY) == list(range(2031, 2020, -1))


def test_picker_keeps_its_year_and_has_one_width(qtbot: Any) -> None:
    this_year = dt.date.today().year
    plain, filter_ = YearPicker(), YearPicker(all_text="全部年度")
    for picker in (plain, filter_):
        qtbot.addWidget(picker)
    assert plain.year() == this_year and plain.currentText() == f"{this_year}年"
    assert filter_.year() is None and filter_.currentText() == "全部年度" and filter_.currentData() is None
    assert plain.sizeHint().width() == filter_.sizeHint().width()
    assert plain.sizeHint().width() > plain.fontMetrics().horizontalAdvance("全部年度")
    seen: list[Any] = []
    filter_.year_changed.connect(seen.append)
    filter_.set_year(this_year - 1)
    assert filter_.year() == this_year - 1 == filter_.currentData() and seen == [this_year - 1]
    filter_.set_known_years([1998])  # records of a year long ago: offered, the choice kept, no signal
    assert filter_.year() == this_year - 1 and filter_.findData(1998) > 0 and len(seen) == 1
    filter_.set_year(None)
    assert filter_.year() is None and seen[-1] is None
    plain.set_year(1990)
    assert plain.year() == 1990 and plain.itemText(plain.count() - 1) == "1990年"


def test_the_tabs_pick_years_alike(qtbot: Any, demo_db: Database) -> None:
    from ui.plan.plan_tab import PlanTab
    from ui.training.training_tab import TrainingTab

    ws = workspace(demo_db)
    training, plan = TrainingTab(ws), PlanTab(ws)
    for tab in (training, plan):
        qtbot.addWidget(tab)
    pickers = (training.year_combo, plan.study_year)
    assert all(isinstance(p, YearPicker) for p in pickers)
    assert pickers[0].sizeHint().width() == pickers[1].sizeHint().width()
    # Both offer the years of the demo's records (2022–2026) by the same rule.
    assert [p.itemData(p.count() - 1) for p in pickers] == [min(offered_years(range(2022, 2027)))] * 2
    assert training.year_combo.currentText() == "全部年度"
    plan.study_year.set_year(2025)
    assert "2025" in plan.study_title.text()


def test_an_exact_picker_offers_only_its_years(qtbot: Any) -> None:
    # The years of a result (a statistics period): a year outside it would show an empty list reading “nobody”.
    picker = YearPicker(exact=True)
    qtbot.addWidget(picker)
    assert picker.count() == 0 and picker.year() is None
    seen: list[Any] = []
    picker.year_changed.connect(seen.append)
    picker.set_known_years([2023, 2024])
    assert [picker.itemText(i) for i in range(picker.count())] == ["2024年", "2023年"] and picker.year() == 2024
    picker.set_year(2023)
    picker.set_year(2026)  # not among its years: the choice stays
    assert picker.year() == 2023 and picker.count() == 2 and seen == [2023]
    picker.set_known_years([2022, 2023])  # the year kept while still offered
    assert picker.year() == 2023
    picker.set_known_years([2025])  # else the latest
    assert picker.year() == 2025 and picker.count() == 1 and seen == [2023]
    plain = YearPicker()
    qtbot.addWidget(plain)
    assert picker.sizeHint().width() == plain.sizeHint().width()
