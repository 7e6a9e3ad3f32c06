"""`cli(*args)`: a command run in this process as main.py runs it, with its exit code and output;
`office`: a small demo office for the tests of odd input (tests/helpers/office_cli.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.helpers.office_cli import office  # noqa: F401 (a fixture for this folder's tests)
from ui.cli import main as cli_main


@dataclass
class Done:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Done]:
    monkeypatch.setenv("DANGXUN_USER", "tester")

    def run(*args: str) -> Done:
        capsys.readouterr()
        code = cli_main.run(list(args))
        out = capsys.readouterr()
        return Done(code, out.out, out.err)

    return run
