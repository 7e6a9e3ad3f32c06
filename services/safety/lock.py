"""One writer at a time: a lock file beside the database, and a refusal of network shares.

The lock file `<db>.lock` records who holds it (pid, host, start time) and is held with an
operating-system lock (flock on Linux, msvcrt.locking on Windows) for the life of the process.
The OS releases that lock when the process dies, so a lock file left behind by a crash is
recognised as stale by the simple fact that it can be locked again; its recorded pid is reported.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from services.errors import DangxunError, DatabaseLockedError, UnreadableFileError
from services.files.safe_write import reason_of

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt
else:
    import fcntl

# File-system types on which SQLite's WAL mode (shared memory, POSIX locks) is unsafe.
NETWORK_FS_TYPES = {
    "nfs", "nfs4", "cifs", "smb", "smbfs", "smb3", "fuse.sshfs", "sshfs", "afs",
    "fuse.davfs", "davfs", "ncpfs", "glusterfs", "fuse.glusterfs", "ceph", "fuse.rclone",
}


class LockFileError(UnreadableFileError):
    """The lock file beside the database cannot be made (a read-only folder or disk)."""

    exit_code = 2


class NetworkShareError(DangxunError):
    """The database lies on a network share, where SQLite in WAL mode can corrupt it."""

    exit_code = 2


@dataclass
class LockInfo:
    pid: int
    hostname: str
    started: str
    program: str = "dangxun"
    boot_id: str = ""

    def describe(self) -> str:
        return f"计算机“{self.hostname}”上的进程 {self.pid}（{self.started} 起）"


@dataclass
class DatabaseLock:
    """A held lock; `release()` (or leaving a `with` block) gives it up."""

    db_path: Path
    lock_path: Path
    info: LockInfo
    stale_cleared: LockInfo | None = None
    _fd: int | None = field(default=None, repr=False)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        # Unlink before unlocking: a waiter that then locks the unlinked inode notices and retries.
        # (Windows refuses to delete an open file: it is deleted after closing, or the next holder
        # simply overwrites it.)
        with contextlib.suppress(OSError):
            self.lock_path.unlink()
        _unlock(fd)
        os.close(fd)
        if self.lock_path.exists():
            with contextlib.suppress(OSError):
                self.lock_path.unlink()

    def __enter__(self) -> DatabaseLock:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def _hostname() -> str:
    """This computer's name (socket.gethostname(): on POSIX the same uname field, without importing socket,
    which costs start-up 5 ms)."""
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket

    return socket.gethostname()


def lock_path_for(db_path: Path | str) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".lock")


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this computer."""
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        ctypes.windll.kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        ctypes.windll.kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# On Windows the lock is a byte range, and a locked range cannot be read by others: lock one byte far
# beyond the holder's JSON, so that a refused copy can still read and name who holds the database.
WINDOWS_LOCK_OFFSET = 1 << 30


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover
        try:
            os.lseek(fd, WINDOWS_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def _unlock(fd: int) -> None:
    try:
        if sys.platform == "win32":  # pragma: no cover
            os.lseek(fd, WINDOWS_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
    except OSError:
        pass


def read_lock_info(lock_path: Path) -> LockInfo | None:
    """What a lock file says about its holder, or None when it is empty or unreadable."""
    try:
        raw = lock_path.read_bytes()
    except OSError:
        return None
    return _parse_info(raw)


def _parse_info(raw: bytes) -> LockInfo | None:
    text = raw.decode("utf-8", errors="replace").strip()
    if not text:
        return None
    try:
        data: dict[str, Any] = json.loads(text)
        return LockInfo(pid=int(data.get("pid", 0)), hostname=str(data.get("hostname", "")),
                        started=str(data.get("started", "")), program=str(data.get("program", "")),
                        boot_id=str(data.get("boot_id", "")))
    except (ValueError, TypeError, AttributeError):
        return None


def _mount_table() -> list[tuple[str, str]]:
    try:
        text = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return parse_mounts(text)


def parse_mounts(text: str) -> list[tuple[str, str]]:
    """(mount point, fs type) pairs from the text of /proc/mounts (octal escapes decoded)."""
    found = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m[1], 8)), parts[1])
            found.append((point, parts[2]))
    return found


def network_share_reason(path: Path | str, mounts: list[tuple[str, str]] | None = None,
                         platform: str | None = None) -> str | None:
    """Why the database at `path` may not be used (it lies on a network share), or None."""
    platform = platform or sys.platform
    raw = str(path)
    if platform == "win32":
        if raw.startswith("\\\\") or raw.startswith("//"):
            return f"数据库文件 {raw} 位于网络共享文件夹（UNC 路径）上。SQLite 的 WAL 模式需要本机磁盘，请把数据库放在本机硬盘上。"
        if mounts is None and sys.platform == "win32":  # pragma: no cover
            import ctypes

            drive = os.path.splitdrive(os.path.abspath(raw))[0]
            if drive and ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == 4:  # DRIVE_REMOTE
                return f"数据库文件 {raw} 位于网络驱动器 {drive} 上。SQLite 的 WAL 模式需要本机磁盘，请把数据库放在本机硬盘上。"
        return None
    target = Path(raw).expanduser()
    try:
        target = target.resolve()
    except OSError:
        target = target.absolute()
    table = _mount_table() if mounts is None else mounts
    best: tuple[str, str] | None = None
    for point, fstype in table:
        p = point.rstrip("/") or "/"
        if (str(target) == p or str(target).startswith(p.rstrip("/") + "/")) and (
                best is None or len(p) > len(best[0])):
            best = (p, fstype)
    if best and (best[1] in NETWORK_FS_TYPES or best[1].startswith("smb") or best[1].startswith("nfs")):
        return (f"数据库文件 {raw} 位于网络文件系统（{best[1]}，挂载于 {best[0]}）上。"
                "SQLite 的 WAL 模式需要本机磁盘，多台计算机同时使用会损坏数据库；请把数据库放在本机硬盘上。")
    return None


def acquire_lock(db_path: Path | str, *, check_network: bool = True) -> DatabaseLock:
    """Take the one-writer lock of the database at `db_path` for this process.

    Raises NetworkShareError when the file lies on a network share and DatabaseLockedError
    (exit code 3) when another running copy of the program holds it. A lock left by a copy that
    crashed is taken over; `DatabaseLock.stale_cleared` then says whose it was.
    """
    db_path = Path(db_path).expanduser()
    if check_network:
        reason = network_share_reason(db_path)
        if reason:
            raise NetworkShareError(reason)
    lock_path = lock_path_for(db_path)
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LockFileError(f"无法在 {lock_path.parent} 建立数据库锁文件：{_reason(exc)}。") from exc
    for _attempt in range(20):
        try:
            fd = os.open(str(lock_path), os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise LockFileError(f"无法建立数据库锁文件 {lock_path}：{_reason(exc)}。") from exc
        if not _try_lock(fd):
            os.close(fd)
            holder = read_lock_info(lock_path)
            who = holder.describe() if holder else "另一个程序"
            raise DatabaseLockedError(
                f"数据库 {db_path} 正被{who}使用。同一时间只能有一个窗口或命令写入数据库，"
                "请先关闭正在使用它的程序再试。")
        # The holder before us may have unlinked the file between our open and our lock.
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(lock_path))
        except OSError:
            same = False
        if not same:
            _unlock(fd)
            os.close(fd)
            continue
        previous = _parse_info(_read_fd(fd))
        info = LockInfo(pid=os.getpid(), hostname=_hostname(),
                        started=dt.datetime.now().isoformat(timespec="seconds"), boot_id=_boot_id())
        payload = b"\n" + json.dumps(info.__dict__, ensure_ascii=False).encode("utf-8") + b"\n"
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            os.ftruncate(fd, 0)
            os.write(fd, payload)
            os.fsync(fd)
        except OSError as exc:
            _unlock(fd)
            os.close(fd)
            raise LockFileError(f"无法写入数据库锁文件 {lock_path}：{_reason(exc)}。") from exc
        return DatabaseLock(db_path=db_path, lock_path=lock_path, info=info,
                            stale_cleared=previous, _fd=fd)
    raise DatabaseLockedError(f"无法取得数据库 {db_path} 的锁，请稍后再试。")


def _reason(exc: OSError) -> str:
    return reason_of(exc)


def _read_fd(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def describe_stale(lock: DatabaseLock) -> str | None:
    """A Chinese note when the lock taken over was left by a copy that had stopped."""
    prev = lock.stale_cleared
    if prev is None:
        return None
    state = "已不在运行" if not (prev.hostname == _hostname() and pid_alive(prev.pid)
                              and prev.boot_id == _boot_id()) else "未持有锁"
    return f"已清除上次遗留的数据库锁：{prev.describe()}{state}（可能是程序异常退出）。"
