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
_BRANCHES = "SELECT id, name, sort_order FROM branch ORDER BY sort_order, id"
# The page reads only the first branches (in the list's order) that hold `rows` members on the roll:
# their members come first, so the first `rows` rows are the same, and SQLite sorts a few hundred
# rows instead of the whole roll (10 000 members: 11 ms → 4 ms). More branches than this: all read.
_MAX_PAGE_BRANCHES = 200
# One pass over the members for the branch tree's counts and the status line's (the unary plus keeps
# SQLite from walking the branch index and looking up every row: a plain scan is quicker).
_TALLY = "SELECT +branch_id, +status, +membership, COUNT(*) FROM member GROUP BY +branch_id, +status, +membership"


def _page_query(branches: list[BranchInfo], rows: int) -> tuple[str, tuple[Any, ...]]:
    """The first `rows` members on the roll in the list's order (branch, then 按姓氏笔画), read from
    the fewest leading branches that hold that many (`branches` in the list's order, with counts)."""
    first: list[int] = []
    held = 0
    for branch in branches:
        if held >= rows:
            break
        if branch.active_members:
            first.append(branch.id)
            held += branch.active_members
    within = ""
    if held >= rows and len(first) <= _MAX_PAGE_BRANCHES:
        within = f" AND m.branch_id IN ({', '.join('?' * len(first))})"
    else:
        first = []
    return (f"SELECT {_COLUMNS} FROM member m JOIN branch b ON b.id = m.branch_id "
            f"WHERE m.status IN (?){within}{_ORDER} LIMIT ?", (ON_ROLL, *first, rows))


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
    active: dict[int, int] = {}
    everyone: dict[int, int] = {}
    total = on_roll = probationary = 0
    for branch_id, status, membership, count in conn.execute(_TALLY):
        everyone[branch_id] = everyone.get(branch_id, 0) + count
        total += count
        if status == ON_ROLL:
            active[branch_id] = active.get(branch_id, 0) + count
            on_roll += count
            probationary += count if membership == "预备党员" else 0
    branches = [BranchInfo(i, name, order, active.get(i, 0), everyone.get(i, 0))
                for i, name, order in conn.execute(_BRANCHES)]
    page = [_record(r) for r in conn.execute(*_page_query(branches, rows))]
    if len(page) < rows:  # a short roll is shown whole, every status (the tab filters it itself)
        whole = [_record(r) for r in conn.execute(
            f"SELECT {_COLUMNS} FROM member m JOIN branch b ON b.id = m.branch_id{_ORDER}")]
        return FirstScreen(whole, branches, None)
    return FirstScreen(page, branches, RollCounts(total, on_roll, probationary, on_roll))
