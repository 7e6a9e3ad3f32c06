"""Benchmark: writes that grow with a bureau's data: 20 000 问卷星 answer sheets, 20 000 exam scores.

Run: `python tests/benchmarks/bench_bulk_writes.py [--server URL] [--sheets N] [--scores N]`
(on a SQLite file; with --server or DANGXUN_BENCH_SERVER on that PostgreSQL server as well).
Each figure is the write itself and its commit, read from the file or parsed beforehand.
Figures of this machine (2 cores shared with other work, SQLite 3.40, PostgreSQL 15 on localhost),
before → after the bulk writes (each file 20 000 rows; the survey has 10 questions, 1 in 11 skipped):
  survey_20000                SQLite 19.4 s → 0.7 s             server → 2.8 s
  exam_scores_20000 new       SQLite 62.5 s → 4.3 s             server → 10.4 s
  exam_scores_20000 changed   SQLite 33.4 s → 2.4 s             server → 5.3 s
Of an exam import's figure then, about two thirds was the commit writing its 20 000 log entries one
INSERT each; services/safety/changelog.py flush_pending now writes them in one executemany (same
entries, ids and hashes). Before → after on this machine:
  exam_scores_20000 new       SQLite 4.84 s → 1.24 s            server 7.49 s → 2.08 s
  exam_scores_20000 changed   SQLite 2.64 s → 1.09 s            server 4.05 s → 1.64 s
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import cast

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import Table, select, text  # noqa: E402

from models import Branch, Member  # noqa: E402
from services.assessment import assessments  # noqa: E402
from services.bulk import insert_rows  # noqa: E402
from services.safety.storage import open_database  # noqa: E402
from services.survey import surveys  # noqa: E402
from services.survey import tally as t  # noqa: E402
from services.survey.wjx_import import ParsedQuestion, ParsedSurvey  # noqa: E402
from services.training import activities  # noqa: E402
from tests.helpers.roll_factory import roll_rows  # noqa: E402

TARGETS = {"survey": 5.0, "exam_scores": 5.0}
QUESTIONS = 10


def report(name: str, count: int, seconds: float, where: str) -> None:
    target = TARGETS[name]
    verdict = "ok" if seconds <= target else "SLOW"
    print(f"{name}_{count:<8} {where:<10} {seconds:7.2f} s   target {target:5.1f} s   "
          f"ratio {seconds / target:5.2f}  {verdict}", flush=True)


def parsed_survey(folder: Path, sheets: int) -> ParsedSurvey:
    """A 问卷星 export as read: single, multiple and text questions, some skipped."""
    options = ("非常满意", "满意", "基本满意", "不满意")
    questions = []
    for q in range(QUESTIONS):
        kind = (t.SINGLE, t.MULTIPLE, t.TEXT)[q % 3]
        answers: list[str | None] = []
        for r in range(sheets):
            if (r + q) % 11 == 0:
                answers.append(None)
            elif kind == t.SINGLE:
                answers.append(options[(r * 7 + q) % 4])
            elif kind == t.MULTIPLE:
                answers.append("┋".join(options[: 1 + (r + q) % 3]))
            else:
                answers.append(f"建议{r % 97}：多组织现场教学。")
        questions.append(ParsedQuestion(q + 1, f"第{q + 1}题", kind, f"{q + 1}、第{q + 1}题", answers))
    submitted: list[str | None] = [f"2024/5/{1 + r % 28} 10:{r % 60:02d}:00" for r in range(sheets)]
    return ParsedSurvey(folder / f"需求调查{uuid.uuid4().hex[:6]}.xlsx", "Sheet1", questions,
                        list(range(1, sheets + 1)), submitted)


def bench_survey(url: str | Path, folder: Path, sheets: int, where: str) -> None:
    db = open_database(url)
    parsed = parsed_survey(folder, sheets)
    t0 = time.perf_counter()
    with db.session_factory.begin() as s:
        surveys.save_import(s, parsed, "bench", progress=lambda _p, _t: None)
    report("survey", sheets, time.perf_counter() - t0, where)
    db.dispose()


def bench_exam_scores(url: str | Path, folder: Path, rows: int, where: str) -> None:
    db = open_database(url)
    roll = roll_rows(rows, seed=11)
    with db.session_factory.begin() as s:
        branch = Branch(name=f"基准党支部{uuid.uuid4().hex[:6]}")
        s.add(branch)
        s.flush()
        keys = ("name", "id_number", "sex", "birth_date", "membership", "status", "branch_id", "name_initials",
                "surname_strokes", "sort_key")
        insert_rows(s.connection(), cast(Table, Member.__table__), keys,
                    [(r[1], r[5], r[2], dt.date.fromisoformat(str(r[4])), "正式党员", "在册", branch.id, "", 0,
                      f"{n:08d}") for n, r in enumerate(roll)])
        act = activities.create_activity(s, {"title": "党性教育培训班", "type": "党性教育培训班",
                                             "start_date": "2024-10-14", "hours": 6}, "bench").id
        known = set(s.scalars(select(Member.id_number)))
    assert all(r[5] in known for r in roll)
    for run, label in ((0, "new"), (1, "changed")):
        path = folder / f"scores{run}.csv"
        lines = ["姓名,公民身份号码,成绩"] + [f"{r[1]},{r[5]},{60 + (n * 7 + run * (n % 2)) % 41}"
                                             for n, r in enumerate(roll)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        t0 = time.perf_counter()
        with db.session_factory.begin() as s:
            assessments.import_exam_scores(s, "bench", act, path)
        report("exam_scores", rows, time.perf_counter() - t0, f"{where}/{label}")
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", default=os.environ.get("DANGXUN_BENCH_SERVER", ""))
    parser.add_argument("--sheets", type=int, default=20000)
    parser.add_argument("--scores", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bench_survey(folder / "survey.sqlite3", folder, args.sheets, "sqlite")
        bench_exam_scores(folder / "exam.sqlite3", folder, args.scores, "sqlite")
        if args.server:
            from sqlalchemy import create_engine

            admin = create_engine(args.server, isolation_level="AUTOCOMMIT")
            for name, work in (("survey", bench_survey), ("exam", bench_exam_scores)):
                database = f"bench_{name}_{uuid.uuid4().hex[:8]}"
                with admin.connect() as conn:
                    conn.execute(text(f'CREATE DATABASE "{database}"'))
                url = args.server.rsplit("/", 1)[0] + "/" + database
                try:
                    count = args.sheets if name == "survey" else args.scores
                    work(url, folder, count, "server")  # type: ignore[operator]
                finally:
                    with admin.connect() as conn:
                        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
