"""Shared UI fixtures: a workspace over the test database, as the window opens it (without lock or login)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from services.safety.storage import Database
from services.workspace import Workspace


def workspace(db: Database, actor: str = "测试员", role: str | None = None) -> Workspace:
    """A workspace over an open test database; `role` None is a database without accounts."""
    return Workspace.over(db, actor, role)


@pytest.fixture
def ws(db: Database) -> Iterator[Workspace]:
    """A workspace over the empty test database (no accounts: every role allowed)."""
    yield workspace(db)


@pytest.fixture
def demo_ws(demo_db: Database) -> Iterator[Workspace]:
    """A workspace over the demo database (100 members in 11 branches)."""
    yield workspace(demo_db)
