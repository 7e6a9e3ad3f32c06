"""Benchmark: 1 000 certificates in one PDF, a sign-in sheet for 1 000 people, 100 000 training records imported.

Run: python tests/benchmarks/bench_training.py  (prints each figure and its ratio to the target)
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from models import Member  # noqa: E402
from services.demo.demo import seed_demo  # noqa: E402
from services.printing import print_signin  # noqa: E402
from services.safety.storage import open_database  # noqa: E402
from services.training import activities, attendance, certificates, enrolment, records_import  # noqa: E402

TARGETS = {"certificates_1000": 10.0, "signin_1000": 3.0, "import_100000": 10.0}


def report(name: str, seconds: float, extra: str = "") -> None:
    target = TARGETS[name]
    verdict = "ok" if seconds <= target else "SLOW"
    print(f"{name:<20} {seconds:7.2f} s   target {target:5.1f} s   ratio {seconds / target:5.2f}  {verdict}  {extra}")


def write_records(path: Path, people: list[tuple[str, str]], activities_count: int) -> int:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("学时记录")
    ws.append(["学时记录（基准测试）"])
    ws.append(["序号", "姓名", "公民身份号码", "培训名称", "培训类别", "开始日期", "学时", "出勤情况"])
    n = 0
    for a in range(activities_count):
        start = (dt.date(2020, 1, 1) + dt.timedelta(days=7 * a)).isoformat()
        for i, (name, number) in enumerate(people):
            n += 1
            status = "请假" if (i + a) % 23 == 0 else ("√" if i % 3 else "出席")
            ws.append([n, name, number, f"网络学习专题第{a + 1}期", "网络培训", start, f"{1 + (i + a) % 6}学时", status])
    wb.save(path)
    return n


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        db = open_database(tmp_path / "bench.sqlite3")
        with db.session_factory.begin() as s:
            seed_demo(s, members=1200, branches=11, seed=5)
            info = activities.create_activity(s, {"title": "2024年党性教育培训班", "type": "党性教育培训班",
                                                  "start_date": "2024-10-14", "place": "西柏坡", "organiser": "局党委",
                                                  "hours": 6}, "bench")
            ids = enrolment.select_members(s)[:1000]
            enrolment.enrol(s, info.id, ids, "bench")
            attendance.mark_all_present(s, info.sessions[0].id, "bench")
        print(f"enrolled: {len(ids)} members")

        with db.session_factory() as s:
            t = time.perf_counter()
            result = print_signin.signin_sheet(s, info.id, tmp_path / "signin.pdf", blank_rows=10)
            report("signin_1000", time.perf_counter() - t, f"({result.pages} pages)")

        with db.session_factory.begin() as s:
            t = time.perf_counter()
            certs = certificates.issue_certificates(s, info.id, "bench")
            issued = time.perf_counter() - t
            t = time.perf_counter()
            pdf = certificates.render_certificates(s, certs, tmp_path / "certs.pdf")
            rendered = time.perf_counter() - t
            report("certificates_1000", issued + rendered,
                   f"({len(certs)} certificates, {pdf.pages} pages: numbering {issued:.2f} s + PDF {rendered:.2f} s)")

        with db.session_factory() as s:
            people = [(m.name, m.id_number) for m in s.scalars(select(Member).where(Member.status == "在册"))][:1000]
        path = tmp_path / "records.xlsx"
        t = time.perf_counter()
        rows = write_records(path, people, 100_000 // len(people))
        print(f"(writing the {rows}-row file took {time.perf_counter() - t:.1f} s, not counted)")
        with db.session_factory.begin() as s:
            t = time.perf_counter()
            plan = records_import.plan_records(s, path)
            planned = time.perf_counter() - t
            assert plan.ok, plan.refused[:3]
            records_import.apply_records(s, plan, "bench")
        total = time.perf_counter() - t
        report("import_100000", total, f"({len(plan.added)} records, {len(plan.new_activities)} activities: "
                                       f"read+check {planned:.2f} s, write {total - planned:.2f} s)")
        with db.session_factory.begin() as s:
            t = time.perf_counter()
            again = records_import.plan_records(s, path)
            print(f"second import plan: {len(again.unchanged)} unchanged, {len(again.added)} added, "
                  f"{time.perf_counter() - t:.2f} s")
        db.dispose()


if __name__ == "__main__":
    main()
