"""Export actions the members tab calls: the roll (all, a branch, the current filter) and the import template."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from services.roll import roll_export
from services.roll.members import MemberRecord
from ui.widgets.errors import show_error
from ui.widgets.file_dialogs import save_file

AskPath = Callable[[QWidget | None, str, str], str | None]


def _tr(text: str) -> str:
    return QCoreApplication.translate("ExportActions", text)


def ask_save_path(parent: QWidget | None, title: str, suggested: str) -> str | None:
    path, _ = save_file(parent, "export", title, suggested, "Excel (*.xlsx)")
    if not path:
        return None
    return path if path.lower().endswith(".xlsx") else path + ".xlsx"


def _run(parent: QWidget | None, title: str, fn: Callable[[Callable[[int, str], None], threading.Event], Any],
         runner: Any, on_done: Callable[[Any], None] | None) -> None:
    def failed(error: BaseException) -> None:
        show_error(parent, _tr("导出失败"), error)

    if runner is None:
        from ui.widgets.jobs import run_with_progress as runner
    runner(parent, title, fn, on_finished=on_done, on_failed=failed, write=False)


def export_roll(parent: QWidget | None, ws: Any, *, branch: str | None = None,
                records: Sequence[MemberRecord] | None = None, ask_path: AskPath = ask_save_path,
                runner: Any = None, on_done: Callable[[Any], None] | None = None) -> str | None:
    """Export the whole roll, one branch (`branch`), or the records shown now (`records`, the filter)."""
    stem = f"{branch or '党员'}花名册-{dt.date.today():%Y%m%d}.xlsx"
    path = ask_path(parent, _tr("导出花名册"), stem)
    if not path:
        return None
    chosen = list(records) if records is not None else None

    def work(progress: Callable[[int, str], None], cancel: threading.Event) -> roll_export.ExportResult:
        with ws.read() as session:
            return roll_export.export_members(session, Path(path), branch=branch, records=chosen,
                                              progress=progress, cancel=cancel)

    _run(parent, _tr("正在导出花名册"), work, runner, on_done)
    return path


def export_template(parent: QWidget | None, ws: Any, *, ask_path: AskPath = ask_save_path,
                    runner: Any = None, on_done: Callable[[Any], None] | None = None) -> str | None:
    """导出模板: canonical headers, drop-down lists and one example row."""
    path = ask_path(parent, _tr("导出导入模板"), "党员花名册导入模板.xlsx")
    if not path:
        return None

    def work(_progress: Callable[[int, str], None], _cancel: threading.Event) -> Path:
        with ws.read() as session:
            return roll_export.write_members_template(session, Path(path))

    _run(parent, _tr("正在生成模板"), work, runner, on_done)
    return path


def export_from_window(window: Any, kind: str) -> None:
    """The main window's 导出 (menu or the members tab's button): "all", "branch", "filter" or "template"."""
    from PySide6.QtWidgets import QMessageBox

    tab: Any = window.tab("党员")
    if tab is None:
        return
    if kind == "template":
        export_template(window, window.ws)
        return
    branch: str | None = None
    records: list[Any] | None = None
    what = window.tr("党员花名册")
    if kind == "branch":
        current = tab.current_branch()
        if current is None:
            QMessageBox.information(window, window.tr("导出"), window.tr("请先在左侧选择一个党支部。"))
            return
        branch = current.name
        what = window.tr("{0}花名册").format(branch)
        rows = current.all_members
    elif kind == "filter":
        records = tab.visible_records()
        what = window.tr("党员花名册（当前筛选）")
        rows = len(records)
    else:
        rows = tab.model.total_count()
    export_roll(window, window.ws, branch=branch, records=records, ask_path=_path_asker(window, what, rows),
                on_done=lambda _r: window.statusBar().showMessage(window.tr("已导出。"), 8000))


def _path_asker(window: Any, what: str, rows: int) -> AskPath:
    """Ask where to save, then confirm (full ID numbers) and log the export; None: don't export."""
    from ui.safety.privacy_dialogs import export_allowed

    def ask(parent: QWidget | None, title: str, suggested: str) -> str | None:
        path = ask_save_path(parent, title, suggested)
        if not path:
            return None
        if not export_allowed(window, window.ws, what, True, rows=rows, path=path):
            return None
        return path

    return ask
