"""One error path: uncaught errors (GUI thread, other threads, jobs) go to the log file and a Chinese message."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from services import logfile
from services.errors import DangxunError
from ui.widgets import errors
from ui.widgets.jobs import JobRunner


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DANGXUN_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str]]:
    shown: list[tuple[str, str, str]] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, title, text, *a: shown.append(("critical", title, text)))
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text, *a: shown.append(("warning", title, text)))
    return shown


@pytest.fixture
def hook(qapp: Any) -> Iterator[None]:
    before = (sys.excepthook, threading.excepthook)
    uninstall = errors.install_excepthook(qapp)
    yield
    uninstall()
    assert (sys.excepthook, threading.excepthook) == before


def test_the_log_file_lives_in_the_data_folder(data_dir: Path) -> None:
    assert logfile.log_file_path() == data_dir / "logs" / "dangxun.log"
    path = logfile.append_error("Traceback: boom", "test")
    assert path.read_text(encoding="utf-8").count("boom") == 1


def test_an_uncaught_error_is_logged_and_shown_in_chinese(qtbot: Any, data_dir: Path, hook: None,
                                                          boxes: list[tuple[str, str, str]]) -> None:
    try:
        raise ValueError("坏了的值")
    except ValueError:
        sys.excepthook(*sys.exc_info())  # what Python does with an error no slot caught
    assert len(boxes) == 1
    kind, title, text = boxes[0]
    assert kind == "critical" and title == "程序出错"
    assert "意外错误" in text and str(logfile.log_file_path()) in text
    log = logfile.log_file_path().read_text(encoding="utf-8")
    assert "Traceback" in log and "ValueError: 坏了的值" in log


def test_an_error_in_another_thread_reaches_the_gui_thread(qtbot: Any, data_dir: Path, hook: None,
                                                           boxes: list[tuple[str, str, str]]) -> None:
    def fail() -> None:
        raise RuntimeError("线程出错")

    worker = threading.Thread(target=fail, name="worker")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(boxes))  # queued to the GUI thread, then shown
    assert str(logfile.log_file_path()) in boxes[0][2]
    assert "RuntimeError: 线程出错" in logfile.log_file_path().read_text(encoding="utf-8")


def test_a_failed_job_without_a_handler_is_logged_and_shown(qtbot: Any, data_dir: Path, hook: None,
                                                            boxes: list[tuple[str, str, str]]) -> None:
    def work(_progress: Any, _cancel: Any) -> None:
        raise KeyError("job-key")

    JobRunner().submit(work, write=False)
    qtbot.waitUntil(lambda: bool(boxes))
    assert boxes[0][0] == "critical" and str(logfile.log_file_path()) in boxes[0][2]
    log = logfile.log_file_path().read_text(encoding="utf-8")
    assert log.count("KeyError: 'job-key'") == 1  # logged once, in the worker


def test_show_error_gives_a_refusal_plainly_and_logs_the_unexpected(qtbot: Any, data_dir: Path,
                                                                    boxes: list[tuple[str, str, str]]) -> None:
    errors.show_error(None, "导出", DangxunError("文件被占用，请关闭后再试。"))
    assert boxes[-1] == ("warning", "导出", "文件被占用，请关闭后再试。")
    assert not logfile.log_file_path().exists()  # a refusal is no fault of the program
    try:
        raise ZeroDivisionError("除以零")
    except ZeroDivisionError as exc:
        errors.show_error(None, "统计", exc)
    assert "除以零" in boxes[-1][2] and str(logfile.log_file_path()) in boxes[-1][2]
    assert "ZeroDivisionError" in logfile.log_file_path().read_text(encoding="utf-8")
