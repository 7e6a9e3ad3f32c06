"""The migrated schema holds the assessment tables exactly as models/assessment.py declares them."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from models.base import Base
from services.safety.storage import Database


def test_migrated_schema_matches_models(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_upgrade_from_0002_keeps_data(tmp_path: Path) -> None:
    """A database of the previous release (at 0002, with attendance) upgrades to the new tables."""
    from sqlalchemy import create_engine, text

    from services.safety.storage import open_database, run_migrations

    path = tmp_path / "old.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    run_migrations(engine, "0002")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO branch (id, name, sort_order) VALUES (1, '第一支部', 1)"))
    engine.dispose()
    db = open_database(path, backup_dir=tmp_path)
    try:
        assert db.upgraded_from == ("0002",)
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM branch")).scalar() == "第一支部"
            names = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='index'"))}
            assert {"ix_attendance_member_cover", "ix_attendance_session_cover"} <= names
            assert conn.execute(text("SELECT COUNT(*) FROM target_rule")).scalar() == 0
    finally:
        db.dispose()
