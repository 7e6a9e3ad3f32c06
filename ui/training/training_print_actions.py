"""The 培训 tab's printouts: sign-in sheet, attendance register, certificates and their register, verification."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QComboBox, QMessageBox, QWidget

from services.access import EDITOR
from services.errors import CancelledError
from services.printing import print_signin
from services.training import activities, certificates
from ui.training.attendance_grid import AttendanceGridView
from ui.training.attendance_table_model import AttendanceTableModel
from ui.training.certificate_verify_dialog import CertificateVerifyDialog
from ui.widgets import typed_text
from ui.widgets.edit_guard import confirm_irreversible
from ui.widgets.errors import show_error
from ui.widgets.file_dialogs import save_file
from ui.widgets.jobs import ProgressFn, run_with_progress
from ui.widgets.pdf_preview import PdfPreviewDialog

if TYPE_CHECKING:
    from services.workspace import Workspace


class TrainingPrintActions:
    """Mixed into TrainingTab: reads go through `ws.read()`, certificates (numbers allocated) through `ws.write`."""

    ws: Workspace
    _current: activities.ActivityInfo | None
    _out_dir: Path
    attendance_model: AttendanceTableModel
    grid_view: AttendanceGridView
    year_combo: QComboBox

    def _widget(self) -> QWidget:
        return self  # type: ignore[return-value]

    def _preview(self, path: Path, title: str) -> None:
        PdfPreviewDialog(path, title, self._widget()).exec()

    def _print(self, title: str, fn: Callable[[Any, ProgressFn, threading.Event], Any],
               on_done: Callable[[], None] = lambda: None) -> None:
        """Make a printout `fn(session, progress, cancel)` in a read session, in the background with its progress
        and 取消 (a class of thousands is hundreds of pages), then `on_done()`. A failure is shown; a cancelled
        print leaves no file; neither is previewed."""
        ws = self.ws

        def work(progress: ProgressFn, cancel: threading.Event) -> None:
            with ws.read() as s:
                fn(s, progress, cancel)

        def failed(error: BaseException) -> None:
            if not isinstance(error, CancelledError):
                show_error(self._widget(), title, error)

        run_with_progress(self._widget(), title, work, on_finished=lambda _result: on_done(), on_failed=failed,
                          write=False)

    def _current_session_seq(self) -> int | None:
        sid = self.attendance_model.session_id_of_column(self.grid_view.currentIndex().column())
        if self._current is None:
            return None
        for sess in self._current.sessions:
            if sess.id == sid:
                return sess.seq
        return None

    def on_signin_action_triggered(self) -> None:
        if self._current is None:
            return
        tr = self._widget().tr
        activity_id, seq = self._current.id, self._current_session_seq()
        out = self._out_dir / f"签到表-{activity_id}.pdf"
        self._print(tr("签到表"), lambda s, progress, cancel: print_signin.signin_sheet(
            s, activity_id, out, session_seq=seq, progress=progress, cancel=cancel), lambda: self._preview(out, tr("签到表")))

    def on_register_action_triggered(self) -> None:
        if self._current is None:
            return
        tr = self._widget().tr
        activity_id = self._current.id
        out = self._out_dir / f"考勤表-{activity_id}.pdf"
        self._print(tr("考勤表"), lambda s, progress, cancel: print_signin.attendance_register(
            s, activity_id, out, progress=progress, cancel=cancel), lambda: self._preview(out, tr("考勤表")))

    def on_certificates_action_triggered(self) -> None:
        if self._current is None:
            return
        tr = self._widget().tr
        activity_id = self._current.id
        out = self._out_dir / f"结业证书-{activity_id}.pdf"
        ws = self.ws
        with ws.read() as s:
            refusal = certificates.issuing_refusal(s, activity_id)
        if refusal:
            typed_text.information(self._widget(), tr("结业证书"), refusal)
            return
        if not confirm_irreversible(self._widget(), tr("结业证书"), tr(
                "为“%1”中符合结业条件的学员颁发结业证书？\n\n证书编号颁发后登记在册，不能删除；"
                "考勤再有更改时，证书将被作废。已颁发的证书只重新打印，不另编号。").replace("%1", self._current.title),
                tr("颁发证书"), tr("取消")):
            return

        def work(progress: Any, cancel: threading.Event) -> int:
            # Certificate numbers are allocated inside the writing transaction.
            with ws.write("print-certificates", needs=EDITOR, what="发放结业证书") as uow:
                _result, certs = certificates.print_certificates(uow.session, activity_id, out, uow.actor,
                                                                 progress=progress, cancel=cancel)
            return len(certs)

        def done(count: int) -> None:
            if not count:
                QMessageBox.information(self._widget(), tr("结业证书"), tr("还没有符合结业条件的学员（%1）。")
                                        .replace("%1", self._current.completion_text() if self._current else ""))
                return
            self._preview(out, tr("结业证书（%1份）").replace("%1", str(count)))

        run_with_progress(self._widget(), tr("正在生成结业证书……"), work, on_finished=done,
                          on_failed=self._certificates_failed)

    def _certificates_failed(self, error: BaseException) -> None:
        show_error(self._widget(), self._widget().tr("结业证书"), error)

    def on_cert_register_action_triggered(self) -> None:
        tr = self._widget().tr
        out = self._out_dir / "发证登记册.pdf"
        year = self.year_combo.currentData()
        self._print(tr("发证登记册"), lambda s, progress, cancel: certificates.register_pdf(
            s, out, year=year, progress=progress, cancel=cancel), lambda: self._preview(out, tr("发证登记册")))

    def on_cert_register_xlsx_action_triggered(self) -> None:
        tr = self._widget().tr
        target, _ = save_file(self._widget(), "export", tr("导出发证登记册"), "发证登记册.xlsx",
                                                "Excel (*.xlsx)")
        if not target:
            return
        year = self.year_combo.currentData()
        self._print(tr("导出发证登记册"), lambda s, _progress, _cancel: certificates.register_xlsx(
            s, Path(target), year=year))

    def on_verify_action_triggered(self) -> None:
        CertificateVerifyDialog(self.ws, self._widget()).exec()
