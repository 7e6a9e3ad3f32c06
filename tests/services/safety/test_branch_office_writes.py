"""A branch account (支部账号) writes nothing that holds for the whole bureau, whichever service tries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import (
    ActivityType,
    Branch,
    Setting,
    Spending,
    StudyPlan,
    SubmittedReport,
    Survey,
    TargetExcludedType,
    TargetRule,
)
from services import access
from services.access import ADMIN, EDITOR
from services.assessment import spending, stats, targets
from services.demo import records as demo_records
from services.errors import PermissionDeniedError
from services.plan import study_plan, submitted
from services.safety import accounts
from services.safety.storage import Database
from services.survey import surveys
from services.training import activities, certificates
from services.workspace import Workspace

PASSWORD = "branch-secret-1"


@pytest.fixture(autouse=True)
def fast_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "SCRYPT_N", 2 ** 10)


@pytest.fixture
def branch_ws(db: Database) -> Workspace:
    from services.demo.demo import seed_demo

    with db.session_factory.begin() as s:
        seed_demo(s, members=20, branches=3)
        accounts.create_account(s, "boss", ADMIN, PASSWORD, "测试")
        name = s.scalars(select(Branch.name).order_by(Branch.id)).first()
        assert name is not None
        accounts.create_account(s, "sec", EDITOR, PASSWORD, "boss", branches=[name])
    ws = Workspace.over(db)
    ws.login("sec", PASSWORD)
    return ws


def _counts(db: Database) -> dict[str, int]:
    with db.session_factory() as s:
        return {m.__tablename__: s.scalar(select(func.count()).select_from(m)) or 0
                for m in (ActivityType, TargetRule, TargetExcludedType, Spending, StudyPlan, SubmittedReport, Survey,
                          Setting)}


YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
WRITES: dict[str, Callable[[Session, str], Any]] = {
    "add activity type": lambda s, a: activities.add_type(s, "支部自定类", "ZD", a),
    "type stops counting": lambda s, a: activities.set_type_counts(s, 1, False, a),
    "target": lambda s, a: targets.set_rule(s, a, 2025, "all", 10),
    "type excluded from target": lambda s, a: targets.set_type_excluded(s, a, 2025, "自学", True),
    "committee posts": lambda s, a: targets.set_extra_committee_posts(s, a, ["青年委员"]),
    "spending": lambda s, a: spending.add_spending(s, a, "2025-05-01", 100, "书籍", "党费"),
    "study plan": lambda s, a: study_plan.set_study_plan(s, a, 2025, "支部的计划"),
    "submitted figures": lambda s, a: submitted.submit(s, a, *YEAR, "上报", stats.compute_stats(s, *YEAR)),
    "survey": lambda s, a: surveys.create_paper(s, "支部问卷", [surveys.QuestionDraft("1、意见", "text")], a),
    "demo removal": lambda s, a: demo_records.remove_demo(s, a),
}


@pytest.mark.parametrize("name", list(WRITES))
def test_a_bureau_wide_write_is_refused_to_a_branch_account(branch_ws: Workspace, name: str) -> None:
    before = _counts(branch_ws.db)
    with pytest.raises(PermissionDeniedError, match="支部账号不能"), branch_ws.write(name) as uow:
        WRITES[name](uow.session, uow.actor)
    assert _counts(branch_ws.db) == before


def test_the_certificates_key_is_made_by_any_account(branch_ws: Workspace) -> None:
    assert certificates.SECRET_KEY in access.SETTINGS_ANY_ACCOUNT
    with branch_ws.write("verify") as uow:
        assert certificates.checksum(uow.session, "2025-DX-00001", "张三", "110101199003070000")
