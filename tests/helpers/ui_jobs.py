"""Imports that run as jobs in the window: wait for their end, or press 取消 before they read the file."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from ui.widgets.jobs import Job, default_runner


def wait_job(qtbot: Any, job: Job | None, settled: Callable[[], bool]) -> None:
    """Wait until the job has run and the widget has handled its end (`settled` is true again)."""
    assert job is not None, "the import did not start"
    qtbot.waitUntil(job.done.is_set, timeout=20000)
    qtbot.waitUntil(settled, timeout=20000)
    default_runner().wait_for_done(20000)


def cancel_before_reading(monkeypatch: pytest.MonkeyPatch, module: Any, name: str,
                          start: Callable[[], Job | None]) -> Job:
    """Start an import whose `module.name` (the function reading the file) waits until the clerk has pressed
    the progress dialog's 取消; then let it go on. Returns the job."""
    gate = threading.Event()
    original = getattr(module, name)

    def held(*args: Any, **kwargs: Any) -> Any:
        gate.wait(20)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, held)
    job = start()
    assert job is not None, "the import did not start"
    job.dialog.canceled.emit()  # type: ignore[attr-defined]  # what the dialog's 取消 button sends
    assert job.cancel.is_set()
    gate.set()
    return job
