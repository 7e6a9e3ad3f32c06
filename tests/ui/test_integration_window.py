"""The whole window: four tabs, import and export from the members tab, roles, the lock, restore, screenshots."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox
from sqlalchemy import select

from models import ChangeLog
from services.safety import accounts
from services.safety import backup as backup_service
from services.safety.storage import Database
from tests.helpers.members_support import OFFSCREEN_NOISE, db_fixture
from tests.helpers.paths import REPO as REPO_DIR
from tests.helpers.paths import SAMPLES
from tests.helpers.ui_workspace import workspace
from ui.assessment.stats_tab import StatsTab
from ui.main_window import TAB_SPECS, MainWindow
from ui.plan.plan_tab import PlanTab
from ui.roll.members_tab import MembersTab
from ui.safety.log_tab import LogTab
from ui.survey.survey_tab import SurveyTab
from ui.training.training_tab import TrainingTab
from ui.widgets.jobs import default_runner

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
REPO = REPO_DIR
TAB_TYPES = {"党员": MembersTab, "培训": TrainingTab, "考核与统计": StatsTab, "规划与资料": PlanTab,
             "问卷调查": SurveyTab, "日志": LogTab}


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    yield from db_fixture(tmp_path)


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "SCRYPT_N", 2 ** 10)


def make_window(qtbot: Any, db: Database, role: str | None = None, actor: str = "测试员") -> MainWindow:
    window = MainWindow(workspace(db, actor, role), db_label="test.sqlite3")
    qtbot.addWidget(window)
    window.resize(1200, 760)
    window.show()
    window.load_current()
    return window


def settle(qtbot: Any) -> None:
    """Let background reads (the statistics) finish before the database goes away."""
    qtbot.waitUntil(lambda: default_runner().active_jobs() == 0, timeout=20_000)


def test_window_has_all_four_tabs_on_the_demo_bureau(qtbot: Any, db: Database) -> None:
    window = make_window(qtbot, db)
    assert [s.title for s in window.slots] == [t for t, _ in TAB_SPECS] == list(TAB_TYPES)
    # Only the visible tab is built at start; the others when first shown.
    assert window.slots[0].widget is not None and all(s.widget is None for s in window.slots[1:])
    for title, cls in TAB_TYPES.items():
        assert window.select_tab(title)
        qtbot.waitUntil(lambda: window.tabs.currentWidget().loaded)
        assert isinstance(window.current_tab(), cls)
        settle(qtbot)
    stats = window.tab("考核与统计")
    assert isinstance(stats, StatsTab) and stats.detail is not None
    assert stats.detail.figures["members"] == 100
    assert window.act_backup.isEnabled() and window.act_accounts.isEnabled()
    assert not window.act_password.isEnabled()  # no accounts: nobody is logged in
    window.select_tab("培训")
    assert window.act_new.isEnabled() and window.act_import.isEnabled()


@pytest.mark.parametrize("tab", list(TAB_TYPES))
def test_screenshot_of_each_tab(db: Database, tmp_path: Path, tab: str) -> None:
    out = tmp_path / "shot.png"
    path = db.path
    db.dispose()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, str(REPO / "main.py"), "--db", str(path), "--screenshot", str(out), "--tab", tab],
        cwd=REPO, env=env, capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def sample_roll(tmp_path: Path, db: Database) -> Path:
    shared = SAMPLES / "roll_clean.xlsx"
    if shared.exists():
        return shared
    from services.roll import roll_export

    out = tmp_path / "roll.xlsx"
    with db.session_factory() as session:
        roll_export.export_members(session, out)
    return out


def test_import_dialog_opens_from_the_members_tab(qtbot: Any, db: Database, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.roll import import_dialog

    roll = sample_roll(tmp_path, db)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(roll), ""))
    seen: list[Any] = []

    def fake_exec(dialog: import_dialog.ImportDialog) -> int:
        qtbot.waitUntil(lambda: dialog.plan is not None or dialog.error is not None, timeout=20_000)
        seen.append(dialog)
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(import_dialog.ImportDialog, "exec", fake_exec)
    window = make_window(qtbot, db)
    tab = window.current_tab()
    assert isinstance(tab, MembersTab) and tab.act_import.isEnabled()
    window.act_import.trigger()  # Ctrl+I
    assert len(seen) == 1 and seen[0].path == roll and seen[0].plan is not None
    assert seen[0].ws is window.ws  # the import writes (and backs up) through the workspace
    tab.act_import.trigger()  # the toolbar's 导入
    assert len(seen) == 2


def test_empty_database_welcome_offers_import_branches_and_demo(qtbot: Any, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    gen = db_fixture(tmp_path, members=None)
    empty = next(gen)
    try:
        window = make_window(qtbot, empty)
        tab = window.current_tab()
        assert isinstance(tab, MembersTab)
        assert tab.stack.currentWidget() is tab.empty_page
        assert tab.import_roll_button.isEnabled() and tab.load_demo_button.isEnabled()
        assert tab.welcome_label.isVisible()  # a first start greets
        monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("第一党支部", True))
        tab.new_branch_button.click()
        assert [b.name for b in tab.tree_model.branches()] == ["第一党支部"]
        assert not tab.welcome_label.isVisible() and tab.stack.currentWidget() is tab.empty_page
        tab.load_demo_button.click()
        qtbot.waitUntil(lambda: tab.model.total_count() > 0, timeout=30_000)
        assert tab.stack.currentWidget() is tab.table
        # Other tabs reload when shown: the demo bureau's training history appears there.
        window.select_tab("培训")
        qtbot.waitUntil(lambda: window.tabs.currentWidget().loaded)
        training = window.current_tab()
        assert isinstance(training, TrainingTab) and training.activity_model.rowCount() > 0
        window.close()
    finally:
        gen.close()


def test_export_of_the_current_filter_asks_and_is_logged(qtbot: Any, db: Database, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "筛选.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda _p, _t, text, *a: asked.append(text) or QMessageBox.StandardButton.Yes)
    window = make_window(qtbot, db)
    tab = window.current_tab()
    assert isinstance(tab, MembersTab) and tab.export_button.isEnabled()
    tab.search.setText("张")
    shown = tab.model.visible_count()
    tab.export_actions["filter"].trigger()
    qtbot.waitUntil(out.exists, timeout=20_000)
    qtbot.waitUntil(lambda: default_runner().active_jobs() == 0)
    assert asked and "完整的身份证号码" in asked[0]
    with db.session_factory() as s:
        logged = list(s.scalars(select(ChangeLog.summary).where(ChangeLog.action == "export")))
    assert logged == ["导出党员花名册（当前筛选）（含完整身份证号码）"]
    from openpyxl import load_workbook

    rows = [r for r in load_workbook(out, read_only=True).active.iter_rows(values_only=True) if any(r)]
    assert len(rows) >= shown  # title and header rows, then the members shown

    # The same exports from the 文件 menu: the template asks nothing (no personal data).
    template = tmp_path / "模板.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(template), ""))
    asked.clear()
    window.export_actions["template"].trigger()
    qtbot.waitUntil(template.exists, timeout=20_000)
    qtbot.waitUntil(lambda: default_runner().active_jobs() == 0)
    assert not asked


def test_viewer_gets_no_editing(qtbot: Any, db: Database) -> None:
    with db.session_factory.begin() as s:
        accounts.create_account(s, "boss", accounts.ADMIN, "secret-1", "安装", "王主任")
        accounts.create_account(s, "reader", accounts.VIEWER, "secret-3", "boss", "李查阅")
    window = make_window(qtbot, db, role=accounts.VIEWER, actor="reader")
    tab = window.current_tab()
    assert isinstance(tab, MembersTab)
    tab.table.selectRow(0)
    for action in (window.act_new, window.act_delete, window.act_import, window.act_accounts,
                   window.export_actions["all"], window.export_actions["filter"], tab.act_add,
                   tab.act_transfer, tab.act_import, tab.act_branch_new, tab.act_branch_delete):
        assert not action.isEnabled(), action.text()
    assert tab.act_edit.isEnabled() and tab.act_edit.text() == "查看"  # the record opens read-only
    assert window.act_password.isEnabled() and window.act_find.isEnabled()
    assert window.export_actions["template"].isEnabled()
    assert "reader（查阅）" in window.user_label.text()
    # Phone numbers masked for 查阅 (ID numbers are masked in the list for everyone).
    phone_column = next(i for i in range(tab.model.columnCount())
                        if tab.model.headerData(i, Qt_horizontal()) == "联系电话")
    phones = [tab.model.data(tab.model.index(r, phone_column)) for r in range(tab.model.rowCount())]
    assert any(phones) and all("****" in p for p in phones if p)
    # 查看: the record opens read-only (issue 12), with nothing to save.
    from tests.helpers.members_support import on_next_dialog
    from ui.roll.member_dialog import MemberDialog

    opened: list[bool] = []
    on_next_dialog(lambda d: opened.append(isinstance(d, MemberDialog) and d.read_only))
    tab.edit_selected()
    assert opened == [True]

    window.select_tab("培训")
    qtbot.waitUntil(lambda: window.tabs.currentWidget().loaded)
    training = window.current_tab()
    assert isinstance(training, TrainingTab)
    assert not training.new_action.isEnabled() and not training.import_action.isEnabled()
    assert not training.unenrol_button.isEnabled() and not training.adjust_button.isEnabled()
    assert not window.act_new.isEnabled() and not window.act_import.isEnabled()

    window.select_tab("考核与统计")
    qtbot.waitUntil(lambda: window.tabs.currentWidget().loaded)
    stats = window.current_tab()
    assert isinstance(stats, StatsTab)
    assert not stats.btn_add_spending.isEnabled() and not stats.btn_import_grades.isEnabled()
    assert not stats.targets_page.isEnabled() and not stats.exams_page.isEnabled()
    assert not stats.btn_delete_spending.isEnabled()
    settle(qtbot)


def Qt_horizontal() -> Any:  # noqa: N802 - reads like the Qt constant it returns
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal


def test_editor_sees_full_phone_numbers(qtbot: Any, db: Database) -> None:
    window = make_window(qtbot, db, role=accounts.EDITOR, actor="clerk")
    tab = window.current_tab()
    assert isinstance(tab, MembersTab) and tab.act_add.isEnabled()
    phone_column = next(i for i in range(tab.model.columnCount())
                        if tab.model.headerData(i, Qt_horizontal()) == "联系电话")
    phones = [tab.model.data(tab.model.index(r, phone_column)) for r in range(tab.model.rowCount())]
    assert any(p and "*" not in p for p in phones)
    assert not window.act_accounts.isEnabled()  # accounts are the administrator's


def test_a_second_window_on_the_same_database_opens_read_only(tmp_path: Path, qtbot: Any) -> None:
    from ui.safety.safety_startup import SafeStart, open_for_window

    gen = db_fixture(tmp_path, members=20)
    path = next(gen).path
    gen.close()
    folder = tmp_path / "backups"
    start = open_for_window(path, "办公室", interactive=False, backups=folder)
    assert isinstance(start, SafeStart)
    try:
        window = MainWindow(start.ws)
        qtbot.addWidget(window)
        window.show()
        window.load_current()
        second = open_for_window(path, "办公室", interactive=False, backups=folder)
        assert isinstance(second, SafeStart) and second.ws.shared_reason  # opens, for looking only
        assert not second.ws.can("录入员")
        second.close()
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        result = subprocess.run(
            [sys.executable, str(REPO / "main.py"), "--db", str(path), "--screenshot", str(tmp_path / "x.png")],
            cwd=REPO, env=env, capture_output=True, timeout=120)
        said = result.stderr.decode("utf-8", "replace")
        assert result.returncode == 0, said
        assert "只读：另一窗口正在编辑" in said and (tmp_path / "x.png").stat().st_size > 0
        window.close()
    finally:
        start.close()


def test_restore_from_the_backup_dialog_reloads_every_tab(qtbot: Any, db: Database, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from services.roll.branches import create_branch
    from ui.safety.backup_dialog import BackupDialog

    folder = tmp_path / "backups"
    saved = backup_service.backup_now(db, "测试员", folder=folder)
    window = make_window(qtbot, db)
    members = window.current_tab()
    assert isinstance(members, MembersTab)
    window.select_tab("日志")
    qtbot.waitUntil(lambda: window.tabs.currentWidget().loaded)
    log = window.current_tab()
    assert isinstance(log, LogTab)
    with db.session_factory.begin() as s:
        create_branch(s, "恢复后消失的支部", "测试员")
    window.select_tab("党员")
    window.refresh_current()
    assert "恢复后消失的支部" in [b.name for b in members.tree_model.branches()]
    window.select_tab("日志")
    window.refresh_current()
    logged = log.total

    original_init = BackupDialog.__init__

    def init(self: BackupDialog, *args: Any, **kwargs: Any) -> None:
        kwargs["folder"] = folder
        original_init(self, *args, **kwargs)

    def fake_exec(dialog: BackupDialog) -> int:
        dialog.confirm_restore = lambda _source: True  # type: ignore[method-assign]
        assert dialog.restore_from(saved.info.path)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(BackupDialog, "__init__", init)
    monkeypatch.setattr(BackupDialog, "exec", fake_exec)
    window.select_tab("党员")
    window.act_backup.trigger()
    # The visible tab reloaded at once; the others are marked and reload when shown.
    assert "恢复后消失的支部" not in [b.name for b in members.tree_model.branches()]
    assert not window.slot_of("日志").loaded  # type: ignore[union-attr]
    window.select_tab("日志")
    qtbot.waitUntil(lambda: window.tabs.currentWidget().loaded)
    assert log.total != logged


def test_an_upgrade_on_opening_is_told_with_the_copy_kept(qtbot: Any, db: Database,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    from ui.app import _tell_start_notes

    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: told.append(text))
    window = make_window(qtbot, db)
    fake_db = SimpleNamespace(upgraded_from="0002", backup_path=Path("/备份/x-upgrade.sqlite3"))
    _tell_start_notes(window, SimpleNamespace(db=fake_db, notes=("数据库已从旧版本升级，升级前的副本：…",)))
    assert told and "x-upgrade.sqlite3" in told[0] and "升级" in told[0]
    assert "数据库已升级" in window.statusBar().currentMessage()
    told.clear()
    fake_db.upgraded_from = None
    _tell_start_notes(window, SimpleNamespace(db=fake_db, notes=("上次程序没有正常退出，已清除遗留的锁。",)))
    assert not told and "遗留的锁" in window.statusBar().currentMessage()


def test_print_and_certificate_check_from_the_menus(qtbot: Any, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from services.demo.demo import seed_demo_bureau
    from ui.training import certificate_verify_dialog, training_print_actions

    gen = db_fixture(tmp_path, members=None)
    bureau = next(gen)
    try:
        with bureau.session_factory.begin() as s:
            seed_demo_bureau(s, members=40, branches=4)
        previews: list[Any] = []
        monkeypatch.setattr(training_print_actions.PdfPreviewDialog, "exec", lambda d: previews.append(d) or 0)
        verified: list[Any] = []
        monkeypatch.setattr(certificate_verify_dialog.CertificateVerifyDialog, "exec",
                            lambda d: verified.append(d) or 0)
        window = make_window(qtbot, bureau)
        assert window.act_print.isEnabled()  # the roll prints as 花名册
        window.select_tab("培训")
        qtbot.waitUntil(lambda: window.tabs.currentWidget().loaded)
        assert window.act_print.isEnabled()
        window.act_print.trigger()  # Ctrl+P: the sign-in sheet of the selected activity's session
        qtbot.waitUntil(lambda: len(previews) == 1, timeout=20000)  # printed in the background
        window.act_verify.trigger()
        assert len(verified) == 1
        window.close()
    finally:
        gen.close()
