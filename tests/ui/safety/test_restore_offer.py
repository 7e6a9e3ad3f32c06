"""The window's start on a damaged database: offer the newest good backup, keep the damaged file aside."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox


def _damaged_with_backup(tmp_path: Path) -> tuple[Path, Path, Path]:
    from services.demo.demo import seed_demo
    from services.safety import backup as backup_service
    from services.safety.storage import open_database

    path = tmp_path / "w.sqlite3"
    folder = tmp_path / "backups"
    db = open_database(path)
    with db.session_factory.begin() as s:
        seed_demo(s, members=10, branches=2, seed=5)
    good = backup_service.backup_now(db, "测试", "manual", folder).info.path
    db.dispose()
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with path.open("r+b") as fh:
        fh.truncate(path.stat().st_size // 2 + 5)
    return path, folder, good


@pytest.mark.parametrize("answer", [QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No])
def test_damaged_database_offers_the_newest_good_backup(tmp_path: Path, qtbot: object,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         answer: QMessageBox.StandardButton) -> None:
    from ui.safety import safety_startup

    path, folder, good = _damaged_with_backup(tmp_path)
    damaged_bytes = path.read_bytes()
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_a: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QMessageBox, "critical", lambda *a: QMessageBox.StandardButton.Ok)
    start = safety_startup.open_for_window(path, "办公室", backups=folder)
    assert len(asked) == 1 and str(good) in asked[0] and str(path) in asked[0]
    if answer == QMessageBox.StandardButton.No:
        assert start == 2
        assert path.read_bytes() == damaged_bytes
        return
    assert isinstance(start, safety_startup.SafeStart)
    try:
        from services.roll.members import list_members

        with start.db.session_factory() as s:
            assert len(list_members(s)) == 10
        assert any("恢复" in n for n in start.notes)
    finally:
        start.close()
    kept = list(folder.glob("*.damaged-*.sqlite3"))
    assert len(kept) == 1 and kept[0].read_bytes() == damaged_bytes


def test_without_a_window_the_damage_is_only_said(tmp_path: Path, qtbot: object,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from ui.safety import safety_startup

    path, folder, good = _damaged_with_backup(tmp_path)
    assert safety_startup.open_for_window(path, "办公室", interactive=False, backups=folder) == 2
    err = capsys.readouterr().err
    assert str(good) in err and "已损坏" in err
