"""Benchmark: the 规划与资料 tab at a bureau of 20 000 members, timed in-process from the tab.

Run: `QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_plan.py [--members 20000] [--db FILE]`
(`--db`: a copy of FILE is used, never FILE itself; otherwise a demo roll of `--members` is made).

Figures: the tab built; 登记发放… opened (roll read, dialog built and shown: target 1 s); one filter keystroke;
全选 of the whole roll; the issue to every member written; 打印签收表 of it (made in the background: the figure is
the time to the file, the window's longest stall beside it); the rule lists reloaded; the study plan reloaded;
报名 opened (target 1 s), its 手工选择 page shown, one filter keystroke there.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

TARGETS = {"dialog_open": 1.0, "filter": 0.1, "tick_all": 0.5, "issue": 2.0, "rules": 2.0, "study": 2.0,
           "tab_built": 2.0, "window_stall_during_sheet": 0.2, "enrol_dialog_open": 1.0, "enrol_filter": 0.1}


def report(name: str, seconds: float, extra: str = "") -> None:
    target = TARGETS.get(name)
    tail = f"target {target:5.1f} s   {'ok' if seconds <= target else 'SLOW'}" if target else ""
    print(f"{name:<26} {seconds:7.2f} s   {tail}  {extra}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--db", type=Path, help="time against a copy of this database")
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication, QDialog

    from services.demo.demo import seed_demo
    from services.plan import study_plan
    from services.safety.storage import open_database
    from services.workspace import Workspace
    from ui.plan import plan_tab

    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory(prefix="bench_plan_") as tmp:
        path = Path(tmp) / "plan.sqlite3"
        if args.db:
            shutil.copy(args.db, path)
        else:
            start = time.perf_counter()
            db = open_database(path)
            with db.session_factory.begin() as session:
                seed_demo(session, members=args.members)
            db.dispose()
            print(f"demo roll of {args.members} members made in {time.perf_counter() - start:.1f} s", flush=True)
        ws = Workspace.over(open_database(path), "基准")
        year = dt.date.today().year
        with ws.write("study-plan") as uow:
            for i in range(60):
                study_plan.add_item(uow.session, uow.actor, year, ("书目", "专题")[i % 2], f"《学习材料{i}》", i % 12 + 1)

        start = time.perf_counter()
        tab = plan_tab.PlanTab(ws)
        tab.resize(1200, 800)
        tab.show()
        app.processEvents()
        report("tab_built", time.perf_counter() - start)

        figures: dict[str, float] = {}

        def timed_exec(dialog: plan_tab.IssueDialog) -> int:
            dialog.show()
            app.processEvents()
            figures["dialog_open"] = time.perf_counter() - figures["clicked"]
            figures["rows"] = dialog.model.rowCount()
            dialog.title.setText("《入党教材》")
            t = time.perf_counter()
            dialog.filter.setText("第1")
            app.processEvents()
            figures["filter"] = time.perf_counter() - t
            dialog.filter.clear()
            t = time.perf_counter()
            dialog.tick_all_button.click()
            app.processEvents()
            figures["tick_all"] = time.perf_counter() - t
            return QDialog.DialogCode.Accepted

        plan_tab.IssueDialog.exec = timed_exec  # type: ignore[method-assign]
        figures["clicked"] = time.perf_counter()
        tab.on_issue_clicked()
        issued = time.perf_counter() - figures["clicked"] - figures["dialog_open"] - figures["filter"] - figures["tick_all"]
        report("dialog_open", figures["dialog_open"], f"({figures['rows']:.0f} rows)")
        report("filter", figures["filter"])
        report("tick_all", figures["tick_all"])
        report("issue", issued, f"({tab.materials_model.item_at(0).members} members)")  # type: ignore[union-attr]

        out = Path(tmp) / "签收表.pdf"
        plan_tab.save_file = lambda *_a, **_k: (str(out), "")  # type: ignore[assignment]
        tab.materials_view.selectRow(0)
        start = time.perf_counter()
        job = tab.on_sheet_clicked()
        stall = 0.0
        while job is not None and not job.done.is_set():
            t = time.perf_counter()
            app.processEvents()
            stall = max(stall, time.perf_counter() - t)
            time.sleep(0.005)
        app.processEvents()
        if job is None or job.error is not None or not out.exists():
            print(f"the sign-off sheet was not made: {job.error if job else 'not started'}", file=sys.stderr)
            return 1
        report("sign_off_sheet", time.perf_counter() - start, f"({out.stat().st_size / 2**20:.1f} MB)")
        report("window_stall_during_sheet", stall)

        start = time.perf_counter()
        tab.load_rules()
        report("rules", time.perf_counter() - start, f"({tab.rules_model.rowCount()} cases)")
        start = time.perf_counter()
        tab.load_study()
        report("study", time.perf_counter() - start, f"({tab.study_model.rowCount()} items)")

        # 报名 › 手工选择 ticks in the same list of the whole roll (ui.roll.member_picker).
        from services.training import activities
        from ui.training.enrol_dialog import HAND_PAGE, EnrolDialog

        with ws.write("bench") as uow:
            activity = activities.create_activity(uow.session, {"title": "基准培训班", "type": "专题培训",
                                                                "start_date": f"{year}-03-01"}, uow.actor)
        start = time.perf_counter()
        enrol = EnrolDialog(ws, activity.id)
        enrol.show()
        app.processEvents()
        report("enrol_dialog_open", time.perf_counter() - start, f"({enrol.picker.model.total()} to pick from)")
        start = time.perf_counter()
        enrol.tabs.setCurrentIndex(HAND_PAGE)
        app.processEvents()
        report("enrol_hand_page", time.perf_counter() - start)
        start = time.perf_counter()
        enrol.picker.filter.setText("第1")
        app.processEvents()
        report("enrol_filter", time.perf_counter() - start, f"({enrol.picker.model.rowCount()} shown)")
        enrol.close()
        tab.close()
        ws.db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
