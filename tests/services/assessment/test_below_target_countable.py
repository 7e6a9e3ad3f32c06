"""Members short of their target, with a type excluded from the target for the year: the lists and the report
tell the hours the target is held to (计入目标), not every hour, which would read “46学时, target 32, short”."""

from __future__ import annotations

import datetime as dt

import pytest

from services.assessment import figures
from services.assessment.stats import compute_stats_detail
from services.assessment.targets import set_type_excluded
from services.printing.report import build_report
from services.safety.storage import Database
from tests.helpers.stats_dataset import Dataset, build_dataset

D = dt.date


@pytest.fixture
def data(db: Database) -> tuple[Database, Dataset]:
    with db.session_factory.begin() as s:
        ds = build_dataset(s)
        # 自学 (a3: 40 h for 甲一, 乙二, 丁四; 乙二's +2 adjustment is linked to it) stops counting in 2024.
        set_type_excluded(s, "t", 2024, "自学", True)
    return db, ds


def test_below_target_list_tells_the_hours_toward_the_target(data: tuple[Database, Dataset]) -> None:
    db, ds = data
    with db.session_factory() as s:
        detail = compute_stats_detail(s, D(2024, 1, 1), D(2024, 12, 31))
    found = {f.name: f for f in figures.member_figures(detail, figures.member_ids(detail, "below_target", 2024), 2024)}
    b = found["乙二"]  # 46 hours in 2024, of which 4 (中心组学习) toward the target of 32
    assert (b.hours, b.countable, b.target) == (46.0, 4.0, 32.0)
    assert b.target_basis == "全体党员32学时；计入目标4学时"
    # A member all of whose hours count: the basis is the rule alone.
    m = found["戊五"]
    assert (m.hours, m.countable) == (0.0, 0.0) and m.target_basis == "全体党员32学时，在册10个月折算"


def test_report_names_short_members_with_their_hours_toward_the_target(data: tuple[Database, Dataset]) -> None:
    db, _ds = data
    with db.session_factory() as s:
        content = build_report(s, D(2024, 1, 1), D(2024, 12, 31))
    text = "".join(p for _h, paragraphs in content.sections for p in paragraphs)
    assert "乙二（4学时）" in text and "甲一（4学时）" in text
    assert "乙二（46学时）" not in text
