"""The ledger over more members or activities than old SQLite binds in one statement (999)."""

from __future__ import annotations

from python_calamine import CalamineWorkbook

from services.assessment import ledger
from services.training import attendance, enrolment
from tests.helpers.many_rows import add_activities, add_members, old_sqlite_limit

COUNT = 1200  # more than 999


def test_the_ledger_of_a_long_list_of_members(db) -> None:
    with db.session_factory.begin() as s:
        ids = add_members(s, COUNT)
        add_members(s, 3, prefix="另")
    with old_sqlite_limit(db), db.session_factory() as s:
        rows = ledger.year_ledger(s, 2024, member_ids=ids).rows
        one = ledger.year_ledger(s, 2024, member_ids=[ids[5]]).rows
    assert sorted(r.member_id for r in rows) == ids
    assert [r.member_id for r in one] == [ids[5]]


def test_drill_down_and_excel_over_many_activities(db, tmp_path) -> None:
    with db.session_factory.begin() as s:
        acts, sessions = add_activities(s, COUNT)  # all on 2024-03-01
        people = add_members(s, 2)
        for act, session_id in ((acts[0], sessions[0]), (acts[-1], sessions[-1])):
            enrolment.enrol(s, act, people, "t")
            for mid in people:
                attendance.set_attendance(s, session_id, mid, "出席", None, "t")
        attendance.add_adjustment(s, people[0], 1.5, "补记", "t", date="2024-03-02", activity_id=acts[-1])
    with old_sqlite_limit(db), db.session_factory() as s:
        rows = ledger.hours_detail(s, activity_ids=acts)
        newest = ledger.hours_detail(s, activity_ids=list(reversed(acts)), type_name="专题党课", limit=1)
        path = ledger.write_ledger_xlsx(s, 2024, tmp_path / "台账.xlsx")
    assert sorted((r.activity_id, r.status) for r in rows) == sorted(
        [(acts[0], "出席")] * 2 + [(acts[-1], "出席")] * 2 + [(acts[-1], ledger.ADJUSTMENT_COLUMN)])
    # The newest of each part over all runs: the adjustment (2 March), then the first attendance of 1 March.
    assert [(r.activity_id, r.member_id, r.status) for r in newest] == [
        (acts[-1], people[0], ledger.ADJUSTMENT_COLUMN), (acts[0], people[0], "出席")]
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("活动明细").to_python()
    counts = {row[1]: row[6] for row in sheet[2:]}
    assert len(counts) == COUNT and counts["党课0"] == 2 and counts[f"党课{COUNT - 1}"] == 2 and counts["党课1"] == 0
