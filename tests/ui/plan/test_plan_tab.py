"""The 规划与资料 tab: plans, rule cases, materials and the study plan, live after writes elsewhere."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from sqlalchemy import select

from models import Member
from services.access import VIEWER
from services.plan import materials
from services.safety.storage import Database
from services.workspace import Workspace
from tests.helpers.members_support import OFFSCREEN_NOISE
from ui.plan import plan_tab
from ui.plan.plan_tab import IssueDialog, PlanTab

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


@pytest.fixture
def ws(demo_db: Database) -> Workspace:
    return Workspace.over(demo_db, "测试员")


def test_models_pass_the_model_tester(qtbot: Any, qtmodeltester: Any, ws: Workspace) -> None:
    tab = PlanTab(ws)
    qtbot.addWidget(tab)
    assert tab.plans_model.rowCount() == 2
    assert "沿用" in tab.plans_model.display(tab.plans_model.item_at(1), 2)
    for model in (tab.plans_model, tab.rules_model, tab.materials_model, tab.study_model):
        qtmodeltester.check(model)


def test_a_write_elsewhere_shows_at_once(qtbot: Any, ws: Workspace) -> None:
    tab = PlanTab(ws)
    qtbot.addWidget(tab)
    tab.show()
    assert tab.materials_model.rowCount() == 0
    with ws.read() as s:
        number = s.scalar(select(Member.id_number).order_by(Member.id))
    with ws.write("material-issue") as uow:  # e.g. the command line's materials issue, or another tab
        materials.issue_material(uow.session, uow.actor, "入党教材", "2024-07-01", [number])
    qtbot.waitUntil(lambda: tab.materials_model.rowCount() == 1, timeout=2000)


def test_issue_dialog_records_the_ticked_members(qtbot: Any, ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    tab = PlanTab(ws)
    qtbot.addWidget(tab)

    def fake_exec(dialog: IssueDialog) -> int:
        dialog.title.setText("《入党教材》")
        for i in range(2):
            dialog.model.setData(dialog.model.index(i), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(IssueDialog, "exec", fake_exec)
    tab.show()
    tab.on_issue_clicked()
    row = tab.materials_model.item_at(0)
    assert row is not None and (row.title, row.members) == ("入党教材", 2)


def test_viewer_cannot_issue_or_set_targets(qtbot: Any, demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    viewer = Workspace.over(demo_db, "小李", role=VIEWER)
    tab = PlanTab(viewer)
    qtbot.addWidget(tab)
    assert not tab.issue_button.isEnabled() and not tab.set_target_button.isEnabled()
    warnings: list[str] = []
    monkeypatch.setattr(plan_tab.QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    assert not tab._run("x", "material-issue", lambda uow: None)
    assert warnings and "查阅" in warnings[0]


def test_a_study_item_without_a_name_keeps_the_dialog_open(qtbot: Any) -> None:
    from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

    from tests.helpers.members_support import on_next_dialog
    from ui.plan.plan_tab import StudyItemDialog

    dialog = StudyItemDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.kind.setCurrentText("书目")
    dialog.month.setValue(5)
    dialog.title.setText("　《》 ")  # full-width space and empty guillemets: no name
    said: list[str] = []
    on_next_dialog(lambda box: said.append(box.text() if isinstance(box, QMessageBox) else ""))
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    ok.click()
    assert said == ["请填写名称。"]
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.focusWidget() is dialog.title and dialog.month.value() == 5
    dialog.title.setText("《习近平谈治国理政》第四卷")
    ok.click()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_each_page_says_its_own_things(qtbot: Any, ws: Workspace) -> None:
    tab = PlanTab(ws)
    qtbot.addWidget(tab)
    tab.resize(1000, 700)
    tab.show()
    # The 条例要求 count was shown under every page, 规划 and 资料发放 included.
    texts = {tab.pages.tabText(i): [w.text() for w in tab.pages.widget(i).findChildren(plan_tab.QLabel)
                                    if w.isVisibleTo(tab.pages.widget(i)) and w.text()]
             for i in range(tab.pages.count())}
    assert not any("条例要求：" in text for text in [tab.status.text(), *texts["规划"], *texts["资料发放"]])
    assert any(text.startswith("条例要求：涉及") for text in texts["条例要求"])
    assert "至" in texts["条例要求"]  # a period is written 2026-01-01 至 2026-12-31, as on 考核与统计
    # No materials handed out yet: the page says what to do rather than show an empty grid.
    assert any("点“登记发放…”" in text for text in texts["资料发放"])
    with ws.write("material-issue") as uow:
        number = uow.session.scalars(select(Member.id_number).limit(1)).one()
        materials.issue_material(uow.session, uow.actor, "入党教材", "2026-07-01", [number])
    tab.refresh()
    assert tab.materials_model.rowCount() == 1 and not tab.materials_hint.isVisibleTo(tab.pages.widget(2))


def test_the_small_dialogs_fit_what_is_typed_in_them(qtbot: Any) -> None:
    from ui.plan.plan_tab import StudyItemDialog

    book = "《习近平新时代中国特色社会主义思想学习纲要》"
    study = StudyItemDialog()
    qtbot.addWidget(study)
    study.show()
    # The 名称 field was 140 pixels: a book's title showed its first ten characters.
    assert study.title.width() >= study.title.fontMetrics().horizontalAdvance(book)
    issue = IssueDialog([(str(n), f"党员{n}", "办公室党支部") for n in range(40)])
    qtbot.addWidget(issue)
    issue.show()
    hint = issue.title.placeholderText()
    assert issue.title.width() >= issue.title.fontMetrics().horizontalAdvance(hint)  # the hint was cut off
    assert issue.people.height() >= issue.people.fontMetrics().height() * 15
    screen = issue.screen().availableGeometry()
    assert issue.height() <= 768 - 60 and issue.width() <= screen.width()


def test_set_target_acts_on_the_plan_selected(qtbot: Any, ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from ui.plan.plan_tab import TargetDialog

    tab = PlanTab(ws)
    qtbot.addWidget(tab)
    tab.show()
    # The plan in force is selected to begin with (设置目标… took the first, 2019—2023, when none was).
    today = dt.date.today()
    selected = tab.plans_model.item_at(tab.plans_view.selectionModel().selectedRows()[0].row())
    assert selected is not None and (selected.start <= today <= selected.end or selected.end < today)
    assert tab.set_target_button.isEnabled()
    opened: list[list[str]] = []
    monkeypatch.setattr(TargetDialog, "exec", lambda d: opened.append([w.text() for w in d.findChildren(plan_tab.QLabel)]) or 0)
    tab.plans_view.selectRow(1)
    tab.set_target_button.click()
    assert opened and tab.plans_model.item_at(1).name in opened[0]
    tab.plans_view.clearSelection()
    assert not tab.set_target_button.isEnabled()  # nothing selected: nothing to set


def test_sign_off_sheet_waits_for_a_material(qtbot: Any, ws: Workspace) -> None:
    tab = PlanTab(ws)
    qtbot.addWidget(tab)
    assert not tab.sheet_button.isEnabled()  # no material yet: the button only said to choose one
    with ws.read() as s:
        number = s.scalar(select(Member.id_number).order_by(Member.id))
    with ws.write("material-issue") as uow:
        materials.issue_material(uow.session, uow.actor, "入党教材", "2024-07-01", [number])
    tab.refresh()
    assert tab.materials_view.selectionModel().hasSelection() and tab.sheet_button.isEnabled()


def test_window_new_and_print_act_on_the_page_shown(qtbot: Any, ws: Workspace,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """编辑 › 新增 (Ctrl+N) and 文件 › 打印 (Ctrl+P) were grey on every page of 规划与资料; they now do the page's
    登记发放… / 新增条目… and 打印签收表… / 打印…; a plan double-clicked opens its 设置目标…."""
    from ui.main_window import MainWindow

    opened: list[str] = []
    monkeypatch.setattr(plan_tab.IssueDialog, "exec", lambda d: opened.append("issue") or 0)
    monkeypatch.setattr(plan_tab.StudyItemDialog, "exec", lambda d: opened.append("item") or 0)
    monkeypatch.setattr(plan_tab.TargetDialog, "exec", lambda d: opened.append("target") or 0)
    monkeypatch.setattr(plan_tab.PlanTab, "on_sheet_clicked", lambda self: opened.append("sheet"))
    window = MainWindow(ws)
    qtbot.addWidget(window)
    window.show()
    window.select_tab("规划与资料")
    window.load_current()
    tab = window.current_tab()
    assert isinstance(tab, PlanTab)
    assert not window.act_new.isEnabled()  # 规划: nothing to add there
    tab.pages.setCurrentIndex(2)  # 资料发放
    assert window.act_new.isEnabled() and not window.act_print.isEnabled()  # no material yet
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    tab.materials_view.setFocus()
    qtbot.keyClick(tab.materials_view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    with ws.read() as s:
        number = s.scalar(select(Member.id_number).order_by(Member.id))
    with ws.write("material-issue") as uow:
        materials.issue_material(uow.session, uow.actor, "入党教材", "2024-07-01", [number])
    qtbot.waitUntil(lambda: window.act_print.isEnabled(), timeout=2000)
    window.act_print.trigger()
    tab.pages.setCurrentIndex(3)  # 学习计划
    window.act_new.trigger()
    tab.pages.setCurrentIndex(0)
    tab.plans_view.doubleClicked.emit(tab.plans_model.index(0, 0))
    assert opened == ["issue", "sheet", "item", "target"]


def test_a_material_issued_again_shows_at_once(qtbot: Any, ws: Workspace) -> None:
    """Issued again to more members (no new material), the list follows: the issue is announced though its rows
    are written in bulk."""
    with ws.read() as s:
        first, second = s.scalars(select(Member.id_number).order_by(Member.id).limit(2)).all()
    with ws.write("material-issue") as uow:
        materials.issue_material(uow.session, uow.actor, "入党教材", "2024-07-01", [first])
    tab = PlanTab(ws)
    qtbot.addWidget(tab)
    tab.show()
    assert tab.materials_model.item_at(0).members == 1
    with ws.write("material-issue") as uow:
        materials.issue_material(uow.session, uow.actor, "入党教材", "2024-09-01", [second])
    qtbot.waitUntil(lambda: tab.materials_model.item_at(0).members == 2, timeout=2000)
