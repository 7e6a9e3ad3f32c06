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
    first = file_dialogs.first_folder()
    assert asked == [("open", first), ("save", str(Path(first) / "签收表.pdf")), ("open", str(rolls)),
                     ("save", str(pdfs / "学习计划.pdf")), ("open", first)]


def test_a_kind_never_used_starts_in_documents_not_where_the_program_was_started(tmp_path: Path, monkeypatch) -> None:
    """Before any folder is remembered, a dialog opened in the working directory: often the install folder."""
    home, program = tmp_path / "home", tmp_path / "opt" / "dangxun"
    program.mkdir(parents=True)
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.chdir(program)
    asked: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda _p, _t, start, _f: asked.append(start) or ("", ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda _p, _t, start, _f: asked.append(start) or ("", ""))
    file_dialogs.open_file(None, "roll-import", "导入", "*.xlsx")
    file_dialogs.save_file(None, "template", "保存", "花名册模板.xlsx", "*.xlsx")
    assert asked == [str(home), str(home / "花名册模板.xlsx")]  # no documents folder: the home folder
    (home / "Documents").mkdir()
    asked.clear()
    file_dialogs.open_file(None, "roll-import", "导入", "*.xlsx")
    assert asked == [str(home / "Documents")]


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
