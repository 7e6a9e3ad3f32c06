"""Benchmark: 1 000 000 training records for 20 000 members in five yearly CSV files, then five-year statistics.

Run: `QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_records.py [--runs 3] [--keep DIR]`

(a) Records import: five whole `main.py import-records` processes, one a year, into a copy of the same
    20 000-member database each run (the backup each import takes first is included); the median of
    `--runs` runs. Target: ≤ 30 s for the 1 000 000 rows (≥ 34 000 rows/s). Also the peak RSS of the
    largest import process.
(b) Five-year statistics over those rows: a whole `main.py stats --from 2020-01-01 --to 2024-12-31 --json`
    process less the start of the same program (`main.py --version`), the median of `--runs` runs, for the
    first view after a change (the figures worked out and kept) and for a repeated view (the kept figures,
    services/assessment/kept_figures.py). Target: ≤ 0.5 s beyond process start.
(c) The window opened on each tab over those rows (`main.py --db X --screenshot OUT --tab NAME`, whole processes,
    medians): a figure to watch, no target of its own.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

IMPORT_TARGET_S = 30.0
STATS_TARGET_S = 0.5
YEARS = (2020, 2021, 2022, 2023, 2024)
TYPES = ("网络培训", "专题培训", "党性教育培训班", "中心组学习", "专题讲座")
STATUSES = ("出席",) * 17 + ("请假", "迟到", "缺席")


def child_env(workdir: Path) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DANGXUN_DATA_DIR=str(workdir / "data"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def make_base(path: Path, members: int) -> list[tuple[str, str]]:
    from sqlalchemy import select

    from models import Member
    from services.demo.demo import seed_demo
    from services.safety.storage import open_database

    db = open_database(path)
    with db.session_factory.begin() as session:
        seed_demo(session, members=members, branches=40, seed=11)
    with db.session_factory() as session:
        people = [(n, i) for n, i in session.execute(select(Member.name, Member.id_number).order_by(Member.id))]
    db.dispose()
    return people


def write_year(path: Path, year: int, people: list[tuple[str, str]], per_member: int) -> int:
    """One year's file: `per_member` activities, each attended (or not) by every member."""
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["序号", "姓名", "公民身份号码", "培训名称", "培训类别", "开始日期", "学时", "出勤情况", "主办单位"])
        for a in range(per_member):
            kind = TYPES[a % len(TYPES)]
            start = f"{year}-{1 + a:02d}-{5 + a % 20:02d}" if a < 12 else f"{year}-12-{a:02d}"
            title = f"{year}年{kind}第{a + 1}期"
            for i, (name, number) in enumerate(people):
                n += 1
                status = STATUSES[(i * 7 + a) % len(STATUSES)]
                hours = "" if status in ("请假", "缺席") else f"{1 + (i + a) % 4}"
                out.writerow([n, name, number, title, kind, start, hours, status, "局党委"])
    return n


CPU: list[float] = []  # CPU seconds of each process run (user + system), in order


def run(cmd: list[str], workdir: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one whole process; its CPU seconds go to CPU."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=child_env(workdir), capture_output=True, text=True)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return took, (after.ru_maxrss if after.ru_maxrss > before.ru_maxrss else 0) / 1024


def stats_rows(db: Path) -> int:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM attendance").fetchone()[0])
    finally:
        conn.close()


def forget_figures(db: Path) -> None:
    """Empty the kept figures (as any write through the workspace does), so the next `stats` works them out."""
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        with conn:
            conn.execute("DELETE FROM figures_cache")
    finally:
        conn.close()


def stats_part(py: str, db: Path, workdir: Path, runs: int, total_rows: int) -> None:
    """(b): whole `stats` processes against `--version`, alternating, medians (wall and CPU), twice: the
    first view after a change (figures worked out, then kept) and the repeated view (the kept figures)."""
    stats_cmd = [py, "main.py", "--db", str(db), "stats", "--from", "2020-01-01", "--to", "2024-12-31", "--json"]
    start_cmd = [py, "main.py", "--version"]
    # The floor: a process that only loads what the design fixes for any database work (SQLAlchemy,
    # the models), beyond the same start; the statistics' own work is what the first view takes beyond it.
    floor_cmd = [py, "-c", "import sqlalchemy, sqlalchemy.orm, models"]
    run(stats_cmd, workdir)  # warm-up: page cache (and the day's quick check of the file)
    run(start_cmd, workdir)
    bare, bare_cpu = [], []
    first, first_cpu, again, again_cpu = [], [], [], []
    floor = []
    for _ in range(max(runs, 5)):
        bare.append(run(start_cmd, workdir)[0])
        bare_cpu.append(CPU[-1])
        floor.append(run(floor_cmd, workdir)[0])
        forget_figures(db)
        first.append(run(stats_cmd, workdir)[0])
        first_cpu.append(CPU[-1])
        again.append(run(stats_cmd, workdir)[0])
        again_cpu.append(CPU[-1])
    start = statistics.median(bare)
    for label, whole, cpu in (("第一次（算出并保存）", first, first_cpu), ("再次查看（保存的结果）", again, again_cpu)):
        beyond = statistics.median(whole) - start
        print(f"(b) 五年统计{label}（{total_rows} 条记录）：整个进程 {statistics.median(whole):.2f} s，程序启动 "
              f"{start:.2f} s，超出启动 {beyond:.2f} s；目标 ≤ {STATS_TARGET_S} s："
              f"{beyond / STATS_TARGET_S:.2f}×，{'达标' if beyond <= STATS_TARGET_S else '未达标'}；"
              f"CPU {statistics.median(cpu):.2f} s（启动 {statistics.median(bare_cpu):.2f} s）", flush=True)
    print(f"(b) 下限：只载入 SQLAlchemy 与数据模型的进程 {statistics.median(floor):.2f} s，超出启动 "
          f"{statistics.median(floor) - start:.2f} s（目标 {STATS_TARGET_S} s 中设计本身所占）", flush=True)
    for label, whole in (("第一次", first), ("再次查看", again)):
        beyond = statistics.median(whole) - start
        print(f"【表】五年统计{label}（{total_rows} 条）超出程序启动：{beyond:.2f} s，目标 ≤ {STATS_TARGET_S} s，"
              f"{'达标' if beyond <= STATS_TARGET_S else '未达标'}", flush=True)
    print("    第一次：两遍学时汇总各在一个连接上、与读名册同时进行，CPU 时间可多于墙上时间；"
          "再次查看：数据未变，保存的结果直接从文件读出（services/assessment/kept_figures.py）")


TABS = ("党员", "培训", "考核与统计", "规划与资料", "问卷调查", "日志")


def tabs_part(py: str, db: Path, workdir: Path, runs: int, total_rows: int) -> None:
    """(c): the window opened on each tab over those rows (`--screenshot --tab NAME`, whole processes, medians)."""
    shot = workdir / "tab.png"
    got = []
    for name in TABS:
        cmd = [py, "main.py", "--db", str(db), "--screenshot", str(shot), "--tab", name]
        run(cmd, workdir)  # warm-up
        got.append((name, statistics.median(run(cmd, workdir)[0] for _ in range(max(runs, 3)))))
    shot.unlink(missing_ok=True)
    print(f"(c) 窗口打开到各页（{total_rows} 条记录，整个进程，中位数）：" + "，".join(f"{n} {t:.2f} s" for n, t in got),
          flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--per-year", type=int, default=10, help="activities per year, each for every member")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the generated files in this folder")
    parser.add_argument("--stats-only", type=Path, metavar="DB",
                        help="only (b), on a copy of DB (a database after the imports, e.g. a kept bench.sqlite3)")
    args = parser.parse_args()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="bench_records_"))
    workdir.mkdir(parents=True, exist_ok=True)
    if args.stats_only:
        db = workdir / "stats-only.sqlite3"
        shutil.copyfile(args.stats_only, db)
        try:
            stats_part(sys.executable, db, workdir, args.runs, stats_rows(db))
            tabs_part(sys.executable, db, workdir, args.runs, stats_rows(db))
        finally:
            db.unlink(missing_ok=True)
            for suffix in ("-wal", "-shm"):
                Path(str(db) + suffix).unlink(missing_ok=True)
            if not args.keep:
                shutil.rmtree(workdir, ignore_errors=True)
        return 0
    base = workdir / f"base-{args.members}.sqlite3"
    files = [workdir / f"records-{year}.csv" for year in YEARS]
    if not base.exists() or not all(f.exists() for f in files):
        t = time.perf_counter()
        for f in (base, *files):
            f.unlink(missing_ok=True)
        people = make_base(base, args.members)
        rows = sum(write_year(f, year, people, args.per_year) for f, year in zip(files, YEARS, strict=True))
        print(f"生成 {args.members} 名党员、{rows} 条学时记录（{len(files)} 个文件），用时 {time.perf_counter() - t:.1f} s")
    total_rows = sum(1 for f in files for _ in f.open(encoding="utf-8")) - len(files)
    py = sys.executable
    db = workdir / "bench.sqlite3"
    imports: list[float] = []
    cpu: list[float] = []
    peak = 0.0
    per_file: dict[str, list[tuple[float, float]]] = {f.name: [] for f in files}  # (wall, CPU) of each run
    for r in range(args.runs):
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        shutil.copyfile(base, db)
        shutil.rmtree(workdir / "data", ignore_errors=True)
        took = 0.0
        first = len(CPU)
        for f in files:
            seconds, rss = run([py, "main.py", "--db", str(db), "import-records", str(f)], workdir)
            per_file[f.name].append((seconds, CPU[-1]))
            took += seconds
            peak = max(peak, rss)
        imports.append(took)
        cpu.append(sum(CPU[first:]))
        print(f"  第{r + 1}次导入：{took:.1f} s（CPU {cpu[-1]:.1f} s）", flush=True)
    med = statistics.median(imports)
    print(f"\n(a) 学时记录导入：{total_rows} 条（{len(files)} 个文件，每个文件一个进程，含导入前备份），"
          f"{args.runs} 次中位数 {med:.1f} s，{total_rows / med:,.0f} 条/秒；目标 ≤ {IMPORT_TARGET_S:.0f} s："
          f"{med / IMPORT_TARGET_S:.2f}×，{'达标' if med <= IMPORT_TARGET_S else '未达标'}")
    print(f"    CPU 时间中位数 {statistics.median(cpu):.1f} s（机器忙时比墙上时间稳定）；"
          f"导入进程的峰值内存（RSS）：{peak:.0f} MB")
    print("    每个文件（中位数，墙上时间 / CPU 时间）：" + "；".join(
        f"{name} {statistics.median(w for w, _c in got):.1f} s / {statistics.median(c for _w, c in got):.1f} s"
        for name, got in per_file.items()))
    print(f"【表】学时记录导入 {total_rows} 条（{args.members} 名党员，{len(files)} 个年度 CSV）：{med:.1f} s，"
          f"目标 ≤ {IMPORT_TARGET_S:.0f} s，{'达标' if med <= IMPORT_TARGET_S else '未达标'}；峰值内存 {peak:.0f} MB",
          flush=True)

    stats_part(py, db, workdir, args.runs, total_rows)
    tabs_part(py, db, workdir, args.runs, total_rows)
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
