"""Several clerks writing at once on a server: one activity per identity, one certificate series, one chain.

Threads in one process, each with its own connection and transaction: the server sees them as
separate clerks. (Whole processes are driven in test_server_cli.py.)
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import Activity, ActivityIdentity, ActivitySession, Attendance, Certificate, Enrolment
from services.safety import changelog
from services.safety.storage import Database
from services.training import certificates, records_import
from services.workspace import Workspace
from tests.helpers import backend

pytestmark = backend.server_only


def at_once(jobs: list[Callable[[], object]]) -> list[BaseException]:
    """Run the jobs in threads released together; the errors they raised."""
    gate = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job: Callable[[], object]) -> None:
        gate.wait()
        try:
            job()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return errors


@pytest.fixture
def bureau(db: Database) -> Database:
    """The demo bureau with its five years of training (classes with attendance)."""
    from services.demo.demo import seed_demo_bureau

    with db.session_factory.begin() as session:
        seed_demo_bureau(session, members=100, branches=11, seed=7)
    return db


def _copy_class(session, source_id: int, title: str) -> int:  # type: ignore[no-untyped-def]
    """A second class of the same type and year with the same attendance (the same people completed it)."""
    a = session.get(Activity, source_id)
    b = Activity(title=title, type_id=a.type_id, start_date=a.start_date, end_date=a.end_date, hours=a.hours,
                 status="已结束", completion_rule=a.completion_rule, completion_value=a.completion_value)
    session.add(b)
    session.flush()
    for s in a.sessions:
        copy = ActivitySession(activity_id=b.id, seq=s.seq, date=s.date, hours=s.hours)
        session.add(copy)
        session.flush()
        for att in session.scalars(select(Attendance).where(Attendance.session_id == s.id)):
            session.add(Attendance(session_id=copy.id, member_id=att.member_id, status=att.status,
                                   reason=att.reason, hours=att.hours, source=att.source))
    for e in session.scalars(select(Enrolment).where(Enrolment.activity_id == a.id)):
        session.add(Enrolment(activity_id=b.id, member_id=e.member_id))
    return b.id


def test_four_classes_issued_at_once_get_one_gap_free_series(bureau: Database) -> None:
    ws = Workspace.over(bureau)
    with ws.write("setup") as uow:
        year = dt.date.today().year - 1
        source = uow.session.scalar(select(Activity.id).where(Activity.title.like(f"{year}年党性教育培训班%")))
        assert source is not None
        classes = [source] + [_copy_class(uow.session, source, f"{year}年党性教育培训班（第{n}期）") for n in (2, 3, 4)]

    def issue(activity_id: int) -> Callable[[], object]:
        def job() -> object:
            with ws.write("print-certificates") as uow:
                return certificates.issue_certificates(uow.session, activity_id, uow.actor)
        return job

    # each class twice at once: a class is issued once whoever asks, and the series never repeats a number
    assert at_once([issue(a) for a in classes + classes]) == []
    with bureau.session_factory() as s:
        rows = s.execute(select(Certificate.number, Certificate.activity_id, Certificate.member_id)).all()
        broken = changelog.verify_chain(s)
    series = {n.rsplit("-", 1)[0] for n, a, _ in rows if a in classes}
    assert len(series) == 1  # one type, one year: one series
    rows = [r for r in rows if r[0].rsplit("-", 1)[0] in series]
    assert {a for _, a, _ in rows} == set(classes)
    numbers = sorted(n for n, _, _ in rows)
    assert len(numbers) == len(set(numbers)) > 4
    assert len({(a, m) for _, a, m in rows}) == len(rows)  # no member got two for one class
    serials = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert serials == list(range(1, len(serials) + 1))  # gap-free
    assert broken == []


def _records(path: Path, members: list[tuple[str, str]], titles: list[str]) -> Path:
    lines = ["姓名,公民身份号码,培训名称,培训类别,开始日期,学时"]
    for n, title in enumerate(titles):
        for name, id_number in members:
            lines.append(f"{name},{id_number},{title},专题培训,2025-0{1 + n % 9}-1{n % 10},2")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_same_activity_from_two_imports_at_once_is_created_once(bureau: Database, tmp_path: Path) -> None:
    from services.roll import members as member_service

    ws = Workspace.over(bureau)
    with ws.read() as s:
        roll = [(m.name, m.id_number) for m in member_service.list_members(s)]
    titles = [f"并发导入专题培训{n}" for n in range(6)]
    first = _records(tmp_path / "a.csv", roll[:50], titles)
    second = _records(tmp_path / "b.csv", roll[50:], titles)
    plans = []
    for path in (first, second):
        with ws.read() as s:
            plans.append(records_import.plan_records(s, path, "refuse"))
    assert all(len(p.new_activities) == 6 for p in plans)  # each import, planned alone, would create them all

    def apply(plan: records_import.RecordsPlan) -> Callable[[], object]:
        def job() -> object:
            with ws.write("import-records") as uow:
                return records_import.apply_records(uow.session, plan, uow.actor)
        return job

    assert at_once([apply(p) for p in plans]) == []
    with bureau.session_factory() as s:
        made = s.scalars(select(Activity.id).where(Activity.title.like("并发导入专题培训%"))).all()
        attended = s.scalar(select(func.count(Attendance.id)).join(ActivitySession).where(
            ActivitySession.activity_id.in_(made)))
        identities = s.scalar(select(func.count()).select_from(ActivityIdentity).where(
            ActivityIdentity.activity_id.in_(made)))
        broken = changelog.verify_chain(s)
    assert len(made) == 6 and identities == 6
    assert attended == len(roll) * 6
    assert broken == []


@pytest.mark.parametrize("first_saves", [True])
def test_the_second_of_two_saves_of_one_member_is_refused_saying_what_changed(bureau: Database,
                                                                              first_saves: bool) -> None:
    from services.errors import ConflictError
    from services.roll import members as member_service

    ws = Workspace.over(bureau)
    with ws.read() as s:
        opened = member_service.list_members(s)[0]
    fields = opened.to_json()

    with ws.write("member-save") as uow:
        member_service.update_member(uow.session, opened.id, {**fields, "phone": "13800000001"}, "王五",
                                     expected_version=opened.version)
    with pytest.raises(ConflictError) as refused, ws.write("member-save") as uow:
        member_service.update_member(uow.session, opened.id, {**fields, "remarks": "另一位同事的修改"}, "李四",
                                     expected_version=opened.version)
    assert "已被其他人修改" in refused.value.message and "王五" in refused.value.message
    assert "13800000001" in refused.value.message
    with ws.read() as s:
        now = member_service.get_member(s, opened.id)
    assert now.phone == "13800000001" and now.remarks != "另一位同事的修改"


def _waiting_on_a_lock(db: Database, timeout: float = 20.0) -> bool:
    """Whether a connection to the test database waits on a row lock (within `timeout` seconds)."""
    import time

    from sqlalchemy import text

    name = backend.location(db).rsplit("/", 1)[1]
    ends = time.monotonic() + timeout
    while time.monotonic() < ends:
        with backend._admin().connect() as conn:
            if conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = :d AND wait_event_type = "
                                 "'Lock'"), {"d": name}).scalar():
                return True
        time.sleep(0.1)
    return False


def test_an_activity_deleted_while_another_clerk_takes_its_attendance_is_refused(demo_db: Database) -> None:
    """The delete counted no attendance (the other clerk's was not saved yet), then deleted the activity and, with its
    sessions, the attendance the other clerk had just saved, which that clerk had been told was saved."""
    from services.errors import ConflictError
    from services.roll import members as member_service
    from services.training import activities, attendance, enrolment

    ws = Workspace.over(demo_db)
    with ws.write("activity-create") as uow:
        kind = activities.list_types(uow.session)[0].name
        made = activities.create_activity(uow.session, {"title": "同时删除的活动", "type": kind,
                                                         "start_date": "2025-03-01", "hours": 2}, uow.actor)
        member = member_service.list_members(uow.session)[0].id
        enrolment.enrol(uow.session, made.id, [member], uow.actor)
    with ws.read() as s:
        session_id = activities.get_activity(s, made.id).sessions[0].id

    taking = ws.write("attendance-set")
    uow = taking.__enter__()  # the first clerk's attendance, not yet committed
    attendance.set_attendance(uow.session, session_id, member, "出席", None, uow.actor)

    def delete() -> None:
        with ws.write("activity-delete") as other:
            activities.delete_activity(other.session, made.id, other.actor)

    refused: list[BaseException] = []
    deleting = threading.Thread(target=lambda: refused.extend(at_once([delete])))
    deleting.start()
    assert _waiting_on_a_lock(demo_db)
    taking.__exit__(None, None, None)
    deleting.join(60)
    assert len(refused) == 1 and isinstance(refused[0], ConflictError), refused
    assert "已有1条考勤记录，不能删除" in refused[0].message
    with demo_db.session_factory() as s:
        assert s.scalar(select(func.count(Attendance.id)).where(Attendance.session_id == session_id)) == 1
        assert changelog.verify_chain(s) == []
