"""The members tab of a branch account (支部账号) shows only its branch, and offers only its branch."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from models import Branch, Member
from services.access import ADMIN, EDITOR
from services.safety import accounts
from services.safety.storage import Database
from services.workspace import Workspace
from tests.helpers.members_support import OFFSCREEN_NOISE, db_fixture
from ui.roll.members_tab import MembersTab

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
PASSWORD = "branch-secret-1"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setattr(accounts, "SCRYPT_N", 2 ** 10)
    yield from db_fixture(tmp_path)


def _tab(qtbot: Any, ws: Workspace) -> MembersTab:
    widget = MembersTab(ws)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    widget.refresh()
    return widget


def test_a_branch_account_sees_only_its_branch(qtbot: Any, db: Database) -> None:
    with db.session_factory.begin() as s:
        branch = s.scalars(select(Branch).order_by(Branch.sort_order, Branch.id)).all()[2]
        name = branch.name
        count = s.scalar(select(func.count(Member.id)).where(Member.branch_id == branch.id))
        accounts.create_account(s, "boss", ADMIN, PASSWORD, "测试")
        accounts.create_account(s, "sec", EDITOR, PASSWORD, "boss", branches=[name])
    ws = Workspace.over(db)
    ws.login("sec", PASSWORD)
    tab = _tab(qtbot, ws)
    shown = [tab.model.record_at(i) for i in range(tab.model.rowCount())]
    assert count and len(shown) == count and {r.branch for r in shown} == {name}
    assert tab.tree_model.rowCount(tab.tree_model.top_index()) == 1

    office = Workspace.over(db)
    office.login("boss", PASSWORD)
    assert _tab(qtbot, office).model.rowCount() == 100
