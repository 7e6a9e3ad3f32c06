"""The 考核与统计 presenter, as plain Python (no Qt), over a workspace on the hand-built bureau."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from models import Base
from services.errors import ValidationError
from services.safety.storage import Database
from services.workspace import Workspace
from tests.helpers.stats_dataset import build_dataset
from ui.assessment.stats_presenter import (
    HOURS_HEADERS,
    LAZY_PAGES,
    MEMBER_HEADERS,
    PAGE_KINDS,
    STATS_KINDS,
    STATS_PAGES,
    Page,
    StatsPresenter,
)

D = dt.date
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def presenter(db: Database) -> StatsPresenter:
    with db.session_factory.begin() as s:
        build_dataset(s)
    p = StatsPresenter(Workspace.over(db, "tester"))
    job = p.start(D(2023, 1, 1), D(2024, 12, 31))
    assert p.finish(job.generation, p.compute(job))
    return p


def test_presenter_needs_no_qt() -> None:
    code = ("import sys, ui.assessment.stats_presenter; "
            "sys.exit(any(m.split('.')[0] == 'PySide6' for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO).returncode == 0


def test_only_the_latest_computation_counts(db: Database) -> None:
    p = StatsPresenter(Workspace.over(db, "tester"))
    with pytest.raises(ValidationError):
        p.start(D(2024, 2, 1), D(2024, 1, 1))
    first = p.start(D(2024, 1, 1), D(2024, 12, 31))
    second = p.start(D(2023, 1, 1), D(2024, 12, 31))
    assert first.cancel.is_set() and not second.cancel.is_set()
    assert not p.finish(first.generation, p.compute(second))  # arrived too late
    assert p.detail is None and p.status_text() == ""
    assert p.figure_rows() == ([], []) and p.figure_drilldown(("members_at_to",)) is None
    assert p.finish(second.generation, p.compute(second)) and p.detail is not None and p.running is None


def test_figures_and_status(presenter: StatsPresenter) -> None:
    rows, payloads = presenter.figure_rows()
    figures = dict(rows)
    assert figures["现有党员（名）"] == 4 and figures["中心组学习（次 / 人次）"] == "2 / 5"
    assert figures["参训覆盖率"] == "75%"
    assert len(rows) == len(payloads)
    assert presenter.status_text() == "2023-01-01 至 2024-12-31：党员 4 名，年均 24.11 学时"
    year_rows, years = presenter.year_rows()
    assert years == [2023, 2024] and year_rows[1] == (2024, 5, 140.0, 28.0, 0.0, "80%", 3)
    assert presenter.below_years() == [2024, 2023]
    title, data, _unit = presenter.type_chart()
    assert title == "各类活动参加人次" and ("中心组学习", 5.0) in data
    distribution = presenter.distribution_chart()
    assert distribution is not None and distribution[0] == "2024年党员学时分布（人）"


def test_every_figure_leads_somewhere(presenter: StatsPresenter) -> None:
    rows, payloads = presenter.figure_rows()
    behind = {label: presenter.figure_drilldown(payload) for (label, _v), payload in zip(rows, payloads, strict=True)}
    members = behind["现有党员（名）"]
    assert members is not None and not isinstance(members, Page)
    assert members.headers == MEMBER_HEADERS and len(members.rows) == 4 and members.opens is None
    branches = behind["党支部（个）"]
    assert branches is not None and not isinstance(branches, Page)
    assert branches.rows == [("第一支部", 2), ("第二支部", 2)]
    acts = behind["中心组学习（次 / 人次）"]
    assert acts is not None and not isinstance(acts, Page) and acts.opens == "activity_hours"
    assert [r[1] for r in acts.rows] == ["活动a1", "活动a4"] and [r[5] for r in acts.rows] == [3, 2]
    assert behind["党员年均培训学时"] is Page.YEARS
    gaps = behind["参训覆盖率"]
    assert gaps is not None and not isinstance(gaps, Page) and [r[0] for r in gaps.rows] == ["戊五"]
    hours = presenter.activity_hours(acts.payloads[0])
    assert hours is not None and hours.headers == HOURS_HEADERS and len(hours.rows) == 3
    assert presenter.figure_drilldown(("nothing",)) is None


def test_year_cells_bars_and_below(presenter: StatsPresenter) -> None:
    below = presenter.year_drilldown(2024, 6)
    assert below is not None and below.title == "2024年未达到学时目标的党员" and below.opens == "member_hours"
    assert [(r[0], r[4], r[5], r[6]) for r in below.rows] == [
        ("甲一", 44.0, 56.0, "支部书记和支委委员56学时，须参加集中培训班"),
        ("丙三", 10.0, 32.0, "全体党员32学时"), ("戊五", 0.0, 26.67, "全体党员32学时，在册10个月折算")]
    least = presenter.year_drilldown(2024, 4)
    assert least is not None and [r[4] for r in least.rows] == [0.0, 10.0, 40.0, 44.0, 46.0]
    gaps = presenter.year_drilldown(2024, 5)
    assert gaps is not None and [r[0] for r in gaps.rows] == ["戊五"]
    assert presenter.year_drilldown(2022, 1) is None and presenter.year_drilldown(2024, 9) is None
    detail = presenter.member_hours(below.payloads[0])
    assert detail is not None and detail.title == "甲一 2024年学时明细"
    assert sum(float(r[6]) for r in detail.rows) == 44.0
    bar = presenter.distribution_drilldown(3)
    assert bar is not None and bar.title == "2024年学时32–56的党员" and len(bar.rows) == 3
    assert presenter.distribution_drilldown(6) is None
    chart = presenter.type_drilldown(0)
    assert chart is not None and chart.title == "中心组学习"
    branches, ids = presenter.branch_rows(2024)
    assert branches == [("第一支部", 2, 1), ("第二支部", 2, 2), ("第三支部", 1, 0)]
    rows, payloads = presenter.below_member_rows(2024, ids[1])
    assert [r[0] for r in rows] == ["丙三", "戊五"] and all(p[1] == 2024 for p in payloads)
    assert presenter.below_member_rows(None, None) == ([], [])


def test_pages_are_named_and_follow_real_tables() -> None:
    assert [p.value for p in Page] == ["概况", "年度学时", "未达标党员", "培训对象", "条例要求", "民主评议",
                                       "评先评优", "支部考核", "经费开支", "考试成绩", "学时目标"]
    assert set(Page) == STATS_PAGES | LAZY_PAGES and not STATS_PAGES & LAZY_PAGES
    assert set(PAGE_KINDS) == set(LAZY_PAGES)
    tables = set(Base.metadata.tables)
    for kinds in (STATS_KINDS, *PAGE_KINDS.values()):
        assert set(kinds) <= tables, set(kinds) - tables
