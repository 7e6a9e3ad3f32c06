"""The window ends as its close button ends it when the system asks (ui/safety/end_signals.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from services.safety.lock import lock_path_for
from services.safety.storage import daily_check
from tests.helpers.backend import sqlite_only
from tests.helpers.members_support import make_db, valid_id
from tests.helpers.paths import REPO

pytestmark = [sqlite_only, pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")]


def _start_window(tmp_path: Path, db_path: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DANGXUN_STARTUP_TRACE": "1",
           "HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "DANGXUN_DATA_DIR": str(tmp_path / "data")}
    return subprocess.Popen([sys.executable, str(REPO / "main.py"), "--db", str(db_path)], cwd=REPO, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _wait_for_mark(proc: subprocess.Popen[str], mark: str, seconds: float) -> list[str]:
    """stderr's lines up to the start-up mark (read in a thread: a window that never gets there fails, not hangs)."""
    lines: list[str] = []
    seen = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)
            if line.startswith(f"startup-mark {mark} "):
                seen.set()
        seen.set()  # the process ended without it

    threading.Thread(target=read, daemon=True).start()
    seen.wait(seconds)
    return lines


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_the_window_closes_and_gives_its_lock_back_when_the_system_ends_it(tmp_path: Path, name: str) -> None:
    db = make_db(tmp_path / "roll.sqlite3", 20)
    daily_check(db)  # nothing to do on opening: no dialog before the window runs
    path = db.path
    assert path is not None
    db.dispose()
    proc = _start_window(tmp_path, path)
    try:
        lines = _wait_for_mark(proc, "running", 120)
        assert any(line.startswith("startup-mark running ") for line in lines), "".join(lines)[-2000:]
        assert lock_path_for(path).exists()  # the window holds the file
        proc.send_signal(getattr(signal, name))
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert code == 0
    assert not lock_path_for(path).exists()  # given back: the next start finds no stale lock
    assert not Path(f"{path}-wal").exists()  # the database closed, its WAL folded in
    saved = [f.read_text(encoding="utf-8", errors="replace") for f in (tmp_path / "config").rglob("*.conf")]
    assert any("geometry" in text for text in saved)  # closeEvent ran: the window's state was saved


DIALOG_SCRIPT = """
import os, signal, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox
from ui.safety.end_signals import close_on_end_signals

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.show()
answers = []

def ask():
    box = QMessageBox(QMessageBox.Icon.Question, "t", "删除吗？",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, window)
    QTimer.singleShot(300, lambda: os.kill(os.getpid(), signal.SIGTERM))
    answers.append(box.exec())
    answers.append(box.isVisible())

QTimer.singleShot(0, ask)
QTimer.singleShot(30000, lambda: (print("timed out"), os._exit(3)))
undo = close_on_end_signals(app)
code = app.exec()
undo()
print(code, answers[0] == QMessageBox.StandardButton.Yes.value, answers[1], window.isVisible(),
      signal.getsignal(signal.SIGTERM) is signal.SIG_DFL)
"""


def test_a_dialog_waiting_for_an_answer_is_closed_unanswered_and_the_handlers_undone() -> None:
    result = subprocess.run([sys.executable, "-c", DIALOG_SCRIPT], cwd=REPO, capture_output=True, text=True,
                            timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "False", "False", "False", "True"]


COMMAND_SCRIPT = """
import os, signal, sys, time
from ui.cli import stats_cmd
from ui.cli.main import run

def slow_stats(args, ctx):
    ws = ctx.workspace()  # lock taken, database open
    with ws.write("add a member") as work:
        from services.roll import members
        members.create_member(work.session, {"name": "信号测试", "id_number": sys.argv[2], "branch": sys.argv[3]},
                              "test")
        work.session.flush()
        os.kill(os.getpid(), getattr(signal, sys.argv[4]))
        time.sleep(20)  # the signal arrives meanwhile
    print("not interrupted")
    return 0

stats_cmd.cmd_stats = slow_stats
code = run(["--db", sys.argv[1], "stats", "--from", "2024-01-01", "--to", "2024-12-31"])
print("code", code, signal.getsignal(signal.SIGTERM) is signal.SIG_DFL)
"""


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_a_command_ended_by_the_system_stops_as_ctrl_c_stops_it(tmp_path: Path, name: str) -> None:
    from sqlalchemy import func, select

    from models import Branch, Member
    from services.safety.storage import open_database

    db = make_db(tmp_path / "roll.sqlite3", 5)
    path = db.path
    assert path is not None
    with db.session_factory() as session:
        before = session.scalar(select(func.count()).select_from(Member))
        branch = session.scalars(select(Branch.name)).first()
    db.dispose()
    result = subprocess.run([sys.executable, "-c", COMMAND_SCRIPT, str(path), valid_id("11010119900307123"), str(branch), name],
                            cwd=REPO, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "DANGXUN_DATA_DIR": str(tmp_path / "data")})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["code", "1", "True"], result.stdout + result.stderr
    assert "已中断，数据库未作改动" in result.stderr
    assert not lock_path_for(path).exists()
    db = open_database(path)
    with db.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Member)) == before  # rolled back
    db.dispose()
