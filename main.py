"""党员教育培训管理系统: start the window, or run a command (`python main.py --help`)."""

from __future__ import annotations

import argparse
import sys

_window_ran = False


def start_gui(args: argparse.Namespace) -> int:
    global _window_ran
    _window_ran = True
    from ui.app import run_gui

    return run_gui(args)


def main(argv: list[str] | None = None) -> int:
    from ui.cli.main import run

    return run(argv, gui=start_gui)


def leave(code: int) -> None:
    """End a command's process without taking its objects apart one by one.

    Everything the command opened is closed by then (the workspace, its lock, the database's WAL);
    the exit handlers run (logging, temporary folders), the output is flushed, and the process ends
    with `code`: after importing 50 000 members, tearing the interpreter down took about 0.3 s.
    """
    import atexit
    import contextlib
    import os

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`main.py … | head`): nothing more to say
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    status = main()
    if not _window_ran:  # the window's own shutdown (Qt, its settings) is left as it is
        leave(status)
    sys.exit(status)
