"""One error path for the window: refusals shown the same way everywhere, unexpected errors logged.

`show_error(parent, title, exc)` shows a refusal (a DangxunError's Chinese message) or any other
error. `install_excepthook()` routes every uncaught exception (GUI thread, other threads, failed
jobs) to the log file in the user's data folder and a Chinese message naming that file.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QApplication, QWidget

from services.errors import DangxunError
from services.logfile import append_error
from ui.widgets import typed_text

TITLE = "党员教育培训管理系统"


def _tr(text: str) -> str:
    return QCoreApplication.translate("errors", text)


def error_text(exc: BaseException) -> str:
    """What to tell the clerk: a domain error's own message, otherwise the error's text."""
    return exc.message if isinstance(exc, DangxunError) else (str(exc) or type(exc).__name__)


def show_error(parent: QWidget | None, title: str, exc: BaseException) -> None:
    """A refusal or failure, in a warning box; an unexpected error is also written to the log."""
    if not isinstance(exc, DangxunError | OSError):
        path = log_error(exc, title)
        typed_text.warning(parent, title, _tr("{0}\n\n详细信息已记入日志文件：\n{1}").format(error_text(exc), path))
        return
    typed_text.warning(parent, title, error_text(exc))


def log_error(exc: BaseException, where: str = "") -> Path:
    """Write `exc`'s traceback to the log file once (a job logs it in its worker); returns the file."""
    logged = getattr(exc, "__logged_to__", None)
    if logged is not None:
        return Path(logged)
    text = getattr(exc, "__traceback_text__", None) or "".join(
        traceback.format_exception(type(exc), exc, exc.__traceback__))
    path = append_error(text, where)
    with contextlib.suppress(AttributeError):  # an exception type with __slots__
        exc.__logged_to__ = str(path)  # type: ignore[attr-defined]
    return path


class ErrorReporter(QObject):
    """Brings errors of any thread to the GUI thread, logs them and tells the clerk where the log is."""

    reported = Signal(str, str)  # summary, log path

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reported.connect(self._show)
        self.shown: list[str] = []

    def report(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None,
               where: str = "") -> Path:
        if getattr(exc, "__logged_to__", None) is None and getattr(exc, "__traceback_text__", None) is None:
            text = "".join(traceback.format_exception(exc_type, exc, tb))
            path = append_error(text, where)
        else:
            path = log_error(exc, where)
        self.reported.emit(f"{exc_type.__name__}: {exc}", str(path))
        return path

    def _show(self, summary: str, path: str) -> None:
        self.shown.append(summary)
        parent = QApplication.activeWindow()
        typed_text.critical(
            parent, _tr("程序出错"),
            _tr("程序遇到了意外错误，刚才的操作可能没有完成（已保存的数据不受影响）。\n\n"
                "错误：{0}\n\n详细信息已记入日志文件：\n{1}\n\n如问题反复出现，请把这个文件交给维护人员。")
            .format(summary, path))


_reporter: ErrorReporter | None = None


def reporter() -> ErrorReporter | None:
    """The installed reporter (None before install_excepthook)."""
    return _reporter


def report_unexpected(exc: BaseException, where: str = "") -> None:
    """An unexpected error caught somewhere (a failed job): logged and shown like an uncaught one."""
    if _reporter is not None:
        _reporter.report(type(exc), exc, exc.__traceback__, where)
    else:
        log_error(exc, where)


def install_excepthook(app: QObject | None = None) -> Callable[[], None]:
    """Route uncaught exceptions to the log and a message box; returns a function that undoes it."""
    global _reporter
    _reporter = ErrorReporter(app)
    previous_sys, previous_thread = sys.excepthook, threading.excepthook
    current = _reporter

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            previous_sys(exc_type, exc, tb)
            return
        current.report(exc_type, exc, tb, "window")

    def thread_hook(args: Any) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        current.report(args.exc_type, args.exc_value, args.exc_traceback,
                       f"thread {getattr(args.thread, 'name', '')}")

    sys.excepthook = hook
    threading.excepthook = thread_hook

    def uninstall() -> None:
        global _reporter
        sys.excepthook, threading.excepthook = previous_sys, previous_thread
        _reporter = None

    return uninstall
