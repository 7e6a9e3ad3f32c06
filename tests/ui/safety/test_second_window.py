"""Issue 12 point 6: a second window on a file another window edits opens read-only, with a banner."""

from __future__ import annotations

import os
from pathlib import Path

from services.access import EDITOR, VIEWER
from services.demo.demo import seed_demo
from services.safety.storage import open_database
from tests.helpers.backend import sqlite_only
from tests.helpers.lock_holder import lock_held_elsewhere


@sqlite_only
def test_the_second_window_looks_but_does_not_write(qtbot, tmp_path: Path) -> None:
    from ui.safety.safety_startup import READ_ONLY_BANNER, open_for_window

    path = tmp_path / "a.sqlite3"
    db = open_database(path)
    with db.session_factory.begin() as s:
        seed_demo(s, members=8, branches=2, seed=5)
    db.dispose()
    env = os.environ | {"DANGXUN_DATA_DIR": str(tmp_path / "data")}
    with lock_held_elsewhere(path, env):
        start = open_for_window(path, "第二位", None, interactive=False, backups=tmp_path / "backups")
        assert not isinstance(start, int)
        try:
            ws = start.ws
            assert ws.shared_reason and READ_ONLY_BANNER in start.notes
            assert ws.can(VIEWER) and not ws.can(EDITOR)
            with ws.read() as s:
                from services.roll.members import list_members

                assert len(list_members(s)) == 8
            assert not (tmp_path / "backups").exists()  # the second window takes no start-up backup
        finally:
            start.close()
