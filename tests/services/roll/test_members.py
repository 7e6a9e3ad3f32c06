"""Members: validation against the ID, dates, uniqueness, leaving, search, the change log."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from models import ChangeLog, Member
from services.errors import NotFoundError, ValidationError
from services.roll import branches, members
from services.safety.storage import Database


def _id(body17: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body17 + "10X98765432"[sum(int(d) * w for d, w in zip(body17, weights)) % 11]


MALE_1980 = _id("11010519800101123")


def _raw(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"name": "王　伟", "id_number": MALE_1980, "sex": "男", "branch": "办公室党支部",
                            "joined_party": "2005.07", "full_member_since": "2006年7月", "ethnicity": "汉"}
    data.update(overrides)
    return data


@pytest.fixture
def office(db: Database) -> Database:
    with db.session_factory.begin() as s:
        branches.create_branch(s, "办公室党支部", "测试")
    return db


def test_create_normalises_and_logs(office: Database) -> None:
    with office.session_factory.begin() as s:
        rec = members.create_member(s, _raw(), "测试")
    assert rec.name == "王伟" and rec.joined_party == "2005-07" and rec.full_member_since == "2006-07"
    assert rec.birth_date.isoformat() == "1980-01-01" and rec.ethnicity == "汉族"
    assert rec.membership == "正式党员" and rec.status == "在册"
    with office.session_factory() as s:
        log = s.scalars(select(ChangeLog).where(ChangeLog.entity == "member")).one()
    assert log.actor == "测试" and json.loads(log.changes)["name"] == [None, "王伟"]


@pytest.mark.parametrize(("overrides", "field", "fragment"), [
    ({"sex": "女"}, "sex", "不符"),
    ({"birth_date": "1981-01-01"}, "birth_date", "不符"),
    ({"joined_party": "1990-01"}, "joined_party", "不满18周岁"),
    ({"full_member_since": "2004-01-01"}, "full_member_since", "早于入党日期"),
    ({"id_number": MALE_1980[:17] + ("1" if MALE_1980[17] != "1" else "2")}, "id_number", "校验位"),
    ({"name": ""}, "name", "姓名"),
    ({"branch": "不存在的支部"}, "branch", "不存在"),
    ({"status": "转出"}, "left_date", "转出"),
])
def test_refusals_name_the_field(office: Database, overrides: dict[str, Any], field: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as info, office.session_factory.begin() as s:
        members.create_member(s, _raw(**overrides), "测试")
    fields = {p.field: p.message for p in info.value.problems}
    assert field in fields and fragment in fields[field]
    with office.session_factory() as s:
        assert s.scalar(select(Member.id)) is None


def test_same_id_twice_is_refused(office: Database) -> None:
    with office.session_factory.begin() as s:
        members.create_member(s, _raw(), "测试")
    with pytest.raises(ValidationError, match="已属于"), office.session_factory.begin() as s:
        members.create_member(s, _raw(name="李四"), "测试")


def test_update_logs_old_and_new(office: Database) -> None:
    with office.session_factory.begin() as s:
        rec = members.create_member(s, _raw(), "测试")
        members.update_member(s, rec.id, members.record_as_raw(rec) | {"phone": "13800000000", "education": "本科"}, "甲")
    with office.session_factory() as s:
        last = s.scalars(select(ChangeLog).order_by(ChangeLog.id.desc())).first()
    assert last is not None and last.actor == "甲"
    assert json.loads(last.changes) == {"education": [None, "大学本科"], "phone": [None, "13800000000"]}


def test_transfer_out_keeps_the_record(office: Database) -> None:
    with office.session_factory.begin() as s:
        rec = members.create_member(s, _raw(), "测试")
        members.mark_left(s, rec.id, "转出", "2024.3.5", "调往市财政局", "测试")
    with office.session_factory() as s:
        left = members.get_member(s, rec.id)
        assert (left.status, left.left_date, left.left_reason) == ("转出", "2024-03-05", "调往市财政局")
        assert members.list_members(s, status="在册") == []
        assert len(members.list_members(s)) == 1
    with pytest.raises(ValidationError, match="已是"), office.session_factory.begin() as s:
        members.mark_left(s, rec.id, "去世", "2024-04-01", "", "测试")


def test_search_by_name_initials_id_tail_and_phone(demo_db: Database) -> None:
    with demo_db.session_factory() as s:
        everyone = members.list_members(s)
        target = everyone[17]
        for query in (target.name, target.name_initials, target.id_number[-6:], (target.phone or "")[-8:]):
            found = members.list_members(s, query=query)
            assert target.id in {r.id for r in found}, query
            assert all(members.matches(r, query) for r in found), query
        assert members.list_members(s, query="不会有这个人") == []


def test_lists_are_ordered_by_branch_then_surname_strokes(demo_db: Database) -> None:
    from services.naming import strokes

    with demo_db.session_factory() as s:
        rows = members.list_members(s)
    orders = [r.branch_order for r in rows]
    assert orders == sorted(orders)
    for a, b in zip(rows, rows[1:]):
        if a.branch_id == b.branch_id:
            assert strokes(a.name[0]) <= strokes(b.name[0])


def test_missing_member(db: Database) -> None:
    with pytest.raises(NotFoundError), db.session_factory() as s:
        members.get_member(s, 999)


@pytest.mark.parametrize("elsewhere", ["mark_left", "reinstate"])
def test_an_edit_opened_before_a_leaving_or_reinstating_is_refused_not_saved_over_it(office: Database,
                                                                                      elsewhere: str) -> None:
    """Another clerk marked the member 转出 (or back 在册) while this one had the edit dialog open: saving the
    dialog's fields used to put the old status back without a word."""
    from services.errors import ConflictError

    with office.session_factory.begin() as s:
        rec = members.create_member(s, _raw(), "测试")
        if elsewhere == "reinstate":
            members.mark_left(s, rec.id, "转出", "2024.3.5", "调往市财政局", "测试")
    with office.session_factory() as s:
        opened = members.get_member(s, rec.id)
    with office.session_factory.begin() as s:
        if elsewhere == "mark_left":
            members.mark_left(s, rec.id, "转出", "2024.3.5", "调往市财政局", "王五")
        else:
            members.reinstate(s, rec.id, "王五")
    with pytest.raises(ConflictError) as refused, office.session_factory.begin() as s:
        members.update_member(s, rec.id, {**members.record_as_raw(opened), "phone": "13800000009"}, "李四",
                              expected_version=opened.version)
    assert "已被其他人修改" in refused.value.message and "王五" in refused.value.message
    with office.session_factory() as s:
        now = members.get_member(s, rec.id)
    assert now.status == ("转出" if elsewhere == "mark_left" else "在册") and now.phone != "13800000009"
