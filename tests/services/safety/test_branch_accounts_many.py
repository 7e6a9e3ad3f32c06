"""A branch account's checks over more members than old SQLite binds in one statement (999)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Member
from services import access
from services.errors import PermissionDeniedError
from tests.helpers.many_rows import add_members, old_sqlite_limit

COUNT = 1200  # more than 999


def test_require_members_takes_more_members_than_a_statement_binds(db) -> None:
    with db.session_factory.begin() as s:
        ids = add_members(s, COUNT)
        outsider = add_members(s, 1, prefix="外")[0]
        own = s.scalar(select(Member.branch_id).where(Member.id == ids[0]))
    with old_sqlite_limit(db), db.session_factory() as s:
        access.bind(s, "录入员", "sec", [own])
        access.require_members(s, ids, "报名")  # all its own: no refusal
        with pytest.raises(PermissionDeniedError):
            access.require_members(s, [*ids, outsider], "报名")
        with pytest.raises(PermissionDeniedError):
            access.require_members(s, [*ids, max(ids) + 10_000], "报名")  # no such member
