"""Branches: create, rename, reorder, merge, delete only when empty."""

from __future__ import annotations

import pytest

from services.errors import ConflictError
from services.roll import branches, members
from services.safety.storage import Database


def test_merge_moves_every_member_and_removes_the_source(demo_db: Database) -> None:
    with demo_db.session_factory.begin() as s:
        infos = branches.list_branches(s)
        source, target = infos[0], infos[1]
        moved = branches.merge_branches(s, source.id, target.id, "测试")
    assert moved == source.all_members > 0
    with demo_db.session_factory() as s:
        after = {b.name: b for b in branches.list_branches(s)}
        assert source.name not in after
        assert after[target.name].all_members == source.all_members + target.all_members
        assert {r.branch for r in members.list_members(s, branch=target.name)} == {target.name}


def test_delete_only_when_empty(demo_db: Database) -> None:
    with demo_db.session_factory.begin() as s:
        first = branches.list_branches(s)[0]
        empty = branches.create_branch(s, "新成立党支部", "测试")
    with pytest.raises(ConflictError, match="不能删除"), demo_db.session_factory.begin() as s:
        branches.delete_branch(s, first.id, "测试")
    with demo_db.session_factory.begin() as s:
        branches.delete_branch(s, empty.id, "测试")
        assert "新成立党支部" not in {b.name for b in branches.list_branches(s)}


def test_rename_and_reorder(demo_db: Database) -> None:
    with demo_db.session_factory.begin() as s:
        infos = branches.list_branches(s)
        branches.rename_branch(s, infos[2].id, "第三党支部", "测试")
        branches.reorder_branches(s, [infos[2].id], "测试")
    with demo_db.session_factory() as s:
        first = branches.list_branches(s)[0]
        assert (first.id, first.name, first.sort_order) == (infos[2].id, "第三党支部", 1)
    with pytest.raises(ConflictError), demo_db.session_factory.begin() as s:
        branches.create_branch(s, "第三党支部", "测试")
