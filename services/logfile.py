"""The program's log file in the user's data folder: unexpected errors (with tracebacks) go there."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from services.paths import data_dir

LOG_NAME = "dangxun.log"
# Beyond this size the log starts again (the previous one kept as dangxun.log.1).
MAX_BYTES = 2_000_000


def log_file_path() -> Path:
    """Where the window and the command line write unexpected errors."""
    return data_dir() / "logs" / LOG_NAME


def append_error(text: str, where: str = "") -> Path:
    """Append one error (a traceback) with the time; returns the log file's path. Never raises."""
    path = log_file_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > MAX_BYTES:
            path.replace(path.with_name(LOG_NAME + ".1"))
        stamp = dt.datetime.now().isoformat(timespec="seconds")
        with path.open("a", encoding="utf-8") as f:
            f.write(f"=== {stamp} {where}\n{text.rstrip()}\n\n")
    except OSError:  # a log that cannot be written must not hide the error it was to record
        pass
    return path
