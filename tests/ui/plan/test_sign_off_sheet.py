"""打印签收表 of a material issued to many members: made in the background, with its progress and 取消."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from models import ChangeLog, Member
from services.plan import materials
from services.workspace import Workspace
from tests.helpers.members_support import OFFSCREEN_NOISE
from tests.helpers.ui_jobs import cancel_before_reading, wait_job
from ui.plan import plan_tab
from ui.plan.plan_tab import PlanTab

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


@pytest.fixture
def tab(qtbot: Any, demo_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PlanTab:
    with demo_ws.read() as s:
        numbers = s.scalars(select(Member.id_number)).all()
    with demo_ws.write("material-issue") as uow:
        materials.issue_material(uow.session, uow.actor, "入党教材", "2026-07-01", numbers)
    monkeypatch.setattr(plan_tab, "save_file", lambda *_a, **_k: (str(tmp_path / "签收表.pdf"), ""))
    shown = PlanTab(demo_ws)
    qtbot.addWidget(shown)
    shown.show()
    shown.pages.setCurrentIndex(2)
    return shown


def logged_prints(ws: Workspace) -> list[str]:
    with ws.read() as s:
        return [t for t in s.scalars(select(ChangeLog.summary).where(ChangeLog.action == "print")) if "签收表" in t]


def test_the_sheet_is_made_in_the_background(qtbot: Any, tab: PlanTab, demo_ws: Workspace, tmp_path: Path) -> None:
    job = tab.on_sheet_clicked()  # it drew every page before the window could paint again (8 s for 20 000)
    assert job is not None and hasattr(job, "dialog")  # with a progress dialog and its 取消
    wait_job(qtbot, job, lambda: tab.status.text().startswith("已生成签收表"))
    assert (tmp_path / "签收表.pdf").read_bytes().startswith(b"%PDF")
    assert len(logged_prints(demo_ws)) == 1 and "人" in logged_prints(demo_ws)[0]


def test_cancel_leaves_no_file_and_no_log_entry(qtbot: Any, tab: PlanTab, demo_ws: Workspace, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    said: list[str] = []
    monkeypatch.setattr(plan_tab, "show_error", lambda _p, _t, error: said.append(str(error)))
    job = cancel_before_reading(monkeypatch, materials, "issues_of", tab.on_sheet_clicked)
    qtbot.waitUntil(job.done.is_set, timeout=20000)
    qtbot.wait(50)  # its end delivered to the window
    assert not (tmp_path / "签收表.pdf").exists() and not list(tmp_path.glob("*.tmp*"))
    assert logged_prints(demo_ws) == [] and said == [] and not tab.status.text()
