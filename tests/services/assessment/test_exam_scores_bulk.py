"""Exam scores saved in bulk store what set_exam_score stored row by row: scores, log entries, refusals."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from models import ChangeLog, ExamScore, Member
from services import access
from services.assessment import assessments
from services.errors import NotFoundError, PermissionDeniedError
from services.safety.storage import Database
from services.training import activities, enrolment
from tests.helpers.many_rows import MANY, add_members, old_sqlite_limit


def _activity(s, title: str) -> int:  # type: ignore[no-untyped-def]
    return activities.create_activity(s, {"title": title, "type": "党性教育培训班", "start_date": "2024-10-14",
                                          "hours": 6}, "t").id


def _one_by_one(s, activity_id: int, entries) -> int:  # type: ignore[no-untyped-def]
    """save_exam_scores as it was: set_exam_score for each entry whose score differs from the list's."""
    clean = [(m, assessments.parse_score(v)) for m, v in entries]
    current = {r.member_id: r.score for r in assessments.list_exam_scores(s, activity_id)}
    saved = 0
    for member_id, score in clean:
        if member_id in current and current[member_id] == score:
            continue
        assessments.set_exam_score(s, "t", activity_id, member_id, score)
        saved += 1
    return saved


def _stored(s, activity_id: int, title: str, before: dict[int, int]):  # type: ignore[no-untyped-def]
    """The activity's scores by member, and its log entries with each record id said as whose it is."""
    scores = dict(s.execute(select(ExamScore.member_id, ExamScore.score).where(ExamScore.activity_id == activity_id)).all())
    now = dict(s.execute(select(ExamScore.member_id, ExamScore.id).where(ExamScore.activity_id == activity_id)).all())
    names = dict(s.execute(select(Member.name, Member.id)).all())
    log = []
    for entity_id, summary, changes in s.execute(select(ChangeLog.entity_id, ChangeLog.summary, ChangeLog.changes)
                                                 .where(ChangeLog.entity == "exam_score",
                                                        ChangeLog.summary.startswith(title)).order_by(ChangeLog.id)):
        member = names[summary.split("：")[1].split(" ")[0]]
        whose = "none" if entity_id is None else ("member's" if entity_id == now.get(member, before.get(member)) else entity_id)
        log.append((summary.removeprefix(title), json.loads(changes), whose))
    return scores, log


def test_the_same_scores_and_log_entries_as_one_at_a_time(db: Database) -> None:
    with db.session_factory.begin() as s:
        people = add_members(s, 30)
        bulk, single = _activity(s, "考试甲班"), _activity(s, "考试乙班")
        for act in (bulk, single):
            enrolment.enrol(s, act, people[:25], "t")
            for n, member_id in enumerate(people[:10]):
                assessments.set_exam_score(s, "t", act, member_id, 70 + n)
    before = {}
    with db.session_factory() as s:
        for act in (bulk, single):
            before[act] = dict(s.execute(select(ExamScore.member_id, ExamScore.id)
                                         .where(ExamScore.activity_id == act)).all())
    p = people
    entries = ([(m, 70 + n) for n, m in enumerate(p[:3])]  # unchanged
               + [(m, "88.5分") for m in p[3:6]] + [(p[3], 91)]  # changed, one twice
               + [(m, "") for m in p[6:8]]  # removed
               + [(m, 60 + n) for n, m in enumerate(p[10:20])]  # new
               + [(p[22], None), (p[28], None), (p[29], 75)])  # nothing to remove; not enrolled
    with db.session_factory.begin() as s:
        saved = assessments.save_exam_scores(s, "t", bulk, entries)
        assert saved == _one_by_one(s, single, entries) == len(entries) - 4
    with db.session_factory() as s:
        got = _stored(s, bulk, "考试甲班", before[bulk])
        want = _stored(s, single, "考试乙班", before[single])
    assert got == want
    assert got[0][p[3]] == 91.0 and p[6] not in got[0] and got[0][p[29]] == 75.0
    assert ("考试成绩：批28 删除", {"score": [None, None]}, "none") in got[1]


def test_more_scores_than_a_statement_binds(db: Database) -> None:
    with db.session_factory.begin() as s:
        people = add_members(s, MANY)
        act = _activity(s, "全员考试")
    with old_sqlite_limit(db), db.session_factory() as s:  # not committed: the check is the write itself
        assert assessments.save_exam_scores(s, "t", act, [(m, 80 + m % 20) for m in people]) == MANY
        assert s.scalar(select(func.count()).select_from(ExamScore)) == MANY
        assert assessments.save_exam_scores(s, "t", act, [(m, 100) for m in people[::2]]) == MANY // 2
        assert assessments.save_exam_scores(s, "t", act, [(m, None) for m in people[1::2]]) == MANY // 2
        assert dict(s.execute(select(ExamScore.score, func.count()).group_by(ExamScore.score)).all()) == {100.0: MANY // 2}


def test_refusals_write_nothing(db: Database) -> None:
    with db.session_factory.begin() as s:
        own = add_members(s, 3)
        other = add_members(s, 1, prefix="外")
        act = _activity(s, "考试班")
        branch = s.scalar(select(Member.branch_id).where(Member.id == own[0]))
    with pytest.raises(NotFoundError, match="找不到该活动或党员"), db.session_factory.begin() as s:
        assessments.save_exam_scores(s, "t", act, [(own[0], 90), (own[-1] + 99, 80)])
    with pytest.raises(PermissionDeniedError), db.session_factory.begin() as s:
        access.bind(s, "录入员", "sec", [branch])
        assessments.save_exam_scores(s, "sec", act, [(own[0], 90), (other[0], 80)])
    with db.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(ExamScore)) == 0


def test_statements_do_not_grow_with_the_rows(db: Database) -> None:
    """An import of 1 000 scores: a few statements in all, not three a row (members, score, write)."""
    from sqlalchemy import event

    with db.session_factory.begin() as s:
        people = add_members(s, 1000)
        act = _activity(s, "考试班")
    said: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        said.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with db.session_factory() as s:
            assert assessments.save_exam_scores(s, "t", act, [(m, 90) for m in people]) == 1000
            assert assessments.save_exam_scores(s, "t", act, [(m, 95) for m in people[:600]]
                                                + [(m, None) for m in people[600:]]) == 1000
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(said) < 40, said[:50]
