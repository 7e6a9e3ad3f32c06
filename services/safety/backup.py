"""Dated backups (SQLite backup API, checked after writing), their pruning, and restore.

A backup is `<db stem>-YYYYMMDD-HHMMSS-<reason>.sqlite3` in the backups folder (the user's data
folder, `backups/`), with a `.json` beside it holding the data version (the id of the newest
change-log entry that is not itself a backup event), the member count and the schema revision.
Kept: everything from today and yesterday, then the newest of each of 12 days, 10 weeks and
9 months (the scheme of Anki's backups).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import ChangeLog, Member, Setting
from services.changes import NON_DATA_ACTIONS
from services.errors import DangxunError, UnreadableFileError
from services.files import safe_write
from services.files.safe_write import write_error
from services.paths import data_dir
from services.safety import audit
from services.safety.recognise import DamagedDatabaseError, connect_readonly, file_origin
from services.safety.storage import (
    Database,
    copy_database,
    current_revisions,
    integrity_check,
)

KEEP_DAILY = 12
KEEP_WEEKLY = 10
KEEP_MONTHLY = 9
AUTO_INTERVAL = dt.timedelta(minutes=30)
SECOND_FOLDER_KEY = "backup.second_folder"

# The copy services.safety.storage makes before a schema upgrade: `<stem>.before-upgrade-YYYYMMDD-HHMMSS.sqlite3`.
_UPGRADE_RE = re.compile(r"^(?P<stem>.+)\.before-upgrade-(?P<date>\d{8})-(?P<time>\d{6})\.sqlite3$")
_NAME_RE = re.compile(r"^(?P<stem>.+)-(?P<date>\d{8})-(?P<time>\d{6})(?:-(?P<reason>[a-z0-9]+))?(?P<n>~\d+)?\.sqlite3$")
REASON_LABELS = {
    "manual": "手动", "start": "启动时", "auto": "定时", "import": "导入前", "restore": "恢复前",
    "migrate": "升级前", "exit": "退出时", "before": "操作前",
}


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: dt.datetime
    reason: str
    size: int
    members: int | None
    data_version: int | None
    schema: tuple[str, ...]
    # The entry hash of the database's first change-log entry: which database this is a backup of (two
    # databases may share a file name); None when its log was empty or it cannot be read.
    origin: str | None = None
    database: str | None = None  # the file (or server) it was taken of, as its companion .json records it

    @property
    def reason_label(self) -> str:
        return REASON_LABELS.get(self.reason, self.reason)


@dataclass(frozen=True)
class BackupResult:
    info: BackupInfo
    second_copy: Path | None = None
    second_error: str | None = None
    pruned: tuple[Path, ...] = ()



# ---------------------------------------------------------------- retention (pure)

def choose_kept(stamps: Iterable[dt.datetime], now: dt.datetime,
                daily: int = KEEP_DAILY, weekly: int = KEEP_WEEKLY, monthly: int = KEEP_MONTHLY) -> set[dt.datetime]:
    """Which backups to keep: all of today and yesterday, then newest-first the newest backup
    of each of `daily` further days, of `weekly` further ISO weeks and `monthly` further months.

    A backup kept for its day also stands for its week and month, so those slots go further back.
    Backups dated in the future (a clock set wrong) are kept.
    """
    today = now.date()
    yesterday = today - dt.timedelta(days=1)
    kept: set[dt.datetime] = set()
    last_day: dt.date | None = None
    last_week: tuple[int, int] | None = None
    last_month: tuple[int, int] | None = None
    left = {"d": daily, "w": weekly, "m": monthly}
    for stamp in sorted(set(stamps), reverse=True):
        day = stamp.date()
        week = day.isocalendar()[:2]
        month = (day.year, day.month)
        if day >= yesterday:
            kept.add(stamp)
            last_day, last_week, last_month = day, week, month
            continue
        # The tiers follow one another: weeks only once the days are used up, months after weeks.
        if left["d"] > 0:
            if day == last_day:
                continue
            left["d"] -= 1
        elif left["w"] > 0:
            if week == last_week:
                continue
            left["w"] -= 1
        elif left["m"] > 0:
            if month == last_month:
                continue
            left["m"] -= 1
        else:
            break
        kept.add(stamp)
        last_day, last_week, last_month = day, week, month
    return kept


# ---------------------------------------------------------------- folders and listing

# Free-text reasons other features give (「导入花名册 x.xlsx 之前」) map to a file-name word.
_REASON_WORDS = (("导入", "import"), ("import", "import"), ("恢复", "restore"), ("restore", "restore"),
                 ("升级", "migrate"), ("迁移", "migrate"), ("migrat", "migrate"), ("启动", "start"),
                 ("定时", "auto"), ("退出", "exit"))


def reason_slug(reason: str) -> str:
    """The word a backup's file name carries: `reason` itself when it is one, else a word found in it."""
    if re.fullmatch(r"[a-z0-9]+", reason):
        return reason
    lowered = reason.lower()
    for needle, word in _REASON_WORDS:
        if needle in lowered:
            return word
    return "before"

def default_backups_dir() -> Path:
    return data_dir() / "backups"


def backup_name(db_path: Path, when: dt.datetime, reason: str) -> str:
    return f"{db_path.stem}-{when:%Y%m%d-%H%M%S}-{reason}.sqlite3"


def parse_backup_name(name: str) -> tuple[str, dt.datetime, str] | None:
    m = _UPGRADE_RE.match(name) or _NAME_RE.match(name)
    if not m:
        return None
    reason = "migrate" if m.re is _UPGRADE_RE else (m["reason"] or "")
    try:
        when = dt.datetime.strptime(m["date"] + m["time"], "%Y%m%d%H%M%S")
    except ValueError:
        return None
    return m["stem"], when, reason


def database_origin(session: Session) -> str | None:
    """The origin of the database `session` is on (any backend)."""
    value = session.scalar(select(ChangeLog.entry_hash).order_by(ChangeLog.id).limit(1))
    return str(value) if value else None


def same_database(origin: str | None, live: str | None) -> bool:
    """Whether a backup of `origin` may be one of the database of origin `live`: two databases of one file
    name (a copy kept in another folder, last year's archive) each keep their own backups apart. Unknown on
    either side: the file name alone decides, as before origins were kept."""
    return origin is None or live is None or origin == live


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def read_backup_info(path: Path) -> BackupInfo:
    """Date, size, member count and schema of one backup file (from its .json, else from the file)."""
    path = Path(path)
    parsed = parse_backup_name(path.name)
    meta: dict[str, object] = {}
    try:
        meta = json.loads(_sidecar(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        meta = {}
    if parsed:
        created, reason = parsed[1], parsed[2]
    else:
        created, reason = dt.datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0), ""
    members = meta.get("members")
    origin = meta.get("origin") if "origin" in meta else file_origin(path)
    raw_schema = meta.get("schema")
    schema: tuple[str, ...] = tuple(str(v) for v in raw_schema) if isinstance(raw_schema, list) else ()
    data_version = meta.get("data_version")
    if members is None:
        members, schema_read, data_version = _peek(path)
        schema = schema or schema_read
    return BackupInfo(path=path, created=created, reason=reason, size=path.stat().st_size,
                      members=members if isinstance(members, int) else None,
                      data_version=data_version if isinstance(data_version, int) else None,
                      schema=schema, origin=origin if isinstance(origin, str) and origin else None,
                      database=str(meta["database"]) if meta.get("database") else None)


def _peek(path: Path) -> tuple[int | None, tuple[str, ...], int | None]:
    """Read member count, schema and data version straight from a database file (read-only)."""
    try:
        conn = connect_readonly(path)  # a path, never a URI: "备份#1" is a folder's name
    except sqlite3.Error:
        return None, (), None
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        members = conn.execute("SELECT count(*) FROM member").fetchone()[0] if "member" in tables else None
        schema = tuple(sorted(r[0] for r in conn.execute("SELECT version_num FROM alembic_version"))) \
            if "alembic_version" in tables else ()
        marks = ",".join("?" * len(NON_DATA_ACTIONS))
        version = conn.execute(f"SELECT max(id) FROM change_log WHERE action NOT IN ({marks})",
                               NON_DATA_ACTIONS).fetchone()[0] if "change_log" in tables else None
        return members, schema, version or 0
    except sqlite3.Error:
        return None, (), None
    finally:
        conn.close()


def list_backups(folder: Path | None = None, db_path: Path | None = None) -> list[BackupInfo]:
    """The backups in `folder`, newest first; with `db_path`, only those of that database (its file name,
    and its origin when both are known: `same_database`)."""
    folder = folder or default_backups_dir()
    if not folder.is_dir():
        return []
    live = file_origin(Path(db_path)) if db_path is not None and Path(db_path).is_file() else None
    found = []
    for path in folder.glob("*.sqlite3"):
        parsed = parse_backup_name(path.name)
        if parsed is None or (db_path is not None and parsed[0] != Path(db_path).stem):
            continue
        try:
            info = read_backup_info(path)
        except OSError:
            continue
        # Taken of this very file: its own, even of the database it held before a restore from another's backup.
        if db_path is None or same_database(info.origin, live) or (
                info.database is not None and Path(info.database).resolve() == Path(db_path).resolve()):
            found.append(info)
    found.sort(key=lambda b: (b.created, b.path.name), reverse=True)
    return found


# ---------------------------------------------------------------- state of the live database



def data_version(session: Session) -> int:
    """The newest change-log id that records a change of data: it moves whenever data changes."""
    value = session.scalar(select(func.max(ChangeLog.id)).where(ChangeLog.action.not_in(NON_DATA_ACTIONS)))
    return int(value or 0)


def member_count(session: Session) -> int:
    return int(session.scalar(select(func.count(Member.id))) or 0)


def second_folder(session: Session) -> Path | None:
    """The optional second backup folder (e.g. a USB drive), from the `setting` table."""
    value = session.get(Setting, SECOND_FOLDER_KEY)
    return Path(value.value) if value is not None and value.value.strip() else None


def set_second_folder(session: Session, folder: Path | str | None, actor: str) -> None:
    from services.safety import changelog

    setting = session.get(Setting, SECOND_FOLDER_KEY)
    old = setting.value if setting else ""
    new = str(folder) if folder else ""
    if old == new:
        return
    if setting is None:
        session.add(Setting(key=SECOND_FOLDER_KEY, value=new))
    else:
        setting.value = new
    session.flush()
    changelog.record(session, actor, "update", "setting", None, "修改第二备份文件夹",
                     {SECOND_FOLDER_KEY: (old or None, new or None)})


def last_backup(db: Database, folder: Path | None = None) -> BackupInfo | None:
    assert db.path is not None
    backups = list_backups(folder, db.path)
    return backups[0] if backups else None


def newest_good_backup(db_path: Path, folder: Path | None = None, tries: int = 5) -> BackupInfo | None:
    """The newest backup of `db_path` that passes the integrity check (the newest `tries` are looked at)."""
    for info in list_backups(folder, db_path)[:tries]:
        if not integrity_check(info.path):
            return info
    return None


def _companions(db_path: Path) -> set[Path]:
    """The files SQLite and the lock keep beside the database, resolved."""
    from services.safety.lock import lock_path_for

    base = db_path.resolve()
    return {base.with_name(base.name + s) for s in ("-wal", "-shm", "-journal")} | {lock_path_for(base)}


def damage_with_backup(exc: DamagedDatabaseError, folder: Path | None = None) -> DamagedDatabaseError:
    """The damage refusal, naming the newest good backup of the damaged file."""
    try:
        good = newest_good_backup(exc.path, folder)
    except OSError:
        good = None
    if good is None:
        return exc.with_backup(None)
    members = f"，{good.members}名党员" if good.members is not None else ""
    return exc.with_backup(good.path, f"（{good.created:%Y-%m-%d %H:%M}{members}）")


def needs_backup(db: Database, folder: Path | None = None) -> bool:
    """Whether anything changed since the newest backup of this database."""
    with db.session_factory() as s:
        version = data_version(s)
        members = member_count(s)
    last = last_backup(db, folder)
    if last is None:
        return version > 0 or members > 0
    return last.data_version != version


# ---------------------------------------------------------------- making backups

def backup_now(db: Database, actor: str, reason: str = "manual", folder: Path | None = None,
               target: Path | None = None, now: dt.datetime | None = None,
               prune: bool = True, log: bool = True) -> BackupResult:
    """Copy the live database with the backup API, check the copy, record the event, prune.

    `target` writes to that file instead of the backups folder (the command line's `backup OUT`).
    Without `log` the event is neither recorded nor the folder pruned: `log_backup` does both once
    the backup is kept, `discard_backup` removes it (a backup taken ahead of a write that did not happen).
    """
    # A server database is snapshotted to a file named after the database (services/safety/copying.py).
    named = db.path if db.path is not None else Path(db.url.rsplit("/", 1)[-1].split("?")[0] + ".sqlite3")
    note = reason
    reason = reason_slug(reason)
    now = (now or dt.datetime.now()).replace(microsecond=0)
    folder = folder or default_backups_dir()
    with db.session_factory() as s:
        version = data_version(s)
        members = member_count(s)
        origin = database_origin(s)
        extra = second_folder(s) if target is None else None
    schema = tuple(sorted(current_revisions(db.engine)))
    explicit = target
    if target is None:
        target = folder / backup_name(named, now, reason)
        n = 1
        while target.exists():  # two backups in one second: keep both
            n += 1
            target = folder / (target.name.split(".sqlite3")[0].split("~")[0] + f"~{n}.sqlite3")
    target = Path(target)
    if db.path is not None and target.resolve() == db.path.resolve():
        raise UnreadableFileError("备份文件不能与数据库本身是同一个文件")
    if db.path is not None and target.resolve() in _companions(db.path):
        # SQLite removes its -wal and -shm files on closing, the lock file goes with the lock: the backup would vanish.
        raise UnreadableFileError(f"备份文件 {target} 是数据库的附属文件（日志或锁文件），会被程序删除；请另选文件名。")
    try:
        if db.path is None:
            from services.safety import copying

            target.parent.mkdir(parents=True, exist_ok=True)
            copying.copy_database(db, target)
        else:
            copy_database(db.engine, target)
        # The copy inherits WAL mode; a backup is a single self-contained file, so switch it back.
        _checkpoint(target)
    except (OSError, sqlite3.Error) as exc:
        raise write_error(target, exc) from exc
    # The copy is SQLite's own page-for-page copy of a database that is open and sound: reading back
    # every page and checking its structure catches a bad disk; the full check (indexes against
    # tables) runs when a backup is chosen for a restore (restore.py) or looked for after damage.
    problems = integrity_check(target, quick=True)
    if problems:
        bad = target.with_name(target.name + ".bad")
        target.replace(bad)
        raise DangxunError(f"备份文件 {target} 写入后检查未通过（{'；'.join(problems[:3])}），已改名为 {bad.name}。"
                           "请检查磁盘后重试。")
    meta = {"created": now.isoformat(), "reason": reason, "note": note, "data_version": version, "members": members,
            "schema": list(schema), "database": str(db.path) if db.path is not None else db.where,
            "origin": origin}
    if explicit is None:  # a file the user named gets no companion; its facts are read from it
        safe_write.write_text(_sidecar(target), json.dumps(meta, ensure_ascii=False, indent=1))
    info = BackupInfo(path=target, created=now, reason=reason, size=target.stat().st_size,
                      members=members, data_version=version, schema=schema, origin=origin)
    second_copy: Path | None = None
    second_error: str | None = None
    if extra is not None:
        try:
            extra.mkdir(parents=True, exist_ok=True)
            second_copy = safe_write.copy_file(target, extra / target.name)
            if _sidecar(target).exists():
                safe_write.copy_file(_sidecar(target), extra / _sidecar(target).name)
        except (OSError, DangxunError) as exc:
            # A missing USB drive must not make the main backup fail.
            why = exc.message if isinstance(exc, DangxunError) else safe_write.reason_of(exc)
            second_error = f"第二备份文件夹 {extra} 不可用：{why}"
            second_copy = None
    result = BackupResult(info, second_copy, second_error, ())
    if not log:
        return result
    return log_backup(db, actor, result, note, folder if prune else None)


def log_backup(db: Database, actor: str, result: BackupResult, note: str,
               folder: Path | None = None) -> BackupResult:
    """Record a backup in the log and, given its folder, prune that folder (and the second copy's)."""
    with db.session_factory.begin() as s:
        record_backup(s, actor, result, note)
    return prune_after(db, result, folder)


def record_backup(session: Session, actor: str, result: BackupResult, note: str) -> None:
    """The log entry of a backup, in the caller's transaction (a write records the backup taken before it
    together with what it writes: a write that rolls back leaves no entry, and its backup is discarded)."""
    target, reason = result.info.path, result.info.reason
    why = REASON_LABELS.get(reason, reason) if note == reason else note
    if why.isascii():  # an operation's key given as the reason (`survey-import`): its Chinese name
        why = f"{audit.action_label(why)}之前"
    audit.record_event(session, actor, "backup", f"备份数据库到 {target.name}（{why}）",
                       {"path": str(target), "members": result.info.members, "reason": why,
                        "second_copy": str(result.second_copy) if result.second_copy else None})


def prune_after(db: Database, result: BackupResult, folder: Path | None = None) -> BackupResult:
    """Once a backup is kept: given its folder, prune that folder (and the second copy's)."""
    target = result.info.path
    named = db.path if db.path is not None else Path(db.url.rsplit("/", 1)[-1].split("?")[0] + ".sqlite3")
    pruned: list[Path] = []
    if folder is not None and target.parent == folder:
        now = result.info.created
        origin = result.info.origin
        pruned += prune_backups(folder, named, now, origin)
        if result.second_copy is not None:
            pruned += prune_backups(result.second_copy.parent, named, now, origin)
    return BackupResult(result.info, result.second_copy, result.second_error, tuple(pruned))


def discard_backup(result: BackupResult) -> None:
    """Delete a backup that was never logged (with its companion file and its second copy)."""
    for path in (result.info.path, result.second_copy):
        if path is None:
            continue
        for victim in (path, _sidecar(path)):
            with contextlib.suppress(FileNotFoundError):
                victim.unlink()


def prune_backups(folder: Path, db_path: Path, now: dt.datetime | None = None,
                  origin: str | None = None) -> list[Path]:
    """Delete the backups of `db_path` in `folder` that `choose_kept` does not keep; with `origin`, only that
    database's (another database of the same file name keeps its own: `same_database`)."""
    now = now or dt.datetime.now()
    by_stamp: dict[dt.datetime, list[Path]] = {}
    for path in folder.glob("*.sqlite3"):
        parsed = parse_backup_name(path.name)
        if parsed and parsed[0] == db_path.stem:
            if origin is not None and not same_database(read_backup_info(path).origin, origin):
                continue
            by_stamp.setdefault(parsed[1], []).append(path)
    kept = choose_kept(by_stamp, now)
    removed = []
    for stamp, paths in by_stamp.items():
        if stamp in kept:
            continue
        for path in paths:
            for victim in (path, _sidecar(path)):
                with contextlib.suppress(FileNotFoundError):
                    victim.unlink()
            removed.append(path)
    return removed


def backup_before(db: Database, reason: str, actor: str = "系统",
                  folder: Path | None = None, log: bool = True) -> BackupResult | None:
    """A backup before an import, restore or migration.

    `reason` is a word (import, restore, migrate) or a sentence such as “导入花名册 x.xlsx 之前”,
    which is kept in the log and in the backup's companion file.

    Skipped for a database that holds nothing yet, and on a server, where the import's own
    transaction and the server's backups stand for it.
    """
    if db.is_server:
        return None
    with db.session_factory() as s:
        empty = data_version(s) == 0 and member_count(s) == 0
    if empty:
        return None
    return backup_now(db, actor, reason, folder, log=log)


def backup_on_start(db: Database, actor: str = "系统", folder: Path | None = None) -> BackupResult | None:
    """At start: a backup when anything changed since the newest one (files only)."""
    if db.is_server or not needs_backup(db, folder):
        return None
    return backup_now(db, actor, "start", folder)


def backup_if_due(db: Database, actor: str = "系统", folder: Path | None = None,
                  now: dt.datetime | None = None, interval: dt.timedelta = AUTO_INTERVAL) -> BackupResult | None:
    """For a timer: a backup when data changed and the newest backup is `interval` old or older."""
    if db.is_server:
        return None
    now = now or dt.datetime.now()
    last = last_backup(db, folder)
    if last is not None and now - last.created < interval:
        return None
    if not needs_backup(db, folder):
        return None
    return backup_now(db, actor, "auto", folder, now=now)


# ---------------------------------------------------------------- restore


def _checkpoint(path: Path, timeout: float = 5.0) -> None:
    """Fold the WAL into the main file and let SQLite delete it."""
    conn = sqlite3.connect(str(path), timeout=timeout)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()


class BackupAhead:
    """The backup a coming write needs, taken in a thread of its own while the caller reads and checks.

    SQLite copies and checks the file without holding Python's lock, so on a large database the
    backup costs next to nothing beside an import's reading and checking. Nothing else can write
    meanwhile (this process holds the one-writer lock), so the copy is the state the write starts
    from. `keep()` waits for it and logs it (Workspace.write does, given the handle); `discard()`
    removes it when the write does not happen (a refused import, nothing to change).
    """

    def __init__(self, db: Database, reason: str, actor: str, folder: Path | None = None) -> None:
        self._args = (db, reason, actor, folder)
        self._result: BackupResult | None = None
        self._error: BaseException | None = None
        self._done = False
        self._thread = threading.Thread(target=self._run, name="backup-ahead", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        db, reason, actor, folder = self._args
        try:
            self._result = backup_before(db, reason, actor, folder, log=False)
        except BaseException as exc:  # handed to the caller's thread in keep()
            self._error = exc

    def keep(self) -> BackupResult | None:
        """Wait for the backup, log it and prune (once); raise what stopped it."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        if self._result is not None and not self._done:
            db, reason, actor, _folder = self._args
            self._result = log_backup(db, actor, self._result, reason, self._result.info.path.parent)
        self._done = True
        return self._result

    def take(self) -> tuple[BackupResult | None, str]:
        """Wait for the backup and hand it over unlogged, with its reason: the caller records it with its write
        (record_backup) or discards it; keep() and discard() then do nothing more."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        self._done = True
        return self._result, self._args[1]

    def discard(self) -> None:
        """Wait for the backup and delete it, unless kept."""
        self._thread.join()
        if self._result is not None and not self._done:
            discard_backup(self._result)
        self._done = True

