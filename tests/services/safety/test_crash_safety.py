"""Crash safety: children writing imports and edits are SIGKILLed at random moments; nothing is ever half there.

Each child (a fork of this process, so that 50+ kills fit in a few seconds) repeatedly runs one
transaction that adds a batch of members through services.roll.members (tagged `crash:<batch>:<size>` in
remarks), edits an earlier member (job `edited:<batch>`), and sets a per-child setting to the batch
number; batch sizes vary from 3 to 40 to have kills inside small and large commits. WAL
checkpoints are made frequent so kills also land during checkpoints. Afterwards the database must
pass `integrity_check`, every batch must be whole or absent, every edit must belong to a committed
batch, each child's setting must name its newest committed batch, and the change-log hash chain
must be intact.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import signal
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import event, select

from models import Member, Setting
from services.normalize import id_check_digit
from services.safety import changelog
from services.safety.storage import integrity_check, open_database

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "win32", reason="needs fork and SIGKILL"),
]

KILLS = 60
BRANCHES = ("甲党支部", "乙党支部", "丙党支部")


def _id_number(counter: int) -> tuple[str, dt.date, str]:
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=counter // 450)
    seq = (counter % 450) * 2 + 1 + (counter % 2)  # 001..900; parity gives the sex
    body = f"110105{birth:%Y%m%d}{seq:03d}"
    sex = "男" if seq % 2 else "女"
    return body + id_check_digit(body), birth, sex


def _child(db_path: Path, child: int, report_fd: int) -> None:
    """Runs in the forked child until it is killed."""
    from services.roll.members import create_member, get_member, record_as_raw, update_member

    db = open_database(db_path, migrate=False)

    @event.listens_for(db.engine, "connect")
    def _frequent_checkpoints(dbapi_connection: object, _record: object) -> None:
        dbapi_connection.execute("PRAGMA wal_autocheckpoint=64")  # type: ignore[attr-defined]

    rng = random.Random(child)
    counter = child * 20000
    batch = 0
    while True:
        batch += 1
        tag = child * 1000 + batch
        size = rng.choice((3, 5, 10, 20, 40))
        os.write(report_fd, f"start {tag} {size}\n".encode())
        with db.session_factory.begin() as s:
            for _ in range(size):
                counter += 1
                id_number, birth, sex = _id_number(counter)
                create_member(s, {
                    "name": "测试" + "甲乙丙丁戊己庚辛"[counter % 8] + "员", "id_number": id_number, "sex": sex,
                    "birth_date": birth, "joined_party": f"{birth.year + 25}-07", "membership": "正式党员",
                    "branch": BRANCHES[counter % 3], "remarks": f"crash:{tag}:{size}",
                }, "crash-test")
            earlier = s.scalars(select(Member.id).where(Member.remarks.like(f"crash:{child * 1000}%"))
                                .order_by(Member.id).limit(1)).first()
            if earlier is not None:
                raw = record_as_raw(get_member(s, earlier)) | {"job": f"edited:{tag}"}
                update_member(s, earlier, raw, "crash-test")
            key = f"crash.child.{child}"
            setting = s.get(Setting, key)
            if setting is None:
                s.add(Setting(key=key, value=str(tag)))
            else:
                setting.value = str(tag)
        os.write(report_fd, f"done {tag}\n".encode())


def _warm_up(path: Path) -> None:
    """Load the lazily loaded name tables (pinyin, strokes) once, so that every fork starts warm."""
    from services.roll.branches import create_branch
    from services.roll.members import create_member

    db = open_database(path)
    with db.session_factory.begin() as s:
        create_branch(s, BRANCHES[0], "warm")
        id_number, birth, sex = _id_number(1)
        create_member(s, {"name": "预热员", "id_number": id_number, "sex": sex, "birth_date": birth,
                          "joined_party": "1980-07", "membership": "正式党员", "branch": BRANCHES[0]}, "warm")
    db.dispose()


def test_sigkill_during_imports_and_edits_leaves_whole_or_absent_batches(tmp_path: Path) -> None:
    from services.roll.branches import create_branch

    db_path = tmp_path / "crash.sqlite3"
    db = open_database(db_path)
    with db.session_factory.begin() as s:
        for name in BRANCHES:
            create_branch(s, name, "crash-test")
    db.dispose()
    _warm_up(tmp_path / "warm.sqlite3")

    rng = random.Random(20261125)
    started: dict[int, int] = {}
    done: set[int] = set()
    delays = []
    t0 = time.monotonic()
    for child in range(1, KILLS + 1):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            os.close(read_fd)
            try:
                _child(db_path, child, write_fd)
            finally:
                os._exit(0)
        os.close(write_fd)
        delay = rng.uniform(0.01, 0.8)
        delays.append(delay)
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        text = b""
        while chunk := os.read(read_fd, 65536):
            text += chunk
        os.close(read_fd)
        for line in text.decode().splitlines():
            parts = line.split()
            if parts[0] == "start":
                started[int(parts[1])] = int(parts[2])
            elif parts[0] == "done":
                done.add(int(parts[1]))
    elapsed = time.monotonic() - t0

    # The first connection after a crash replays the WAL (read-write); then the read-only check runs.
    open_database(db_path, migrate=False).dispose()
    assert integrity_check(db_path) == []
    db = open_database(db_path)
    try:
        with db.session_factory() as s:
            counts: dict[int, int] = {}
            sizes: dict[int, int] = {}
            for remarks in s.scalars(select(Member.remarks)):
                m = re.fullmatch(r"crash:(\d+):(\d+)", remarks or "")
                assert m, remarks
                tag = int(m[1])
                counts[tag] = counts.get(tag, 0) + 1
                sizes[tag] = int(m[2])
            partial = {tag: (n, sizes[tag]) for tag, n in counts.items() if n != sizes[tag]}
            assert partial == {}, f"half-written batches: {partial}"
            committed = set(counts)
            assert done <= committed, "a batch reported committed is missing"
            assert committed <= set(started)
            # Edits belong to committed batches only.
            for job in s.scalars(select(Member.job).where(Member.job.like("edited:%"))):
                assert int(job.split(":")[1]) in committed
            # Each child's setting names its newest committed batch (same transaction as the rows).
            for setting in s.scalars(select(Setting).where(Setting.key.like("crash.child.%"))):
                child = int(setting.key.rsplit(".", 1)[1])
                mine = [t for t in committed if t // 1000 == child]
                assert int(setting.value) == max(mine)
            assert changelog.verify_chain(s) == []
            in_flight = set(started) - done
            whole_in_flight = in_flight & committed
    finally:
        db.dispose()

    print(f"\ncrash test: {KILLS} SIGKILLs in {elapsed:.1f} s (delays {min(delays):.2f}–{max(delays):.2f} s); "
          f"{len(started)} batches started, {len(committed)} committed ({sum(counts.values())} members), "
          f"{len(in_flight)} in flight at the kill: {len(whole_in_flight)} found whole, "
          f"{len(in_flight) - len(whole_in_flight)} absent, 0 partial; integrity_check ok; hash chain intact")
    assert KILLS >= 50
    assert len(in_flight) >= KILLS // 2  # most kills did land inside a transaction


RESTORE_KILLS = 20


def test_sigkill_during_restore_leaves_the_old_or_the_new_database(tmp_path: Path) -> None:
    """Children restore two backups in turn and are killed at random moments: the live file is always one of them."""
    from sqlalchemy import func

    from models import Branch
    from services.demo.demo import seed_demo
    from services.roll.branches import create_branch
    from services.safety import backup, restore

    live = tmp_path / "live.sqlite3"
    db = open_database(live)
    with db.session_factory.begin() as s:
        seed_demo(s, members=40, branches=5)
    first = backup.backup_now(db, "t", target=tmp_path / "first.sqlite3").info.path
    with db.session_factory.begin() as s:
        create_branch(s, "第二份备份才有的支部", "t")
    second = backup.backup_now(db, "t", target=tmp_path / "second.sqlite3").info.path
    db.dispose()
    folder = tmp_path / "backups"

    rng = random.Random(7)
    restores_done = 0
    for child in range(RESTORE_KILLS):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            os.close(read_fd)
            try:
                target = open_database(live)
                n = 0
                while True:
                    restore.restore_backup(target, (first, second)[(child + n) % 2], "crash-test", folder)
                    n += 1
                    os.write(write_fd, b"r")
            finally:
                os._exit(0)
        os.close(write_fd)
        time.sleep(rng.uniform(0.02, 0.7))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        while chunk := os.read(read_fd, 4096):
            restores_done += len(chunk)
        os.close(read_fd)
        # After every kill the live file must be sound and be one of the two databases.
        assert restore.damaged_reason(live) is None, f"kill {child}"
        check = open_database(live)
        try:
            with check.session_factory() as s:
                branches = s.scalar(select(func.count(Branch.id)))
                assert branches in (5, 6)
                assert changelog.verify_chain(s) == []
        finally:
            check.dispose()
    print(f"\nrestore crash test: {RESTORE_KILLS} SIGKILLs, {restores_done} restores completed between them; "
          "live database always sound and equal to one of the two backups")
    assert restores_done > 0
