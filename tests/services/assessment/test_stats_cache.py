"""The statistics cache: a repeated view comes from the cache until a commit changes the data version."""

from __future__ import annotations

import datetime as dt

from services.assessment.stats import compute_stats_detail
from services.assessment.stats_cache import StatsCache, data_version
from services.roll import branches
from services.safety.storage import Database
from services.workspace import Workspace

FROM, TO = dt.date(2024, 1, 1), dt.date(2024, 12, 31)


def test_a_commit_changes_the_data_version_and_a_read_does_not(demo_db: Database) -> None:
    ws = Workspace.over(demo_db, "tester")
    with ws.read() as session:
        before = data_version(session)
    with ws.read() as session:
        assert data_version(session) == before
    with ws.write("create-branch") as uow:
        branches.create_branch(uow.session, "新建的党支部", uow.actor)
    with ws.read() as session:
        assert data_version(session) != before


def test_the_cache_answers_until_the_data_changes(demo_db: Database) -> None:
    ws = Workspace.over(demo_db, "tester")
    cache = StatsCache()
    calls: list[int] = []

    def view() -> object:
        with ws.read() as session:
            def compute() -> object:
                calls.append(1)
                return compute_stats_detail(session, FROM, TO)
            return cache.get_or_compute(session, FROM, TO, "tester", compute)

    first = view()
    assert view() is first and len(calls) == 1
    with ws.write("create-branch") as uow:
        branches.create_branch(uow.session, "又一个党支部", uow.actor)
    again = view()
    assert again is not first and len(calls) == 2
    assert again.figures["branches"] == first.figures["branches"]  # the new branch has no members
