"""The 问卷调查 tab: import, charts per question, search, read-only accounts, design and keyboard entry."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QMessageBox, QTableWidgetItem

from services.access import VIEWER
from services.errors import CancelledError
from services.safety.storage import Database
from services.survey import surveys
from services.survey import tally as t
from services.workspace import Workspace
from tests.helpers.db_dump import dump_tables
from tests.helpers.ui_jobs import cancel_before_reading, wait_job
from ui.survey.design_dialog import DesignDialog
from ui.survey.entry_dialog import EntryDialog
from ui.survey.entry_table_model import EntryTableModel
from ui.survey.question_chart import QuestionChart
from ui.survey.survey_tab import SurveyTab

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def ws(db: Database) -> Workspace:
    return Workspace.over(db, "测试")


def _paper(ws: Workspace) -> int:
    drafts = [surveys.QuestionDraft("所在支部", t.SINGLE, ("一支部", "二支部")),
              surveys.QuestionDraft("希望的形式", t.MULTIPLE, ("集中授课", "网络培训", "现场教学")),
              surveys.QuestionDraft("意见建议", t.TEXT)]
    with ws.write("survey-new") as uow:
        return surveys.create_paper(uow.session, "培训班评估", drafts, uow.actor)


def test_import_shows_a_chart_per_question(qtbot, qtmodeltester, ws: Workspace, samples: Path) -> None:  # type: ignore[no-untyped-def]
    tab = SurveyTab(ws)
    qtbot.addWidget(tab)
    tab.show()
    assert tab.empty_label.isVisibleTo(tab) and tab.model.rowCount() == 0
    job = tab.import_data(str(samples / "survey_wjx.xlsx"))
    assert not tab.import_action.isEnabled() and not tab.can_import()  # while it runs
    wait_job(qtbot, job, tab.import_action.isEnabled)
    assert isinstance(job.result, int) and tab.current_id() == job.result
    qtmodeltester.check(tab.model)
    assert tab.model.rowCount() == 1 and not tab.empty_label.isVisibleTo(tab)
    assert tab.status_text() == "共1份问卷"
    charts = tab.detail.findChildren(QuestionChart)
    assert [c.objectName() for c in charts] == ["chart_1", "chart_2", "chart_3"]
    assert charts[2].items == [("非常满意", 6), ("满意", 8), ("基本满意", 15), ("不满意", 7)]
    assert charts[2].answered == 36
    texts = [label.text() for label in tab.detail.findChildren(QLabel)]
    assert any("建议增加网络课程" in text for text in texts)
    assert any("红色教育基地参观" in text for text in texts)
    # 问卷星's title already says （多选）: the heading does not say it twice.
    assert "2、您希望的培训形式（多选）（40人作答）" in texts
    assert "3、您对本年度培训的总体评价（单选，36人作答）" in texts
    charts[0].grab()  # paints without warnings
    tab.search.setText("没有这个")  # QTest types ASCII only
    assert tab.model.rowCount() == 0
    tab.search.clear()
    assert tab.model.rowCount() == 1


def test_bad_file_is_reported(qtbot, ws: Workspace, samples: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    tab = SurveyTab(ws)
    qtbot.addWidget(tab)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: shown.append(text))
    before = dump_tables(ws.db)
    wait_job(qtbot, tab.import_data(str(samples / "roll_clean.xlsx")), tab.import_action.isEnabled)
    assert shown and "roll_clean.xlsx 不是可以导入的问卷星答卷" in shown[0]
    assert tab.model.rowCount() == 0 and dump_tables(ws.db) == before


def test_cancelled_import_writes_nothing(qtbot, ws: Workspace, samples: Path,  # type: ignore[no-untyped-def]
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from services.survey import wjx_import

    tab = SurveyTab(ws)
    qtbot.addWidget(tab)
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: told.append(text))
    before = dump_tables(ws.db)
    job = cancel_before_reading(monkeypatch, wjx_import, "open_sheets",
                                lambda: tab.import_data(str(samples / "survey_wjx.xlsx")))
    wait_job(qtbot, job, tab.import_action.isEnabled)
    assert told == ["已取消，未导入。"]
    assert tab.model.rowCount() == 0 and dump_tables(ws.db) == before


def test_cancel_while_writing_writes_nothing(qtbot, ws: Workspace, samples: Path,  # type: ignore[no-untyped-def]
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """取消 pressed while the answers are written: the write rolls back."""
    tab = SurveyTab(ws)
    qtbot.addWidget(tab)
    monkeypatch.setattr(QMessageBox, "information", lambda *_a: None)
    import threading

    jobs = []
    started = threading.Event()
    save_import = surveys.save_import

    def pressed_while_writing(*args, **kwargs):  # type: ignore[no-untyped-def]
        started.wait(20)
        jobs[0].cancel.set()
        return save_import(*args, **kwargs)

    monkeypatch.setattr(surveys, "save_import", pressed_while_writing)
    before = dump_tables(ws.db)
    jobs.append(tab.import_data(str(samples / "survey_wjx.xlsx")))
    started.set()
    wait_job(qtbot, jobs[0], tab.import_action.isEnabled)
    assert isinstance(jobs[0].error, CancelledError)
    assert tab.model.rowCount() == 0 and dump_tables(ws.db) == before


def test_report_is_made_in_the_background_then_previewed_or_saved(  # type: ignore[no-untyped-def]
        qtbot, ws: Workspace, samples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A report of 20 000 written answers is some 900 pages: made as a job, with its progress and 取消."""
    import ui.survey.survey_tab as survey_tab

    tab = SurveyTab(ws)
    qtbot.addWidget(tab)
    wait_job(qtbot, tab.import_data(str(samples / "survey_wjx.xlsx")), tab.import_action.isEnabled)
    previewed: list[tuple[Path, str]] = []
    monkeypatch.setattr(tab, "_preview", lambda path, title: previewed.append((path, title)))
    job = tab.print_current()
    wait_job(qtbot, job, lambda: bool(previewed))
    assert job is not None and job.result >= 1  # the page count
    path, title = previewed[0]
    assert path.read_bytes().startswith(b"%PDF") and title == "survey_wjx统计报告"
    out = tmp_path / "报告.docx"
    monkeypatch.setattr(survey_tab, "save_file", lambda *_a: (str(out), ""))
    job = tab.on_export_action_triggered()
    wait_job(qtbot, job, lambda: out.exists())
    assert job is not None and job.error is None


def test_cancelled_report_leaves_no_file(qtbot, ws: Workspace, samples: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.survey.survey_tab as survey_tab
    from services.survey import survey_report

    tab = SurveyTab(ws)
    qtbot.addWidget(tab)
    wait_job(qtbot, tab.import_data(str(samples / "survey_wjx.xlsx")), tab.import_action.isEnabled)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: shown.append(text))
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(survey_tab, "save_file", lambda *_a: (str(out / "报告.pdf"), ""))
    job = cancel_before_reading(monkeypatch, survey_report, "write_report", tab.on_export_action_triggered)
    wait_job(qtbot, job, lambda: True)
    assert isinstance(job.error, CancelledError) and shown == []  # 取消 said nothing more
    assert list(out.iterdir()) == []


def test_read_only_account(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    tab = SurveyTab(Workspace.over(db, "查阅员", role=VIEWER))
    qtbot.addWidget(tab)
    assert not tab.import_action.isEnabled() and not tab.new_action.isEnabled()
    assert tab.import_data("whatever.xlsx") is None


def test_design_dialog_creates_a_paper_survey(qtbot, ws: Workspace) -> None:  # type: ignore[no-untyped-def]
    tab = SurveyTab(ws)
    qtbot.addWidget(tab)
    tab.show()
    dialog = DesignDialog(ws, tab)
    qtbot.addWidget(dialog)
    dialog.on_buttons_accepted()
    assert "标题" in dialog.error_label.text()
    dialog.title_edit.setText("需求调查")
    dialog.table.setItem(0, 0, QTableWidgetItem("希望的培训形式"))
    dialog.table.setItem(0, 2, QTableWidgetItem("集中授课、网络培训、现场教学"))
    combo = dialog.table.cellWidget(0, 1)
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(1)  # 多选
    dialog.add_question("意见建议", t.TEXT)
    dialog.add_question("只有一个选项", t.SINGLE, "甲")
    dialog.on_buttons_accepted()
    assert "至少要有两个选项" in dialog.error_label.text()
    dialog.table.removeRow(2)
    with qtbot.waitSignal(dialog.created) as blocker:
        dialog.on_buttons_accepted()
    with ws.read() as session:
        result = surveys.get_survey(session, blocker.args[0])
    assert [(q.title, q.kind, q.options) for q in result.questions] == [
        ("希望的培训形式", "multiple", ("集中授课", "网络培训", "现场教学")), ("意见建议", "text", ())]
    assert tab.model.rowCount() == 1  # the tab followed the write


def test_entry_model(qtmodeltester, ws: Workspace) -> None:  # type: ignore[no-untyped-def]
    sid = _paper(ws)
    with ws.read() as session:
        questions = surveys.get_survey(session, sid).questions
    model = EntryTableModel(questions)
    qtmodeltester.check(model)
    assert model.setData(model.index(0, 0), "C")
    assert model.rowCount() == 2  # a fresh sheet below
    assert model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole) is not None
    assert "A～B" in model.problems()[0]
    model.setData(model.index(0, 0), "b")
    model.setData(model.index(0, 1), "ac")
    assert model.problems() == [] and model.sheets() == [["b", "ac", None]]
    qtmodeltester.check(model)


def test_keyboard_entry_saves_sheets(qtbot, ws: Workspace) -> None:  # type: ignore[no-untyped-def]
    sid = _paper(ws)
    dialog = EntryDialog(ws, sid)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    view = dialog.view
    view.setFocus()
    for text in ("A", "BC", "多讲案例", "B", "A"):
        if text.isascii():  # typing opens the editor with the key typed
            qtbot.keyClicks(view, text[0])
        else:  # QTest types ASCII only: open the editor with F2 and put the words in
            qtbot.keyClick(view, Qt.Key.Key_F2)
        editors = [w for w in view.findChildren(QLineEdit) if w.isVisible()]
        assert len(editors) == 1
        editor = editors[0]
        if not text.isascii():
            editor.setText(text)
        elif len(text) > 1:
            qtbot.keyClicks(editor, text[1:])
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        # The delegate commits and closes the editor through a queued call.
        qtbot.waitUntil(lambda: not [w for w in view.findChildren(QLineEdit) if w.isVisible()])
    assert dialog.model.sheets() == [["A", "BC", "多讲案例"], ["B", "A", None]]
    with qtbot.waitSignal(dialog.saved) as blocker:
        dialog.on_buttons_accepted()
    assert blocker.args == [2]
    with ws.read() as session:
        result = surveys.get_survey(session, sid)
    assert result.tallies[0].counts == {"一支部": 1, "二支部": 1}
    assert result.tallies[1].counts == {"集中授课": 1, "网络培训": 1, "现场教学": 1}
    assert result.tallies[2].answers == ["多讲案例"]


def test_link_activity_and_delete(qtbot, ws: Workspace, samples: Path) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from sqlalchemy import select

    from models import Activity, ActivityType

    with ws.write("activity") as uow:
        type_id = uow.session.scalar(select(ActivityType.id).limit(1))
        activity = Activity(title="党性教育培训班", type_id=type_id, start_date=dt.date(2024, 3, 1), hours=8)
        uow.session.add(activity)
        uow.session.flush()
        activity_id = activity.id
    tab = SurveyTab(ws)
    qtbot.addWidget(tab)
    tab.show()
    wait_job(qtbot, tab.import_data(str(samples / "survey_wjx.xlsx")), tab.import_action.isEnabled)
    tab.link_activity(activity_id)
    assert tab.model.item_at(0) is not None and tab.model.item_at(0).activity_title == "党性教育培训班"
    summary = tab.detail.findChild(QLabel, "detail_summary")
    assert summary is not None and "评估活动：党性教育培训班" in summary.text() and "满意率 38.9%" in summary.text()
    with ws.read() as session:
        assert surveys.satisfaction_by_activity(session) == {activity_id: round(14 / 36, 4)}
    tab.delete_selected(confirm=False)
    assert tab.model.rowCount() == 0 and tab.empty_label.isVisibleTo(tab)


def test_the_list_fits_its_pane_and_esc_clears_the_search(qtbot, ws: Workspace) -> None:  # type: ignore[no-untyped-def]
    _paper(ws)
    tab = SurveyTab(ws)
    qtbot.addWidget(tab)
    tab.resize(1000, 700)
    tab.show()
    qtbot.wait(20)
    view = tab.view
    assert view.horizontalHeader().length() <= view.viewport().width()  # no sideways scrolling
    tab.search.setText("没有这个")
    qtbot.keyClick(tab.search, Qt.Key.Key_Escape)
    assert tab.search.text() == ""


def test_the_survey_title_keeps_room_beside_the_short_columns(qtbot, ws: Workspace) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from sqlalchemy import select

    from models import Activity, ActivityType

    survey_id = _paper(ws)
    with ws.write("activity") as uow:
        type_id = uow.session.scalar(select(ActivityType.id).limit(1))
        activity = Activity(title="2026年党性教育培训班（红旗渠干部学院·第二期）", type_id=type_id,
                            start_date=dt.date(2026, 10, 12), hours=28)
        uow.session.add(activity)
        uow.session.flush()
        surveys.set_activity(uow.session, survey_id, activity.id)
    tab = SurveyTab(ws)
    qtbot.addWidget(tab)
    tab.resize(1024, 700)  # the main window on a 1024×768 screen
    tab.show()
    qtbot.wait(20)
    em = tab.fontMetrics().horizontalAdvance("党")
    # 问卷 had a few pixels left (its title showed as “…”) once the activity's title took its whole width.
    assert tab.view.columnWidth(1) >= em * 6
    assert tab.view.horizontalHeader().length() <= tab.view.viewport().width()
    activity_cell = tab.model.index(0, 5)
    assert tab.model.data(activity_cell, Qt.ItemDataRole.ToolTipRole).startswith("2026年党性教育培训班")
