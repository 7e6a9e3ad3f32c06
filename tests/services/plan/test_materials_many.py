"""Materials handed to more members than old SQLite binds in one statement (999)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from models import MaterialIssue, Member
from services.errors import NotFoundError
from services.plan import materials
from tests.helpers.free_text import full_id
from tests.helpers.many_rows import add_members, old_sqlite_limit

COUNT = 1200  # more than 999


def test_a_material_issued_to_many_members(db) -> None:
    with db.session_factory.begin() as s:
        ids = add_members(s, COUNT)
        numbers = [full_id("110101" + (dt.date(1970, 1, 1) + dt.timedelta(days=i)).strftime("%Y%m%d") + "011")
                   for i in range(COUNT)]
        for member_id, number in zip(ids, numbers, strict=True):
            s.execute(update(Member).where(Member.id == member_id).values(id_number=number))
    with old_sqlite_limit(db):
        with pytest.raises(NotFoundError), db.session_factory.begin() as s:
            materials.issue_material(s, "t", "《入党教材》", "2024-07-01", [*numbers, full_id("11010120000101011")])
        with db.session_factory.begin() as s:
            result = materials.issue_material(s, "t", "《入党教材》", "2024-07-01", numbers)
    assert result.issued == COUNT
    with db.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(MaterialIssue)) == COUNT


def test_a_whole_roll_is_written_in_one_go_with_its_dates_and_copies(db) -> None:
    """Issued to a bureau's whole roll, a material is written without an ORM object a member (20 000 of them took
    the window 2 s), each row with its day and copies; a second issue that day adds nobody twice."""
    from sqlalchemy import event

    with db.session_factory.begin() as s:
        ids = add_members(s, COUNT)
        numbers = [full_id("110101" + (dt.date(1970, 1, 1) + dt.timedelta(days=i)).strftime("%Y%m%d") + "011")
                   for i in range(COUNT)]
        for member_id, number in zip(ids, numbers, strict=True):
            s.execute(update(Member).where(Member.id == member_id).values(id_number=number))
    built: list[object] = []

    def count_built(target: object, _args: object, _kwargs: object) -> None:
        built.append(target)

    event.listen(MaterialIssue, "init", count_built)
    try:
        with db.session_factory.begin() as s:
            first = materials.issue_material(s, "t", "《党章》", "2024-07-01", numbers[:1000], copies=2)
        with db.session_factory.begin() as s:
            again = materials.issue_material(s, "t", "党章", "2024-07-01", numbers)
    finally:
        event.remove(MaterialIssue, "init", count_built)
    assert built == []
    assert (first.issued, again.issued, again.already) == (1000, COUNT - 1000, 1000)
    with db.session_factory() as s:
        rows = s.execute(select(MaterialIssue.member_id, MaterialIssue.date, MaterialIssue.copies)).all()
    assert len(rows) == COUNT and {r.member_id for r in rows} == set(ids)
    assert {r.date for r in rows} == {dt.date(2024, 7, 1)}
    assert sorted(r.copies for r in rows) == [1] * (COUNT - 1000) + [2] * 1000


def test_a_material_is_not_recorded_as_handed_to_a_member_after_they_left(db) -> None:
    """赵四 left on 2024-06-30; a book recorded as handed to them on 2024-07-01 went in without a word. It is refused,
    naming them and the day they left, and nothing is written; a day up to their leaving still goes in."""
    from services.errors import ValidationError
    from services.roll import members

    with db.session_factory.begin() as s:
        gone, stays = add_members(s, 2)
        numbers = [full_id("11010119800101001"), full_id("11010119800102002")]
        for member_id, number in zip((gone, stays), numbers, strict=True):
            s.execute(update(Member).where(Member.id == member_id).values(id_number=number))
        members.mark_left(s, gone, "转出", "2024-06-30", "调往外单位", "t")
        name = s.get(Member, gone).name
    with pytest.raises(ValidationError) as refused, db.session_factory.begin() as s:
        materials.issue_material(s, "t", "《入党教材》", "2024-07-01", numbers)
    assert name in refused.value.message and "2024-06-30转出" in refused.value.message
    with db.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(MaterialIssue)) == 0
    with db.session_factory.begin() as s:
        assert materials.issue_material(s, "t", "《入党教材》", "2024-06-30", numbers).issued == 2
