"""The migrated schema holds the assessment tables exactly as models/assessment.py declares them."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from models.base import Base
from services.storage import Database


def test_migrated_schema_matches_models(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
