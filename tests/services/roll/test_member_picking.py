"""The roll as the member pickers read it (报名 › 手工选择, 登记资料发放): seven columns in one query, the same
members, order, masks and scope as the full listing; those who left only when asked for."""

from __future__ import annotations

from sqlalchemy import select

from models import Branch, Member
from services import access
from services.roles import EDITOR, VIEWER
from services.roll import members
from services.safety.storage import Database


def _picked(rows: list[members.MemberPick]) -> list[tuple[object, ...]]:
    return [(r.id, r.name, r.branch, r.id_number, r.name_initials, r.phone, r.status) for r in rows]


def _listed(rows: list[members.MemberRecord]) -> list[tuple[object, ...]]:
    return [(r.id, r.name, r.branch, r.id_number, r.name_initials, r.phone, r.status) for r in rows]


def _with_odd_phones(db: Database) -> None:
    """A landline, a short number and none at all beside the demo's mobiles, and a member who left."""
    with db.session_factory.begin() as s:
        branch = s.scalars(select(Branch.name).order_by(Branch.sort_order, Branch.id)).first()
        for name, body, phone in (("座机甲", "11010519800101123", "0571-8888 1234"),
                                  ("短号乙", "11010519810202123", "66880"),
                                  ("无号丙", "11010519820303123", None)):
            weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
            number = body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]
            members.create_member(s, {"name": name, "id_number": number, "sex": "男", "branch": branch,
                                      "phone": phone, "joined_party": "2005.07"}, "测试")
        gone = s.scalars(select(Member.id).where(Member.status == "在册").order_by(Member.id)).first()
        assert gone is not None
        members.mark_left(s, gone, "转出", "2024-04-01", "调往外单位", "测试")


def test_an_office_account_picks_the_full_listings_members_in_its_order(demo_db: Database) -> None:
    _with_odd_phones(demo_db)
    with demo_db.session_factory() as s:
        everyone = members.list_members(s)
        picked = members.list_for_picking(s, include_left=True)
        assert _picked(picked) == _listed(everyone)
        on_roll = members.list_for_picking(s)
        assert _picked(on_roll) == _listed(members.list_members(s, status="在册"))
    assert len(on_roll) < len(picked) == len(everyone) > 100
    assert any(r.id_number and "*" not in r.id_number for r in picked)  # full numbers for the office


def test_a_read_only_account_gets_the_numbers_masked_as_the_full_listing_masks_them(demo_db: Database) -> None:
    _with_odd_phones(demo_db)
    with demo_db.session_factory() as s:
        full = {r.id: (r.id_number, r.phone) for r in members.list_for_picking(s, include_left=True)}
        access.bind(s, VIEWER, "reader")
        picked = members.list_for_picking(s, include_left=True)
        assert _picked(picked) == _listed(members.list_members(s))
        assert _picked(members.list_for_picking(s)) == _listed(members.list_members(s, status="在册"))
    for row in picked:
        number, phone = full[row.id]
        assert row.id_number != number and row.id_number.endswith(number[-4:]) and "*" in row.id_number
        if phone and sum(ch.isdigit() for ch in phone) > 4:
            assert row.phone != phone and "*" in (row.phone or "")
    by_name = {r.name: r.phone for r in picked}
    assert by_name["短号乙"] == "*6880" and by_name["无号丙"] is None
    assert by_name["座机甲"] is not None and by_name["座机甲"].endswith("1234") and "8888" not in by_name["座机甲"]


def test_a_branch_account_picks_only_its_branches_members(demo_db: Database) -> None:
    with demo_db.session_factory() as s:
        ids = s.scalars(select(Branch.id).order_by(Branch.sort_order, Branch.id)).all()
        mine = {ids[1], ids[3]}
        theirs = set(s.scalars(select(Member.id).where(Member.branch_id.in_(mine))))
        access.bind(s, EDITOR, "sec", branch_ids=mine)
        picked = members.list_for_picking(s, include_left=True)
        on_roll = members.list_for_picking(s)
        assert _picked(picked) == _listed(members.list_members(s))
        access.bind(s, VIEWER, "reader", branch_ids=mine)
        assert _picked(members.list_for_picking(s, include_left=True)) == _listed(members.list_members(s))
    assert theirs and {r.id for r in picked} == theirs
    assert {r.id for r in on_roll} <= theirs and on_roll


def test_those_who_left_are_left_out_unless_asked_for_each_with_how_they_left(demo_db: Database) -> None:
    """Materials go to members on the roll: the pickers' list holds only 在册 members by default; with
    include_left also those who left (转出, 去世, 出党, 停止党籍), each with its status, in the roll's order."""
    with demo_db.session_factory.begin() as s:
        ids = s.scalars(select(Member.id).where(Member.status == "在册").order_by(Member.id)).all()[:4]
        for member_id, status in zip(ids, ("转出", "去世", "出党", "停止党籍"), strict=True):
            members.mark_left(s, member_id, status, "2024-04-01", "", "测试")
    with demo_db.session_factory() as s:
        default = members.list_for_picking(s)
        everyone = members.list_for_picking(s, include_left=True)
    assert not set(ids) & {r.id for r in default} and {r.status for r in default} == {"在册"}
    left = {r.id: r.status for r in everyone if r.status != "在册"}
    assert {left[i] for i in ids} == {"转出", "去世", "出党", "停止党籍"}
    assert [r for r in everyone if r.status == "在册"] == default
