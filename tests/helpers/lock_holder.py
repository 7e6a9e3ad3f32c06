"""Another process holding a database file's one-writer lock (as a window does), for as long as a test needs."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.helpers.paths import REPO

_HOLD = ("import sys; sys.path.insert(0, sys.argv[1]);"
         "from services.safety.lock import acquire_lock; l = acquire_lock(sys.argv[2]); print('held', flush=True);"
         "sys.stdin.readline()")


@contextmanager
def lock_held_elsewhere(db: Path, env: dict[str, str]) -> Iterator[subprocess.Popen[str]]:
    """Yield once the other process holds the lock of `db`; it lets go when the block ends."""
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(REPO), str(db)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(30)
