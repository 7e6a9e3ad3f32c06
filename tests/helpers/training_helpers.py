"""Helpers for the training tests: the sample roll loaded through the roll import."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from services.roll import roll_import


def load_roll(session: Session, path: Path) -> int:
    """Import a clean roll (creating its branches), as a clerk would before importing training records."""
    plan = roll_import.plan_import(session, path)
    assert plan.can_apply, plan.summary()
    result = roll_import.apply_import(session, plan, "tester", create_branches=True)
    return result.added
