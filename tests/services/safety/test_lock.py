"""One writer at a time: the lock file, stale locks, network shares, and exit code 3 on the command line."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from services.errors import DatabaseLockedError
from services.safety.lock import (
    NetworkShareError,
    acquire_lock,
    describe_stale,
    lock_path_for,
    network_share_reason,
    parse_mounts,
    pid_alive,
    read_lock_info,
)
from tests.helpers.lock_holder import lock_held_elsewhere
from tests.helpers.paths import REPO

ROOT = REPO
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX flock and /proc/mounts")


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_lock_records_holder_and_is_released(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite3"
    lock = acquire_lock(db)
    assert lock.held and lock.lock_path == lock_path_for(db) == tmp_path / "a.sqlite3.lock"
    info = read_lock_info(lock.lock_path)
    assert info is not None and info.pid == os.getpid() and info.hostname == socket.gethostname()
    assert lock.stale_cleared is None
    lock.release()
    assert not lock.held and not lock.lock_path.exists()
    lock.release()  # twice is harmless
    with acquire_lock(db) as again:
        assert again.held


def test_second_holder_is_refused_with_who_holds_it(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite3"
    with acquire_lock(db), pytest.raises(DatabaseLockedError) as err:
        acquire_lock(db)
    assert err.value.exit_code == 3
    assert str(os.getpid()) in err.value.message and "正被" in err.value.message


def test_stale_lock_of_a_dead_process_is_cleared(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite3"
    dead = _dead_pid()
    assert not pid_alive(dead)
    lock_path_for(db).write_text(json.dumps({"pid": dead, "hostname": socket.gethostname(),
                                             "started": "2026-11-24T09:00:00"}))
    with acquire_lock(db) as lock:
        assert lock.stale_cleared is not None and lock.stale_cleared.pid == dead
        note = describe_stale(lock)
        assert note is not None and str(dead) in note and "已清除" in note
        assert read_lock_info(lock.lock_path).pid == os.getpid()  # type: ignore[union-attr]


def test_garbage_lock_file_is_taken_over(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite3"
    lock_path_for(db).write_bytes(b"\x00garbage")
    with acquire_lock(db) as lock:
        assert lock.held


MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
server:/export /mnt/nfs nfs4 rw 0 0
//fs/office /mnt/office cifs rw 0 0
me@host:/x /home/u/remote fuse.sshfs rw 0 0
/dev/sdb1 /mnt/nfs/local ext4 rw 0 0
/dev/sdc1 /media/u/USB\\040DISK vfat rw 0 0
/dev/sdd1 /media/u/党员\\040盘 vfat rw 0 0
srv:/x /media/u/网盘 nfs rw 0 0
"""


@pytest.mark.parametrize(("path", "fstype"), [
    ("/mnt/nfs/db.sqlite3", "nfs4"),
    ("/mnt/office/党员/db.sqlite3", "cifs"),
    ("/home/u/remote/db.sqlite3", "fuse.sshfs"),
    ("/media/u/网盘/db.sqlite3", "nfs"),
])
def test_network_shares_are_refused_with_the_reason(path: str, fstype: str) -> None:
    reason = network_share_reason(path, parse_mounts(MOUNTS), platform="linux")
    assert reason is not None and fstype in reason and "本机" in reason


@pytest.mark.parametrize("path", ["/home/u/db.sqlite3", "/mnt/nfs/local/db.sqlite3", "/media/u/USB DISK/db.sqlite3",
                                  "/mnt/nfsx/db.sqlite3", "/media/u/党员 盘/a.sqlite3"])
def test_local_disks_are_accepted(path: str) -> None:
    assert network_share_reason(path, parse_mounts(MOUNTS), platform="linux") is None


def test_windows_unc_paths_are_refused() -> None:
    assert network_share_reason(r"\\server\share\dangxun.sqlite3", [], platform="win32")
    assert network_share_reason(r"C:\Users\a\dangxun.sqlite3", [], platform="win32") is None


def test_acquire_refuses_a_network_share(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("services.safety.lock._mount_table", lambda: [("/", "ext4"), (str(tmp_path), "nfs")])
    with pytest.raises(NetworkShareError, match="网络文件系统"):
        acquire_lock(tmp_path / "a.sqlite3")
    assert not lock_path_for(tmp_path / "a.sqlite3").exists()


def test_command_line_refuses_while_another_copy_holds_the_lock(tmp_path: Path) -> None:
    """A second process (the command line) gets exit code 3 and a clear message; the first keeps working."""
    db = tmp_path / "a.sqlite3"
    env = os.environ | {"DANGXUN_DATA_DIR": str(tmp_path / "data")}
    with lock_held_elsewhere(db, env) as holder:
        r = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db), "demo", "--members", "5"],
                           capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
        assert r.returncode == 3, r.stderr
        assert "正被" in r.stderr and str(holder.pid) in r.stderr
        assert not db.exists() or db.stat().st_size == 0  # nothing written
    # The holder is gone: the next invocation works.
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db), "demo", "--members", "5"],
                       capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr


def test_lock_left_by_a_killed_process_is_recognised(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite3"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; sys.path.insert(0, sys.argv[1]);"
         "from services.safety.lock import acquire_lock; l = acquire_lock(sys.argv[2]); print('held', flush=True);"
         "time.sleep(60)", str(ROOT), str(db)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    with pytest.raises(DatabaseLockedError):
        acquire_lock(db)
    holder.kill()
    holder.wait()
    assert lock_path_for(db).exists()  # left behind by the crash
    with acquire_lock(db) as lock:
        assert lock.stale_cleared is not None and lock.stale_cleared.pid == holder.pid


def test_read_commands_work_while_a_window_holds_the_database(tmp_path: Path) -> None:
    """Issue 12 point 6: listing, statistics and exports (with their audit entry) run beside the holder;
    only a change of data is refused as a second writer (exit 3), and nothing is written by it."""
    db = tmp_path / "a.sqlite3"
    env = os.environ | {"DANGXUN_DATA_DIR": str(tmp_path / "data")}
    main = [sys.executable, str(ROOT / "main.py"), "--db", str(db)]
    made = subprocess.run([*main, "demo", "--members", "12", "--branches", "2"], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)
    assert made.returncode == 0, made.stderr
    with lock_held_elsewhere(db, env):
        listed = subprocess.run([*main, "members", "list", "--json"], capture_output=True, text=True, env=env,
                                cwd=ROOT, timeout=120)
        assert listed.returncode == 0, listed.stderr
        assert len(json.loads(listed.stdout)) == 12
        exported = subprocess.run([*main, "export-members", str(tmp_path / "名册.xlsx")], capture_output=True,
                                  text=True, env=env, cwd=ROOT, timeout=120)
        assert exported.returncode == 0, exported.stderr
        refused = subprocess.run([*main, "branches", "create", "第三党支部"], capture_output=True, text=True,
                                 env=env, cwd=ROOT, timeout=120)
        assert refused.returncode == 3, refused.stderr
        assert "只能查看" in refused.stderr
        log = subprocess.run([*main, "log", "--json"], capture_output=True, text=True, env=env, cwd=ROOT,
                             timeout=120)
        actions = [e["action"] for e in json.loads(log.stdout)]
        assert actions[0] == "export"  # the export's audit entry was appended beside the holder
        assert "第三党支部" not in log.stdout
