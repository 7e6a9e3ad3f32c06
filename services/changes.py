"""What a write changed: kinds of records (table names) and their ids, announced after the commit.

The unit of work collects ORM changes itself (a flush listener) and the tables of the INSERT, UPDATE and
DELETE statements run through its session (`session.execute(update(Member), rows)`: no ids, any row may
have changed); a service that writes past the session (the driver's executemany, services/bulk.py) says
what it wrote with `note`. Views listen and refresh what they show.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # SQLAlchemy is imported on the first write, not by the views that only listen
    from sqlalchemy.orm import Session

# Change-log entries that record an event but change no data: they call for no new backup
# (services/safety/backup.py) and leave kept figures standing (services/assessment/kept_figures.py).
NON_DATA_ACTIONS = ("backup", "login", "login_failed", "export", "print")

_KEY = "dangxun.changes"


@dataclass
class Changes:
    """Kinds of records (their table names, e.g. "member", "attendance") → ids changed (may be empty)."""

    kinds: dict[str, set[int]] = field(default_factory=dict)
    action: str = ""

    def add(self, kind: str, ids: Iterable[int] = ()) -> None:
        self.kinds.setdefault(kind, set()).update(i for i in ids if i is not None)

    def touches(self, *kinds: str) -> bool:
        """Whether any of `kinds` changed (no kinds given: whether anything did)."""
        return bool(self.kinds) if not kinds else any(k in self.kinds for k in kinds)

    def ids(self, kind: str) -> set[int]:
        return set(self.kinds.get(kind, ()))

    def __bool__(self) -> bool:
        return bool(self.kinds)


def note(session: Session, kind: str, ids: Iterable[int] = ()) -> None:
    """Say that `kind` records changed in this session (for writes that bypass the ORM)."""
    changes = session.info.get(_KEY)
    if changes is not None:
        changes.add(kind, ids)


def _record_flush(session: Session, _context: Any) -> None:
    changes = session.info.get(_KEY)
    if changes is None:
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table:
            changes.add(table, [getattr(obj, "id", None)])


def track(session: Session, action: str = "") -> Changes:
    """Start collecting the changes of `session`; returns the collection it fills."""
    from sqlalchemy import event

    changes = Changes(action=action)
    session.info[_KEY] = changes
    if not event.contains(session, "before_flush", _before_flush):
        event.listen(session, "before_flush", _before_flush)
        event.listen(session, "after_flush", _record_flush)
        event.listen(session, "do_orm_execute", _record_statement)
    return changes


def _record_statement(state: Any) -> None:
    """A Core INSERT, UPDATE or DELETE run through the session: its table changed (which rows, unsaid)."""
    changes = state.session.info.get(_KEY)
    if changes is None or not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name:
        changes.add(name)


def _before_flush(session: Session, context: Any, _instances: Any) -> None:
    # Deleted and new objects are seen here too; ids of new ones arrive after the flush.
    changes = session.info.get(_KEY)
    if changes is None:
        return
    for obj in session.deleted:
        table = getattr(obj, "__tablename__", None)
        if table:
            changes.add(table, [getattr(obj, "id", None)])
