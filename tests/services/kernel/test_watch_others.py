"""A window hears of other processes' writes: data_version on a SQLite file, LISTEN/NOTIFY on a server."""

from __future__ import annotations

import time
from pathlib import Path

from services import changes
from services.safety.storage import Database, open_database
from services.workspace import EDITOR, Workspace
from tests.helpers.backend import server_only


def _second(db: Database) -> Database:
    return open_database(db.url if db.is_server else db.path)  # type: ignore[arg-type]


def test_a_write_by_another_connection_is_announced_once(db: Database) -> None:
    from services.roll import branches

    watching = Workspace.over(db)
    heard: list[changes.Changes] = []
    watching.subscribe(heard.append)
    assert watching.poll_others() is False  # the first poll only starts listening
    other_db = _second(db)
    other = Workspace.over(other_db)
    try:
        with other.write("branch-create", needs=EDITOR) as uow:
            branches.create_branch(uow.session, "第九党支部", uow.actor)
        for _ in range(50):  # a notification travels through the server
            if watching.poll_others():
                break
            time.sleep(0.05)
        assert heard and heard[-1].action == "others" and heard[-1].touches("branch")
        assert watching.poll_others() is False  # told once
        # the watching workspace's own write is announced by itself, not heard again from the watcher
        with watching.write("branch-create", needs=EDITOR) as uow:
            branches.create_branch(uow.session, "第十党支部", uow.actor)
        count = len(heard)
        time.sleep(0.2)
        assert watching.poll_others() is False and len(heard) == count
    finally:
        other.close()
        watching.close()


def test_a_file_changed_elsewhere_or_restored_names_every_kind_of_record() -> None:
    """SQLite does not say what another process changed, and a restore changes everything: every view must look
    again, whatever it follows (a view following only plan targets, exam scores or surveys included)."""
    from models import Base
    from services import watch

    derived = {"figures_cache"}  # figures the program worked out and keeps; no view follows them
    assert set(Base.metadata.tables) - derived <= set(watch.EVERYTHING)


@server_only
def test_writes_made_while_the_watch_was_cut_off_are_not_missed(db: Database) -> None:
    """The server dropped the window's listening connection (a restart, a network blip, pg_terminate_backend):
    it came back listening, but what other clerks wrote in between was never told, and the window's lists stayed
    stale until F5. After a dropped connection every view now looks again."""
    from sqlalchemy import text

    from services.roll import branches
    from tests.helpers import backend

    watching = Workspace.over(db)
    heard: list[changes.Changes] = []
    watching.subscribe(heard.append)
    assert watching.poll_others() is False  # listening
    name = backend.location(db).rsplit("/", 1)[1]
    with backend._admin().connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"), {"d": name})
    other_db = _second(db)
    other = Workspace.over(other_db)
    try:
        with other.write("branch-create", needs=EDITOR) as uow:
            branches.create_branch(uow.session, "第九党支部", uow.actor)
        for _ in range(20):  # the window's timer polls on: it finds the connection dropped, then listens again
            if watching.poll_others():
                break
            time.sleep(0.05)
        assert heard and heard[-1].action == "others" and heard[-1].touches("branch")
    finally:
        other.close()
        watching.close()


@server_only
def test_a_restore_from_the_command_line_is_heard_by_the_other_clerks_windows(db: Database, tmp_path: Path) -> None:
    """`restore FILE` on a server replaced every row but told no one: the other clerks' windows went on showing the
    data from before the restore (a branch the restore removed, say) until F5."""
    from services.roll import branches
    from services.safety import backup, restore

    saved = backup.backup_now(db, "管理员", "manual", target=tmp_path / "备份.sqlite3").info.path
    watching = Workspace.over(db)
    heard: list[changes.Changes] = []
    watching.subscribe(heard.append)
    with watching.write("branch-create", needs=EDITOR) as uow:
        branches.create_branch(uow.session, "恢复后消失的支部", uow.actor)
    assert watching.poll_others() is False  # listening
    restoring_db = _second(db)
    try:
        restore.restore_backup(restoring_db, saved, "管理员")  # as `main.py --db URL restore FILE` does
    finally:
        restoring_db.dispose()
    for _ in range(50):
        if watching.poll_others():
            break
        time.sleep(0.05)
    assert heard and heard[-1].action == "others" and heard[-1].touches("branch") and heard[-1].touches("member")
    watching.close()
