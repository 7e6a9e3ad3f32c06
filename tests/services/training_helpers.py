"""Helpers for the training tests: the sample roll loaded through the member services."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from services import branches, members
from services.members import MEMBER_FIELDS
from services.spreadsheet import read_table


def load_roll(session: Session, path: Path) -> int:
    """Create the members of a clean roll (what the roll import does, without its preview)."""
    table = read_table(path, {f.key: f.headers for f in MEMBER_FIELDS}, required=("name",))
    count = 0
    for row in table.rows:
        name = str(row.values.get("branch") or "").strip()
        if branches.find_branch(session, name) is None:
            branches.create_branch(session, name, "tester")
        members.create_member(session, dict(row.values), "tester")
        count += 1
    return count
