"""Long work's shared vocabulary: the progress callback, the cancel tick, and a refused row."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from services.errors import CancelledError

# progress(percent 0–100, what is being done now)
Progress = Callable[[int, str], None]


def tick(cancel: threading.Event | None, message: str = "操作已取消，数据库未作改动。") -> None:
    """Raise CancelledError when the user pressed Cancel; services call it between rows."""
    if cancel is not None and cancel.is_set():
        raise CancelledError(message)


@dataclass(frozen=True)
class RowProblem:
    """One reason a sheet row was refused: row number as Excel shows it, column header, message."""

    row: int
    column: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}

    def describe(self) -> str:
        return f"第{self.row}行“{self.column}”列：{self.message}" if self.column else f"第{self.row}行：{self.message}"
