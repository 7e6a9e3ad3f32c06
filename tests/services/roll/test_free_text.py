"""Names, jobs and remarks come back exactly as the roll wrote them; a re-import restores folded text."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from models import Member
from services.roll import roll_import
from services.roll.members import list_members
from tests.helpers.free_text import expected, folded, write_roll


def _load(db, path: Path, on_duplicate: str = "refuse") -> roll_import.ImportPlan:
    with db.session_factory.begin() as s:
        plan = roll_import.plan_import(s, path, on_duplicate=on_duplicate)
        assert plan.can_apply, [p.describe() for p in plan.refused]
        roll_import.apply_import(s, plan, "tester", create_branches=True)
    return plan


def _stored(db) -> dict[str, dict[str, str | None]]:
    with db.session_factory() as s:
        return {r.id_number: {"name": r.name, "job": r.job, "remarks": r.remarks} for r in list_members(s)}


def test_import_keeps_free_text_exactly(db, tmp_path: Path) -> None:
    plan = _load(db, write_roll(tmp_path / "roll.xlsx"))
    assert len(plan.added) == 3
    assert _stored(db) == expected()


def test_reimport_restores_folded_text_without_counting_a_change(db, tmp_path: Path) -> None:
    path = write_roll(tmp_path / "roll.xlsx")
    _load(db, path)
    with db.session_factory.begin() as s:  # as an older version stored it
        for m in s.scalars(select(Member)):
            m.job, m.remarks = folded(m.job or ""), folded(m.remarks or "")
    assert _stored(db) != expected()
    plan = _load(db, path, on_duplicate="refuse")  # refuse does not refuse a mere restoration
    assert (len(plan.added), len(plan.updated), len(plan.unchanged)) == (0, 0, 3)
    assert len(plan.restored) == 3
    assert _stored(db) == expected()
    again = _load(db, path)
    assert again.restored == [] and len(again.unchanged) == 3


def test_a_real_change_is_still_refused(db, tmp_path: Path) -> None:
    path = write_roll(tmp_path / "roll.xlsx")
    _load(db, path)
    with db.session_factory.begin() as s:
        m = s.scalars(select(Member).where(Member.name == "王芳")).one()
        m.remarks = "另一条备注"
    with db.session_factory() as s:
        plan = roll_import.plan_import(s, path, on_duplicate="refuse")
    assert not plan.can_apply and "备注" in plan.refused[0].message
