"""Helpers of the installer tests: where the tree is, the opt-in switch, running a built program.

The tests are opt-in: building a bundle takes a minute or more. Set DANGXUN_TEST_BUNDLE=1 to run
them; DANGXUN_BUNDLE_DIR=dist/dangxun reuses a bundle already built (e.g. by `make bundle`).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
for _path in (ROOT, ROOT / "installer"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import build_bundle  # noqa: E402  (installer/ is not a package: found through sys.path above)
import build_deb  # noqa: E402

__all__ = ["ROOT", "OPT_IN", "OPT_IN_REASON", "build_bundle", "build_deb", "clean_env", "run",
           "require_pyinstaller"]

OPT_IN = os.environ.get("DANGXUN_TEST_BUNDLE") == "1"
OPT_IN_REASON = "installer tests build a PyInstaller bundle (1–3 min): set DANGXUN_TEST_BUNDLE=1"


def require_pyinstaller() -> None:
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed: `pip install --group bundle`")


def clean_env(home: Path) -> dict[str, str]:
    """An environment like a fresh user's: offscreen Qt, a temporary HOME, no overrides."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("DANGXUN_") and k not in ("XDG_DATA_HOME", "XDG_CONFIG_HOME")}
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen", LANG="C.UTF-8")
    return env


def run(cmd: list[str], home: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    home.mkdir(parents=True, exist_ok=True)
    return subprocess.run(cmd, capture_output=True, text=True, env=clean_env(home), timeout=timeout,
                          cwd=str(home))
