"""Benchmark: every file the program writes for the user, at a bureau's scale, as whole processes.

Run: `python tests/benchmarks/bench_exports.py [--members N] [--keep DIR]`. Each line is one process
(`main.py --db X COMMAND`, or for the window-only exports a process that calls the service), its wall seconds
and peak RSS, measured with os.wait4 on that child alone. The data: a 50 000-member roll; 20 000 members with
ten activities each in 2024 (200 000 records) for the ledger; a bureau-wide class's certificates; the log grown
to 125 000 entries; a 问卷星 survey of 20 000 answer sheets with a written answer on each.

Figures of this machine (2 cores shared with other work; medians wobble by ±15 %), before → after the
exports branch:
  roll export, 50 000 members           2.8–4.7 s, 193 MB → 2.8–4.0 s, 193 MB (the direct writer, now shared)
  refused rows file, 50 000 rows        13.2 s, 503 MB → 4.7–5.8 s, 292 MB (the check alone: 3.8 s, 284 MB)
  ledger 2024, 20 000 members            6.6 s, 240 MB → 3.0–3.8 s, 164 MB (openpyxl write-only mode)
  certificate register, 18 000           3.3–5.4 s, 153 MB → 3.1–3.5 s, 95 MB (write-only mode)
  log export, 125 000 entries           20.0 s, 655 MB → 5.4 s, 117 MB (plain columns, direct writer)
  survey report .docx, 20 000 answers  131–177 s, 236 MB → 5.5 s, 198 MB (bullets in one pass)
  survey report .pdf, 20 000 answers    14.9–19.8 s, 151 MB → 6.3–7.5 s, 151 MB, 890 pages (lines made a
                                        fragment at a time, each character measured once; answers of 1–9 lines)
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.helpers.roll_factory import HEADERS, roll_rows, write_roll_xlsx  # noqa: E402

MAIN = str(ROOT / "main.py")


def timed(argv: list[str], workdir: Path, ok_codes: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one whole process."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DANGXUN_DATA_DIR=str(workdir / "data"))
    with tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _pid, status, usage = os.wait4(proc.pid, 0)
        took = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) not in ok_codes:
            err.seek(0)
            raise SystemExit(f"failed: {argv[1:5]}\n{err.read()[-3000:]}")
    return took, usage.ru_maxrss / 1024


def line(name: str, figures: tuple[float, float]) -> None:
    print(f"{name:<40} {figures[0]:7.2f} s {figures[1]:8.0f} MB", flush=True)


def service(code: str) -> list[str]:
    return [sys.executable, "-c", "import sys; sys.path.insert(0, '.'); " + code]


def roll_part(workdir: Path, members: int) -> None:
    roll = write_roll_xlsx(workdir / "roll.xlsx", members)
    db = workdir / "roll.sqlite3"
    timed([sys.executable, MAIN, "--db", str(db), "import-members", str(roll), "--create-branches"], workdir)
    line(f"roll export, {members} members", timed(
        [sys.executable, MAIN, "--db", str(db), "export-members", str(workdir / "out-roll.xlsx")], workdir))
    bad = workdir / "bad.csv"
    with bad.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEADERS)
        for row in roll_rows(members):
            number = str(row[5])
            out.writerow([*row[:5], number[:17] + ("0" if number[17] != "0" else "1"), *row[6:]])
    empty = workdir / "empty.sqlite3"
    shutil.copyfile(db, empty)
    with sqlite3.connect(empty) as conn:
        conn.execute("DELETE FROM member")
    check = [sys.executable, MAIN, "--db", str(empty), "import-members", str(bad), "--create-branches", "--dry-run"]
    line(f"check alone, {members} refused rows", timed(check, workdir, (0, 1)))
    line(f"refused rows file, {members} rows",
         timed([*check, "--errors", str(workdir / "out-errors.xlsx")], workdir, (0, 1)))
    grow = workdir / "log.sqlite3"
    shutil.copyfile(db, grow)
    with sqlite3.connect(grow) as conn:
        cols = ",".join(r[1] for r in conn.execute("PRAGMA table_info(change_log)") if r[1] != "id")
        while conn.execute("SELECT count(*) FROM change_log").fetchone()[0] < 125000:
            conn.execute(f"INSERT INTO change_log ({cols}) SELECT {cols} FROM change_log")
        count = conn.execute("SELECT count(*) FROM change_log").fetchone()[0]
    line(f"log export, {count} entries", timed(service(
        "from services.safety.storage import open_database; from services.safety import audit; "
        f"db = open_database({str(grow)!r}); s = db.session_factory(); "
        f"audit.export_log_xlsx(s, {str(workdir / 'out-log.xlsx')!r})"), workdir))


def records_part(workdir: Path, members: int) -> None:
    from tests.benchmarks.bench_records import make_base, write_year

    db = workdir / "rec.sqlite3"
    people = make_base(db, members)
    year = write_year(workdir / "records-2024.csv", 2024, people, 10)
    timed([sys.executable, MAIN, "--db", str(db), "import-records", str(workdir / "records-2024.csv")], workdir)
    line(f"ledger 2024, {members} members, {year} records", timed(
        [sys.executable, MAIN, "--db", str(db), "ledger", "--year", "2024", str(workdir / "out-ledger.xlsx")], workdir))
    subprocess.run(service(
        "from sqlalchemy import select; from models import Activity; from services.safety.storage import open_database; "
        "from services.training import certificates; "
        f"db = open_database({str(db)!r}); s = db.session_factory.begin().__enter__(); "
        "a = s.scalar(select(Activity.id).where(Activity.title == '2024年网络培训第1期')); "
        "certificates.issue_certificates(s, a, 'bench'); s.commit()"), cwd=ROOT, check=True,
        env=dict(os.environ, DANGXUN_DATA_DIR=str(workdir / "data")))
    line("certificate register (.xlsx)", timed(
        [sys.executable, MAIN, "--db", str(db), "certificate-register", str(workdir / "out-register.xlsx")], workdir))


def survey_part(workdir: Path, sheets: int) -> None:
    db = workdir / "survey.sqlite3"
    subprocess.run(service(
        "from tests.benchmarks.bench_bulk_writes import parsed_survey; from pathlib import Path; "
        "from services.safety.storage import open_database; from services.survey import surveys; "
        f"parsed = parsed_survey(Path({str(workdir)!r}), {sheets}); "
        "[q.answers.__setitem__(i, f'建议{i}：多组织现场教学。') for q in parsed.questions if q.kind == 'text' "
        " for i in range(len(q.answers)) if q.answers[i]]; "
        f"db = open_database({str(db)!r}); s = db.session_factory.begin().__enter__(); "
        "surveys.save_import(s, parsed, 'bench'); s.commit()"), cwd=ROOT, check=True,
        env=dict(os.environ, DANGXUN_DATA_DIR=str(workdir / "data")))
    line(f"survey report (.docx), {sheets} answer sheets", timed(
        [sys.executable, MAIN, "--db", str(db), "survey", "report", "1", str(workdir / "out-survey.docx")], workdir))
    line(f"survey report (.pdf), {sheets} answer sheets", timed(
        [sys.executable, MAIN, "--db", str(db), "survey", "report", "1", str(workdir / "out-survey.pdf")], workdir))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=50000, help="the roll's members (the ledger takes 2/5)")
    parser.add_argument("--keep", type=Path, help="keep the files in this folder")
    args = parser.parse_args()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="bench-exports-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        roll_part(workdir, args.members)
        records_part(workdir, args.members * 2 // 5)
        survey_part(workdir, args.members * 2 // 5)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
