"""Shared fixtures: a fresh migrated database per test (SQLite, or a server: tests/helpers/backend.py), and the
sample files of shared/."""

from __future__ import annotations

import faulthandler
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Tests never touch the user's real data folder.
os.environ.setdefault("DANGXUN_DATA_DIR", str(ROOT / ".pytest_cache" / "dangxun-data"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Prints use the bundled fonts only: the same glyphs whatever fonts the machine running the tests has
# (services/pdf/pdf_fallback.py would otherwise take SimSun-ExtB or WenQuanYi Zen Hei first).
os.environ.setdefault("DANGXUN_BUNDLED_FONTS_ONLY", "1")

from services.safety.storage import Database, open_database  # noqa: E402
from tests.helpers import backend  # noqa: E402
from tests.helpers.paths import SAMPLES  # noqa: E402

# A test that waits on something that never comes (a modal message box nobody answers, a lock never let go) ends the
# run with every thread's traceback after this long, instead of holding CI until its time limit.
HANG_S = 900


@pytest.fixture(autouse=True)
def _no_test_hangs() -> Iterator[None]:
    faulthandler.dump_traceback_later(HANG_S, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def samples_dir() -> Path:
    """`shared/samples` beside the repository (CI lays shared/ beside the clone)."""
    if SAMPLES.is_dir():
        return SAMPLES
    pytest.skip("shared/samples 不在仓库旁边")


@pytest.fixture
def samples() -> Path:
    return samples_dir()


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """A fresh migrated database: a SQLite file, or a server database with DANGXUN_TEST_SERVER."""
    if backend.on_server():
        url = backend.new_database()
        database = open_database(url)
        yield database
        database.dispose()
        backend.drop_database(url)
        return
    database = open_database(tmp_path / "test.sqlite3")
    yield database
    database.dispose()


@pytest.fixture
def demo_db(db: Database) -> Database:
    from services.demo.demo import seed_demo

    with db.session_factory.begin() as session:
        seed_demo(session, members=100, branches=11, seed=7)
    return db
