"""The background job runner: results, failures, progress, cancel, writes one at a time."""

from __future__ import annotations

import threading
import time
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from services.errors import CancelledError
from ui.widgets.jobs import Job, JobRunner


def test_job_finishes_with_result(qtbot: Any) -> None:
    runner = JobRunner()
    seen: list[tuple[int, str]] = []

    def work(progress: Any, cancel: threading.Event) -> int:
        progress(50, "一半")
        return 42

    job = Job(work)
    job.signals.progress.connect(lambda p, t: seen.append((p, t)))
    with qtbot.waitSignal(job.signals.finished, timeout=5000) as blocker:
        runner.start(job)
    assert blocker.args == [42]
    assert seen == [(50, "一半")]
    qtbot.waitUntil(lambda: runner.active_jobs() == 0)


def test_job_failure_is_reported(qtbot: Any) -> None:
    runner = JobRunner()

    def work(progress: Any, cancel: threading.Event) -> None:
        raise ValueError("坏了")

    job = Job(work)
    with qtbot.waitSignal(job.signals.failed, timeout=5000) as blocker:
        runner.start(job)
    assert isinstance(blocker.args[0], ValueError)


def test_writes_never_overlap(qtbot: Any) -> None:
    runner = JobRunner()
    running = 0
    most = 0
    lock = threading.Lock()

    def work(progress: Any, cancel: threading.Event) -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.02)
        with lock:
            running -= 1

    done: list[Any] = []
    for _ in range(4):
        runner.submit(work, on_finished=done.append)
    qtbot.waitUntil(lambda: len(done) == 4, timeout=5000)
    assert most == 1


def test_progress_dialog_appears_late_and_cancel_sets_event(qtbot: Any) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    runner = JobRunner()
    started = threading.Event()

    def work(progress: Any, cancel: threading.Event) -> None:
        started.set()
        progress(10, "正在处理")
        if not cancel.wait(5):
            return
        raise CancelledError()

    failures: list[BaseException] = []
    job = runner.run_with_progress(parent, "测试任务", work, on_failed=failures.append)
    dialog = job.dialog  # type: ignore[attr-defined]
    assert not dialog.isVisible()
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    button = dialog.findChild(QPushButton)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert job.cancel.is_set()
    assert isinstance(failures[0], CancelledError)


def test_quick_job_shows_no_dialog(qtbot: Any) -> None:
    runner = JobRunner()
    results: list[Any] = []
    jobs: list[Any] = []
    jobs.append(runner.run_with_progress(
        None, "很快", lambda p, c: "好",
        on_finished=lambda r: results.append((r, jobs[0].dialog.isVisible()))))
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    assert results == [("好", False)]


def test_characters_a_failed_print_lacked_are_not_reported_after_it(qtbot: Any) -> None:
    """A print that fails after noting a character its font lacks: the window must not warn of it later."""
    from services.files.safe_write import FileWriteError
    from services.pdf import pdf_fonts

    pdf_fonts.take_missing()
    runner = JobRunner()

    def work(progress: Any, cancel: threading.Event) -> None:
        pdf_fonts.note_missing("䶮")  # drawn, then the file could not be written
        raise FileWriteError("无法写入文件 签到表.pdf：磁盘已满。")

    job = Job(work)
    with qtbot.waitSignal(job.signals.failed, timeout=5000):
        runner.start(job)
    assert pdf_fonts.take_missing() == []

    done = Job(lambda progress, cancel: pdf_fonts.note_missing("䶮"))  # a print that is made still reports
    with qtbot.waitSignal(done.signals.finished, timeout=5000):
        runner.start(done)
    assert pdf_fonts.take_missing() == ["䶮"]


def test_a_job_whose_widget_is_gone_updates_nothing_and_a_read_stops(qtbot) -> None:
    """A tab closed while its statistics ran: the callbacks do not touch the deleted widget (that raised
    RuntimeError: Internal C++ object already deleted), and the read is cancelled."""
    import threading

    from PySide6.QtWidgets import QLabel

    from ui.widgets.jobs import JobRunner

    runner = JobRunner()
    label = QLabel()
    started, release = threading.Event(), threading.Event()
    seen: list[str] = []

    def work(progress, cancel):
        started.set()
        release.wait(5)
        progress(50, "半程")
        return "cancelled" if cancel.is_set() else "done"

    job = runner.submit(work, write=False, owner=label,
                        on_progress=lambda _p, text: label.setText(text),
                        on_finished=lambda result: (label.setText(result), seen.append(result)),
                        on_failed=lambda error: seen.append(repr(error)))
    assert started.wait(5)
    label.deleteLater()
    qtbot.waitUntil(lambda: job.cancel.is_set())
    release.set()
    qtbot.waitUntil(lambda: job.done.is_set())
    qtbot.wait(50)  # the queued signals are delivered: nothing reaches the deleted label
    assert seen == [] and job.result == "cancelled"


def test_a_progress_dialog_whose_parent_is_gone_is_left_alone(qtbot) -> None:
    import threading

    from PySide6.QtWidgets import QWidget

    from ui.widgets.jobs import JobRunner

    runner = JobRunner()
    parent = QWidget()
    release = threading.Event()
    seen: list[object] = []
    job = runner.run_with_progress(parent, "导入", lambda _p, _c: release.wait(5) and "ok",
                                   on_finished=seen.append, on_failed=seen.append, write=False)
    parent.deleteLater()
    qtbot.wait(20)
    release.set()
    qtbot.waitUntil(lambda: job.done.is_set())
    qtbot.wait(50)
    assert seen == []
