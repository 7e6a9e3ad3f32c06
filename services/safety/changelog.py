"""The change log every service writes: who, when, what, old → new, chained by SHA-256 hashes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ChangeLog


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
    """Append one entry; `changes` maps a field to (old, new)."""
    changes_json = json.dumps(
        {k: [_jsonable(o), _jsonable(n)] for k, (o, n) in (changes or {}).items()},
        ensure_ascii=False, sort_keys=True,
    )
    prev = session.execute(select(ChangeLog.entry_hash).order_by(ChangeLog.id.desc()).limit(1)).scalar()
    prev_hash = prev or ""
    at = dt.datetime.now().replace(microsecond=0)
    entry = ChangeLog(at=at, actor=actor, action=action, entity=entity, entity_id=entity_id,
                      summary=summary, changes=changes_json, prev_hash=prev_hash)
    entry.entry_hash = entry_digest(prev_hash, at, actor, action, entity, entity_id, summary, changes_json)
    session.add(entry)
    session.flush()
    return entry


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
    broken: list[int] = []
    prev_hash = ""
    for e in session.scalars(select(ChangeLog).order_by(ChangeLog.id)):
        expected = entry_digest(prev_hash, e.at, e.actor, e.action, e.entity, e.entity_id, e.summary, e.changes)
        if e.prev_hash != prev_hash or e.entry_hash != expected:
            broken.append(e.id)
        prev_hash = e.entry_hash
    return broken
