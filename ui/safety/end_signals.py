"""The program ends as its user would end it when the system asks it to.

At logout or shutdown the system sends SIGTERM (systemd, the UOS and Kylin session managers); closing
the terminal a clerk started it from sends SIGHUP; Ctrl+C there sends SIGINT. By default any of these
ends the process on the spot: the database file's lock stays behind (the next start clears it and says
the program ended abnormally) and settings go unsaved. Here each of them closes every window instead,
as the close button does: running writes finish first (MainWindow.closeEvent), settings are saved, and
app.exec() returns, so that the caller gives the lock back and closes the database.

Python runs a signal handler only when it next runs bytecode, which Qt's event loop may not do for a
long time; the signal's number is written to a socket the loop watches (signal.set_wakeup_fd), which
wakes it. POSIX only: Windows ends a windowed program through its own messages, which Qt turns into
close events already.

A command on the command line takes SIGTERM and SIGHUP as it takes Ctrl+C (interrupt_on_end_signals):
the work in hand stops, its transaction is rolled back, the lock given back, and it says so.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from typing import Any

END_SIGNALS = ("SIGTERM", "SIGHUP", "SIGINT")


def close_on_end_signals(app: Any) -> Callable[[], None]:
    """Make SIGTERM, SIGHUP and SIGINT close all windows and leave app.exec(); returns the undoing.

    Call it from the main thread just before app.exec(). Does nothing (and undoes nothing) on Windows
    or outside the main thread.
    """
    if sys.platform == "win32":
        return lambda: None
    import socket  # here, not at the top: every command imports this module for the function below

    from PySide6.QtCore import QSocketNotifier, QTimer

    numbers = [getattr(signal, name) for name in END_SIGNALS if hasattr(signal, name)]
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    try:
        previous_fd = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    except ValueError:  # not the main thread: signals are not ours to take
        reader.close()
        writer.close()
        return lambda: None

    def close_all() -> None:
        app.closeAllWindows()  # each window's closeEvent: writes in flight finish, settings saved
        app.quit()  # also when a window refused to close (a dialog waiting for an answer)

    def on_signal(_number: int, _frame: Any) -> None:
        QTimer.singleShot(0, close_all)

    def drain() -> None:
        # The handlers have run by now (Python ran this slot's bytecode); empty the socket.
        try:
            while reader.recv(64):
                pass
        except OSError:
            pass

    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(drain)
    previous = {number: signal.signal(number, on_signal) for number in numbers}

    def undo() -> None:
        for number, handler in previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)
        signal.set_wakeup_fd(previous_fd)
        notifier.setEnabled(False)
        notifier.deleteLater()
        reader.close()
        writer.close()

    return undo


def interrupt_on_end_signals() -> Callable[[], None]:
    """For a command: SIGTERM and SIGHUP raise KeyboardInterrupt, as Ctrl+C does; returns the undoing.

    Outside the main thread, or where the signals do not exist, nothing changes.
    """
    numbers = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]

    def interrupt(_number: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    previous: dict[int, Any] = {}
    try:
        for number in numbers:
            previous[number] = signal.signal(number, interrupt)
    except ValueError:  # not the main thread
        pass

    def undo() -> None:
        for number, handler in previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)

    return undo
