"""The audit log: events (import, export, print, backup, restore) beside the change log, queries, export, check."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from models import ChangeLog
from services.files.safe_write import save_workbook
from services.safety import changelog

# Chinese names of the actions services write; an unknown action is shown as it is.
ACTION_LABELS = {
    "create": "新增", "update": "修改", "delete": "删除", "status": "状态变更", "merge": "合并",
    "rename": "改名", "reorder": "排序", "transfer": "转出", "reinstate": "恢复在册",
    "import": "导入", "export": "导出", "print": "打印", "backup": "备份", "restore": "恢复",
    "login": "登录", "login_failed": "登录失败", "lock": "账号锁定", "password": "修改密码",
    "reset_password": "重置密码", "seed": "示例数据", "demo": "载入示例数据", "check": "检查",
}
ENTITY_LABELS = {
    "member": "党员", "branch": "党支部", "account": "账号", "event": "系统事件", "activity": "活动",
    "session": "课次", "attendance": "考勤", "certificate": "证书", "setting": "设置",
    "activity_type": "活动类型", "enrolment": "报名", "hours_adjustment": "学时调整",
    "assessment": "考核", "database": "数据库",
}
EVENT_ACTIONS = ("import", "export", "print", "backup", "restore")
# Chinese names of the keys events and non-member records use in their details.
DETAIL_LABELS = {
    "what": "内容", "full_ids": "含完整身份证号码", "rows": "行数", "pages": "页数", "path": "文件",
    "file": "文件", "added": "新增", "updated": "更新", "skipped": "跳过", "reason": "原因",
    "members": "党员人数", "source": "来源", "upgraded_from": "原结构版本", "safety_backup": "恢复前备份",
    "second_copy": "第二份", "username": "用户名", "role": "角色", "active": "启用",
    "display_name": "姓名", "sort_order": "排序", "backup.second_folder": "第二备份文件夹",
}


def detail_label(key: str) -> str:
    from services.roll.members import LABELS

    return DETAIL_LABELS.get(key) or LABELS.get(key, key)


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def entity_label(entity: str) -> str:
    return ENTITY_LABELS.get(entity, entity)


def record_event(session: Session, actor: str, action: str, summary: str,
                 details: dict[str, Any] | None = None, entity: str = "event",
                 entity_id: int | None = None) -> int:
    """Log an event that is not a change of one record (import, export, print, backup, restore).

    `details` are kept as {key: [null, value]} so the log view shows them like field changes.
    Returns the id of the entry.
    """
    entry = changelog.record(session, actor, action, entity, entity_id, summary,
                             {k: (None, v) for k, v in (details or {}).items()})
    return entry.id


def log_export(session: Session, actor: str, what: str, full_ids: bool, rows: int | None = None,
               path: str | None = None) -> int:
    """Log an export; one with full ID numbers says so in its summary, for later review."""
    summary = f"导出{what}" + ("（含完整身份证号码）" if full_ids else "")
    details: dict[str, Any] = {"what": what, "full_ids": full_ids}
    if rows is not None:
        details["rows"] = rows
    if path:
        details["path"] = path
    return record_event(session, actor, "export", summary, details)


def log_print(session: Session, actor: str, what: str, pages: int | None = None,
              full_ids: bool = False) -> int:
    summary = f"打印{what}" + ("（含完整身份证号码）" if full_ids else "")
    details: dict[str, Any] = {"what": what, "full_ids": full_ids}
    if pages is not None:
        details["pages"] = pages
    return record_event(session, actor, "print", summary, details)


@dataclass(frozen=True)
class LogFilter:
    """Filters of the 日志 view; every one optional."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    actor: str | None = None
    action: str | None = None
    entity: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class LogRow:
    id: int
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: int | None
    summary: str
    changes: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def changes_text(self) -> str:
        parts = []
        for key, pair in self.changes.items():
            old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            label = detail_label(key)
            if old is None:
                parts.append(f"{label}：{_fmt(new)}")
            else:
                parts.append(f"{label}：{_fmt(old)} → {_fmt(new)}")
        return "；".join(parts)


def _fmt(value: Any) -> str:
    if value is None:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _filtered(query: Any, flt: LogFilter) -> Any:
    if flt.date_from:
        query = query.where(ChangeLog.at >= dt.datetime.combine(flt.date_from, dt.time.min))
    if flt.date_to:
        query = query.where(ChangeLog.at < dt.datetime.combine(flt.date_to + dt.timedelta(days=1), dt.time.min))
    if flt.actor:
        query = query.where(ChangeLog.actor == flt.actor)
    if flt.action:
        query = query.where(ChangeLog.action == flt.action)
    if flt.entity:
        query = query.where(ChangeLog.entity == flt.entity)
    if flt.text:
        like = f"%{flt.text.strip()}%"
        query = query.where(or_(ChangeLog.summary.like(like), ChangeLog.changes.like(like),
                                ChangeLog.actor.like(like)))
    return query


def query_log(session: Session, flt: LogFilter | None = None, limit: int | None = None,
              newest_first: bool = True) -> list[LogRow]:
    flt = flt or LogFilter()
    query = _filtered(select(ChangeLog), flt)
    query = query.order_by(ChangeLog.id.desc() if newest_first else ChangeLog.id)
    if limit:
        query = query.limit(limit)
    rows = []
    for e in session.scalars(query):
        try:
            changes = json.loads(e.changes or "{}")
        except ValueError:
            changes = {"?": [None, e.changes]}
        rows.append(LogRow(e.id, e.at, e.actor, e.action, e.entity, e.entity_id, e.summary, changes))
    return rows


def count_log(session: Session, flt: LogFilter | None = None) -> int:
    query = _filtered(select(func.count(ChangeLog.id)), flt or LogFilter())
    return int(session.scalar(query) or 0)


@dataclass(frozen=True)
class LogChoices:
    actors: list[str]
    actions: list[str]
    entities: list[str]


def log_choices(session: Session) -> LogChoices:
    """The distinct actors, actions and entities, for the filter drop-downs."""
    def distinct(col: Any) -> list[str]:
        return [v for v in session.scalars(select(col).distinct().order_by(col)) if v]
    return LogChoices(distinct(ChangeLog.actor), distinct(ChangeLog.action), distinct(ChangeLog.entity))


EXPORT_HEADERS = ("序号", "时间", "操作人", "操作", "对象", "对象编号", "摘要", "变更内容")


def export_log_xlsx(session: Session, path: Path | str, flt: LogFilter | None = None) -> int:
    """Write the (filtered) log to an .xlsx file, oldest first; returns the number of rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from services.files.xlsx_util import write_cell

    rows = query_log(session, flt, newest_first=False)
    wb = Workbook()
    ws = wb.active
    ws.title = "操作日志"
    for col, header in enumerate(EXPORT_HEADERS, start=1):
        write_cell(ws, 1, col, header).font = Font(bold=True)
    for r, row in enumerate(rows, start=2):
        values = (row.id, row.at.strftime("%Y-%m-%d %H:%M:%S"), row.actor, action_label(row.action),
                  entity_label(row.entity), row.entity_id, row.summary, row.changes_text)
        for col, value in enumerate(values, start=1):
            write_cell(ws, r, col, value)
    for letter, width in zip("ABCDEFGH", (8, 20, 12, 10, 10, 10, 40, 60), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    save_workbook(wb, path)
    return len(rows)


@dataclass(frozen=True)
class CheckReport:
    """What `check` found: an empty `problems` list means the database is sound."""

    problems: list[str]
    entries_checked: int
    broken_entries: list[int]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_log_chain(session: Session) -> CheckReport:
    """Verify the hash chain of the log; name every entry whose hash does not follow."""
    broken = changelog.verify_chain(session)
    total = int(session.scalar(select(func.count(ChangeLog.id))) or 0)
    problems = []
    for entry_id in broken:
        e = session.get(ChangeLog, entry_id)
        if e is None:
            continue
        problems.append(
            f"日志第{e.id}条（{e.at:%Y-%m-%d %H:%M:%S}，{e.actor}，{action_label(e.action)}：{e.summary}）"
            "的校验值与内容或前一条不符：该条或它前面的一条在程序之外被改动或删除过。")
    return CheckReport(problems, total, broken)
