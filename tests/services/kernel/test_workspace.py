"""The workspace: role checks, one transaction per write, error translation, backups, announcements."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text

from models import Branch, ChangeLog
from services import access
from services.errors import DangxunError, PermissionDeniedError
from services.roll.branches import create_branch
from services.safety import accounts
from services.safety import backup as backup_service
from services.safety.storage import Database
from services.workspace import Workspace, translate_db_error
from tests.helpers.backend import server_only, sqlite_only


@pytest.fixture
def ws(db: Database) -> Workspace:
    return Workspace.over(db, "测试员")


def test_write_commits_and_announces_what_changed(ws: Workspace) -> None:
    seen = []
    ws.subscribe(seen.append)
    with ws.write("branch-create") as uow:
        branch = create_branch(uow.session, "第一党支部", uow.actor)
    with ws.read() as session:
        assert session.scalar(select(Branch.name)) == "第一党支部"
    assert len(seen) == 1
    assert branch.id in seen[0].ids("branch")
    assert seen[0].touches("change_log")  # the service logged its change in the same transaction
    assert seen[0].action == "branch-create"


def test_failed_write_rolls_back_and_announces_nothing(ws: Workspace) -> None:
    seen = []
    ws.subscribe(seen.append)
    with pytest.raises(DangxunError), ws.write("branch-create") as uow:
        create_branch(uow.session, "第二党支部", uow.actor)
        raise DangxunError("停")
    with ws.read() as session:
        assert session.scalar(select(Branch.id)) is None
        assert session.scalar(select(ChangeLog.id)) is None
    assert seen == []


def test_database_error_becomes_a_chinese_domain_error(ws: Workspace) -> None:
    with pytest.raises(DangxunError) as caught, ws.write("raw") as uow:
        uow.session.execute(text("INSERT INTO no_such_table VALUES (1)"))
    assert "数据库未作改动" in caught.value.message
    assert "Traceback" not in caught.value.message


def test_integrity_error_is_a_conflict_in_chinese(ws: Workspace) -> None:
    from sqlalchemy.exc import IntegrityError

    error = translate_db_error(IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed")))
    assert "冲突" in error.message


def test_viewer_may_read_but_not_write(db: Database) -> None:
    viewer = Workspace.over(db, "小李", role=access.VIEWER)
    with viewer.read() as session:
        assert access.current_role(session) == access.VIEWER
    with pytest.raises(PermissionDeniedError, match="查阅"), viewer.write("branch-create"):
        pass
    editor = Workspace.over(db, "小王", role=access.EDITOR)
    with pytest.raises(PermissionDeniedError), editor.write("account-create", needs=access.ADMIN):
        pass
    with editor.write("branch-create") as uow:
        assert access.current_role(uow.session) == access.EDITOR
        create_branch(uow.session, "第三党支部", uow.actor)


@sqlite_only
def test_backup_true_takes_one_backup_before_the_write(db: Database, tmp_path: Path) -> None:
    ws = Workspace(db, actor="测试员", backup_dir=tmp_path / "backups")
    with ws.write("branch-create") as uow:  # an empty database is not backed up
        create_branch(uow.session, "第一党支部", uow.actor)
    with ws.write("import-records", backup=True) as uow:
        backups = backup_service.list_backups(tmp_path / "backups", db.path)
        assert len(backups) == 1  # taken before the write began
        create_branch(uow.session, "第二党支部", uow.actor)
    assert len(backup_service.list_backups(tmp_path / "backups", db.path)) == 1


def test_open_takes_the_lock_and_login_binds_the_account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "SCRYPT_N", 2 ** 10)
    path = tmp_path / "库.sqlite3"
    ws = Workspace.open(path, actor="系统", backup_dir=tmp_path / "b")
    try:
        assert not ws.needs_login()
        with ws.write("account-create", needs=access.ADMIN) as uow:
            accounts.create_account(uow.session, "admin", access.ADMIN, "secret-1", uow.actor)
        assert ws.needs_login()
        with pytest.raises(PermissionDeniedError, match="登录失败"):
            ws.login("admin", "wrong-password")
        info = ws.login("admin", "secret-1")
        assert info.role == access.ADMIN and ws.actor == "admin" and ws.role == access.ADMIN
        from services.errors import DatabaseLockedError

        other = Workspace.open(path, actor="另一个")  # opens for looking only, while this one holds it
        try:
            assert other.shared_reason and not other.can(access.EDITOR) and other.can(access.VIEWER)
            assert other.notes and other.notes[-1].startswith("只读：另一窗口正在编辑")
            with pytest.raises(DatabaseLockedError), other.write("account-create", needs=access.ADMIN):
                pass
        finally:
            other.close()
        with pytest.raises(DatabaseLockedError):
            Workspace.open(path, actor="另一个", allow_shared=False)
    finally:
        ws.close()
    Workspace.open(path, actor="再次").close()  # the lock was given back


def test_a_failing_listener_does_not_undo_the_write(ws: Workspace) -> None:
    def broken(_changes: object) -> None:
        raise RuntimeError("listener bug")

    ws.subscribe(broken)
    with ws.write("branch-create") as uow:
        create_branch(uow.session, "第四党支部", uow.actor)
    with ws.read() as session:
        assert session.scalar(select(Branch.name)) == "第四党支部"


def test_uow_log_writes_an_audit_entry_in_the_same_transaction(ws: Workspace) -> None:
    with ws.write("export", needs=access.VIEWER) as uow:
        uow.log("导出花名册：100人", {"rows": 100})
        uow.note("member", [1, 2])
    with ws.read() as session:
        entry = session.scalars(select(ChangeLog).order_by(ChangeLog.id.desc())).first()
        assert entry is not None and entry.action == "export" and entry.actor == "测试员"


def test_a_dropped_server_connection_is_said_in_chinese() -> None:
    """The server dropped the connection mid-write (or could not be reached): the clerk read only
    “数据库操作没有成功，数据库未作改动（AdminShutdown）”, nothing about what happened or what to do."""
    from sqlalchemy.exc import OperationalError

    for said in ("terminating connection due to administrator command",
                 'connection failed: connection to server at "10.0.0.5", port 5432 failed: Connection refused',
                 "consuming input failed: server closed the connection unexpectedly"):
        error = translate_db_error(OperationalError("SELECT 1", {}, Exception(said)))
        assert "与数据库服务器的连接中断了" in error.message and "请稍后再试一次" in error.message, said


@server_only
def test_a_write_whose_connection_is_dropped_says_so_and_the_next_one_works(ws: Workspace, db: Database) -> None:
    from tests.helpers import backend

    name = backend.location(db).rsplit("/", 1)[1]
    with pytest.raises(DangxunError) as dropped, ws.write("branch-create") as uow:
        create_branch(uow.session, "第一党支部", uow.actor)
        with backend._admin().connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"),
                          {"d": name})
        create_branch(uow.session, "第二党支部", uow.actor)
    assert "与数据库服务器的连接中断了" in dropped.value.message and "数据库未作改动" in dropped.value.message
    with ws.write("branch-create") as uow:  # the clerk tries again: a new connection
        create_branch(uow.session, "第一党支部", uow.actor)
    with ws.read() as session:
        assert session.scalars(select(Branch.name)).all() == ["第一党支部"]


@pytest.mark.parametrize(("said", "what"), [
    ("UNIQUE constraint failed: branch.name", "同名的党支部"),
    ('duplicate key value violates unique constraint "uq_branch_name"\nDETAIL:  Key (name)=(同名支部) already exists.',
     "同名的党支部"),
    ("UNIQUE constraint failed: activity_type.name", "同名的培训类别"),
    ('duplicate key value violates unique constraint "uq_activity_type_name"', "同名的培训类别"),
    ("UNIQUE constraint failed: enrolment.activity_id, enrolment.member_id", "该党员的报名"),
    ('duplicate key value violates unique constraint "uq_member_id_number"', "身份证号码相同的党员"),
])
def test_a_duplicate_saved_at_once_by_two_clerks_says_what_is_already_there(said: str, what: str) -> None:
    """Two clerks creating the same branch at once: the one who lost was told only “数据与已有记录冲突（重复或被其他记录
    引用）”. A unique key met at the write now says what is already there, on SQLite and on a server."""
    from sqlalchemy.exc import IntegrityError

    error = translate_db_error(IntegrityError("INSERT", {}, Exception(said)))
    assert f"{what}已经存在" in error.message and "数据库未作改动" in error.message
    other = translate_db_error(IntegrityError("INSERT", {}, Exception("FOREIGN KEY constraint failed")))
    assert "冲突" in other.message
