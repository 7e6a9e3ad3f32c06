"""Is this file our database? A cheap look at the header and the schema before anything is written.

Our databases carry SQLite's `application_id` (APPLICATION_ID) and, in `user_version`, the number
of schema revisions they were brought to; their schema has our tables and an `alembic_version`
holding our revision ids. Databases made by the first release carry no application_id: they are
recognised by that schema and stamped on their next write.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import re
import sqlite3
import struct
from dataclasses import dataclass
from pathlib import Path

from services.errors import DangxunError, UnreadableFileError
from services.paths import migrations_dir

SQLITE_MAGIC = b"SQLite format 3\x00"
APPLICATION_ID = 0x44584A59  # "DXJY": 党训教育
# Tables every release of our schema has; with alembic_version holding our ids, the schema's own marker.
CORE_TABLES = frozenset({"member", "branch", "setting", "change_log"})

NEW, OURS, FIRST_RELEASE = "new", "ours", "first_release"
# The `setting` row holding the day of the last daily `PRAGMA quick_check` (storage.daily_check).
QUICK_CHECK_KEY = "safety.last_quick_check"


class ForeignDatabaseError(UnreadableFileError):
    """Not a database of this program (another program's SQLite file, or not a database at all)."""

    exit_code = 2


class NewerDatabaseError(UnreadableFileError):
    """A database of a newer release, whose schema this program does not know."""

    exit_code = 2


class DamagedDatabaseError(UnreadableFileError):
    """Our database, damaged (truncated, garbage pages, a broken table)."""

    exit_code = 2

    def __init__(self, path: Path, detail: str, backup: Path | None = None, backup_note: str = "",
                 searched: bool = False) -> None:
        self.path = Path(path)
        self.detail = detail
        self.backup = backup
        self.backup_note = backup_note
        self.searched = searched
        super().__init__(self._compose())

    def _compose(self) -> str:
        text = f"数据库文件 {self.path} 已损坏（{self.detail}）。"
        if self.backup is not None:
            text += (f"最近的完好备份：{self.backup}{self.backup_note}。"
                     f"可用“恢复”（main.py restore {self.backup}）从它恢复；损坏的文件会先另存一份，不会删除。")
        elif self.searched:
            text += "没有找到完好的备份：请保留该文件，交给技术人员处理，不要删除它。"
        return text

    def with_backup(self, backup: Path | None, note: str = "") -> DamagedDatabaseError:
        return DamagedDatabaseError(self.path, self.detail, backup, note, searched=True)


class ReadOnlyDatabaseError(DangxunError):
    """A write to a database opened read-only."""

    exit_code = 1


@dataclass(frozen=True)
class Recognition:
    kind: str  # NEW, OURS or FIRST_RELEASE
    application_id: int = 0
    user_version: int = 0
    revisions: frozenset[str] = frozenset()

    @property
    def needs_stamp(self) -> bool:
        return self.kind != NEW and (self.application_id != APPLICATION_ID
                                     or self.user_version != schema_generation())


_REV_RE = re.compile(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN_RE = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*(.+)$", re.M)


def revision_graph() -> dict[str, tuple[str, ...]]:
    """Each migration script's revision id and its parents, read from the files (no Alembic import)."""
    return dict(_revision_graph(migrations_dir()))


@functools.lru_cache(maxsize=4)
def _revision_graph(folder: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    # The program's own scripts do not change while it runs: read once (opening a file asked 4 times).
    revisions: dict[str, tuple[str, ...]] = {}
    for script in folder.joinpath("versions").glob("*.py"):
        source = script.read_text(encoding="utf-8")
        rev = _REV_RE.search(source)
        if not rev:
            continue
        down = _DOWN_RE.search(source)
        revisions[rev.group(1)] = tuple(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1))) if down else ()
    return tuple(revisions.items())


def all_revisions() -> set[str]:
    return set(revision_graph())


def head_revisions() -> set[str]:
    """The head revisions of the migration scripts (what a database at this release's schema holds)."""
    revisions = revision_graph()
    referenced = {p for parents in revisions.values() for p in parents}
    return set(revisions) - referenced


def schema_generation() -> int:
    """What `user_version` says for a database brought to this release's schema: its number of revisions."""
    return len(revision_graph())


def is_writable(path: Path) -> bool:
    """Whether the database file may be written (permissions, a read-only disk, an immutable flag)."""
    return os.access(path, os.W_OK)


def _header(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(100)
    except OSError as exc:
        raise UnreadableFileError(f"无法读取数据库文件 {path}（{exc.strerror or exc}）。") from exc


def _page_size(header: bytes) -> int:
    raw = struct.unpack(">H", header[16:18])[0]
    return 65536 if raw == 1 else raw


def connect_readonly(path: Path, immutable: bool = False) -> sqlite3.Connection:
    """A connection that cannot change the file (and does not create it)."""
    flags = "mode=ro" + ("&immutable=1" if immutable else "")
    return sqlite3.connect(f"{path.resolve().as_uri()}?{flags}", uri=True, timeout=5.0)


ORIGIN_SQL = "SELECT entry_hash FROM change_log ORDER BY id LIMIT 1"


def file_origin(path: Path) -> str | None:
    """Which database a file is, as far as its log tells: the entry hash of its first change-log entry (two
    databases of one file name, each with its own backups: services/safety/backup.py `same_database`);
    None when its log is empty or the file cannot be read. Read-only."""
    try:
        conn = connect_readonly(Path(path))
    except (sqlite3.Error, OSError, ValueError):
        return None
    try:
        row = conn.execute(ORIGIN_SQL).fetchone()
        return str(row[0]) if row and row[0] else None
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def _connect_for_reading(path: Path, pending: bool) -> sqlite3.Connection:
    """Read-write when the file may be written (after a crash only such a connection can replay the WAL),
    without creating anything; read-only otherwise."""
    if is_writable(path):
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=5.0)
    return connect_readonly(path, immutable=not pending)


def _wal_pending(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    try:
        return wal.stat().st_size > 0
    except OSError:
        return False


def recognise(path: Path | str, *, deep: bool = False) -> Recognition:
    """What the file at `path` is: NEW (absent, empty), OURS or FIRST_RELEASE; raise otherwise.

    Reads only: the 100-byte header, then the schema through a read-only connection. `deep` adds
    `PRAGMA quick_check` (after an unclean shutdown). Raises ForeignDatabaseError, NewerDatabaseError,
    DamagedDatabaseError or UnreadableFileError, each naming the file.
    """
    path = Path(path)
    if path.is_dir():
        raise ForeignDatabaseError(f"{path} 是一个文件夹，不是数据库文件。")
    if not path.exists():
        return Recognition(NEW)
    size = path.stat().st_size
    if size == 0:
        return Recognition(NEW)
    header = _header(path)
    if header[:16] != SQLITE_MAGIC:
        raise ForeignDatabaseError(f"{path} 不是本程序的数据库文件（它不是 SQLite 数据库）。")
    if len(header) < 100:
        raise DamagedDatabaseError(path, "文件不完整，只剩文件头的一部分")
    page = _page_size(header)
    if page < 512 or page > 65536 or page & (page - 1):
        raise DamagedDatabaseError(path, "文件头已损坏")
    pending = _wal_pending(path)
    declared = struct.unpack(">I", header[28:32])[0]
    declared_valid = header[24:28] == header[92:96]
    if not pending and (size % page or (declared_valid and size < declared * page)):
        raise DamagedDatabaseError(path, f"文件不完整（被截断）：应有{declared * page}字节，只有{size}字节")
    app_id = struct.unpack(">I", header[68:72])[0]
    if app_id not in (0, APPLICATION_ID):
        raise ForeignDatabaseError(f"{path} 是另一个程序的 SQLite 数据库（application_id {app_id:#010x}），"
                                   "不是本程序的数据库。")
    try:
        conn = _connect_for_reading(path, pending)
        try:
            app_id = int(conn.execute("PRAGMA application_id").fetchone()[0]) & 0xFFFFFFFF
            user_version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            revisions = frozenset(r[0] for r in conn.execute("SELECT version_num FROM alembic_version")) \
                if "alembic_version" in tables else frozenset()
            problems = [r[0] for r in conn.execute("PRAGMA quick_check")] if deep else ["ok"]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DamagedDatabaseError(path, _sqlite_reason(exc)) from exc
    if problems != ["ok"]:
        raise DamagedDatabaseError(path, "；".join(problems[:3]))
    found = Recognition(OURS, app_id, user_version, revisions)
    known = all_revisions()
    if app_id == APPLICATION_ID:
        if user_version > schema_generation() or not revisions <= known:
            raise NewerDatabaseError(f"{path} 由更新版本的本程序创建（结构版本 {'、'.join(sorted(revisions)) or user_version}），"
                                     "请升级程序后再打开。")
        if not revisions or not tables >= CORE_TABLES:
            raise DamagedDatabaseError(path, "数据表不全：缺少 " + "、".join(sorted(CORE_TABLES - tables)
                                                                   or ["结构版本记录"]))
        return found
    user_tables = {t for t in tables if not t.startswith("sqlite_")}
    if not user_tables:
        return Recognition(NEW, app_id, user_version)
    if revisions and tables >= CORE_TABLES:
        if revisions <= known:
            return Recognition(FIRST_RELEASE, app_id, user_version, revisions)
        raise NewerDatabaseError(f"{path} 由更新版本的本程序创建（结构版本 {'、'.join(sorted(revisions))}），"
                                 "请升级程序后再打开。")
    raise ForeignDatabaseError(f"{path} 是另一个程序的 SQLite 数据库（表 {'、'.join(sorted(user_tables)[:5])}），"
                               "不是本程序的数据库。")


def ready_as_is(path: Path, today: dt.date | None = None) -> sqlite3.Connection | None:
    """A connection for reading (query_only) to the database at `path` when opening it has nothing to do.

    That is: our database, stamped at this release's schema (the migrations' heads, so no upgrade
    and no backup before one), writable, without accounts (no login), its daily quick check done
    today. None otherwise, and on any problem: the full open then does what is needed and says why.
    Writes nothing, raises nothing; the caller closes the connection.
    """
    try:
        found = recognise(path)
    except DangxunError:
        return None
    if (found.kind != OURS or found.needs_stamp or set(found.revisions) != head_revisions()
            or not is_writable(path)):
        return None
    conn: sqlite3.Connection | None = None
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=rw", uri=True, timeout=5.0)
        conn.execute("PRAGMA query_only=ON")
        day = conn.execute("SELECT value FROM setting WHERE key = ?", (QUICK_CHECK_KEY,)).fetchone()
        accounts = conn.execute("SELECT 1 FROM account LIMIT 1").fetchone()
        if accounts is None and day is not None and day[0] == (today or dt.date.today()).isoformat():
            return conn
    except sqlite3.Error:
        pass
    if conn is not None:
        conn.close()
    return None


def _sqlite_reason(exc: BaseException) -> str:
    text = str(exc).lower()
    if "malformed" in text or "corrupt" in text:
        return "数据页已损坏"
    if "not a database" in text:
        return "文件内容已损坏，不能作为数据库读取"
    if "unable to open" in text:
        return "无法打开（文件或其日志文件不可读）"
    return str(exc)


def full_check(path: Path, *, quick: bool = False) -> list[str]:
    """`PRAGMA integrity_check` as a list of problems (empty when sound); a file SQLite cannot read is one.

    `quick` runs `PRAGMA quick_check`: every page is read and its structure checked, but indexes are not
    matched against their tables (O(N) rather than O(N log N): a tenth of the time on a large file).
    """
    try:
        conn = sqlite3.connect(str(path), timeout=5.0) if is_writable(path) else connect_readonly(path)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA quick_check" if quick else "PRAGMA integrity_check")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return [_sqlite_reason(exc)]
    return [] if rows == ["ok"] else rows


def stamp(conn: sqlite3.Connection) -> None:
    """Mark a database as ours, brought to this release's schema."""
    conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version={schema_generation()}")


def stamp_file(path: Path) -> None:
    conn = sqlite3.connect(str(path), timeout=5.0)
    try:
        stamp(conn)
        conn.commit()
    finally:
        with contextlib.suppress(sqlite3.Error):
            conn.close()
