"""The migration chain from an empty database, and from the first release's schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

import models
from services.safety.storage import (
    alembic_config,
    current_revisions,
    known_heads,
    make_engine,
    open_database,
    run_migrations,
)


def test_empty_database_upgrades_to_a_schema_matching_the_models(tmp_path: Path) -> None:
    db = open_database(tmp_path / "new.sqlite3")
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), models.Base.metadata)
    assert diff == []
    assert current_revisions(db.engine) == known_heads()


def test_known_heads_agree_with_alembic() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert set(script.get_heads()) == known_heads()


def test_old_database_is_backed_up_then_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    engine = make_engine(path)
    run_migrations(engine, "0001")
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO branch (name, sort_order) VALUES ('办公室党支部', 1)")
    engine.dispose()
    db = open_database(path)
    assert db.upgraded_from == ("0001",)
    assert db.backup_path is not None and db.backup_path.exists()
    with sqlite3.connect(db.backup_path) as old:
        assert old.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT name FROM branch").fetchall() == [("办公室党支部",)]
        assert conn.exec_driver_sql("SELECT count(*) FROM activity_type").scalar() == 14


def test_pragmas(tmp_path: Path) -> None:
    db = open_database(tmp_path / "p.sqlite3")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
