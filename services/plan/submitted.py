"""Figures as submitted (上报): a report's figures are kept when it is submitted, and a later report of
the same period shows which figures changed since, and why (the records written since then)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import ChangeLog, SubmittedReport
from services.safety import changelog

# Change-log entries that move no figure (logins, prints, exports, backups, accounts, settings of the log).
_QUIET_ACTIONS = ("login", "login_failed", "lock", "password", "reset_password", "export", "print", "backup",
                  "check", "submit")
_QUIET_ENTITIES = ("account", "event", "submitted_report", "database")


def flat_figures(figures: dict[str, Any]) -> dict[str, float]:
    """The figures of `stats --json` as one level of Chinese labels → numbers."""
    out: dict[str, float] = {
        "现有党员": figures["members"], "党支部": figures["branches"], "累计学时": figures["total_hours"],
        "党员年均培训学时": figures["avg_hours_per_member_year"], "覆盖率": figures["coverage"],
    }
    for name, n in figures["activities"].items():
        out[f"{name}次数"] = n
    for name, n in figures["person_times"].items():
        out[f"{name}人次"] = n
    for year, y in figures["years"].items():
        out[f"{year}年在册党员"] = y["members"]
        out[f"{year}年累计学时"] = y["total_hours"]
        out[f"{year}年未达标人数"] = y["below_target"]
    return out


@dataclass(frozen=True)
class Comparison:
    submitted_at: dt.datetime
    submitted_by: str
    changed: list[tuple[str, float | None, float | None]]  # label, as submitted, now
    causes: list[str]  # summaries of the records written since


def submit(session: Session, actor: str, date_from: dt.date, date_to: dt.date, title: str,
           figures: dict[str, Any]) -> int:
    last = session.scalar(select(func.max(ChangeLog.id))) or 0
    row = SubmittedReport(date_from=date_from, date_to=date_to, title=title, submitted_by=actor,
                          figures=json.dumps(flat_figures(figures), ensure_ascii=False), last_log_id=last)
    session.add(row)
    session.flush()
    changelog.record(session, actor, "submit", "submitted_report", row.id,
                     f"上报《{title}》（{date_from:%Y-%m-%d}至{date_to:%Y-%m-%d}）的数据")
    return row.id


def compare(session: Session, date_from: dt.date, date_to: dt.date, figures: dict[str, Any]) -> Comparison | None:
    """Against the newest submission of the same period; None when it was never submitted."""
    row = session.scalars(select(SubmittedReport).where(SubmittedReport.date_from == date_from,
                                                        SubmittedReport.date_to == date_to)
                          .order_by(SubmittedReport.id.desc())).first()
    if row is None:
        return None
    old: dict[str, float] = json.loads(row.figures)
    new = flat_figures(figures)
    changed = [(k, old.get(k), new.get(k)) for k in dict.fromkeys([*old, *new])
               if old.get(k) != new.get(k)]
    causes: list[str] = []
    if changed:
        entries = session.scalars(select(ChangeLog).where(ChangeLog.id > row.last_log_id,
                                                          ChangeLog.action.not_in(_QUIET_ACTIONS),
                                                          ChangeLog.entity.not_in(_QUIET_ENTITIES))
                                  .order_by(ChangeLog.id))
        causes = [f"{e.at:%Y-%m-%d %H:%M} {e.actor}：{e.summary}" for e in entries]
    return Comparison(row.submitted_at, row.submitted_by, changed, causes)
