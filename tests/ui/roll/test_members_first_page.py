"""A long roll opens with its first screen (one query), the rest read on scrolling or any search."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from services.roll import members as member_service
from services.safety.storage import Database
from tests.helpers.members_support import OFFSCREEN_NOISE, db_fixture
from tests.helpers.ui_workspace import workspace
from ui.roll import members_tab as members_tab_module
from ui.roll.members_tab import MembersTab

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    yield from db_fixture(tmp_path, members=100)


@pytest.fixture
def tab(qtbot: Any, db: Database, monkeypatch: pytest.MonkeyPatch) -> MembersTab:
    monkeypatch.setattr(members_tab_module, "FIRST_SCREEN_ROWS", 20)
    widget = MembersTab(workspace(db, "测试员"))
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    widget.refresh()
    return widget


def ids(tab: MembersTab) -> list[int]:
    return [tab.model.record_at(i).id for i in range(tab.model.rowCount())]


def on_roll(db: Database) -> list[int]:
    with db.session_factory() as session:
        return [r.id for r in member_service.list_members(session, status="在册")]


def test_first_screen_then_the_rest_on_fetch_more(tab: MembersTab, db: Database) -> None:
    everyone = on_roll(db)
    assert len(everyone) > 20
    assert tab.model.is_partial() and ids(tab) == everyone[:20]
    # The counts already speak of the whole roll.
    assert f"当前显示 {len(everyone)} 名" in tab.status_text()
    assert f"在册党员 {len(everyone)} 名" in tab.status_text()
    assert tab.model.canFetchMore()
    tab.model.fetchMore()
    assert not tab.model.is_partial() and ids(tab) == everyone
    assert f"当前显示 {len(everyone)} 名" in tab.status_text()


def test_a_search_reads_the_whole_roll(tab: MembersTab, db: Database) -> None:
    everyone = on_roll(db)
    with db.session_factory() as session:
        last = member_service.get_member(session, everyone[-1])
    tab.search.setText(last.name)
    assert last.id in ids(tab) and not tab.model.is_partial()


def test_a_short_roll_is_read_whole(qtbot: Any, db: Database) -> None:
    widget = MembersTab(workspace(db, "测试员"))
    qtbot.addWidget(widget)
    widget.refresh()
    assert not widget.model.is_partial() and not widget.model.canFetchMore()
    assert ids(widget) == on_roll(db)
