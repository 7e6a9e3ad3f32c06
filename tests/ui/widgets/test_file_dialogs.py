"""File dialogs remember the last folder, per kind of file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from ui.widgets import file_dialogs


def test_each_kind_starts_where_it_was_last_used(tmp_path: Path, monkeypatch) -> None:
    rolls, pdfs = tmp_path / "花名册", tmp_path / "打印"
    rolls.mkdir()
    pdfs.mkdir()
    asked: list[tuple[str, str]] = []

    def fake_open(_parent, _title, start, _pattern):
        asked.append(("open", start))
        return str(rolls / "2024.xlsx"), ""

    def fake_save(_parent, _title, start, _pattern):
        asked.append(("save", start))
        return str(pdfs / "签收表.pdf"), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", fake_open)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_save)
    assert file_dialogs.open_file(None, "roll-import", "导入", "*.xlsx")[0] == str(rolls / "2024.xlsx")
    file_dialogs.save_file(None, "pdf", "保存", "签收表.pdf", "PDF (*.pdf)")
    file_dialogs.open_file(None, "roll-import", "导入", "*.xlsx")
    file_dialogs.save_file(None, "pdf", "保存", "学习计划.pdf", "PDF (*.pdf)")
    file_dialogs.open_file(None, "survey-import", "导入", "*.xlsx")
    assert asked == [("open", ""), ("save", "签收表.pdf"), ("open", str(rolls)),
                     ("save", str(pdfs / "学习计划.pdf")), ("open", "")]


def test_a_cancelled_dialog_or_a_vanished_folder_changes_nothing(tmp_path: Path, monkeypatch) -> None:
    gone = tmp_path / "U盘"
    gone.mkdir()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a: (str(gone / "a.xlsx"), ""))
    file_dialogs.open_file(None, "records-import", "导入", "*.xlsx")
    assert file_dialogs.last_folder("records-import") == str(gone)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a: ("", ""))
    file_dialogs.open_file(None, "records-import", "导入", "*.xlsx")
    assert file_dialogs.last_folder("records-import") == str(gone)
    gone.rmdir()
    assert file_dialogs.last_folder("records-import") == ""


def test_a_title_with_folder_or_forbidden_signs_is_proposed_as_one_file_name(tmp_path: Path, monkeypatch) -> None:
    """A material titled "2024/2025学年：读本?" is proposed as one file in the remembered folder."""
    pdfs = tmp_path / "打印"
    pdfs.mkdir()
    asked: list[str] = []

    def fake_save(_parent, _title, start, _pattern):
        asked.append(start)
        return str(pdfs / "a.pdf"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_save)
    file_dialogs.remember("pdf", str(pdfs / "上次.pdf"))
    file_dialogs.save_file(None, "pdf", "保存", "2024/2025学年: 读本?签收表.pdf", "PDF (*.pdf)")
    file_dialogs.save_file(None, "pdf", "保存", "<第一讲>|\\\"党课\"*签收表.pdf", "PDF (*.pdf)")
    file_dialogs.save_file(None, "pdf", "保存", "长" * 300 + ".pdf", "PDF (*.pdf)")
    file_dialogs.save_file(None, "pdf", "保存", "...", "PDF (*.pdf)")
    absolute = str(tmp_path / "别处" / "a:b.pdf")
    file_dialogs.save_file(None, "pdf", "保存", absolute, "PDF (*.pdf)")
    assert asked[0] == str(pdfs / "2024／2025学年： 读本？签收表.pdf")
    assert asked[1] == str(pdfs / "＜第一讲＞｜＼＂党课＂＊签收表.pdf")
    assert asked[2] == str(pdfs / ("长" * file_dialogs.NAME_MOST + ".pdf"))
    assert asked[3] == str(pdfs / "未命名")
    assert asked[4] == absolute  # a path given whole is the caller's own
    for start in asked[:4]:
        assert Path(start).parent == pdfs
