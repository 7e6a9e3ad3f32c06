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
