"""Benchmark: 1, 2 and 4 processes recording attendance and importing records at once on a PostgreSQL server.

Run: `python tests/benchmarks/bench_server.py [--server URL] [--members N] [--files N] [--writes N]`.
Without --server (or DANGXUN_BENCH_SERVER) it starts a throwaway cluster (tests/helpers/pg_cluster.py)
and stops it afterwards; without PostgreSQL installed it says so and exits 0.

Every process imports its share of the record files (all files name the same activities, each file
for other members: the imports meet on the activities) and records its share of attendance cells one
transaction each. Reported per run: wall time, records/s, attendance writes/s, the median and 95th
percentile of a single attendance write (the waits), and conflicts (imports planned again after
another committed first). On two cores read it as a check that nothing serialises needlessly —
four processes should not be slower than two — not as a server benchmark.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ACTIVITIES = 10


def worker(url: str, files: list[str], cells: list[list[int]], actor: str) -> dict[str, object]:
    """One clerk: import the files, then record the cells (session_id, member_id) one write each."""
    from services.training import attendance, records_import
    from services.workspace import EDITOR, Workspace, WriteConflictError

    ws = Workspace.open(url, actor=actor)
    conflicts = 0
    imported = 0
    started = time.perf_counter()
    for path in files:
        for _attempt in range(5):
            with ws.read() as session:
                plan = records_import.plan_records(session, path, "update")
            try:
                with ws.write("import-records", needs=EDITOR) as uow:
                    records_import.apply_records(uow.session, plan, uow.actor)
                imported += len(plan.added) + len(plan.updated)
                break
            except WriteConflictError:
                conflicts += 1
    import_seconds = time.perf_counter() - started
    latencies = []
    started = time.perf_counter()
    for session_id, member_id in cells:
        t0 = time.perf_counter()
        with ws.write("attendance-set", needs=EDITOR) as uow:
            attendance.set_attendance(uow.session, session_id, member_id, "出席", None, uow.actor)
        latencies.append(time.perf_counter() - t0)
    write_seconds = time.perf_counter() - started
    ws.close()
    return {"imported": imported, "import_seconds": import_seconds, "conflicts": conflicts,
            "writes": len(cells), "write_seconds": write_seconds, "latencies": latencies}


def _admin(url: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine

    return create_engine(url, isolation_level="AUTOCOMMIT")


def prepare(server: str, members: int, files: int, folder: Path) -> tuple[str, list[Path], list[list[int]]]:
    """A seeded template database, the record files, and the attendance cells to record."""
    from sqlalchemy import select, text

    from models import Activity, ActivitySession, Enrolment, Member
    from services.demo.demo import seed_demo
    from services.safety.storage import open_database
    from services.training import activities

    base = server.rsplit("/", 1)[0]
    template = f"bench_{uuid.uuid4().hex[:8]}"
    with _admin(server).connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{template}"'))
    db = open_database(f"{base}/{template}")
    with db.session_factory.begin() as session:
        seed_demo(session, members=members, branches=max(2, members // 100), seed=3)
        roll = session.execute(select(Member.name, Member.id_number, Member.id).order_by(Member.id)).all()
        type_id = activities.list_types(session)[0].id
        a = Activity(title="并发考勤基准", type_id=type_id, start_date=__import__("datetime").date(2025, 6, 1),
                     hours=2, status="已结束")
        session.add(a)
        session.flush()
        s = ActivitySession(activity_id=a.id, seq=1, date=a.start_date, hours=2)
        session.add(s)
        session.flush()
        for _, _, member_id in roll:
            session.add(Enrolment(activity_id=a.id, member_id=member_id))
        cells = [[s.id, member_id] for _, _, member_id in roll]
    db.dispose()
    paths = []
    share = max(1, len(roll) // files)
    for n in range(files):
        lines = ["姓名,公民身份号码,培训名称,培训类别,开始日期,学时"]
        for title in range(ACTIVITIES):
            for name, id_number, _ in roll[n * share:(n + 1) * share]:
                lines.append(f"{name},{id_number},并发导入专题培训{title},专题培训,2025-03-{10 + title},2")
        path = folder / f"records_{n}.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return template, paths, cells


def run_once(server: str, template: str, paths: list[Path], cells: list[list[int]], processes: int,
             writes: int) -> dict[str, float]:
    from sqlalchemy import text

    base = server.rsplit("/", 1)[0]
    name = f"run_{uuid.uuid4().hex[:8]}"
    with _admin(server).connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    url = f"{base}/{name}"
    chosen = cells[:writes]
    jobs = []
    for p in range(processes):
        payload = json.dumps({"url": url, "files": [str(f) for f in paths[p::processes]],
                              "cells": chosen[p::processes], "actor": f"录入员{p + 1}"})
        jobs.append(subprocess.Popen([sys.executable, __file__, "--worker"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, cwd=ROOT))
        assert jobs[-1].stdin is not None
        jobs[-1].stdin.write(payload)
        jobs[-1].stdin.close()
    started = time.perf_counter()
    results = []
    for job in jobs:
        assert job.stdout is not None
        out = job.stdout.read()
        job.wait(1800)
        if job.returncode != 0:
            raise SystemExit(f"worker failed ({job.returncode})")
        results.append(json.loads(out.strip().splitlines()[-1]))
    wall = time.perf_counter() - started
    latencies = sorted(x for r in results for x in r["latencies"])
    imported = sum(r["imported"] for r in results)
    with _admin(server).connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    return {
        "wall": wall,
        "records_per_s": imported / max(1e-9, max(r["import_seconds"] for r in results)),
        "writes_per_s": len(latencies) / max(1e-9, max(r["write_seconds"] for r in results)),
        "p50_ms": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000 if latencies else 0.0,
        "conflicts": sum(r["conflicts"] for r in results),
        "imported": imported,
    }


def main() -> int:
    if "--worker" in sys.argv:
        job = json.loads(sys.stdin.read())
        print(json.dumps(worker(job["url"], job["files"], job["cells"], job["actor"])))
        return 0
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--server", default=os.environ.get("DANGXUN_BENCH_SERVER"))
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--writes", type=int, default=400)
    args = parser.parse_args()
    cluster = None
    if not args.server:
        from tests.helpers import pg_cluster

        try:
            pg_cluster._bin("initdb")
        except SystemExit:
            print("没有安装 PostgreSQL（apt-get install postgresql）：跳过数据库服务器基准。")
            return 0
        cluster = Path(tempfile.mkdtemp(prefix="dangxun-bench-pg."))
        args.server = pg_cluster.start(cluster)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            template, paths, cells = prepare(args.server, args.members, args.files, Path(scratch))
            rows = args.members // args.files * args.files * ACTIVITIES
            print(f"数据：{args.members}名党员；{args.files}个学时记录文件共{rows}条（{ACTIVITIES}项活动，各文件同名活动、"
                  f"不同党员）；考勤{args.writes}次单条写入。")
            print(f"{'进程':>4} {'总用时 s':>9} {'导入 条/s':>10} {'考勤 次/s':>10} {'单次中位 ms':>11} "
                  f"{'单次P95 ms':>10} {'冲突重试':>8}")
            base = None
            for processes in (1, 2, 4):
                r = run_once(args.server, template, paths, cells, processes, args.writes)
                assert r["imported"] == rows, r
                base = base or r
                print(f"{processes:>4} {r['wall']:>9.1f} {r['records_per_s']:>10.0f} {r['writes_per_s']:>10.1f} "
                      f"{r['p50_ms']:>11.1f} {r['p95_ms']:>10.1f} {r['conflicts']:>8.0f}"
                      f"   （相对1个进程：导入×{r['records_per_s'] / base['records_per_s']:.2f}，"
                      f"考勤×{r['writes_per_s'] / base['writes_per_s']:.2f}）")
    finally:
        if cluster is not None:
            from tests.helpers import pg_cluster

            pg_cluster.stop(cluster)
            shutil.rmtree(cluster, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
