"""The one way a file is written: a temporary file in the target folder, flushed, renamed when complete.

    with safe_target(out) as tmp:
        workbook.save(tmp)

A failure anywhere (a full disk, no permission, a folder in the way, a file held open by another
program) removes the temporary file, leaves any earlier file at `out` as it was, and raises
FileWriteError (exit code 1) whose Chinese message names the file and the reason. A database file
(the program's own, or a backup) is replaced only by another database, never by an export.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from services.errors import CancelledError, DangxunError

# errno → the reason, as a clerk reads it.
_REASONS = {
    errno.ENOSPC: "磁盘已满",
    errno.EDQUOT: "磁盘已满（超出磁盘配额）",
    errno.EFBIG: "文件太大，磁盘放不下",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "没有写入权限（磁盘是只读的）",
    errno.EISDIR: "是一个文件夹",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.ENOENT: "文件夹不存在",
    errno.EBUSY: "文件正被其他程序占用",
    errno.ETXTBSY: "文件正被其他程序占用",
    errno.EIO: "磁盘读写出错",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EINVAL: "文件名不合法",
}
# Windows: ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION, ERROR_ACCESS_DENIED, ERROR_DISK_FULL, ERROR_HANDLE_DISK_FULL.
_WINERRORS = {32: "文件正被其他程序占用", 33: "文件正被其他程序占用", 5: "没有写入权限", 112: "磁盘已满", 39: "磁盘已满"}


class FileWriteError(DangxunError):
    """A file could not be written; nothing was left half-written and the database was not touched."""

    exit_code = 1


def reason_of(exc: BaseException) -> str:
    """The Chinese reason of an OS error (磁盘已满 / 没有写入权限 / 是一个文件夹 / 文件正被其他程序占用 …)."""
    winerror = getattr(exc, "winerror", None)
    if isinstance(winerror, int) and winerror in _WINERRORS:
        return _WINERRORS[winerror]
    code = getattr(exc, "errno", None)
    if isinstance(code, int) and code in _REASONS:
        return _REASONS[code]
    text = str(exc).lower()
    if "no space" in text or "disk full" in text or "disk is full" in text:
        return "磁盘已满"
    if "permission" in text or "read-only" in text or "readonly" in text:
        return "没有写入权限"
    if "is a directory" in text:
        return "是一个文件夹"
    return "无法写入（" + (getattr(exc, "strerror", None) or type(exc).__name__) + "）"


def write_error(path: Path | str, exc: BaseException) -> FileWriteError:
    """The refusal for a file that could not be written: names the file and says why, in Chinese."""
    return FileWriteError(f"无法写入文件 {path}：{reason_of(exc)}。文件没有写成，数据库未作改动。")


def check_target(out: Path) -> None:
    """Refuse at once a target that is a folder or whose folder cannot be made."""
    if out.is_dir():
        raise FileWriteError(f"无法写入文件 {out}：{out} 是一个文件夹，请给出文件名。数据库未作改动。")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:  # a file where a folder of the path should be
        blocker = next((p for p in out.parents if p.exists() and not p.is_dir()), out.parent)
        raise FileWriteError(f"无法写入文件 {out}：{blocker} 是一个文件，不是文件夹。数据库未作改动。") from exc
    except OSError as exc:
        raise FileWriteError(f"无法写入文件 {out}：无法建立文件夹 {out.parent}（{reason_of(exc)}）。"
                             "数据库未作改动。") from exc
    if not out.parent.is_dir():
        raise FileWriteError(f"无法写入文件 {out}：{out.parent} 不是文件夹。数据库未作改动。")


_DATABASE_HEADER = b"SQLite format 3\x00"
# A database's write-ahead log and rollback journal hold committed or half-committed pages of it.
_COMPANION_HEADERS = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83", b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7")


def is_database_file(path: Path) -> bool:
    """Whether `path` is a SQLite database (the program's database or a backup of it), or its log or journal."""
    try:
        with path.open("rb") as fh:
            head = fh.read(len(_DATABASE_HEADER))
    except OSError:
        return False
    return head == _DATABASE_HEADER or head.startswith(_COMPANION_HEADERS)


_A_DATABASE = "它是一个数据库文件（本程序的数据库或备份），不能被覆盖；请另选文件名"


def _refuse_replacing_a_database(out: Path, tmp: Path) -> None:
    """An export (a PDF, a workbook …) never replaces a database file: a mistyped name must not erase the roll."""
    if is_database_file(out) and not is_database_file(tmp):
        raise FileWriteError(f"无法写入文件 {out}：{_A_DATABASE}。文件没有写成，数据库未作改动。")


def temp_path_for(out: Path) -> Path:
    """A fresh hidden name beside `out`, keeping its suffix (some writers look at it)."""
    return out.with_name(f".{out.stem}.{secrets.token_hex(4)}.part{out.suffix}")


def _fsync_file(path: Path) -> None:
    fd = os.open(str(path), os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # a folder cannot be opened for fsync on Windows; the rename is journalled
        return
    with contextlib.suppress(OSError):
        fd = os.open(str(folder), os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _discard(tmp: Path) -> None:
    for leftover in (tmp, tmp.with_name(tmp.name + "-journal"), tmp.with_name(tmp.name + "-wal"),
                     tmp.with_name(tmp.name + "-shm")):
        with contextlib.suppress(OSError):
            leftover.unlink()


@contextmanager
def safe_target(out: Path | str) -> Iterator[Path]:
    """A temporary path in `out`'s folder to write the whole file to; renamed onto `out` only when complete."""
    out = Path(out)
    check_target(out)
    tmp = temp_path_for(out)
    try:
        yield tmp
        if not tmp.exists():
            raise FileWriteError(f"无法写入文件 {out}：没有写出任何内容。数据库未作改动。")
        _refuse_replacing_a_database(out, tmp)
        _fsync_file(tmp)
        os.replace(tmp, out)
    except (DangxunError, CancelledError):
        _discard(tmp)
        raise
    except OSError as exc:
        _discard(tmp)
        raise write_error(out, exc) from exc
    except BaseException:
        _discard(tmp)
        raise
    _fsync_dir(out.parent)


def write_bytes(out: Path | str, data: bytes) -> Path:
    """Write `data` to `out` through `safe_target`."""
    with safe_target(out) as tmp, tmp.open("wb") as fh:
        fh.write(data)
    return Path(out)


def write_text(out: Path | str, text: str, encoding: str = "utf-8") -> Path:
    return write_bytes(out, text.encode(encoding))


def copy_file(source: Path | str, out: Path | str) -> Path:
    """Copy a file (with its times) through `safe_target`."""
    import shutil

    with safe_target(out) as tmp:
        shutil.copy2(source, tmp)
    return Path(out)


def save_workbook(workbook: Any, out: Path | str) -> Path:
    """An openpyxl workbook saved through `safe_target`."""
    with safe_target(out) as tmp:
        workbook.save(str(tmp))
    return Path(out)


def build_pdf(doc: Any, out: Path | str, story: list[Any], **kwargs: Any) -> Path:
    """A ReportLab document template built through `safe_target` (its own filename is replaced)."""
    with safe_target(out) as tmp:
        doc.filename = str(tmp)
        doc.build(story, **kwargs)
    return Path(out)


def save_canvas(canvas: Any, out: Path | str) -> Path:
    """A ReportLab canvas saved through `safe_target`."""
    with safe_target(out) as tmp:
        canvas._filename = str(tmp)  # where Canvas.save writes; set just before it does
        canvas.save()
    return Path(out)


def write_together(jobs: Sequence[tuple[Path | str, Callable[[Path], object]]]) -> list[Path]:
    """Several files written as one (a report and its workbook): all of them new, or none changed.

    Each `write(path)` writes its whole file to a temporary path beside its target (through the
    writers above: `safe_target` works on any path). Only when every file is complete, and none
    would replace a database, are they renamed into place; a rename that still fails puts back the
    targets already replaced. Any failure removes the temporary files and raises FileWriteError
    naming the file that could not be written and saying that none of them was written.
    """
    outs = [Path(out) for out, _write in jobs]
    staged: list[Path] = []

    def refused(out: Path, reason: str) -> FileWriteError:
        none = (f"{'、'.join(str(o) for o in outs)} 都没有写成（原有的文件未作改动）" if len(outs) > 1
                else "文件没有写成")
        return FileWriteError(f"无法写入文件 {out}：{reason}。{none}，数据库未作改动。")

    try:
        for out, (_target, write) in zip(outs, jobs, strict=True):
            try:
                check_target(out)
                tmp = temp_path_for(out)
                staged.append(tmp)
                write(tmp)
                if not tmp.exists():
                    raise FileWriteError("没有写出任何内容")
            except FileWriteError as exc:  # its message names `out` or the temporary file
                raise refused(out, _reason_in(exc.message, out, staged[-1] if staged else out)) from exc
            except OSError as exc:
                raise refused(out, reason_of(exc)) from exc
        for out, tmp in zip(outs, staged, strict=True):
            if is_database_file(out) and not is_database_file(tmp):
                raise refused(out, _A_DATABASE)
            try:
                _fsync_file(tmp)
            except OSError as exc:
                raise refused(out, reason_of(exc)) from exc
        _move_into_place(outs, staged, refused)
    finally:
        for tmp in staged:
            _discard(tmp)
    for folder in {out.parent for out in outs}:
        _fsync_dir(folder)
    return outs


def _reason_in(message: str, *paths: Path) -> str:
    """The reason said in a FileWriteError's message, without its 无法写入文件 … and 数据库未作改动."""
    for path in paths:
        message = message.removeprefix(f"无法写入文件 {path}：")
    for tail in ("文件没有写成，数据库未作改动。", "数据库未作改动。"):
        message = message.removesuffix(tail)
    return message.rstrip("。；，")


def _move_into_place(outs: list[Path], staged: list[Path], refused: Callable[[Path, str], FileWriteError]) -> None:
    """Rename each staged file onto its target; on a failure put back the targets already replaced."""
    kept: list[tuple[Path, Path | None]] = []  # (target, its earlier content set aside, or None if it was new)
    try:
        for out, tmp in zip(outs, staged, strict=True):
            try:
                aside = _set_aside(out) if out.exists() else None
                kept.append((out, aside))
                os.replace(tmp, out)
            except OSError as exc:
                raise refused(out, reason_of(exc)) from exc
    except BaseException:
        for out, aside in reversed(kept):
            with contextlib.suppress(OSError):
                if aside is None:
                    out.unlink(missing_ok=True)
                else:
                    os.replace(aside, out)
        raise
    finally:
        for _out, aside in kept:
            if aside is not None:
                with contextlib.suppress(OSError):
                    aside.unlink()


def _set_aside(out: Path) -> Path:
    """A second name for `out`'s current content (a hard link; a copy where links are not supported)."""
    import shutil

    aside = temp_path_for(out)
    try:
        os.link(out, aside)
    except (OSError, AttributeError):
        shutil.copy2(out, aside)
    return aside
