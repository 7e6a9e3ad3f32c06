"""考核与统计: the 培训对象 page (figures per audience) and the 条例要求 page (members per rule, export, print)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from models import Activity, Member
from services.plan import rules
from services.safety.storage import Database, open_database
from services.workspace import Workspace
from tests.helpers.stats_dataset import build_dataset
from ui.assessment.stats_presenter import Page
from ui.assessment.stats_tab import StatsTab

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
D = dt.date


@pytest.fixture
def data_db(tmp_path: Path) -> Iterator[Database]:
    db = open_database(tmp_path / "tab.sqlite3")
    with db.session_factory.begin() as s:
        data = build_dataset(s)
        s.execute(update(Activity).where(Activity.id == data.activities["a2"]).values(
            target_group="基层党组织书记和党务干部"))
        s.execute(update(Activity).where(Activity.id == data.activities["a3"]).values(target_group="机关读书班"))
        rules.exempt(s, "t", s.get(Member, data.members["m2"]).id_number, 2024, "长期病休")
    yield db
    db.dispose()


@pytest.fixture
def tab(qtbot: Any, data_db: Database) -> StatsTab:
    widget = StatsTab(Workspace.over(data_db, "tester"))
    qtbot.addWidget(widget)
    widget.resize(1024, 700)
    with qtbot.waitSignal(widget.stats_finished, timeout=10000):
        widget.set_period(D(2023, 1, 1), D(2024, 12, 31))
    return widget


def _cells(model: Any) -> list[list[str]]:
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_audience_page_counts_per_audience(qtmodeltester: Any, tab: StatsTab) -> None:
    tab.show_page(Page.AUDIENCE)
    rows = {r[0]: r for r in _cells(tab.audience_page.model)}
    qtmodeltester.check(tab.audience_page.model)
    # a1, a4: 全体党员 (no audience); a2 secretaries' class (m1, m2, m3: 3 person-times, 24 h); a3 the office's words.
    assert rows["全体党员"][1:] == ["规划所列", "2", "3", "5", "24"]
    assert rows["基层党组织书记和党务干部"][2:] == ["1", "3", "3", "32"]
    assert rows["机关读书班"][1:4] == ["本单位填写", "1", "3"]
    assert rows["纪检干部"][2:] == ["0", "0", "0", "0"]


def test_rules_page_lists_members_exports_and_prints(qtmodeltester: Any, tab: StatsTab, tmp_path: Path) -> None:
    tab.show_page(Page.RULES)
    page = tab.rules_page
    qtmodeltester.check(page.rule_model)
    assert [r[:2] for r in _cells(page.rule_model)] == [["新党员集中培训", "1"], ["新任支部书记任职培训", "0"],
                                                       ["免予学时考核", "1"], ["流动党员", "0"]]
    assert _cells(page.member_model)[0][:3] == ["第二支部", "戊五", "未达到"]
    page.select_rule("exempt")
    assert _cells(page.member_model)[0][1] == "乙二" and "长期病休" in _cells(page.member_model)[0][3]
    out = page.export(str(tmp_path / "rules.xlsx"))
    assert out is not None and load_workbook(out)["免予学时考核"].cell(3, 3).value == "乙二"
    pdf = page.make_pdf()
    assert pdf is not None and pdf.stat().st_size > 0


def test_rules_page_follows_writes(qtbot: Any, tab: StatsTab, data_db: Database) -> None:
    tab.show()
    tab.show_page(Page.RULES)
    with tab.ws.write("mobile-member", needs="录入员") as uow:
        rules.add_mobile(uow.session, uow.actor, uow.session.get(Member, 1).id_number, "2024-02", place="深圳")
    qtbot.waitUntil(lambda: _cells(tab.rules_page.rule_model)[3][1] == "1", timeout=5000)
