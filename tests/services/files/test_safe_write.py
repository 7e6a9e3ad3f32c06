"""Every file is written whole or not at all, and a failure is said in Chinese."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from services.files import safe_write
from services.files.safe_write import FileWriteError, safe_target


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".part" in p.name)


def test_written_whole_and_renamed(tmp_path: Path) -> None:
    out = tmp_path / "a.txt"
    safe_write.write_text(out, "第一版")
    safe_write.write_text(out, "第二版")
    assert out.read_text(encoding="utf-8") == "第二版"
    assert _leftovers(tmp_path) == []


def test_a_failure_keeps_the_earlier_file_and_removes_the_temporary(tmp_path: Path) -> None:
    out = tmp_path / "a.xlsx"
    out.write_bytes(b"old")
    with pytest.raises(FileWriteError) as caught, safe_target(out) as tmp:
        tmp.write_bytes(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert "磁盘已满" in caught.value.message and str(out) in caught.value.message
    assert caught.value.exit_code == 1
    assert out.read_bytes() == b"old"
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize(("code", "words"), [
    (errno.ENOSPC, "磁盘已满"), (errno.EACCES, "没有写入权限"), (errno.EPERM, "没有写入权限"),
    (errno.EROFS, "没有写入权限"), (errno.EISDIR, "是一个文件夹"), (errno.EBUSY, "文件正被其他程序占用"),
    (errno.ETXTBSY, "文件正被其他程序占用"),
])
def test_reasons_in_chinese(code: int, words: str) -> None:
    assert words in safe_write.reason_of(OSError(code, os.strerror(code)))


def test_windows_sharing_violation_is_a_file_in_use() -> None:
    exc = OSError(errno.EACCES, "denied")
    exc.winerror = 32  # type: ignore[attr-defined]
    assert safe_write.reason_of(exc) == "文件正被其他程序占用"


def test_a_folder_as_target_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileWriteError, match="是一个文件夹"):
        safe_write.write_bytes(tmp_path, b"x")


def test_full_disk_at_fsync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(safe_write.os, "fsync", full)
    with pytest.raises(FileWriteError, match="磁盘已满"):
        safe_write.write_bytes(tmp_path / "b.bin", b"data")
    assert not (tmp_path / "b.bin").exists()
    assert _leftovers(tmp_path) == []


def test_workbook_and_pdf_go_through_the_helper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from services.roll.roll_export import export_records

    out = tmp_path / "roll.xlsx"
    for mode in ("direct", "normal", "write_only"):
        export_records([], out, mode=mode)
        assert out.stat().st_size > 0
    real = os.replace

    def refuse(src: str, dst: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(safe_write.os, "replace", refuse)
    before = out.read_bytes()
    with pytest.raises(FileWriteError, match="磁盘已满"):
        export_records([], out, mode="direct")
    monkeypatch.setattr(safe_write.os, "replace", real)
    assert out.read_bytes() == before
    assert _leftovers(tmp_path) == []


def _database(path: Path) -> Path:
    import sqlite3

    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    return path


def test_an_export_never_replaces_a_database_file(tmp_path: Path) -> None:
    db = _database(tmp_path / "dangxun.sqlite3")
    before = db.read_bytes()
    with pytest.raises(FileWriteError) as caught:
        safe_write.write_bytes(db, b"%PDF-1.4 an export")
    assert str(db) in caught.value.message and "数据库文件" in caught.value.message
    assert db.read_bytes() == before
    assert _leftovers(tmp_path) == []


def test_a_database_copy_may_replace_an_older_one(tmp_path: Path) -> None:
    old = _database(tmp_path / "old.sqlite3")
    new = _database(tmp_path / "new.sqlite3")
    safe_write.copy_file(new, old)
    assert old.read_bytes() == new.read_bytes()


@pytest.mark.parametrize("under", [(), ("sub",)])
def test_a_file_where_a_folder_should_be_is_said_in_chinese(tmp_path: Path, under: tuple[str, ...]) -> None:
    blocker = tmp_path / "roll.xlsx"
    blocker.write_bytes(b"old")
    out = blocker.joinpath(*under, "out.pdf")
    with pytest.raises(FileWriteError) as caught:
        safe_write.write_bytes(out, b"x")
    message = caught.value.message
    assert str(out) in message and f"{blocker} 是一个文件，不是文件夹" in message and "File exists" not in message
    assert blocker.read_bytes() == b"old"


def test_an_export_never_replaces_a_write_ahead_log(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "dangxun.sqlite3"
    conn = sqlite3.connect(str(db))
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    wal = tmp_path / "dangxun.sqlite3-wal"
    assert wal.stat().st_size > 0
    before = wal.read_bytes()
    with pytest.raises(FileWriteError, match="数据库文件"):
        safe_write.write_bytes(wal, b"%PDF-1.4 an export")
    assert wal.read_bytes() == before
    conn.close()


@pytest.mark.parametrize("first_existed", [True, False])
def test_files_written_together_are_put_back_when_a_later_rename_fails(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first_existed: bool) -> None:
    first, second = tmp_path / "报告.docx", tmp_path / "附表.xlsx"
    if first_existed:
        first.write_bytes(b"old report")
    second.write_bytes(b"old table")
    real_replace = os.replace

    def replace(src: object, dst: object) -> None:
        if Path(str(dst)) == second:
            raise OSError(errno.EBUSY, "Device or resource busy")
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(safe_write.os, "replace", replace)
    with pytest.raises(FileWriteError) as caught:
        safe_write.write_together([(first, lambda p: p.write_bytes(b"new report")),
                                   (second, lambda p: p.write_bytes(b"new table"))])
    monkeypatch.undo()
    message = caught.value.message
    assert str(second) in message and "文件正被其他程序占用" in message and "都没有写成" in message
    assert (first.read_bytes() == b"old report") if first_existed else not first.exists()
    assert second.read_bytes() == b"old table"
    assert _leftovers(tmp_path) == []


def test_files_written_together_when_every_one_is_complete(tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "sub" / "b.txt"
    first.write_text("old", encoding="utf-8")
    written = safe_write.write_together([(first, lambda p: safe_write.write_text(p, "一")),
                                         (second, lambda p: safe_write.write_text(p, "二"))])
    assert written == [first, second]
    assert first.read_text(encoding="utf-8") == "一" and second.read_text(encoding="utf-8") == "二"
    assert _leftovers(tmp_path) == [] and _leftovers(second.parent) == []


def test_a_file_written_together_that_raises_leaves_nothing(tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"

    def full(path: Path) -> None:
        path.write_bytes(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(FileWriteError) as caught:
        safe_write.write_together([(first, lambda p: p.write_bytes(b"whole")), (second, full)])
    assert "磁盘已满" in caught.value.message and str(second) in caught.value.message
    assert sorted(p.name for p in tmp_path.iterdir()) == []
