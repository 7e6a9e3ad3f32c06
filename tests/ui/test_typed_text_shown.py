"""Free text shows as typed: a title, place, remark or answer written `<b>粗</b>&amp;<i>斜</i>` is never taken
for markup by a label, a tooltip, a message box or a progress dialog (Qt guesses rich text from the first line)."""

from __future__ import annotations

import datetime as dt
import html
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QLabel, QMessageBox, QWidget

from services.errors import ConflictError
from services.plan import materials, study_plan
from services.roll import branches, members
from services.safety.storage import Database, open_database
from services.survey import surveys
from services.survey import tally as t
from services.training import activities, attendance, enrolment
from tests.helpers.members_support import OFFSCREEN_NOISE, on_next_dialog, valid_id
from tests.helpers.ui_workspace import workspace
from ui.main_window import MainWindow
from ui.roll.import_dialog import ImportDialog
from ui.roll.member_dialog import MemberDialog
from ui.roll.transfer_dialog import TransferDialog
from ui.survey.entry_dialog import EntryDialog
from ui.training.certificate_verify_dialog import CertificateVerifyDialog
from ui.training.enrol_dialog import EnrolDialog
from ui.widgets.edit_guard import confirm_irreversible
from ui.widgets.errors import show_error
from ui.widgets.jobs import default_runner, run_with_progress
from ui.widgets.typed_text import as_typed

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

MARK = "<b>粗</b>&amp;<i>斜</i>"
ID1, ID2 = valid_id("11010119800101001"), valid_id("11010119850202002")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """Every free-text field this office can type holds the marker (names take letters only)."""
    database = open_database(tmp_path / "typed.sqlite3")
    first = dt.date(dt.date.today().year, 1, 1)
    with database.session_factory.begin() as s:
        branch = branches.create_branch(s, MARK + "支部", "t")
        member = members.create_member(s, {"name": "张三", "id_number": ID1, "branch": branch.name, "job": MARK,
                                           "remarks": MARK, "joined_party": "2005-07-01"}, "t")
        gone = members.create_member(s, {"name": "李四", "id_number": ID2, "branch": branch.name,
                                         "joined_party": "2006-07-01"}, "t")
        members.mark_left(s, gone.id, "转出", first.isoformat(), MARK, "t")
        info = activities.create_activity(
            s, {"title": MARK + "党课", "type": "党性教育培训班", "start_date": first.isoformat(),
                "end_date": first.isoformat(), "place": MARK, "organiser": MARK, "lecturer": MARK, "remarks": MARK},
            "t", sessions=[{"date": first.isoformat(), "hours": 6}])
        enrolment.enrol(s, info.id, [member.id], "t")
        attendance.set_attendance(s, activities.get_activity(s, info.id).sessions[0].id, member.id, "请假", MARK, "t")
        survey = surveys.create_paper(s, MARK + "问卷", [surveys.QuestionDraft(MARK + "题", t.SINGLE, (MARK, "乙")),
                                                      surveys.QuestionDraft(MARK + "建议", t.TEXT)],
                                      "t", activity_id=info.id)
        surveys.add_responses(s, survey, [["A", MARK], ["B", MARK]])
        materials.issue_material(s, "t", MARK + "教材", first.isoformat(), [ID1])
        study_plan.set_study_plan(s, "t", first.year, title=MARK + "计划", body=MARK)
    yield database
    database.dispose()


def renders_rich(label: QLabel) -> bool:
    fmt = label.textFormat()
    return fmt == Qt.TextFormat.RichText or (fmt == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(label.text()))


def tip_problem(tip: Any) -> bool:
    return isinstance(tip, str) and MARK in tip and GuiQt.mightBeRichText(tip)


def model_tips(model: Any, parent: QModelIndex, depth: int = 0) -> Iterator[tuple[str, Any]]:
    columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(parent)
    for row in range(min(model.rowCount(parent), 50)):
        for column in range(columns):
            index = model.index(row, column, parent)
            yield str(model.data(index) or ""), model.data(index, Qt.ItemDataRole.ToolTipRole)
            if column == 0 and depth < 2:
                yield from model_tips(model, index, depth + 1)
    if not parent.isValid():
        for column in range(columns):
            yield "", model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)


def walk(root: QWidget) -> tuple[list[str], int]:
    """(what would show the marker as markup, how many places show it at all)."""
    wrong: list[str] = []
    seen = 0
    for widget in [root, *root.findChildren(QWidget)]:
        where = f"{type(widget).__name__} {widget.objectName()!r} in {type(widget.window()).__name__}"
        if isinstance(widget, QLabel) and html.escape(MARK) in widget.text():
            seen += 1  # escaped by us for a rich label
        if isinstance(widget, QLabel) and MARK in widget.text():
            seen += 1
            if renders_rich(widget):
                wrong.append(f"label {where}: {widget.text()[:50]}")
        if tip_problem(widget.toolTip()):
            wrong.append(f"tooltip {where}: {widget.toolTip()[:50]}")
        if isinstance(widget, QAbstractButton) and MARK in widget.text():  # '&' would be a shortcut
            wrong.append(f"button {where}: {widget.text()[:50]}")
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            for shown, tip in model_tips(widget.model(), QModelIndex()):
                seen += MARK in shown or (isinstance(tip, str) and (MARK in tip or html.escape(MARK) in tip))
                if tip_problem(tip):
                    wrong.append(f"tooltip of {type(widget.model()).__name__}: {tip[:50]}")
    return sorted(set(wrong)), seen


def at_once(_parent: Any, _title: str, fn: Any, *, on_finished: Any = None, **_kw: Any) -> None:
    """A job runner that runs the job on the spot (the roll import's check)."""
    on_finished(fn(lambda *_a: None, threading.Event()))


def settle(qtbot: Any) -> None:
    qtbot.waitUntil(lambda: default_runner().active_jobs() == 0, timeout=20_000)


def test_helper_shows_text_as_typed() -> None:
    text = MARK + "  两空格\u3000全角\n第二行"
    assert as_typed("培训班") == "培训班"
    shown = QTextDocument()
    shown.setHtml(as_typed(text))
    assert shown.toPlainText() == text


def test_every_tab_shows_typed_text_as_typed(qtbot: Any, db: Database) -> None:
    window = MainWindow(workspace(db), db_label=f"/data/{MARK}.sqlite3")
    qtbot.addWidget(window)
    window.resize(1300, 800)
    window.show()
    window.load_current()
    tab = window.current_tab()
    tab.status_filter.setCurrentIndex(tab.status_filter.count() - 1)  # members who left too: their reason's tooltip
    wrong: list[str] = []
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        window.load_current()
        settle(qtbot)
        found, seen = walk(window)
        assert seen, f"the {window.tabs.tabText(i)} tab shows no typed text: the check would prove nothing"
        wrong += found
    window.tabs.setCurrentIndex(0)
    tab.search.setText(MARK)  # nothing found: the notice quotes the search
    qtbot.waitUntil(lambda: tab.empty_notice.isVisible())
    wrong += walk(window)[0]
    assert sorted(set(wrong)) == [], "\n".join(sorted(set(wrong)))


def test_dialogs_show_typed_text_as_typed(qtbot: Any, db: Database, tmp_path: Path) -> None:
    ws = workspace(db)
    with ws.read() as s:
        activity = activities.get_activity(s, activities.list_activities(s)[0].id)
        record = members.find_by_id_number(s, ID1)
        survey_id = surveys.list_surveys(s)[0].id
        names = [b.name for b in branches.list_branches(s)]
    assert record is not None
    roll = tmp_path / "名单.xlsx"
    book = Workbook()
    book.active.append(["姓名", "公民身份号码", "所在党支部", "备注"])
    book.active.append([f"王{MARK}", valid_id("11010119900303003"), f"新{MARK}支部", MARK])
    book.save(roll)
    member_dialog = MemberDialog(ws, names, record)
    member_dialog.show_problems(members.clean_member({"name": f"王{MARK}"})[1])
    verify = CertificateVerifyDialog(ws)
    verify.text_edit.setText(MARK)
    verify.on_verify_clicked()
    dialogs: list[QWidget] = [
        EnrolDialog(ws, activity.id), member_dialog, TransferDialog(ws, record), EntryDialog(ws, survey_id), verify,
        ImportDialog(ws, roll, runner=at_once),
    ]
    host = QWidget()  # a job's progress dialog names the file being read
    dialogs.append(host)
    release = threading.Event()
    run_with_progress(host, f"正在读取 {MARK}", lambda _progress, _cancel: release.wait(10), write=False)
    wrong: list[str] = []
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        found, seen = walk(dialog)
        assert seen, f"{type(dialog).__name__} shows no typed text: the check would prove nothing"
        wrong += found
    release.set()
    settle(qtbot)
    assert wrong == [], "\n".join(wrong)


def test_message_boxes_show_typed_text_as_typed(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    told: list[str] = []
    for kind in ("information", "question", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, kind, lambda _p, _t, text, *_a: told.append(text) or QMessageBox.StandardButton.No)
    show_error(None, "导入", ConflictError(f"党支部“{MARK}”已存在"))
    assert told and all(MARK not in text or not GuiQt.mightBeRichText(text) for text in told)
    shown: list[tuple[bool, str]] = []
    on_next_dialog(lambda box: shown.append((box.textFormat() == Qt.TextFormat.PlainText, box.text())))
    confirm_irreversible(None, "删除活动", f"删除“{MARK}”？此操作不能撤销。", "删除活动", "不删除")
    assert shown == [(True, f"删除“{MARK}”？此操作不能撤销。")]
