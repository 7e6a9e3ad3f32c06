"""Enrolment of more members than a statement may bind (70 000: psycopg binds 65 535, old SQLite 999)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Enrolment, Member
from services import access
from services.errors import PermissionDeniedError
from services.training import activities, attendance, enrolment
from tests.helpers.many_rows import MANY, add_activities, add_members, old_sqlite_limit


@pytest.fixture
def many(db):
    """An activity and MANY members on the roll (and their ids)."""
    with db.session_factory.begin() as s:
        act = activities.create_activity(s, {"title": "全员网络培训", "type": "网络培训", "start_date": "2024-03-01",
                                             "hours": 2}, "t").id
        ids = add_members(s, MANY)
    return db, act, ids


def test_every_member_enrolled_and_unenrolled_at_once(many) -> None:
    db, act, ids = many
    with old_sqlite_limit(db):
        with db.session_factory.begin() as s:
            result = enrolment.enrol(s, act, ids[:1000], "t")
            assert len(result.added) == 1000
            result = enrolment.enrol(s, act, ids, "t")
            assert result.added == ids[1000:] and result.already == ids[:1000]
        with db.session_factory() as s:
            assert enrolment.enrolled_count(s, act) == MANY
            assert len(activities.list_activities(s)) == 1
            assert activities.get_activity(s, act).enrolled == MANY
        with db.session_factory.begin() as s:
            assert enrolment.unenrol(s, act, ids[1:], "t") == MANY - 1
        with db.session_factory() as s:
            assert s.scalars(select(Enrolment.member_id).where(Enrolment.activity_id == act)).all() == ids[:1]


def test_a_branch_account_is_refused_a_long_list_with_one_outsider(many) -> None:
    db, act, ids = many
    with db.session_factory.begin() as s:
        outsider = add_members(s, 1, prefix="外")[0]
        own = s.scalar(select(Member.branch_id).where(Member.id == ids[0]))
    with old_sqlite_limit(db), pytest.raises(PermissionDeniedError), db.session_factory.begin() as s:
        access.bind(s, "录入员", "sec", [own])
        enrolment.enrol(s, act, [*ids, outsider], "sec")
    with db.session_factory() as s:
        assert enrolment.enrolled_count(s, act) == 0


def test_the_training_list_counts_more_activities_than_a_statement_binds(db) -> None:
    with db.session_factory.begin() as s:
        acts, sessions = add_activities(s, MANY)
        people = add_members(s, 3)
        enrolment.enrol(s, acts[0], people, "t")
        enrolment.enrol(s, acts[-1], people[:2], "t")
        for session_id in (sessions[0], sessions[-1]):
            attendance.set_attendance(s, session_id, people[0], "出席", None, "t")
    with old_sqlite_limit(db), db.session_factory() as s:
        listed = {a.id: (a.enrolled, a.attended) for a in activities.list_activities(s)}
    assert len(listed) == MANY
    assert listed[acts[0]] == (3, 1) and listed[acts[-1]] == (2, 1) and listed[acts[1]] == (0, 0)
