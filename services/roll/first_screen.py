"""The member list's first screen read straight from a SQLite file, before SQLAlchemy is imported.

The window shows the roll this way at start-up (ui/app.py), then opens the database as always and
takes over. The queries are those of members.list_members(limit=…), branches.list_branches and
members.roll_counts for an office without accounts (nothing scoped, nothing masked), written in
plain SQL on a DB-API connection; tests/services/roll/test_first_screen.py keeps them the same.
Only a file that needs nothing done on opening is read so (recognise.ready_as_is).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from services.roll.records import BranchInfo, MemberRecord, RollCounts

ON_ROLL = "在册"

_COLUMNS = (
    "m.id, m.name, m.id_number, m.sex, m.birth_date, m.ethnicity, m.education, m.joined_party, "
    "m.full_member_since, m.membership, b.name, m.party_post, m.job, m.staff_status, m.phone, m.joined_org, "
    "m.left_date, m.status, m.remarks, m.branch_id, m.left_reason, m.name_initials, m.sort_key, "
    "b.sort_order, m.version"
)
_ORDER = " ORDER BY b.sort_order, b.id, m.sort_key, m.id"
_BRANCHES = (
    "SELECT b.id, b.name, b.sort_order, COALESCE(SUM(CASE WHEN m.status = ? THEN 1 ELSE 0 END), 0), "
    "COUNT(m.id) FROM branch b LEFT OUTER JOIN member m ON m.branch_id = b.id "
    "GROUP BY b.id ORDER BY b.sort_order, b.id"
)
_COUNTS = (
    "SELECT COUNT(m.id), COALESCE(SUM(CASE WHEN m.status = ? THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN m.status = ? AND m.membership = ? THEN 1 ELSE 0 END), 0) "
    "FROM member m JOIN branch b ON b.id = m.branch_id"
)


@dataclass(frozen=True)
class FirstScreen:
    """What the member list shows first: its first `rows` members on the roll with `counts`, or (a
    roll shorter than that) every member with `counts` None, as the members tab would read them."""

    records: list[MemberRecord]
    branches: list[BranchInfo]
    counts: RollCounts | None


def _record(row: tuple[Any, ...]) -> MemberRecord:
    values = list(row)
    born = values[4]
    values[4] = dt.date.fromisoformat(born[:10]) if isinstance(born, str) else born
    return MemberRecord(*values)


def read_first_screen(conn: Any, rows: int) -> FirstScreen:
    """The members tab's first screen (filters as it starts: every branch, 在册) from `conn`."""
    branches = [BranchInfo(*r) for r in conn.execute(_BRANCHES, (ON_ROLL,))]
    page = [_record(r) for r in conn.execute(
        f"SELECT {_COLUMNS} FROM member m JOIN branch b ON b.id = m.branch_id WHERE m.status IN (?){_ORDER} LIMIT ?",
        (ON_ROLL, rows))]
    if len(page) < rows:  # a short roll is shown whole, every status (the tab filters it itself)
        everyone = [_record(r) for r in conn.execute(
            f"SELECT {_COLUMNS} FROM member m JOIN branch b ON b.id = m.branch_id{_ORDER}")]
        return FirstScreen(everyone, branches, None)
    total, active, probationary = conn.execute(_COUNTS, (ON_ROLL, ON_ROLL, "预备党员")).fetchone()
    return FirstScreen(page, branches, RollCounts(int(total), int(active), int(probationary), int(active)))
