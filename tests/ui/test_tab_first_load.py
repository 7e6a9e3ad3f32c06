"""A tab shown for the first time is read once: tabs that read the database while being built
(`loads_when_built`) are not read again by the main window; the others are read when shown."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from services.plan import rules
from services.safety.storage import Database
from tests.helpers.members_support import OFFSCREEN_NOISE, db_fixture
from tests.helpers.ui_workspace import workspace
from ui.main_window import MainWindow
from ui.plan.plan_tab import PlanTab
from ui.safety.log_tab import LogTab
from ui.training.training_tab import TrainingTab

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    yield from db_fixture(tmp_path)


@pytest.mark.parametrize(("name", "cls"), [("规划与资料", PlanTab), ("日志", LogTab), ("培训", TrainingTab)])
def test_a_tab_built_on_first_show_is_read_once(qtbot: Any, db: Database, monkeypatch: Any, name: str, cls: type) -> None:
    calls: list[str] = []
    real = cls.refresh

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(name)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(cls, "refresh", counted)
    window = MainWindow(workspace(db), settings=None, db_label="test.sqlite3")
    qtbot.addWidget(window)
    window.show()
    window.load_current()
    assert window.select_tab(name)
    qtbot.waitUntil(lambda: bool(calls))
    qtbot.wait(50)
    assert calls == [name]
    window.refresh_current()  # 刷新 (F5) still reads it
    assert calls == [name, name]


def test_the_plan_rules_read_the_roll_once(db: Database, monkeypatch: Any) -> None:
    import datetime as dt

    reads: list[int] = []
    real = rules._names

    def counted(session: Any) -> Any:
        reads.append(1)
        return real(session)

    monkeypatch.setattr(rules, "_names", counted)
    with db.session_factory() as s:
        found = rules.check_rules(s, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert set(found) == {"new_member", "new_secretary", "exempt", "mobile"}
    assert reads == [1]
