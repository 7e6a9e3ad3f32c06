"""A period's figures kept in the database: answered again while the data are unchanged, never after a change."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update

from models import Attendance, Base, FiguresCache, HoursAdjustment
from services.assessment import kept_figures
from services.assessment.kept_figures import SOURCES, figures_key, figures_stamp, keep_figures
from services.assessment.stats import compute_stats
from services.safety.storage import Database, open_database
from services.workspace import Workspace
from tests.helpers.stats_dataset import dataset_file
from ui.cli.main import run

ROOT = Path(__file__).resolve().parents[3]
FROM, TO = dt.date(2023, 1, 1), dt.date(2024, 12, 31)
STATS = ["stats", "--from", FROM.isoformat(), "--to", TO.isoformat(), "--json"]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return dataset_file(tmp_path / "kept.sqlite3")


def stats_json(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    capsys.readouterr()
    assert run(["--db", str(path), *STATS]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def fresh(path: Path) -> dict[str, object]:
    db = open_database(path)
    try:
        with db.session_factory() as s:
            return compute_stats(s, FROM, TO)
    finally:
        db.dispose()


def kept_rows(path: Path) -> list[tuple[str, str]]:
    db = open_database(path)
    try:
        with db.session_factory() as s:
            return [(r.key, r.stamp) for r in s.execute(select(FiguresCache.key, FiguresCache.stamp))]
    finally:
        db.dispose()


def test_the_sources_are_the_models_tables() -> None:
    for name, has_id in SOURCES:
        assert name in Base.metadata.tables, name
        assert ("id" in Base.metadata.tables[name].c) is has_id, name


def test_the_key_names_the_period_and_the_branches() -> None:
    assert figures_key(FROM, TO, None) == "stats|2023-01-01|2024-12-31|*"
    assert figures_key(FROM, TO, {3, 1}) == "stats|2023-01-01|2024-12-31|1,3"
    assert figures_key(FROM, TO, None) != figures_key(FROM, dt.date(2024, 12, 30), None)


def test_a_repeated_stats_answers_from_the_kept_figures(db_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    first = stats_json(db_path, capsys)
    assert first == fresh(db_path)
    assert [key for key, _stamp in kept_rows(db_path)] == [figures_key(FROM, TO, None)]

    def no_working_out(*_a: object, **_k: object) -> object:
        raise AssertionError("worked out again")

    monkeypatch.setattr("services.assessment.stats.compute_stats_detail", no_working_out)
    assert stats_json(db_path, capsys) == first


def test_the_kept_answer_needs_no_sqlalchemy(db_path: Path, tmp_path: Path) -> None:
    """The second run reads the file with plain sqlite3 (the file opens as is): same output, no SQLAlchemy."""
    code = ("import json, sys\nfrom ui.cli.main import run\n"
            f"code = run(['--db', {str(db_path)!r}, *{STATS!r}])\n"
            "print(json.dumps({'code': code, 'sqlalchemy': 'sqlalchemy' in sys.modules}), file=sys.stderr)\n")
    env = dict(os.environ, DANGXUN_DATA_DIR=str(tmp_path / "data"))
    outs = []
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=120)
        tail = json.loads(done.stderr.strip().splitlines()[-1])
        outs.append((json.loads(done.stdout), tail))
    (first, how_first), (second, how_second) = outs
    assert how_first == {"code": 0, "sqlalchemy": True}
    assert how_second == {"code": 0, "sqlalchemy": False}
    assert second == first == fresh(db_path)


def test_an_edit_in_place_through_the_workspace_empties_them(db_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    before = stats_json(db_path, capsys)
    ws = Workspace.open(db_path, actor="tester")
    try:
        with ws.read() as s:
            stamp = figures_stamp(s)
        with ws.write("edit-hours") as uow:  # counts and ids unchanged, nothing logged
            uow.session.execute(update(Attendance).where(Attendance.hours > 0).values(hours=Attendance.hours + 1))
        with ws.read() as s:
            assert figures_stamp(s) == stamp
            assert s.scalar(select(func.count()).select_from(FiguresCache)) == 0
    finally:
        ws.close()
    after = stats_json(db_path, capsys)
    assert after == fresh(db_path)
    assert after["total_hours"] != before["total_hours"]


def test_rows_added_behind_the_workspace_change_the_stamp(db_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    before = stats_json(db_path, capsys)
    db = open_database(db_path)
    with db.session_factory.begin() as s:  # not through the workspace: the table keeps its rows
        member_id = s.scalar(select(Attendance.member_id).limit(1))
        s.add(HoursAdjustment(member_id=member_id, date=dt.date(2024, 6, 1), hours=5.0, reason="补录",
                              author="tester"))
    db.dispose()
    assert len(kept_rows(db_path)) == 1
    after = stats_json(db_path, capsys)
    assert after == fresh(db_path)
    assert after["years"]["2024"]["total_hours"] == before["years"]["2024"]["total_hours"] + 5.0


def test_damaged_or_foreign_kept_figures_are_worked_out_again(db_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    first = stats_json(db_path, capsys)
    db = open_database(db_path)
    with db.session_factory.begin() as s:
        s.execute(text("UPDATE figures_cache SET figures = '[not json'"))
    db.dispose()
    assert stats_json(db_path, capsys) == first
    db = open_database(db_path)
    with db.session_factory.begin() as s:  # someone else's figures under the right stamp: a list, not ours
        s.execute(text("UPDATE figures_cache SET figures = '[1, 2]'"))
    db.dispose()
    assert stats_json(db_path, capsys) == first


def test_at_most_a_few_periods_are_kept(db: Database) -> None:
    ws = Workspace.over(db, "tester")
    kept = 0
    for day in range(1, kept_figures.KEPT_AT_MOST + 5):
        key = figures_key(dt.date(2024, 1, day), TO, None)
        kept += ws.keep(lambda s, key=key: keep_figures(s, key, "stamp", {"day": key}))
    with db.session_factory() as s:
        rows = s.scalar(select(func.count()).select_from(FiguresCache))
    if db.is_server:  # several writers: nothing kept, every stats worked out
        assert (kept, rows) == (0, 0)
    else:
        assert kept == kept_figures.KEPT_AT_MOST + 4 and rows == kept_figures.KEPT_AT_MOST


def test_another_windows_lock_keeps_nothing(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    window = Workspace.open(db_path, actor="window")  # holds the one-writer lock
    try:
        assert stats_json(db_path, capsys) == fresh(db_path)
        assert kept_rows(db_path) == []
    finally:
        window.close()


def test_a_copy_of_the_database_takes_no_kept_figures(db_path: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from services.safety.copying import copy_rows

    stats_json(db_path, capsys)
    assert kept_rows(db_path)
    target_path = tmp_path / "copy.sqlite3"
    target = open_database(target_path)
    with target.session_factory.begin() as s:  # the target's own kept figures (of other data) go too
        keep_figures(s, figures_key(FROM, TO, None), "a stamp of other data", {"members": -1})
    source = open_database(db_path)
    try:
        copy_rows(source.engine, target.engine, where=str(target_path), replace=True)
    finally:
        source.dispose()
        target.dispose()
    assert kept_rows(target_path) == []
    assert stats_json(target_path, capsys) == fresh(db_path)


def test_fresh_works_them_out_again_and_keeps_the_new_ones(db_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    first = stats_json(db_path, capsys)
    db = open_database(db_path)
    with db.session_factory.begin() as s:  # figures that do not match the data, under the current stamp
        s.execute(text("UPDATE figures_cache SET figures = :f"), {"f": json.dumps({**first, "members": 999})})
    db.dispose()
    assert stats_json(db_path, capsys)["members"] == 999  # kept figures are trusted while the stamp holds
    capsys.readouterr()
    assert run(["--db", str(db_path), *STATS, "--fresh"]) == 0
    assert json.loads(capsys.readouterr().out) == first
    assert stats_json(db_path, capsys) == first  # and kept in place of the others


def test_a_database_without_the_table_works_them_out_and_writes_as_before(db_path: Path,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    first = stats_json(db_path, capsys)
    db = open_database(db_path)
    with db.session_factory.begin() as s:  # the derived table dropped by hand
        s.execute(text("DROP TABLE figures_cache"))
    db.dispose()
    assert stats_json(db_path, capsys) == first
    ws = Workspace.open(db_path, actor="tester")
    try:
        with ws.write("edit-hours") as uow:
            uow.session.execute(update(Attendance).where(Attendance.hours > 0).values(hours=Attendance.hours + 1))
    finally:
        ws.close()
    assert stats_json(db_path, capsys) == fresh(db_path) != first



def test_a_read_only_account_keeps_nothing_and_reads_what_others_kept(db_path: Path, capsys: pytest.CaptureFixture[str],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A 查阅 account's `stats` wrote the figures it worked out into the database (figures_cache), where it may write
    nothing; it now keeps none, answers as an office account does, and reads the figures an office account kept."""
    from services.access import ADMIN, VIEWER
    from services.safety import accounts
    from ui.cli.stats_cmd import _figures

    monkeypatch.setattr(accounts, "SCRYPT_N", 2 ** 10)
    passwords = {"boss": "secret-boss-1", "reader": "secret-reader-3"}
    db = open_database(db_path)
    with db.session_factory.begin() as s:
        accounts.create_account(s, "boss", ADMIN, passwords["boss"], "测试")
        accounts.create_account(s, "reader", VIEWER, passwords["reader"], "boss")
    db.dispose()

    def stats_as(user: str) -> dict[str, object]:
        monkeypatch.setenv("DANGXUN_PASSWORD", passwords[user])
        capsys.readouterr()
        assert run(["--db", str(db_path), "--user", user, *STATS]) == 0
        return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]

    def cache() -> list[tuple[object, ...]]:
        db = open_database(db_path)
        try:
            with db.session_factory() as s:
                return [tuple(r) for r in s.execute(text("SELECT key, stamp, figures, made FROM figures_cache"))]
        finally:
            db.dispose()

    read = [stats_as("reader") for _ in range(2)]
    assert cache() == []
    office = stats_as("boss")
    assert read == [office, office] and office == fresh(db_path)
    kept = cache()
    assert [row[0] for row in kept] == [figures_key(FROM, TO, None)]
    assert [stats_as("reader") for _ in range(2)] == [office, office] and cache() == kept

    # Figures the office keeps while a 查阅 account is logged in (a login is logged, and so changes the stamp):
    # the 查阅 account reads them, and still keeps nothing.
    db = open_database(db_path)
    try:
        reader, boss = Workspace.over(db), Workspace.over(db)
        reader.login("reader", passwords["reader"])
        boss.login("boss", passwords["boss"])
        fresh_figures = _figures(boss, FROM, TO, fresh=True)
        kept = cache()

        def no_working_out(*_a: object, **_k: object) -> object:
            raise AssertionError("worked out again")

        monkeypatch.setattr("services.assessment.stats.compute_stats_detail", no_working_out)
        assert _figures(reader, FROM, TO) == fresh_figures
        assert cache() == kept
    finally:
        db.dispose()


def test_a_read_only_accounts_stats_leave_the_kept_figures_on_either_backend(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The same on a database file and on a server (DANGXUN_TEST_SERVER), where a 查阅 account's role may be read-only."""
    from sqlalchemy import create_engine

    from tests.helpers.cli_support import Cli

    cli = Cli(tmp_path, monkeypatch, capsys).with_accounts(members=12)
    engine = create_engine(cli.db if "://" in cli.db else f"sqlite:///{cli.db}")

    def cache() -> list[tuple[object, ...]]:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text("SELECT key, stamp, made FROM figures_cache ORDER BY key"))]

    try:
        period = ("stats", "--from", "2020-01-01", "--to", "2026-12-31")
        read = [cli.json(*period, user="reader") for _ in range(2)]
        assert cache() == []
        assert read == [cli.json(*period, user="clerk")] * 2
        kept = cache()  # the clerk's, on a file; none on a server
        assert cli.json(*period, user="reader") == read[0] and cache() == kept
    finally:
        engine.dispose()


def test_a_login_leaves_the_kept_figures_as_they_were(db_path: Path, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Once a database had accounts, every `stats --user …` worked its figures out again: each login's log entry
    moved the stamp. A login (like a backup, export or print) is no change of data: the figures still hold."""
    from services.access import ADMIN
    from services.safety import accounts

    monkeypatch.setattr(accounts, "SCRYPT_N", 2 ** 10)
    db = open_database(db_path)
    with db.session_factory.begin() as s:
        accounts.create_account(s, "boss", ADMIN, "secret-boss-1", "测试")
    db.dispose()
    monkeypatch.setenv("DANGXUN_PASSWORD", "secret-boss-1")

    def stats_as_boss() -> dict[str, object]:
        capsys.readouterr()
        assert run(["--db", str(db_path), "--user", "boss", *STATS]) == 0
        return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]

    first = stats_as_boss()
    assert first == fresh(db_path)

    def no_working_out(*_a: object, **_k: object) -> object:
        raise AssertionError("worked out again")

    with monkeypatch.context() as m:
        m.setattr("services.assessment.stats.compute_stats_detail", no_working_out)
        assert stats_as_boss() == first  # a second login, the same kept figures
    ws = Workspace.open(db_path, actor="boss")
    try:
        ws.login("boss", "secret-boss-1")
        with ws.write("adjust") as uow:  # a change of data: worked out again
            uow.session.execute(update(HoursAdjustment).values(hours=HoursAdjustment.hours + 1))
    finally:
        ws.close()
    again = stats_as_boss()
    assert again == fresh(db_path) and again["total_hours"] != first["total_hours"]
