"""Long work off the GUI thread: a QRunnable job, a runner whose writes never overlap, a progress dialog.

A job runs a plain callable `fn(progress, cancel)`: `progress(percent, text)` reports how far it is,
`cancel` is a `threading.Event` it polls (services raise `CancelledError` when it is set). The
callable opens its own session and never touches a widget; its result or exception comes back to
the GUI thread through the job's signals.
"""

from __future__ import annotations

import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget
from shiboken6 import Shiboken

from services.errors import CancelledError, DangxunError
from services.logfile import append_error
from ui.widgets.errors import report_unexpected, show_error
from ui.widgets.typed_text import as_typed

ProgressFn = Callable[[int, str], None]
JobFn = Callable[[ProgressFn, threading.Event], Any]

# The progress dialog appears only for work that takes longer than this (milliseconds).
SHOW_DELAY_MS = 500


class JobSignals(QObject):
    """What a job tells the GUI thread. Emitted from the worker, delivered queued."""

    progress = Signal(int, str)
    finished = Signal(object)
    failed = Signal(object)


class Job(QRunnable):
    """Runs `fn(progress, cancel)` in a pool thread; emits `finished(result)` or `failed(exception)`."""

    def __init__(self, fn: JobFn, cancel: threading.Event | None = None) -> None:
        super().__init__()
        # The runner keeps the Python object alive until the job is done; Qt must not delete it.
        self.setAutoDelete(False)
        self.fn = fn
        self.cancel = cancel or threading.Event()
        self.signals = JobSignals()
        self.done = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None

    def report(self, percent: int, text: str = "") -> None:
        self.signals.progress.emit(int(percent), text)

    def run(self) -> None:
        try:
            self.result = self.fn(self.report, self.cancel)
        except BaseException as exc:  # any failure goes back to the GUI thread, never lost in the pool
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            if not isinstance(exc, DangxunError):  # unexpected: its traceback goes to the log file now
                exc.__logged_to__ = str(append_error(exc.__traceback_text__, "job"))  # type: ignore[attr-defined]
            self.error = exc
            _forget_missing_characters()  # of a print that was not made: not to be reported later
            self.done.set()
            self.signals.failed.emit(exc)
        else:
            self.done.set()
            self.signals.finished.emit(self.result)


def _forget_missing_characters() -> None:
    """Characters a failed print lacked (services/pdf/pdf_fonts.py notes them while drawing) are dropped: the
    window would otherwise report them after the next logged write, for a PDF that was never made."""
    fonts = sys.modules.get("services.pdf.pdf_fonts")
    if fonts is not None:
        fonts.take_missing()


class JobRunner(QObject):
    """Starts jobs: writes one at a time on a single-thread pool, reads on the global pool."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.write_pool = QThreadPool(self)
        self.write_pool.setMaxThreadCount(1)
        self.read_pool = QThreadPool.globalInstance()
        self._active: set[Job] = set()

    def submit(
        self,
        fn: JobFn,
        *,
        write: bool = True,
        cancel: threading.Event | None = None,
        on_progress: Callable[[int, str], None] | None = None,
        on_finished: Callable[[Any], None] | None = None,
        on_failed: Callable[[BaseException], None] | None = None,
        owner: QObject | None = None,
    ) -> Job:
        """Connect the callbacks, then start the job (connecting later could miss a quick job's end).

        `owner`: the widget the callbacks update. Once it is gone (its tab or dialog closed while the
        job ran) they are not called, and a read is cancelled: nobody waits for it."""
        job = Job(fn, cancel)
        if owner is not None:
            on_progress, on_finished, on_failed = (
                while_alive(owner, on_progress), while_alive(owner, on_finished),
                while_alive(owner, on_failed, otherwise=_unhandled_unless_cancelled))
            if not write:
                owner.destroyed.connect(lambda *_args: job.cancel.set())
        if on_progress is not None:
            job.signals.progress.connect(on_progress)
        if on_finished is not None:
            job.signals.finished.connect(on_finished)
        job.signals.failed.connect(on_failed if on_failed is not None else _unhandled)
        self.start(job, write=write)
        return job

    def start(self, job: Job, *, write: bool = True) -> None:
        """Start a job made by hand, after its signals are connected."""
        self._active.add(job)
        job.signals.finished.connect(lambda _result, j=job: self._active.discard(j))
        job.signals.failed.connect(lambda _error, j=job: self._active.discard(j))
        (self.write_pool if write else self.read_pool).start(job)

    def active_jobs(self) -> int:
        return len(self._active)

    def wait_for_done(self, msecs: int = -1) -> bool:
        """Block until every write has finished (used when the window closes)."""
        return self.write_pool.waitForDone(msecs)

    def run_with_progress(
        self,
        parent: QWidget | None,
        title: str,
        fn: JobFn,
        *,
        on_finished: Callable[[Any], None] | None = None,
        on_failed: Callable[[BaseException], None] | None = None,
        write: bool = True,
    ) -> Job:
        """Run `fn` as a job; a progress dialog with 取消 appears if it takes longer than ~0.5 s.

        Once `parent` is gone (closed while the job ran), its dialog went with it: the callbacks are not
        called, and a failure is reported as any unhandled one."""
        job = Job(fn)
        if parent is not None:
            on_finished = while_alive(parent, on_finished, otherwise=lambda _result: None)
            on_failed = while_alive(parent, on_failed or _unhandled, otherwise=_unhandled)
        dialog = QProgressDialog(parent)
        dialog.setWindowTitle(title)
        dialog.setLabelText(as_typed(title))
        dialog.setCancelButtonText(dialog.tr("取消"))
        dialog.setRange(0, 100)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        # We show it ourselves after SHOW_DELAY_MS; QProgressDialog's own timer would show it at 4 s.
        dialog.setMinimumDuration(2**30)
        dialog.hide()
        job.dialog = dialog  # type: ignore[attr-defined]

        timer = QTimer(dialog)
        timer.setSingleShot(True)
        timer.timeout.connect(lambda: None if job.done.is_set() else dialog.show())
        timer.start(SHOW_DELAY_MS)

        def on_cancel() -> None:
            job.cancel.set()
            dialog.setLabelText(dialog.tr("正在取消……"))
            # Disabled, not removed: deleting the button inside its own click handler would crash.
            for button in dialog.findChildren(QPushButton):
                button.setEnabled(False)

        def on_progress(percent: int, text: str) -> None:
            dialog.setValue(max(0, min(100, percent)))
            if text and not job.cancel.is_set():
                dialog.setLabelText(as_typed(text))  # a file's name as written

        def close_dialog() -> None:
            if not Shiboken.isValid(dialog):  # went with its parent
                return
            timer.stop()
            dialog.hide()
            dialog.deleteLater()

        def finished(result: Any) -> None:
            close_dialog()
            if on_finished is not None:
                on_finished(result)

        def failed(error: BaseException) -> None:
            close_dialog()
            (on_failed or _unhandled)(error)

        dialog.canceled.connect(on_cancel)
        job.signals.progress.connect(on_progress)
        job.signals.finished.connect(finished)
        job.signals.failed.connect(failed)
        self.start(job, write=write)
        return job


def while_alive(owner: QObject, callback: Callable[..., None] | None,
                otherwise: Callable[..., None] | None = None) -> Callable[..., None] | None:
    """`callback`, called only while `owner` (a widget the callback updates) still exists; else `otherwise`."""
    if callback is None:
        return None

    def call(*args: Any) -> None:
        if Shiboken.isValid(owner):
            callback(*args)
        elif otherwise is not None:
            otherwise(*args)

    return call


def _unhandled_unless_cancelled(error: BaseException) -> None:
    if not isinstance(error, CancelledError):
        _unhandled(error)


def _unhandled(error: BaseException) -> None:
    """A failed job nobody handles: shown through the window's one error path (logged, Chinese message)."""
    if isinstance(error, CancelledError):
        return
    if isinstance(error, DangxunError):
        show_error(None, "未能完成", error)
    else:
        report_unexpected(error, "job")


# One runner per process (not a registry of services): every write must share its single thread.
_default_runner: JobRunner | None = None


def default_runner() -> JobRunner:
    """One runner per process, so that every write goes through the same single-thread pool."""
    global _default_runner
    if _default_runner is None:
        _default_runner = JobRunner()
    return _default_runner


def run_with_progress(
    parent: QWidget | None,
    title: str,
    fn: JobFn,
    *,
    on_finished: Callable[[Any], None] | None = None,
    on_failed: Callable[[BaseException], None] | None = None,
    write: bool = True,
) -> Job:
    """Run `fn(progress, cancel)` on the shared runner with a delayed progress dialog (see JobRunner)."""
    return default_runner().run_with_progress(parent, title, fn, on_finished=on_finished,
                                              on_failed=on_failed, write=write)
