"""报名 › 从名单导入 runs as a job: the dialog stays responsive, closes when done, and 取消 enrols no one.

(A list naming no one on the roll: tests/ui/test_bad_input.py, through the same job.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from services.files import spreadsheet
from services.safety.storage import Database
from services.training import activities, enrolment
from services.workspace import Workspace
from tests.helpers.db_dump import dump_tables
from tests.helpers.members_support import close_without_asking
from tests.helpers.ui_jobs import cancel_before_reading, wait_job
from ui.training.enrol_dialog import FILE_PAGE, EnrolDialog

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def office(demo_db: Database, tmp_path: Path) -> Workspace:
    return Workspace(demo_db, actor="测试员", backup_dir=tmp_path / "backups")


def _dialog(qtbot: Any, ws: Workspace, tmp_path: Path) -> tuple[EnrolDialog, int, list[int]]:
    """The dialog on its 从名单导入 page over a list of three members on the roll, and their ids."""
    from services.roll import members

    with ws.write("activity") as uow:
        activity_id = activities.create_activity(uow.session, {"title": "专题党课", "type": "专题党课",
                                                               "start_date": "2024-03-01", "hours": 2}, "t").id
    with ws.read() as s:
        chosen = members.list_members(s, status="在册")[:3]
    path = tmp_path / "名单.csv"
    path.write_text("身份证号\n" + "".join(f"{m.id_number}\n" for m in chosen), encoding="utf-8")
    dialog = EnrolDialog(ws, activity_id)
    qtbot.addWidget(dialog, before_close_func=close_without_asking)
    dialog.show()
    dialog.tabs.setCurrentIndex(FILE_PAGE)
    dialog.file_edit.setText(str(path))
    return dialog, activity_id, [m.id for m in chosen]


def test_a_list_enrols_its_people_and_closes_the_dialog(qtbot: Any, office: Workspace, tmp_path: Path) -> None:
    dialog, activity_id, chosen = _dialog(qtbot, office, tmp_path)
    dialog.on_buttons_accepted()
    assert not dialog.buttons.isEnabled()  # while it runs
    dialog.reject()  # Esc while the list is read: the dialog waits for its end
    assert dialog.isVisible()
    wait_job(qtbot, dialog.enrol_job, dialog.buttons.isEnabled)
    assert dialog.result() == dialog.DialogCode.Accepted and not dialog.isVisible()
    assert dialog.result_value is not None and sorted(dialog.result_value.added) == sorted(chosen)
    with office.read() as s:
        assert set(chosen) == {p.member_id for p in enrolment.participants(s, activity_id)}


def test_a_cancelled_list_enrols_no_one(qtbot: Any, office: Workspace, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    dialog, _activity_id, _chosen = _dialog(qtbot, office, tmp_path)
    before = dump_tables(office.db)
    job = cancel_before_reading(monkeypatch, spreadsheet, "read_rows", dialog.enrol_from_file)
    wait_job(qtbot, job, dialog.buttons.isEnabled)
    assert dialog.error_label.text() == "已取消，未导入。"
    assert dialog.isVisible() and dialog.result_value is None
    assert dump_tables(office.db) == before
