"""Repeated statistics views answered from a cache keyed on the database's data version.

`data_version(session)` is the one place that says "the data may have changed since": the change
log's newest data entry (portable SQL, seen by every process) together with the commits made
through this process's engine (an engine event; SQLite's one-writer lock keeps other writers out
while the window has the database open). A PostgreSQL backend with several writers may add the
server's own counter (a version row bumped by the writes, or the transaction id) in this function.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from services.safety.backup import data_version as logged_version

_commits: WeakKeyDictionary[Engine, list[int]] = WeakKeyDictionary()
_lock = threading.Lock()


def data_version(session: Session) -> Hashable:
    """A value that changes whenever a commit may have changed the data this session reads: the
    change log's data version (services/safety/backup.py, portable SQL, moved by every logged write
    of any process) and the commits made through this process's engine (any write at all)."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    with _lock:
        counter = _commits.get(engine)
        if counter is None:
            counter = _commits[engine] = [0]

            def bump(_conn: Any, counter: list[int] = counter) -> None:
                counter[0] += 1

            event.listen(engine, "commit", bump)
        commits = counter[0]
    return (id(engine), commits, logged_version(session))


class StatsCache:
    """The last few computations, each under (data version, period, who asked); a commit anywhere
    in between makes them all stale."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, session: Session, date_from: dt.date, date_to: dt.date, who: Hashable,
                       compute: Callable[[], Any]) -> Any:
        key = (data_version(session), date_from, date_to, who)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
