"""Benchmark of the prints that grow with the roll: the whole roll of 20 000 members, one branch's roll, the
sign-in sheet and the attendance register of a class with every member enrolled.

Run: `python tests/benchmarks/bench_prints.py [--members N] [--db FILE] [--keep DIR]`. Each print is a whole
process (`main.py --db X print-roll OUT.pdf` …) whose wall time, CPU time and peak RSS are printed. The data:
a copy of `--db` (a database of members, never changed), else a demonstration bureau of N members made here.
Targets (issue of the prints at bureau scale): the whole roll ≤ 45 s and ≤ 300 MB (it was 107 s and 713 MB when
ReportLab split one Table page after page); the class's sheets ≤ 20 s and ≤ 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

ROLL_TARGET_S = 45.0
SHEET_TARGET_S = 20.0
MEMORY_TARGET_MB = 300.0


def timed_process(argv: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (user+sys) and peak RSS (MB) of one whole process, and its stdout."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=ROOT, stdout=out, stderr=err, text=True, env=env)
        _pid, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage
        elapsed = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if code != 0:
            raise RuntimeError(f"{argv[3:6]} failed ({code}): {err.read()[-2000:]}")
        return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.read()


def prepare(workdir: Path, members: int, source: Path | None) -> tuple[Path, int, str]:
    """The database (a copy of `source`, or a demonstration bureau), with a class every member is enrolled in:
    (path, the class's id, a branch's name)."""
    from services.demo.demo import seed_demo
    from services.roll import branches
    from services.safety.storage import open_database
    from services.training import activities, enrolment

    db_path = workdir / "prints.sqlite3"
    if source is not None:
        shutil.copyfile(source, db_path)
    db = open_database(db_path)
    try:
        with db.session_factory.begin() as s:
            if source is None:
                seed_demo(s, members=members, branches=max(1, members // 470), seed=17)
            info = activities.create_activity(s, {"title": "全体党员专题培训班", "type": "专题培训",
                                                  "start_date": "2025-06-10", "place": "局机关大礼堂",
                                                  "organiser": "局党委", "hours": 4}, "bench")
            enrolment.enrol(s, info.id, enrolment.select_members(s), "bench")
            branch = branches.list_branches(s)[0].name
    finally:
        db.dispose()
    return db_path, info.id, branch


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--db", type=Path, help="a database of members to print (copied, never changed)")
    parser.add_argument("--keep", type=Path, help="keep the database and the PDFs in this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        db_path, class_id, branch = prepare(workdir, args.members, args.db)
        print(f"数据准备：{time.perf_counter() - started:.1f} s（{db_path.name}，培训班编号 {class_id}）", flush=True)
        env = os.environ | {"DANGXUN_DATA_DIR": str(workdir / "data")}
        main_py = [sys.executable, str(ROOT / "main.py"), "--db", str(db_path)]
        prints = [
            ("整个花名册", ["print-roll", "--json", str(workdir / "roll.pdf")], ROLL_TARGET_S),
            ("一个支部的花名册", ["print-roll", "--json", "--branch", branch, str(workdir / "branch.pdf")], ROLL_TARGET_S),
            ("签到表（全体党员）", ["print-signin", str(class_id), str(workdir / "signin.pdf")], SHEET_TARGET_S),
            ("考勤表（全体党员）", ["print-register", str(class_id), str(workdir / "register.pdf")], SHEET_TARGET_S),
        ]
        failed = False
        for label, argv, target in prints:
            wall, cpu, rss, out = timed_process(main_py + argv, env)
            extra = ""
            if "--json" in argv:
                result = json.loads(out[out.index("{"):])
                extra = f"，{result['members']}人 {result['pages']}页"
            slow = wall > target or rss > MEMORY_TARGET_MB
            failed |= slow
            print(f"{label}{extra}：{wall:6.1f} s（CPU {cpu:.1f} s），峰值内存 {rss:5.0f} MB；"
                  f"目标 ≤ {target:.0f} s、≤ {MEMORY_TARGET_MB:.0f} MB {'超出' if slow else 'ok'}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
