"""The change log's hash chain, and the demo bureau's shape."""

from __future__ import annotations

from sqlalchemy import update

from models import ChangeLog
from services.normalize import COMMITTEE_POSTS, normalize_id_number
from services.roll import branches, members
from services.safety import changelog
from services.safety.storage import Database


def test_chain_detects_an_edit_behind_the_programs_back(demo_db: Database) -> None:
    with demo_db.session_factory.begin() as s:
        branches.create_branch(s, "甲支部", "测试")
        branches.create_branch(s, "乙支部", "测试")
        assert changelog.verify_chain(s) == []
    with demo_db.session_factory.begin() as s:
        s.execute(update(ChangeLog).where(ChangeLog.id == 2).values(actor="别人"))
    with demo_db.session_factory() as s:
        assert changelog.verify_chain(s) == [2]


def test_demo_bureau(demo_db: Database) -> None:
    with demo_db.session_factory() as s:
        rows = members.list_members(s)
        infos = branches.list_branches(s)
    assert len(rows) == 100 and len(infos) == 11
    assert infos[-1].name == "离退休干部党支部"
    assert all(r.staff_status == "离退休" for r in rows if r.branch == "离退休干部党支部")
    assert any(r.membership == "预备党员" for r in rows)
    assert all(normalize_id_number(r.id_number) == r.id_number for r in rows)
    secretaries = [r.branch for r in rows if r.party_post == "支部书记"]
    assert sorted(secretaries) == sorted(b.name for b in infos)  # one secretary in every branch
    assert any(r.party_post in COMMITTEE_POSTS[1:] for r in rows)
    # Every demo member passes the same validation a clerk's input does.
    for r in rows:
        clean, problems = members.clean_member(members.record_as_raw(r))
        assert problems == [], (r.name, problems)


def test_demo_with_many_branches_keeps_one_retired_branch(db: Database) -> None:
    from services.demo.demo import seed_demo

    with db.session_factory.begin() as s:
        result = seed_demo(s, members=60, branches=15, seed=3)
        names = [b.name for b in branches.list_branches(s)]
    assert result.branches == 15 and len(set(names)) == 15
    assert names[-1] == "离退休干部党支部" and names.count("离退休干部党支部") == 1
