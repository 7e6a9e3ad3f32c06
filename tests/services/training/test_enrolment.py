"""Enrolment filters: branch, post, membership, joining dates, by hand, from a list; only 在册."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Member
from services.errors import ConflictError, ValidationError
from services.normalize import CLOSED_ACTIVITY_STATUSES, COMMITTEE_POSTS, partial_end, partial_start
from services.roll import members
from services.training import activities, enrolment


@pytest.fixture
def act(demo_db):
    with demo_db.session_factory.begin() as s:
        return activities.create_activity(s, {"title": "专题党课", "type": "专题党课", "start_date": "2024-03-01",
                                              "hours": 2}, "t").id


def test_by_branch_only_on_roll(demo_db, act):
    with demo_db.session_factory.begin() as s:
        left = s.scalars(select(Member).where(Member.status != "在册")).all()
        branch_id = s.scalar(select(Member.branch_id).where(Member.status == "在册"))
        result = enrolment.enrol_by_branch(s, act, [branch_id], "t")
        on_roll = s.scalars(select(Member.id).where(Member.branch_id == branch_id, Member.status == "在册")).all()
        assert sorted(result.added) == sorted(on_roll)
        assert not set(result.added) & {m.id for m in left}
        again = enrolment.enrol_by_branch(s, act, [branch_id], "t")
        assert again.added == [] and len(again.already) == len(on_roll)


def test_by_post_membership_and_dates(demo_db, act):
    with demo_db.session_factory.begin() as s:
        ids = enrolment.select_members(s, posts=["支委"])
        posts = {s.get(Member, i).party_post for i in ids}
        assert ids and posts <= set(COMMITTEE_POSTS)
        prob = enrolment.select_members(s, membership="预备党员")
        assert all(s.get(Member, i).membership == "预备党员" for i in prob)
        dated = enrolment.select_members(s, joined_from="2000-01-01", joined_to="2009-12")
        for i in dated:
            j = s.get(Member, i).joined_party
            assert partial_end(j).year >= 2000 and partial_start(j).year <= 2009
        assert len(enrolment.enrol_by_post(s, act, None, "t").added) == len(ids)


def test_by_hand_refuses_left_members_and_unenrol(demo_db, act):
    with demo_db.session_factory.begin() as s:
        on_roll = members.list_members(s, status="在册")[:2]
        gone = members.list_members(s, status=["转出", "去世", "出党", "停止党籍"])
        result = enrolment.enrol(s, act, [m.id for m in on_roll] + [m.id for m in gone[:1]], "t")
        assert len(result.added) == 2 and len(result.not_on_roll) == len(gone[:1])
        assert [p.member_id for p in enrolment.participants(s, act)] == [m.id for m in on_roll]
        assert enrolment.unenrol(s, act, [on_roll[0].id], "t") == 1


def test_from_list_by_name_or_id(demo_db, act, tmp_path):
    import openpyxl

    with demo_db.session_factory.begin() as s:
        roll = members.list_members(s, status="在册")
        names = {}
        for m in roll:
            names.setdefault(m.name, []).append(m)
        unique = [m for m in roll if len(names[m.name]) == 1][:3]
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["报名名单"])
        ws.append(["序号", "姓名", "身份证号"])
        ws.append([1, unique[0].name, ""])
        ws.append([2, "", unique[1].id_number])
        ws.append([3, unique[2].name, unique[2].id_number])
        path = tmp_path / "list.xlsx"
        wb.save(path)
        result = enrolment.enrol_from_file(s, act, path, "t")
        assert sorted(result.added) == sorted(m.id for m in unique)
        with pytest.raises(ValidationError) as exc:
            enrolment.enrol_from_values(s, act, [(5, "查无此人")], "t")
        assert exc.value.problems[0].row == 5


def test_a_list_cancelled_while_matched_enrols_no_one(demo_db, act, tmp_path):
    """取消 pressed while a long list's people are looked up: CancelledError, and nobody is enrolled."""
    import threading

    from services.errors import CancelledError

    with demo_db.session_factory() as s:
        roll = members.list_members(s, status="在册")
    path = tmp_path / "list.csv"
    lines = ["身份证号"] + [roll[n % len(roll)].id_number for n in range(1200)]  # repeats are enrolled once
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    said: list[str] = []
    cancel = threading.Event()

    def progress(_percent, text):
        said.append(text)
        if len(said) == 2:  # the second report: 500 rows looked up
            cancel.set()

    with pytest.raises(CancelledError), demo_db.session_factory.begin() as s:
        enrolment.enrol_from_file(s, act, path, "t", progress=progress, cancel=cancel)
    assert said[0].startswith("正在查找第2行的党员（共1200行）")
    with demo_db.session_factory() as s:
        assert enrolment.enrolled_count(s, act) == 0
    with demo_db.session_factory.begin() as s:  # not cancelled: every one on the list
        assert len(enrolment.enrol_from_file(s, act, path, "t", cancel=threading.Event()).added) == len(roll)


@pytest.mark.parametrize("status", CLOSED_ACTIVITY_STATUSES)
def test_a_closed_activity_refuses_enrolment(demo_db, act, status):
    with demo_db.session_factory.begin() as s:
        activities.set_status(s, act, status, "t")
        with pytest.raises(ConflictError):
            enrolment.enrol(s, act, enrolment.select_members(s)[:1], "t")


def test_a_search_for_wildcard_signs_finds_no_one(demo_db):
    """The search box's text is matched as typed: "_" or "%" is no wildcard for names or initials."""
    with demo_db.session_factory() as s:
        assert len(enrolment.select_members(s)) > 10
        assert enrolment.select_members(s, query="_") == []
        assert enrolment.select_members(s, query="%") == []
        first = s.scalar(select(Member).where(Member.status == "在册").order_by(Member.id))
        found = enrolment.select_members(s, query=first.name_initials[:1] + "_")
        assert found == []
        assert first.id in enrolment.select_members(s, query=first.name_initials)
