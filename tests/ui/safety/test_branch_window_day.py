"""A branch secretary's ordinary day in the window, with a branch account (支部账号).

Each step goes through the window's own actions and dialogs. Each either works or is refused up front
(a disabled action, or a Chinese message before any work), never after the clerk filled a dialog; no
tab refreshes in a loop after a write; a 查阅 branch account writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from models import Branch, ChangeLog
from services.access import ADMIN, EDITOR, VIEWER
from services.safety import accounts
from services.safety.storage import Database
from services.workspace import Workspace
from tests.helpers.members_support import OFFSCREEN_NOISE, db_fixture, open_window
from ui.main_window import TAB_SPECS, MainWindow
from ui.widgets.jobs import default_runner

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
PASSWORD = "branch-secret-1"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setattr(accounts, "SCRYPT_N", 2 ** 10)
    gen = db_fixture(tmp_path, members=None)
    bureau = next(gen)
    from services.demo.demo import seed_demo

    with bureau.session_factory.begin() as s:
        seed_demo(s, members=40, branches=4)
        names = list(s.scalars(select(Branch.name).order_by(Branch.sort_order, Branch.id)))
        accounts.create_account(s, "boss", ADMIN, PASSWORD, "测试")
        accounts.create_account(s, "sec", EDITOR, PASSWORD, "boss", branches=[names[0]])
        accounts.create_account(s, "look", VIEWER, PASSWORD, "boss", branches=[names[0]])
    yield bureau
    gen.close()


class Told:
    """Every message box the window shows (none is modal in a test)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.said: list[tuple[str, str, str]] = []
        for kind in ("warning", "critical", "information"):
            monkeypatch.setattr(QMessageBox, kind, self._box(kind))
        monkeypatch.setattr(QMessageBox, "question", self._question)

    def _box(self, kind: str) -> Any:
        def box(_parent: Any, title: str, text: str, *a: Any, **k: Any) -> Any:
            self.said.append((kind, title, text))
            return QMessageBox.StandardButton.Ok
        return box

    def _question(self, _parent: Any, title: str, text: str, *a: Any, **k: Any) -> Any:
        self.said.append(("question", title, text))
        return QMessageBox.StandardButton.Yes

    def problems(self) -> list[tuple[str, str, str]]:
        return [s for s in self.said if s[0] in ("warning", "critical")]


def settle(qtbot: Any) -> None:
    qtbot.waitUntil(lambda: default_runner().active_jobs() == 0, timeout=30_000)


def window_for(qtbot: Any, db: Database, login: str) -> MainWindow:
    ws = Workspace.over(db)
    ws.login(login, PASSWORD)
    window: MainWindow = open_window(qtbot, ws)
    return window


def show(qtbot: Any, window: MainWindow, title: str) -> Any:
    assert window.select_tab(title)
    qtbot.waitUntil(lambda: window.tabs.currentWidget().loaded, timeout=20_000)
    settle(qtbot)
    return window.current_tab()


def test_a_branch_editor_opens_every_tab(qtbot: Any, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    told = Told(monkeypatch)
    window = window_for(qtbot, db, "sec")
    for title, _ in TAB_SPECS:
        show(qtbot, window, title)
    assert told.problems() == []


class Statements:
    """Counts the SQL statements the window runs: a tab refreshing in a loop keeps reading."""

    def __init__(self, db: Database) -> None:
        from sqlalchemy import event

        self.count = 0
        self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, *_a: Any) -> None:
        self.count += 1

    def over_a_second(self, qtbot: Any) -> int:
        """The statements run in the second after the write's own reloads (each deferred at most once) ran."""
        settle(qtbot)
        qtbot.wait(700)
        settle(qtbot)
        before = self.count
        qtbot.wait(1100)
        print("statements over a second:", self.count - before)
        return self.count - before

    def close(self) -> None:
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._seen)


def own_branch(db: Database) -> str:
    with db.session_factory() as s:
        name = s.scalars(select(Branch.name).order_by(Branch.sort_order, Branch.id)).first()
    assert name is not None
    return name


def log_ids(db: Database) -> list[tuple[str, str]]:
    with db.session_factory() as s:
        return [(e, a) for e, a in s.execute(select(ChangeLog.entity, ChangeLog.action).order_by(ChangeLog.id))]


def test_members_day(qtbot: Any, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLineEdit, QWidget

    from models import Member
    from services.roll.roll_export import write_members_template
    from tests.helpers.members_support import find, on_next_dialog, type_text, valid_id
    from ui.roll import import_dialog

    told = Told(monkeypatch)
    branch = own_branch(db)
    window = window_for(qtbot, db, "sec")
    reads = Statements(db)
    tab = show(qtbot, window, "党员")
    assert window.act_new.isEnabled() and tab.act_add.isEnabled()
    number = valid_id("11010519900307123")

    def fill(dialog: QWidget) -> None:
        type_text(find(dialog, QLineEdit, "field_name"), "欧阳玥")
        type_text(find(dialog, QLineEdit, "field_id_number"), number)
        type_text(find(dialog, QLineEdit, "field_joined_party"), "2015-07")
        combo = find(dialog, QComboBox, "field_branch")
        assert [combo.itemText(i) for i in range(combo.count()) if combo.itemText(i)] == [branch]
        combo.setCurrentIndex(combo.findText(branch))
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    on_next_dialog(fill)
    window.act_new.trigger()
    with db.session_factory() as s:
        added = s.scalar(select(Member).where(Member.id_number == number))
        assert added is not None and added.name == "欧阳玥"
    assert told.problems() == []
    assert reads.over_a_second(qtbot) < 5

    assert tab.select_member(added.id)

    def edit(dialog: QWidget) -> None:
        phone = find(dialog, QLineEdit, "field_phone")
        phone.clear()
        type_text(phone, "13800001234")
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    on_next_dialog(edit)
    tab.act_edit.trigger()
    with db.session_factory() as s:
        assert s.get(Member, added.id).phone == "13800001234"
    assert told.problems() == []
    assert reads.over_a_second(qtbot) < 5

    # A roll of its branch's members: the template, with two new members of its branch.
    roll = tmp_path / "支部花名册.xlsx"
    with db.session_factory() as s:
        write_members_template(s, roll)
    from openpyxl import load_workbook

    wb = load_workbook(roll)
    sheet = wb.active
    headers = [c.value for c in sheet[1]]
    example = [c.value for c in sheet[2]]
    for row, (name, body) in enumerate((("李新一", "11010519900307201"), ("王新二", "11010519900307301")), start=2):
        values = dict(zip(headers, example, strict=False))
        values.update({"姓名": name, "公民身份号码": valid_id(body), "所在党支部": branch, "备注": None,
                       "出生日期": None, "性别": None})
        for col, header in enumerate(headers, start=1):
            sheet.cell(row=row, column=col, value=values.get(header))
    wb.save(roll)
    monkeypatch.setattr(import_dialog, "open_file", lambda *a, **k: (str(roll), ""))
    results: list[Any] = []

    def confirm(dialog: import_dialog.ImportDialog) -> int:
        qtbot.waitUntil(lambda: dialog.plan is not None or dialog.error is not None, timeout=20_000)
        assert dialog.error is None, dialog.error
        assert dialog.plan is not None and not dialog.plan.refused, dialog.plan.refused if dialog.plan else None
        assert dialog.confirm_button.isEnabled(), dialog.confirm_button.toolTip()
        dialog.confirm()
        qtbot.waitUntil(lambda: dialog.import_result is not None or bool(told.problems()), timeout=20_000)
        results.append(dialog.import_result)
        return 1

    monkeypatch.setattr(import_dialog.ImportDialog, "exec", confirm)
    window.act_import.trigger()
    assert told.problems() == []
    assert results and results[0] is not None
    with db.session_factory() as s:
        assert s.scalar(select(Member).where(Member.name == "王新二")) is not None
    assert reads.over_a_second(qtbot) < 5
    reads.close()


def test_training_day(qtbot: Any, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QInputDialog

    from models import Activity, ActivitySession, Attendance, Certificate, Member
    from ui.training import enrol_dialog, records_import_dialog, training_print_actions
    from ui.training.activity_dialog import ActivityDialog

    told = Told(monkeypatch)
    branch = own_branch(db)
    window = window_for(qtbot, db, "sec")
    reads = Statements(db)
    tab = show(qtbot, window, "培训")
    assert window.act_new.isEnabled() and tab.new_action.isEnabled()
    previews: list[Any] = []
    monkeypatch.setattr(training_print_actions.PdfPreviewDialog, "exec", lambda d: previews.append(d) or 0)
    monkeypatch.setattr(training_print_actions, "confirm_irreversible", lambda *a, **k: True)

    def new_activity(title: str, organiser: str) -> int:
        def fill(dialog: ActivityDialog) -> int:
            dialog.title_edit.setText(title)
            dialog.type_combo.setCurrentIndex(dialog.type_combo.findText("专题党课"))
            dialog.organiser_edit.setCurrentText(organiser)
            dialog.start_edit.setDate(QDate(2025, 6, 3))
            dialog.end_edit.setDate(QDate(2025, 6, 3))
            dialog.cost_spin.setValue(300)
            dialog.on_buttons_accepted()
            assert dialog.result() == 1, dialog.error_label.text()
            return 1

        monkeypatch.setattr(ActivityDialog, "exec", fill)
        window.act_new.trigger()
        with db.session_factory() as s:
            found = s.scalar(select(Activity.id).where(Activity.title == title))
        assert found is not None
        assert told.problems() == []
        assert reads.over_a_second(qtbot) < 5
        return found

    own = new_activity("支部专题党课", branch)
    bureau = new_activity("市委组织部专题党课", "市委组织部")
    with db.session_factory() as s:
        mine = set(s.scalars(select(Member.id).join(Branch).where(Branch.name == branch, Member.status == "在册")))

    def enrol(dialog: enrol_dialog.EnrolDialog) -> int:
        dialog.tabs.setCurrentIndex(enrol_dialog.HAND_PAGE)
        dialog.picker.tick_all_button.click()
        dialog.on_buttons_accepted()
        assert dialog.result() == 1, dialog.error_label.text()
        return 1

    monkeypatch.setattr(enrol_dialog.EnrolDialog, "exec", enrol)
    for activity_id in (own, bureau):
        tab.reload_activities(activity_id)
        assert tab._current is not None and tab._current.id == activity_id
        tab.enrol_action.trigger()
        assert reads.over_a_second(qtbot) < 5
        tab.all_present_button.click()  # attendance
        assert reads.over_a_second(qtbot) < 5
        with db.session_factory() as s:
            present = set(s.scalars(select(Attendance.member_id)
                                    .join(ActivitySession, ActivitySession.id == Attendance.session_id)
                                    .where(Attendance.status == "出席", ActivitySession.activity_id == activity_id)))
        assert present == mine
        tab.participants_table.selectRow(0)
        monkeypatch.setattr(QInputDialog, "getDouble", lambda *a, **k: (0.5, True))
        monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("补学", True))
        tab.adjust_button.click()
        assert told.problems() == []
        # Prints: the sign-in sheet, the register, the certificates and their register.
        for action in (tab.signin_action, tab.register_action, tab.certificates_action, tab.cert_register_action):
            before = len(previews)
            action.trigger()
            qtbot.waitUntil(lambda before=before: len(previews) > before or bool(told.problems()), timeout=20_000)
            assert told.problems() == [], action.text()
        settle(qtbot)
    with db.session_factory() as s:
        assert s.scalar(select(Certificate.id).where(Certificate.activity_id == own)) is not None

    # Training records of its members, from a file.
    with db.session_factory() as s:
        names = list(s.scalars(select(Member.name).join(Branch).where(Branch.name == branch)))
    unique = [n for n in names if names.count(n) == 1][:2]
    records = tmp_path / "学时记录.csv"
    records.write_text("姓名,培训名称,培训类别,开始日期,学时,主办单位\n" + "".join(
        f"{n},支部集中学习,专题党课,2025-03-04,2,{branch}\n" for n in unique), encoding="utf-8")

    def import_records(dialog: records_import_dialog.RecordsImportDialog) -> int:
        dialog.file_edit.setText(str(records))
        dialog.on_check_clicked()
        qtbot.waitUntil(lambda: dialog.plan is not None or bool(told.problems()), timeout=20_000)
        assert dialog.plan is not None and dialog.import_button.isEnabled(), dialog.summary_label.text()
        with qtbot.waitSignal(dialog.imported, timeout=20_000):
            dialog.on_import_clicked()
        return 1

    monkeypatch.setattr(records_import_dialog.RecordsImportDialog, "exec", import_records)
    window.act_import.trigger()
    settle(qtbot)
    assert told.problems() == []
    with db.session_factory() as s:
        assert s.scalar(select(Activity.id).where(Activity.title == "支部集中学习")) is not None
    assert reads.over_a_second(qtbot) < 5
    reads.close()


def test_surveys_are_off_up_front_for_a_branch_editor(qtbot: Any, db: Database,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    told = Told(monkeypatch)
    window = window_for(qtbot, db, "sec")
    offered: list[str] = []
    survey = show(qtbot, window, "问卷调查")
    for action in (survey.new_action, survey.import_action, window.act_new, window.act_import):
        if action.isEnabled():
            offered.append(f"问卷调查: {action.text()}")
    plan = show(qtbot, window, "规划与资料")
    assert plan.issue_button.isEnabled()  # a material issued to its members is the branch's to record
    assert offered == []
    assert told.problems() == []


def test_the_offices_pages_are_shown_not_offered_to_a_branch_editor(qtbot: Any, db: Database,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Study plan, spending, targets and branch assessments hold for the whole bureau: a branch 录入员 sees
    them but is not offered to type what would be refused on saving; its members' grades and scores it enters."""
    told = Told(monkeypatch)
    window = window_for(qtbot, db, "sec")
    plan = show(qtbot, window, "规划与资料")
    assert not plan.add_item_button.isEnabled() and plan.issue_button.isEnabled()
    stats = show(qtbot, window, "考核与统计")
    assert not stats.spending_page.btn_add.isEnabled() and not stats.targets_page.isEnabled()
    assert stats.branch_page.read_only
    assert stats.grades_page.btn_import.isEnabled() and stats.exams_page.isEnabled()
    office = window_for(qtbot, db, "boss")
    plan = show(qtbot, office, "规划与资料")
    assert plan.add_item_button.isEnabled()
    stats = show(qtbot, office, "考核与统计")
    assert stats.spending_page.btn_add.isEnabled() and stats.targets_page.isEnabled() and not stats.branch_page.read_only
    assert told.problems() == []


def test_backup_is_refused_up_front_and_a_branch_reader_writes_nothing(
        qtbot: Any, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QDialog

    from ui.safety.backup_dialog import BackupDialog
    from ui.training import training_print_actions

    told = Told(monkeypatch)
    seen: list[bool] = []

    def look(dialog: BackupDialog) -> int:
        seen.append(dialog.backup_button.isEnabled())
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(BackupDialog, "exec", look)
    window = window_for(qtbot, db, "sec")
    window.act_backup.trigger()
    assert seen == [False] and told.problems() == []

    monkeypatch.setattr(training_print_actions.PdfPreviewDialog, "exec", lambda d: 0)
    before = [e for e in log_ids(db) if e[0] != "account"]
    reader = window_for(qtbot, db, "look")
    reads = Statements(db)
    for title, _ in TAB_SPECS:
        show(qtbot, reader, title)
        if reader.act_print.isEnabled():
            reader.act_print.trigger()
            settle(qtbot)
    stats = show(qtbot, reader, "考核与统计")
    stats.export_ledger(str(tmp_path / "台账.xlsx"))
    settle(qtbot)
    assert (tmp_path / "台账.xlsx").exists()
    assert reads.over_a_second(qtbot) < 5
    reads.close()
    assert told.problems() == []
    after = [e for e in log_ids(db) if e[0] != "account"]
    assert [e for e in after[len(before):] if e[1] not in ("print", "export")] == []
