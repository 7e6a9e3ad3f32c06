"""One error path: an unexpected error is a Chinese message naming the log file, exit 1, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from services.logfile import log_file_path
from tests.conftest import ROOT
from tests.helpers.cli_support import Cli


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    cli = Cli(tmp_path, monkeypatch, capsys)
    cli.ok("demo", "--members", "5", "--branches", "2")
    return cli


def _fail_with(monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> None:
    from services.roll import branches

    def boom(*_args: object, **_kwargs: object) -> None:
        raise exc

    monkeypatch.setattr(branches, "list_branches", boom)


def test_unexpected_error_goes_to_the_log_file(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    _fail_with(monkeypatch, RuntimeError("意外的内部错误 boom-4711"))
    code, out, err = cli("branches", "list")
    path = log_file_path()
    assert code == 1 and not out
    assert "意外问题" in err and str(path) in err and "Traceback" not in err and "boom-4711" not in err
    assert path.parent.parent == cli.data  # the user's data folder
    logged = path.read_text(encoding="utf-8")
    assert "Traceback" in logged and "RuntimeError: 意外的内部错误 boom-4711" in logged and "branches" in logged


def test_interrupt_and_broken_pipe_keep_their_exits(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    _fail_with(monkeypatch, KeyboardInterrupt())
    code, _, err = cli("branches", "list")
    assert code == 1 and "已中断" in err
    _fail_with(monkeypatch, BrokenPipeError())
    monkeypatch.setattr(sys, "stderr", open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 - closed by run
    assert cli("branches", "list")[0] == 0
    assert not log_file_path().exists()


def test_a_real_process_prints_no_traceback(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    data = tmp_path / "data"
    script = (
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from services.roll import branches\n"
        "def boom(*a, **k):\n"
        "    raise ZeroDivisionError('division by zero deep inside')\n"
        "branches.list_branches = boom\n"
        "from ui.cli.main import run\n"
        f"sys.exit(run(['--db', {str(db)!r}, 'branches', 'list']))\n"
    )
    env = {**os.environ, "DANGXUN_DATA_DIR": str(data)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "ZeroDivisionError" in done.stderr  # the kind, not the trace
    assert "日志文件" in done.stderr and str(data) in done.stderr
    assert "division by zero deep inside" in (data / "logs" / "dangxun.log").read_text(encoding="utf-8")
