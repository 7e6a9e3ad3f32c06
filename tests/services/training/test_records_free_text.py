"""Activity titles are kept as the file writes them; a re-import matches by a folded key and restores them."""

from __future__ import annotations

import openpyxl
import pytest
from sqlalchemy import func, select

from models import Activity
from services.training import activities, records_import
from tests.helpers.free_text import folded
from tests.helpers.training_helpers import load_roll


@pytest.fixture
def roll_db(db, samples):
    with db.session_factory.begin() as s:
        load_roll(s, samples / "roll_clean.xlsx")
    return db


def _file_titles(path) -> set[str]:
    ws = openpyxl.load_workbook(path).active
    return {row[2] for row in ws.iter_rows(min_row=2, values_only=True) if row[2]}


def _titles(db) -> set[str]:
    with db.session_factory() as s:
        return set(s.scalars(select(Activity.title)))


def test_titles_come_back_exactly_and_are_restored(roll_db, samples) -> None:
    path = samples / "records_audience.xlsx"
    wanted = _file_titles(path)
    assert "“学思想、强党性”专题党课（上半年）" in wanted
    with roll_db.session_factory.begin() as s:
        first = records_import.import_records(s, path, "tester", on_existing="refuse")
    assert first.ok and _titles(roll_db) == wanted
    with roll_db.session_factory.begin() as s:  # as an older version stored them: (上半年)
        for a in s.scalars(select(Activity)):
            a.title = folded(a.title)
    assert _titles(roll_db) != wanted
    with roll_db.session_factory.begin() as s:
        again = records_import.import_records(s, path, "tester", on_existing="refuse")
        summary = again.summary()
    assert again.ok, [p.describe() for p in again.refused]
    assert (summary["added"], summary["updated"], summary["activities_created"]) == (0, 0, 0)
    assert summary["unchanged"] == first.total_rows and len(again.restored) == len(wanted)
    assert _titles(roll_db) == wanted
    with roll_db.session_factory() as s:
        assert s.scalar(select(func.count(Activity.id))) == len(wanted)
        a = s.scalars(select(Activity)).first()
        assert activities.find_activity(s, folded(a.title), a.type_id, a.start_date) == a.id
        assert activities.list_activities(s, query="(上半年)")  # the folded form finds the exact title
