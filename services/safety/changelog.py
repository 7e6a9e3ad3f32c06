"""The change log every service writes: who, when, what, old → new, chained by SHA-256 hashes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import String, Table, event, select
from sqlalchemy.orm import Session

from models import ChangeLog
from services.bulk import insert_rows
from services.changes import note
from services.safety import server


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def entry_digest(prev_hash: str, at: dt.datetime, actor: str, action: str, entity: str,
                 entity_id: int | None, summary: str, changes: str) -> str:
    payload = json.dumps([prev_hash, at.isoformat(), actor, action, entity, entity_id, summary, changes],
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(session: Session, actor: str, action: str, entity: str, entity_id: int | None,
           summary: str, changes: dict[str, tuple[Any, Any]] | None = None) -> ChangeLog:
    """Append one entry; `changes` maps a field to (old, new).

    The entry joins the chain when its transaction commits (`_chain_pending`): with several writers
    on a server the chain stays one chain, in commit order, and a long import holds it only for the
    moment of its commit. Reading the log in the same transaction chains what is pending first.
    """
    changes_json = json.dumps(
        {k: [_jsonable(o), _jsonable(n)] for k, (o, n) in (changes or {}).items()},
        ensure_ascii=False, sort_keys=True,
    )
    at = dt.datetime.now().replace(microsecond=0)
    entry = ChangeLog(at=at, actor=actor, action=action, entity=entity, entity_id=entity_id,
                      summary=summary, changes=changes_json, prev_hash="", entry_hash="")
    session.info.setdefault(PENDING, []).append(entry)
    session.flush()  # what the entry describes is written now; the entry itself at commit
    return entry


PENDING = "dangxun.pending_log"


def flush_pending(session: Session) -> None:
    """Chain and write this transaction's pending entries: wait for the chain, then append in order.

    The entries go in through one executemany (services/bulk.py: 20 000 exam scores' entries one INSERT
    each were two thirds of their import), in chain order, so their ids follow the chain as before. An
    entry with text longer than its column goes the ORM's way, whose flush refuses it (storage.py).
    """
    pending: list[ChangeLog] = session.info.pop(PENDING, [])
    if not pending:
        return
    server.serialise(session, "audit-chain")
    prev_hash = session.execute(select(ChangeLog.entry_hash).order_by(ChangeLog.id.desc()).limit(1)).scalar() or ""
    for entry in pending:
        entry.prev_hash = prev_hash
        entry.entry_hash = entry_digest(prev_hash, entry.at, entry.actor, entry.action, entry.entity,
                                        entry.entity_id, entry.summary, entry.changes)
        prev_hash = entry.entry_hash
    if any(len(getattr(entry, key) or "") > most for entry in pending for key, most in _LIMITED):
        for entry in pending:
            session.add(entry)
            session.flush()
        return
    insert_rows(session.connection(), cast(Table, ChangeLog.__table__), _KEYS,
                [tuple(getattr(entry, key) for key in _KEYS) for entry in pending])
    note(session, ChangeLog.__tablename__)  # the ORM flush said so itself


_KEYS = ("at", "actor", "action", "entity", "entity_id", "summary", "changes", "prev_hash", "entry_hash")
# (column, length) of the log's columns of limited length.
_LIMITED = tuple((c.key, c.type.length) for c in cast(Table, ChangeLog.__table__).c
                 if isinstance(c.type, String) and c.type.length)


@event.listens_for(Session, "before_commit")
def _chain_pending(session: Session) -> None:
    flush_pending(session)


@event.listens_for(Session, "do_orm_execute")
def _read_own_entries(state: Any) -> None:
    """A query of the log inside a transaction sees that transaction's own entries (as autoflush would)."""
    if not state.is_select or not state.session.info.get(PENDING):
        return
    try:
        froms = state.statement.get_final_froms()
    except AttributeError:
        return
    if any(getattr(f, "name", None) == ChangeLog.__tablename__ for f in froms):
        flush_pending(state.session)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    if not session.in_transaction():
        session.info.pop(PENDING, None)


@dataclass(frozen=True)
class LogEntry:
    id: int
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: int | None
    summary: str
    changes: dict[str, list[Any]]


def entries(session: Session, entity: str | None = None, entity_id: int | None = None,
            limit: int | None = None) -> list[LogEntry]:
    flush_pending(session)
    query = select(ChangeLog).order_by(ChangeLog.id)
    if entity:
        query = query.where(ChangeLog.entity == entity)
    if entity_id is not None:
        query = query.where(ChangeLog.entity_id == entity_id)
    if limit:
        query = query.limit(limit)
    return [LogEntry(e.id, e.at, e.actor, e.action, e.entity, e.entity_id, e.summary, json.loads(e.changes))
            for e in session.scalars(query)]


def verify_chain(session: Session) -> list[int]:
    """Ids of entries whose hash does not follow from their content and predecessor."""
    flush_pending(session)
    broken: list[int] = []
    prev_hash = ""
    for e in session.scalars(select(ChangeLog).order_by(ChangeLog.id)):
        expected = entry_digest(prev_hash, e.at, e.actor, e.action, e.entity, e.entity_id, e.summary, e.changes)
        if e.prev_hash != prev_hash or e.entry_hash != expected:
            broken.append(e.id)
        prev_hash = e.entry_hash
    return broken
