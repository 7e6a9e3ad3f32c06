"""Benchmark: statistics over 5 years for 20 000 members and 2 000 000 attendance rows (target ≤ 1 s).

Run: `python tests/benchmarks/bench_stats.py [--members N] [--keep PATH]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from services.safety.storage import Database, open_database  # noqa: E402

TARGET_SECONDS = 1.0
YEARS = (2020, 2021, 2022, 2023, 2024)
STATUSES = ("出席",) * 90 + ("迟到",) * 3 + ("早退",) * 2 + ("请假",) * 3 + ("缺席",) * 2


def build(db: Database, members: int = 20_000, branches: int = 40, sessions_per_year: int = 20,
          seed: int = 1) -> dict[str, int]:
    """Bulk-insert a bureau: each branch holds `sessions_per_year` sessions a year for its members."""
    rng = random.Random(seed)
    raw = db.engine.raw_connection()
    cur = raw.cursor()
    cur.execute("PRAGMA synchronous=OFF")
    cur.execute("PRAGMA foreign_keys=OFF")  # rows go in out of order; the ids are consistent
    type_ids = [r[0] for r in cur.execute("SELECT id FROM activity_type ORDER BY sort_order")]
    cur.executemany("INSERT INTO branch (id, name, sort_order) VALUES (?, ?, ?)",
                    [(b, f"第{b}党支部", b) for b in range(1, branches + 1)])
    member_rows = []
    branch_members: dict[int, list[int]] = {b: [] for b in range(1, branches + 1)}
    for i in range(1, members + 1):
        branch = (i - 1) % branches + 1
        branch_members[branch].append(i)
        joined_org = None
        left = None
        status = "在册"
        r = rng.random()
        if r < 0.05:
            joined_org = f"{rng.choice(YEARS)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        elif r < 0.08:
            left = f"{rng.choice(YEARS)}-{rng.randint(1, 12):02d}"
            status = "转出"
        post = "支部书记" if len(branch_members[branch]) == 1 else ("组织委员" if len(branch_members[branch]) == 2 else None)
        member_rows.append((i, f"党员{i}", f"{i:017d}X", "男", "1980-01-01", "1999-07", "2000-07", "正式党员",
                            branch, post, joined_org, left, status, "", 0, f"{i:08d}"))
    cur.executemany(
        "INSERT INTO member (id, name, id_number, sex, birth_date, joined_party, full_member_since, membership,"
        " branch_id, party_post, joined_org, left_date, status, name_initials, surname_strokes, sort_key)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", member_rows)
    activity_id = session_id = 0
    acts, sessions = [], []
    attendance_count = 0
    for year in YEARS:
        for branch, ids in branch_members.items():
            k = 0
            while k < sessions_per_year:
                activity_id += 1
                n_sessions = 2 if k % 10 == 9 and k + 1 < sessions_per_year else 1
                start = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, 360))
                type_id = type_ids[(k + branch) % len(type_ids)]
                acts.append((activity_id, f"{year}年第{branch}支部活动{k + 1}", type_id, start.isoformat(),
                             4.0, "已结束", "all_sessions"))
                for seq in range(1, n_sessions + 1):
                    session_id += 1
                    day = min(start + dt.timedelta(days=seq - 1), dt.date(year, 12, 31))
                    sessions.append((session_id, activity_id, seq, day.isoformat(), 2.0))
                    rows = []
                    for m in ids:
                        status = rng.choice(STATUSES)
                        rows.append((session_id, m, status, 2.0 if status in ("出席", "迟到", "早退") else 0.0, "grid"))
                    cur.executemany("INSERT INTO attendance (session_id, member_id, status, hours, source)"
                                    " VALUES (?, ?, ?, ?, ?)", rows)
                    attendance_count += len(rows)
                k += n_sessions
    cur.executemany("INSERT INTO activity (id, title, type_id, start_date, hours, status, completion_rule)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)", acts)
    cur.executemany("INSERT INTO activity_session (id, activity_id, seq, date, hours) VALUES (?, ?, ?, ?, ?)",
                    sessions)
    cur.executemany("INSERT INTO hours_adjustment (member_id, date, hours, reason, author) VALUES (?, ?, ?, ?, ?)",
                    [(rng.randint(1, members), f"{rng.choice(YEARS)}-06-30", 3.0, "补录", "bench")
                     for _ in range(2000)])
    raw.commit()
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    raw.close()
    return {"members": members, "activities": activity_id, "sessions": session_id, "attendance": attendance_count}


def gui_responsiveness(db: Database) -> None:
    """Run the statistics from the tab (a pool thread) while a 10 ms timer measures the event loop."""
    import os as _os

    _os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from ui.assessment.stats_tab import StatsTab

    app = QApplication.instance() or QApplication([])
    from services.workspace import Workspace

    tab = StatsTab(Workspace.over(db, "bench"))
    tab.set_period(dt.date(2020, 1, 1), dt.date(2024, 12, 31), compute=False)
    gaps: list[int] = []
    clock = QElapsedTimer()
    timer = QTimer()
    timer.setInterval(10)

    def tick() -> None:
        gaps.append(clock.restart())

    timer.timeout.connect(tick)
    done: list[object] = []
    tab.stats_finished.connect(done.append)
    started = time.perf_counter()
    clock.start()
    timer.start()
    tab.refresh()
    while not done and time.perf_counter() - started < 60:
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    took = time.perf_counter() - started
    gaps.sort()
    print(f"statistics tab: result after {took:.2f} s; event loop gaps (10 ms timer): "
          f"median {gaps[len(gaps) // 2] if gaps else 0} ms, worst {gaps[-1] if gaps else 0} ms "
          f"over {len(gaps)} ticks")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--keep", metavar="PATH", help="keep (or reuse) the database at PATH")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--gui", action="store_true",
                        help="also compute in the statistics tab and measure how long the event loop stalls")
    parser.add_argument("--serial", dest="parallel", action="store_false",
                        help="both passes over attendance on the calling thread (default: each on a connection of its own, in parallel)")
    args = parser.parse_args()
    from services.assessment.stats import compute_stats

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep) if args.keep else Path(tmp) / "bench.sqlite3"
        reuse = path.exists()
        db = open_database(path)
        if not reuse:
            t0 = time.perf_counter()
            sizes = build(db, members=args.members)
            print(f"built {sizes} in {time.perf_counter() - t0:.1f} s")
        timings = []
        cpu = []
        figures = {}
        for _ in range(args.runs):
            t0 = time.perf_counter()
            c0 = time.process_time()
            with db.session_factory() as session:
                figures = compute_stats(session, dt.date(2020, 1, 1), dt.date(2024, 12, 31), parallel=args.parallel)
            timings.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        if args.gui:
            gui_responsiveness(db)
        db.dispose()
    best = min(timings)
    print(f"compute_stats 2020-01-01..2024-12-31: runs {', '.join(f'{t:.3f}' for t in timings)} s; "
          f"best {best:.3f} s vs target {TARGET_SECONDS:.1f} s (ratio {best / TARGET_SECONDS:.2f}); "
          f"process CPU {min(cpu):.3f} s; {'parallel' if args.parallel else 'serial'}")
    try:
        load = os.getloadavg()
        print(f"load average {load[0]:.2f} on {os.cpu_count()} cores (other work slows the figures above)")
    except OSError:
        pass
    print(f"members {figures['members']}, branches {figures['branches']}, "
          f"activities {sum(figures['activities'].values())}, person-times {sum(figures['person_times'].values())}, "
          f"total hours {figures['total_hours']}, avg/member-year {figures['avg_hours_per_member_year']}, "
          f"coverage {figures['coverage']}")
    for year, fig in figures["years"].items():
        print(f"  {year}: {fig}")
    return 0  # a benchmark reports; it never fails


if __name__ == "__main__":
    sys.exit(main())
