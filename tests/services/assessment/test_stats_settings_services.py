"""Services behind the 学时目标, 考试成绩 and 经费开支 pages: one save per page, change-logged."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from models import ChangeLog, Enrolment, ExamScore
from services.assessment import assessments, spending, targets
from services.errors import NotFoundError, ValidationError
from services.safety.storage import Database
from tests.helpers.stats_dataset import Dataset, build_dataset

D = dt.date


@pytest.fixture
def data(db: Database) -> tuple[Database, Dataset]:
    with db.session_factory.begin() as s:
        ds = build_dataset(s)
    return db, ds


def _log_count(db: Database, entity: str) -> int:
    with db.session_factory() as s:
        return len(s.scalars(select(ChangeLog).where(ChangeLog.entity == entity)).all())


def test_save_target_settings_writes_only_changes(data: tuple[Database, Dataset]) -> None:
    db, _ds = data
    with db.session_factory() as s:
        before = targets.target_settings(s, 2024)
    assert before.rules["all"].hours == 32 and not before.rules["all"].stored
    assert before.extra_posts == () and "支部书记" in before.builtin_posts
    with db.session_factory.begin() as s:
        after = targets.save_target_settings(
            s, "t", 2024, {"all": (32.0, True, False), "bureau": (40.0, True, False)}, {"自学"}, ["青年委员", "支部书记"])
    assert after.rules["bureau"].hours == 40 and after.rules["bureau"].stored
    assert not after.rules["all"].stored  # unchanged: nothing stored
    assert [t.name for t in after.types if t.excluded] == ["自学"]
    assert after.extra_posts == ("青年委员",)  # a built-in post is not repeated
    assert (_log_count(db, "target_rule"), _log_count(db, "target_excluded_type"), _log_count(db, "setting")) == (1, 1, 1)
    with db.session_factory.begin() as s:  # the same again: no writes at all
        targets.save_target_settings(s, "t", 2024, {"bureau": (40.0, True, False)}, {"自学"}, ["青年委员"])
    assert _log_count(db, "target_rule") == 1


def test_save_target_settings_all_or_nothing(data: tuple[Database, Dataset]) -> None:
    db, _ds = data
    with pytest.raises(ValidationError, match="请填写目标学时"), db.session_factory.begin() as s:
        targets.save_target_settings(s, "t", 2024, {"all": (40.0, True, False), "bureau": (None, True, False)},
                                     set(), [])
    with pytest.raises(NotFoundError), db.session_factory.begin() as s:
        targets.save_target_settings(s, "t", 2024, {"all": (40.0, True, False)}, {"没有这类"}, [])
    with db.session_factory() as s:
        assert targets.rules_for_year(s, 2024)["all"].hours == 32
    assert targets.split_posts("青年委员、保密委员，群工委员 党小组长") == ["青年委员", "保密委员", "群工委员", "党小组长"]


def test_exam_scores_list_enrolled_save_and_parse(data: tuple[Database, Dataset]) -> None:
    db, ds = data
    with db.session_factory.begin() as s:
        s.add(Enrolment(activity_id=ds.activities["a2"], member_id=ds.members["m4"]))
    with db.session_factory() as s:
        names = [r.name for r in assessments.list_exam_scores(s, ds.activities["a2"])]
        assert sorted(names) == sorted(["甲一", "乙二", "丙三", "丁四"])
        classes = [a.title for a in assessments.exam_activities(s, 2023, classes_only=True)]
        assert classes == ["活动a2"]
        assert "活动a6" not in [a.title for a in assessments.exam_activities(s)]  # cancelled
    assert assessments.parse_score(" 86分 ") == 86.0 and assessments.parse_score("") is None
    for bad in ("abc", "-1", "100.5", "nan"):
        with pytest.raises(ValidationError, match="0～100"):
            assessments.parse_score(bad)
    m = ds.members
    with pytest.raises(ValidationError, match="第2行"), db.session_factory.begin() as s:
        assessments.save_exam_scores(s, "t", ds.activities["a2"], [(m["m1"], 90), (m["m2"], 120)])
    with db.session_factory.begin() as s:
        assert assessments.save_exam_scores(s, "t", ds.activities["a2"], [(m["m1"], 90), (m["m2"], "75")]) == 2
        assert assessments.save_exam_scores(s, "t", ds.activities["a2"], [(m["m1"], 90), (m["m2"], None)]) == 1
    with db.session_factory() as s:
        assert {r.member_id: r.score for r in s.scalars(select(ExamScore))} == {m["m1"]: 90.0}
    assert _log_count(db, "exam_score") == 3


def test_spending_update_and_delete(data: tuple[Database, Dataset]) -> None:
    db, _ds = data
    with db.session_factory.begin() as s:
        row = spending.add_spending(s, "t", "2024-03-01", "100", "书籍", "党费")
    with db.session_factory.begin() as s:
        same = spending.update_spending(s, "t", row.id, "2024-03-01", "100", "书籍", "党费")
        assert same == row  # nothing changed: no log entry
        changed = spending.update_spending(s, "t", row.id, "2024-03-02", "150.5", "订阅", "行政经费", "更正")
        assert (changed.amount, changed.purpose, changed.remarks) == (150.5, "订阅", "更正")
    with pytest.raises(ValidationError, match="金额"), db.session_factory.begin() as s:
        spending.update_spending(s, "t", row.id, "2024-03-02", "-5", "订阅", "行政经费")
    with db.session_factory.begin() as s:
        spending.delete_spending(s, "t", row.id)
        with pytest.raises(NotFoundError):
            spending.delete_spending(s, "t", row.id)
        assert spending.list_spending(s, D(2024, 1, 1), D(2024, 12, 31)) == []
    with db.session_factory() as s:
        actions = [e.action for e in s.scalars(select(ChangeLog).where(ChangeLog.entity == "spending")
                                               .order_by(ChangeLog.id))]
    assert actions == ["create", "update", "delete"]
