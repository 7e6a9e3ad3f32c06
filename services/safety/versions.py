"""Record versions: two clerks editing the same record, the second save is refused, saying what changed.

Each editable record (member, activity) carries a `version` that every save moves on by one, in
the same statement that checks it (`UPDATE … SET version = version + 1 WHERE id = ? AND version = ?`),
so that on a server the later of two concurrent saves finds the version moved and is refused.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import ChangeLog
from services.errors import ConflictError


def claim_version(session: Session, model: Any, row_id: int, expected: int | None, what: str,
                  entity: str, labels: dict[str, str] | None = None) -> None:
    """Move the record's version on; with `expected`, only from that version (else ConflictError)."""
    table = model.__table__
    stmt = update(table).where(table.c.id == row_id).values(version=table.c.version + 1)
    if expected is not None:
        stmt = stmt.where(table.c.version == expected)
    result = session.execute(stmt)
    if expected is not None and result.rowcount == 0:  # type: ignore[attr-defined]
        current = session.scalar(select(table.c.version).where(table.c.id == row_id)) or expected
        raise ConflictError(conflict_message(session, entity, row_id, int(current) - expected, what, labels or {}))


def conflict_message(session: Session, entity: str, row_id: int, saves: int, what: str,
                     labels: dict[str, str]) -> str:
    """“党员“张三”在您打开后已被其他人修改（王五 10:42：电话由“…”改为“…”）；您的修改没有保存……”"""
    rows = session.execute(
        select(ChangeLog.actor, ChangeLog.at, ChangeLog.changes)
        .where(ChangeLog.entity == entity, ChangeLog.entity_id == row_id,
               ChangeLog.action.in_(("update", "status", "move")))
        .order_by(ChangeLog.id.desc()).limit(max(1, saves))).all()
    said = []
    for actor, at, changes in reversed(rows):
        fields = json.loads(changes or "{}")
        words = "；".join(f"{labels.get(k, k)}由“{_said(old)}”改为“{_said(new)}”" for k, (old, new) in fields.items())
        said.append(f"{actor} {at:%m-%d %H:%M}" + (f"：{words}" if words else ""))
    other = f"（{'；'.join(said)}）" if said else ""
    return (f"{what}在您打开之后已被其他人修改{other}，您的修改没有保存。"
            "请关闭后重新打开该记录，核对后再修改。")


def _said(value: Any) -> str:
    return "（空）" if value is None or value == "" else str(value)
