"""Long work's shared vocabulary: the progress callback, the cancel tick, a refused row, fewer collections."""

from __future__ import annotations

import contextlib
import functools
import gc
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from services.errors import CancelledError, clip_quoted

# progress(percent 0–100, what is being done now)
Progress = Callable[[int, str], None]


def tick(cancel: threading.Event | None, message: str = "操作已取消，数据库未作改动。") -> None:
    """Raise CancelledError when the user pressed Cancel; services call it between rows."""
    if cancel is not None and cancel.is_set():
        raise CancelledError(message)


# Thresholds while a large file is read, checked or written: Python's default (700, 10, 10) runs a
# collection every 700 new objects and a full one every 70 000, each walking every row read so far;
# an import of 200 000 rows spent a third of its time there (tests/benchmarks/bench_records.py).
# Rows hold no reference cycles, so collecting more rarely frees the same memory, later.
BULK_GC_THRESHOLDS = (50_000, 20, 100)


@contextlib.contextmanager
def few_collections() -> Iterator[None]:
    """Collect garbage rarely while the block runs (nested blocks are fine); the old thresholds come back after."""
    before = gc.get_threshold()
    gc.set_threshold(*(max(a, b) for a, b in zip(before, BULK_GC_THRESHOLDS, strict=True)))
    try:
        yield
    finally:
        gc.set_threshold(*before)


_P = ParamSpec("_P")
_R = TypeVar("_R")


def bulk_work(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """Decorate a function that reads, checks or writes many rows: it runs under few_collections()."""

    @functools.wraps(fn)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with few_collections():
            return fn(*args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class RowProblem:
    """One reason a sheet row was refused: row number as Excel shows it, column header, message."""

    row: int
    column: str
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", clip_quoted(self.message))

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}

    def describe(self) -> str:
        return f"第{self.row}行“{self.column}”列：{self.message}" if self.column else f"第{self.row}行：{self.message}"
