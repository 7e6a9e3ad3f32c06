"""Benchmark of data safety: backup, check, restore on a 10 000-member database, and one password hash.

Run: `python tests/benchmarks/bench_safety.py` (prints figures; no pass/fail).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from services.demo.demo import seed_demo  # noqa: E402
from services.safety import accounts, audit  # noqa: E402
from services.safety import backup as backup_service  # noqa: E402
from services.safety import restore as restore_service  # noqa: E402
from services.safety.storage import integrity_check, open_database  # noqa: E402


def timed(label: str, fn, target: float | None = None) -> float:  # noqa: ANN001
    t0 = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - t0
    extra = f"  (target ≤ {target:.1f} s, ratio {elapsed / target:.2f})" if target else ""
    print(f"{label:<46}{elapsed:8.2f} s{extra}")
    return elapsed


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        db = open_database(tmp_path / "bench.sqlite3")
        with db.session_factory.begin() as s:
            seed_demo(s, members=10_000, branches=11)
        with db.session_factory.begin() as s:  # a log of some years' work
            for i in range(20_000):
                audit.record_event(s, "bench", "print", f"打印签到表第{i}份", {"pages": i % 7})
        folder = tmp_path / "backups"
        result = {}
        timed("online backup + integrity_check of the copy", lambda: result.setdefault(
            "b", backup_service.backup_now(db, "bench", "manual", folder)), target=5.0)
        print(f"database: 10 000 members, 20 000 log entries, {result['b'].info.size / 1024 / 1024:.1f} MB")
        timed("integrity_check of the live file", lambda: integrity_check(db.path), target=5.0)
        with db.session_factory() as s:
            timed("hash-chain verification of the change log", lambda: audit.check_log_chain(s), target=5.0)
        timed("restore (safety backup, stage, check, swap)", lambda: restore_service.restore_backup(
            db, result["b"].info.path, "bench", folder), target=15.0)
        timed("one scrypt hash (n=2^17, r=8, p=1)", lambda: accounts.hash_password("benchmark-pw"), target=1.0)
        db.dispose()


if __name__ == "__main__":
    main()
