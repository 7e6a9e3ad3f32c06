"""Changes made by other processes (other windows, commands, clerks on other PCs), noticed by polling.

On a server every write sends `NOTIFY dangxun_changes` with the kinds of records it changed (inside
its transaction, so it arrives only if the write commits); a watcher LISTENs on its own connection.
On a SQLite file a watcher reads `PRAGMA data_version`, which moves whenever another connection
commits. Inside one process the workspace announces its own writes directly (services/changes.py);
the watcher leaves out what this process sent.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import uuid
from pathlib import Path
from typing import Any

CHANNEL = "dangxun_changes"
# Every kind of record (table name) a view may follow: what a file changed by another process, or restored from a
# backup, may have changed (tests/services/kernel/test_watch_others.py holds it to the models' tables).
EVERYTHING = ("member", "branch", "member_post", "mobile_member", "exemption", "activity_type", "activity",
              "activity_identity", "activity_session", "enrolment", "attendance", "certificate", "hours_adjustment",
              "target_rule", "target_excluded_type", "evaluation_grade", "branch_assessment", "exam_score", "spending",
              "change_log", "account", "account_branch", "setting", "plan_period", "plan_target", "material",
              "material_issue", "study_plan", "study_item", "submitted_report", "survey", "survey_question",
              "survey_response", "survey_answer")


def new_instance() -> str:
    """A name for one open workspace, so that its watcher can leave out its own writes."""
    return f"{os.getpid()}-{uuid.uuid4().hex[:8]}"


def notify_sql(instance: str, kinds: set[str]) -> tuple[str, dict[str, Any]]:
    """The statement a server write runs before its commit (payloads stay under PostgreSQL's 8000 bytes)."""
    payload = json.dumps({"from": instance, "kinds": sorted(kinds)[:200]}, ensure_ascii=False)
    return "SELECT pg_notify(:channel, :payload)", {"channel": CHANNEL, "payload": payload}


class Watcher:
    """`poll()` → the kinds of records others changed since the last poll (empty set: nothing)."""

    def __init__(self, url: str, path: Path | None, instance: str) -> None:
        self.instance = instance
        self.url = url
        self.path = path
        self._conn: Any = None
        self._version: int | None = None
        self._lost = False  # the connection broke: what others wrote meanwhile was not heard

    def _open(self) -> None:
        if self.path is not None:
            self._conn = sqlite3.connect(f"{Path(self.path).resolve().as_uri()}?mode=ro", uri=True, timeout=1.0,
                                         check_same_thread=False)
            self._version = self._data_version()
        else:
            import psycopg

            conninfo = self.url.replace("postgresql+psycopg://", "postgresql://", 1)
            self._conn = psycopg.connect(conninfo, autocommit=True, connect_timeout=5)
            self._conn.execute(f"LISTEN {CHANNEL}")

    def _data_version(self) -> int:
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def rebaseline(self) -> None:
        """Forget what happened up to now (after this process's own write on a SQLite file)."""
        if self._conn is not None and self.path is not None:
            self._version = self._data_version()

    def poll(self) -> set[str]:
        try:
            if self._conn is None:
                self._open()
                if self._lost:  # back after a dropped connection: writes made meanwhile were missed, look again
                    self._lost = False
                    return set(EVERYTHING)
                return set()
            if self.path is not None:
                version = self._data_version()
                if version == self._version:
                    return set()
                self._version = version
                return set(EVERYTHING)  # SQLite does not say what changed: every view looks again
            kinds: set[str] = set()
            for note in self._conn.notifies(timeout=0.0):
                try:
                    data = json.loads(note.payload)
                except ValueError:
                    continue
                if data.get("from") != self.instance:
                    kinds.update(data.get("kinds") or ())
            return kinds
        except Exception:  # a dropped connection: try again on the next poll, never fail a view
            self.close()
            self._lost = True
            return set()

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):  # closing a broken connection
                self._conn.close()
        self._conn = None
