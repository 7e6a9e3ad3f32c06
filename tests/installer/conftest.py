"""Fixtures of the installer tests: one bundle build per test session (see installer_support)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.installer.installer_support import (
    OPT_IN,
    OPT_IN_REASON,
    build_bundle,
    require_pyinstaller,
)


@pytest.fixture(scope="session")
def bundle_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The onedir bundle of this source tree, built once per test session."""
    if not OPT_IN:
        pytest.skip(OPT_IN_REASON)
    prebuilt = os.environ.get("DANGXUN_BUNDLE_DIR")
    if prebuilt:
        yield Path(prebuilt).resolve()
        return
    require_pyinstaller()
    out = tmp_path_factory.mktemp("bundle")
    started = time.monotonic()
    bundle = build_bundle.build(out / "dist", out / "work")
    # Shown with -s or in the summary of a failure: the integrator weighs CI time by it.
    print(f"\nbundle built in {time.monotonic() - started:.0f} s", file=sys.stderr)
    yield bundle

