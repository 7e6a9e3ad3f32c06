"""The program on a PostgreSQL server, driven as clerks drive it: whole processes, several at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import backend
from tests.helpers.paths import REPO as ROOT

pytestmark = backend.server_only


def run(db: str, *args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "DANGXUN_DATA_DIR": str(cwd / "data"), **(env or {})}
    for var in ("DANGXUN_USER", "DANGXUN_PASSWORD", "DANGXUN_DB"):
        full.pop(var, None) if var not in (env or {}) else None
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", db, *args], cwd=cwd, env=full,
                          capture_output=True, text=True, timeout=600)


def start(db: str, *args: str, cwd: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "DANGXUN_DATA_DIR": str(cwd / "data")}
    return subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--db", db, *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def server_db() -> str:
    url = backend.new_database(migrated=False)
    yield url
    backend.drop_database(url)


def test_demo_on_a_server_puts_everything_in_the_server(server_db: str, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    done = run(server_db, "demo", cwd=work)
    assert done.returncode == 0, done.stderr
    assert "已在数据库服务器上建立数据库" in done.stderr
    listed = run(server_db, "members", "list", "--json", cwd=work)
    assert len(json.loads(listed.stdout)) == 100
    # nothing in the working folder but the data folder the test gave (logs, no database file)
    assert [p.name for p in work.iterdir()] in ([], ["data"])
    assert not list(work.rglob("*.sqlite3"))
    checked = run(server_db, "check", "--json", cwd=work)
    assert checked.returncode == 0 and json.loads(checked.stdout)["ok"] is True


def test_a_foreign_server_database_is_refused(tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    url = backend.new_database(migrated=False)
    try:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE orders (id int)"))
        engine.dispose()
        done = run(url, "members", "list", cwd=tmp_path)
        assert done.returncode == 2
        assert "不是本程序的数据库" in done.stderr and "orders" in done.stderr
    finally:
        backend.drop_database(url)


def test_a_missing_server_database_is_named(tmp_path: Path) -> None:
    done = run(backend.url_of("no_such_database_here"), "members", "list", cwd=tmp_path)
    assert done.returncode == 2
    assert "没有这个数据库" in done.stderr and "Traceback" not in done.stderr


def _records_file(path: Path, members: list[dict], titles: list[str]) -> Path:
    lines = ["姓名,公民身份号码,培训名称,培训类别,开始日期,学时"]
    for n, title in enumerate(titles):
        for m in members:
            lines.append(f"{m['name']},{m['id_number']},{title},专题培训,2025-0{1 + n}-15,{2 + n % 3}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_two_clerks_importing_at_once_give_the_statistics_of_one_after_the_other(server_db: str,
                                                                                  tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    assert run(server_db, "demo", cwd=work).returncode == 0
    file_db = str(tmp_path / "sequential.sqlite3")
    assert run(file_db, "demo", cwd=work).returncode == 0
    members = json.loads(run(server_db, "members", "list", "--json", cwd=work).stdout)
    assert len(members) == 100 and "*" not in members[0]["id_number"]
    titles = [f"“学思想、强党性”专题培训（第{n}期）" for n in range(1, 7)]
    first = _records_file(tmp_path / "甲.csv", members[:50], titles)
    second = _records_file(tmp_path / "乙.csv", members[50:], titles)
    clerks = [start(server_db, "import-records", str(f), "--json", cwd=work) for f in (first, second)]
    outs = [c.communicate(timeout=600) for c in clerks]
    assert [c.returncode for c in clerks] == [0, 0], [o[1] for o in outs]
    for f in (first, second):
        assert run(file_db, "import-records", str(f), cwd=work).returncode == 0
    period = ("--from", "2025-01-01", "--to", "2025-12-31", "--json")
    on_server = json.loads(run(server_db, "stats", *period, cwd=work).stdout)
    one_by_one = json.loads(run(file_db, "stats", *period, cwd=work).stdout)
    assert on_server == one_by_one
    listed = [json.loads(run(db, "activities", "list", "--year", "2025", "--json", cwd=work).stdout)
              for db in (server_db, file_db)]
    made = [sorted((a["title"], a["attended"]) for a in acts if "学思想" in a["title"]) for acts in listed]
    assert made[0] == made[1] and len(made[0]) == 6  # each activity once, with both halves' attendance
